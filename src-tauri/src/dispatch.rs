//! Routes the UI's commands to `commands.rs` through one invoke handler.
//!
//! Tauri's `generate_handler!` instantiates its async glue (a tokio task type, a resolver and the
//! argument extraction) once per command; with 27 commands that was about a sixth of the app's
//! size over a minimal Tauri app (docs/PERFORMANCE.md). Here every command runs in one task type
//! and arguments are read by a handful of shared functions. The names, the argument names and the
//! JSON shapes are the ones `tauri-specta` generates the TypeScript bindings from (a test compares
//! the table below with `ui/src/lib/backend/bindings.ts`), so the IPC contract is unchanged.
//!
//! Tauri checks the ACL (capabilities) before calling this handler. It must never do more than
//! name → command → JSON: what a command does belongs in the core.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use steward_api::{ApiError, ErrorCode, Steward};
use tauri::ipc::{Invoke, InvokeBody, InvokeResponseBody};
use tauri::{AppHandle, Manager, Runtime};

use crate::commands;
use crate::exports::ExportShower;

/// One command the UI may call: its IPC name and the names of its arguments, as the UI sends them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    pub name: &'static str,
    pub args: &'static [&'static str],
}

/// The table and the router come from one list, so a command cannot be routed under one name and
/// declared under another. Each entry: the command, the managed state it takes, then its arguments
/// in the UI's camelCase with their Rust types.
macro_rules! routes {
    ($( $name:ident ( $($state:ident),* ; $($arg:ident : $ty:ty),* ) ),* $(,)?) => {
        /// Every command the UI may call.
        pub const ROUTES: &[Route] = &[
            $( Route { name: stringify!($name), args: &[$(stringify!($arg)),*] } ),*
        ];

        /// Runs `command`, or says it is not one of ours.
        async fn run<R: Runtime>(
            app: &AppHandle<R>,
            command: &str,
            args: &Args<'_>,
        ) -> Option<Result<String, ApiError>> {
            Some(match command {
                $( stringify!($name) => {
                    async {
                        reply(commands::$name(
                            $( state::<R, $state>(app)?, )*
                            $( args.get::<$ty>(stringify!($arg))?, )*
                        ).await?)
                    }.await
                } )*
                _ => return None,
            })
        }
    };
}

// The managed state each command takes, by the name used in the table.
#[allow(non_camel_case_types)]
type steward = Steward;
#[allow(non_camel_case_types)]
type shower = ExportShower;
#[allow(non_camel_case_types)]
type locator = crate::locator::Locator;

