//! Pairing: the setup code printed on a device, and the challenge-response in which the app and
//! the device prove to each other that they know it (docs/protocol/gatt.md, "Pairing").
//!
//! Pure: nonces come from the caller (who draws them from the OS), and proofs are compared in
//! constant time.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::wire::{at_least, exact, version, Reader};
use crate::{DecodeError, DeviceId, DeviceKind, PROFILE_VERSION};

type HmacSha256 = Hmac<Sha256>;

/// The length of a nonce, in bytes.
pub const NONCE_LEN: usize = 16;
/// The length of a proof (an HMAC-SHA256), in bytes.
pub const PROOF_LEN: usize = 32;

/// A fresh random value, one per pairing attempt and side.
pub type Nonce = [u8; NONCE_LEN];
/// An HMAC-SHA256 proof of knowing the setup code.
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

/// The key both sides derive from the setup code and the device id. The app keeps it (not the
/// code) to authenticate again on every later connection.
#[derive(Clone, PartialEq, Eq)]
pub struct PairingKey([u8; 32]);

impl std::fmt::Debug for PairingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PairingKey(********)")
    }
}

impl PairingKey {
    /// A key as stored.
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// The key's bytes, for storage on the phone.
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Names the key to the device on reconnection (which of its phones this is) without
    /// revealing it: the first 8 bytes of HMAC-SHA256(key, "steward key id").
    pub fn id(&self) -> [u8; KEY_ID_LEN] {
        let mut mac = new_mac(&self.0);
        mac.update(b"steward key id");
        let full = mac.finalize().into_bytes();
        let mut id = [0u8; KEY_ID_LEN];
        id.copy_from_slice(&full[..KEY_ID_LEN]);
        id
    }

    /// The device's proof, computed by the device and checked by the app.
    pub fn device_proof(&self, id: &DeviceId, app_nonce: &Nonce, device_nonce: &Nonce) -> Proof {
        self.proof(b"device", id, app_nonce, device_nonce)
    }

    /// The app's proof, computed by the app and checked by the device.
    pub fn app_proof(&self, id: &DeviceId, device_nonce: &Nonce, app_nonce: &Nonce) -> Proof {
        self.proof(b"app", id, device_nonce, app_nonce)
    }

    /// Checks a device's proof in constant time.
    pub fn verify_device_proof(
        &self,
        id: &DeviceId,
        app_nonce: &Nonce,
        device_nonce: &Nonce,
        proof: &Proof,
    ) -> bool {
        self.mac(b"device", id, app_nonce, device_nonce)
            .verify_slice(proof)
            .is_ok()
    }

    /// Checks an app's proof in constant time.
    pub fn verify_app_proof(
        &self,
        id: &DeviceId,
        device_nonce: &Nonce,
        app_nonce: &Nonce,
        proof: &Proof,
    ) -> bool {
        self.mac(b"app", id, device_nonce, app_nonce)
            .verify_slice(proof)
            .is_ok()
    }

    fn mac(&self, role: &[u8], id: &DeviceId, first: &Nonce, second: &Nonce) -> HmacSha256 {
        let mut mac = new_mac(&self.0);
        mac.update(role);
        mac.update(&id.0);
        mac.update(first);
        mac.update(second);
        mac
    }

    fn proof(&self, role: &[u8], id: &DeviceId, first: &Nonce, second: &Nonce) -> Proof {
        self.mac(role, id, first, second)
            .finalize()
            .into_bytes()
            .into()
    }
}

fn new_mac(key: &[u8]) -> HmacSha256 {
    match HmacSha256::new_from_slice(key) {
        Ok(mac) => mac,
        // HMAC takes keys of any length; this arm cannot be reached.
        Err(_) => unreachable!("HMAC-SHA256 accepts keys of every length"),
    }
}

/// How a pairing attempt ended, as the device reports it. A device that refuses because of
/// earlier wrong codes says so with [`PairingMessage::LockedOut`] instead.
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

/// The length of a key id, in bytes.
pub const KEY_ID_LEN: usize = 8;

/// One message on the Pairing characteristic. Pairing (first time, with the setup code) is the
/// SPAKE2 exchange PakeStart, PakeReply, PakeConfirm, Outcome (see [`crate::pake`]);
/// reconnecting with the key it gave is Hello, Challenge, Answer, Outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PairingMessage {
    /// App → device: authenticate with the key from an earlier pairing, named by its id.
    Hello {
        app_nonce: Nonce,
        key_id: [u8; KEY_ID_LEN],
    },
    /// Device → app: the device's nonce and proof.
    Challenge {
        device_nonce: Nonce,
        device_proof: Proof,
    },
    /// App → device: the app's proof.
    Answer { app_proof: Proof },
    /// Device → app: the result.
    Outcome(PairingOutcome),
    /// Device → app: pairing is refused after too many wrong codes, for this many more seconds.
    LockedOut { retry_after_secs: u16 },
    /// App → device: pairing with the setup code; the app's SPAKE2 message.
    PakeStart { start: crate::pake::PakeMessage },
    /// Device → app: the device's SPAKE2 message and its key confirmation.
    PakeReply {
        reply: crate::pake::PakeMessage,
        confirm: Proof,
    },
    /// App → device: the app's key confirmation.
    PakeConfirm { confirm: Proof },
    /// App → device, on an authenticated connection: forget this phone (its key). Answered
    /// with outcome `0` when done.
    Forget,
}

