//! The device layer: what it means to pair with, command and listen to a Steward device, over a
//! narrow link trait ([`link::Central`], [`link::Link`]) that a BLE stack implements elsewhere.
//!
//! This crate must never depend on btleplug or any OS Bluetooth API: `steward-ble` implements
//! the traits with btleplug, and tests can implement them in-process.

pub mod backoff;
pub mod control;
pub mod deadline;
pub mod error;
pub mod hub;
pub mod link;
pub mod session;

pub use backoff::Backoff;
pub use control::DeviceControl;
pub use deadline::Deadlines;
pub use error::DeviceError;
pub use hub::{DeviceInfo, Hub, HubEvent, KnownDevice, Paired};
pub use link::{Advertisement, Central, Link, LinkError, Notification, RadioState};
pub use session::{Session, SessionEvent, SessionUpdate};
