//! The profile's UUIDs: Steward's own on one 128-bit base, and the standard SIG services.

pub use uuid::Uuid;

/// `5354xxxx-7374-6577-6172-64686f6d6501`: "steward home", profile version 1.
const BASE: u128 = 0x5354_0000_7374_6577_6172_6468_6f6d_6501;

/// The Steward UUID with the 16-bit short id `short`.
pub const fn steward(short: u16) -> Uuid {
    Uuid::from_u128(BASE | ((short as u128) << 96))
}

/// A Bluetooth SIG 16-bit UUID on the standard base.
pub const fn sig(short: u16) -> Uuid {
    Uuid::from_u128(0x0000_0000_0000_1000_8000_0080_5f9b_34fb | ((short as u128) << 96))
}

pub const DEVICE_SERVICE: Uuid = steward(0x1000);
pub const IDENTITY: Uuid = steward(0x1001);
pub const PAIRING: Uuid = steward(0x1002);
/// Session frames (channel.rs) both ways: written by the phone, notified by the device. The
/// first release's Command (0x1003), Command Result (0x1004) and Events (0x1005) characteristics
/// carried the same messages in the clear; they are gone.
pub const SESSION: Uuid = steward(0x1006);

pub const DEVICE_INFORMATION_SERVICE: Uuid = sig(0x180A);
pub const MANUFACTURER_NAME: Uuid = sig(0x2A29);
pub const MODEL_NUMBER: Uuid = sig(0x2A24);
pub const FIRMWARE_REVISION: Uuid = sig(0x2A26);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_render_as_the_spec_writes_them() {
        assert_eq!(
            DEVICE_SERVICE.to_string(),
            "53541000-7374-6577-6172-64686f6d6501"
        );
        assert_eq!(SESSION.to_string(), "53541006-7374-6577-6172-64686f6d6501");
        assert_eq!(
            MANUFACTURER_NAME.to_string(),
            "00002a29-0000-1000-8000-00805f9b34fb"
        );
    }
}
