// Location use for store offers, as the owner controls it: whether Steward may use the phone's
// position, where that stands now (waiting for a position, on, unavailable), and the stores the
// phone is at, as the core announces them. Screens read it; only this store calls the backend
// for location.
import { messageOf, type Backend, type LocationView } from '../backend';

export class LocationStore {
  view = $state<LocationView | null>(null);
  loadError = $state<string | null>(null);
  saving = $state(false);
  /** How many announcements arrived: one that came while a call was on its way is newer than
   *  the call's answer (the core announces before it answers), so the answer does not undo it. */
  private announced = 0;

  constructor(private readonly backend: Backend) {}

  /** Whether Steward knows where the phone is now (search measures from there). */
  get on(): boolean {
    return this.view?.state === 'on';
  }

  /** Follows the core's announcements, and reads where location use stands. Resolves to an
   *  unsubscribe. */
  async start(): Promise<() => void> {
    const stop = await this.backend.onLocationChanged((view) => {
      this.announced += 1;
      this.view = view;
      this.loadError = null;
    });
    await this.load();
    return stop;
  }

  async load(): Promise<void> {
    const before = this.announced;
    try {
      const view = await this.backend.location();
      if (this.announced === before) this.view = view;
      this.loadError = null;
    } catch (error) {
      this.loadError = messageOf(error);
    }
  }

  /** Switches location use on or off; resolves to why not, or null. */
  async setUse(on: boolean): Promise<string | null> {
    this.saving = true;
    const before = this.announced;
    try {
      const view = await this.backend.setLocationUse(on);
      if (this.announced === before) this.view = view;
      return null;
    } catch (error) {
      return messageOf(error);
    } finally {
      this.saving = false;
    }
  }
}
