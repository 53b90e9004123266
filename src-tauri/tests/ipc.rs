//! The app built on Tauri's mock runtime with its real configuration and capabilities: commands
//! are called the way the UI calls them, through IPC and the ACL, against a SQLite file.

use steward_app::events::HomeChanged;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Listener, Manager, WebviewWindow, WebviewWindowBuilder};
use tauri_specta::Event;

fn request(cmd: &str, body: serde_json::Value) -> InvokeRequest {
    InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        // The app's own origin on Linux and macOS; anything else is a remote URL with no rights.
        url: "tauri://localhost".parse().expect("static url"),
        body: InvokeBody::Json(body),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    }
}

fn call(
    window: &WebviewWindow<tauri::test::MockRuntime>,
    cmd: &str,
    body: serde_json::Value,
) -> Result<serde_json::Value, serde_json::Value> {
    get_ipc_response(window, request(cmd, body)).map(|response| {
        response
            .deserialize::<serde_json::Value>()
            .expect("a JSON response")
    })
}

// One test function: the data directory is process-wide configuration, read at setup.
#[test]
fn commands_reach_sqlite_through_the_acl_and_undeclared_ones_are_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::env::set_var("STEWARD_DATA_DIR", dir.path());

    let mut app = steward_app::build(mock_builder())
        .build(tauri::generate_context!())
        .expect("the app builds on the mock runtime with its real config");
    // Tauri runs the setup hook (which opens the store and the configured `main` window) on the
    // event loop's first turn; one iteration of the mock runtime's loop is that turn.
    #[allow(deprecated)]
    app.run_iteration(|_, _| {});
    let main = app
        .get_webview_window("main")
        .expect("setup opened the configured main window");

    let home =
        call(&main, "home", serde_json::json!({})).expect("the main window may read the home");
    assert_eq!(
        home,
        serde_json::json!({
            "householdName": null,
            "devices": [],
            "schemaVersion": steward_core::store::migrations::LATEST
        }),
        "a new household, in the camelCase wire shape the generated bindings promise"
    );
    let protection = call(&main, "data_protection", serde_json::json!({}))
        .expect("the main window may ask how the data is protected");
    assert!(
        protection["inKeystore"].is_boolean()
            && protection["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("It is encrypted")),
        "{protection}"
    );

    let (announced, announcements) = std::sync::mpsc::channel();
    // Listened to by the name the generated bindings use, the way the UI listens.
    app.listen_any(HomeChanged::NAME, move |event| {
        let home: Result<HomeChanged, _> = serde_json::from_str(event.payload());
        // The receiver outlives every send in this test; a failed send can only mean it ended.
        let _ = announced.send(home.map(|home| home.0));
    });
    let renamed = call(
        &main,
        "set_household_name",
        serde_json::json!({"name": "Maple Street"}),
    )
    .expect("the main window may rename the household");
    assert_eq!(renamed["householdName"], "Maple Street");
    let event = announcements
        .recv_timeout(std::time::Duration::from_secs(5))
        .expect("a rename is announced to the webviews")
        .expect("as a HomeChanged event, in the shape the bindings promise");
    assert_eq!(
        event.household_name.as_deref(),
        Some("Maple Street"),
        "the event carries the new summary"
    );

    let refused = call(
        &main,
        "set_household_name",
        serde_json::json!({"name": "\u{0}"}),
    )
    .expect_err("a NUL in the name is refused by the core");
    assert_eq!(
        refused["code"], "invalidInput",
        "the UI branches on this code: {refused}"
    );

    assert!(
        dir.path().join("steward.sqlite3").is_file(),
        "the store was opened in STEWARD_DATA_DIR, not the real user's data directory"
    );

    let listed = call(
        &main,
        "add_shopping_item",
        serde_json::json!({"input": {"title": "Milk", "quantity": 2, "note": null}}),
    )
    .expect("the main window may add to the shopping list");
    assert_eq!(listed["items"][0]["title"], "Milk");
    assert_eq!(listed["items"][0]["reason"], "Added by you");
    let refused = call(
        &main,
        "add_consumable",
        serde_json::json!({"input": {"name": "Soap", "brand": null, "gtin": "123", "unit": "packet",
            "capacity": 40, "remaining": 10, "threshold": null}}),
    )
    .expect_err("a bad GTIN is refused");
    assert_eq!(refused["code"], "invalidInput", "{refused}");
    let refused = call(
        &main,
        "erase_household",
        serde_json::json!({"confirmation": "please"}),
    )
    .expect_err("erasing needs the typed confirmation");
    assert!(refused["message"]
        .as_str()
        .is_some_and(|m| m.contains("Nothing was erased")));

    let unreadable = call(
        &main,
        "consumable_detail",
        serde_json::json!({"id": "soap"}),
    )
    .expect_err("an argument of the wrong type is refused before the core is called");
    assert_eq!(unreadable["code"], "invalidInput", "{unreadable}");
    assert!(
        unreadable["message"]
            .as_str()
            .is_some_and(|m| m.contains("`id`") && m.contains("consumable_detail")),
        "says which argument of which command: {unreadable}"
    );
    let missing = call(&main, "record_use", serde_json::json!({"id": 1}))
        .expect_err("a missing argument is refused");
    assert!(
        missing["message"]
            .as_str()
            .is_some_and(|m| m.contains("`amount`")),
        "{missing}"
    );

    let other = WebviewWindowBuilder::new(&app, "other", Default::default())
        .build()
        .expect("second window");
    let denied = call(&other, "home", serde_json::json!({}))
        .expect_err("a window with no capability must not reach the core");
    assert!(
        denied.to_string().contains("not allowed"),
        "Tauri's ACL refuses it: {denied}"
    );

    let unknown = call(
        &main,
        "plugin:fs|read_file",
        serde_json::json!({"path": "/etc/passwd"}),
    )
    .expect_err("no file-system access was granted");
    assert!(unknown.to_string().contains("not"), "refused: {unknown}");
}
