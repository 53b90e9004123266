//! A session with one connected device: its identity, pairing, pair-verify, and then everything
//! else (commands that wait for the device's confirmation, state, battery, numbered events)
//! inside the encrypted, counted session frames of docs/protocol/gatt.md.
//!
//! One task (the pump) reads the link's notifications in order and routes each: pairing replies
//! to the pairing flow, session frames through the session's keys to the command waiting for
//! them or to the session's update channel. A notification that is not genuine or does not
//! decode is reported and dropped; it never reaches the inventory.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures_util::StreamExt;
use steward_protocol::channel::{FrameOpener, FrameSealer};
use steward_protocol::command::{Command, CommandFrame, CommandStatus};
use steward_protocol::handshake::{HandshakeError, PhoneHandshake, SessionHello};
use steward_protocol::keys::{open_public_key, seal_public_key, PublicKey, Sealer, StaticSecret};
use steward_protocol::pairing::{PairingMessage, PairingOutcome, SetupCode};
use steward_protocol::pake::{OsRng, PakeError, PhonePake};
use steward_protocol::session_message::{self, wrap, Channel, DeviceMessage};
use steward_protocol::uuids;
use steward_protocol::{
    DecodeError, DeviceId, DeviceState, Event, Identity, SequenceCheck, SequenceTracker,
};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use crate::deadline::within;
use crate::link::NotificationStream;
use crate::{DeviceError, Link};

/// How long to wait for a device's answer, and for any one read, write or subscription.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// Updates a session holds for the hub before it drops new ones. At the 20 Hz a busy device
/// sends, that is almost a minute of events; an event dropped here shows up downstream as a gap
/// in the device's numbering, and its counter still counts it (docs/ARCHITECTURE.md, queues).
pub const UPDATE_QUEUE: usize = 1024;

/// Pairing replies held for the pairing flow; a device has no reason to send more than one at a
/// time, so extra ones are dropped.
const PAIRING_QUEUE: usize = 4;

/// A new event from the device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionEvent {
    pub seq: u32,
    pub event: Event,
    /// Events the device numbered before this one that never arrived.
    pub missed: u32,
    /// The device's numbering restarted with this event (it was reset: a new boot id).
    pub restarted: bool,
}

/// What the session reports as it happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionUpdate {
    Event(SessionEvent),
    /// The device's state snapshot changed.
    State(DeviceState),
    /// A notification was refused (not genuine, stale, or malformed); nothing was applied.
    Rejected(DecodeError),
    /// The battery level changed (percent).
    Battery(u8),
    /// An event already received was sent again (after a reconnect) and was dropped.
    Replayed {
        seq: u32,
    },
    /// The connection ended.
    Disconnected,
}

/// What the pump needs to read the device's side of the session.
#[derive(Default)]
struct Inbound {
    opener: Option<FrameOpener>,
    tracker: SequenceTracker,
    /// The next event starts a new numbering (the device's boot id changed).
    restart_pending: bool,
    /// Waiting for the next state snapshot.
    state_waiters: Vec<oneshot::Sender<DeviceState>>,
    /// Waiting for the device to confirm it forgot this phone.
    forgotten: Option<oneshot::Sender<()>>,
}

type Shared = Arc<Mutex<Inbound>>;
type Pending = Arc<Mutex<HashMap<u16, oneshot::Sender<CommandStatus>>>>;

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// An open session with one device.
pub struct Session<L: Link> {
    link: Arc<L>,
    identity: Identity,
    pairing: tokio::sync::Mutex<mpsc::Receiver<Vec<u8>>>,
    inbound: Shared,
    sealer: tokio::sync::Mutex<Option<FrameSealer>>,
    pending: Pending,
    next_request: AtomicU16,
    timeout: Duration,
    pump: JoinHandle<()>,
}

impl<L: Link> Drop for Session<L> {
    fn drop(&mut self) {
        self.pump.abort();
    }
}

impl<L: Link> Session<L> {
    /// Opens a session on a connected link: reads and checks the identity, subscribes to the
    /// profile's notifications, and starts routing them. `last_seq` is the last event sequence
    /// already recorded for this device (0 if none), so replays after a reconnect are dropped.
    pub async fn open(
        link: L,
        last_seq: u32,
    ) -> Result<(Self, mpsc::Receiver<SessionUpdate>), DeviceError> {
        Self::open_within(link, last_seq, DEFAULT_TIMEOUT).await
    }

