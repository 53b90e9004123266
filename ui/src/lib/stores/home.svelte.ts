// The home screen's state: the summary the core returned, whether it is loading, and the last
// failure to show. Screens read it; only this store calls the backend for the home.
import { messageOf, type Backend, type DataProtectionView, type ExportView, type HomeView } from '../backend';

export class HomeStore {
  home = $state<HomeView | null>(null);
  loading = $state(true);
  /** Why loading failed, for a person to read; null when it did not. */
  loadError = $state<string | null>(null);
  /** How the data is protected at rest; null until known. */
  protection = $state<DataProtectionView | null>(null);

  constructor(private readonly backend: Backend) {}

  /** Loads the summary and follows the core's announcements. Returns an unsubscribe. */
  async start(): Promise<() => void> {
    const stop = await this.backend.onHomeChanged((home) => {
      this.home = home;
    });
    await this.load();
    return stop;
  }

  async load(): Promise<void> {
    this.loading = true;
    try {
      this.home = await this.backend.home();
      this.loadError = null;
      this.protection = await this.backend.dataProtection().catch(() => null);
    } catch (error) {
      this.loadError = messageOf(error);
    } finally {
      this.loading = false;
    }
  }

  /** Writes everything to a file; resolves to where, or to the reason it failed. */
  async exportData(): Promise<ExportView | string> {
    try {
      return await this.backend.exportHousehold();
    } catch (error) {
      return messageOf(error);
    }
  }

  /** Shows a saved export to the owner; resolves to the reason it could not, or null. */
  async showExport(fileName: string): Promise<string | null> {
    try {
      await this.backend.showExport(fileName);
      return null;
    } catch (error) {
      return messageOf(error);
    }
  }

  /** Erases everything once confirmed; resolves to the reason it was refused, or null. */
  async erase(confirmation: string): Promise<string | null> {
    try {
      this.home = await this.backend.eraseHousehold(confirmation);
      return null;
    } catch (error) {
      return messageOf(error);
    }
  }

  /** Renames the household; resolves to the reason it was refused, or null on success. */
  async rename(name: string): Promise<string | null> {
    try {
      this.home = await this.backend.setHouseholdName(name);
      return null;
    } catch (error) {
      return messageOf(error);
    }
  }
}
