//! The hub: every paired device's session at once, kept alive. It forwards each device's updates
//! in one stream, and when a device drops it reconnects with backoff, runs pair-verify with this
//! phone's long-term key and the device's, and resumes from the last event it delivered, so
//! nothing is counted twice; a reset device is known from its authenticated boot id.
//!
//! No device can stall the others: every operation has a deadline ([`Deadlines`]), the radio
//! lock is held only while a scan runs (BlueZ refuses overlapping discoveries), never while
//! connecting to or waiting on a device, and a candidate that fails in any way during a
//! reconnection (a look-alike, a broken or slow device) is skipped and logged, not fatal.
//!
//! While the phone's Bluetooth is off the hub does not scan or connect: it answers
//! [`DeviceError::RadioOff`] at once, and reconnects every paired device as soon as the radio
//! is back on, instead of waiting out its backoff.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use steward_protocol::command::Command;
use steward_protocol::keys::{PublicKey, StaticSecret};
use steward_protocol::pairing::SetupCode;
use steward_protocol::pake::OsRng;
use steward_protocol::{DeviceId, DeviceKind, DeviceState, Identity};
use tokio::sync::mpsc;

use crate::deadline::within;
use crate::session::SessionUpdate;
use crate::{Backoff, Central, Deadlines, DeviceError, RadioState, Session};

/// A device the phone has paired with, as the hub needs to know it.
#[derive(Debug, Clone)]
pub struct KnownDevice {
    pub id: DeviceId,
    pub kind: DeviceKind,
    /// The device's long-term public key, learned at pairing.
    pub device_key: PublicKey,
    /// The boot id the device gave in its last session (`None` before the first).
    pub boot_id: Option<[u8; 8]>,
    /// The last event sequence already recorded (within that boot).
    pub last_seq: u32,
}

/// A device just paired: who it is and what to keep about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paired {
    pub identity: Identity,
    pub device_key: PublicKey,
    pub boot_id: [u8; 8],
}

/// What a device said about itself when it connected.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DeviceInfo {
    pub firmware: Option<String>,
    pub battery_percent: Option<u8>,
}

/// What the hub reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HubEvent {
    /// A session is open; `boot_id` is the device's, authenticated (a new one means its event
    /// numbering restarted: what was recorded of the old numbering no longer applies).
    Connected {
        id: DeviceId,
        boot_id: [u8; 8],
    },
    /// The device dropped; the hub is trying to reconnect.
    Disconnected {
        id: DeviceId,
    },
    Update {
        id: DeviceId,
        update: SessionUpdate,
    },
}

/// Hub events held for the app. When it is full, each device's forwarder waits (so that
/// device's own session queue fills and drops, see [`crate::session::UPDATE_QUEUE`]); connects and
/// disconnects are never dropped.
pub const EVENT_QUEUE: usize = 4096;

/// How long a scan for a device listens.
const SCAN_WINDOW: Duration = Duration::from_millis(400);

/// Live sessions by device, with the address each is connected at.
type Live<L> = HashMap<DeviceId, (Arc<Session<L>>, String)>;

struct Inner<C: Central> {
    central: C,
    /// This phone's long-term key: the same for every device (each device keeps its public half).
    phone_key: StaticSecret,
    backoff: Backoff,
    deadlines: Deadlines,
    known: Mutex<HashMap<DeviceId, KnownDevice>>,
    /// Live sessions, with the address each is connected at.
    sessions: Mutex<Live<C::Link>>,
    events: mpsc::Sender<HubEvent>,
    /// Firmware and battery, read on each connection.
    info: Mutex<HashMap<DeviceId, DeviceInfo>>,
    /// Why a known device's last reconnection failed, when it said more than "not found".
    problems: Mutex<HashMap<DeviceId, DeviceError>>,
    /// One scan at a time: BlueZ refuses overlapping discoveries. Held only while scanning.
    radio: tokio::sync::Mutex<()>,
}

/// All paired devices' sessions. Cheap to clone.
pub struct Hub<C: Central + 'static> {
    inner: Arc<Inner<C>>,
}

