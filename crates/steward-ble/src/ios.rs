//! iOS only: whether this app may use Bluetooth, read from CoreBluetooth without creating a
//! manager. Creating one is what makes iOS show its Bluetooth question, so this read is how
//! Steward knows, before touching the radio, whether it must first explain why it asks.

use objc2_core_bluetooth::{CBManager, CBManagerAuthorization};

/// CoreBluetooth's answer for this app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Authorization {
    /// iOS has not asked the owner yet; it will when the radio is first opened.
    NotDetermined,
    /// The owner said no, or a profile restricts Bluetooth: only the Settings app can change it.
    Denied,
    Allowed,
}

/// Reads the app's Bluetooth authorisation (a class property since iOS 13.1; Steward needs 15).
pub fn authorization() -> Authorization {
    // SAFETY: `+[CBManager authorization]` is a side-effect-free class property read, callable
    // from any thread, on every iOS version Steward supports.
    let answer = unsafe { CBManager::authorization_class() };
    match answer {
        CBManagerAuthorization::AllowedAlways => Authorization::Allowed,
        CBManagerAuthorization::NotDetermined => Authorization::NotDetermined,
        _ => Authorization::Denied,
    }
}
