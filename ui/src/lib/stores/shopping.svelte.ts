// The shopping list's state. Screens read it; only this store calls the backend for the list.
import { messageOf, type Backend, type ShoppingItemInput, type ShoppingItemView } from '../backend';

export class ShoppingStore {
  items = $state<ShoppingItemView[] | null>(null);
  loadError = $state<string | null>(null);

  constructor(private readonly backend: Backend) {}

  /** Open items, for the tab's badge. */
  get openCount(): number {
    return (this.items ?? []).filter((i) => !i.done).length;
  }

  /** Loads the list and follows the core's announcements. Returns an unsubscribe. */
  async start(): Promise<() => void> {
    const stop = await this.backend.onShoppingChanged((list) => {
      this.items = list.items;
    });
    await this.load();
    return stop;
  }

  async load(): Promise<void> {
    try {
      this.items = (await this.backend.shoppingList()).items;
      this.loadError = null;
    } catch (error) {
      this.loadError = messageOf(error);
    }
  }

  private async apply(call: () => Promise<{ items: ShoppingItemView[] }>): Promise<string | null> {
    try {
      this.items = (await call()).items;
      return null;
    } catch (error) {
      return messageOf(error);
    }
  }

  add(input: ShoppingItemInput): Promise<string | null> {
    return this.apply(() => this.backend.addShoppingItem(input));
  }

  edit(id: number, input: ShoppingItemInput): Promise<string | null> {
    return this.apply(() => this.backend.editShoppingItem(id, input));
  }

  setDone(id: number, done: boolean): Promise<string | null> {
    return this.apply(() => this.backend.setShoppingItemDone(id, done));
  }

  remove(id: number): Promise<string | null> {
    return this.apply(() => this.backend.removeShoppingItem(id));
  }
}
