//! The desktop entry point; everything lives in the library so mobile shares it.

// Keeps a console window from opening next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    steward_app::run();
}