impl<C: Central + 'static> Clone for Hub<C> {
    fn clone(&self) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<C: Central + 'static> Hub<C> {
    /// A hub with a new phone key made for it: for tests and tools that pair afresh each run.
    /// The app keeps its key in the keystore and uses [`Hub::with_phone_key`].
    pub fn new(central: C, backoff: Backoff) -> (Self, mpsc::Receiver<HubEvent>) {
        Self::with_deadlines(central, backoff, Deadlines::default())
    }

    /// [`Hub::new`] with other deadlines (tests use short ones).
    pub fn with_deadlines(
        central: C,
        backoff: Backoff,
        deadlines: Deadlines,
    ) -> (Self, mpsc::Receiver<HubEvent>) {
        Self::with_phone_key(central, backoff, deadlines, StaticSecret::generate(OsRng))
    }

    /// A hub that proves itself to devices with `phone_key`, this phone's long-term key.
    pub fn with_phone_key(
        central: C,
        backoff: Backoff,
        deadlines: Deadlines,
        phone_key: StaticSecret,
    ) -> (Self, mpsc::Receiver<HubEvent>) {
        let (events, rx) = mpsc::channel(EVENT_QUEUE);
        let inner = Inner {
            central,
            phone_key,
            backoff,
            deadlines,
            known: Mutex::default(),
            sessions: Mutex::default(),
            events,
            radio: tokio::sync::Mutex::new(()),
            info: Mutex::default(),
            problems: Mutex::default(),
        };
        (
            Self {
                inner: Arc::new(inner),
            },
            rx,
        )
    }

    /// The radio's state now and as it changes.
    pub fn radio(&self) -> tokio::sync::watch::Receiver<RadioState> {
        self.inner.central.radio()
    }

    /// Refuses at once while the radio is off, rather than letting an operation time out.
    fn require_radio(&self) -> Result<(), DeviceError> {
        match *self.inner.central.radio().borrow() {
            RadioState::Off => Err(DeviceError::RadioOff),
            RadioState::On | RadioState::Unknown => Ok(()),
        }
    }

    /// Scans for Steward devices of any kind.
    pub async fn scan(&self, window: Duration) -> Result<Vec<crate::Advertisement>, DeviceError> {
        self.require_radio()?;
        self.scan_for(&DeviceKind::ALL, window).await
    }

    /// One scan, alone on the radio, within its window plus the deadline's margin.
    async fn scan_for(
        &self,
        kinds: &[DeviceKind],
        window: Duration,
    ) -> Result<Vec<crate::Advertisement>, DeviceError> {
        let _radio = self.inner.radio.lock().await;
        within(
            window + self.inner.deadlines.scan_margin,
            "scanning",
            self.inner.central.scan(kinds, window),
        )
        .await
    }

    /// Connects to `address` and opens a session, each step within its deadline; no lock held.
    async fn open_session(
        &self,
        address: &str,
        last_seq: u32,
    ) -> Result<(Session<C::Link>, mpsc::Receiver<SessionUpdate>), DeviceError> {
        let deadlines = self.inner.deadlines;
        let link = within(
            deadlines.connect,
            "connecting",
            self.inner.central.connect(address),
        )
        .await?;
        Session::open_within(link, last_seq, deadlines.operation).await
    }

    /// Pairs with the device at `address`, opens the session and keeps it. Returns who it is
    /// and what to store.
    pub async fn pair(
        &self,
        address: &str,
        code: &SetupCode,
        expected: Option<DeviceId>,
    ) -> Result<Paired, DeviceError> {
        self.require_radio()?;
        let (session, updates) = self.open_session(address, 0).await?;
        let identity = session.identity();
        let phone_key = &self.inner.phone_key;
        let paired = async {
            let device_key = session.pair(code, expected, phone_key).await?;
            let hello = session.verify(phone_key, &device_key, None).await?;
            Ok::<_, DeviceError>((device_key, hello))
        };
        let (device_key, hello) = match paired.await {
            Ok(paired) => paired,
            Err(error) => {
                // Best effort: the device is not ours, so the connection is not kept.
                let _ = session.close().await;
                return Err(error);
            }
        };
        let known = KnownDevice {
            id: identity.id,
            kind: identity.kind,
            device_key,
            boot_id: Some(hello.boot_id),
            last_seq: 0,
        };
        self.lock_known().insert(identity.id, known);
        self.read_info(&session).await;
        self.adopt(
            identity.id,
            hello.boot_id,
            address.to_owned(),
            session,
            updates,
        );
        Ok(Paired {
            identity,
            device_key,
            boot_id: hello.boot_id,
        })
    }

    /// Reconnects to devices paired earlier (at start-up), each in the background with backoff.
    pub fn restore(&self, devices: Vec<KnownDevice>) {
        let ids: Vec<DeviceId> = devices.iter().map(|d| d.id).collect();
        self.lock_known()
            .extend(devices.into_iter().map(|d| (d.id, d)));
        for id in ids {
            tokio::spawn(reconnect(self.clone(), id));
        }
    }

    /// Sends `command` to a connected device and waits for its confirmation.
    pub async fn command(&self, id: &DeviceId, command: Command) -> Result<(), DeviceError> {
        self.session(id)?.command(command).await
    }

    /// Reads a connected device's state.
    pub async fn read_state(&self, id: &DeviceId) -> Result<DeviceState, DeviceError> {
        self.session(id)?.read_state().await
    }

    /// What the device said about itself when it last connected.
    pub fn info(&self, id: &DeviceId) -> Option<DeviceInfo> {
        self.inner
            .info
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(id)
            .cloned()
    }

    /// Reads the firmware revision; a device that cannot answer it is still usable. The battery
    /// level arrives inside the session.
    async fn read_info(&self, session: &Session<C::Link>) {
        let firmware = session.firmware().await.ok();
        self.inner
            .info
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(session.identity().id)
            .or_default()
            .firmware = firmware;
    }

    /// Why a known device could not be reconnected, when the device itself said why (it refuses
    /// pairing for a while, it no longer knows this phone); `None` when it simply was not found.
    pub fn problem(&self, id: &DeviceId) -> Option<DeviceError> {
        self.inner
            .problems
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(id)
            .cloned()
    }

    fn set_problem(&self, id: DeviceId, problem: Option<DeviceError>) {
        let mut problems = self
            .inner
            .problems
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        match problem {
            Some(problem) => problems.insert(id, problem),
            None => problems.remove(&id),
        };
    }

    /// Whether the device has a live session.
    pub fn is_connected(&self, id: &DeviceId) -> bool {
        self.lock_sessions().contains_key(id)
    }

    /// The address each connected device is at now, so that a scan can tell which of the
    /// devices it heard are already paired.
    pub fn connected_at(&self) -> Vec<(DeviceId, String)> {
        self.lock_sessions()
            .iter()
            .map(|(id, (_, address))| (*id, address.clone()))
            .collect()
    }

    /// Stops keeping a device without asking it to forget this phone (the app is closing, or a
    /// test restarts it): disconnects it and stops reconnecting.
    pub async fn release(&self, id: &DeviceId) {
        self.lock_known().remove(id);
        let session = self.lock_sessions().remove(id);
        if let Some((session, _)) = session {
            if let Ok(session) = Arc::try_unwrap(session) {
                let _ = session.close().await;
            }
        }
    }

    /// Stops keeping a device: asks it to forget this phone when it is connected (best effort:
    /// out of range, it keeps the key until it is reset, and the phone no longer has it),
    /// disconnects it and stops reconnecting. Returns whether the device confirmed.
    pub async fn forget(&self, id: &DeviceId) -> bool {
        self.lock_known().remove(id);
        self.set_problem(*id, None);
        let session = self.lock_sessions().remove(id);
        let Some((session, _)) = session else {
            return false;
        };
        let forgotten = match session.forget().await {
            Ok(()) => true,
            Err(error) => {
                tracing::warn!(device = %id, %error, "the device could not be asked to forget this phone");
                false
            }
        };
        if let Ok(session) = Arc::try_unwrap(session) {
            let _ = session.close().await;
        }
        forgotten
    }

    fn session(&self, id: &DeviceId) -> Result<Arc<Session<C::Link>>, DeviceError> {
        self.require_radio()?;
        self.lock_sessions()
            .get(id)
            .map(|(session, _)| Arc::clone(session))
            .ok_or(DeviceError::OutOfRange)
    }

    fn lock_known(&self) -> std::sync::MutexGuard<'_, HashMap<DeviceId, KnownDevice>> {
        self.inner
            .known
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn lock_sessions(&self) -> std::sync::MutexGuard<'_, Live<C::Link>> {
        self.inner
            .sessions
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Keeps a session and forwards its updates until it drops, then reconnects.
    fn adopt(
        &self,
        id: DeviceId,
        boot_id: [u8; 8],
        address: String,
        session: Session<C::Link>,
        mut updates: mpsc::Receiver<SessionUpdate>,
    ) {
        self.lock_sessions()
            .insert(id, (Arc::new(session), address));
        self.set_problem(id, None);
        let hub = self.clone();
        tokio::spawn(async move {
            let _ = hub
                .inner
                .events
                .send(HubEvent::Connected { id, boot_id })
                .await;
            while let Some(update) = updates.recv().await {
                if let SessionUpdate::Battery(level) = update {
                    hub.inner
                        .info
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .entry(id)
                        .or_default()
                        .battery_percent = Some(level);
                }
                if let SessionUpdate::Event(event) = &update {
                    if let Some(known) = hub.lock_known().get_mut(&id) {
                        known.last_seq = known.last_seq.max(event.seq);
                    }
                }
                if update == SessionUpdate::Disconnected {
                    break;
                }
                let _ = hub.inner.events.send(HubEvent::Update { id, update }).await;
            }
            hub.lock_sessions().remove(&id);
            if hub.lock_known().contains_key(&id) {
                let _ = hub.inner.events.send(HubEvent::Disconnected { id }).await;
                reconnect(hub, id).await;
            }
        });
    }
}

