//! Maps the API's closed set of events onto typed Tauri events, one struct per event so the
//! TypeScript bindings can listen to each by name.

use serde::{Deserialize, Serialize};
use steward_api::inventory_wire::{InventoryView, ShoppingListView};
use steward_api::location_wire::LocationView;
use steward_api::notifications_wire::{NotificationPermissionView, OpenTargetView};
use steward_api::offers_wire::FeedStatusView;
use steward_api::support_wire::ConversationView;
use steward_api::wire::{BluetoothView, DeviceDetailView, HomeView};
use steward_api::{AppEvent, EventSink};
use tauri::{AppHandle, Emitter, Runtime};
use tauri_specta::Event;

/// The home summary changed.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct HomeChanged(pub HomeView);

/// A device connected, dropped, or reported a new state.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct DeviceChanged(pub DeviceDetailView);

/// Stock, forecasts or consumables changed.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct InventoryChanged(pub InventoryView);

/// The shopping list changed.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct ShoppingChanged(pub ShoppingListView);

/// Bluetooth was switched on or off.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct BluetoothChanged(pub BluetoothView);

/// Partners' feeds were fetched again: the inbox may have changed.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct OffersChanged(pub Vec<FeedStatusView>);

/// The owner tapped a notification: open this.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct NotificationOpened(pub OpenTargetView);

/// Something is waiting to be said and the owner has not allowed notifications yet.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct NotificationPermissionNeeded(pub NotificationPermissionView);

/// A maker's support replied in a conversation.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct SupportReplied(pub ConversationView);

/// Location use changed: switched, a first position, the service lost or back, a store
/// reached or left.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct LocationChanged(pub LocationView);

/// Emits the API's events to every webview of the app.
pub struct TauriEvents<R: Runtime>(AppHandle<R>);

impl<R: Runtime> TauriEvents<R> {
    pub fn new(app: AppHandle<R>) -> Self {
        Self(app)
    }

    /// Emits under the name the bindings listen to. Not through `tauri_specta::Event::emit`,
    /// whose run-time registry links the type machinery into the app for a name known at compile
    /// time (the bindings test checks the names against the generated file).
    fn send<E: Event + Serialize + Clone>(&self, event: E) -> tauri::Result<()> {
        self.0.emit(E::NAME, event)
    }
}

impl<R: Runtime> EventSink for TauriEvents<R> {
    fn emit(&self, event: AppEvent) {
        let sent = match event {
            AppEvent::HomeChanged(home) => self.send(HomeChanged(home)),
            AppEvent::DeviceChanged(device) => self.send(DeviceChanged(device)),
            AppEvent::InventoryChanged(view) => self.send(InventoryChanged(view)),
            AppEvent::ShoppingChanged(view) => self.send(ShoppingChanged(view)),
            AppEvent::BluetoothChanged(view) => self.send(BluetoothChanged(view)),
            AppEvent::OffersChanged(feeds) => self.send(OffersChanged(feeds)),
            AppEvent::NotificationOpened(target) => self.send(NotificationOpened(target)),
            AppEvent::NotificationPermissionNeeded(view) => {
                self.send(NotificationPermissionNeeded(view))
            }
            AppEvent::SupportReplied(view) => self.send(SupportReplied(view)),
            AppEvent::LocationChanged(view) => self.send(LocationChanged(view)),
        };
        if let Err(error) = sent {
            // The UI re-reads state on its next command, so a lost event costs freshness, not data.
            tracing::warn!(%error, "could not emit an event to the UI");
        }
    }
}