    /// [`Session::open`], with `deadline` for each operation and each answer of the device.
    pub async fn open_within(
        link: L,
        last_seq: u32,
        deadline: Duration,
    ) -> Result<(Self, mpsc::Receiver<SessionUpdate>), DeviceError> {
        let ready = async {
            let identity = Identity::decode(
                &within(deadline, "reading its identity", link.read(uuids::IDENTITY)).await?,
            )?;
            // The stream first: a notification sent right after subscribing must not be lost.
            let stream = within(deadline, "listening to it", link.notifications()).await?;
            for characteristic in [uuids::PAIRING, uuids::SESSION] {
                within(deadline, "subscribing", link.subscribe(characteristic)).await?;
            }
            Ok::<_, DeviceError>((identity, stream))
        };
        let (identity, stream) = match ready.await {
            Ok(ready) => ready,
            Err(error) => {
                // Best effort: a device that could not be set up is not left connected.
                let _ = within(deadline, "disconnecting", link.disconnect()).await;
                return Err(error);
            }
        };
        let (pairing_tx, pairing_rx) = mpsc::channel(PAIRING_QUEUE);
        let (updates_tx, updates_rx) = mpsc::channel(UPDATE_QUEUE);
        let pending: Pending = Arc::default();
        let inbound: Shared = Arc::new(Mutex::new(Inbound {
            tracker: SequenceTracker::new(last_seq),
            ..Inbound::default()
        }));
        let pump = tokio::spawn(pump(
            stream,
            identity,
            Arc::clone(&inbound),
            pairing_tx,
            Arc::clone(&pending),
            updates_tx,
        ));
        let session = Self {
            link: Arc::new(link),
            identity,
            pairing: tokio::sync::Mutex::new(pairing_rx),
            inbound,
            sealer: tokio::sync::Mutex::new(None),
            pending,
            next_request: AtomicU16::new(1),
            timeout: deadline,
            pump,
        };
        Ok((session, updates_rx))
    }

    /// Waits this long for the device's answers from now on.
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    /// Who the device says it is.
    pub fn identity(&self) -> Identity {
        self.identity
    }

    /// Asks the device for its state (and battery) inside the session, and waits for it.
    pub async fn read_state(&self) -> Result<DeviceState, DeviceError> {
        let (tx, rx) = oneshot::channel();
        lock(&self.inbound).state_waiters.push(tx);
        self.send_sealed(&wrap(Channel::Ready, &[]), "asking for its state")
            .await?;
        match tokio::time::timeout(self.timeout, rx).await {
            Ok(Ok(state)) => Ok(state),
            Ok(Err(_)) => Err(DeviceError::Disconnected),
            Err(_) => Err(DeviceError::Timeout {
                what: "its state",
                seconds: self.timeout.as_secs(),
            }),
        }
    }

    /// Reads the firmware revision, refusing control characters or invalid UTF-8.
    pub async fn firmware(&self) -> Result<String, DeviceError> {
        let bytes = within(
            self.timeout,
            "reading its firmware",
            self.link.read(uuids::FIRMWARE_REVISION),
        )
        .await?;
        match String::from_utf8(bytes) {
            Ok(text) if text.len() <= 32 && !text.chars().any(char::is_control) => Ok(text),
            _ => Err(DecodeError::InvalidValue {
                what: "firmware revision",
                reason: "not short printable text".into(),
            }
            .into()),
        }
    }

