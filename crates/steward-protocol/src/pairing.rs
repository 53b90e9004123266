//! Pairing: the setup code printed on a device, the QR code that carries it, and the messages of
//! the Pairing characteristic: the SPAKE2 exchange (pake.rs) that ends with the long-term keys
//! swapped (keys.rs), pair-verify (handshake.rs), and the device's refusals (docs/protocol/gatt.md,
//! "Pairing").
//!
//! Pure codecs: no randomness, no clock.

use crate::handshake::{VERIFY_REPLY_LEN, VERIFY_START_LEN};
use crate::keys::SEALED_KEY_LEN;
use crate::wire::{at_least, exact, version, Reader};
use crate::{DecodeError, DeviceId, DeviceKind, PROFILE_VERSION};

/// The length of a key confirmation (an HMAC-SHA256), in bytes.
pub const PROOF_LEN: usize = 32;

/// An HMAC-SHA256 key confirmation.
pub type Proof = [u8; PROOF_LEN];

/// The 8-digit code printed on a device.
#[derive(Clone, PartialEq, Eq)]
pub struct SetupCode([u8; 8]);

impl std::fmt::Debug for SetupCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A setup code is a secret: logs show that one was there, never what it was.
        f.write_str("SetupCode(********)")
    }
}

impl SetupCode {
    /// Parses a code as the owner types it: 8 digits, optionally with spaces or one dash.
    pub fn parse(typed: &str) -> Result<Self, DecodeError> {
        let invalid = || DecodeError::InvalidValue {
            what: "setup code",
            reason: "a setup code is 8 digits, like 1234-5678".into(),
        };
        let mut digits = [0u8; 8];
        let mut count = 0;
        for c in typed.trim().chars() {
            match c {
                '0'..='9' if count < 8 => {
                    digits[count] = c as u8;
                    count += 1;
                }
                ' ' | '-' => {}
                _ => return Err(invalid()),
            }
        }
        if count == 8 {
            Ok(Self(digits))
        } else {
            Err(invalid())
        }
    }

    /// The 8 ASCII digits, as the PAKE's password.
    pub(crate) fn digits(&self) -> &[u8] {
        &self.0
    }

    /// The code as printed: `1234-5678`.
    pub fn display(&self) -> String {
        let text = String::from_utf8_lossy(&self.0);
        format!("{}-{}", &text[..4], &text[4..])
    }
}

/// What a device's QR code says: `STEWARD:1:<kind>:<device id hex>:<8 digits>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrPayload {
    pub kind: DeviceKind,
    pub id: DeviceId,
    pub code: SetupCode,
}

impl QrPayload {
    pub fn parse(text: &str) -> Result<Self, DecodeError> {
        let invalid = |reason: &str| DecodeError::InvalidValue {
            what: "QR code",
            reason: reason.into(),
        };
        let mut parts = text.trim().split(':');
        if parts.next() != Some("STEWARD") {
            return Err(invalid("this is not a Steward device code"));
        }
        if parts.next() != Some("1") {
            return Err(invalid("this device code is from a newer Steward profile"));
        }
        let kind = parts
            .next()
            .and_then(|k| k.parse::<u8>().ok())
            .ok_or_else(|| invalid("the device kind is missing"))?;
        let kind = DeviceKind::try_from(kind)?;
        let id = DeviceId::from_hex(
            parts
                .next()
                .ok_or_else(|| invalid("the device id is missing"))?,
        )?;
        let code = SetupCode::parse(
            parts
                .next()
                .ok_or_else(|| invalid("the setup code is missing"))?,
        )?;
        if parts.next().is_some() {
            return Err(invalid("unexpected text after the setup code"));
        }
        Ok(Self { kind, id, code })
    }

    pub fn encode(&self) -> String {
        let digits = String::from_utf8_lossy(&self.code.0).into_owned();
        format!(
            "STEWARD:1:{}:{}:{digits}",
            self.kind.byte(),
            self.id.to_hex()
        )
    }
}

/// The key a SPAKE2 pairing agrees on. It lives only for the pairing: it seals the long-term
/// public keys the two sides swap (keys.rs), and is then dropped by both.
#[derive(Clone, PartialEq, Eq)]
pub struct PairingKey([u8; 32]);

impl std::fmt::Debug for PairingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PairingKey(********)")
    }
}

