//! A minimal Tauri 2 app: one window, one page, the opener and notification plugins. Only a
//! size baseline.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    if let Err(error) = tauri::Builder::default()
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_notification::init())
        .run(tauri::generate_context!())
    {
        eprintln!("{error}");
        std::process::exit(1);
    }
}
