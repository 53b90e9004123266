//! The commands the UI may call: each is one line around a `steward_api::Steward` method.
//! Async so that SQLite work runs off the main (UI) thread.

use steward_api::inventory_wire::{
    ConsumableDetailView, ConsumableInputView, DataProtectionView, ExportView, InventoryView,
    ShoppingItemInput, ShoppingListView,
};
use steward_api::location_wire::LocationView;
use steward_api::notifications_wire::{
    NotificationEntryView, NotificationPermissionView, NotificationSettingsInput,
    NotificationSettingsView,
};
use steward_api::offers_wire::{
    FeedStatusView, InboxView, ItemKeyInput, PlaceView, PositionInput, SearchHitView, SearchInput,
    TutorialView,
};
use steward_api::privacy_wire::{
    ConsentPromptView, LabelView, LedgerEntryView, LedgerFilterInput, LedgerPayloadView,
    PrivacyView, ReceiptView, SentView,
};
use steward_api::support_wire::{AskMakerInput, ConversationView};
use steward_api::wire::{
    BluetoothView, CommandInput, DeviceDetailView, FoundDeviceView, HomeView, RemovedDeviceView,
};
use steward_api::{ApiError, Steward};
use tauri::State;

/// The home screen's summary.
#[tauri::command]
#[specta::specta]
pub async fn home(steward: State<'_, Steward>) -> Result<HomeView, ApiError> {
    steward.home()
}

/// Names the household and returns the new summary.
#[tauri::command]
#[specta::specta]
pub async fn set_household_name(
    steward: State<'_, Steward>,
    name: String,
) -> Result<HomeView, ApiError> {
    steward.set_household_name(&name)
}

/// Whether Bluetooth can be used now, and what to do when it cannot.
#[tauri::command]
#[specta::specta]
pub async fn bluetooth(steward: State<'_, Steward>) -> Result<BluetoothView, ApiError> {
    Ok(steward.bluetooth().await)
}

/// Removes a paired device; it is asked to forget this phone when in range.
#[tauri::command]
#[specta::specta]
pub async fn remove_device(
    steward: State<'_, Steward>,
    id: String,
) -> Result<RemovedDeviceView, ApiError> {
    steward.remove_device(&id).await
}

/// Shows the system's Bluetooth permission question, after the owner read why it is needed.
#[tauri::command]
#[specta::specta]
pub async fn request_bluetooth(steward: State<'_, Steward>) -> Result<BluetoothView, ApiError> {
    Ok(steward.request_bluetooth().await)
}

/// Opens Steward's page in the system settings.
#[tauri::command]
#[specta::specta]
pub async fn open_bluetooth_settings(steward: State<'_, Steward>) -> Result<(), ApiError> {
    steward.open_bluetooth_settings().await
}

/// Looks for home devices nearby, for Add a device.
#[tauri::command]
#[specta::specta]
pub async fn scan_devices(steward: State<'_, Steward>) -> Result<Vec<FoundDeviceView>, ApiError> {
    steward.scan_devices().await
}

/// Pairs with a device from the last scan, with its setup code or QR text, and how much of
/// its supply the owner has when the device cannot count it.
#[tauri::command]
#[specta::specta]
pub async fn pair_device(
    steward: State<'_, Steward>,
    address: String,
    code: String,
    starting_level: Option<u32>,
) -> Result<DeviceDetailView, ApiError> {
    steward.pair_device(&address, &code, starting_level).await
}

/// A paired device with its live status.
#[tauri::command]
#[specta::specta]
pub async fn device_detail(
    steward: State<'_, Steward>,
    id: String,
) -> Result<DeviceDetailView, ApiError> {
    steward.device_detail(&id).await
}

/// Sends a command and returns the state the device confirmed.
#[tauri::command]
#[specta::specta]
pub async fn device_command(
    steward: State<'_, Steward>,
    id: String,
    command: CommandInput,
) -> Result<DeviceDetailView, ApiError> {
    steward.device_command(&id, command).await
}

/// The inventory screen.
#[tauri::command]
#[specta::specta]
pub async fn inventory(steward: State<'_, Steward>) -> Result<InventoryView, ApiError> {
    steward.inventory()
}

/// A consumable with its forecast and history.
#[tauri::command]
#[specta::specta]
pub async fn consumable_detail(
    steward: State<'_, Steward>,
    id: u32,
) -> Result<ConsumableDetailView, ApiError> {
    steward.consumable_detail(id)
}

/// Adds a consumable tracked by hand.
#[tauri::command]
#[specta::specta]
pub async fn add_consumable(
    steward: State<'_, Steward>,
    input: ConsumableInputView,
) -> Result<ConsumableDetailView, ApiError> {
    steward.add_consumable(input)
}

