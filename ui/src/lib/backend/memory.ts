// An in-memory Backend for component tests: same contract as the core, no IPC. Devices behave
// like the simulated home's: a scan finds them, the right code pairs them, commands change state.
import {
  BackendError,
  type Backend,
  type BluetoothView,
  type CommandInput,
  type ConsumableDetailView,
  type ConsumableInputView,
  type DataProtectionView,
  type DeviceDetailView,
  type ExportView,
  type FoundDeviceView,
  type HomeView,
  type RemovedDeviceView,
  type InventoryView,
  type ShoppingItemInput,
  type ShoppingListView,
  type ConsentPromptView,
  type LabelView,
  type LedgerEntryView,
  type LedgerFilterInput,
  type LedgerPayloadView,
  type PrivacyView,
  type ReceiptView,
  type SentView,
  type FeedStatusView,
  type InboxItemView,
  type InboxView,
  type ItemKeyInput,
  type PositionInput,
  type SearchHitView,
  type SearchInput,
  type TutorialView,
  type NotificationEntryView,
  type NotificationPermissionView,
  type OpenTargetView,
  type NotificationSettingsInput,
  type NotificationSettingsView,
  type AskMakerInput,
  type ConversationView,
  type LocationView,
  type PlaceView,
} from './index';

/** A partner the memory backend knows, with what its card declares. */
export interface MemoryPartner {
  id: string;
  name: string;
  brands: string[];
  asks: [string, string][];
}

const CATEGORIES: [string, string][] = [
  ['devices-owned', 'Devices you own'],
  ['consumable-levels', 'Supply levels'],
  ['usage-patterns', 'How you use things'],
  ['purchase-history', 'What you bought'],
  ['coarse-location', 'Which store or area you are in'],
  ['precise-location', 'Your exact position'],
  ['device-diagnostics', 'Device diagnostics'],
];
const PURPOSES: [string, string][] = [
  ['personalised-offers', 'Offers for you'],
  ['reorder-delivery', 'Reorders and delivery you start'],
  ['tutorials-support', 'Tutorials and support'],
  ['product-improvement', 'Improving their products'],
];
const label = (list: [string, string][], id: string) => list.find(([i]) => i === id)?.[1] ?? id;
const LIFETIME_DAYS = 396;

/** A device the memory backend can find, with the code that pairs it. */
export interface MemoryDevice {
  found: FoundDeviceView;
  code: string;
  detail: DeviceDetailView;
}

export class MemoryBackend implements Backend {
  state: HomeView;
  nearby: MemoryDevice[] = [];
  private paired = new Map<string, DeviceDetailView>();
  private listeners = new Set<(home: HomeView) => void>();
  private deviceListeners = new Set<(device: DeviceDetailView) => void>();
  /** When set, the next call fails with this error (then clears). */
  failNext: BackendError | null = null;

  constructor(initial: Partial<HomeView> = {}) {
    this.state = { householdName: null, devices: [], schemaVersion: 4, ...initial };
  }

  private check(): void {
    const failure = this.failNext;
    if (failure) {
      this.failNext = null;
      throw failure;
    }
  }

  async home(): Promise<HomeView> {
    this.check();
    return structuredClone(this.state);
  }

  async setHouseholdName(name: string): Promise<HomeView> {
    this.check();
    const trimmed = name.trim();
    if (!trimmed) {
      throw new BackendError('invalidInput', 'Household name: a name needs at least one visible character.');
    }
    this.state = { ...this.state, householdName: trimmed };
    for (const listener of this.listeners) listener(structuredClone(this.state));
    return structuredClone(this.state);
  }

