//! The kinds of device the profile defines, with the service each advertises.

use uuid::Uuid;

use crate::{uuids, DecodeError};

/// What a device is. The discriminant is the kind byte on the air.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DeviceKind {
    SoapDispenser = 1,
    Toaster = 2,
    BluRayPlayer = 3,
    Light = 4,
    Thermostat = 5,
}

impl DeviceKind {
    /// Every kind, in kind-byte order.
    pub const ALL: [DeviceKind; 5] = [
        DeviceKind::SoapDispenser,
        DeviceKind::Toaster,
        DeviceKind::BluRayPlayer,
        DeviceKind::Light,
        DeviceKind::Thermostat,
    ];

    /// The kind byte.
    pub const fn byte(self) -> u8 {
        self as u8
    }

    /// The kind's service, advertised so a scan can filter on it.
    pub const fn service(self) -> Uuid {
        uuids::steward(0x2000 + self as u16)
    }

    /// The kind whose service is `uuid`, if any.
    pub fn from_service(uuid: &Uuid) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.service() == *uuid)
    }

    /// A stable lowercase name, used in storage and in the UI's wire types.
    pub const fn as_str(self) -> &'static str {
        match self {
            DeviceKind::SoapDispenser => "soap_dispenser",
            DeviceKind::Toaster => "toaster",
            DeviceKind::BluRayPlayer => "bluray_player",
            DeviceKind::Light => "light",
            DeviceKind::Thermostat => "thermostat",
        }
    }

    /// The kind named `name` by [`DeviceKind::as_str`].
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == name)
    }
}

impl TryFrom<u8> for DeviceKind {
    type Error = DecodeError;

    fn try_from(value: u8) -> Result<Self, DecodeError> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.byte() == value)
            .ok_or(DecodeError::UnknownValue {
                what: "device kind",
                value,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_byte_name_and_service() {
        for kind in DeviceKind::ALL {
            assert_eq!(DeviceKind::try_from(kind.byte()), Ok(kind));
            assert_eq!(DeviceKind::from_name(kind.as_str()), Some(kind));
            assert_eq!(DeviceKind::from_service(&kind.service()), Some(kind));
        }
        assert_eq!(
            DeviceKind::Light.service().to_string(),
            "53542004-7374-6577-6172-64686f6d6501"
        );
        assert!(
            DeviceKind::try_from(0).is_err() && DeviceKind::try_from(6).is_err(),
            "0 and 6 are not kinds"
        );
    }
}