/// Changes a consumable, including its count.
#[tauri::command]
#[specta::specta]
pub async fn update_consumable(
    steward: State<'_, Steward>,
    id: u32,
    input: ConsumableInputView,
) -> Result<ConsumableDetailView, ApiError> {
    steward.update_consumable(id, input)
}

/// Removes a consumable and its history.
#[tauri::command]
#[specta::specta]
pub async fn remove_consumable(
    steward: State<'_, Steward>,
    id: u32,
) -> Result<InventoryView, ApiError> {
    steward.remove_consumable(id)
}

/// Records a purchase or refill.
#[tauri::command]
#[specta::specta]
pub async fn record_purchase(
    steward: State<'_, Steward>,
    id: u32,
    quantity: i32,
    note: Option<String>,
) -> Result<ConsumableDetailView, ApiError> {
    steward.record_purchase(id, quantity, note)
}

/// Records use by hand.
#[tauri::command]
#[specta::specta]
pub async fn record_use(
    steward: State<'_, Steward>,
    id: u32,
    amount: i32,
) -> Result<ConsumableDetailView, ApiError> {
    steward.record_use(id, amount)
}

/// The shopping list.
#[tauri::command]
#[specta::specta]
pub async fn shopping_list(steward: State<'_, Steward>) -> Result<ShoppingListView, ApiError> {
    steward.shopping_list()
}

/// Adds an item to the shopping list.
#[tauri::command]
#[specta::specta]
pub async fn add_shopping_item(
    steward: State<'_, Steward>,
    input: ShoppingItemInput,
) -> Result<ShoppingListView, ApiError> {
    steward.add_shopping_item(input)
}

/// Edits an item on the shopping list.
#[tauri::command]
#[specta::specta]
pub async fn edit_shopping_item(
    steward: State<'_, Steward>,
    id: u32,
    input: ShoppingItemInput,
) -> Result<ShoppingListView, ApiError> {
    steward.edit_shopping_item(id, input)
}

/// Ticks an item off, or puts it back.
#[tauri::command]
#[specta::specta]
pub async fn set_shopping_item_done(
    steward: State<'_, Steward>,
    id: u32,
    done: bool,
) -> Result<ShoppingListView, ApiError> {
    steward.set_shopping_item_done(id, done)
}

/// Removes an item from the shopping list.
#[tauri::command]
#[specta::specta]
pub async fn remove_shopping_item(
    steward: State<'_, Steward>,
    id: u32,
) -> Result<ShoppingListView, ApiError> {
    steward.remove_shopping_item(id)
}

/// Writes everything stored about the household to one JSON file.
#[tauri::command]
#[specta::specta]
pub async fn export_household(steward: State<'_, Steward>) -> Result<ExportView, ApiError> {
    steward.export_household()
}

/// Shows a saved export: its folder on desktop, the system's viewer on phones.
#[tauri::command]
#[specta::specta]
pub async fn show_export(
    steward: State<'_, Steward>,
    shower: State<'_, crate::exports::ExportShower>,
    file_name: String,
) -> Result<(), ApiError> {
    shower.show(&steward.export_file(&file_name)?)
}

/// How the household's data is protected at rest.
#[tauri::command]
#[specta::specta]
pub async fn data_protection(steward: State<'_, Steward>) -> Result<DataProtectionView, ApiError> {
    Ok(steward.data_protection())
}

/// Erases everything stored about the household, once confirmed.
#[tauri::command]
#[specta::specta]
pub async fn erase_household(
    steward: State<'_, Steward>,
    confirmation: String,
) -> Result<HomeView, ApiError> {
    steward.erase_household(&confirmation).await
}

/// Tells the core the owner's offset from UTC, in minutes east, so days start at their midnight.
#[tauri::command]
#[specta::specta]
pub async fn set_utc_offset(steward: State<'_, Steward>, minutes: i32) -> Result<(), ApiError> {
    steward.set_utc_offset(minutes)
}

/// The privacy center: partners and what each is allowed.
#[tauri::command]
#[specta::specta]
pub async fn privacy(steward: State<'_, Steward>) -> Result<PrivacyView, ApiError> {
    steward.privacy()
}

/// Adds a partner from its card at an address, pinning its key.
#[tauri::command]
#[specta::specta]
pub async fn add_partner(
    steward: State<'_, Steward>,
    base_url: String,
) -> Result<PrivacyView, ApiError> {
    steward.add_partner(&base_url).await
}

