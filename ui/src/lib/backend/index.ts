// The one door to Tauri in the UI: screens and stores talk to a `Backend`, never to
// `@tauri-apps/*` directly. Only files in this folder import Tauri packages.
import type {
  BluetoothView,
  CommandInput,
  RemovedDeviceView,
  ConsumableDetailView,
  ConsumableInputView,
  DataProtectionView,
  DeviceDetailView,
  ErrorCode,
  ExportView,
  FoundDeviceView,
  HomeView,
  InventoryView,
  ShoppingItemInput,
  ShoppingListView,
  ConsentPromptView,
  LabelView,
  LedgerEntryView,
  LedgerFilterInput,
  LedgerPayloadView,
  PrivacyView,
  ReceiptView,
  SentView,
  FeedStatusView,
  InboxView,
  ItemKeyInput,
  PositionInput,
  SearchHitView,
  SearchInput,
  TutorialView,
  NotificationEntryView,
  NotificationPermissionView,
  NotificationSettingsInput,
  NotificationSettingsView,
  OpenTargetView,
  AskMakerInput,
  ConversationView,
  LocationView,
  PlaceView,
} from './bindings';

export type {
  AskMakerInput,
  ConversationView,
  LocationView,
  PlaceView,
  SupportMessageView,
  NotificationEntryView,
  NotificationPermissionView,
  OpenTargetView,
  NotificationSettingsInput,
  NotificationSettingsView,
  FeedStatusView,
  InboxItemView,
  InboxView,
  ItemKeyInput,
  PositionInput,
  SearchHitView,
  SearchInput,
  StepView,
  TutorialView,
  ConsentPromptView,
  GrantCellView,
  LabelView,
  LedgerEntryView,
  LedgerFilterInput,
  LedgerPayloadView,
  PartnerView,
  PrivacyView,
  ReceiptView,
  SentView,
  BluetoothState,
  BluetoothView,
  ButtonView,
  CommandInput,
  ConsumableDetailView,
  ConsumableInputView,
  ConsumableSummaryView,
  DataProtectionView,
  DayUseView,
  ExportView,
  InventoryView,
  PurchaseView,
  ShoppingItemInput,
  ShoppingItemView,
  ShoppingListView,
  DeviceDetailView,
  DeviceStateView,
  DeviceView,
  ErrorCode,
  FoundDeviceView,
  HomeView,
  PairedAsView,
  RemovedDeviceView,
  SupplyQuestionView,
  ThermostatModeView,
} from './bindings';

/** What the UI may ask of the Rust core. */
export interface Backend {
  home(): Promise<HomeView>;
  setHouseholdName(name: string): Promise<HomeView>;
  /** Calls `listener` whenever the core announces a new home summary; resolves to an unsubscribe. */
  onHomeChanged(listener: (home: HomeView) => void): Promise<() => void>;
  /** Whether Bluetooth can be used now, and what the owner can do when it cannot. */
  bluetooth(): Promise<BluetoothView>;
  /** Shows the system's Bluetooth question (phones), once the owner read why; resolves to the outcome. */
  requestBluetooth(): Promise<BluetoothView>;
  /** Opens Steward's page in the system settings. */
  openBluetoothSettings(): Promise<void>;
  /** Calls `listener` when Bluetooth is switched on or off; resolves to an unsubscribe. */
  onBluetoothChanged(listener: (bluetooth: BluetoothView) => void): Promise<() => void>;
  scanDevices(): Promise<FoundDeviceView[]>;
  /** Pairs with a device from the last scan; `code` is the 8-digit setup code or the QR text;
   *  `startingLevel` answers the device's `supplyQuestion` (how much of its supply there is). */
  pairDevice(address: string, code: string, startingLevel: number | null): Promise<DeviceDetailView>;
  deviceDetail(id: string): Promise<DeviceDetailView>;
  /** Removes a paired device; it is asked to forget this phone when in range. */
  removeDevice(id: string): Promise<RemovedDeviceView>;
  /** Sends a command; resolves to the device as it confirmed the command. */
  deviceCommand(id: string, command: CommandInput): Promise<DeviceDetailView>;
  /** Calls `listener` when a device connects, drops, or reports a new state. */
  onDeviceChanged(listener: (device: DeviceDetailView) => void): Promise<() => void>;

