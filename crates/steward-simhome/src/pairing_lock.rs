//! The lock-out a Steward device applies after wrong pairing codes (docs/protocol/gatt.md):
//! three wrong answers lock pairing for 30 s, each further lock-out doubles up to 10 minutes,
//! and a successful pairing resets it. It always ends, so a stranger cannot lock the owner out
//! for good, and it slows online guessing to a few codes an hour. Pure: time is passed in.

use std::time::{Duration, Instant};

/// Wrong answers allowed before a lock-out.
pub const WRONG_ANSWERS_BEFORE_LOCK: u8 = 3;
/// The first lock-out.
pub const FIRST_LOCKOUT: Duration = Duration::from_secs(30);
/// The longest lock-out.
pub const LONGEST_LOCKOUT: Duration = Duration::from_secs(600);

/// One device's pairing lock-out state.
#[derive(Debug, Clone, Default)]
pub struct PairingLock {
    wrong_answers: u8,
    locked_until: Option<Instant>,
    lockouts: u32,
}

impl PairingLock {
    /// How long pairing stays refused, from `now`; `None` when it is open.
    pub fn retry_after(&self, now: Instant) -> Option<Duration> {
        self.locked_until
            .filter(|until| *until > now)
            .map(|until| until - now)
    }

    /// The same, in whole seconds as the wire carries it (rounded up, at least 1).
    pub fn retry_after_secs(&self, now: Instant) -> Option<u16> {
        self.retry_after(now).map(|left| {
            let secs = left.as_secs() + u64::from(left.subsec_nanos() > 0);
            u16::try_from(secs.max(1)).unwrap_or(u16::MAX)
        })
    }

    /// Counts a wrong answer; the third in a row locks pairing, for twice as long as last time.
    pub fn wrong_answer(&mut self, now: Instant) {
        if self.retry_after(now).is_some() {
            return;
        }
        self.wrong_answers += 1;
        if self.wrong_answers >= WRONG_ANSWERS_BEFORE_LOCK {
            let doubling = 2u32.saturating_pow(self.lockouts.min(16));
            let lockout = FIRST_LOCKOUT.saturating_mul(doubling).min(LONGEST_LOCKOUT);
            self.locked_until = Some(now + lockout);
            self.lockouts = self.lockouts.saturating_add(1);
            self.wrong_answers = 0;
        }
    }

    /// A successful pairing: the slate is clean.
    pub fn succeeded(&mut self) {
        *self = Self::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lock_out(lock: &mut PairingLock, now: Instant) {
        for _ in 0..WRONG_ANSWERS_BEFORE_LOCK {
            lock.wrong_answer(now);
        }
    }

    #[test]
    fn three_wrong_answers_lock_for_30_s_then_doubling_up_to_ten_minutes() {
        let start = Instant::now();
        let mut lock = PairingLock::default();
        lock.wrong_answer(start);
        lock.wrong_answer(start);
        assert_eq!(
            lock.retry_after(start),
            None,
            "two wrong answers are forgiven"
        );
        let mut now = start;
        let mut seen = Vec::new();
        for _ in 0..7 {
            lock_out(&mut lock, now);
            let left = lock.retry_after(now).expect("locked");
            seen.push(left.as_secs());
            assert_eq!(
                lock.retry_after(now + left),
                None,
                "every lock-out ends, so the owner is never locked out for good"
            );
            now += left;
        }
        assert_eq!(seen, [30, 60, 120, 240, 480, 600, 600]);
    }

    #[test]
    fn answers_during_a_lock_out_do_not_extend_it_and_success_resets_it() {
        let start = Instant::now();
        let mut lock = PairingLock::default();
        lock_out(&mut lock, start);
        lock_out(&mut lock, start + Duration::from_secs(10));
        assert_eq!(
            lock.retry_after_secs(start + Duration::from_secs(10)),
            Some(20),
            "a stranger hammering a locked device cannot push the end further away"
        );
        let later = start + Duration::from_secs(31);
        lock.succeeded();
        lock_out(&mut lock, later);
        assert_eq!(
            lock.retry_after_secs(later),
            Some(30),
            "back to the first step"
        );
    }
}