/// Tries to bring a known device back, with backoff, until it is back or forgotten. While the
/// radio is off it only waits for it; the radio coming back on starts the schedule afresh.
async fn reconnect<C: Central + 'static>(hub: Hub<C>, id: DeviceId) {
    let mut radio = hub.inner.central.radio();
    'schedule: loop {
        for delay in hub.inner.backoff.delays() {
            if *radio.borrow_and_update() == RadioState::Off {
                // Err: the central is gone, and with it any chance of reconnecting.
                if radio.wait_for(|s| *s != RadioState::Off).await.is_err() {
                    return;
                }
            }
            let Some(known) = hub.lock_known().get(&id).cloned() else {
                return;
            };
            match attempt(&hub, &known).await {
                Ok(()) => return,
                Err(error) => {
                    tracing::debug!(device = %id, %error, ?delay, "reconnect failed; retrying");
                    let said_why = matches!(
                        error,
                        DeviceError::LockedOut { .. }
                            | DeviceError::NotPaired
                            | DeviceError::WrongCode
                    );
                    hub.set_problem(id, said_why.then_some(error));
                }
            }
            tokio::select! {
                () = tokio::time::sleep(delay) => {}
                changed = radio.changed() => {
                    if changed.is_err() {
                        return;
                    }
                    continue 'schedule;
                }
            }
        }
    }
}

