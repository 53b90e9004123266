//! Session frames: after pair-verify, everything the phone and the device say to each other
//! travels on the Session characteristic as `[version][counter: u64 LE][ChaCha20-Poly1305
//! ciphertext and tag]`, with per-direction keys from the handshake and the counter as the
//! AEAD nonce (docs/protocol/gatt.md, "Session frames").
//!
//! A receiver accepts only counters above the last one it accepted: a replayed, reordered,
//! modified or injected frame is refused before anything reads its contents. A lost frame leaves
//! a gap, which is allowed (a notification can be lost); a frame can never be applied twice.
//!
//! Pure. Never returns plaintext from a frame whose tag did not verify.

use std::sync::Arc;

use snow::StatelessTransportState;

/// The first byte of every session frame: the profile version, as on every other frame.
pub const FRAME_VERSION: u8 = crate::PROFILE_VERSION;
/// Version byte and counter.
pub const FRAME_HEADER_LEN: usize = 1 + 8;
/// The Poly1305 tag.
pub const TAG_LEN: usize = 16;
/// The largest plaintext a frame carries: what fits a 247-byte ATT MTU with room to spare.
pub const MAX_PLAINTEXT: usize = 200;
/// The largest frame on the wire.
pub const MAX_FRAME: usize = FRAME_HEADER_LEN + MAX_PLAINTEXT + TAG_LEN;

/// Why a session frame was refused; the frame changed nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    #[error("a session frame of {found} bytes (at least {min}, at most {max})", min = FRAME_HEADER_LEN + TAG_LEN, max = MAX_FRAME)]
    WrongLength { found: usize },
    #[error("a session frame of version {0} (this app speaks version 2)")]
    UnsupportedVersion(u8),
    /// The counter is not above the last accepted one: a replay or a reordered frame.
    #[error("a session frame numbered {counter}, not after {last}: replayed or reordered")]
    Stale { counter: u64, last: u64 },
    /// The tag does not verify: modified, injected, or from another session.
    #[error("a session frame that is not genuine (modified, injected or from another session)")]
    NotGenuine,
    /// Too much to send in one frame.
    #[error("{0} bytes do not fit in one session frame")]
    TooLong(usize),
    /// 2^64 frames in one direction: never reached, but never wrapped either.
    #[error("the session has used every counter; reconnect")]
    Exhausted,
}

/// Both directions of a session.
pub struct SecureChannel {
    sender: FrameSealer,
    receiver: FrameOpener,
}

impl std::fmt::Debug for SecureChannel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecureChannel")
            .field("sent", &self.sender.next)
            .field("last_received", &self.receiver.last)
            .finish_non_exhaustive()
    }
}

impl SecureChannel {
    pub(crate) fn new(transport: StatelessTransportState) -> Self {
        let transport = Arc::new(transport);
        Self {
            sender: FrameSealer {
                transport: Arc::clone(&transport),
                next: 0,
            },
            receiver: FrameOpener {
                transport,
                last: None,
            },
        }
    }

    /// Seals `plaintext` into the next frame.
    pub fn seal(&mut self, plaintext: &[u8]) -> Result<Vec<u8>, FrameError> {
        self.sender.seal(plaintext)
    }

    /// Opens a frame from the other side.
    pub fn open(&mut self, frame: &[u8]) -> Result<Vec<u8>, FrameError> {
        self.receiver.open(frame)
    }

    /// The two directions apart, for a sender and a reader on different tasks.
    pub fn split(self) -> (FrameSealer, FrameOpener) {
        (self.sender, self.receiver)
    }
}

/// The sending direction.
pub struct FrameSealer {
    transport: Arc<StatelessTransportState>,
    next: u64,
}

impl FrameSealer {
    pub fn seal(&mut self, plaintext: &[u8]) -> Result<Vec<u8>, FrameError> {
        if plaintext.len() > MAX_PLAINTEXT {
            return Err(FrameError::TooLong(plaintext.len()));
        }
        let counter = self.next;
        self.next = counter.checked_add(1).ok_or(FrameError::Exhausted)?;
        let mut frame = vec![0u8; FRAME_HEADER_LEN + plaintext.len() + TAG_LEN];
        frame[0] = FRAME_VERSION;
        frame[1..FRAME_HEADER_LEN].copy_from_slice(&counter.to_le_bytes());
        let written = self
            .transport
            .write_message(counter, plaintext, &mut frame[FRAME_HEADER_LEN..])
            .map_err(|_| FrameError::Exhausted)?;
        frame.truncate(FRAME_HEADER_LEN + written);
        Ok(frame)
    }
}

/// The receiving direction.
pub struct FrameOpener {
    transport: Arc<StatelessTransportState>,
    last: Option<u64>,
}

