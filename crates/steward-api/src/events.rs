//! Events the core announces to the UI: a closed set, so the shell maps each one explicitly to a
//! typed Tauri event and nothing unannounced reaches the UI.

use crate::inventory_wire::{InventoryView, ShoppingListView};
use crate::wire::{BluetoothView, DeviceDetailView, HomeView};

/// Something the UI should know about without asking.
#[derive(Debug, Clone, PartialEq)]
pub enum AppEvent {
    /// The home summary changed; here is the new one.
    HomeChanged(HomeView),
    /// A device connected, dropped, or reported a new state.
    DeviceChanged(DeviceDetailView),
    /// Stock, forecasts or consumables changed.
    InventoryChanged(InventoryView),
    /// The shopping list changed.
    ShoppingChanged(ShoppingListView),
    /// Bluetooth was switched on or off.
    BluetoothChanged(BluetoothView),
    /// Partners' feeds were fetched again: the inbox may have changed (here is each feed's state).
    OffersChanged(Vec<crate::offers_wire::FeedStatusView>),
    /// The owner tapped a notification: open this.
    NotificationOpened(crate::notifications_wire::OpenTargetView),
    /// Something is waiting to be said and the owner has not allowed notifications yet: ask
    /// them, with this reason.
    NotificationPermissionNeeded(crate::notifications_wire::NotificationPermissionView),
    /// A maker's support replied in a conversation; here it is as kept.
    SupportReplied(crate::support_wire::ConversationView),
    /// Location use changed: switched, a first position, the service lost or back, a store
    /// reached or left.
    LocationChanged(crate::location_wire::LocationView),
}

/// Where events go: the shell emits them to the webview, tests collect them.
pub trait EventSink: Send + Sync {
    fn emit(&self, event: AppEvent);
}

/// A sink that drops every event, for callers that do not listen.
#[derive(Debug, Default, Clone, Copy)]
pub struct Discard;

impl EventSink for Discard {
    fn emit(&self, _event: AppEvent) {}
}