/// One reconnection attempt: scan for the kind, then try each candidate, strongest signal first,
/// until one proves to be the device, authenticates and resumes. A candidate that fails in any
/// way (it does not answer, is not ours, cannot prove the key) is skipped and logged.
async fn attempt<C: Central + 'static>(
    hub: &Hub<C>,
    known: &KnownDevice,
) -> Result<(), DeviceError> {
    let mut candidates = hub.scan_for(&[known.kind], SCAN_WINDOW).await?;
    candidates.sort_by(|a, b| {
        b.rssi
            .unwrap_or(i16::MIN)
            .cmp(&a.rssi.unwrap_or(i16::MIN))
            .then_with(|| a.address.cmp(&b.address))
    });
    // The device itself, found but refusing, says more than "not found" about why.
    let mut refused_by_it = None;
    for candidate in candidates {
        let busy = hub
            .lock_sessions()
            .values()
            .any(|(_, address)| *address == candidate.address);
        if busy {
            // Connected already as another of our devices: connecting again would disturb it.
            continue;
        }
        match try_candidate(hub, known, &candidate.address).await {
            Ok(()) => return Ok(()),
            Err(error) => {
                tracing::info!(
                    device = %known.id,
                    candidate = %candidate.address,
                    %error,
                    "skipped a candidate while reconnecting"
                );
                if matches!(
                    error,
                    DeviceError::LockedOut { .. } | DeviceError::NotPaired | DeviceError::WrongCode
                ) {
                    refused_by_it = Some(error);
                }
            }
        }
    }
    Err(refused_by_it.unwrap_or(DeviceError::OutOfRange))
}

/// Connects to one candidate and keeps it if it is the known device and proves the kept key.
async fn try_candidate<C: Central + 'static>(
    hub: &Hub<C>,
    known: &KnownDevice,
    address: &str,
) -> Result<(), DeviceError> {
    let (session, updates) = hub.open_session(address, known.last_seq).await?;
    let verified = if session.identity().id != known.id {
        Err(DeviceError::NotTheScannedDevice {
            expected: known.id,
            found: session.identity().id,
        })
    } else {
        session
            .verify(&hub.inner.phone_key, &known.device_key, known.boot_id)
            .await
    };
    let hello = match verified {
        Ok(hello) => hello,
        Err(error) => {
            // Best effort: a connection to a device that is not ours is not kept.
            let _ = session.close().await;
            return Err(error);
        }
    };
    if let Some(kept) = hub.lock_known().get_mut(&known.id) {
        if kept.boot_id != Some(hello.boot_id) {
            // A new boot: the old numbering is gone, the session follows the new one from 0.
            kept.boot_id = Some(hello.boot_id);
            kept.last_seq = 0;
        }
    }
    hub.read_info(&session).await;
    hub.adopt(
        known.id,
        hello.boot_id,
        address.to_owned(),
        session,
        updates,
    );
    Ok(())
}
