//! Steward's core: the household's data (the SQLite store) and the rules applied to it.
//!
//! It must never depend on Tauri, a webview, a BLE stack or an HTTP client: those sit behind
//! traits this crate owns, so everything here is testable in a plain `cargo test`.

pub mod consent;
pub mod device_name;
pub mod error;
pub mod feed;
pub mod gtin;
pub mod home;
pub mod household_name;
pub mod inventory;
pub mod location;
pub mod notify;
pub mod store;
pub mod support;
pub mod text;

pub use device_name::DeviceName;
pub use error::{Error, Result};
pub use gtin::Gtin;
pub use home::HomeSummary;
pub use household_name::HouseholdName;
pub use store::Store;