    /// Pairs with the setup code through the SPAKE2 exchange (docs/protocol/gatt.md): the app and
    /// the device prove to each other that they know `code` without exposing it to offline
    /// guessing, then swap long-term keys under the key it gave. With `expected` (the id from a
    /// scanned QR code), a device with another identity is refused before anything is sent.
    /// Returns the device's long-term key; [`Session::verify`] then opens the session.
    pub async fn pair(
        &self,
        code: &SetupCode,
        expected: Option<DeviceId>,
        phone: &StaticSecret,
    ) -> Result<PublicKey, DeviceError> {
        if let Some(expected) = expected {
            if expected != self.identity.id {
                return Err(DeviceError::NotTheScannedDevice {
                    expected,
                    found: self.identity.id,
                });
            }
        }
        let id = self.identity.id;
        let mut replies = self.pairing.lock().await;
        while replies.try_recv().is_ok() {
            // Drops stale replies from an abandoned attempt.
        }
        let (pake, start) = PhonePake::start(code, &id, OsRng);
        self.send_pairing(PairingMessage::PakeStart { start })
            .await?;
        let (reply, device_confirm) = match self.pairing_reply(&mut replies).await? {
            PairingMessage::PakeReply { reply, confirm } => (reply, confirm),
            other => return Err(refusal(other)),
        };
        let (phone_confirm, key) = match pake.finish(&reply, &device_confirm) {
            Ok(done) => done,
            // The device does not know the code printed on the device we mean (or the frame is
            // not genuine): never confirm to it.
            Err(PakeError::WrongCode) => return Err(DeviceError::WrongCode),
            Err(PakeError::BadMessage) => {
                return Err(DeviceError::Malformed(DecodeError::InvalidValue {
                    what: "pairing",
                    reason: "the device's SPAKE2 message is not valid".into(),
                }))
            }
        };
        self.send_pairing(PairingMessage::PakeConfirm {
            confirm: phone_confirm,
            phone_key: seal_public_key(&key, Sealer::Phone, &id, &phone.public()),
        })
        .await?;
        match self.pairing_reply(&mut replies).await? {
            PairingMessage::PairedWith { device_key } => {
                open_public_key(&key, Sealer::Device, &id, &device_key)
                    .map_err(|_| DeviceError::NotGenuine)
            }
            PairingMessage::Outcome(PairingOutcome::WrongProof) => Err(DeviceError::WrongCode),
            other => Err(refusal(other)),
        }
    }

    /// Pair-verify: proves to the device that this is one of its phones and that it is the
    /// device paired as `device`, and opens the encrypted session. `known_boot` is the boot id
    /// the device gave last time; a different one means its numbering restarted. Returns what
    /// the device said about itself. The device then sends its state, battery and missed events.
    pub async fn verify(
        &self,
        phone: &StaticSecret,
        device: &PublicKey,
        known_boot: Option<[u8; 8]>,
    ) -> Result<SessionHello, DeviceError> {
        let mut replies = self.pairing.lock().await;
        while replies.try_recv().is_ok() {
            // Drops stale replies from an abandoned attempt.
        }
        let (handshake, start) =
            PhoneHandshake::start(phone, device, &self.identity.id).map_err(handshake_error)?;
        self.send_pairing(PairingMessage::VerifyStart { start })
            .await?;
        let reply = match self.pairing_reply(&mut replies).await? {
            PairingMessage::VerifyReply { reply } => reply,
            // The device does not know this phone: removed, or the device was reset.
            PairingMessage::Outcome(PairingOutcome::WrongProof) => {
                return Err(DeviceError::NotPaired)
            }
            other => return Err(refusal(other)),
        };
        let (channel, hello) = handshake.finish(&reply).map_err(handshake_error)?;
        let (sealer, opener) = channel.split();
        {
            let mut inbound = lock(&self.inbound);
            inbound.opener = Some(opener);
            if known_boot.is_some_and(|known| known != hello.boot_id) {
                inbound.tracker.restart();
                inbound.restart_pending = true;
            }
        }
        *self.sealer.lock().await = Some(sealer);
        self.send_sealed(&wrap(Channel::Ready, &[]), "opening the session")
            .await?;
        Ok(hello)
    }

