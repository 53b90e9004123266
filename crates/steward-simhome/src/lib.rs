//! The simulated home: simulated Steward devices behind a BlueZ-compatible service on a private
//! D-Bus bus, so btleplug's real Linux code path can scan, pair with and drive them on a machine
//! with no Bluetooth radio.
//!
//! Device behaviour (`device.rs`) is plain state machines over `steward-protocol`; `bluez/`
//! exposes them as `org.bluez` objects; `bus.rs` starts the private bus; `geoclue/` serves the
//! desktop's location service (GeoClue2) on that bus with scripted positions. This crate is for
//! tests and demo mode and must never be linked into the app itself.

pub mod bluez;
pub mod brief_home;
pub mod bus;
pub mod cli;
pub mod device;
pub mod geoclue;
pub mod home;
pub mod notifications;
pub mod pairing_lock;
pub mod scenario;

/// Built-in scenario scripts (see [`scenario`]).
pub mod scenarios {
    /// The demo home going about its day: soap pumped every 20 s, a slice toasted every 45 s.
    pub const LIVELY: &str = include_str!("../scenarios/lively.txt");
}

pub use bus::PrivateBus;
pub use device::SimDevice;
pub use home::SimHome;
pub use scenario::Scenario;