/// Allows or withdraws one category for one purpose for a partner.
#[tauri::command]
#[specta::specta]
pub async fn set_grant(
    steward: State<'_, Steward>,
    partner_id: String,
    category: String,
    purpose: String,
    allowed: bool,
) -> Result<PrivacyView, ApiError> {
    steward.set_grant(&partner_id, &category, &purpose, allowed)
}

/// Removes a partner, withdrawing everything and asking it to erase what it holds.
#[tauri::command]
#[specta::specta]
pub async fn remove_partner(
    steward: State<'_, Steward>,
    partner_id: String,
) -> Result<PrivacyView, ApiError> {
    steward.remove_partner(&partner_id).await
}

/// What left the phone, newest first.
#[tauri::command]
#[specta::specta]
pub async fn ledger(
    steward: State<'_, Steward>,
    filter: LedgerFilterInput,
) -> Result<Vec<LedgerEntryView>, ApiError> {
    steward.ledger(filter)
}

/// The exact bytes of one ledger entry.
#[tauri::command]
#[specta::specta]
pub async fn ledger_payload(
    steward: State<'_, Steward>,
    id: u32,
) -> Result<LedgerPayloadView, ApiError> {
    steward.ledger_payload(id)
}

/// Consent receipts, newest first.
#[tauri::command]
#[specta::specta]
pub async fn receipts(
    steward: State<'_, Steward>,
    partner_id: Option<String>,
) -> Result<Vec<ReceiptView>, ApiError> {
    steward.receipts(partner_id)
}

/// What reordering a consumable would send, to whom, for what and for how long.
#[tauri::command]
#[specta::specta]
pub async fn reorder_prompt(
    steward: State<'_, Steward>,
    consumable_id: u32,
) -> Result<ConsentPromptView, ApiError> {
    steward.reorder_prompt(consumable_id)
}

/// Reorders a consumable from its maker; `allow` is the owner's answer to the prompt.
#[tauri::command]
#[specta::specta]
pub async fn reorder(
    steward: State<'_, Steward>,
    consumable_id: u32,
    allow: bool,
) -> Result<SentView, ApiError> {
    steward.reorder(consumable_id, allow).await
}

/// Tries a request that did not reach its partner again, under the same permissions.
#[tauri::command]
#[specta::specta]
pub async fn retry_sharing(steward: State<'_, Steward>, id: u32) -> Result<SentView, ApiError> {
    steward.retry_sharing(id).await
}

/// The partners that may receive device diagnostics for support, to choose from.
#[tauri::command]
#[specta::specta]
pub async fn support_partners(steward: State<'_, Steward>) -> Result<Vec<LabelView>, ApiError> {
    steward.support_partners()
}

/// What sending a device's diagnostics to a partner's support would send.
#[tauri::command]
#[specta::specta]
pub async fn diagnostics_prompt(
    steward: State<'_, Steward>,
    device_id: String,
    partner_id: String,
) -> Result<ConsentPromptView, ApiError> {
    steward.diagnostics_prompt(&device_id, &partner_id).await
}

/// Sends a device's diagnostics to a partner's support; `allow` is the answer to the prompt.
#[tauri::command]
#[specta::specta]
pub async fn send_diagnostics(
    steward: State<'_, Steward>,
    device_id: String,
    partner_id: String,
    allow: bool,
) -> Result<SentView, ApiError> {
    steward
        .send_diagnostics(&device_id, &partner_id, allow)
        .await
}

/// Renews a permission that is about to lapse, for another term.
#[tauri::command]
#[specta::specta]
pub async fn renew_grant(
    steward: State<'_, Steward>,
    partner_id: String,
    category: String,
    purpose: String,
) -> Result<PrivacyView, ApiError> {
    steward.renew_grant(&partner_id, &category, &purpose)
}

/// Fetches every partner's offers and tutorials again (plain requests, nothing about the household); says how each feed stands.
#[tauri::command]
#[specta::specta]
pub async fn refresh_offers(steward: State<'_, Steward>) -> Result<Vec<FeedStatusView>, ApiError> {
    steward.refresh_offers().await
}

/// The offers and tutorials that fit this household now, matched on the phone, with why each is
/// shown; `showing` when the owner is looking at them (they are no longer new afterwards).
#[tauri::command]
#[specta::specta]
pub async fn inbox(
    steward: State<'_, Steward>,
    position: Option<PositionInput>,
    showing: bool,
) -> Result<InboxView, ApiError> {
    steward.inbox(position, showing)
}

/// Dismisses, restores, saves or unsaves an inbox item; answers the inbox as it now is.
#[tauri::command]
#[specta::specta]
pub async fn mark_item(
    steward: State<'_, Steward>,
    key: ItemKeyInput,
    action: String,
    position: Option<PositionInput>,
) -> Result<InboxView, ApiError> {
    steward.mark_item(key, &action, position)
}

