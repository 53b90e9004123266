// Notifications as the owner controls them: the settings (budget, brand cap, quiet hours,
// channels), the history of what the core's policy decided, the permission (asked in the app,
// with the reason, before the system's dialog), and what a tapped notification opens. Only this
// store calls the backend for notifications; screens read it.
import {
  messageOf,
  type Backend,
  type NotificationEntryView,
  type NotificationPermissionView,
  type NotificationSettingsInput,
  type NotificationSettingsView,
  type OpenTargetView,
} from '../backend';
import type { NavStore, Screen } from './nav.svelte';

/** The screen a tapped notification opens; `null` for one the app cannot open. */
export function screenFor(target: OpenTargetView): Screen | null {
  switch (target.kind) {
    case 'tutorial':
      return target.partnerId && target.itemId
        ? { name: 'tutorial', partnerId: target.partnerId, itemId: target.itemId }
        : null;
    case 'offer':
      return { name: 'offers' };
    case 'consumable':
      return target.consumableId === null ? null : { name: 'consumable', id: target.consumableId };
    case 'device':
      return target.deviceId ? { name: 'device', id: target.deviceId } : null;
    default:
      return null;
  }
}

export class NotificationsStore {
  settings = $state<NotificationSettingsView | null>(null);
  history = $state<NotificationEntryView[]>([]);
  permission = $state<NotificationPermissionView | null>(null);
  /** The app's own question, with the reason, while it waits for the owner's answer. */
  asking = $state<NotificationPermissionView | null>(null);
  loadError = $state<string | null>(null);
  saveError = $state<string | null>(null);
  saving = $state(false);
  /** The offer a tapped notification named, for the Offers screen to bring into view. */
  focusItem = $state<{ partnerId: string; itemId: string } | null>(null);

  constructor(
    private readonly backend: Backend,
    private readonly nav: NavStore,
  ) {}

  /** Follows the core: its question about notifications, and taps on them. Resolves to an
   *  unsubscribe. */
  async start(): Promise<() => void> {
    const stops = await Promise.all([
      this.backend.onNotificationPermissionNeeded((view) => {
        this.permission = view;
        this.asking = view;
      }),
      this.backend.onNotificationOpened((target) => this.open(target)),
    ]);
    try {
      this.permission = await this.backend.notificationPermission();
    } catch (error) {
      this.loadError = messageOf(error);
    }
    return () => {
      for (const stop of stops) stop();
    };
  }

  /** Opens what a tapped notification names. */
  open(target: OpenTargetView): void {
    const screen = screenFor(target);
    if (!screen) return;
    this.focusItem =
      target.kind === 'offer' && target.partnerId && target.itemId
        ? { partnerId: target.partnerId, itemId: target.itemId }
        : null;
    this.nav.go(screen);
  }

  /** The owner's answer to the app's question. Resolves to why not, or null. */
  async answer(allow: boolean): Promise<string | null> {
    try {
      this.permission = await this.backend.answerNotificationPermission(allow);
      this.asking = null;
      return null;
    } catch (error) {
      return messageOf(error);
    }
  }

  /** The settings and the newest history. */
  async load(): Promise<void> {
    try {
      const [settings, history, permission] = await Promise.all([
        this.backend.notificationSettings(),
        this.backend.notificationHistory(100),
        this.backend.notificationPermission(),
      ]);
      this.settings = settings;
      this.history = history;
      this.permission = permission;
      this.loadError = null;
    } catch (error) {
      this.loadError = messageOf(error);
    }
  }

  /** Keeps new settings; resolves to why not, or null. */
  async save(input: NotificationSettingsInput): Promise<string | null> {
    this.saving = true;
    try {
      this.settings = await this.backend.setNotificationSettings(input);
      this.saveError = null;
      return null;
    } catch (error) {
      this.saveError = messageOf(error);
      return this.saveError;
    } finally {
      this.saving = false;
    }
  }
}