    /// Asks the device to forget this phone (its long-term key), inside the session.
    pub async fn forget(&self) -> Result<(), DeviceError> {
        let (tx, rx) = oneshot::channel();
        lock(&self.inbound).forgotten = Some(tx);
        self.send_sealed(&wrap(Channel::Forget, &[]), "removing this phone")
            .await?;
        match tokio::time::timeout(self.timeout, rx).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(DeviceError::Disconnected),
            Err(_) => Err(DeviceError::Timeout {
                what: "removing this phone",
                seconds: self.timeout.as_secs(),
            }),
        }
    }

    async fn send_pairing(&self, message: PairingMessage) -> Result<(), DeviceError> {
        within(
            self.timeout,
            "pairing",
            self.link.write(uuids::PAIRING, &message.encode()),
        )
        .await
    }

    /// Seals `plaintext` into the next session frame and writes it; the frame order on the link
    /// is the counter order, since the sealer stays locked until the write returns.
    async fn send_sealed(&self, plaintext: &[u8], what: &'static str) -> Result<(), DeviceError> {
        let mut sealer = self.sealer.lock().await;
        let frame = sealer
            .as_mut()
            .ok_or(DeviceError::NotPaired)?
            .seal(plaintext)
            .map_err(|e| DeviceError::Malformed(frame_error(e)))?;
        within(self.timeout, what, self.link.write(uuids::SESSION, &frame)).await
    }

    async fn pairing_reply(
        &self,
        replies: &mut mpsc::Receiver<Vec<u8>>,
    ) -> Result<PairingMessage, DeviceError> {
        match tokio::time::timeout(self.timeout, replies.recv()).await {
            Ok(Some(bytes)) => Ok(PairingMessage::decode(&bytes)?),
            Ok(None) => Err(DeviceError::Disconnected),
            Err(_) => Err(DeviceError::Timeout {
                what: "pairing",
                seconds: self.timeout.as_secs(),
            }),
        }
    }

    /// Sends `command` and waits for the device to confirm it.
    pub async fn command(&self, command: Command) -> Result<(), DeviceError> {
        if !command.applies_to(self.identity.kind) {
            return Err(DeviceError::Unsupported {
                kind: self.identity.kind.as_str(),
            });
        }
        command.validate()?;
        let request_id = self.next_request.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = oneshot::channel();
        self.pending().insert(request_id, tx);
        let plaintext = session_message::command(&CommandFrame {
            request_id,
            command,
        });
        if let Err(error) = self.send_sealed(&plaintext, "the command").await {
            self.pending().remove(&request_id);
            return Err(error);
        }
        let answer = tokio::time::timeout(self.timeout, rx).await;
        self.pending().remove(&request_id);
        match answer {
            Ok(Ok(CommandStatus::Done)) => Ok(()),
            Ok(Ok(CommandStatus::NotPaired)) => Err(DeviceError::NotPaired),
            Ok(Ok(CommandStatus::Unsupported)) => Err(DeviceError::Unsupported {
                kind: self.identity.kind.as_str(),
            }),
            Ok(Ok(status)) => Err(DeviceError::Refused(status)),
            Ok(Err(_)) => Err(DeviceError::Disconnected),
            Err(_) => Err(DeviceError::Timeout {
                what: "the command",
                seconds: self.timeout.as_secs(),
            }),
        }
    }

    /// Disconnects cleanly.
    pub async fn close(self) -> Result<(), DeviceError> {
        within(self.timeout, "disconnecting", self.link.disconnect()).await
    }

    fn pending(&self) -> std::sync::MutexGuard<'_, HashMap<u16, oneshot::Sender<CommandStatus>>> {
        lock(&self.pending)
    }
}

/// A refused session frame, as the decode error the rest of the app reports.
fn frame_error(error: steward_protocol::channel::FrameError) -> DecodeError {
    DecodeError::InvalidValue {
        what: "session frame",
        reason: error.to_string(),
    }
}

fn handshake_error(error: HandshakeError) -> DeviceError {
    match error {
        HandshakeError::NotGenuine => DeviceError::NotGenuine,
        HandshakeError::UnknownPhone => DeviceError::NotPaired,
        HandshakeError::Malformed => DeviceError::Malformed(DecodeError::InvalidValue {
            what: "session hello",
            reason: error.to_string(),
        }),
        HandshakeError::Internal(what) => DeviceError::Stack(format!("session set-up: {what}")),
    }
}

/// What a pairing reply that is not the expected next step means.
fn refusal(message: PairingMessage) -> DeviceError {
    match message {
        PairingMessage::LockedOut { retry_after_secs } => {
            DeviceError::LockedOut { retry_after_secs }
        }
        PairingMessage::Outcome(PairingOutcome::NoRoom) => DeviceError::NoRoom,
        PairingMessage::Outcome(PairingOutcome::Closed) => DeviceError::PairingClosed,
        other => DeviceError::Malformed(DecodeError::InvalidValue {
            what: "pairing",
            reason: format!("unexpected {other:?}"),
        }),
    }
}

