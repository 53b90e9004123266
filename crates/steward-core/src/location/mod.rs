//! Where the phone is, for store offers: a fix as a location service reports it (checked: no
//! NaN, no "0,0 with accuracy 0" from a stub, no teleport), and the geofences evaluated on the
//! phone with a dwell time and hysteresis, so that walking along a fence's edge does not flap.
//!
//! It must never send a position anywhere: what leaves the phone is decided by the consent gate,
//! and only under the owner's grant.

pub mod fences;
pub mod fix;

pub use fences::{Change, Fence, FenceKey, Fences};
pub use fix::{Fix, FixError};

/// Where the platform's location service reports go: the household, through the shell. The
/// service's adapter (GeoClue2 on Linux, tauri-plugin-geolocation on phones) calls these; it
/// never decides anything itself.
pub trait LocationSink: Send + Sync {
    /// A new position (degrees, and metres of accuracy), unchecked: the household checks it.
    fn report(&self, latitude: f64, longitude: f64, accuracy_m: f64);
    /// The service went away or refused, in words for the owner ("the location service
    /// stopped"); reports may resume later.
    fn lost(&self, why: &str);
}
