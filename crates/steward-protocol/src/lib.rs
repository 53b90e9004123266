//! The Steward home GATT profile (`docs/protocol/gatt.md`) as pure codecs: each frame the app and
//! a device exchange, encoded and decoded on byte slices.
//!
//! This crate must never do I/O, read a clock or hold a connection: the BLE link moves bytes,
//! this crate says what they mean. Both the app and the simulated devices use it, so the two
//! sides cannot drift apart.

pub mod channel;
pub mod command;
pub mod error;
pub mod event;
pub mod handshake;
pub mod identity;
pub mod keys;
pub mod kind;
pub mod pairing;
pub mod pake;
pub mod sequence;
pub mod session_message;
pub mod state;
pub mod uuids;
mod wire;

pub use command::{Command, CommandFrame, CommandStatus, ResultFrame};
pub use error::DecodeError;
pub use event::{Button, Event, EventFrame};
pub use identity::{DeviceId, Identity};
pub use kind::DeviceKind;
pub use sequence::{SequenceCheck, SequenceTracker};
pub use state::{
    DeviceState, DispenserState, LightState, Playback, PlayerState, ThermostatMode,
    ThermostatState, ToasterState,
};

/// The profile version byte that starts every versioned frame.
pub const PROFILE_VERSION: u8 = 2;
