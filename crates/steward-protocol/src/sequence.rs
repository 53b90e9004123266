//! Telling new events from replays and gaps by their sequence numbers. Pure: the caller keeps the
//! last accepted number (durably) and accepts a number only once the event is stored, so a crash
//! between the two can only cause a replay, which is then dropped.
//!
//! Within one boot of a device the numbering only moves forward: a smaller or equal number is a
//! replay, however far back. A restart is never guessed from a small number; it is known from
//! the device's authenticated boot id (handshake.rs), and the caller then calls `restart`.

/// How an event's sequence number relates to the last one accepted from the same device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SequenceCheck {
    /// The next number: nothing was missed.
    Next,
    /// A later number: `missing` events were never received.
    Gap { missing: u32 },
    /// Already accepted (a resend after a reconnect, or a replay): drop it.
    Replay,
}

/// The last sequence number accepted from one device (0 before any).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SequenceTracker {
    last: u32,
}

impl SequenceTracker {
    /// A tracker that has accepted everything up to `last` (0 for a new device).
    pub const fn new(last: u32) -> Self {
        Self { last }
    }

    pub const fn last(&self) -> u32 {
        self.last
    }

    /// Classifies `seq` without accepting it.
    pub const fn check(&self, seq: u32) -> SequenceCheck {
        if seq <= self.last {
            SequenceCheck::Replay
        } else if seq - self.last == 1 {
            SequenceCheck::Next
        } else {
            SequenceCheck::Gap {
                missing: seq - self.last - 1,
            }
        }
    }

    /// Records `seq` as accepted; a lower number never moves the tracker back.
    pub fn accept(&mut self, seq: u32) {
        self.last = self.last.max(seq);
    }

    /// Follows a device whose numbering restarted (a new boot id): everything above 0 is new.
    pub fn restart(&mut self) {
        self.last = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_next_gap_and_replay() {
        let mut t = SequenceTracker::new(0);
        assert_eq!(
            t.check(1),
            SequenceCheck::Next,
            "the first event of a new device"
        );
        t.accept(1);
        assert_eq!(t.check(2), SequenceCheck::Next);
        assert_eq!(
            t.check(5),
            SequenceCheck::Gap { missing: 3 },
            "2, 3 and 4 were missed"
        );
        t.accept(5);
        assert_eq!(t.check(5), SequenceCheck::Replay, "the same event again");
        assert_eq!(
            t.check(3),
            SequenceCheck::Replay,
            "an older event resent after a reconnect"
        );
        assert_eq!(t.check(0), SequenceCheck::Replay, "0 is never a new event");
        let mut long = SequenceTracker::new(500);
        for far in [1, 436, 499] {
            assert_eq!(
                long.check(far),
                SequenceCheck::Replay,
                "{far}: however far back, a smaller number is never taken as a reset"
            );
        }
        long.restart();
        assert_eq!(
            long.check(1),
            SequenceCheck::Next,
            "after a new boot id, the new numbering is followed"
        );
        t.accept(2);
        assert_eq!(
            t.last(),
            5,
            "accepting an old number never moves the tracker back"
        );
    }
}