impl PairingKey {
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PairingOutcome {
    Paired = 0,
    WrongProof = 1,
    /// The device keeps as many phones as it can; one must be removed first.
    NoRoom = 3,
    /// The device is not accepting pairing: its commissioning window is closed (press its
    /// pairing button, or power it up, to open it).
    Closed = 4,
}

/// How long a device that sends the short (3-byte) locked-out outcome of the first profile
/// release refuses pairing: the first lock-out of the backoff.
pub const FIRST_LOCKOUT_SECS: u16 = 30;

/// One message on the Pairing characteristic. Pairing (first time, with the setup code) is
/// PakeStart, PakeReply, PakeConfirm, then PairedWith or an Outcome; starting a session with a
/// paired device is VerifyStart, then VerifyReply or an Outcome (docs/protocol/gatt.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PairingMessage {
    /// Device → phone: how a step ended, when it did not go on.
    Outcome(PairingOutcome),
    /// Device → phone: too many wrong codes; pairing is refused for this long.
    LockedOut { retry_after_secs: u16 },
    /// Phone → device: the phone's SPAKE2 message.
    PakeStart { start: crate::pake::PakeMessage },
    /// Device → phone: the device's SPAKE2 message and its key confirmation.
    PakeReply {
        reply: crate::pake::PakeMessage,
        confirm: Proof,
    },
    /// Phone → device: the phone's key confirmation and its long-term public key, sealed.
    PakeConfirm {
        confirm: Proof,
        phone_key: [u8; SEALED_KEY_LEN],
    },
    /// Device → phone: paired; the device's long-term public key, sealed.
    PairedWith { device_key: [u8; SEALED_KEY_LEN] },
    /// Phone → device: the first Noise IK message of pair-verify.
    VerifyStart { start: [u8; VERIFY_START_LEN] },
    /// Device → phone: the second Noise IK message; the session is open.
    VerifyReply { reply: [u8; VERIFY_REPLY_LEN] },
}

impl PairingMessage {
    const WHAT: &'static str = "pairing message";

