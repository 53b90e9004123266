//! Where the household's data lives: the platform's app data directory, unless
//! `STEWARD_DATA_DIR` names another (tests and the demo use a throwaway one).

use std::path::PathBuf;

use tauri::{AppHandle, Manager, Runtime};

/// The environment variable that overrides the data directory.
pub const ENV: &str = "STEWARD_DATA_DIR";

pub fn resolve<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<PathBuf> {
    match std::env::var_os(ENV) {
        Some(dir) if !dir.is_empty() => Ok(PathBuf::from(dir)),
        _ => app.path().app_data_dir(),
    }
}