  inventory(): Promise<InventoryView>;
  consumableDetail(id: number): Promise<ConsumableDetailView>;
  addConsumable(input: ConsumableInputView): Promise<ConsumableDetailView>;
  updateConsumable(id: number, input: ConsumableInputView): Promise<ConsumableDetailView>;
  /** Records a purchase or refill ("bought a pack of 40"). */
  recordPurchase(id: number, quantity: number, note: string | null): Promise<ConsumableDetailView>;
  /** Calls `listener` when stock, forecasts or consumables change. */
  onInventoryChanged(listener: (inventory: InventoryView) => void): Promise<() => void>;

  shoppingList(): Promise<ShoppingListView>;
  addShoppingItem(input: ShoppingItemInput): Promise<ShoppingListView>;
  editShoppingItem(id: number, input: ShoppingItemInput): Promise<ShoppingListView>;
  setShoppingItemDone(id: number, done: boolean): Promise<ShoppingListView>;
  removeShoppingItem(id: number): Promise<ShoppingListView>;
  /** Calls `listener` when the shopping list changes. */
  onShoppingChanged(listener: (list: ShoppingListView) => void): Promise<() => void>;

  /** Tells the core the owner's offset from UTC (minutes east), so days start at their midnight. */
  setUtcOffset(minutes: number): Promise<void>;
  /** Writes everything stored about the household to a JSON file; resolves to where. */
  exportHousehold(): Promise<ExportView>;
  /** Shows a saved export: its folder on desktop, the system viewer on phones. */
  showExport(fileName: string): Promise<void>;
  /** How the data is protected at rest (encrypted; where its key is kept). */
  dataProtection(): Promise<DataProtectionView>;
  /** Erases everything, once `confirmation` is the word the core asks for. */
  eraseHousehold(confirmation: string): Promise<HomeView>;

  /** The privacy center: partners and what each is allowed. */
  privacy(): Promise<PrivacyView>;
  /** Adds a partner from its card at `baseUrl`. */
  addPartner(baseUrl: string): Promise<PrivacyView>;
  /** Allows or withdraws one category for one purpose; takes effect on the next request. */
  setGrant(partnerId: string, category: string, purpose: string, allowed: boolean): Promise<PrivacyView>;
  /** Renews a permission about to lapse for another term (each grant keeps its scope). */
  renewGrant(partnerId: string, category: string, purpose: string): Promise<PrivacyView>;
  /** Removes a partner, withdrawing everything and asking it to erase what it holds. */
  removePartner(partnerId: string): Promise<PrivacyView>;
  /** What left the phone, newest first. */
  ledger(filter: LedgerFilterInput): Promise<LedgerEntryView[]>;
  /** The exact bytes of one ledger entry. */
  ledgerPayload(id: number): Promise<LedgerPayloadView>;
  /** Consent receipts, newest first; one partner's when named. */
  receipts(partnerId: string | null): Promise<ReceiptView[]>;
  /** What reordering a consumable would send, to whom, for what and for how long. */
  reorderPrompt(consumableId: number): Promise<ConsentPromptView>;
  /** Reorders a consumable from its maker; `allow` is the owner's answer to the prompt. */
  reorder(consumableId: number, allow: boolean): Promise<SentView>;
  /** Tries a request that did not reach its partner again, under the same permissions. */
  retrySharing(id: number): Promise<SentView>;
  /** The partners that may receive device diagnostics for support, to choose from. */
  supportPartners(): Promise<LabelView[]>;
  /** What sending a device's diagnostics to a partner's support would send. */
  diagnosticsPrompt(deviceId: string, partnerId: string): Promise<ConsentPromptView>;
  /** Sends a device's diagnostics to a partner's support; `allow` answers the prompt. */
  sendDiagnostics(deviceId: string, partnerId: string, allow: boolean): Promise<SentView>;