  async onHomeChanged(listener: (home: HomeView) => void): Promise<() => void> {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  radio: BluetoothView = { state: 'on', title: null, advice: null };
  private bluetoothListeners = new Set<(bluetooth: BluetoothView) => void>();

  async bluetooth(): Promise<BluetoothView> {
    this.check();
    return structuredClone(this.radio);
  }

  async onBluetoothChanged(listener: (bluetooth: BluetoothView) => void): Promise<() => void> {
    this.bluetoothListeners.add(listener);
    return () => this.bluetoothListeners.delete(listener);
  }

  /** What the simulated owner answers when the system asks about Bluetooth. */
  ownerAnswers: 'allow' | 'deny' = 'allow';
  /** How often the system's question was shown, and the settings opened. */
  asked = 0;
  settingsOpened = 0;

  async requestBluetooth(): Promise<BluetoothView> {
    this.check();
    if (this.radio.state === 'permissionNeeded') {
      this.asked += 1;
      this.radio =
        this.ownerAnswers === 'allow'
          ? { state: 'on', title: null, advice: null }
          : {
              state: 'permissionDenied',
              title: 'Steward may not use Bluetooth',
              advice: "You said no when your phone asked. Open Steward's settings to allow it.",
            };
    }
    return structuredClone(this.radio);
  }

  async openBluetoothSettings(): Promise<void> {
    this.check();
    this.settingsOpened += 1;
  }

  /** Switches the simulated radio, as the core announces it. */
  setBluetooth(view: BluetoothView): void {
    this.radio = structuredClone(view);
    for (const listener of this.bluetoothListeners) listener(structuredClone(view));
  }

  async scanDevices(): Promise<FoundDeviceView[]> {
    this.check();
    if (this.radio.state !== 'on') {
      throw new BackendError('noBluetooth', `${this.radio.title}. ${this.radio.advice}`);
    }
    return this.nearby.map((d) => structuredClone(d.found));
  }

  /** The starting levels the owner gave when pairing, by device id. */
  startingLevels = new Map<string, number | null>();

  async pairDevice(address: string, code: string, startingLevel: number | null): Promise<DeviceDetailView> {
    this.check();
    const device = this.nearby.find((d) => d.found.address === address);
    if (!device) throw new BackendError('invalidInput', 'That device is not in the last scan.');
    if (device.found.supplyQuestion && startingLevel === null) {
      throw new BackendError('invalidInput', 'Starting level: say how many slices of bread you have now.');
    }
    if (code.replace(/[\s-]/g, '') !== device.code.replace(/[\s-]/g, '')) {
      throw new BackendError('wrongCode', 'That setup code does not match this device.');
    }
    this.startingLevels.set(device.detail.id, startingLevel);
    device.found.pairedAs = { id: device.detail.id, name: device.detail.name };
    this.paired.set(device.detail.id, structuredClone(device.detail));
    this.state = {
      ...this.state,
      devices: [...this.state.devices, { id: device.detail.id, name: device.detail.name, kind: device.detail.kind }],
    };
    for (const listener of this.listeners) listener(structuredClone(this.state));
    return structuredClone(device.detail);
  }

  async removeDevice(id: string): Promise<RemovedDeviceView> {
    this.check();
    const detail = this.paired.get(id);
    if (!detail) throw new BackendError('invalidInput', 'Steward does not know that device.');
    this.paired.delete(id);
    this.state = { ...this.state, devices: this.state.devices.filter((d) => d.id !== id) };
    for (const listener of this.listeners) listener(structuredClone(this.state));
    return {
      home: structuredClone(this.state),
      deviceForgot: detail.connected,
      message: detail.connected
        ? `${detail.name} was removed, and it no longer accepts this phone.`
        : `${detail.name} was removed from Steward. It was out of reach, so it still lists this phone.`,
    };
  }

  async deviceDetail(id: string): Promise<DeviceDetailView> {
    this.check();
    const detail = this.paired.get(id);
    if (!detail) throw new BackendError('invalidInput', 'Steward does not know that device.');
    return structuredClone(detail);
  }

  async deviceCommand(id: string, command: CommandInput): Promise<DeviceDetailView> {
    this.check();
    const detail = this.paired.get(id);
    if (!detail) throw new BackendError('invalidInput', 'Steward does not know that device.');
    if (!detail.connected) throw new BackendError('outOfRange', 'The device is out of range or switched off.');
    const state = detail.state;
    if (state?.kind === 'light' && command.type === 'setPower') state.on = command.on;
    else if (state?.kind === 'light' && command.type === 'setBrightness') {
      state.brightness = command.percent;
      state.on = command.percent > 0;
    } else if (state?.kind === 'thermostat' && command.type === 'setTargetTemperature') {
      state.targetCentiCelsius = command.centiCelsius;
    } else if (state?.kind === 'soapDispenser' && command.type === 'refill') {
      state.remaining = Math.min(state.capacity, state.remaining + command.packets);
    } else if (command.type !== 'identify') {
      throw new BackendError('invalidInput', 'That device cannot do that.');
    }
    return structuredClone(detail);
  }

  async onDeviceChanged(listener: (device: DeviceDetailView) => void): Promise<() => void> {
    this.deviceListeners.add(listener);
    return () => this.deviceListeners.delete(listener);
  }

  consumables: ConsumableDetailView[] = [];
  shopping: ShoppingListView = { items: [] };
  exports: string[] = [];
  private inventoryListeners = new Set<(inventory: InventoryView) => void>();
  private shoppingListeners = new Set<(list: ShoppingListView) => void>();
  private nextId = 1;

  private inventoryView(): InventoryView {
    return { consumables: this.consumables.map((c) => structuredClone(c.summary)) };
  }

  private consumable(id: number): ConsumableDetailView {
    const found = this.consumables.find((c) => c.summary.id === id);
    if (!found) throw new BackendError('invalidInput', 'That consumable no longer exists. It may have been removed.');
    return found;
  }

  private changed(): void {
    for (const listener of this.inventoryListeners) listener(this.inventoryView());
    for (const listener of this.shoppingListeners) listener(structuredClone(this.shopping));
  }

  /** Adds a consumable as the core would return it (tests set the forecast fields). */
  seedConsumable(
    detail: Partial<Omit<ConsumableDetailView, 'summary'>> & { summary: Partial<ConsumableDetailView['summary']> },
  ): number {
    const id = this.nextId++;
    this.consumables.push({
      gtin: null,
      perDay: 0,
      explanation: 'no use recorded yet',
      dailyUse: [],
      purchases: [],
      ...detail,
      summary: {
        id,
        name: 'Thing',
        brand: null,
        unit: 'unit',
        remaining: 0,
        capacity: 1,
        threshold: 0,
        low: false,
        daysLeft: null,
        emptyDate: null,
        deviceId: null,
        ...detail.summary,
      },
    });
    return id;
  }

  async inventory(): Promise<InventoryView> {
    this.check();
    return this.inventoryView();
  }

  async consumableDetail(id: number): Promise<ConsumableDetailView> {
    this.check();
    return structuredClone(this.consumable(id));
  }

  async addConsumable(input: ConsumableInputView): Promise<ConsumableDetailView> {
    this.check();
    if (!input.name.trim()) throw new BackendError('invalidInput', 'Name: needs at least one visible character.');
    const id = this.seedConsumable({
      gtin: input.gtin,
      summary: {
        name: input.name.trim(),
        brand: input.brand,
        unit: input.unit,
        remaining: input.remaining,
        capacity: input.capacity,
        threshold: input.threshold ?? Math.ceil(input.capacity / 5),
      },
    });
    this.changed();
    return structuredClone(this.consumable(id));
  }

  async updateConsumable(id: number, input: ConsumableInputView): Promise<ConsumableDetailView> {
    this.check();
    const c = this.consumable(id);
    Object.assign(c.summary, {
      name: input.name,
      brand: input.brand,
      unit: input.unit,
      capacity: input.capacity,
      remaining: input.remaining,
      threshold: input.threshold ?? Math.ceil(input.capacity / 5),
    });
    c.summary.low = c.summary.remaining <= c.summary.threshold;
    this.changed();
    return structuredClone(c);
  }

  async recordPurchase(id: number, quantity: number, note: string | null): Promise<ConsumableDetailView> {
    this.check();
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > 10000) {
      throw new BackendError('invalidInput', 'Quantity: must be between 1 and 10000.');
    }
    const c = this.consumable(id);
    c.summary.remaining += quantity;
    c.summary.low = c.summary.remaining <= c.summary.threshold;
    c.purchases.unshift({ quantity, source: 'owner', note, date: '2026-11-23' });
    for (const item of this.shopping.items) if (item.consumableId === id) item.done = true;
    this.changed();
    return structuredClone(c);
  }

  async onInventoryChanged(listener: (inventory: InventoryView) => void): Promise<() => void> {
    this.inventoryListeners.add(listener);
    return () => this.inventoryListeners.delete(listener);
  }

  async shoppingList(): Promise<ShoppingListView> {
    this.check();
    return structuredClone(this.shopping);
  }

  private validItem(input: ShoppingItemInput): void {
    if (!input.title.trim()) throw new BackendError('invalidInput', 'Item: needs at least one visible character.');
    if (!Number.isInteger(input.quantity) || input.quantity < 1 || input.quantity > 999) {
      throw new BackendError('invalidInput', 'Quantity: must be between 1 and 999.');
    }
  }

