//! The Identity characteristic: what a device is and who it is, independent of its (possibly
//! random) Bluetooth address.

use std::fmt;

use crate::wire::{exact, version, Reader};
use crate::{DecodeError, DeviceKind, PROFILE_VERSION};

/// A device's identity: 16 random bytes fixed at manufacture, printed in its QR code.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DeviceId(pub [u8; 16]);

impl DeviceId {
    /// The id as 32 lowercase hex digits, as stored and as printed in the QR code.
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Parses 32 hex digits (either case).
    pub fn from_hex(hex: &str) -> Result<Self, DecodeError> {
        let invalid = |reason: &str| DecodeError::InvalidValue {
            what: "device id",
            reason: reason.into(),
        };
        if hex.len() != 32 || !hex.is_ascii() {
            return Err(invalid("a device id is 32 hex digits"));
        }
        let mut id = [0u8; 16];
        for (byte, pair) in id.iter_mut().zip(hex.as_bytes().chunks_exact(2)) {
            let pair = std::str::from_utf8(pair).map_err(|_| invalid("not hex"))?;
            *byte = u8::from_str_radix(pair, 16)
                .map_err(|_| invalid("a device id is 32 hex digits"))?;
        }
        Ok(Self(id))
    }
}

impl fmt::Debug for DeviceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DeviceId({})", self.to_hex())
    }
}

impl fmt::Display for DeviceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// The Identity characteristic's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Identity {
    pub kind: DeviceKind,
    pub id: DeviceId,
    /// Whether the device is paired with some phone (not necessarily this one).
    pub paired: bool,
    /// Whether the device accepts a new pairing now (its commissioning window is open).
    pub pairing_open: bool,
}

impl Identity {
    pub const LEN: usize = 20;
    const WHAT: &'static str = "identity";

    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        exact(Self::WHAT, bytes, Self::LEN)?;
        version(Self::WHAT, bytes)?;
        let mut r = Reader::new(&bytes[1..]);
        let kind = DeviceKind::try_from(r.u8())?;
        let id = DeviceId(r.array());
        let flags = r.u8();
        Ok(Self {
            kind,
            id,
            paired: flags & 1 == 1,
            pairing_open: flags & 2 == 2,
        })
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(Self::LEN);
        out.push(PROFILE_VERSION);
        out.push(self.kind.byte());
        out.extend_from_slice(&self.id.0);
        out.push(u8::from(self.paired) | (u8::from(self.pairing_open) << 1));
        out.push(0);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: [u8; 16] = [
        0xA1, 0xB2, 0xC3, 0xD4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
    ];

    #[test]
    fn decodes_the_spec_layout() {
        let mut bytes = vec![2, 4];
        bytes.extend_from_slice(&ID);
        bytes.extend_from_slice(&[1, 0]);
        let identity = Identity::decode(&bytes).expect("a valid light identity");
        assert_eq!(
            identity,
            Identity {
                kind: DeviceKind::Light,
                id: DeviceId(ID),
                paired: true,
                pairing_open: false,
            }
        );
        assert_eq!(
            identity.encode(),
            bytes,
            "encoding gives back the same bytes"
        );
    }

    #[test]
    fn refuses_wrong_version_length_and_kind() {
        let good = Identity {
            kind: DeviceKind::Toaster,
            id: DeviceId(ID),
            paired: false,
            pairing_open: true,
        }
        .encode();
        let mut first_release = good.clone();
        first_release[0] = 1;
        assert!(
            matches!(
                Identity::decode(&first_release),
                Err(DecodeError::UnsupportedVersion { found: 1, .. })
            ),
            "a first-release device (plain sessions) is refused, not guessed at"
        );
        assert!(matches!(
            Identity::decode(&good[..19]),
            Err(DecodeError::WrongLength {
                expected: 20,
                found: 19,
                ..
            })
        ));
        let mut bad_kind = good;
        bad_kind[1] = 9;
        assert!(matches!(
            Identity::decode(&bad_kind),
            Err(DecodeError::UnknownValue { value: 9, .. })
        ));
    }

    #[test]
    fn device_ids_round_trip_through_hex() {
        let id = DeviceId(ID);
        assert_eq!(id.to_hex(), "a1b2c3d405060708090a0b0c0d0e0f10");
        assert_eq!(
            DeviceId::from_hex("A1B2C3D405060708090A0B0C0D0E0F10"),
            Ok(id),
            "hex is case-insensitive"
        );
        for bad in [
            "",
            "a1b2",
            "zz b2c3d405060708090a0b0c0d0e0f1",
            "é1b2c3d405060708090a0b0c0d0e0f1",
        ] {
            assert!(
                DeviceId::from_hex(bad).is_err(),
                "{bad:?} is not a device id"
            );
        }
    }
}