    pub fn encode(&self) -> Vec<u8> {
        let mut out = vec![PROFILE_VERSION];
        match self {
            PairingMessage::Outcome(outcome) => out.extend_from_slice(&[4, *outcome as u8]),
            PairingMessage::LockedOut { retry_after_secs } => {
                out.extend_from_slice(&[4, 2]);
                out.extend_from_slice(&retry_after_secs.to_le_bytes());
            }
            PairingMessage::PakeStart { start } => {
                out.push(5);
                out.extend_from_slice(start);
            }
            PairingMessage::PakeReply { reply, confirm } => {
                out.push(6);
                out.extend_from_slice(reply);
                out.extend_from_slice(confirm);
            }
            PairingMessage::PakeConfirm { confirm, phone_key } => {
                out.push(7);
                out.extend_from_slice(confirm);
                out.extend_from_slice(phone_key);
            }
            PairingMessage::PairedWith { device_key } => {
                out.push(11);
                out.extend_from_slice(device_key);
            }
            PairingMessage::VerifyStart { start } => {
                out.push(9);
                out.extend_from_slice(start);
            }
            PairingMessage::VerifyReply { reply } => {
                out.push(10);
                out.extend_from_slice(reply);
            }
        }
        out
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        at_least(Self::WHAT, bytes, 2)?;
        version(Self::WHAT, bytes)?;
        let body = &bytes[2..];
        Ok(match bytes[1] {
            4 => {
                at_least(Self::WHAT, bytes, 3)?;
                match body[0] {
                    0 | 1 | 3 | 4 => {
                        exact(Self::WHAT, bytes, 3)?;
                        PairingMessage::Outcome(match body[0] {
                            0 => PairingOutcome::Paired,
                            1 => PairingOutcome::WrongProof,
                            3 => PairingOutcome::NoRoom,
                            _ => PairingOutcome::Closed,
                        })
                    }
                    2 if bytes.len() == 3 => PairingMessage::LockedOut {
                        retry_after_secs: FIRST_LOCKOUT_SECS,
                    },
                    2 => {
                        exact(Self::WHAT, bytes, 5)?;
                        PairingMessage::LockedOut {
                            retry_after_secs: u16::from_le_bytes([body[1], body[2]]),
                        }
                    }
                    value => {
                        return Err(DecodeError::UnknownValue {
                            what: "pairing outcome",
                            value,
                        })
                    }
                }
            }
            5 => {
                exact(Self::WHAT, bytes, 2 + crate::pake::PAKE_MESSAGE_LEN)?;
                PairingMessage::PakeStart {
                    start: Reader::new(body).array(),
                }
            }
            6 => {
                exact(
                    Self::WHAT,
                    bytes,
                    2 + crate::pake::PAKE_MESSAGE_LEN + PROOF_LEN,
                )?;
                let mut r = Reader::new(body);
                PairingMessage::PakeReply {
                    reply: r.array(),
                    confirm: r.array(),
                }
            }
            7 => {
                exact(Self::WHAT, bytes, 2 + PROOF_LEN + SEALED_KEY_LEN)?;
                let mut r = Reader::new(body);
                PairingMessage::PakeConfirm {
                    confirm: r.array(),
                    phone_key: r.array(),
                }
            }
            9 => {
                exact(Self::WHAT, bytes, 2 + VERIFY_START_LEN)?;
                PairingMessage::VerifyStart {
                    start: Reader::new(body).array(),
                }
            }
            10 => {
                exact(Self::WHAT, bytes, 2 + VERIFY_REPLY_LEN)?;
                PairingMessage::VerifyReply {
                    reply: Reader::new(body).array(),
                }
            }
            11 => {
                exact(Self::WHAT, bytes, 2 + SEALED_KEY_LEN)?;
                PairingMessage::PairedWith {
                    device_key: Reader::new(body).array(),
                }
            }
            // 1, 2, 3 and 8 were the first release's key-proof reconnection and Forget; they are
            // refused, not reinterpreted.
            value => {
                return Err(DecodeError::UnknownValue {
                    what: "pairing message type",
                    value,
                })
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: DeviceId = DeviceId([7; 16]);

    fn code(text: &str) -> SetupCode {
        SetupCode::parse(text).expect("valid code")
    }

    #[test]
    fn setup_codes_accept_the_ways_people_type_them() {
        assert_eq!(code("1234-5678"), code("12345678"));
        assert_eq!(code(" 1234 5678 "), code("1234-5678"));
        assert_eq!(code("12345678").display(), "1234-5678");
        for bad in ["", "1234-567", "1234-56789", "1234-567a", "١٢٣٤٥٦٧٨"] {
            assert!(
                SetupCode::parse(bad).is_err(),
                "{bad:?} is not a setup code"
            );
        }
        assert_eq!(
            format!("{:?}", code("12345678")),
            "SetupCode(********)",
            "codes never reach logs"
        );
    }

    #[test]
    fn qr_payloads_round_trip_and_refuse_foreign_codes() {
        let qr = QrPayload {
            kind: DeviceKind::Toaster,
            id: ID,
            code: code("1234-5678"),
        };
        let text = qr.encode();
        assert_eq!(
            text,
            "STEWARD:1:2:07070707070707070707070707070707:12345678"
        );
        assert_eq!(QrPayload::parse(&text), Ok(qr));
        for bad in [
            "WIFI:S:home;;",
            "STEWARD:2:2:07070707070707070707070707070707:12345678",
            "STEWARD:1:2:0707:12345678",
            "STEWARD:1:2:07070707070707070707070707070707:12345678:x",
        ] {
            assert!(QrPayload::parse(bad).is_err(), "{bad:?} must be refused");
        }
    }

    #[test]
    fn pairing_messages_round_trip_and_refuse_truncation() {
        for message in [
            PairingMessage::PakeStart { start: [5; 33] },
            PairingMessage::PakeReply {
                reply: [6; 33],
                confirm: [7; 32],
            },
            PairingMessage::PakeConfirm {
                confirm: [8; 32],
                phone_key: [9; 48],
            },
            PairingMessage::PairedWith {
                device_key: [10; 48],
            },
            PairingMessage::VerifyStart { start: [11; 96] },
            PairingMessage::VerifyReply { reply: [12; 61] },
            PairingMessage::Outcome(PairingOutcome::NoRoom),
            PairingMessage::Outcome(PairingOutcome::Closed),
            PairingMessage::LockedOut {
                retry_after_secs: 480,
            },
        ] {
            let bytes = message.encode();
            assert_eq!(PairingMessage::decode(&bytes), Ok(message));
            assert!(
                PairingMessage::decode(&bytes[..bytes.len() - 1]).is_err(),
                "{message:?} truncated"
            );
        }
    }

    #[test]
    fn a_first_release_lock_out_reads_as_the_first_backoff_step() {
        assert_eq!(
            PairingMessage::decode(&[PROFILE_VERSION, 4, 2]),
            Ok(PairingMessage::LockedOut {
                retry_after_secs: FIRST_LOCKOUT_SECS
            })
        );
        assert_eq!(
            PairingMessage::decode(&[PROFILE_VERSION, 4, 1]),
            Ok(PairingMessage::Outcome(PairingOutcome::WrongProof))
        );
        for old in [1u8, 2, 3, 8] {
            assert!(
                PairingMessage::decode(&[PROFILE_VERSION, old, 0]).is_err(),
                "the first release's message type {old} is refused"
            );
        }
        for bad in [
            &[PROFILE_VERSION, 4, 0, 0][..],
            &[PROFILE_VERSION, 4, 2, 30],
            &[PROFILE_VERSION, 4, 2, 30, 0, 0],
            &[PROFILE_VERSION, 4, 9],
        ] {
            assert!(
                PairingMessage::decode(bad).is_err(),
                "{bad:?} has the wrong length or status"
            );
        }
    }
}
