//! The platform's location service for the household's store offers: GeoClue2 on desktop Linux
//! (`steward-location`), tauri-plugin-geolocation on Android and iOS (asked for while in use,
//! after the owner switched "Use my location" on, which shows Steward's reason first). Reports
//! go to the household, which checks them; nothing here decides anything.
//!
//! It must never start following the position while the owner has location use off.

use std::sync::{Arc, Mutex, PoisonError};

use steward_api::location_wire::PositionReportInput;
use tauri::{AppHandle, Manager, Runtime};

/// The running follower, if any: stopped when the owner switches location use off.
#[derive(Default)]
struct Following(Mutex<Option<Stop>>);

/// Starts or stops following; bound to the app's runtime when the app is built, so the command
/// needs no runtime parameter (managed state).
pub struct Locator(Box<dyn Fn(bool) + Send + Sync>);

impl Locator {
    pub fn new<R: Runtime>(app: AppHandle<R>) -> Self {
        let following = Arc::new(Following::default());
        Self(Box::new(move |on| {
            if on {
                start(&app, &following);
            } else {
                stop(&app, &following);
            }
        }))
    }

    /// Follows the position (`true`) or stops.
    pub fn follow(&self, on: bool) {
        (self.0)(on)
    }
}

enum Stop {
    #[cfg(target_os = "linux")]
    Task(tauri::async_runtime::JoinHandle<()>),
    #[cfg(mobile)]
    Watch(u32),
    #[allow(dead_code)]
    Nothing,
}

/// Reports go to the household (checked there), on the async runtime.
struct Sink<R: Runtime>(AppHandle<R>);

impl<R: Runtime> steward_api::LocationSink for Sink<R> {
    fn report(&self, latitude: f64, longitude: f64, accuracy_m: f64) {
        let handle = self.0.clone();
        tauri::async_runtime::spawn(async move {
            let steward = handle.state::<steward_api::Steward>();
            let report = PositionReportInput {
                latitude,
                longitude,
                accuracy_meters: accuracy_m,
            };
            if let Err(error) = steward.position_report(report).await {
                tracing::warn!(message = %error.message, "a position report was refused");
            }
        });
    }

    fn lost(&self, why: &str) {
        self.0.state::<steward_api::Steward>().location_lost(why);
    }
}

/// Starts following the position (once); the household ignores reports while location is off.
fn start<R: Runtime>(app: &AppHandle<R>, following: &Following) {
    let mut running = following.0.lock().unwrap_or_else(PoisonError::into_inner);
    if running.is_some() {
        return;
    }
    let sink: Arc<dyn steward_api::LocationSink> = Arc::new(Sink(app.clone()));
    #[cfg(target_os = "linux")]
    {
        let task = tauri::async_runtime::spawn(async move {
            steward_location::geoclue::follow(crate::APP_ID, sink).await;
        });
        *running = Some(Stop::Task(task));
    }
    #[cfg(mobile)]
    {
        use tauri_plugin_geolocation::{
            GeolocationExt, PermissionType, PositionOptions, WatchEvent,
        };
        let geolocation = app.geolocation();
        // The system's question, after the owner switched location on in Steward (with its reason).
        match geolocation.request_permissions(Some(vec![PermissionType::Location])) {
            Ok(status) if status.location == tauri::plugin::PermissionState::Granted => {}
            Ok(_) => {
                sink.lost("you did not allow Steward to use your location");
                return;
            }
            Err(error) => {
                sink.lost(&format!("the location service answered: {error}"));
                return;
            }
        }
        let options = PositionOptions {
            enable_high_accuracy: true,
            timeout: 30_000,
            maximum_age: 10_000,
        };
        let watcher = Arc::clone(&sink);
        match geolocation.watch_position(options, move |event| match event {
            WatchEvent::Position(p) => {
                watcher.report(p.coords.latitude, p.coords.longitude, p.coords.accuracy)
            }
            WatchEvent::Error(error) => watcher.lost(&error),
        }) {
            Ok(id) => *running = Some(Stop::Watch(id)),
            Err(error) => sink.lost(&format!("the location service answered: {error}")),
        }
    }
    #[cfg(not(any(target_os = "linux", mobile)))]
    {
        sink.lost("this system has no location service Steward can use");
        *running = Some(Stop::Nothing);
    }
}

/// Stops following (location use switched off).
#[cfg_attr(not(mobile), allow(unused_variables))]
fn stop<R: Runtime>(app: &AppHandle<R>, following: &Following) {
    let taken = following
        .0
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take();
    match taken {
        #[cfg(target_os = "linux")]
        Some(Stop::Task(task)) => task.abort(),
        #[cfg(mobile)]
        Some(Stop::Watch(id)) => {
            use tauri_plugin_geolocation::GeolocationExt;
            let _ = app.geolocation().clear_watch(id);
        }
        _ => {}
    }
}
