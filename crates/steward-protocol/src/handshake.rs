//! Pair-verify: the mutual authenticated key exchange that starts every session with a paired
//! device, `Noise_IK_25519_ChaChaPoly_SHA256` (the Noise Protocol Framework, rev. 34, through the
//! `snow` crate; WireGuard's pattern). The phone knows the device's long-term key from pairing
//! and sends its own encrypted, so a passive listener cannot tell which phone connects; the
//! device answers only a phone on its list, and its answer carries its boot id and event counter,
//! authenticated, so a reset is known rather than guessed (docs/protocol/gatt.md, "Sessions").
//!
//! Pure apart from the ephemeral keys, which snow draws from the OS (or a fixed one, for the
//! spec's test vectors). Never decides anything from a field it has not authenticated.

use snow::{Builder, HandshakeState};

use crate::channel::SecureChannel;
use crate::keys::{PublicKey, StaticSecret, PUBLIC_KEY_LEN};
use crate::DeviceId;

/// The Noise protocol name; part of the handshake hash, so both sides must use exactly this.
pub const NOISE_PARAMS: &str = "Noise_IK_25519_ChaChaPoly_SHA256";
/// The prologue starts with this, followed by the device id: a handshake made for one device
/// cannot be completed by another.
pub const PROLOGUE_PREFIX: &[u8] = b"steward session v1";
/// The phone's first message: its ephemeral key, its long-term key (sealed), an empty payload's tag.
pub const VERIFY_START_LEN: usize = 32 + (32 + 16) + 16;
/// The device's reply: its ephemeral key and the sealed [`SessionHello`].
pub const VERIFY_REPLY_LEN: usize = 32 + SessionHello::LEN + 16;

/// What the device says about itself in its (authenticated) reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionHello {
    /// Random, drawn again at every power-up and factory reset: a new value means the event
    /// numbering restarted.
    pub boot_id: [u8; 8],
    /// The number of the last event the device raised in this boot (0 before any).
    pub last_seq: u32,
}

impl SessionHello {
    const LEN: usize = 1 + 8 + 4;
    const VERSION: u8 = crate::PROFILE_VERSION;

    fn encode(&self) -> [u8; Self::LEN] {
        let mut out = [0u8; Self::LEN];
        out[0] = Self::VERSION;
        out[1..9].copy_from_slice(&self.boot_id);
        out[9..].copy_from_slice(&self.last_seq.to_le_bytes());
        out
    }

    fn decode(bytes: &[u8]) -> Result<Self, HandshakeError> {
        match bytes {
            [Self::VERSION, rest @ ..] if rest.len() == Self::LEN - 1 => {
                let mut boot_id = [0u8; 8];
                boot_id.copy_from_slice(&rest[..8]);
                let mut seq = [0u8; 4];
                seq.copy_from_slice(&rest[8..]);
                Ok(Self {
                    boot_id,
                    last_seq: u32::from_le_bytes(seq),
                })
            }
            _ => Err(HandshakeError::Malformed),
        }
    }
}

/// Why a handshake failed. None of them changes anything on either side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HandshakeError {
    /// A message of the wrong length, or one that does not decrypt: not from the key we expect,
    /// altered, or for another device.
    #[error("the other side's session message is not genuine")]
    NotGenuine,
    /// The device does not know this phone (never paired, removed, or the device was reset).
    #[error("the device does not know this phone")]
    UnknownPhone,
    /// An authenticated payload that does not follow the profile.
    #[error("the device's session hello does not follow the profile")]
    Malformed,
    /// The Noise library refused a key or a state (never expected with valid keys).
    #[error("the session could not be set up: {0}")]
    Internal(&'static str),
}

fn prologue(id: &DeviceId) -> Vec<u8> {
    let mut prologue = PROLOGUE_PREFIX.to_vec();
    prologue.extend_from_slice(&id.0);
    prologue
}

fn builder<'a>(
    local: &'a [u8; 32],
    prologue: &'a [u8],
    ephemeral: Option<&'a [u8; 32]>,
) -> Result<Builder<'a>, HandshakeError> {
    let params = NOISE_PARAMS
        .parse()
        .map_err(|_| HandshakeError::Internal("protocol name"))?;
    let mut builder = Builder::new(params)
        .local_private_key(local)
        .map_err(|_| HandshakeError::Internal("local key"))?
        .prologue(prologue)
        .map_err(|_| HandshakeError::Internal("prologue"))?;
    if let Some(ephemeral) = ephemeral {
        builder = builder.fixed_ephemeral_key_for_testing_only(ephemeral);
    }
    Ok(builder)
}

