//! Pairing with a PAKE: SPAKE2 over the Ed25519 group (RFC 9382's construction, as Matter's PASE
//! uses SPAKE2+), with explicit key confirmation in both directions. The phone and the device
//! each prove they know the setup code without revealing anything an eavesdropper, or a stranger
//! posing as either side, could test code guesses against offline: each attempt tests one guess,
//! online, within the device's lock-out. The outcome is a fresh random 32-byte key per pairing,
//! so two phones pairing with the same code get different keys, and a recorded later
//! reconnection says nothing about the code either (docs/protocol/gatt.md, "Pairing").
//!
//! Pure: randomness comes from the caller's RNG ([`OsRng`] in the app and the simulated devices,
//! a fixed one for the test vectors); confirmations are compared in constant time.

use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use spake2::{Ed25519Group, Identity, Password, Spake2};

pub use rand_core::{CryptoRng, OsRng, RngCore};

use crate::pairing::{PairingKey, Proof, SetupCode, PROOF_LEN};
use crate::DeviceId;

/// The length of each side's SPAKE2 message: a side byte and a compressed Edwards point.
pub const PAKE_MESSAGE_LEN: usize = 33;

/// A SPAKE2 message.
pub type PakeMessage = [u8; PAKE_MESSAGE_LEN];

/// The phone's identity in the exchange (SPAKE2's idA).
const PHONE_IDENTITY: &[u8] = b"steward phone";
/// Binds every derived value to this profile and purpose.
const INFO: &[u8] = b"steward pairing v2";

type HmacSha256 = Hmac<Sha256>;

/// Why a PAKE step failed. Every failure means "no pairing"; none says which part was wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PakeError {
    /// The other side's message is not a valid SPAKE2 message (wrong side, length or point).
    #[error("the other side's pairing message is not valid")]
    BadMessage,
    /// The other side's confirmation does not verify: it used another code, or is not genuine.
    #[error("the other side does not know this setup code")]
    WrongCode,
}

/// The phone's half, between its first message and the device's reply.
pub struct PhonePake {
    spake: Spake2<Ed25519Group>,
    id: DeviceId,
    sent: PakeMessage,
}

impl PhonePake {
    /// Starts pairing with the device `id` whose printed code is `code`; returns the message to
    /// write (PakeStart).
    pub fn start(
        code: &SetupCode,
        id: &DeviceId,
        rng: impl CryptoRng + RngCore,
    ) -> (Self, PakeMessage) {
        let (spake, message) = Spake2::<Ed25519Group>::start_a_with_rng(
            &Password::new(code.digits()),
            &Identity::new(PHONE_IDENTITY),
            &Identity::new(&id.0),
            rng,
        );
        let sent = to_message(&message);
        (
            Self {
                spake,
                id: *id,
                sent,
            },
            sent,
        )
    }

    /// Takes the device's reply (its message and confirmation). When the device proved it knows
    /// the code, returns the phone's confirmation to write (PakeConfirm) and the new key; when it
    /// did not, nothing is to be sent: a device that does not know the code learns nothing more.
    pub fn finish(
        self,
        reply: &PakeMessage,
        device_confirm: &Proof,
    ) -> Result<(Proof, PairingKey), PakeError> {
        let shared = self
            .spake
            .finish(reply)
            .map_err(|_| PakeError::BadMessage)?;
        let keys = Keys::derive(&shared, &self.id, &self.sent, reply);
        if !keys.verify(Role::Device, device_confirm) {
            return Err(PakeError::WrongCode);
        }
        Ok((keys.confirm(Role::Phone), keys.pairing))
    }
}

/// The device's half, between its reply and the phone's confirmation.
#[derive(Clone)]
pub struct DevicePake {
    keys: Keys,
}

impl std::fmt::Debug for DevicePake {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Secrets: that an exchange is pending is all a log may say.
        f.write_str("DevicePake(********)")
    }
}

impl DevicePake {
    /// Answers a phone's PakeStart for the device `id` with printed code `code`: the device's
    /// message and its confirmation (PakeReply).
    pub fn respond(
        code: &SetupCode,
        id: &DeviceId,
        start: &PakeMessage,
        rng: impl CryptoRng + RngCore,
    ) -> Result<(Self, PakeMessage, Proof), PakeError> {
        let (spake, message) = Spake2::<Ed25519Group>::start_b_with_rng(
            &Password::new(code.digits()),
            &Identity::new(PHONE_IDENTITY),
            &Identity::new(&id.0),
            rng,
        );
        let reply = to_message(&message);
        let shared = spake.finish(start).map_err(|_| PakeError::BadMessage)?;
        let keys = Keys::derive(&shared, id, start, &reply);
        let confirm = keys.confirm(Role::Device);
        Ok((Self { keys }, reply, confirm))
    }

