//! [`Steward`]: the application state the shell manages, with one method per command.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use steward_core::{home, HouseholdName, Store};

use crate::events::{AppEvent, EventSink};
use crate::wire::HomeView;
use crate::ApiError;

/// The open household: its store and where its events go.
pub struct Steward {
    store: Mutex<Store>,
    events: Box<dyn EventSink>,
    data_dir: PathBuf,
}

impl std::fmt::Debug for Steward {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Steward")
            .field("data_dir", &self.data_dir)
            .finish_non_exhaustive()
    }
}

impl Steward {
    /// Opens the household kept in `data_dir`, migrating its store if needed.
    pub fn open(data_dir: &Path, events: impl EventSink + 'static) -> Result<Self, ApiError> {
        let store = Store::open_in(data_dir)?;
        tracing::info!(path = ?store.path(), "store opened");
        Ok(Self {
            store: Mutex::new(store),
            events: Box::new(events),
            data_dir: data_dir.to_owned(),
        })
    }

    /// Where this household's data lives.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The home screen's summary.
    pub fn home(&self) -> Result<HomeView, ApiError> {
        Ok(home::summary(&self.store())?.into())
    }

    /// Names the household, announcing the new summary.
    pub fn set_household_name(&self, name: &str) -> Result<HomeView, ApiError> {
        let name = HouseholdName::parse(name)?;
        let view: HomeView = home::rename(&mut self.store(), &name, unix_now())?.into();
        self.events.emit(AppEvent::HomeChanged(view.clone()));
        Ok(view)
    }

    /// The store, even if an earlier command panicked while holding it: SQLite rolled back any
    /// unfinished transaction, so the data is consistent.
    fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
