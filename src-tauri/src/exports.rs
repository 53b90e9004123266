//! Hands a saved export to the system: its folder in the file manager on desktop, the system's
//! viewer (and from there, sharing) on phones. Which file is the core's decision
//! (`Steward::export_file`); this only asks the opener plugin, from Rust, so the webview holds
//! no opener permission and can never name a path of its own.

use std::path::Path;

use steward_api::{ApiError, ErrorCode};
use tauri_plugin_opener::OpenerExt;

/// Shows one file; bound to the app's runtime when the app is built.
type Show = Box<dyn Fn(&Path) -> Result<(), ApiError> + Send + Sync>;

/// Shows a file to the owner; managed state, so the command needs no runtime parameter.
pub struct ExportShower(Show);

impl ExportShower {
    pub fn new<R: tauri::Runtime>(app: tauri::AppHandle<R>) -> Self {
        Self(Box::new(move |path| show(&app, path)))
    }

    pub fn show(&self, path: &Path) -> Result<(), ApiError> {
        (self.0)(path)
    }
}

/// Shows `path` to the owner.
fn show<R: tauri::Runtime>(app: &tauri::AppHandle<R>, path: &Path) -> Result<(), ApiError> {
    #[cfg(desktop)]
    let shown = app.opener().reveal_item_in_dir(path);
    #[cfg(mobile)]
    let shown = app
        .opener()
        .open_path(path.display().to_string(), None::<&str>);
    shown.map_err(|error| {
        tracing::warn!(%error, "could not show the export");
        ApiError {
            code: ErrorCode::Storage,
            message: format!(
                "Steward could not open a file manager here. The export is saved in {}.",
                path.parent().unwrap_or(path).display()
            ),
        }
    })
}