impl FrameOpener {
    pub fn open(&mut self, frame: &[u8]) -> Result<Vec<u8>, FrameError> {
        if frame.len() < FRAME_HEADER_LEN + TAG_LEN || frame.len() > MAX_FRAME {
            return Err(FrameError::WrongLength { found: frame.len() });
        }
        if frame[0] != FRAME_VERSION {
            return Err(FrameError::UnsupportedVersion(frame[0]));
        }
        let mut counter = [0u8; 8];
        counter.copy_from_slice(&frame[1..FRAME_HEADER_LEN]);
        let counter = u64::from_le_bytes(counter);
        if let Some(last) = self.last {
            if counter <= last {
                return Err(FrameError::Stale { counter, last });
            }
        }
        let sealed = &frame[FRAME_HEADER_LEN..];
        let mut plaintext = vec![0u8; sealed.len()];
        let read = self
            .transport
            .read_message(counter, sealed, &mut plaintext)
            .map_err(|_| FrameError::NotGenuine)?;
        // Only a genuine frame moves the window: a forged high counter cannot block later ones.
        self.last = Some(counter);
        plaintext.truncate(read);
        Ok(plaintext)
    }

    /// Frames accepted so far in this direction are numbered up to this.
    pub fn last(&self) -> Option<u64> {
        self.last
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handshake::{device_verify, PhoneHandshake, SessionHello};
    use crate::keys::StaticSecret;
    use crate::pake::OsRng;
    use crate::DeviceId;

    /// A phone's and a device's channel of one fresh session.
    pub(crate) fn session() -> (SecureChannel, SecureChannel) {
        let id = DeviceId([7; 16]);
        let phone = StaticSecret::generate(OsRng);
        let device = StaticSecret::generate(OsRng);
        let (handshake, start) =
            PhoneHandshake::start(&phone, &device.public(), &id).expect("start");
        let verified = device_verify(
            &device,
            &id,
            &[phone.public()],
            &start,
            SessionHello {
                boot_id: [1; 8],
                last_seq: 0,
            },
        )
        .expect("verify");
        let (channel, _) = handshake.finish(&verified.reply).expect("finish");
        (channel, verified.channel)
    }

    #[test]
    fn frames_arrive_once_and_in_order() {
        let (mut phone, mut device) = session();
        let first = device.seal(b"one").expect("seal");
        let second = device.seal(b"two").expect("seal");
        let third = device.seal(b"three").expect("seal");
        assert_eq!(phone.open(&first).expect("first"), b"one");
        assert_eq!(
            phone.open(&third).expect("a lost frame leaves a gap"),
            b"three"
        );
        assert_eq!(
            phone.open(&second),
            Err(FrameError::Stale {
                counter: 1,
                last: 2
            }),
            "reordered"
        );
        assert_eq!(
            phone.open(&third),
            Err(FrameError::Stale {
                counter: 2,
                last: 2
            }),
            "replayed"
        );
    }

    #[test]
    fn a_forged_counter_or_body_is_refused_and_moves_nothing() {
        let (mut phone, mut device) = session();
        let frame = device.seal(b"packet dispensed").expect("seal");
        let mut jumped = frame.clone();
        jumped[1..9].copy_from_slice(&1000u64.to_le_bytes());
        assert_eq!(phone.open(&jumped), Err(FrameError::NotGenuine));
        let mut max = frame.clone();
        max[1..9].copy_from_slice(&u64::MAX.to_le_bytes());
        assert_eq!(phone.open(&max), Err(FrameError::NotGenuine));
        for i in FRAME_HEADER_LEN..frame.len() {
            let mut altered = frame.clone();
            altered[i] ^= 1;
            assert_eq!(phone.open(&altered), Err(FrameError::NotGenuine));
        }
        assert_eq!(
            phone.open(&frame).expect("the genuine frame still opens"),
            b"packet dispensed"
        );
    }

    #[test]
    fn directions_and_sessions_do_not_mix() {
        let (mut phone, mut device) = session();
        let own = phone.seal(b"command").expect("seal");
        assert_eq!(
            phone.open(&own),
            Err(FrameError::NotGenuine),
            "a reflected frame"
        );
        let (mut other_phone, _) = session();
        let frame = device.seal(b"event").expect("seal");
        assert_eq!(
            other_phone.open(&frame),
            Err(FrameError::NotGenuine),
            "another session"
        );
    }

    #[test]
    fn malformed_frames_get_a_clear_reason() {
        let (mut phone, mut device) = session();
        assert_eq!(
            phone.open(&[1; 10]),
            Err(FrameError::WrongLength { found: 10 })
        );
        assert_eq!(
            phone.open(&vec![1; MAX_FRAME + 1]),
            Err(FrameError::WrongLength {
                found: MAX_FRAME + 1
            })
        );
        let mut frame = device.seal(b"x").expect("seal");
        frame[0] = 1;
        assert_eq!(phone.open(&frame), Err(FrameError::UnsupportedVersion(1)));
        assert_eq!(
            device.seal(&[0; MAX_PLAINTEXT + 1]),
            Err(FrameError::TooLong(MAX_PLAINTEXT + 1))
        );
        assert!(device.seal(&[0; MAX_PLAINTEXT]).is_ok());
    }
}
