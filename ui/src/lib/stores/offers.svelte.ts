// The offers screen's state: the inbox (matched on the phone by the core), each partner feed's
// state, the tutorial open, and the owner's search. Screens read it; only this store calls the
// backend for offers.
import {
  messageOf,
  type Backend,
  type InboxItemView,
  type InboxView,
  type ItemKeyInput,
  type PlaceView,
  type PositionInput,
  type SearchHitView,
  type TutorialView,
} from '../backend';

export type ItemAction = 'dismiss' | 'restore' | 'save' | 'unsave';
export type SortBy = 'distance' | 'price';

export function keyOf(item: Pick<InboxItemView, 'partnerId' | 'kind' | 'itemId'>): ItemKeyInput {
  return { partnerId: item.partnerId, kind: item.kind, itemId: item.itemId };
}

/** A place's value in the search form's list. */
export function placeKey(place: PlaceView): string {
  return `${place.name}|${place.latitude}|${place.longitude}`;
}

export class OffersStore {
  view = $state<InboxView | null>(null);
  loadError = $state<string | null>(null);
  refreshing = $state(false);
  /** The item last dismissed, so it can be brought back. */
  undo = $state<InboxItemView | null>(null);
  tutorial = $state<TutorialView | null>(null);
  tutorialError = $state<string | null>(null);
  query = $state('');
  sort = $state<SortBy>('distance');
  hits = $state<SearchHitView[] | null>(null);
  searchError = $state<string | null>(null);
  /** The phone's position when the owner allowed it; `null` lets the core decide (demo mode). */
  position = $state<PositionInput | null>(null);
  /** The stores named in partners' feeds, to measure search distances from when location is off. */
  places = $state<PlaceView[]>([]);
  /** The place chosen to measure from (`placeKey`), or '' for none. */
  place = $state('');

  constructor(private readonly backend: Backend) {}

  /** How many items the owner has not seen yet. */
  get newCount(): number {
    return this.view?.items.filter((i) => i.isNew).length ?? 0;
  }

  /** Follows the core's refreshes of partners' feeds (at start and every few hours): the inbox
   *  is matched again without marking anything seen. Resolves to an unsubscribe. */
  async start(): Promise<() => void> {
    const stop = await this.backend.onOffersChanged(() => void this.load(false));
    await this.load(false);
    return stop;
  }

  /** Matches the inbox; `showing` when the owner is looking at it (it stops being new). */
  async load(showing = true): Promise<void> {
    try {
      this.view = await this.backend.inbox(this.position, showing);
      this.loadError = null;
    } catch (error) {
      this.loadError = messageOf(error);
    }
  }

  /** Fetches every partner's feed again, then matches. */
  async refresh(): Promise<void> {
    this.refreshing = true;
    try {
      await this.backend.refreshOffers();
      await this.load();
    } catch (error) {
      this.loadError = messageOf(error);
    } finally {
      this.refreshing = false;
    }
  }

  /** Resolves to why not, or null. */
  async mark(item: InboxItemView, action: ItemAction): Promise<string | null> {
    try {
      this.view = await this.backend.markItem(keyOf(item), action, this.position);
      this.undo = action === 'dismiss' ? item : null;
      return null;
    } catch (error) {
      return messageOf(error);
    }
  }

  async mute(partnerId: string, muted: boolean): Promise<string | null> {
    try {
      this.view = await this.backend.mutePartner(partnerId, muted, this.position);
      return null;
    } catch (error) {
      return messageOf(error);
    }
  }

  async openTutorial(key: ItemKeyInput): Promise<void> {
    this.tutorial = null;
    this.tutorialError = null;
    try {
      this.tutorial = await this.backend.tutorial(key);
    } catch (error) {
      this.tutorialError = messageOf(error);
    }
  }

  /** Reads the places to measure from; a place no longer named is unchosen. */
  async loadPlaces(): Promise<void> {
    try {
      this.places = (await this.backend.places()).filter((p) => p.latitude !== null && p.longitude !== null);
    } catch {
      // Without the list, search still works: it has no distances.
      this.places = [];
    }
    if (!this.places.some((p) => placeKey(p) === this.place)) this.place = '';
  }

  /** Where search measures from: the phone while Steward knows where it is (`locationOn`), else
   *  the place the owner chose, else nowhere (no distances). */
  searchPosition(locationOn: boolean): PositionInput | null {
    if (locationOn) return this.position;
    const chosen = this.places.find((p) => placeKey(p) === this.place);
    return chosen === undefined ? null : { latitude: chosen.latitude, longitude: chosen.longitude };
  }

  async search(locationOn = false): Promise<void> {
    if (this.query.trim() === '') {
      this.hits = null;
      this.searchError = null;
      return;
    }
    try {
      this.hits = await this.backend.searchOffers({ query: this.query, sort: this.sort, position: this.searchPosition(locationOn) });
      this.searchError = null;
    } catch (error) {
      this.searchError = messageOf(error);
    }
  }
}
