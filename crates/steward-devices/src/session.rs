//! A session with one connected device: its verified identity, pairing, commands that wait for
//! the device's confirmation, and its events, numbered and checked for replays and gaps.
//!
//! One task (the pump) reads the link's notifications in order and routes each: pairing replies
//! to the pairing flow, command results to the command waiting for them, events and state to the
//! session's update channel. A notification that does not decode is reported and dropped; it
//! never reaches the inventory.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures_util::StreamExt;
use steward_protocol::command::{Command, CommandFrame, CommandStatus, ResultFrame};
use steward_protocol::pairing::{PairingKey, PairingMessage, PairingOutcome, SetupCode};
use steward_protocol::pake::{OsRng, PakeError, PhonePake};
use steward_protocol::uuids;
use steward_protocol::{
    DecodeError, DeviceId, DeviceState, Event, EventFrame, Identity, SequenceCheck, SequenceTracker,
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
    /// The device's numbering restarted with this event (it was reset).
    pub restarted: bool,
}

/// What the session reports as it happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionUpdate {
    Event(SessionEvent),
    /// The device's state snapshot changed.
    State(DeviceState),
    /// A notification was refused; nothing was applied.
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

/// The standard Battery Level: one byte, a percentage.
fn decode_battery(bytes: &[u8]) -> Result<u8, DecodeError> {
    match bytes {
        [level] if *level <= 100 => Ok(*level),
        other => Err(DecodeError::InvalidValue {
            what: "battery level",
            reason: format!("{other:?} is not a percentage"),
        }),
    }
}

type Pending = Arc<Mutex<HashMap<u16, oneshot::Sender<CommandStatus>>>>;

