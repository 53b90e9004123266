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
pub const COMMAND: Uuid = steward(0x1003);
pub const COMMAND_RESULT: Uuid = steward(0x1004);
pub const EVENTS: Uuid = steward(0x1005);

pub const DEVICE_INFORMATION_SERVICE: Uuid = sig(0x180A);
pub const MANUFACTURER_NAME: Uuid = sig(0x2A29);
pub const MODEL_NUMBER: Uuid = sig(0x2A24);
pub const FIRMWARE_REVISION: Uuid = sig(0x2A26);
pub const BATTERY_SERVICE: Uuid = sig(0x180F);
pub const BATTERY_LEVEL: Uuid = sig(0x2A19);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_render_as_the_spec_writes_them() {
        assert_eq!(
            DEVICE_SERVICE.to_string(),
            "53541000-7374-6577-6172-64686f6d6501"
        );
        assert_eq!(EVENTS.to_string(), "53541005-7374-6577-6172-64686f6d6501");
        assert_eq!(
            BATTERY_LEVEL.to_string(),
            "00002a19-0000-1000-8000-00805f9b34fb"
        );
    }
}
