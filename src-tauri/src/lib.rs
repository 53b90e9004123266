//! Steward's app shell: builds Tauri around `steward-api`. It parses, calls the API and maps
//! events; it must never hold business logic (that belongs in `crates/`).

pub mod bindings;
mod bluetooth_access;
mod commands;
mod data_dir;
mod devices;
pub mod dispatch;
pub mod events;
mod exports;
mod keystore;
mod locator;
mod notifier;

use tauri::{Manager, Runtime};

/// Registers the plugins, the commands and the managed state on `builder`. Generic over the
/// runtime so tests can build the same app on Tauri's mock runtime.
pub fn build<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    // The geolocation plugin on phones only: on desktop it is a stub answering 0,0, and Linux
    // has GeoClue2 instead (`locator.rs`).
    #[cfg(mobile)]
    let builder = builder.plugin(tauri_plugin_geolocation::init());
    builder
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_notification::init())
        .plugin(bluetooth_access::plugin())
        .invoke_handler(dispatch::handle)
        .setup(move |app| {
            let dir = data_dir::resolve(app.handle())?;
            // Never fails: a store that cannot be opened is explained by every command instead.
            let sink = events::TauriEvents::new(app.handle().clone());
            let mut steward = steward_api::Steward::open(&dir, sink, keystore::open(&dir))
                .with_export_dir(data_dir::export_dir(app.handle(), &dir));
            #[cfg(target_os = "android")]
            if let Some(access) = app.try_state::<bluetooth_access::android::AndroidAccess<R>>() {
                steward = steward.with_bluetooth_access(std::sync::Arc::new(
                    bluetooth_access::android::AndroidAccess(access.inner().0.clone()),
                ));
            }
            #[cfg(target_os = "ios")]
            {
                steward = steward
                    .with_bluetooth_access(std::sync::Arc::new(bluetooth_access::ios::IosAccess));
            }
            // A fixed position for the inbox, for tests that are not about location (the demo
            // uses the simulated home's location service instead, so "location off" holds).
            if let Some((latitude, longitude)) =
                demo_position(std::env::var("STEWARD_DEMO_POSITION").ok())
            {
                steward = steward.with_demo_position(latitude, longitude);
            }
            steward = steward.with_radio_opener(
                std::sync::Arc::new(devices::ShellRadio(app.handle().clone())),
                devices::INTRODUCE_FIRST,
            );
            steward = steward.with_notifier(std::sync::Arc::new(notifier::PluginNotifier(
                app.handle().clone(),
            )));
            app.manage(steward);
            if let Err(error) = notifier::install(app.handle()) {
                tracing::warn!(%error, "notification taps will not open items");
            }
            // Reads makers' replies while one is awaited ("Ask the maker").
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                handle
                    .state::<steward_api::Steward>()
                    .run_support_replies()
                    .await;
            });
            // Decides and delivers notifications for as long as the app runs.
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                handle
                    .state::<steward_api::Steward>()
                    .run_notifications()
                    .await;
            });
            app.manage(exports::ExportShower::new(app.handle().clone()));
            let locator = locator::Locator::new(app.handle().clone());
            // Location is followed only while the owner has it on (opt-in, off by default).
            if app
                .state::<steward_api::Steward>()
                .location()
                .is_ok_and(|l| l.in_use)
            {
                locator.follow(true);
            }
            app.manage(locator);
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                handle
                    .state::<steward_api::Steward>()
                    .open_radio_at_start()
                    .await;
            });
            // Demo mode: the reference partner server's partners (scripts/run.sh starts it).
            // Then every partner's offers are fetched once at start (plain requests; the
            // owner can refresh them from the Offers screen).
            let urls = demo_partners(std::env::var("STEWARD_DEMO_PARTNERS").ok());
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                let steward = handle.state::<steward_api::Steward>();
                if let Some(urls) = urls {
                    steward.add_partners(&urls).await;
                }
                // At start, then every few hours while the app runs; each fetch is conditional,
                // so an unchanged feed costs a 304.
                loop {
                    if let Err(error) = steward.refresh_offers().await {
                        tracing::warn!(%error, "offers could not be refreshed");
                    }
                    tokio::time::sleep(OFFERS_REFRESH).await;
                }
            });
            Ok(())
        })
}

