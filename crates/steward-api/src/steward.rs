//! [`Steward`]: the application state the shell manages, with one method per command.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use steward_core::store::DatabaseKey;
use steward_core::{home, HouseholdName, Store};
use steward_keystore::{get_or_create, Backing, Keystore};
use steward_protocol::keys::StaticSecret;

use crate::events::{AppEvent, EventSink};
use crate::wire::{DeviceStateView, FoundDeviceView, HomeView};
use crate::ApiError;

/// The open household: its store and where its events go.
///
/// The store is opened on first use and again after a failure, so a store that cannot be opened
/// (a full disk, a database from a newer app) never stops the app from starting: every command
/// answers with the reason instead, and "Try again" works once the cause is gone.
pub struct Steward {
    /// The connection everything is written through.
    store: Mutex<Option<Store>>,
    /// A second connection, for the screens' reads: they never wait on ingestion's writes.
    reader: Mutex<Option<Store>>,
    /// Where the database key and this phone's device-link key are kept.
    keystore: Arc<dyn Keystore>,
    pub(crate) events: Box<dyn EventSink>,
    data_dir: PathBuf,
    /// Where exports are written; the data directory's `exports` folder unless the shell says.
    export_dir: Option<PathBuf>,
    /// The devices, once the radio is open and this phone has Bluetooth (or the simulated home).
    pub(crate) devices: std::sync::OnceLock<Arc<dyn steward_devices::DeviceControl>>,
    /// How and when the radio is opened, when the shell leaves that to the household.
    pub(crate) radio: crate::radio::LazyRadio,
    /// The phone's Bluetooth permission; `None` where the platform has none (desktop Linux).
    pub(crate) bluetooth_access: Option<Arc<dyn crate::bluetooth::BluetoothAccess>>,
    /// The last scan's devices by address: pairing takes names from here, not from the UI.
    scanned: Mutex<HashMap<String, FoundDeviceView>>,
    /// The owner's offset from UTC in minutes, as the UI reports it: days start at their midnight.
    utc_offset_minutes: std::sync::atomic::AtomicI32,
    /// Each device's last reported state, with when it was reported (Unix seconds).
    live: Mutex<HashMap<steward_protocol::DeviceId, (DeviceStateView, i64)>>,
    /// Device events whose batch could not be committed (a busy or full disk), kept in order to
    /// be written again: an event is only ever acknowledged by its commit.
    pub(crate) unrecorded: Mutex<Vec<steward_core::store::ingest::DeviceEvent>>,
    /// The HTTP client for partners, made on first use.
    pub(crate) partner_client: std::sync::OnceLock<steward_partners::PartnerClient>,
    /// Recent device events (the last hour, in memory only), for the matcher's patterns.
    pub(crate) recent: crate::offers::RecentEvents,
    /// Demo mode's position (the simulated home's street), used when the UI gives none.
    pub(crate) demo_position: Option<steward_core::feed::household::Position>,
    /// What is on screen, held or waiting, and the platform's notifier.
    pub(crate) notifying: crate::notifying::Notifying,
    /// Rung when the owner wrote to a maker: a reply is now awaited.
    pub(crate) support_wake: tokio::sync::Notify,
    /// Where the phone is, and the store geofences it is in.
    pub(crate) whereabouts: crate::location::Whereabouts,
}

impl std::fmt::Debug for Steward {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Steward")
            .field("data_dir", &self.data_dir)
            .finish_non_exhaustive()
    }
}

impl Steward {
    /// The household kept in `data_dir`, its keys in `keystore`. Tries to open (and migrate) its
    /// store at once, so start-up problems are logged early; a failure is reported by the first
    /// command instead.
    pub fn open(
        data_dir: &Path,
        events: impl EventSink + 'static,
        keystore: Arc<dyn Keystore>,
    ) -> Self {
        let steward = Self {
            store: Mutex::new(None),
            reader: Mutex::new(None),
            keystore,
            events: Box::new(events),
            data_dir: data_dir.to_owned(),
            export_dir: None,
            utc_offset_minutes: std::sync::atomic::AtomicI32::new(0),
            devices: std::sync::OnceLock::new(),
            radio: crate::radio::LazyRadio::default(),
            bluetooth_access: None,
            scanned: Mutex::default(),
            live: Mutex::default(),
            unrecorded: Mutex::default(),
            partner_client: std::sync::OnceLock::new(),
            recent: std::sync::Mutex::default(),
            demo_position: None,
            notifying: crate::notifying::Notifying::default(),
            support_wake: tokio::sync::Notify::new(),
            whereabouts: crate::location::Whereabouts::default(),
        };
        if let Err(error) = steward.with_reader(|_| Ok(())) {
            tracing::error!(%error, dir = %data_dir.display(), "the store could not be opened at start");
        }
        steward
    }