/// Opens one session frame and turns what it carries into an update (or a command's answer).
fn route_frame(
    frame: &[u8],
    identity: &Identity,
    inbound: &Shared,
    pending: &Pending,
) -> Option<SessionUpdate> {
    let mut inbound = lock(inbound);
    let Some(opener) = inbound.opener.as_mut() else {
        return Some(SessionUpdate::Rejected(DecodeError::InvalidValue {
            what: "session frame",
            reason: "sent before the session was open".into(),
        }));
    };
    let plaintext = match opener.open(frame) {
        Ok(plaintext) => plaintext,
        Err(error) => return Some(SessionUpdate::Rejected(frame_error(error))),
    };
    let message = match DeviceMessage::decode(identity.kind, &plaintext) {
        Ok(message) => message,
        Err(error) => return Some(SessionUpdate::Rejected(error)),
    };
    match message {
        DeviceMessage::Result(result) => {
            match lock(pending).remove(&result.request_id) {
                Some(tx) => {
                    let _ = tx.send(result.status);
                }
                None => {
                    tracing::debug!(request_id = result.request_id, "a result nobody waits for")
                }
            }
            None
        }
        DeviceMessage::Battery(level) => Some(SessionUpdate::Battery(level)),
        DeviceMessage::State(state) => {
            for waiter in inbound.state_waiters.drain(..) {
                let _ = waiter.send(state);
            }
            Some(SessionUpdate::State(state))
        }
        DeviceMessage::Forgotten => {
            if let Some(tx) = inbound.forgotten.take() {
                let _ = tx.send(());
            }
            None
        }
        DeviceMessage::Event(frame) => Some(match inbound.tracker.check(frame.seq) {
            SequenceCheck::Replay => SessionUpdate::Replayed { seq: frame.seq },
            check => {
                let restarted = std::mem::take(&mut inbound.restart_pending);
                if restarted {
                    tracing::warn!(
                        seq = frame.seq,
                        "the device's event numbering restarted (new boot id)"
                    );
                }
                inbound.tracker.accept(frame.seq);
                let missed = match check {
                    SequenceCheck::Gap { missing } => missing,
                    _ => 0,
                };
                SessionUpdate::Event(SessionEvent {
                    seq: frame.seq,
                    event: frame.event,
                    missed,
                    restarted,
                })
            }
        }),
    }
}

