//! The TypeScript bindings in `ui/` must be exactly what the Rust types generate today: a stale
//! file means the UI compiles against an API the core no longer has.
//!
//! To regenerate after changing a command or wire type:
//! `STEWARD_UPDATE_BINDINGS=1 cargo test -p steward-app --test bindings`

use std::path::Path;

#[test]
fn typescript_bindings_are_up_to_date() {
    let committed =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(steward_app::bindings::TYPESCRIPT_PATH);
    if std::env::var_os("STEWARD_UPDATE_BINDINGS").is_some() {
        steward_app::bindings::export_typescript(&committed).expect("write the bindings");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let fresh = dir.path().join("bindings.ts");
    steward_app::bindings::export_typescript(&fresh).expect("generate the bindings");
    let fresh = std::fs::read_to_string(&fresh).expect("read generated bindings");
    let on_disk = std::fs::read_to_string(&committed).unwrap_or_default();
    assert!(
        fresh == on_disk,
        "{} is stale: the Rust commands or wire types changed. Regenerate it with \
         `STEWARD_UPDATE_BINDINGS=1 cargo test -p steward-app --test bindings` and commit the result.",
        committed.display()
    );
}

/// The commands in the generated bindings, each with the argument names the UI sends.
fn commands_in_bindings() -> Vec<(String, Vec<String>)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(steward_app::bindings::TYPESCRIPT_PATH);
    let text = std::fs::read_to_string(path).expect("read the bindings");
    let mut found = Vec::new();
    for call in text.split("__TAURI_INVOKE(\"").skip(1) {
        // `name")` or `name", { a, b })`
        let (name, rest) = call.split_once('"').expect("a quoted command name");
        let args = match rest.strip_prefix(", { ") {
            Some(rest) => {
                let (list, _) = rest.split_once(" }").expect("a closed argument object");
                list.split(", ").map(str::to_owned).collect()
            }
            None => Vec::new(),
        };
        found.push((name.to_owned(), args));
    }
    found
}

#[test]
fn the_router_serves_exactly_the_commands_and_arguments_the_bindings_send() {
    let bindings = commands_in_bindings();
    assert!(bindings.len() >= 20, "parsed the bindings: {bindings:?}");
    let routed: Vec<(String, Vec<String>)> = steward_app::dispatch::ROUTES
        .iter()
        .map(|route| {
            (
                route.name.to_owned(),
                route.args.iter().map(|a| (*a).to_owned()).collect(),
            )
        })
        .collect();
    let mut expected = bindings.clone();
    expected.sort();
    let mut actual = routed;
    actual.sort();
    assert_eq!(
        actual, expected,
        "src-tauri/src/dispatch.rs routes a different set of commands or argument names than \
         ui/src/lib/backend/bindings.ts calls"
    );
}

#[test]
fn every_routed_command_has_a_permission_in_the_app_manifest() {
    let build = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("build.rs"))
        .expect("read build.rs");
    let (_, list) = build
        .split_once(".commands(&[")
        .expect("build.rs declares the app's commands");
    let (list, _) = list.split_once("])").expect("a closed list");
    let mut declared: Vec<&str> = list.split('"').skip(1).step_by(2).collect();
    declared.sort_unstable();
    let mut routed: Vec<&str> = steward_app::dispatch::ROUTES
        .iter()
        .map(|r| r.name)
        .collect();
    routed.sort_unstable();
    assert_eq!(
        routed, declared,
        "build.rs's command list and the router differ"
    );
}

#[test]
fn events_are_emitted_under_the_names_the_bindings_listen_to() {
    use steward_app::events::*;
    use tauri_specta::Event;
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(steward_app::bindings::TYPESCRIPT_PATH);
    let text = std::fs::read_to_string(path).expect("read the bindings");
    for name in [
        HomeChanged::NAME,
        DeviceChanged::NAME,
        InventoryChanged::NAME,
        ShoppingChanged::NAME,
        BluetoothChanged::NAME,
        OffersChanged::NAME,
        NotificationOpened::NAME,
        NotificationPermissionNeeded::NAME,
        SupportReplied::NAME,
        LocationChanged::NAME,
    ] {
        assert!(
            text.contains(&format!(">(\"{name}\")")),
            "the bindings do not listen to {name}"
        );
    }
}