  async addShoppingItem(input: ShoppingItemInput): Promise<ShoppingListView> {
    this.check();
    this.validItem(input);
    this.shopping.items.push({
      id: this.nextId++,
      title: input.title.trim(),
      quantity: input.quantity,
      note: input.note,
      consumableId: null,
      reason: 'Added by you',
      done: false,
    });
    this.changed();
    return structuredClone(this.shopping);
  }

  private item(id: number) {
    const item = this.shopping.items.find((i) => i.id === id);
    if (!item) throw new BackendError('invalidInput', 'That shopping item no longer exists. It may have been removed.');
    return item;
  }

  async editShoppingItem(id: number, input: ShoppingItemInput): Promise<ShoppingListView> {
    this.check();
    this.validItem(input);
    Object.assign(this.item(id), { title: input.title.trim(), quantity: input.quantity, note: input.note });
    this.changed();
    return structuredClone(this.shopping);
  }

  async setShoppingItemDone(id: number, done: boolean): Promise<ShoppingListView> {
    this.check();
    this.item(id).done = done;
    this.changed();
    return structuredClone(this.shopping);
  }

  async removeShoppingItem(id: number): Promise<ShoppingListView> {
    this.check();
    this.shopping.items = this.shopping.items.filter((i) => i.id !== id);
    this.changed();
    return structuredClone(this.shopping);
  }

  async onShoppingChanged(listener: (list: ShoppingListView) => void): Promise<() => void> {
    this.shoppingListeners.add(listener);
    return () => this.shoppingListeners.delete(listener);
  }

  utcOffset = 0;

  async setUtcOffset(minutes: number): Promise<void> {
    this.check();
    this.utcOffset = minutes;
  }

  async exportHousehold(): Promise<ExportView> {
    this.check();
    const fileName = `steward-export-${this.exports.length + 1}.json`;
    const folder = '/home/owner/Documents/Steward';
    this.exports.push(fileName);
    return { path: `${folder}/${fileName}`, fileName, folder, bytes: 1234 };
  }

  /** The exports shown to the owner, in order. */
  shown: string[] = [];

  async showExport(fileName: string): Promise<void> {
    this.check();
    if (!this.exports.includes(fileName)) {
      throw new BackendError('invalidInput', 'That export is no longer on this device. Export again to get a new file.');
    }
    this.shown.push(fileName);
  }

  /** What `dataProtection` answers; a test sets it to the no-keyring case. */
  protection: DataProtectionView = {
    inKeystore: true,
    message: 'It is encrypted, and the key is kept in the system keyring (Secret Service), not beside the data.',
  };

  async dataProtection(): Promise<DataProtectionView> {
    this.check();
    return structuredClone(this.protection);
  }

  async eraseHousehold(confirmation: string): Promise<HomeView> {
    this.check();
    if (confirmation.trim() !== 'ERASE') {
      throw new BackendError('invalidInput', 'Type ERASE to confirm. Nothing was erased.');
    }
    this.state = { householdName: null, devices: [], schemaVersion: this.state.schemaVersion };
    this.consumables = [];
    this.shopping = { items: [] };
    this.paired.clear();
    this.exports = [];
    for (const listener of this.listeners) listener(structuredClone(this.state));
    this.changed();
    return structuredClone(this.state);
  }

  /** Simulates the core announcing a device change. */
  announce(id: string, change: Partial<DeviceDetailView>): void {
    const detail = this.paired.get(id);
    if (!detail) return;
    Object.assign(detail, change);
    for (const listener of this.deviceListeners) listener(structuredClone(detail));
  }

  // The privacy center: partners, grants (whole category, or narrowed to one consumable), the
  // ledger and receipts, with the core's rules: deny by default, only declared asks grantable.
  partners: MemoryPartner[] = [];
  private grants = new Map<string, { expiresAt: number; narrowed: boolean }>();
  ledgerEntries: (LedgerEntryView & { body: string })[] = [];
  receiptList: ReceiptView[] = [];
  private now = () => Math.floor(Date.now() / 1000);

  private partner(id: string): MemoryPartner {
    const found = this.partners.find((p) => p.id === id);
    if (!found) throw new BackendError('invalidInput', 'That partner no longer exists. It may have been removed.');
    return found;
  }

  private receipt(partner: MemoryPartner, event: string, category: string, purpose: string): void {
    const id = `r-${this.receiptList.length + 1}`;
    this.receiptList.unshift({
      id,
      partnerName: partner.name,
      event,
      category,
      purpose,
      at: this.now(),
      receipt: JSON.stringify({ version: 'KI-CR-v1.1.0', consentReceiptID: id, iso27560: { event, category, purpose } }),
    });
  }

  async privacy(): Promise<PrivacyView> {
    this.check();
    return {
      partners: this.partners.map((p) => ({
        id: p.id,
        name: p.name,
        brands: [...p.brands],
        policyUrl: `https://${p.id}.example/privacy`,
        policyVersion: '2026-11',
        householdId: `hh-${p.id}`,
        cells: p.asks.map(([category, purpose]) => {
          const grant = this.grants.get(`${p.id}|${category}|${purpose}`);
          return {
            category,
            purpose,
            allowed: grant !== undefined,
            narrowed: grant?.narrowed ?? false,
            expiresAt: grant?.expiresAt ?? null,
            renewDue: grant !== undefined && grant.expiresAt - this.now() <= 30 * 86400,
          };
        }),
      })),
      categories: CATEGORIES.map(([id, text]) => ({ id, label: text })),
      purposes: PURPOSES.map(([id, text]) => ({ id, label: text })),
    };
  }

  async addPartner(baseUrl: string): Promise<PrivacyView> {
    this.check();
    throw new BackendError('invalidInput', `Steward could not add that partner: the partner could not be reached (${baseUrl}).`);
  }

  async setGrant(partnerId: string, category: string, purpose: string, allowed: boolean): Promise<PrivacyView> {
    this.check();
    const partner = this.partner(partnerId);
    if (!partner.asks.some(([c, p]) => c === category && p === purpose)) {
      throw new BackendError('invalidInput', `Grant: ${partner.name} did not ask for that.`);
    }
    const key = `${partnerId}|${category}|${purpose}`;
    if (allowed) {
      this.receipt(partner, this.grants.has(key) ? 'modified' : 'given', category, purpose);
      this.grants.set(key, { expiresAt: this.now() + LIFETIME_DAYS * 86400, narrowed: false });
    } else if (this.grants.delete(key)) {
      this.receipt(partner, 'withdrawn', category, purpose);
    }
    return this.privacy();
  }