    /// Gives the household its devices.
    pub fn with_devices(self, control: Arc<dyn steward_devices::DeviceControl>) -> Self {
        self.attach_devices(control);
        self
    }

    /// Demo mode: offers and search measure distances from here when the UI gives no position.
    pub fn with_demo_position(mut self, latitude: f64, longitude: f64) -> Self {
        if latitude.is_finite()
            && longitude.is_finite()
            && (-90.0..=90.0).contains(&latitude)
            && (-180.0..=180.0).contains(&longitude)
        {
            self.demo_position = Some(steward_core::feed::household::Position {
                lat: latitude,
                lon: longitude,
            });
        }
        self
    }

    /// Writes exports to `dir` (the phone's downloads folder, say).
    pub fn with_export_dir(mut self, dir: PathBuf) -> Self {
        self.export_dir = Some(dir);
        self
    }

    /// Where exports are written.
    pub fn export_dir(&self) -> PathBuf {
        self.export_dir
            .clone()
            .unwrap_or_else(|| self.data_dir.join("exports"))
    }

    /// Sets the owner's offset from UTC (minutes east), so "today" in forecasts and charts starts
    /// at their midnight. The UI reports it at start; offsets beyond ±14 hours are refused.
    pub fn set_utc_offset(&self, minutes: i32) -> Result<(), ApiError> {
        if !(-14 * 60..=14 * 60).contains(&minutes) {
            return Err(ApiError {
                code: crate::ErrorCode::InvalidInput,
                message: "Time zone: an offset from UTC is at most 14 hours.".into(),
            });
        }
        self.utc_offset_minutes
            .store(minutes, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    }

    /// Now, with the owner's offset from UTC.
    pub(crate) fn local_now(&self) -> crate::inventory::LocalNow {
        let minutes = self
            .utc_offset_minutes
            .load(std::sync::atomic::Ordering::Relaxed);
        crate::inventory::LocalNow {
            now: unix_now(),
            offset: i64::from(minutes) * 60,
        }
    }

    /// Where this household's data lives.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The home screen's summary.
    pub fn home(&self) -> Result<HomeView, ApiError> {
        self.with_reader(|store| home::summary(store))
            .map(HomeView::from)
    }

    /// Names the household, announcing the new summary.
    pub fn set_household_name(&self, name: &str) -> Result<HomeView, ApiError> {
        let name = HouseholdName::parse(name)?;
        let view = self
            .with_store(|store| home::rename(store, &name, unix_now()))
            .map(HomeView::from)?;
        self.events.emit(AppEvent::HomeChanged(view.clone()));
        Ok(view)
    }

    /// Announces the current home summary (after a device was added).
    pub(crate) fn announce_home(&self) {
        if let Ok(view) = self.home() {
            self.events.emit(AppEvent::HomeChanged(view));
        }
    }

    pub(crate) fn remember_scan(&self, found: &[FoundDeviceView]) {
        let mut scanned = self.scanned.lock().unwrap_or_else(PoisonError::into_inner);
        scanned.clear();
        scanned.extend(found.iter().map(|f| (f.address.clone(), f.clone())));
    }

    pub(crate) fn scanned(&self, address: &str) -> Option<FoundDeviceView> {
        self.scanned
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(address)
            .cloned()
    }

    /// The device's last reported state and when it was reported.
    pub(crate) fn cached_state(
        &self,
        id: &steward_protocol::DeviceId,
    ) -> Option<(DeviceStateView, i64)> {
        self.live
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(id)
            .cloned()
    }

    pub(crate) fn cache_state(
        &self,
        id: steward_protocol::DeviceId,
        state: Option<DeviceStateView>,
    ) {
        let mut live = self.live.lock().unwrap_or_else(PoisonError::into_inner);
        match state {
            Some(state) => live.insert(id, (state, unix_now())),
            None => live.remove(&id),
        };
    }

    /// The household database's key, made and kept in the keystore the first time.
    fn database_key(&self) -> Result<DatabaseKey, ApiError> {
        let (secret, made) = get_or_create(self.keystore.as_ref(), DATABASE_KEY)?;
        if made {
            tracing::info!(backing = ?self.keystore.backing(), "made the household database key");
        }
        Ok(DatabaseKey::from_bytes(*secret.expose()))
    }

    /// This phone's long-term key for the device link, made and kept in the keystore the first
    /// time; every paired device knows its public half.
    pub fn phone_key(&self) -> Result<StaticSecret, ApiError> {
        let (secret, _) = get_or_create(self.keystore.as_ref(), DEVICE_LINK_KEY)?;
        Ok(StaticSecret::from_bytes(*secret.expose()))
    }

    /// How the data is protected at rest, in the owner's words.
    pub fn data_protection(&self) -> crate::inventory_wire::DataProtectionView {
        let (in_keystore, message) = match self.keystore.backing() {
            Backing::Platform(name) => (
                true,
                format!("It is encrypted, and the key is kept in {name}, not beside the data."),
            ),
            Backing::File(dir) => (
                false,
                format!(
                    "It is encrypted, but this system has no keyring to keep the key in, so the key is in a file                      only your account can read ({}). Anyone who can read your files can read your household data.",
                    dir.display()
                ),
            ),
            Backing::Memory => (
                false,
                "It is encrypted with a key kept only while Steward runs.".to_owned(),
            ),
        };
        crate::inventory_wire::DataProtectionView {
            in_keystore,
            message,
        }
    }

    /// Runs `work` on the store, opening it first if it is not open. The lock is taken even if
    /// an earlier command panicked while holding it: SQLite rolled back any unfinished
    /// transaction, so the data is consistent.
    pub(crate) fn with_store<T>(
        &self,
        work: impl FnOnce(&mut Store) -> steward_core::Result<T>,
    ) -> Result<T, ApiError> {
        let mut slot = self.store.lock().unwrap_or_else(PoisonError::into_inner);
        let store = match &mut *slot {
            Some(store) => store,
            empty => {
                let key = self.database_key()?;
                let mut store = Store::open_encrypted(&self.data_dir, &key)?;
                // "Low means listed" at start too: a level recorded while the rule was another,
                // or by an older release, reaches the list now.
                steward_core::store::consumables::apply_list_rule_to_all(&mut store, unix_now())?;
                tracing::info!(path = ?store.path(), "store opened");
                empty.insert(store)
            }
        };
        Ok(work(store)?)
    }

    /// Runs `work` on the read connection, opening it (after the store, which migrates) if it
    /// is not open. Only reads: the connection is `query_only`, so a write here is an error,
    /// never a silent second writer.
    pub(crate) fn with_reader<T>(
        &self,
        work: impl FnOnce(&mut Store) -> steward_core::Result<T>,
    ) -> Result<T, ApiError> {
        let mut slot = self.reader.lock().unwrap_or_else(PoisonError::into_inner);
        let reader = match &mut *slot {
            Some(reader) => reader,
            empty => {
                // The writer opens (and migrates) the store first. A writer busy right now has
                // opened it already: waiting for its write is what this connection avoids.
                let writer_open = match self.store.try_lock() {
                    Ok(slot) => slot.is_some(),
                    Err(std::sync::TryLockError::WouldBlock) => true,
                    Err(std::sync::TryLockError::Poisoned(slot)) => slot.into_inner().is_some(),
                };
                if !writer_open {
                    self.with_store(|_| Ok(()))?;
                }
                let key = self.database_key()?;
                empty.insert(Store::open_reader(&self.data_dir, &key)?)
            }
        };
        Ok(work(reader)?)
    }
}

/// The keystore entry holding the household database's key.
const DATABASE_KEY: &str = "database-key";
/// The keystore entry holding this phone's long-term device-link key.
const DEVICE_LINK_KEY: &str = "device-link-key";

pub(crate) fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;
    use std::time::Duration;

