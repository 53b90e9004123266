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

/// The environment variable that overrides where exports are written.
pub const EXPORT_ENV: &str = "STEWARD_EXPORT_DIR";

/// Where the owner's exports go: the platform's downloads folder, where a person looks for a
/// file they just saved, unless `STEWARD_EXPORT_DIR` names another; the data directory's
/// `exports` folder when the platform has no downloads folder.
pub fn export_dir<R: Runtime>(app: &AppHandle<R>, data_dir: &std::path::Path) -> PathBuf {
    match std::env::var_os(EXPORT_ENV) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => app
            .path()
            .download_dir()
            .unwrap_or_else(|_| data_dir.join("exports")),
    }
}
