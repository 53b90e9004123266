//! The `org.bluez` objects btleplug (through bluez-async) expects, backed by the simulated
//! devices: an adapter at `/org/bluez/hci0`, a `Device1` per device in range, and the GATT
//! services and characteristics of a connected device under it.
//!
//! Property names and types follow BlueZ exactly (see ../shared/notes/ble-on-linux.md): a
//! missing or mistyped required property makes the object silently vanish from btleplug.

pub mod adapter;
pub mod device;
pub mod gatt;

use steward_protocol::DeviceId;
use zbus::OwnedObjectPath;

/// The adapter's object path.
pub const ADAPTER_PATH: &str = "/org/bluez/hci0";

/// BlueZ's error names, as btleplug maps them.
#[derive(Debug, zbus::DBusError)]
#[zbus(prefix = "org.bluez.Error")]
pub enum BluezError {
    #[zbus(error)]
    ZBus(zbus::Error),
    Failed(String),
    NotPermitted(String),
    NotSupported(String),
    NotConnected(String),
    InProgress(String),
    DoesNotExist(String),
    /// BlueZ's answer while the adapter is powered off.
    NotReady(String),
}

/// The result type zbus needs, literally named `Result`.
pub type Result<T> = std::result::Result<T, BluezError>;

/// `AA:BB:CC:DD:EE:FF`.
pub fn address_string(address: &[u8; 6]) -> String {
    address
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// `/org/bluez/hci0/dev_AA_BB_CC_DD_EE_FF`.
pub fn device_path(address: &[u8; 6]) -> OwnedObjectPath {
    let tail = address
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join("_");
    owned_path(format!("{ADAPTER_PATH}/dev_{tail}"))
}

/// An object path we build ourselves from fixed parts; always valid.
pub(crate) fn owned_path(path: String) -> OwnedObjectPath {
    match OwnedObjectPath::try_from(path) {
        Ok(path) => path,
        Err(error) => {
            unreachable!("object paths built from hex digits and fixed names are valid: {error}")
        }
    }
}

/// Looks up a device that has gone away between a call being routed and served.
pub(crate) fn gone(id: &DeviceId) -> BluezError {
    BluezError::DoesNotExist(format!("device {id} is no longer in the simulated home"))
}