    /// Checks the phone's confirmation (PakeConfirm); on success, the key to keep for this phone.
    pub fn verify(self, phone_confirm: &Proof) -> Result<PairingKey, PakeError> {
        if self.keys.verify(Role::Phone, phone_confirm) {
            Ok(self.keys.pairing)
        } else {
            Err(PakeError::WrongCode)
        }
    }
}

#[derive(Clone, Copy)]
enum Role {
    Phone,
    Device,
}

/// What both sides derive from SPAKE2's shared secret, bound to the device and the transcript.
#[derive(Clone)]
struct Keys {
    phone_confirm: [u8; 32],
    device_confirm: [u8; 32],
    transcript: Vec<u8>,
    pairing: PairingKey,
}

impl Keys {
    fn derive(shared: &[u8], id: &DeviceId, start: &PakeMessage, reply: &PakeMessage) -> Self {
        let mut transcript = Vec::with_capacity(16 + 2 * PAKE_MESSAGE_LEN);
        transcript.extend_from_slice(&id.0);
        transcript.extend_from_slice(start);
        transcript.extend_from_slice(reply);
        let hkdf = Hkdf::<Sha256>::new(Some(&transcript), shared);
        let expand = |label: &[u8]| {
            let mut out = [0u8; 32];
            let info = [INFO, b" ", label].concat();
            // 32 bytes is far below HKDF-SHA256's limit of 255 blocks.
            if hkdf.expand(&info, &mut out).is_err() {
                unreachable!("HKDF-SHA256 expands to 32 bytes");
            }
            out
        };
        Self {
            phone_confirm: expand(b"phone confirmation"),
            device_confirm: expand(b"device confirmation"),
            pairing: PairingKey::from_bytes(expand(b"pairing key")),
            transcript,
        }
    }

    fn mac(&self, role: Role) -> HmacSha256 {
        let key = match role {
            Role::Phone => &self.phone_confirm,
            Role::Device => &self.device_confirm,
        };
        let mut mac = match HmacSha256::new_from_slice(key) {
            Ok(mac) => mac,
            Err(_) => unreachable!("HMAC-SHA256 accepts keys of every length"),
        };
        mac.update(&self.transcript);
        mac
    }

    fn confirm(&self, role: Role) -> Proof {
        let mut out = [0u8; PROOF_LEN];
        out.copy_from_slice(&self.mac(role).finalize().into_bytes());
        out
    }

    fn verify(&self, role: Role, proof: &Proof) -> bool {
        self.mac(role).verify_slice(proof).is_ok()
    }
}

