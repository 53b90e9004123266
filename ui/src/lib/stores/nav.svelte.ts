// Which screen is showing. One small store instead of a router: the app has three screens.
export type Screen = { name: 'home' } | { name: 'add-device' } | { name: 'device'; id: string };

export class NavStore {
  screen = $state<Screen>({ name: 'home' });

  go(screen: Screen): void {
    this.screen = screen;
  }
}
