// Which screen is showing. One small store instead of a router: the app has a handful of screens.
export type Screen =
  | { name: 'home' }
  | { name: 'add-device' }
  | { name: 'device'; id: string }
  | { name: 'inventory' }
  | { name: 'consumable'; id: number }
  | { name: 'shopping' }
  | { name: 'offers' }
  | { name: 'tutorial'; partnerId: string; itemId: string }
  /** Writing to a guide's maker when the guide did not help. */
  | { name: 'ask'; partnerId: string; itemId: string }
  /** A conversation with a maker's support; `itemId` is the guide it came from, if any. */
  | { name: 'conversation'; id: number; partnerId: string; itemId: string | null }
  | { name: 'privacy' }
  | { name: 'notifications' };

/** The sections the tab bar switches between. */
export type Section = 'home' | 'inventory' | 'shopping' | 'offers' | 'privacy';

/** The section a screen belongs to. */
export function sectionOf(screen: Screen): Section {
  switch (screen.name) {
    case 'inventory':
    case 'consumable':
      return 'inventory';
    case 'shopping':
      return 'shopping';
    case 'offers':
    case 'tutorial':
    case 'ask':
    case 'conversation':
    case 'notifications':
      return 'offers';
    case 'privacy':
      return 'privacy';
    default:
      return 'home';
  }
}

export class NavStore {
  screen = $state<Screen>({ name: 'home' });

  go(screen: Screen): void {
    this.screen = screen;
  }
}
