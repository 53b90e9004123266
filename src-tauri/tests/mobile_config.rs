//! The mobile configuration kept in the repository asks for what Steward needs on Android and
//! iOS: these files cannot be exercised on a Linux machine, so their content is checked here.

use std::path::Path;

fn read(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

#[test]
fn android_manifest_block_requests_bluetooth_and_nothing_unused() {
    let xml = read("android/permissions.xml");
    for permission in [
        "BLUETOOTH_SCAN",
        "BLUETOOTH_CONNECT",
        "ACCESS_FINE_LOCATION",
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
    // Location is used while the app is in use (store offers), never in the background;
    // notifications come from the notification plugin's own manifest.
    for unused in ["POST_NOTIFICATIONS", "ACCESS_BACKGROUND_LOCATION"] {
        assert!(
            !xml.contains(&format!("android.permission.{unused}\"")),
            "{unused} is not Steward's own to declare"
        );
    }
    assert_eq!(
        xml.matches('<').count(),
        xml.matches("/>").count() + xml.matches("<!--").count(),
        "every element in the block is self-closing, so the merge cannot leave an element open"
    );
}

#[test]
fn ios_plist_explains_bluetooth_use_and_asks_nothing_else() {
    let plist = read("Info.ios.plist");
    assert!(
        !plist.contains("NSLocationAlways"),
        "location is used while in use only, never in the background"
    );
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

/// The Android project Gradle builds: `gen/android`, generated once by `tauri android init` and
/// kept in the repository with Steward's additions.
const ANDROID_APP: &str = "gen/android/app";

/// btleplug's Java half must be the one that matches the Rust half in Cargo.lock: the two talk
/// through JNI by class and method name, so a btleplug upgrade without the matching Java would
/// only fail at run time on a phone. This compares every vendored file with the locked crate's.
#[test]
fn vendored_btleplug_java_matches_the_locked_btleplug() {
    let lock = read("../Cargo.lock");
    let version = lock
        .split("name = \"btleplug\"\nversion = \"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("btleplug is in Cargo.lock");
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))
        .expect("CARGO_HOME or HOME is set");
    let registry = cargo_home.join("registry/src");
    let crate_dir = std::fs::read_dir(&registry)
        .expect("the cargo registry sources exist (the crate was built)")
        .filter_map(Result::ok)
        .map(|index| index.path().join(format!("btleplug-{version}")))
        .find(|dir| dir.is_dir())
        .unwrap_or_else(|| {
            panic!(
                "btleplug {version} is unpacked under {}",
                registry.display()
            )
        });
    let upstream = crate_dir.join("src/droidplug/java/src/main/java");
    let vendored = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(ANDROID_APP)
        .join("src/main/java");
    let mut compared = 0;
    let mut pending = vec![upstream.clone()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir)
            .expect("readable")
            .filter_map(Result::ok)
        {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let relative = path.strip_prefix(&upstream).expect("under upstream");
            let ours = std::fs::read(vendored.join(relative)).unwrap_or_else(|e| {
                panic!(
                    "{} is vendored from btleplug {version}: {e}",
                    relative.display()
                )
            });
            assert!(
                ours == std::fs::read(&path).expect("readable"),
                "{} differs from btleplug {version}'s; copy it again from {}",
                relative.display(),
                path.display()
            );
            compared += 1;
        }
    }
    assert!(
        compared >= 20,
        "btleplug's Java half has its ~28 files; compared {compared}"
    );
}

#[test]
fn the_kotlin_plugin_and_the_rust_jni_entry_agree_and_survive_r8() {
    let kotlin = read(&format!(
        "{ANDROID_APP}/src/main/java/app/steward/home/BluetoothPlugin.kt"
    ));
    assert!(kotlin.contains("package app.steward.home"));
    assert!(
        kotlin.contains("class BluetoothPlugin(")
            && kotlin.contains("private external fun initBtleplug()"),
        "the Kotlin side declares the native method Rust implements"
    );
    let rust = read("../crates/steward-ble/src/android.rs");
    for method in ["initBtleplug", "onRadioChanged"] {
        assert!(
            kotlin.contains(&format!("private external fun {method}(")),
            "the Kotlin side declares {method}"
        );
        assert!(
            rust.contains(&format!(
                "fn Java_app_steward_home_BluetoothPlugin_{method}"
            )),
            "the JNI symbol of {method} is package + class + method of the Kotlin declaration"
        );
    }
    let registration = read("src/bluetooth_access.rs");
    assert!(
        registration.contains(r#"register_android_plugin("app.steward.home", "BluetoothPlugin")"#),
        "Rust registers the same class"
    );
    assert!(
        kotlin.contains("Manifest.permission.BLUETOOTH_SCAN")
            && kotlin.contains("Manifest.permission.BLUETOOTH_CONNECT")
            && kotlin.contains("Manifest.permission.ACCESS_FINE_LOCATION"),
        "Nearby devices on Android 12+, location for scanning only on older versions"
    );
    let rules = read(&format!("{ANDROID_APP}/proguard-rules.pro"));
    for keep in [
        "-keep class com.nonpolynomial.** { *; }",
        "-keep class io.github.gedgygedgy.** { *; }",
        "-keep class app.steward.home.BluetoothPlugin { *; }",
    ] {
        assert!(
            rules.contains(keep),
            "release builds keep classes JNI finds by name: {keep}"
        );
    }
}

#[test]
fn location_is_declared_for_use_while_in_use_only() {
    let xml = read("android/permissions.xml");
    for permission in ["ACCESS_FINE_LOCATION", "ACCESS_COARSE_LOCATION"] {
        let line = xml
            .lines()
            .find(|l| l.contains(&format!("android.permission.{permission}\"")))
            .unwrap_or_else(|| panic!("{permission} is declared for store offers"));
        // The geolocation plugin declares it with no bound; a bound here would conflict in the
        // manifest merge.
        assert!(!line.contains("maxSdkVersion"), "{line}");
    }
    assert!(!xml.contains("android.permission.ACCESS_BACKGROUND_LOCATION"));
}
