//! The one API surface the UI calls: every command is a plain method on [`Steward`], tested
//! without a webview, and the shell wraps each in one line.
//!
//! This crate owns the wire types (camelCase, with TypeScript generated from them) and turns the
//! core's errors into codes and messages a person can act on. It must never depend on Tauri.

pub mod bluetooth;
mod device_wire;
mod devices;
pub mod error;
pub mod events;
mod inventory;
pub mod inventory_wire;
mod location;
pub mod location_wire;
mod notifications;
pub mod notifications_wire;
mod notifying;
mod offers;
pub mod offers_wire;
mod privacy;
pub mod privacy_wire;
pub mod radio;
mod steward;
mod support;
pub mod support_wire;
pub mod wire;

pub use error::{ApiError, ErrorCode};
pub use events::{AppEvent, EventSink};
pub use inventory::ERASE_CONFIRMATION;
pub use steward::Steward;
/// Where the platform's location adapter reports (implemented by the shell).
pub use steward_core::location::LocationSink;
/// The notifier trait the shell implements for the platform, and what it delivers.
pub use steward_core::notify;

/// The keystore of this test binary, standing for the platform's: one per process, so a
/// household opened again (a restart) finds its keys.
#[cfg(test)]
pub(crate) fn tests_keys() -> std::sync::Arc<dyn steward_keystore::Keystore> {
    static KEYS: std::sync::LazyLock<std::sync::Arc<steward_keystore::MemoryKeystore>> =
        std::sync::LazyLock::new(Default::default);
    std::sync::Arc::clone(&*KEYS) as std::sync::Arc<dyn steward_keystore::Keystore>
}