  async removePartner(partnerId: string): Promise<PrivacyView> {
    this.check();
    const partner = this.partner(partnerId);
    for (const key of [...this.grants.keys()]) {
      if (key.startsWith(`${partnerId}|`)) {
        const [, category = '', purpose = ''] = key.split('|');
        this.grants.delete(key);
        this.receipt(partner, 'withdrawn', category, purpose);
      }
    }
    this.record(partner, 'erasure', 'erasure', [], `Asked ${partner.name} to erase what it holds about you`, '{}');
    this.partners = this.partners.filter((p) => p.id !== partnerId);
    return this.privacy();
  }

  private record(partner: MemoryPartner, kind: string, purpose: string, categories: string[], summary: string, body: string): number {
    const id = this.ledgerEntries.length + 1;
    this.ledgerEntries.unshift({
      id,
      partnerId: partner.id,
      partnerName: partner.name,
      kind,
      purpose,
      categories,
      summary,
      at: this.now(),
      outcome: 'delivered',
      outcomeDetail: null,
      attempts: 1,
      sha256: id.toString(16).padStart(64, '0'),
      receiptIds: [],
      body,
    });
    return id;
  }

  async ledger(filter: LedgerFilterInput): Promise<LedgerEntryView[]> {
    this.check();
    return this.ledgerEntries
      .filter((e) => filter.partnerId == null || e.partnerId === filter.partnerId)
      .filter((e) => filter.category == null || e.categories.includes(filter.category))
      .filter((e) => filter.from == null || e.at >= filter.from)
      .filter((e) => filter.until == null || e.at < filter.until)
      .map(({ body: _body, ...entry }) => structuredClone(entry));
  }

  async ledgerPayload(id: number): Promise<LedgerPayloadView> {
    this.check();
    const entry = this.ledgerEntries.find((e) => e.id === id);
    if (!entry) throw new BackendError('invalidInput', 'That ledger entry no longer exists. It may have been removed.');
    return { id, url: `https://${entry.partnerId}.example/v1/orders`, body: entry.body, sha256: entry.sha256 };
  }

  async receipts(partnerId: string | null): Promise<ReceiptView[]> {
    this.check();
    const name = partnerId === null ? null : this.partners.find((p) => p.id === partnerId)?.name;
    return structuredClone(this.receiptList.filter((r) => name == null || r.partnerName === name));
  }

  private reorderTarget(consumableId: number) {
    const detail = this.consumable(consumableId);
    const brand = detail.summary.brand?.trim().toLowerCase();
    if (!brand) {
      throw new BackendError('invalidInput', `Reorder: ${detail.summary.name} has no brand yet; add its brand to reorder from its maker.`);
    }
    const partner = this.partners.find((p) => p.brands.some((b) => b.toLowerCase() === brand));
    if (!partner) throw new BackendError('invalidInput', `Reorder: no partner speaks for ${detail.summary.brand}; add its maker in Privacy.`);
    const s = detail.summary;
    const line = `${s.name}: ${s.remaining} of ${s.capacity} ${s.capacity === 1 ? s.unit : `${s.unit}s`} left`;
    const allowed = this.grants.has(`${partner.id}|consumable-levels|reorder-delivery`);
    return { partner, line, allowed };
  }

  async reorderPrompt(consumableId: number): Promise<ConsentPromptView> {
    this.check();
    const { partner, line, allowed } = this.reorderTarget(consumableId);
    return {
      partnerId: partner.id,
      partnerName: partner.name,
      reason: `To reorder ${this.consumable(consumableId).summary.name}`,
      category: { id: 'consumable-levels', label: label(CATEGORIES, 'consumable-levels') },
      purpose: { id: 'reorder-delivery', label: label(PURPOSES, 'reorder-delivery') },
      lines: [line],
      lastsDays: LIFETIME_DAYS,
      policyUrl: `https://${partner.id}.example/privacy`,
      alreadyAllowed: allowed,
    };
  }

  async reorder(consumableId: number, allow: boolean): Promise<SentView> {
    this.check();
    const { partner, line, allowed } = this.reorderTarget(consumableId);
    if (!allowed && !allow) {
      throw new BackendError(
        'notShared',
        `Nothing was sent to ${partner.name}: you have not allowed ${partner.name} to receive supply levels for reorders and delivery you start.`,
      );
    }
    if (!allowed) {
      this.grants.set(`${partner.id}|consumable-levels|reorder-delivery`, {
        expiresAt: this.now() + LIFETIME_DAYS * 86400,
        narrowed: true,
      });
      this.receipt(partner, 'given', 'consumable-levels', 'reorder-delivery');
    }
    const id = this.record(partner, 'order', 'reorder-delivery', ['consumable-levels'], line, JSON.stringify({ kind: 'order', data: { level: line } }));
    return { ledgerId: id, outcome: 'delivered', message: `${partner.name} will deliver your order in 2 days.` };
  }

  async retrySharing(id: number): Promise<SentView> {
    this.check();
    const entry = this.ledgerEntries.find((e) => e.id === id);
    if (!entry) throw new BackendError('invalidInput', 'That ledger entry no longer exists. It may have been removed.');
    if (entry.outcome !== 'failed') throw new BackendError('invalidInput', 'Retry: it was delivered already.');
    entry.outcome = 'delivered';
    entry.outcomeDetail = null;
    entry.attempts += 1;
    return { ledgerId: id, outcome: 'delivered', message: null };
  }

  async supportPartners(): Promise<LabelView[]> {
    this.check();
    return this.partners
      .filter((p) => p.asks.some(([c, u]) => c === 'device-diagnostics' && u === 'tutorials-support'))
      .map((p) => ({ id: p.id, label: p.name }));
  }

  private diagnosticsTarget(deviceId: string, partnerId: string) {
    const device = this.paired.get(deviceId);
    if (!device) throw new BackendError('invalidInput', 'That device is not paired any more.');
    const partner = this.partner(partnerId);
    const parts = [`${device.name}: ${device.kind.replace(/_/g, ' ')}`];
    if (device.firmware !== null) parts.push(`firmware ${device.firmware}`);
    if (device.batteryPercent !== null) parts.push(`battery ${device.batteryPercent}%`);
    parts.push('no recent errors');
    const allowed = this.grants.has(`${partner.id}|device-diagnostics|tutorials-support`);
    return { device, partner, line: parts.join(', '), allowed };
  }