/// The phone's side, between its first message and the device's reply.
pub struct PhoneHandshake {
    state: HandshakeState,
}

impl std::fmt::Debug for PhoneHandshake {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PhoneHandshake(********)")
    }
}

impl PhoneHandshake {
    /// Starts a session with the device `id` whose long-term key is `device`; returns the
    /// message to send (VerifyStart).
    pub fn start(
        phone: &StaticSecret,
        device: &PublicKey,
        id: &DeviceId,
    ) -> Result<(Self, [u8; VERIFY_START_LEN]), HandshakeError> {
        Self::start_inner(phone, device, id, None)
    }

    /// [`PhoneHandshake::start`] with a fixed ephemeral key: only for the spec's test vectors.
    #[doc(hidden)]
    pub fn start_with_ephemeral(
        phone: &StaticSecret,
        device: &PublicKey,
        id: &DeviceId,
        ephemeral: &[u8; 32],
    ) -> Result<(Self, [u8; VERIFY_START_LEN]), HandshakeError> {
        Self::start_inner(phone, device, id, Some(ephemeral))
    }

    fn start_inner(
        phone: &StaticSecret,
        device: &PublicKey,
        id: &DeviceId,
        ephemeral: Option<&[u8; 32]>,
    ) -> Result<(Self, [u8; VERIFY_START_LEN]), HandshakeError> {
        let local = phone.to_bytes();
        let prologue = prologue(id);
        let mut state = builder(&local, &prologue, ephemeral)?
            .remote_public_key(device.as_bytes())
            .map_err(|_| HandshakeError::Internal("remote key"))?
            .build_initiator()
            .map_err(|_| HandshakeError::Internal("initiator"))?;
        let mut message = [0u8; VERIFY_START_LEN];
        let written = state
            .write_message(&[], &mut message)
            .map_err(|_| HandshakeError::Internal("first message"))?;
        if written != VERIFY_START_LEN {
            return Err(HandshakeError::Internal("first message length"));
        }
        Ok((Self { state }, message))
    }

    /// Takes the device's reply: the session, and what the device said about itself.
    pub fn finish(mut self, reply: &[u8]) -> Result<(SecureChannel, SessionHello), HandshakeError> {
        if reply.len() != VERIFY_REPLY_LEN {
            return Err(HandshakeError::NotGenuine);
        }
        let mut payload = [0u8; VERIFY_REPLY_LEN];
        let read = self
            .state
            .read_message(reply, &mut payload)
            .map_err(|_| HandshakeError::NotGenuine)?;
        let hello = SessionHello::decode(&payload[..read])?;
        let transport = self
            .state
            .into_stateless_transport_mode()
            .map_err(|_| HandshakeError::Internal("transport"))?;
        Ok((SecureChannel::new(transport), hello))
    }
}

/// The device's answer to a phone's first message.
pub struct DeviceVerify {
    /// The session; its first frame from the phone proves the phone is live (not a replay).
    pub channel: SecureChannel,
    /// Which of the device's phones this is.
    pub phone: PublicKey,
    /// The reply to send (VerifyReply).
    pub reply: [u8; VERIFY_REPLY_LEN],
}

impl std::fmt::Debug for DeviceVerify {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceVerify")
            .field("phone", &self.phone)
            .finish_non_exhaustive()
    }
}

/// The device's side: answers `start` when it comes from one of `phones`.
pub fn device_verify(
    device: &StaticSecret,
    id: &DeviceId,
    phones: &[PublicKey],
    start: &[u8],
    hello: SessionHello,
) -> Result<DeviceVerify, HandshakeError> {
    device_verify_inner(device, id, phones, start, hello, None)
}

/// [`device_verify`] with a fixed ephemeral key: only for the spec's test vectors.
#[doc(hidden)]
pub fn device_verify_with_ephemeral(
    device: &StaticSecret,
    id: &DeviceId,
    phones: &[PublicKey],
    start: &[u8],
    hello: SessionHello,
    ephemeral: &[u8; 32],
) -> Result<DeviceVerify, HandshakeError> {
    device_verify_inner(device, id, phones, start, hello, Some(ephemeral))
}

