// The Backend over Tauri's IPC, through the bindings generated from the Rust types.
import { commands, events, type ApiError } from './bindings';
import {
  BackendError,
  type Backend,
  type BluetoothView,
  type CommandInput,
  type ConsumableDetailView,
  type ConsumableInputView,
  type DeviceDetailView,
  type DataProtectionView,
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

/** What every generated command resolves to. */
type Result<T, E> = { status: 'ok'; data: T } | { status: 'error'; error: E };

function isApiError(value: unknown): value is ApiError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ApiError).code === 'string' &&
    typeof (value as ApiError).message === 'string'
  );
}

function unwrap<T>(result: Result<T, ApiError>): T {
  if (result.status === 'ok') return result.data;
  const error: unknown = result.error;
  if (isApiError(error)) throw new BackendError(error.code, error.message);
  // Tauri itself rejects with a bare string (an unknown command, a permission refused).
  throw new BackendError('unavailable', `Steward's core refused the request: ${String(error)}`);
}

export class TauriBackend implements Backend {
  async home(): Promise<HomeView> {
    return unwrap(await commands.home());
  }

  async setHouseholdName(name: string): Promise<HomeView> {
    return unwrap(await commands.setHouseholdName(name));
  }

  async onHomeChanged(listener: (home: HomeView) => void): Promise<() => void> {
    return events.homeChanged.listen((event) => listener(event.payload));
  }

  async bluetooth(): Promise<BluetoothView> {
    return unwrap(await commands.bluetooth());
  }

  async requestBluetooth(): Promise<BluetoothView> {
    return unwrap(await commands.requestBluetooth());
  }

  async openBluetoothSettings(): Promise<void> {
    unwrap(await commands.openBluetoothSettings());
  }

  async onBluetoothChanged(listener: (bluetooth: BluetoothView) => void): Promise<() => void> {
    return events.bluetoothChanged.listen((event) => listener(event.payload));
  }

  async scanDevices(): Promise<FoundDeviceView[]> {
    return unwrap(await commands.scanDevices());
  }

  async pairDevice(address: string, code: string, startingLevel: number | null): Promise<DeviceDetailView> {
    return unwrap(await commands.pairDevice(address, code, startingLevel));
  }

  async removeDevice(id: string): Promise<RemovedDeviceView> {
    return unwrap(await commands.removeDevice(id));
  }

  async deviceDetail(id: string): Promise<DeviceDetailView> {
    return unwrap(await commands.deviceDetail(id));
  }

  async deviceCommand(id: string, command: CommandInput): Promise<DeviceDetailView> {
    return unwrap(await commands.deviceCommand(id, command));
  }

  async onDeviceChanged(listener: (device: DeviceDetailView) => void): Promise<() => void> {
    return events.deviceChanged.listen((event) => listener(event.payload));
  }

  async inventory(): Promise<InventoryView> {
    return unwrap(await commands.inventory());
  }

  async consumableDetail(id: number): Promise<ConsumableDetailView> {
    return unwrap(await commands.consumableDetail(id));
  }

  async addConsumable(input: ConsumableInputView): Promise<ConsumableDetailView> {
    return unwrap(await commands.addConsumable(input));
  }

  async updateConsumable(id: number, input: ConsumableInputView): Promise<ConsumableDetailView> {
    return unwrap(await commands.updateConsumable(id, input));
  }

  async recordPurchase(id: number, quantity: number, note: string | null): Promise<ConsumableDetailView> {
    return unwrap(await commands.recordPurchase(id, quantity, note));
  }

  async onInventoryChanged(listener: (inventory: InventoryView) => void): Promise<() => void> {
    return events.inventoryChanged.listen((event) => listener(event.payload));
  }

  async shoppingList(): Promise<ShoppingListView> {
    return unwrap(await commands.shoppingList());
  }

  async addShoppingItem(input: ShoppingItemInput): Promise<ShoppingListView> {
    return unwrap(await commands.addShoppingItem(input));
  }

  async editShoppingItem(id: number, input: ShoppingItemInput): Promise<ShoppingListView> {
    return unwrap(await commands.editShoppingItem(id, input));
  }

  async setShoppingItemDone(id: number, done: boolean): Promise<ShoppingListView> {
    return unwrap(await commands.setShoppingItemDone(id, done));
  }

  async removeShoppingItem(id: number): Promise<ShoppingListView> {
    return unwrap(await commands.removeShoppingItem(id));
  }

  async onShoppingChanged(listener: (list: ShoppingListView) => void): Promise<() => void> {
    return events.shoppingChanged.listen((event) => listener(event.payload));
  }

  async setUtcOffset(minutes: number): Promise<void> {
    unwrap(await commands.setUtcOffset(minutes));
  }

  async exportHousehold(): Promise<ExportView> {
    return unwrap(await commands.exportHousehold());
  }

  async showExport(fileName: string): Promise<void> {
    unwrap(await commands.showExport(fileName));
  }

  async dataProtection(): Promise<DataProtectionView> {
    return unwrap(await commands.dataProtection());
  }

  async eraseHousehold(confirmation: string): Promise<HomeView> {
    return unwrap(await commands.eraseHousehold(confirmation));
  }

  async privacy(): Promise<PrivacyView> {
    return unwrap(await commands.privacy());
  }