  async diagnosticsPrompt(deviceId: string, partnerId: string): Promise<ConsentPromptView> {
    this.check();
    const { device, partner, line, allowed } = this.diagnosticsTarget(deviceId, partnerId);
    return {
      partnerId: partner.id,
      partnerName: partner.name,
      reason: `So that its support can help with ${device.name}`,
      category: { id: 'device-diagnostics', label: label(CATEGORIES, 'device-diagnostics') },
      purpose: { id: 'tutorials-support', label: label(PURPOSES, 'tutorials-support') },
      lines: [line],
      lastsDays: LIFETIME_DAYS,
      policyUrl: `https://${partner.id}.example/privacy`,
      alreadyAllowed: allowed,
    };
  }

  async sendDiagnostics(deviceId: string, partnerId: string, allow: boolean): Promise<SentView> {
    this.check();
    const { partner, line, allowed } = this.diagnosticsTarget(deviceId, partnerId);
    if (!allowed && !allow) {
      throw new BackendError('notShared', `Nothing was sent to ${partner.name}: you have not allowed ${partner.name} to receive device diagnostics for tutorials and support.`);
    }
    if (!allowed) {
      this.grants.set(`${partner.id}|device-diagnostics|tutorials-support`, { expiresAt: this.now() + LIFETIME_DAYS * 86400, narrowed: true });
      this.receipt(partner, 'given', 'device-diagnostics', 'tutorials-support');
    }
    const id = this.record(partner, 'support', 'tutorials-support', ['device-diagnostics'], line, JSON.stringify({ kind: 'support', data: { diagnostics: line } }));
    return { ledgerId: id, outcome: 'delivered', message: null };
  }

  /** Moves a grant's end to `expiresAt` (tests of the renewal question). */
  setGrantEnd(partnerId: string, category: string, purpose: string, expiresAt: number): void {
    const grant = this.grants.get(`${partnerId}|${category}|${purpose}`);
    if (grant) grant.expiresAt = expiresAt;
  }

  async renewGrant(partnerId: string, category: string, purpose: string): Promise<PrivacyView> {
    this.check();
    const partner = this.partner(partnerId);
    const key = `${partnerId}|${category}|${purpose}`;
    const grant = this.grants.get(key);
    if (!grant) throw new BackendError('invalidInput', 'Renew: that permission has already ended; allow it again in the switch.');
    grant.expiresAt = this.now() + LIFETIME_DAYS * 86400;
    this.receipt(partner, 'modified', category, purpose);
    return this.privacy();
  }

  // ---- offers: the demo partners' items, matched as the core would for the demo household ----

  /** The offers and tutorials the memory backend serves, with the sentence each comes with. */
  offerItems: (InboxItemView & { category: string; matches: boolean })[] = [
    memoryOffer('sudsy', 'Sudsy', 'sudsy-soap-15', 'Sudsy dish soap refill, 15% off', 'dish soap', 'You have 8 packets of dish soap left, and Sudsy has it 15% off at Main Street Market, 280 m away.', 'Main Street Market', 280, '3.49 EUR', 15),
    memoryOffer('crumb', 'Crumb & Co.', 'crumb-loaf', 'Crumb & Co. sandwich loaf', 'bread', 'You have 2 slices of bread left, and Crumb & Co. has it for 2.29 EUR at Main Street Market, 280 m away.', 'Main Street Market', 280, '2.29 EUR', null),
    memoryOffer('goldcrust', 'Goldcrust Bakery', 'goldcrust-coupon', 'Goldcrust sourdough, 30% off today', 'bread', 'You have 2 slices of bread left, and Goldcrust Bakery has it 30% off at Main Street Market, 280 m away.', 'Main Street Market', 280, '2.79 EUR', 30),
    {
      ...memoryOffer('lumaview', 'Lumaview', 'lumaview-disc-menu', 'Getting to the disc menu', 'bluray', 'Living room player saw 5 presses within 20 seconds: Lumaview\u2019s guide \u201cGetting to the disc menu\u201d may help.', '', 0, '', null),
      kind: 'tutorial',
      store: null,
      distanceMeters: null,
      price: null,
      matches: false,
    },
    memoryOffer('cornerway', 'Cornerway', 'cornerway-soap', 'Cornerway own-brand dish soap', 'dish soap', 'You are nearby, and Cornerway has it for 2.99 EUR at Cornerway Alexanderplatz, 10 m away.', 'Cornerway Alexanderplatz', 0, '2.99 EUR', null),
  ];
  private offerMarks = new Map<string, { seen: boolean; dismissed: boolean; saved: boolean }>();
  private mutedPartners = new Set<string>();
  /** When set, each feed's refusal (partner id → reason). */
  feedProblems = new Map<string, string>();

  private offersListeners = new Set<(feeds: FeedStatusView[]) => void>();

  async refreshOffers(): Promise<FeedStatusView[]> {
    this.check();
    const feeds = this.feedStatuses();
    for (const listener of this.offersListeners) listener(structuredClone(feeds));
    return feeds;
  }

  async onOffersChanged(listener: (feeds: FeedStatusView[]) => void): Promise<() => void> {
    this.offersListeners.add(listener);
    return () => this.offersListeners.delete(listener);
  }

  private feedStatuses(): FeedStatusView[] {
    const partners: [string, string][] = [['sudsy', 'Sudsy'], ['crumb', 'Crumb & Co.'], ['goldcrust', 'Goldcrust Bakery'], ['lumaview', 'Lumaview'], ['cornerway', 'Cornerway']];
    return partners.map(([id, name]) => ({
      partnerId: id,
      partnerName: name,
      updatedAt: this.now(),
      problem: this.feedProblems.has(id) ? `${name}'s offers could not be updated: ${this.feedProblems.get(id)}` : null,
    }));
  }

