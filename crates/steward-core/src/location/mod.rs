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
