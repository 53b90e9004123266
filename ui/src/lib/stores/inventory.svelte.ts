// The inventory's state: consumables with their forecasts, and the one being looked at. Screens
// read it; only this store calls the backend for the inventory.
import {
  messageOf,
  type Backend,
  type ConsumableDetailView,
  type ConsumableInputView,
  type ConsumableSummaryView,
  type ConsentPromptView,
  type SentView,
} from '../backend';

export class InventoryStore {
  consumables = $state<ConsumableSummaryView[] | null>(null);
  loadError = $state<string | null>(null);
  /** Details by consumable id, as last read. */
  details = $state<Record<number, ConsumableDetailView>>({});

  constructor(private readonly backend: Backend) {}

  /** Loads the list and follows the core's announcements. Returns an unsubscribe. */
  async start(): Promise<() => void> {
    // Days (for "today" and the chart) start at the owner's midnight, which only the UI knows.
    await this.backend.setUtcOffset(-new Date().getTimezoneOffset()).catch(() => {});
    const stop = await this.backend.onInventoryChanged((view) => {
      this.consumables = view.consumables;
      // An open detail screen re-reads its forecast and chart.
      for (const id of Object.keys(this.details)) void this.load(Number(id));
    });
    await this.loadAll();
    return stop;
  }

  async loadAll(): Promise<void> {
    try {
      this.consumables = (await this.backend.inventory()).consumables;
      this.loadError = null;
    } catch (error) {
      this.loadError = messageOf(error);
    }
  }

  /** Loads one consumable; resolves to the reason on failure. */
  async load(id: number): Promise<string | null> {
    try {
      this.details[id] = await this.backend.consumableDetail(id);
      return null;
    } catch (error) {
      return messageOf(error);
    }
  }

  /** Adds a consumable; resolves to its id, or to the reason it was refused. */
  async add(input: ConsumableInputView): Promise<number | string> {
    try {
      const detail = await this.backend.addConsumable(input);
      this.details[detail.summary.id] = detail;
      await this.loadAll();
      return detail.summary.id;
    } catch (error) {
      return messageOf(error);
    }
  }

  async update(id: number, input: ConsumableInputView): Promise<string | null> {
    try {
      this.details[id] = await this.backend.updateConsumable(id, input);
      return null;
    } catch (error) {
      return messageOf(error);
    }
  }

  /** Records a purchase; resolves to the reason it was refused, or null. */
  async purchase(id: number, quantity: number, note: string | null): Promise<string | null> {
    try {
      this.details[id] = await this.backend.recordPurchase(id, quantity, note);
      return null;
    } catch (error) {
      return messageOf(error);
    }
  }

  /** What reordering would send, to whom, for what and how long; or why it cannot be done. */
  async reorderPrompt(id: number): Promise<ConsentPromptView | string> {
    try {
      return await this.backend.reorderPrompt(id);
    } catch (error) {
      return messageOf(error);
    }
  }

  /** Reorders from the maker; `allow` answers the prompt. Resolves to the outcome or why not. */
  async reorder(id: number, allow: boolean): Promise<SentView | string> {
    try {
      return await this.backend.reorder(id, allow);
    } catch (error) {
      return messageOf(error);
    }
  }
}
