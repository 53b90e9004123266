//! The mobile configuration kept in the repository asks for what Steward needs on Android and
//! iOS: these files cannot be exercised on a Linux machine, so their content is checked here.

use std::path::Path;

fn read(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

#[test]
fn android_manifest_block_requests_bluetooth_location_and_notifications() {
    let xml = read("android/permissions.xml");
    for permission in [
        "BLUETOOTH_SCAN",
        "BLUETOOTH_CONNECT",
        "ACCESS_FINE_LOCATION",
        "POST_NOTIFICATIONS",
    ] {
        assert!(
            xml.contains(&format!("android:name=\"android.permission.{permission}\"")),
            "the Android manifest block must request {permission}"
        );
    }
    assert!(
        xml.contains("neverForLocation"),
        "BLUETOOTH_SCAN is declared neverForLocation: Steward does not derive location from scans"
    );
    assert_eq!(
        xml.matches('<').count(),
        xml.matches("/>").count() + xml.matches("<!--").count(),
        "every element in the block is self-closing, so the merge cannot leave an element open"
    );
}

#[test]
fn ios_plist_explains_bluetooth_and_location_use() {
    let plist = read("Info.ios.plist");
    for key in [
        "NSBluetoothAlwaysUsageDescription",
        "NSLocationWhenInUseUsageDescription",
    ] {
        let at = plist
            .find(&format!("<key>{key}</key>"))
            .unwrap_or_else(|| panic!("Info.ios.plist must set {key}"));
        let value = &plist[at..];
        let start = value
            .find("<string>")
            .expect("a string value follows the key")
            + "<string>".len();
        let end = value.find("</string>").expect("the string is closed");
        assert!(
            end - start > 40,
            "{key} must explain the use to the owner in a full sentence"
        );
    }
}

#[test]
fn tauri_config_targets_mobile_and_links_core_bluetooth() {
    let config: serde_json::Value =
        serde_json::from_str(&read("tauri.conf.json")).expect("tauri.conf.json is JSON");
    assert_eq!(
        config["bundle"]["iOS"]["frameworks"],
        serde_json::json!(["CoreBluetooth"]),
        "btleplug needs CoreBluetooth on iOS"
    );
    assert!(
        config["bundle"]["android"]["minSdkVersion"]
            .as_u64()
            .is_some_and(|v| v >= 26),
        "Android 8+ for BLE"
    );
    assert!(
        config["app"]["security"]["csp"]["script-src"] == "'self'",
        "scripts only from the app itself"
    );
}