/// Stops (or lets again) a partner's offers until the owner lifts it; its tutorials still come.
#[tauri::command]
#[specta::specta]
pub async fn mute_partner(
    steward: State<'_, Steward>,
    partner_id: String,
    muted: bool,
    position: Option<PositionInput>,
) -> Result<InboxView, ApiError> {
    steward.mute_partner(&partner_id, muted, position)
}

/// A partner's tutorial, step by step, with the state of the device it is for.
#[tauri::command]
#[specta::specta]
pub async fn tutorial(
    steward: State<'_, Steward>,
    key: ItemKeyInput,
) -> Result<TutorialView, ApiError> {
    steward.tutorial(key).await
}

/// Every current offer that fits the words or GTIN, with price, store and distance worked out on the phone.
#[tauri::command]
#[specta::specta]
pub async fn search_offers(
    steward: State<'_, Steward>,
    input: SearchInput,
) -> Result<Vec<SearchHitView>, ApiError> {
    steward.search_offers(input)
}

/// The stores named in partners' feeds, to measure search distances from when location is off.
#[tauri::command]
#[specta::specta]
pub async fn places(steward: State<'_, Steward>) -> Result<Vec<PlaceView>, ApiError> {
    steward.places()
}

/// The owner's notification settings: the day's offer budget, each brand's cap, quiet hours, channels.
#[tauri::command]
#[specta::specta]
pub async fn notification_settings(
    steward: State<'_, Steward>,
) -> Result<NotificationSettingsView, ApiError> {
    steward.notification_settings()
}

/// Keeps new notification settings once checked; answers them as kept.
#[tauri::command]
#[specta::specta]
pub async fn set_notification_settings(
    steward: State<'_, Steward>,
    input: NotificationSettingsInput,
) -> Result<NotificationSettingsView, ApiError> {
    steward.set_notification_settings(input)
}

/// What the notification policy decided, newest first, in the owner's words.
#[tauri::command]
#[specta::specta]
pub async fn notification_history(
    steward: State<'_, Steward>,
    limit: u32,
) -> Result<Vec<NotificationEntryView>, ApiError> {
    steward.notification_history(limit)
}

/// Whether Steward may notify, and if something is waiting to be said, why the owner is asked.
#[tauri::command]
#[specta::specta]
pub async fn notification_permission(
    steward: State<'_, Steward>,
) -> Result<NotificationPermissionView, ApiError> {
    Ok(steward.notification_permission())
}

/// The owner's answer to the app's question: yes asks the system (its dialog on a phone).
#[tauri::command]
#[specta::specta]
pub async fn answer_notification_permission(
    steward: State<'_, Steward>,
    allow: bool,
) -> Result<NotificationPermissionView, ApiError> {
    steward.answer_notification_permission(allow)
}

/// Writes to a maker's support (a guide did not help): the owner's words, and a device's
/// diagnostics only if they chose to include them. Answers the conversation as kept.
#[tauri::command]
#[specta::specta]
pub async fn ask_maker(
    steward: State<'_, Steward>,
    input: AskMakerInput,
) -> Result<ConversationView, ApiError> {
    steward.ask_maker(input).await
}

/// The owner's next message in a conversation with a maker's support.
#[tauri::command]
#[specta::specta]
pub async fn send_support_message(
    steward: State<'_, Steward>,
    id: u32,
    message: String,
) -> Result<ConversationView, ApiError> {
    steward.send_support_message(id, &message).await
}

/// A conversation with a maker's support, both sides, as kept on the phone.
#[tauri::command]
#[specta::specta]
pub async fn conversation(
    steward: State<'_, Steward>,
    id: u32,
) -> Result<ConversationView, ApiError> {
    steward.conversation(id)
}

/// Every conversation with makers' support, newest first.
#[tauri::command]
#[specta::specta]
pub async fn conversations(steward: State<'_, Steward>) -> Result<Vec<ConversationView>, ApiError> {
    steward.conversations()
}

/// Whether Steward uses the phone's location for store offers, and where that stands.
#[tauri::command]
#[specta::specta]
pub async fn location(steward: State<'_, Steward>) -> Result<LocationView, ApiError> {
    steward.location()
}

/// The owner switches location use for store offers on or off (off forgets the position).
#[tauri::command]
#[specta::specta]
pub async fn set_location_use(
    steward: State<'_, Steward>,
    locator: State<'_, crate::locator::Locator>,
    on: bool,
) -> Result<LocationView, ApiError> {
    let view = steward.set_location_use(on)?;
    locator.follow(on);
    Ok(view)
}
