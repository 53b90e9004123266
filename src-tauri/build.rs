//! Compiles the Tauri context (the config, the ACL of our own commands, and the capabilities,
//! which live in the repository's top-level `capabilities/` folder), and merges Steward's
//! Android permissions into the generated Android project when the Tauri CLI builds one.

fn main() {
    println!("cargo:rerun-if-changed=../capabilities");
    println!("cargo:rerun-if-changed=android/permissions.xml");
    println!("cargo:rerun-if-env-changed=TAURI_ANDROID_PROJECT_PATH");

    // Does nothing unless `tauri android dev|build` set TAURI_ANDROID_PROJECT_PATH and the
    // project exists; then it (re)writes our block inside <manifest>, idempotently.
    let permissions = match std::fs::read_to_string("android/permissions.xml") {
        Ok(xml) => xml,
        Err(error) => panic!("cannot read android/permissions.xml: {error}"),
    };
    if let Err(error) =
        tauri_utils::build::update_android_manifest("STEWARD PERMISSIONS", "manifest", permissions)
    {
        panic!("cannot merge Steward's permissions into the Android manifest: {error:#}");
    }

    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("../capabilities/**/*")
        // Every command must be listed here to get an `allow-*` permission; a command the
        // capability does not grant is refused at run time.
        .app_manifest(tauri_build::AppManifest::new().commands(&[
            "home",
            "set_household_name",
            "bluetooth",
            "request_bluetooth",
            "open_bluetooth_settings",
            "scan_devices",
            "pair_device",
            "device_detail",
            "device_command",
            "remove_device",
            "inventory",
            "consumable_detail",
            "add_consumable",
            "update_consumable",
            "remove_consumable",
            "record_purchase",
            "record_use",
            "shopping_list",
            "add_shopping_item",
            "edit_shopping_item",
            "set_shopping_item_done",
            "remove_shopping_item",
            "export_household",
            "show_export",
            "data_protection",
            "erase_household",
            "set_utc_offset",
            "privacy",
            "add_partner",
            "set_grant",
            "remove_partner",
            "ledger",
            "ledger_payload",
            "receipts",
            "reorder_prompt",
            "reorder",
            "retry_sharing",
            "support_partners",
            "diagnostics_prompt",
            "send_diagnostics",
            "renew_grant",
            "refresh_offers",
            "inbox",
            "mark_item",
            "mute_partner",
            "tutorial",
            "search_offers",
            "places",
            "notification_settings",
            "set_notification_settings",
            "notification_history",
            "notification_permission",
            "answer_notification_permission",
            "ask_maker",
            "send_support_message",
            "conversation",
            "conversations",
            "location",
            "set_location_use",
        ]));
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri build step failed: {error:#}");
    }
}