  async inbox(_position: PositionInput | null, showing: boolean): Promise<InboxView> {
    this.check();
    const items: InboxItemView[] = [];
    for (const item of this.offerItems) {
      const key = `${item.partnerId}|${item.kind}|${item.itemId}`;
      const mark = this.offerMarks.get(key) ?? { seen: false, dismissed: false, saved: false };
      if (!item.matches && !mark.saved) continue;
      if (mark.dismissed && !mark.saved) continue;
      if (item.kind === 'offer' && this.mutedPartners.has(item.partnerId) && !mark.saved) continue;
      const { category: _category, matches: _matches, ...view } = item;
      items.push({ ...view, saved: mark.saved, isNew: !mark.seen });
      if (showing) this.offerMarks.set(key, { ...mark, seen: true });
    }
    items.sort((a, b) => Number(b.saved) - Number(a.saved));
    const names = new Map(this.feedStatuses().map((f) => [f.partnerId, f.partnerName]));
    return {
      items,
      feeds: this.feedStatuses(),
      muted: [...this.mutedPartners].map((id) => ({ id, label: names.get(id) ?? id })),
    };
  }

  async markItem(key: ItemKeyInput, action: 'dismiss' | 'restore' | 'save' | 'unsave', position: PositionInput | null): Promise<InboxView> {
    this.check();
    if (!this.offerItems.some((i) => i.partnerId === key.partnerId && i.kind === key.kind && i.itemId === key.itemId)) {
      throw new BackendError('invalidInput', 'Item: not one Steward showed.');
    }
    const id = `${key.partnerId}|${key.kind}|${key.itemId}`;
    const mark = this.offerMarks.get(id) ?? { seen: true, dismissed: false, saved: false };
    if (action === 'dismiss') mark.dismissed = true;
    if (action === 'restore') mark.dismissed = false;
    if (action === 'save') {
      mark.saved = true;
      mark.dismissed = false;
    }
    if (action === 'unsave') mark.saved = false;
    this.offerMarks.set(id, mark);
    return this.inbox(position, true);
  }

  async mutePartner(partnerId: string, muted: boolean, position: PositionInput | null): Promise<InboxView> {
    this.check();
    if (muted) this.mutedPartners.add(partnerId);
    else this.mutedPartners.delete(partnerId);
    return this.inbox(position, true);
  }

  async tutorial(key: ItemKeyInput): Promise<TutorialView> {
    this.check();
    const item = this.offerItems.find((i) => i.partnerId === key.partnerId && i.kind === 'tutorial' && i.itemId === key.itemId);
    if (!item) throw new BackendError('invalidInput', 'That guide is no longer offered.');
    return {
      partnerId: item.partnerId,
      partnerName: item.partnerName,
      itemId: item.itemId,
      name: item.name,
      steps: [
        { text: "Press Menu once and wait for the disc's own menu to appear.", image: null },
        { text: 'Move with the arrows; the chosen item is outlined.', image: null },
        { text: 'Press OK to choose it. Back returns to the previous menu.', image: null },
      ],
      // The household's player when one is paired (the demo's), else the sample one.
      deviceName: [...this.paired.values()].find((d) => d.kind === 'bluray_player')?.name ?? 'Living room player',
      deviceId: [...this.paired.values()].find((d) => d.kind === 'bluray_player')?.id ?? null,
      deviceState: 'On, stopped',
      startStep: 0,
    };
  }

  async searchOffers(input: SearchInput): Promise<SearchHitView[]> {
    this.check();
    if (input.sort != null && input.sort !== 'distance' && input.sort !== 'price') {
      throw new BackendError('invalidInput', `Sort: "${input.sort}" is not distance or price.`);
    }
    const words = input.query.toLowerCase().split(/\s+/).filter((w) => w !== '');
    if (words.length === 0) return [];
    // Distances from the place given, else from the phone while location is in use, else none.
    const from = input.position?.latitude != null && input.position.longitude != null ? input.position : null;
    const distance = (i: InboxItemView): number | null => {
      const spot = i.store === null ? undefined : this.storePlaces[i.store];
      if (from !== null) return spot === undefined ? null : metersBetween(from.latitude ?? 0, from.longitude ?? 0, spot.latitude, spot.longitude);
      return this.locationView.state === 'on' ? i.distanceMeters : null;
    };
    const hits = this.offerItems
      .filter((i) => i.kind === 'offer')
      .filter((i) => words.every((w) => `${i.name.toLowerCase()} ${i.category}`.includes(w)))
      .map((i) => ({
        partnerId: i.partnerId,
        partnerName: i.partnerName,
        itemId: i.itemId,
        name: i.name,
        price: i.price,
        discountPercent: i.discountPercent,
        store: i.store,
        distanceMeters: distance(i),
        validThrough: i.expiresAt,
      }));
    const cents = (h: SearchHitView) => (h.price === null ? Infinity : Number(h.price.split(' ')[0]));
    const meters = (h: SearchHitView) => h.distanceMeters ?? Infinity;
    return hits.sort((a, b) => (input.sort === 'price' ? cents(a) - cents(b) || meters(a) - meters(b) : meters(a) - meters(b) || cents(a) - cents(b)));
  }

  /** Where the demo's stores are, as their partners' feeds give them. */
  storePlaces: Record<string, { latitude: number; longitude: number }> = {
    'Main Street Market': { latitude: 52.5208, longitude: 13.4094 },
    'Cornerway Alexanderplatz': { latitude: 52.5219, longitude: 13.4132 },
  };

  async places(): Promise<PlaceView[]> {
    this.check();
    const places: PlaceView[] = [];
    for (const item of this.offerItems) {
      const spot = item.kind === 'offer' && item.store !== null ? this.storePlaces[item.store] : undefined;
      if (spot === undefined || places.some((p) => p.name === item.store)) continue;
      places.push({ name: item.store ?? '', partnerName: item.partnerName, ...spot });
    }
    return places.sort((a, b) => a.name.localeCompare(b.name) || a.partnerName.localeCompare(b.partnerName));
  }

  // ---- location: the owner's switch, and the demo's phone finding itself and reaching stores ----

  locationView: LocationView = { inUse: false, state: 'off', message: locationMessage('off'), atStores: [] };
  /** How long the demo's phone takes to find its position once location is on; `null` waits
   *  for `positionFound()`. */
  positionAfterMs: number | null = 50;
  private locationListeners = new Set<(location: LocationView) => void>();

  private announceLocation(view: Omit<LocationView, 'message'>, why = ''): LocationView {
    this.locationView = { ...view, message: locationMessage(view.state, why) };
    for (const listener of this.locationListeners) listener(structuredClone(this.locationView));
    return structuredClone(this.locationView);
  }

  async location(): Promise<LocationView> {
    this.check();
    return structuredClone(this.locationView);
  }