impl PairingMessage {
    const WHAT: &'static str = "pairing message";

    pub fn encode(&self) -> Vec<u8> {
        let mut out = vec![PROFILE_VERSION];
        match self {
            PairingMessage::Hello { app_nonce, key_id } => {
                out.push(1);
                out.extend_from_slice(app_nonce);
                out.extend_from_slice(key_id);
            }
            PairingMessage::Challenge {
                device_nonce,
                device_proof,
            } => {
                out.push(2);
                out.extend_from_slice(device_nonce);
                out.extend_from_slice(device_proof);
            }
            PairingMessage::Answer { app_proof } => {
                out.push(3);
                out.extend_from_slice(app_proof);
            }
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
            PairingMessage::PakeConfirm { confirm } => {
                out.push(7);
                out.extend_from_slice(confirm);
            }
            PairingMessage::Forget => out.push(8),
        }
        out
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        at_least(Self::WHAT, bytes, 2)?;
        version(Self::WHAT, bytes)?;
        let body = &bytes[2..];
        Ok(match bytes[1] {
            1 => {
                exact(Self::WHAT, bytes, 2 + NONCE_LEN + KEY_ID_LEN)?;
                let mut r = Reader::new(body);
                PairingMessage::Hello {
                    app_nonce: r.array(),
                    key_id: r.array(),
                }
            }
            2 => {
                exact(Self::WHAT, bytes, 2 + NONCE_LEN + PROOF_LEN)?;
                let mut r = Reader::new(body);
                PairingMessage::Challenge {
                    device_nonce: r.array(),
                    device_proof: r.array(),
                }
            }
            3 => {
                exact(Self::WHAT, bytes, 2 + PROOF_LEN)?;
                PairingMessage::Answer {
                    app_proof: Reader::new(body).array(),
                }
            }
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
                    // The first release sent no time: its lock-out was the fixed first one.
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
            8 => {
                exact(Self::WHAT, bytes, 2)?;
                PairingMessage::Forget
            }
            7 => {
                exact(Self::WHAT, bytes, 2 + PROOF_LEN)?;
                PairingMessage::PakeConfirm {
                    confirm: Reader::new(body).array(),
                }
            }
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
    const OTHER: DeviceId = DeviceId([8; 16]);
    const APP_NONCE: Nonce = [1; 16];
    const DEVICE_NONCE: Nonce = [2; 16];

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
    fn a_device_that_holds_the_key_is_verified_and_one_that_does_not_is_refused() {
        let app_key = PairingKey::from_bytes([5; 32]);
        let honest = PairingKey::from_bytes([5; 32]).device_proof(&ID, &APP_NONCE, &DEVICE_NONCE);
        assert!(app_key.verify_device_proof(&ID, &APP_NONCE, &DEVICE_NONCE, &honest));

        let liar = PairingKey::from_bytes([6; 32]).device_proof(&ID, &APP_NONCE, &DEVICE_NONCE);
        assert!(
            !app_key.verify_device_proof(&ID, &APP_NONCE, &DEVICE_NONCE, &liar),
            "another key"
        );

        let look_alike = app_key.device_proof(&OTHER, &APP_NONCE, &DEVICE_NONCE);
        assert!(
            !app_key.verify_device_proof(&ID, &APP_NONCE, &DEVICE_NONCE, &look_alike),
            "same key, other identity"
        );

        assert!(
            !app_key.verify_device_proof(&ID, &[9; 16], &DEVICE_NONCE, &honest),
            "a proof recorded for another app nonce cannot be replayed"
        );
    }

    #[test]
    fn app_and_device_proofs_are_not_interchangeable() {
        let key = PairingKey::from_bytes([5; 32]);
        let device = key.device_proof(&ID, &APP_NONCE, &DEVICE_NONCE);
        assert!(
            !key.verify_app_proof(&ID, &DEVICE_NONCE, &APP_NONCE, &device),
            "a reflected device proof is no app proof"
        );
        let app = key.app_proof(&ID, &DEVICE_NONCE, &APP_NONCE);
        assert!(key.verify_app_proof(&ID, &DEVICE_NONCE, &APP_NONCE, &app));
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
            PairingMessage::Hello {
                app_nonce: APP_NONCE,
                key_id: [9; 8],
            },
            PairingMessage::PakeStart { start: [5; 33] },
            PairingMessage::PakeReply {
                reply: [6; 33],
                confirm: [7; 32],
            },
            PairingMessage::PakeConfirm { confirm: [8; 32] },
            PairingMessage::Outcome(PairingOutcome::NoRoom),
            PairingMessage::Outcome(PairingOutcome::Closed),
            PairingMessage::Forget,
            PairingMessage::Challenge {
                device_nonce: DEVICE_NONCE,
                device_proof: [3; 32],
            },
            PairingMessage::Answer { app_proof: [4; 32] },
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
