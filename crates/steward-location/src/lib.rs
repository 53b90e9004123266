//! Where this computer is, for the household's store offers, from the platform's location
//! service: on desktop Linux, GeoClue2 over the system D-Bus ([`geoclue`]). On other targets the
//! crate is empty: phones use tauri-plugin-geolocation in the shell.
//!
//! It only reports what the service says to a [`steward_core::location::LocationSink`]
//! (positions, and that the service went away). It must never send a position anywhere and never
//! decide anything: the household checks every report, and what leaves the computer is decided
//! by the consent gate, under the owner's grant.

#[cfg(target_os = "linux")]
pub mod geoclue;