  async setLocationUse(on: boolean): Promise<LocationView> {
    this.check();
    if (!on) return this.announceLocation({ inUse: false, state: 'off', atStores: [] });
    if (this.locationView.inUse) return this.announceLocation(this.locationView);
    const view = this.announceLocation({ inUse: true, state: 'waiting', atStores: [] });
    if (this.positionAfterMs !== null) setTimeout(() => this.positionFound(), this.positionAfterMs);
    return view;
  }

  async onLocationChanged(listener: (location: LocationView) => void): Promise<() => void> {
    this.locationListeners.add(listener);
    return () => this.locationListeners.delete(listener);
  }

  /** The phone's first position arrives (for tests). */
  positionFound(): void {
    if (this.locationView.inUse && this.locationView.state !== 'on') {
      this.announceLocation({ inUse: true, state: 'on', atStores: [] });
    }
  }

  /** The phone settles in these stores' geofences (none: it left them) (for tests). */
  arriveAt(stores: string[]): void {
    if (this.locationView.state === 'on') this.announceLocation({ ...this.locationView, atStores: [...stores] });
  }

  /** The location service went away or refused, `why` in words (for tests). */
  loseLocation(why: string): void {
    if (this.locationView.inUse) this.announceLocation({ inUse: true, state: 'unavailable', atStores: [] }, why);
  }

  // ---- notification settings and history ----

  notifySettings: NotificationSettingsInput = {
    dailyOfferBudget: 3,
    perBrandCap: 1,
    quietFrom: '22:00',
    quietUntil: '07:00',
    reminders: true,
    tutorials: true,
    offers: true,
  };
  notifyHistory: NotificationEntryView[] = [];

  private notifyView(): NotificationSettingsView {
    return {
      ...structuredClone(this.notifySettings),
      channels: [
        { id: 'device-alerts', label: 'Device alerts' },
        { id: 'reminders', label: 'Your reminders' },
        { id: 'tutorials', label: 'Help from makers' },
        { id: 'offers', label: 'Offers' },
      ],
    };
  }

  async notificationSettings(): Promise<NotificationSettingsView> {
    this.check();
    return this.notifyView();
  }

  async setNotificationSettings(input: NotificationSettingsInput): Promise<NotificationSettingsView> {
    this.check();
    if (input.dailyOfferBudget > 20) throw new BackendError('invalidInput', 'Offers a day: at most 20.');
    if (input.perBrandCap > input.dailyOfferBudget) {
      throw new BackendError('invalidInput', 'Offers a day from one brand: no more than offers a day in all.');
    }
    if ((input.quietFrom === null) !== (input.quietUntil === null)) {
      throw new BackendError('invalidInput', 'Quiet hours: give both a start and an end, or switch them off.');
    }
    this.notifySettings = structuredClone(input);
    return this.notifyView();
  }

  async notificationHistory(limit: number): Promise<NotificationEntryView[]> {
    this.check();
    return structuredClone(this.notifyHistory.slice(0, Math.min(limit, 200)));
  }

  /** `granted`, `ask` or `denied`; what the system answers when asked. */
  notifyPermission: NotificationPermissionView = { state: 'granted', reason: null, message: null };
  systemAnswer: 'granted' | 'denied' = 'granted';
  private permissionListeners = new Set<(view: NotificationPermissionView) => void>();
  private openedListeners = new Set<(target: OpenTargetView) => void>();

  async notificationPermission(): Promise<NotificationPermissionView> {
    this.check();
    return structuredClone(this.notifyPermission);
  }

  async answerNotificationPermission(allow: boolean): Promise<NotificationPermissionView> {
    this.check();
    if (allow && this.notifyPermission.state === 'ask') {
      this.notifyPermission =
        this.systemAnswer === 'granted'
          ? { state: 'granted', reason: null, message: null }
          : {
              state: 'denied',
              reason: null,
              message:
                "Notifications are off for Steward. Everything still arrives in your inbox; to be told at once, allow them in the system's settings.",
            };
    } else if (!allow) {
      this.notifyPermission = {
        ...this.notifyPermission,
        message: 'You chose not to be notified for now. Everything still arrives in your inbox.',
      };
    }
    return structuredClone(this.notifyPermission);
  }

  async onNotificationPermissionNeeded(listener: (view: NotificationPermissionView) => void): Promise<() => void> {
    this.permissionListeners.add(listener);
    return () => this.permissionListeners.delete(listener);
  }

  async onNotificationOpened(listener: (target: OpenTargetView) => void): Promise<() => void> {
    this.openedListeners.add(listener);
    return () => this.openedListeners.delete(listener);
  }

  /** The core asks for permission, as it does when something waits to be said (for tests). */
  askForPermission(reason: string): void {
    this.notifyPermission = { state: 'ask', reason, message: null };
    for (const listener of this.permissionListeners) listener(structuredClone(this.notifyPermission));
  }

  /** The owner taps a notification (for tests). */
  tapNotification(target: OpenTargetView): void {
    for (const listener of this.openedListeners) listener(structuredClone(target));
  }

  // ---- support: the owner writes to a maker; a scripted agent answers, as the demo's does ----

  supportConversations: ConversationView[] = [];
  /** How long the scripted agent takes to answer; `null` holds answers until `deliverReplies()`. */
  replyAfterMs: number | null = 50;
  private pendingReplies = new Map<number, string[]>();
  private supportListeners = new Set<(conversation: ConversationView) => void>();

  /** The owner's words as the core takes them: 1 to 1000 characters of text. */
  private supportText(raw: string): string {
    const text = raw.trim();
    if (text === '') throw new BackendError('invalidInput', 'Message: write something for the maker.');
    if ([...text].length > 1000) throw new BackendError('invalidInput', 'Message: at most 1000 characters.');
    if (/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(text)) {
      throw new BackendError('invalidInput', 'Message: only text (no control characters).');
    }
    return text;
  }

  private partnerNameOf(partnerId: string): string {
    const name = this.partners.find((p) => p.id === partnerId)?.name ?? this.feedStatuses().find((f) => f.partnerId === partnerId)?.partnerName;
    if (name === undefined) throw new BackendError('invalidInput', 'That partner no longer exists. It may have been removed.');
    return name;
  }

