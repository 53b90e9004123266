//! How a hosted partner answers: well, or in one of the ways a hostile or broken partner would.

use std::time::Duration;

/// A partner's behaviour, switched by tests.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Behaviour {
    /// Verifies and answers as the protocol says.
    #[default]
    Normal,
    /// Answers every request with this status (5xx: failed; 4xx: refused).
    Status(u16),
    /// Waits this long before answering.
    Stall(Duration),
    /// Redirects every request to this address.
    Redirect(String),
    /// Answers 200 with this many bytes, streamed without a length.
    Huge(usize),
}
