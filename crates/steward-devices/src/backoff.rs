//! The delays between reconnection attempts: doubling from a first delay up to a ceiling, so a
//! device that stepped out of range is found again quickly and an absent one costs little radio.

use std::time::Duration;

/// A reconnection schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub first: Duration,
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            first: Duration::from_secs(1),
            max: Duration::from_secs(60),
        }
    }
}

impl Backoff {
    /// The delay before each attempt, forever: first, 2×first, 4×first, … capped at `max`.
    pub fn delays(self) -> impl Iterator<Item = Duration> {
        std::iter::successors(Some(self.first.min(self.max)), move |d| {
            Some(d.saturating_mul(2).min(self.max))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_up_to_the_ceiling() {
        let schedule: Vec<u64> = Backoff {
            first: Duration::from_millis(250),
            max: Duration::from_secs(2),
        }
        .delays()
        .take(6)
        .map(|d| d.as_millis() as u64)
        .collect();
        assert_eq!(schedule, [250, 500, 1000, 2000, 2000, 2000]);
    }
}