  /** What the demo's agent answers to the owner's `turn`-th message. */
  private agentAnswer(partnerName: string, message: string, turn: number, firmware: string | null): string {
    const words = message.toLowerCase();
    if (turn === 0) {
      let text = `Hello, this is Ana at ${partnerName} support. `;
      text += words.includes('menu')
        ? 'If the disc menu does not come up, press Stop twice and then Menu: some discs only show their menu after the trailers. Does that bring it up?'
        : 'I am sorry the guide did not help. What does the screen show right now?';
      if (firmware !== null) text += ` I can see your device's diagnostics (firmware ${firmware}); nothing looks wrong there.`;
      return text;
    }
    if (['yes', 'works', 'thank'].some((w) => words.includes(w))) return 'Glad it works now! Write again any time.';
    return 'Thanks. Let us try a restart: hold Power for 10 seconds until the light blinks, then switch it on again, and tell me how it goes.';
  }

  private supportConversation(id: number): ConversationView {
    const found = this.supportConversations.find((c) => c.id === id);
    if (!found) throw new BackendError('invalidInput', 'That conversation no longer exists.');
    return found;
  }

  private expectReply(id: number, text: string): void {
    if (this.replyAfterMs === null) {
      this.pendingReplies.set(id, [...(this.pendingReplies.get(id) ?? []), text]);
    } else {
      setTimeout(() => this.agentReplies(id, text), this.replyAfterMs);
    }
  }

  private agentReplies(id: number, text: string): void {
    const conversation = this.supportConversations.find((c) => c.id === id);
    if (!conversation) return;
    conversation.messages.push({ fromOwner: false, name: `Ana at ${conversation.partnerName}`, text, at: this.now() });
    conversation.awaitingReply = false;
    for (const listener of this.supportListeners) listener(structuredClone(conversation));
  }

  /** The agent answers everything held while `replyAfterMs` is `null` (for tests). */
  deliverReplies(): void {
    const held = [...this.pendingReplies];
    this.pendingReplies.clear();
    for (const [id, texts] of held) for (const text of texts) this.agentReplies(id, text);
  }

  async askMaker(input: AskMakerInput): Promise<ConversationView> {
    this.check();
    const text = this.supportText(input.message);
    const partnerName = this.partnerNameOf(input.partnerId);
    let firmware: string | null = null;
    let diagnostics: string | null = null;
    if (input.diagnosticsOf !== null) {
      const { device, partner, line, allowed } = this.diagnosticsTarget(input.diagnosticsOf, input.partnerId);
      if (!allowed && !input.allowDiagnostics) {
        throw new BackendError('notShared', `Nothing was sent to ${partner.name}: you have not allowed ${partner.name} to receive device diagnostics for tutorials and support.`);
      }
      if (!allowed) {
        this.grants.set(`${partner.id}|device-diagnostics|tutorials-support`, { expiresAt: this.now() + LIFETIME_DAYS * 86400, narrowed: true });
        this.receipt(partner, 'given', 'device-diagnostics', 'tutorials-support');
      }
      diagnostics = line;
      firmware = device.firmware ?? 'unknown';
    }
    // What left the phone: the owner's words, and the diagnostics when included.
    const partner = this.partners.find((p) => p.id === input.partnerId);
    if (partner) {
      const summary = diagnostics === null ? `Your message to ${partner.name}'s support` : `Your message to ${partner.name}'s support; ${diagnostics}`;
      const data = diagnostics === null ? { message: text } : { message: text, diagnostics };
      this.record(partner, 'support', 'tutorials-support', diagnostics === null ? [] : ['device-diagnostics'], summary, JSON.stringify({ kind: 'support', data }));
    }
    const topic = this.offerItems.find((i) => i.partnerId === input.partnerId && i.itemId === input.topic);
    const conversation: ConversationView = {
      id: this.supportConversations.reduce((max, c) => Math.max(max, c.id), 0) + 1,
      partnerId: input.partnerId,
      partnerName,
      title: topic?.name ?? `Question for ${partnerName}`,
      messages: [{ fromOwner: true, name: 'You', text, at: this.now() }],
      awaitingReply: true,
    };
    this.supportConversations.unshift(conversation);
    this.expectReply(conversation.id, this.agentAnswer(partnerName, text, 0, firmware));
    return structuredClone(conversation);
  }

  async sendSupportMessage(id: number, message: string): Promise<ConversationView> {
    this.check();
    const conversation = this.supportConversation(id);
    const text = this.supportText(message);
    const turn = conversation.messages.filter((m) => m.fromOwner).length;
    conversation.messages.push({ fromOwner: true, name: 'You', text, at: this.now() });
    conversation.awaitingReply = true;
    this.expectReply(id, this.agentAnswer(conversation.partnerName, text, turn, null));
    return structuredClone(conversation);
  }

  async conversation(id: number): Promise<ConversationView> {
    this.check();
    return structuredClone(this.supportConversation(id));
  }

  async conversations(): Promise<ConversationView[]> {
    this.check();
    return structuredClone(this.supportConversations);
  }

  async onSupportReplied(listener: (conversation: ConversationView) => void): Promise<() => void> {
    this.supportListeners.add(listener);
    return () => this.supportListeners.delete(listener);
  }
}

/** What the core tells the owner about location use, in its words. */
function locationMessage(state: string, why = ''): string {
  switch (state) {
    case 'on':
      return 'Steward uses your position on this phone to notice when you are at a store. It is not sent to anyone unless you allow it.';
    case 'waiting':
      return 'Waiting for your position.';
    case 'unavailable':
      return `Steward cannot learn where you are: ${why}. Store offers wait until it can.`;
    default:
      return 'Location is off: store offers do not come, and search asks you for a place.';
  }
}

/** Metres between two positions on the Earth (haversine), rounded as the core rounds them. */
function metersBetween(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = (d: number) => (d * Math.PI) / 180;
  const a = Math.sin(rad(lat2 - lat1) / 2) ** 2 + Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(rad(lon2 - lon1) / 2) ** 2;
  return Math.round(2 * 6_371_008.8 * Math.asin(Math.sqrt(a)));
}

function memoryOffer(
  partnerId: string,
  partnerName: string,
  itemId: string,
  name: string,
  category: string,
  explanation: string,
  store: string,
  distanceMeters: number,
  price: string,
  discountPercent: number | null,
): InboxItemView & { category: string; matches: boolean } {
  return {
    partnerId,
    partnerName,
    kind: 'offer',
    itemId,
    name,
    explanation,
    store,
    distanceMeters,
    price,
    discountPercent,
    saved: false,
    isNew: true,
    reorderConsumableId: null,
    expiresAt: Math.floor(Date.now() / 1000) + 7 * 86_400,
    category,
    matches: true,
  };
}
