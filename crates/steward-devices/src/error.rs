//! The device layer's errors, each one a situation a person can be told about plainly.

use steward_protocol::command::CommandStatus;
use steward_protocol::{DecodeError, DeviceId};

use crate::LinkError;

/// Why talking to a device failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeviceError {
    #[error("Bluetooth is not available: {0}")]
    NoBluetooth(String),
    #[error("Bluetooth is switched off")]
    RadioOff,
    #[error("the device is out of range or switched off")]
    OutOfRange,
    #[error("the connection to the device dropped")]
    Disconnected,
    #[error("the device did not answer {what} within {seconds} s")]
    Timeout { what: &'static str, seconds: u64 },
    #[error("the setup code does not match this device")]
    WrongCode,
    #[error("this is not the device whose code was scanned (expected {expected}, found {found})")]
    NotTheScannedDevice { expected: DeviceId, found: DeviceId },
    #[error("the device refuses pairing after too many wrong codes for {retry_after_secs} s")]
    LockedOut { retry_after_secs: u16 },
    #[error("the device is not paired with this phone")]
    NotPaired,
    /// A look-alike, or a message altered on the way: it could not prove it is the device this
    /// phone paired with.
    #[error("the device could not prove it is the one paired with this phone")]
    NotGenuine,
    #[error("the device keeps as many phones as it can")]
    NoRoom,
    #[error("the device is not accepting pairing")]
    PairingClosed,
    #[error("a {kind} cannot do that")]
    Unsupported { kind: &'static str },
    #[error("the device refused the command: {0:?}")]
    Refused(CommandStatus),
    #[error("the device sent something this app cannot read: {0}")]
    Malformed(#[from] DecodeError),
    #[error("Bluetooth error: {0}")]
    Stack(String),
}

impl From<LinkError> for DeviceError {
    fn from(error: LinkError) -> Self {
        match error {
            LinkError::NoBluetooth(why) => Self::NoBluetooth(why),
            LinkError::Unreachable(_) => Self::OutOfRange,
            LinkError::Disconnected => Self::Disconnected,
            LinkError::MissingCharacteristic(uuid) => Self::Malformed(DecodeError::InvalidValue {
                what: "device",
                reason: format!("it lacks the characteristic {uuid}"),
            }),
            LinkError::Stack(why) => Self::Stack(why),
        }
    }
}