routes! {
    home(steward;),
    set_household_name(steward; name: String),
    bluetooth(steward;),
    request_bluetooth(steward;),
    open_bluetooth_settings(steward;),
    scan_devices(steward;),
    pair_device(steward; address: String, code: String, startingLevel: Option<u32>),
    device_detail(steward; id: String),
    device_command(steward; id: String, command: steward_api::wire::CommandInput),
    remove_device(steward; id: String),
    inventory(steward;),
    consumable_detail(steward; id: u32),
    add_consumable(steward; input: steward_api::inventory_wire::ConsumableInputView),
    update_consumable(steward; id: u32, input: steward_api::inventory_wire::ConsumableInputView),
    remove_consumable(steward; id: u32),
    record_purchase(steward; id: u32, quantity: i32, note: Option<String>),
    record_use(steward; id: u32, amount: i32),
    shopping_list(steward;),
    add_shopping_item(steward; input: steward_api::inventory_wire::ShoppingItemInput),
    edit_shopping_item(steward; id: u32, input: steward_api::inventory_wire::ShoppingItemInput),
    set_shopping_item_done(steward; id: u32, done: bool),
    remove_shopping_item(steward; id: u32),
    export_household(steward;),
    show_export(steward, shower; fileName: String),
    data_protection(steward;),
    erase_household(steward; confirmation: String),
    set_utc_offset(steward; minutes: i32),
    privacy(steward;),
    add_partner(steward; baseUrl: String),
    set_grant(steward; partnerId: String, category: String, purpose: String, allowed: bool),
    remove_partner(steward; partnerId: String),
    ledger(steward; filter: steward_api::privacy_wire::LedgerFilterInput),
    ledger_payload(steward; id: u32),
    receipts(steward; partnerId: Option<String>),
    reorder_prompt(steward; consumableId: u32),
    reorder(steward; consumableId: u32, allow: bool),
    retry_sharing(steward; id: u32),
    support_partners(steward;),
    diagnostics_prompt(steward; deviceId: String, partnerId: String),
    send_diagnostics(steward; deviceId: String, partnerId: String, allow: bool),
    renew_grant(steward; partnerId: String, category: String, purpose: String),
    refresh_offers(steward;),
    inbox(steward; position: Option<steward_api::offers_wire::PositionInput>, showing: bool),
    mark_item(steward; key: steward_api::offers_wire::ItemKeyInput, action: String, position: Option<steward_api::offers_wire::PositionInput>),
    mute_partner(steward; partnerId: String, muted: bool, position: Option<steward_api::offers_wire::PositionInput>),
    tutorial(steward; key: steward_api::offers_wire::ItemKeyInput),
    search_offers(steward; input: steward_api::offers_wire::SearchInput),
    places(steward;),
    notification_settings(steward;),
    set_notification_settings(steward; input: steward_api::notifications_wire::NotificationSettingsInput),
    notification_history(steward; limit: u32),
    notification_permission(steward;),
    answer_notification_permission(steward; allow: bool),
    ask_maker(steward; input: steward_api::support_wire::AskMakerInput),
    send_support_message(steward; id: u32, message: String),
    conversation(steward; id: u32),
    conversations(steward;),
    location(steward;),
    set_location_use(steward, locator; on: bool),
}

/// The invoke handler: answers `true` for our commands (the reply comes later, from one task
/// type), `false` for anything else so that Tauri says the command does not exist.
pub fn handle<R: Runtime>(invoke: Invoke<R>) -> bool {
    let Invoke {
        message, resolver, ..
    } = invoke;
    let command = message.command().to_owned();
    if !ROUTES.iter().any(|route| route.name == command) {
        return false;
    }
    let body = match message.payload() {
        InvokeBody::Json(value) => value.clone(),
        // The UI only sends JSON; raw bytes have no named arguments to read.
        InvokeBody::Raw(_) => Value::Null,
    };
    let app = message.webview().app_handle().clone();
    tauri::async_runtime::spawn(async move {
        let args = Args {
            command: &command,
            body: &body,
        };
        match run(&app, &command, &args).await {
            Some(Ok(json)) => resolver.resolve(InvokeResponseBody::Json(json)),
            Some(Err(error)) => resolver.reject(error),
            None => resolver.reject(format!("Command {command} not found")),
        }
    });
    true
}

/// A command's arguments: the JSON object the UI sent.
struct Args<'a> {
    command: &'a str,
    body: &'a Value,
}

impl Args<'_> {
    /// The argument `name`; a missing one reads as `null`, so optional arguments may be left out.
    fn get<T: DeserializeOwned>(&self, name: &str) -> Result<T, ApiError> {
        let value = self.body.get(name).unwrap_or(&Value::Null);
        T::deserialize(value).map_err(|error| {
            tracing::warn!(command = self.command, argument = name, %error, "unreadable argument");
            ApiError {
                code: ErrorCode::InvalidInput,
                message: format!(
                    "Steward could not read `{name}` for {}: {error}.",
                    self.command
                ),
            }
        })
    }
}

/// Managed state; missing only while the app is still starting.
fn state<R: Runtime, T: Send + Sync + 'static>(
    app: &AppHandle<R>,
) -> Result<tauri::State<'_, T>, ApiError> {
    app.try_state::<T>().ok_or_else(|| ApiError {
        code: ErrorCode::Storage,
        message: "Steward is still starting. Try again in a moment.".to_owned(),
    })
}

/// A command's answer as the JSON text the UI receives.
fn reply<T: Serialize>(value: T) -> Result<String, ApiError> {
    serde_json::to_string(&value).map_err(|error| ApiError {
        code: ErrorCode::Storage,
        message: format!("Steward could not send its answer to the screen: {error}."),
    })
}
