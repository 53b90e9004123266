//! Why a frame was refused. Each variant names what was wrong so a log line or a message to the
//! owner can say it precisely; a refused frame never changes any state.

/// A frame that does not follow the profile.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The frame speaks a profile version this app does not know.
    #[error("{what}: profile version {found} is not supported (this app speaks version 2)")]
    UnsupportedVersion { what: &'static str, found: u8 },
    /// The frame is shorter or longer than its type requires.
    #[error("{what}: expected {expected} bytes, got {found}")]
    WrongLength {
        what: &'static str,
        expected: usize,
        found: usize,
    },
    /// A type, kind or enumeration byte has no meaning in the profile.
    #[error("{what}: unknown value {value}")]
    UnknownValue { what: &'static str, value: u8 },
    /// A field is out of its allowed range.
    #[error("{what}: {reason}")]
    InvalidValue { what: &'static str, reason: String },
}