fn to_message(bytes: &[u8]) -> PakeMessage {
    let mut out = [0u8; PAKE_MESSAGE_LEN];
    if bytes.len() != PAKE_MESSAGE_LEN {
        unreachable!("SPAKE2 over Ed25519 sends 33-byte messages");
    }
    out.copy_from_slice(bytes);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: DeviceId = DeviceId([7; 16]);

    fn code(text: &str) -> SetupCode {
        SetupCode::parse(text).expect("valid code")
    }

    /// Runs a whole pairing; returns both keys, or where it stopped.
    fn pair(phone_code: &str, device_code: &str) -> Result<(PairingKey, PairingKey), PakeError> {
        let (phone, start) = PhonePake::start(&code(phone_code), &ID, OsRng);
        let (device, reply, device_confirm) =
            DevicePake::respond(&code(device_code), &ID, &start, OsRng)?;
        let (phone_confirm, phone_key) = phone.finish(&reply, &device_confirm)?;
        let device_key = device.verify(&phone_confirm)?;
        Ok((phone_key, device_key))
    }

    #[test]
    fn the_same_code_agrees_on_a_fresh_key_each_time() {
        let (phone, device) = pair("1234-5678", "1234-5678").expect("pairs");
        assert_eq!(phone, device);
        let (again, _) = pair("1234-5678", "1234-5678").expect("pairs again");
        assert_ne!(
            phone, again,
            "two pairings (two phones) with one code get different keys"
        );
    }

    #[test]
    fn a_wrong_code_is_caught_by_the_phone_before_it_sends_anything_more() {
        assert_eq!(pair("1234-5679", "1234-5678"), Err(PakeError::WrongCode));
    }

    #[test]
    fn a_device_refuses_a_phone_that_does_not_know_the_code() {
        let (_, start) = PhonePake::start(&code("0000-0000"), &ID, OsRng);
        let (device, _, _) =
            DevicePake::respond(&code("1234-5678"), &ID, &start, OsRng).expect("responds");
        assert_eq!(device.verify(&[0; 32]), Err(PakeError::WrongCode));
    }

    #[test]
    fn reflected_or_garbled_messages_are_refused() {
        let (phone, start) = PhonePake::start(&code("1234-5678"), &ID, OsRng);
        assert_eq!(
            phone.finish(&start, &[0; 32]).err(),
            Some(PakeError::BadMessage),
            "the phone's own message sent back is not a device's"
        );
        let mut garbled = [0xff; PAKE_MESSAGE_LEN];
        garbled[0] = b'B';
        let refused = DevicePake::respond(&code("1234-5678"), &ID, &garbled, OsRng);
        assert!(refused.is_err(), "not a point on the curve");
    }

    /// Today's attack on the first release, rerun: record a whole exchange, then test codes
    /// against it. With SPAKE2 the transcript holds nothing to test a guess against: for every
    /// candidate, the right one included, no key an eavesdropper can compute verifies the
    /// recorded confirmations.
    #[test]
    fn a_recorded_exchange_lets_nobody_test_codes_offline() {
        let right = code("2468-1357");
        let (phone, start) = PhonePake::start(&right, &ID, OsRng);
        let (device, reply, device_confirm) =
            DevicePake::respond(&right, &ID, &start, OsRng).expect("responds");
        let (phone_confirm, _) = phone.finish(&reply, &device_confirm).expect("confirms");
        device.verify(&phone_confirm).expect("paired");

        let mut candidates: Vec<String> = (0..2_000).map(|n| format!("2468{n:04}")).collect();
        candidates.push("24681357".into());
        for guess in candidates {
            // What an eavesdropper can do: run either side afresh with the guess against the
            // recorded messages; its own random scalar never matches the recorded one.
            let (attacker, _) = PhonePake::start(&code(&guess), &ID, OsRng);
            assert!(
                attacker.finish(&reply, &device_confirm).is_err(),
                "{guess}: the recorded device confirmation cannot be checked offline"
            );
            let (as_device, _, _) =
                DevicePake::respond(&code(&guess), &ID, &start, OsRng).expect("responds");
            assert!(
                as_device.verify(&phone_confirm).is_err(),
                "{guess}: nor the recorded phone confirmation"
            );
        }
    }

    /// A generator that gives the same bytes every run, for the spec's test vectors: byte i of
    /// the stream is `seed + i` (wrapping).
    struct Counting(u8);

    impl RngCore for Counting {
        fn next_u32(&mut self) -> u32 {
            let mut bytes = [0; 4];
            self.fill_bytes(&mut bytes);
            u32::from_le_bytes(bytes)
        }
        fn next_u64(&mut self) -> u64 {
            let mut bytes = [0; 8];
            self.fill_bytes(&mut bytes);
            u64::from_le_bytes(bytes)
        }
        fn fill_bytes(&mut self, dest: &mut [u8]) {
            for byte in dest {
                *byte = self.0;
                self.0 = self.0.wrapping_add(1);
            }
        }
        fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
            self.fill_bytes(dest);
            Ok(())
        }
    }

    impl CryptoRng for Counting {}

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The test vectors in docs/protocol/gatt.md, "Test vectors": code 1234-5678, device id
    /// 00 01 .. 0f, the phone's RNG bytes counting from 0x10, the device's from 0x80.
    #[test]
    fn the_spec_test_vectors_hold() {
        let id = DeviceId(core::array::from_fn(|i| i as u8));
        let code = code("1234-5678");
        let (phone, start) = PhonePake::start(&code, &id, Counting(0x10));
        let (device, reply, device_confirm) =
            DevicePake::respond(&code, &id, &start, Counting(0x80)).expect("responds");
        let (phone_confirm, key) = phone.finish(&reply, &device_confirm).expect("confirms");
        assert_eq!(device.verify(&phone_confirm), Ok(key.clone()));
        let vectors = [
            ("start", hex(&start)),
            ("reply", hex(&reply)),
            ("device confirm", hex(&device_confirm)),
            ("phone confirm", hex(&phone_confirm)),
            ("pairing key", hex(key.as_bytes())),
        ];
        let spec = include_str!("../../../docs/protocol/gatt.md");
        let lines: Vec<String> = vectors
            .iter()
            .map(|(name, value)| format!("{name}: `{value}`"))
            .collect();
        let missing: Vec<&String> = lines.iter().filter(|l| !spec.contains(*l)).collect();
        assert!(
            missing.is_empty(),
            "docs/protocol/gatt.md must list the vectors as computed:\n{}",
            lines.join("\n")
        );
    }
}