    use super::*;

    /// The screens read through their own connection: while a write holds the store (a long
    /// ingest batch), the inventory, a detail, the list and the home still answer.
    #[test]
    fn screens_answer_while_a_write_holds_the_store() {
        let dir = tempfile::tempdir().expect("temp dir");
        let steward = Steward::open(
            dir.path(),
            crate::events::Discard,
            Arc::new(steward_keystore::MemoryKeystore::default()),
        );
        steward.set_household_name("Maple Street").expect("named");
        let (held, holding) = mpsc::channel();
        let (release, released) = mpsc::channel::<()>();
        let (answered, answers) = mpsc::channel();
        let steward = &steward;
        std::thread::scope(|scope| {
            scope.spawn(move || {
                steward
                    .with_store(|_| {
                        held.send(()).expect("main waits");
                        // Held until the reads below have answered (or the test gave up).
                        let _ = released.recv_timeout(Duration::from_secs(60));
                        Ok(())
                    })
                    .expect("the write");
            });
            holding.recv().expect("the write holds the store");
            scope.spawn(move || {
                let home = steward.home().map(|h| h.household_name);
                let inventory = steward.inventory().map(|i| i.consumables.len());
                let list = steward.shopping_list().map(|l| l.items.len());
                answered.send((home, inventory, list)).expect("main waits");
            });
            let reads = answers.recv_timeout(Duration::from_secs(30));
            release.send(()).expect("the writer waits");
            let (home, inventory, list) =
                reads.expect("the reads answered while the write held the store");
            assert_eq!(home.expect("home"), Some("Maple Street".to_owned()));
            assert_eq!(inventory.expect("inventory"), 0);
            assert_eq!(list.expect("list"), 0);
        });
    }
}