/// The app's identifier (tauri.conf.json), as location services and notifications know it.
pub(crate) const APP_ID: &str = "app.steward.home";

/// The partner addresses demo mode adds, from a comma-separated list; `None` when unset.
fn demo_partners(setting: Option<String>) -> Option<Vec<String>> {
    let urls: Vec<String> = setting?
        .split(',')
        .map(str::trim)
        .filter(|url| !url.is_empty())
        .map(str::to_owned)
        .collect();
    (!urls.is_empty()).then_some(urls)
}

/// How often partners' feeds are fetched again while the app runs.
const OFFERS_REFRESH: std::time::Duration = std::time::Duration::from_secs(6 * 3600);

/// Demo mode's position, `"latitude,longitude"`; `None` when unset or unreadable.
fn demo_position(setting: Option<String>) -> Option<(f64, f64)> {
    let setting = setting?;
    let (latitude, longitude) = setting.split_once(',')?;
    Some((
        latitude.trim().parse().ok()?,
        longitude.trim().parse().ok()?,
    ))
}

/// Starts the app: the desktop `main` and the mobile entry point both land here.
#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
    init_tracing();
    if let Err(error) = build(tauri::Builder::default()).run(tauri::generate_context!()) {
        tracing::error!(%error, "Steward stopped");
        eprintln!("Steward could not start: {error}");
        std::process::exit(1);
    }
}

fn init_tracing() {
    use tracing_subscriber::prelude::*;
    let _ = tracing_subscriber::registry()
        .with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr))
        .with(log_filter(std::env::var("STEWARD_LOG").ok().as_deref()))
        // A second initialisation (as in tests) is harmless, so its error is ignored on purpose.
        .try_init();
}

/// What `STEWARD_LOG` asks for (`debug`, or `steward_devices=debug,info`: targets and levels);
/// `info` when it is unset or unreadable.
fn log_filter(setting: Option<&str>) -> tracing_subscriber::filter::Targets {
    use tracing_subscriber::filter::{LevelFilter, Targets};
    setting
        .and_then(|s| s.parse::<Targets>().ok())
        .unwrap_or_else(|| Targets::new().with_default(LevelFilter::INFO))
}

#[cfg(test)]
mod tests {
    use tracing::Level;

    #[test]
    fn steward_log_picks_levels_per_target_and_falls_back_to_info() {
        let filter = super::log_filter(Some("steward_devices=debug,warn"));
        assert!(filter.would_enable("steward_devices::hub", &Level::DEBUG));
        assert!(!filter.would_enable("steward_api", &Level::INFO));
        assert!(filter.would_enable("steward_api", &Level::WARN));
        for unset in [None, Some("=nonsense=")] {
            let filter = super::log_filter(unset);
            assert!(filter.would_enable("steward_api", &Level::INFO));
            assert!(!filter.would_enable("steward_api", &Level::DEBUG));
        }
    }

    #[test]
    fn demo_position_is_latitude_comma_longitude() {
        assert_eq!(
            super::demo_position(Some("52.5219, 13.4132".into())),
            Some((52.5219, 13.4132))
        );
        assert_eq!(super::demo_position(Some("52.5".into())), None);
        assert_eq!(super::demo_position(Some("north,east".into())), None);
        assert_eq!(super::demo_position(None), None);
    }

    #[test]
    fn demo_partners_are_a_comma_separated_list_and_unset_means_none() {
        assert_eq!(super::demo_partners(None), None);
        assert_eq!(super::demo_partners(Some(" , ".into())), None);
        assert_eq!(
            super::demo_partners(Some("http://127.0.0.1:1/a, http://127.0.0.1:1/b".into())),
            Some(vec![
                "http://127.0.0.1:1/a".to_owned(),
                "http://127.0.0.1:1/b".to_owned()
            ])
        );
    }
}