async fn pump(
    mut stream: NotificationStream,
    identity: Identity,
    inbound: Shared,
    pairing: mpsc::Sender<Vec<u8>>,
    pending: Pending,
    updates: mpsc::Sender<SessionUpdate>,
) {
    // Updates dropped since the queue last had room; reported once per overflow.
    let mut dropped: u64 = 0;
    while let Some(notification) = stream.next().await {
        let update = match notification.characteristic {
            c if c == uuids::PAIRING => {
                if pairing.try_send(notification.value).is_err() {
                    tracing::warn!(device = %identity.id, "dropped a pairing reply nobody asked for");
                }
                None
            }
            c if c == uuids::SESSION => {
                route_frame(&notification.value, &identity, &inbound, &pending)
            }
            _ => None,
        };
        if let Some(update) = update {
            if let SessionUpdate::Rejected(error) = &update {
                tracing::warn!(device = %identity.id, %error, "refused a notification");
            }
            match updates.try_send(update) {
                Ok(()) if dropped > 0 => {
                    tracing::warn!(device = %identity.id, dropped, "the app fell behind this device; updates were dropped");
                    dropped = 0;
                }
                Ok(()) | Err(mpsc::error::TrySendError::Closed(_)) => {}
                Err(mpsc::error::TrySendError::Full(_)) => dropped += 1,
            }
        }
    }
    // Every command and request still waiting learns that the connection is gone.
    lock(&pending).clear();
    {
        let mut inbound = lock(&inbound);
        inbound.state_waiters.clear();
        inbound.forgotten = None;
    }
    // The end of the connection must be heard: wait for room rather than drop it.
    let _ = updates.send(SessionUpdate::Disconnected).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    use steward_protocol::channel::FrameSealer;
    use steward_protocol::handshake::device_verify;
    use steward_protocol::EventFrame;

    /// A device on an in-process link: the test pushes notifications, the session reads them.
    struct FakeLink {
        identity: Identity,
        notifications: std::sync::Mutex<Option<mpsc::UnboundedReceiver<crate::Notification>>>,
    }

    impl Link for FakeLink {
        async fn read(&self, characteristic: uuids::Uuid) -> Result<Vec<u8>, crate::LinkError> {
            if characteristic == uuids::IDENTITY {
                Ok(self.identity.encode())
            } else {
                Err(crate::LinkError::MissingCharacteristic(characteristic))
            }
        }
        async fn write(&self, _: uuids::Uuid, _: &[u8]) -> Result<(), crate::LinkError> {
            Ok(())
        }
        async fn subscribe(&self, _: uuids::Uuid) -> Result<(), crate::LinkError> {
            Ok(())
        }
        async fn notifications(&self) -> Result<NotificationStream, crate::LinkError> {
            let rx = self
                .notifications
                .lock()
                .expect("lock")
                .take()
                .ok_or(crate::LinkError::Disconnected)?;
            Ok(Box::pin(futures_util::stream::unfold(rx, |mut rx| async {
                rx.recv().await.map(|n| (n, rx))
            })))
        }
        async fn disconnect(&self) -> Result<(), crate::LinkError> {
            Ok(())
        }
    }

    /// Opens a session's keys in-process (the handshake as the device would answer it) and
    /// returns the device's sending half.
    fn open_keys<L: Link>(session: &Session<L>) -> FrameSealer {
        let id = session.identity().id;
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
        lock(&session.inbound).opener = Some(channel.split().1);
        verified.channel.split().0
    }

    fn slice(device: &mut FrameSealer, seq: u32) -> crate::Notification {
        let message = DeviceMessage::Event(EventFrame {
            seq,
            event: Event::SliceToasted {
                slices_total: seq,
                shade: 3,
            },
        });
        crate::Notification {
            characteristic: uuids::SESSION,
            value: device.seal(&message.encode()).expect("sealed"),
        }
    }

    #[tokio::test]
    async fn a_flood_fills_the_update_queue_then_drops_and_the_session_goes_on() {
        let (device, notifications) = mpsc::unbounded_channel();
        let link = FakeLink {
            identity: Identity {
                kind: steward_protocol::DeviceKind::Toaster,
                id: DeviceId([7; 16]),
                paired: true,
                pairing_open: false,
            },
            notifications: std::sync::Mutex::new(Some(notifications)),
        };
        let (session, mut updates) = Session::open(link, 0).await.expect("session");
        let mut keys = open_keys(&session);
        let flood = u32::try_from(UPDATE_QUEUE).expect("small") * 3;
        for seq in 1..=flood {
            device
                .send(slice(&mut keys, seq))
                .expect("session listening");
        }
        // A pairing reply after the flood: once the pump has routed it, it has routed (kept or
        // dropped) every slice before it.
        device
            .send(crate::Notification {
                characteristic: uuids::PAIRING,
                value: vec![1],
            })
            .expect("listening");
        let routed = tokio::time::timeout(Duration::from_secs(5), async {
            session.pairing.lock().await.recv().await
        })
        .await
        .expect("the pump got through the flood in time");
        assert_eq!(routed, Some(vec![1]));
        let mut kept = Vec::new();
        while let Ok(update) = updates.try_recv() {
            if let SessionUpdate::Event(event) = update {
                kept.push(event.seq);
            }
        }
        assert_eq!(
            kept.len(),
            UPDATE_QUEUE,
            "the queue held what it can and no more, however long the flood"
        );
        assert_eq!(
            kept,
            (1..=u32::try_from(UPDATE_QUEUE).expect("small")).collect::<Vec<_>>(),
            "the oldest were kept in order, the newest dropped"
        );
        device.send(slice(&mut keys, flood + 1)).expect("listening");
        let next = tokio::time::timeout(Duration::from_secs(5), updates.recv())
            .await
            .expect("in time");
        assert!(
            matches!(next, Some(SessionUpdate::Event(SessionEvent { seq, .. })) if seq == flood + 1),
            "once there is room the session delivers again, its numbering showing the gap: {next:?}"
        );
    }
}