  /** Fetches every partner's offers again (nothing about the household is sent); each feed's state. */
  refreshOffers(): Promise<FeedStatusView[]>;
  /** Calls `listener` when partners' feeds were fetched again (the inbox may have changed). */
  onOffersChanged(listener: (feeds: FeedStatusView[]) => void): Promise<() => void>;
  /** What fits the household now, matched on the phone, with why each is shown; `showing` when
   *  the owner is looking (its items are no longer new afterwards), not for a badge's count. */
  inbox(position: PositionInput | null, showing: boolean): Promise<InboxView>;
  /** `dismiss`, `restore`, `save` or `unsave` an item; resolves to the inbox as it now is. */
  markItem(key: ItemKeyInput, action: 'dismiss' | 'restore' | 'save' | 'unsave', position: PositionInput | null): Promise<InboxView>;
  /** Stops (or lets again) a partner's offers; its tutorials still come. */
  mutePartner(partnerId: string, muted: boolean, position: PositionInput | null): Promise<InboxView>;
  /** A tutorial step by step, with the state of the device it is for. */
  tutorial(key: ItemKeyInput): Promise<TutorialView>;
  /** Every current offer fitting the words or GTIN, by distance or price; worked out on the phone.
   *  Distances are from `position`, else from the phone's when location is in use, else none. */
  searchOffers(input: SearchInput): Promise<SearchHitView[]>;
  /** The stores named in partners' feeds, to measure search distances from when location is off. */
  places(): Promise<PlaceView[]>;

  /** Whether Steward uses the phone's location for store offers, and where that stands. */
  location(): Promise<LocationView>;
  /** The owner switches location use on or off (off forgets the position). */
  setLocationUse(on: boolean): Promise<LocationView>;
  /** Calls `listener` when location use changes (on, a position, a store reached, lost). */
  onLocationChanged(listener: (location: LocationView) => void): Promise<() => void>;

  /** The owner's notification settings (quiet defaults until changed). */
  notificationSettings(): Promise<NotificationSettingsView>;
  /** Keeps new notification settings once checked; resolves to them as kept. */
  setNotificationSettings(input: NotificationSettingsInput): Promise<NotificationSettingsView>;
  /** What the notification policy decided, newest first, in the owner's words. */
  notificationHistory(limit: number): Promise<NotificationEntryView[]>;
  /** Whether Steward may notify; when it is asking, why (what waits to be said). */
  notificationPermission(): Promise<NotificationPermissionView>;
  /** The owner's answer to the app's question; yes asks the system (its dialog on a phone). */
  answerNotificationPermission(allow: boolean): Promise<NotificationPermissionView>;
  /** Calls `listener` when something waits to be said and the owner has not allowed notifications. */
  onNotificationPermissionNeeded(listener: (view: NotificationPermissionView) => void): Promise<() => void>;
  /** Calls `listener` when the owner tapped a notification: open what it names. */
  onNotificationOpened(listener: (target: OpenTargetView) => void): Promise<() => void>;

  /** Writes to a maker's support (a guide did not help): the owner's words, and a device's
   *  diagnostics only when `diagnosticsOf` names it (`allowDiagnostics` answers the prompt). */
  askMaker(input: AskMakerInput): Promise<ConversationView>;
  /** The owner's next message in a conversation with a maker's support. */
  sendSupportMessage(id: number, message: string): Promise<ConversationView>;
  /** A conversation with a maker's support, both sides, as kept on the phone. */
  conversation(id: number): Promise<ConversationView>;
  /** Every conversation with makers' support, newest first. */
  conversations(): Promise<ConversationView[]>;
  /** Calls `listener` when a maker's support replied; resolves to an unsubscribe. */
  onSupportReplied(listener: (conversation: ConversationView) => void): Promise<() => void>;
}

/** A failed call: `code` lets the UI branch, `message` is written for a person. */
export class BackendError extends Error {
  readonly code: ErrorCode | 'unavailable';

  constructor(code: ErrorCode | 'unavailable', message: string) {
    super(message);
    this.name = 'BackendError';
    this.code = code;
  }
}

/** The message to show a person for any failure. */
export function messageOf(error: unknown): string {
  if (error instanceof BackendError) return error.message;
  return 'Something went wrong inside Steward. Your data is unchanged; please try again.';
}
