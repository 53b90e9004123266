//! The typed bridge: the list of commands and events the UI sees, from which the TypeScript
//! bindings in `ui/src/lib/backend/bindings.ts` are generated (and checked by a test).

use tauri::Runtime;
use tauri_specta::{collect_commands, collect_events};

use crate::{commands, events};

/// Where the generated bindings live, relative to this crate.
pub const TYPESCRIPT_PATH: &str = "../ui/src/lib/backend/bindings.ts";

/// The commands and events, as tauri-specta registers and exports them.
pub fn builder<R: Runtime>() -> tauri_specta::Builder<R> {
    tauri_specta::Builder::<R>::new()
        .commands(collect_commands![
            commands::home,
            commands::set_household_name,
            commands::bluetooth,
            commands::request_bluetooth,
            commands::open_bluetooth_settings,
            commands::scan_devices,
            commands::pair_device,
            commands::device_detail,
            commands::device_command,
            commands::remove_device,
            commands::inventory,
            commands::consumable_detail,
            commands::add_consumable,
            commands::update_consumable,
            commands::remove_consumable,
            commands::record_purchase,
            commands::record_use,
            commands::shopping_list,
            commands::add_shopping_item,
            commands::edit_shopping_item,
            commands::set_shopping_item_done,
            commands::remove_shopping_item,
            commands::export_household,
            commands::show_export,
            commands::data_protection,
            commands::erase_household,
            commands::set_utc_offset,
            commands::privacy,
            commands::add_partner,
            commands::set_grant,
            commands::remove_partner,
            commands::ledger,
            commands::ledger_payload,
            commands::receipts,
            commands::reorder_prompt,
            commands::reorder,
            commands::retry_sharing,
            commands::support_partners,
            commands::diagnostics_prompt,
            commands::send_diagnostics,
            commands::renew_grant,
            commands::refresh_offers,
            commands::inbox,
            commands::mark_item,
            commands::mute_partner,
            commands::tutorial,
            commands::search_offers,
            commands::places,
            commands::notification_settings,
            commands::set_notification_settings,
            commands::notification_history,
            commands::notification_permission,
            commands::answer_notification_permission,
            commands::ask_maker,
            commands::send_support_message,
            commands::conversation,
            commands::conversations,
            commands::location,
            commands::set_location_use
        ])
        .events(collect_events![
            events::HomeChanged,
            events::DeviceChanged,
            events::InventoryChanged,
            events::ShoppingChanged,
            events::BluetoothChanged,
            events::OffersChanged,
            events::NotificationOpened,
            events::NotificationPermissionNeeded,
            events::SupportReplied,
            events::LocationChanged
        ])
        // Our wire types serialise and deserialise alike, so one TypeScript type each is exact.
        .disable_serde_phases()
}

/// Writes the TypeScript bindings to `path`.
pub fn export_typescript(path: &std::path::Path) -> Result<(), specta_typescript::Error> {
    builder::<tauri::Wry>().export(
        specta_typescript::Typescript::default()
            .header("// Generated from the Rust types by `cargo test -p steward-app --test bindings`. Do not edit.\n/* eslint-disable */"),
        path,
    )
}