fn device_verify_inner(
    device: &StaticSecret,
    id: &DeviceId,
    phones: &[PublicKey],
    start: &[u8],
    hello: SessionHello,
    ephemeral: Option<&[u8; 32]>,
) -> Result<DeviceVerify, HandshakeError> {
    if start.len() != VERIFY_START_LEN {
        return Err(HandshakeError::NotGenuine);
    }
    let local = device.to_bytes();
    let prologue = prologue(id);
    let mut state = builder(&local, &prologue, ephemeral)?
        .build_responder()
        .map_err(|_| HandshakeError::Internal("responder"))?;
    let mut payload = [0u8; VERIFY_START_LEN];
    state
        .read_message(start, &mut payload)
        .map_err(|_| HandshakeError::NotGenuine)?;
    let phone = state
        .get_remote_static()
        .and_then(|key| <[u8; PUBLIC_KEY_LEN]>::try_from(key).ok())
        .map(PublicKey)
        .ok_or(HandshakeError::NotGenuine)?;
    if !phones.contains(&phone) {
        return Err(HandshakeError::UnknownPhone);
    }
    let mut reply = [0u8; VERIFY_REPLY_LEN];
    let written = state
        .write_message(&hello.encode(), &mut reply)
        .map_err(|_| HandshakeError::Internal("reply"))?;
    if written != VERIFY_REPLY_LEN {
        return Err(HandshakeError::Internal("reply length"));
    }
    let transport = state
        .into_stateless_transport_mode()
        .map_err(|_| HandshakeError::Internal("transport"))?;
    Ok(DeviceVerify {
        channel: SecureChannel::new(transport),
        phone,
        reply,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pake::OsRng;

    const ID: DeviceId = DeviceId([7; 16]);
    const HELLO: SessionHello = SessionHello {
        boot_id: [9; 8],
        last_seq: 41,
    };

    struct Parties {
        phone: StaticSecret,
        device: StaticSecret,
    }

    fn parties() -> Parties {
        Parties {
            phone: StaticSecret::generate(OsRng),
            device: StaticSecret::generate(OsRng),
        }
    }

    #[test]
    fn a_paired_phone_and_device_agree_on_a_session() {
        let p = parties();
        let (phone, start) =
            PhoneHandshake::start(&p.phone, &p.device.public(), &ID).expect("start");
        let verified =
            device_verify(&p.device, &ID, &[p.phone.public()], &start, HELLO).expect("known phone");
        assert_eq!(verified.phone, p.phone.public());
        let (mut phone_channel, hello) = phone.finish(&verified.reply).expect("finish");
        assert_eq!(hello, HELLO);
        let mut device_channel = verified.channel;
        let frame = phone_channel.seal(b"hello device").expect("seal");
        assert_eq!(device_channel.open(&frame).expect("open"), b"hello device");
        let frame = device_channel.seal(b"hello phone").expect("seal");
        assert_eq!(phone_channel.open(&frame).expect("open"), b"hello phone");
    }

    #[test]
    fn a_removed_or_unknown_phone_is_refused() {
        let p = parties();
        let (_, start) = PhoneHandshake::start(&p.phone, &p.device.public(), &ID).expect("start");
        let other = StaticSecret::generate(OsRng).public();
        assert_eq!(
            device_verify(&p.device, &ID, &[other], &start, HELLO).map(|v| v.phone),
            Err(HandshakeError::UnknownPhone)
        );
        assert_eq!(
            device_verify(&p.device, &ID, &[], &start, HELLO).map(|v| v.phone),
            Err(HandshakeError::UnknownPhone)
        );
    }

    #[test]
    fn a_look_alike_device_cannot_answer() {
        // A device without the paired device's private key cannot read the phone's message, and
        // a reply made with another key does not verify at the phone.
        let p = parties();
        let impostor = StaticSecret::generate(OsRng);
        let (phone, start) =
            PhoneHandshake::start(&p.phone, &p.device.public(), &ID).expect("start");
        assert_eq!(
            device_verify(&impostor, &ID, &[p.phone.public()], &start, HELLO).map(|v| v.phone),
            Err(HandshakeError::NotGenuine)
        );
        let (_, other_start) =
            PhoneHandshake::start(&p.phone, &impostor.public(), &ID).expect("start");
        let forged = device_verify(&impostor, &ID, &[p.phone.public()], &other_start, HELLO)
            .expect("the impostor answers its own handshake");
        assert_eq!(
            phone.finish(&forged.reply).map(|(_, h)| h),
            Err(HandshakeError::NotGenuine)
        );
    }

    #[test]
    fn a_handshake_for_another_device_id_fails() {
        let p = parties();
        let (_, start) = PhoneHandshake::start(&p.phone, &p.device.public(), &ID).expect("start");
        assert_eq!(
            device_verify(
                &p.device,
                &DeviceId([8; 16]),
                &[p.phone.public()],
                &start,
                HELLO
            )
            .map(|v| v.phone),
            Err(HandshakeError::NotGenuine)
        );
    }

    #[test]
    fn altered_truncated_or_oversized_messages_are_refused() {
        let p = parties();
        let (_, start) = PhoneHandshake::start(&p.phone, &p.device.public(), &ID).expect("start");
        let phones = [p.phone.public()];
        for i in 0..start.len() {
            let mut altered = start;
            altered[i] ^= 0x80;
            assert!(
                device_verify(&p.device, &ID, &phones, &altered, HELLO).is_err(),
                "byte {i} altered"
            );
        }
        assert!(device_verify(&p.device, &ID, &phones, &start[..95], HELLO).is_err());
        let mut long = start.to_vec();
        long.push(0);
        assert!(device_verify(&p.device, &ID, &phones, &long, HELLO).is_err());

        let (phone, start) =
            PhoneHandshake::start(&p.phone, &p.device.public(), &ID).expect("start");
        let reply = device_verify(&p.device, &ID, &phones, &start, HELLO)
            .expect("verify")
            .reply;
        let mut altered = reply;
        altered[40] ^= 1;
        assert_eq!(
            phone.finish(&altered).map(|(_, h)| h),
            Err(HandshakeError::NotGenuine)
        );
    }

    #[test]
    fn a_replayed_first_message_gives_the_replayer_nothing() {
        // The device answers a replayed VerifyStart (it cannot tell), but with a fresh ephemeral
        // key: without the phone's ephemeral secret, the replayer cannot read or make a frame.
        let p = parties();
        let (_, start) = PhoneHandshake::start(&p.phone, &p.device.public(), &ID).expect("start");
        let phones = [p.phone.public()];
        let first = device_verify(&p.device, &ID, &phones, &start, HELLO).expect("verify");
        let second = device_verify(&p.device, &ID, &phones, &start, HELLO).expect("verify");
        assert_ne!(first.reply, second.reply, "fresh ephemeral keys every time");
    }
}

/// The test vectors in docs/protocol/gatt.md, "Test vectors: keys and sessions".
#[cfg(test)]
mod vectors {
    use super::*;
    use crate::keys::{seal_public_key, Sealer};
    use crate::pairing::PairingKey;
    use crate::session_message::{wrap, Channel, DeviceMessage};

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn counting(from: u8) -> [u8; 32] {
        core::array::from_fn(|i| from.wrapping_add(i as u8))
    }

    #[test]
    fn the_spec_session_vectors_hold() {
        let id = DeviceId(core::array::from_fn(|i| i as u8));
        // The pairing key of the SPAKE2 vectors above it in the spec.
        let pairing = PairingKey::from_bytes(
            <[u8; 32]>::try_from(
                (0..32)
                    .map(|i| {
                        u8::from_str_radix(
                            &"885ee91478841e9e20178892f7650e1abddb317faee2f37020ff04737d187af2"
                                [2 * i..2 * i + 2],
                            16,
                        )
                        .expect("hex")
                    })
                    .collect::<Vec<u8>>(),
            )
            .expect("32 bytes"),
        );
        let phone = StaticSecret::from_bytes(counting(0x20));
        let device = StaticSecret::from_bytes(counting(0xa0));
        let sealed_phone = seal_public_key(&pairing, Sealer::Phone, &id, &phone.public());
        let sealed_device = seal_public_key(&pairing, Sealer::Device, &id, &device.public());
        let hello = SessionHello {
            boot_id: [1, 2, 3, 4, 5, 6, 7, 8],
            last_seq: 5,
        };
        let (handshake, start) =
            PhoneHandshake::start_with_ephemeral(&phone, &device.public(), &id, &counting(0x40))
                .expect("start");
        let verified = device_verify_with_ephemeral(
            &device,
            &id,
            &[phone.public()],
            &start,
            hello,
            &counting(0xc0),
        )
        .expect("verify");
        let (mut phone_channel, got) = handshake.finish(&verified.reply).expect("finish");
        assert_eq!(got, hello);
        let mut device_channel = verified.channel;
        let ready = phone_channel
            .seal(&wrap(Channel::Ready, &[]))
            .expect("sealed");
        let battery = device_channel
            .seal(&DeviceMessage::Battery(87).encode())
            .expect("sealed");
        assert_eq!(device_channel.open(&ready).expect("opens"), vec![6]);
        let vectors = [
            ("phone public key", hex(phone.public().as_bytes())),
            ("device public key", hex(device.public().as_bytes())),
            ("sealed phone key", hex(&sealed_phone)),
            ("sealed device key", hex(&sealed_device)),
            ("verify start", hex(&start)),
            ("verify reply", hex(&verified.reply)),
            ("first phone frame (ready)", hex(&ready)),
            ("first device frame (battery 87)", hex(&battery)),
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