/// An open session with one device.
pub struct Session<L: Link> {
    link: Arc<L>,
    identity: Identity,
    pairing: tokio::sync::Mutex<mpsc::Receiver<Vec<u8>>>,
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
            for characteristic in [
                uuids::PAIRING,
                uuids::COMMAND_RESULT,
                uuids::EVENTS,
                identity.kind.state_characteristic(),
            ] {
                within(deadline, "subscribing", link.subscribe(characteristic)).await?;
            }
            // The battery level is followed when the device offers it; without it the level
            // read at each connection stands.
            if let Err(error) = within(
                deadline,
                "subscribing",
                link.subscribe(uuids::BATTERY_LEVEL),
            )
            .await
            {
                tracing::debug!(%error, "the device does not notify its battery level");
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
        let pump = tokio::spawn(pump(
            stream,
            identity,
            SequenceTracker::new(last_seq),
            pairing_tx,
            Arc::clone(&pending),
            updates_tx,
        ));
        let session = Self {
            link: Arc::new(link),
            identity,
            pairing: tokio::sync::Mutex::new(pairing_rx),
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

    /// Reads the device's current state.
    pub async fn read_state(&self) -> Result<DeviceState, DeviceError> {
        let characteristic = self.identity.kind.state_characteristic();
        let bytes = within(
            self.timeout,
            "reading its state",
            self.link.read(characteristic),
        )
        .await?;
        Ok(DeviceState::decode(self.identity.kind, &bytes)?)
    }

    /// Reads the battery level, in percent.
    pub async fn battery(&self) -> Result<u8, DeviceError> {
        let bytes = within(
            self.timeout,
            "reading its battery",
            self.link.read(uuids::BATTERY_LEVEL),
        )
        .await?;
        Ok(decode_battery(&bytes)?)
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
    /// guessing. With `expected` (the id from a scanned QR code), a device with another identity
    /// is refused before anything is sent. Returns the fresh key to keep for this phone.
    pub async fn pair(
        &self,
        code: &SetupCode,
        expected: Option<DeviceId>,
    ) -> Result<PairingKey, DeviceError> {
        if let Some(expected) = expected {
            if expected != self.identity.id {
                return Err(DeviceError::NotTheScannedDevice {
                    expected,
                    found: self.identity.id,
                });
            }
        }
        let mut replies = self.pairing.lock().await;
        while replies.try_recv().is_ok() {
            // Drops stale replies from an abandoned attempt.
        }
        let (phone, start) = PhonePake::start(code, &self.identity.id, OsRng);
        self.send_pairing(PairingMessage::PakeStart { start })
            .await?;
        let (reply, device_confirm) = match self.pairing_reply(&mut replies).await? {
            PairingMessage::PakeReply { reply, confirm } => (reply, confirm),
            other => return Err(refusal(other)),
        };
        let (phone_confirm, key) = match phone.finish(&reply, &device_confirm) {
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
        })
        .await?;
        match self.pairing_reply(&mut replies).await? {
            PairingMessage::Outcome(PairingOutcome::Paired) => Ok(key),
            PairingMessage::Outcome(PairingOutcome::WrongProof) => Err(DeviceError::WrongCode),
            other => Err(refusal(other)),
        }
    }

    /// Proves, on this connection, that the app holds the key from an earlier pairing; the
    /// device accepts commands only after this (or [`Session::pair`]) on each connection.
    pub async fn authenticate(&self, key: &PairingKey) -> Result<(), DeviceError> {
        let id = self.identity.id;
        let mut app_nonce = [0u8; 16];
        getrandom::fill(&mut app_nonce)
            .map_err(|e| DeviceError::Stack(format!("no randomness for pairing: {e}")))?;
        let mut replies = self.pairing.lock().await;
        while replies.try_recv().is_ok() {
            // Drops stale replies from an abandoned attempt.
        }
        self.send_pairing(PairingMessage::Hello {
            app_nonce,
            key_id: key.id(),
        })
        .await?;
        let (device_nonce, device_proof) = match self.pairing_reply(&mut replies).await? {
            PairingMessage::Challenge {
                device_nonce,
                device_proof,
            } => (device_nonce, device_proof),
            // The device does not know this phone's key: removed, or the device was reset.
            PairingMessage::Outcome(PairingOutcome::WrongProof) => {
                return Err(DeviceError::NotPaired)
            }
            other => return Err(refusal(other)),
        };
        if !key.verify_device_proof(&id, &app_nonce, &device_nonce, &device_proof) {
            // Not the device this key was made with: never answer it.
            return Err(DeviceError::NotPaired);
        }
        self.send_pairing(PairingMessage::Answer {
            app_proof: key.app_proof(&id, &device_nonce, &app_nonce),
        })
        .await?;
        match self.pairing_reply(&mut replies).await? {
            PairingMessage::Outcome(PairingOutcome::Paired) => Ok(()),
            PairingMessage::Outcome(PairingOutcome::WrongProof) => Err(DeviceError::NotPaired),
            other => Err(refusal(other)),
        }
    }

    /// Asks the device to forget this phone (its key); the connection must be authenticated.
    pub async fn forget(&self) -> Result<(), DeviceError> {
        let mut replies = self.pairing.lock().await;
        while replies.try_recv().is_ok() {
            // Drops stale replies from an abandoned attempt.
        }
        self.send_pairing(PairingMessage::Forget).await?;
        match self.pairing_reply(&mut replies).await? {
            PairingMessage::Outcome(PairingOutcome::Paired) => Ok(()),
            PairingMessage::Outcome(PairingOutcome::WrongProof) => Err(DeviceError::NotPaired),
            other => Err(refusal(other)),
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
        let frame = CommandFrame {
            request_id,
            command,
        }
        .encode();
        let sent = within(
            self.timeout,
            "the command",
            self.link.write(uuids::COMMAND, &frame),
        )
        .await;
        if let Err(error) = sent {
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
        self.pending.lock().unwrap_or_else(PoisonError::into_inner)
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

async fn pump(
    mut stream: NotificationStream,
    identity: Identity,
    mut tracker: SequenceTracker,
    pairing: mpsc::Sender<Vec<u8>>,
    pending: Pending,
    updates: mpsc::Sender<SessionUpdate>,
) {
    let kind = identity.kind;
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
            c if c == uuids::COMMAND_RESULT => match ResultFrame::decode(&notification.value) {
                Ok(result) => {
                    let waiting = pending
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .remove(&result.request_id);
                    match waiting {
                        Some(tx) => {
                            let _ = tx.send(result.status);
                        }
                        None => tracing::debug!(
                            request_id = result.request_id,
                            "a result nobody waits for"
                        ),
                    }
                    None
                }
                Err(error) => Some(SessionUpdate::Rejected(error)),
            },
            c if c == uuids::BATTERY_LEVEL => Some(match decode_battery(&notification.value) {
                Ok(level) => SessionUpdate::Battery(level),
                Err(error) => SessionUpdate::Rejected(error),
            }),
            c if c == uuids::EVENTS => Some(match EventFrame::decode(kind, &notification.value) {
                Ok(frame) => match tracker.check(frame.seq) {
                    SequenceCheck::Replay => SessionUpdate::Replayed { seq: frame.seq },
                    check => {
                        let restarted = check == SequenceCheck::Restarted;
                        if restarted {
                            tracing::warn!(
                                seq = frame.seq,
                                last = tracker.last(),
                                "the device's event numbering restarted"
                            );
                            tracker.restart(frame.seq);
                        } else {
                            tracker.accept(frame.seq);
                        }
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
                },
                Err(error) => SessionUpdate::Rejected(error),
            }),
            c if c == kind.state_characteristic() => {
                Some(match DeviceState::decode(kind, &notification.value) {
                    Ok(state) => SessionUpdate::State(state),
                    Err(error) => SessionUpdate::Rejected(error),
                })
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
    // Every command still waiting learns that the connection is gone.
    pending
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clear();
    // The end of the connection must be heard: wait for room rather than drop it.
    let _ = updates.send(SessionUpdate::Disconnected).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_battery_level_is_one_byte_of_percent() {
        assert_eq!(decode_battery(&[0]), Ok(0));
        assert_eq!(decode_battery(&[100]), Ok(100));
        for bad in [&[101][..], &[255], &[], &[50, 0]] {
            assert!(
                decode_battery(bad).is_err(),
                "{bad:?} is not a battery level"
            );
        }
    }

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

    fn slice(seq: u32) -> crate::Notification {
        crate::Notification {
            characteristic: uuids::EVENTS,
            value: EventFrame {
                seq,
                event: Event::SliceToasted {
                    slices_total: seq,
                    shade: 3,
                },
            }
            .encode(),
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
        let flood = u32::try_from(UPDATE_QUEUE).expect("small") * 3;
        for seq in 1..=flood {
            device.send(slice(seq)).expect("session listening");
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
        device.send(slice(flood + 1)).expect("listening");
        let next = tokio::time::timeout(Duration::from_secs(5), updates.recv())
            .await
            .expect("in time");
        assert!(
            matches!(next, Some(SessionUpdate::Event(SessionEvent { seq, .. })) if seq == flood + 1),
            "once there is room the session delivers again, its numbering showing the gap: {next:?}"
        );
    }
}