  async addPartner(baseUrl: string): Promise<PrivacyView> {
    return unwrap(await commands.addPartner(baseUrl));
  }

  async setGrant(partnerId: string, category: string, purpose: string, allowed: boolean): Promise<PrivacyView> {
    return unwrap(await commands.setGrant(partnerId, category, purpose, allowed));
  }

  async removePartner(partnerId: string): Promise<PrivacyView> {
    return unwrap(await commands.removePartner(partnerId));
  }

  async ledger(filter: LedgerFilterInput): Promise<LedgerEntryView[]> {
    return unwrap(await commands.ledger(filter));
  }

  async ledgerPayload(id: number): Promise<LedgerPayloadView> {
    return unwrap(await commands.ledgerPayload(id));
  }

  async receipts(partnerId: string | null): Promise<ReceiptView[]> {
    return unwrap(await commands.receipts(partnerId));
  }

  async reorderPrompt(consumableId: number): Promise<ConsentPromptView> {
    return unwrap(await commands.reorderPrompt(consumableId));
  }

  async reorder(consumableId: number, allow: boolean): Promise<SentView> {
    return unwrap(await commands.reorder(consumableId, allow));
  }

  async retrySharing(id: number): Promise<SentView> {
    return unwrap(await commands.retrySharing(id));
  }

  async supportPartners(): Promise<LabelView[]> {
    return unwrap(await commands.supportPartners());
  }

  async diagnosticsPrompt(deviceId: string, partnerId: string): Promise<ConsentPromptView> {
    return unwrap(await commands.diagnosticsPrompt(deviceId, partnerId));
  }

  async sendDiagnostics(deviceId: string, partnerId: string, allow: boolean): Promise<SentView> {
    return unwrap(await commands.sendDiagnostics(deviceId, partnerId, allow));
  }

  async renewGrant(partnerId: string, category: string, purpose: string): Promise<PrivacyView> {
    return unwrap(await commands.renewGrant(partnerId, category, purpose));
  }

  async refreshOffers(): Promise<FeedStatusView[]> {
    return unwrap(await commands.refreshOffers());
  }

  async onOffersChanged(listener: (feeds: FeedStatusView[]) => void): Promise<() => void> {
    return events.offersChanged.listen((event) => listener(event.payload));
  }

  async inbox(position: PositionInput | null, showing: boolean): Promise<InboxView> {
    return unwrap(await commands.inbox(position, showing));
  }

  async markItem(key: ItemKeyInput, action: 'dismiss' | 'restore' | 'save' | 'unsave', position: PositionInput | null): Promise<InboxView> {
    return unwrap(await commands.markItem(key, action, position));
  }

  async mutePartner(partnerId: string, muted: boolean, position: PositionInput | null): Promise<InboxView> {
    return unwrap(await commands.mutePartner(partnerId, muted, position));
  }

  async tutorial(key: ItemKeyInput): Promise<TutorialView> {
    return unwrap(await commands.tutorial(key));
  }

  async searchOffers(input: SearchInput): Promise<SearchHitView[]> {
    return unwrap(await commands.searchOffers(input));
  }

  async places(): Promise<PlaceView[]> {
    return unwrap(await commands.places());
  }

  async location(): Promise<LocationView> {
    return unwrap(await commands.location());
  }

  async setLocationUse(on: boolean): Promise<LocationView> {
    return unwrap(await commands.setLocationUse(on));
  }

  async onLocationChanged(listener: (location: LocationView) => void): Promise<() => void> {
    return events.locationChanged.listen((event) => listener(event.payload));
  }

  async notificationSettings(): Promise<NotificationSettingsView> {
    return unwrap(await commands.notificationSettings());
  }

  async setNotificationSettings(input: NotificationSettingsInput): Promise<NotificationSettingsView> {
    return unwrap(await commands.setNotificationSettings(input));
  }

  async notificationHistory(limit: number): Promise<NotificationEntryView[]> {
    return unwrap(await commands.notificationHistory(limit));
  }

  async notificationPermission(): Promise<NotificationPermissionView> {
    return unwrap(await commands.notificationPermission());
  }

  async answerNotificationPermission(allow: boolean): Promise<NotificationPermissionView> {
    return unwrap(await commands.answerNotificationPermission(allow));
  }

  async onNotificationPermissionNeeded(listener: (view: NotificationPermissionView) => void): Promise<() => void> {
    return events.notificationPermissionNeeded.listen((event) => listener(event.payload));
  }

  async onNotificationOpened(listener: (target: OpenTargetView) => void): Promise<() => void> {
    return events.notificationOpened.listen((event) => listener(event.payload));
  }

  async askMaker(input: AskMakerInput): Promise<ConversationView> {
    return unwrap(await commands.askMaker(input));
  }

  async sendSupportMessage(id: number, message: string): Promise<ConversationView> {
    return unwrap(await commands.sendSupportMessage(id, message));
  }

  async conversation(id: number): Promise<ConversationView> {
    return unwrap(await commands.conversation(id));
  }

  async conversations(): Promise<ConversationView[]> {
    return unwrap(await commands.conversations());
  }

  async onSupportReplied(listener: (conversation: ConversationView) => void): Promise<() => void> {
    return events.supportReplied.listen((event) => listener(event.payload));
  }
}
