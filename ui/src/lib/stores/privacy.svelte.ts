// The privacy center's state: partners with their grant matrices, the ledger (with its filters)
// and receipts. Screens read it; only this store calls the backend for them.
import {
  messageOf,
  type Backend,
  type GrantCellView,
  type LedgerEntryView,
  type LedgerFilterInput,
  type LedgerPayloadView,
  type PartnerView,
  type PrivacyView,
  type ReceiptView,
} from '../backend';

/** How far back the ledger looks. */
export type Period = 'week' | 'month' | 'all';

const DAY = 86_400;

export class PrivacyStore {
  view = $state<PrivacyView | null>(null);
  entries = $state<LedgerEntryView[] | null>(null);
  receipts = $state<ReceiptView[] | null>(null);
  loadError = $state<string | null>(null);
  /** The ledger's filters. */
  partnerId = $state<string | null>(null);
  category = $state<string | null>(null);
  period = $state<Period>('all');

  constructor(private readonly backend: Backend) {}

  /** Loads everything the screen shows. */
  async load(): Promise<void> {
    try {
      this.view = await this.backend.privacy();
      this.receipts = await this.backend.receipts(null);
      await this.loadLedger();
      this.loadError = null;
    } catch (error) {
      this.loadError = messageOf(error);
    }
  }

  /** The ledger under the current filters. */
  async loadLedger(): Promise<void> {
    const now = Math.floor(Date.now() / 1000);
    const filter: LedgerFilterInput = {
      partnerId: this.partnerId,
      category: this.category,
      from: this.period === 'week' ? now - 7 * DAY : this.period === 'month' ? now - 30 * DAY : null,
      until: null,
    };
    this.entries = await this.backend.ledger(filter);
  }

  async filter(change: { partnerId?: string | null; category?: string | null; period?: Period }): Promise<string | null> {
    if (change.partnerId !== undefined) this.partnerId = change.partnerId;
    if (change.category !== undefined) this.category = change.category;
    if (change.period !== undefined) this.period = change.period;
    try {
      await this.loadLedger();
      return null;
    } catch (error) {
      return messageOf(error);
    }
  }

  /** Allows or withdraws one cell; resolves to an error message, or null. */
  async setGrant(partnerId: string, category: string, purpose: string, allowed: boolean): Promise<string | null> {
    try {
      this.view = await this.backend.setGrant(partnerId, category, purpose, allowed);
      this.receipts = await this.backend.receipts(null);
      return null;
    } catch (error) {
      return messageOf(error);
    }
  }

  /** Adds a partner from the card at `baseUrl`; resolves to an error message, or null. */
  async addPartner(baseUrl: string): Promise<string | null> {
    try {
      this.view = await this.backend.addPartner(baseUrl.trim());
      return null;
    } catch (error) {
      return messageOf(error);
    }
  }

  /** Permissions that lapse within a month: the owner is asked again. */
  get endingSoon(): { partner: PartnerView; cell: GrantCellView }[] {
    return (this.view?.partners ?? []).flatMap((partner) =>
      partner.cells.filter((cell) => cell.renewDue).map((cell) => ({ partner, cell })),
    );
  }

  /** Renews one permission for another term; resolves to an error message, or null. */
  async renew(partnerId: string, category: string, purpose: string): Promise<string | null> {
    try {
      this.view = await this.backend.renewGrant(partnerId, category, purpose);
      this.receipts = await this.backend.receipts(null);
      return null;
    } catch (error) {
      return messageOf(error);
    }
  }

  async removePartner(partnerId: string): Promise<string | null> {
    try {
      this.view = await this.backend.removePartner(partnerId);
      this.receipts = await this.backend.receipts(null);
      await this.loadLedger();
      return null;
    } catch (error) {
      return messageOf(error);
    }
  }

  /** Tries a failed entry again; resolves to an error message, or null. */
  async retry(id: number): Promise<string | null> {
    try {
      await this.backend.retrySharing(id);
      await this.loadLedger();
      return null;
    } catch (error) {
      return messageOf(error);
    }
  }

  /** The exact bytes of one entry. */
  payload(id: number): Promise<LedgerPayloadView> {
    return this.backend.ledgerPayload(id);
  }
}
