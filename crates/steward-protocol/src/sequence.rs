//! Telling new events from replays and gaps by their sequence numbers. Pure: the caller keeps the
//! last accepted number (durably) and accepts a number only once the event is stored, so a crash
//! between the two can only cause a replay, which is then dropped.

/// How an event's sequence number relates to the last one accepted from the same device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SequenceCheck {
    /// The next number: nothing was missed.
    Next,
    /// A later number: `missing` events were never received.
    Gap { missing: u32 },
    /// Already accepted (a resend after a reconnect): drop it.
    Replay,
    /// Far below the last accepted number, further back than any resend goes: the device's
    /// numbering started again (a factory reset). Accept it and follow the new numbering.
    Restarted,
}

/// How far back a resend after a reconnect can reach. A device resends at most the few events it
/// was unsure were delivered; a number further back than this means its numbering restarted.
pub const REPLAY_WINDOW: u32 = 64;

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
        if seq != 0 && seq.saturating_add(REPLAY_WINDOW) < self.last {
            SequenceCheck::Restarted
        } else if seq <= self.last {
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

    /// Follows a device whose numbering restarted at `seq`.
    pub fn restart(&mut self, seq: u32) {
        self.last = seq;
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
        assert_eq!(
            long.check(500 - REPLAY_WINDOW),
            SequenceCheck::Replay,
            "a resend, at the edge of the window"
        );
        assert_eq!(
            long.check(1),
            SequenceCheck::Restarted,
            "a device that was reset"
        );
        long.restart(1);
        assert_eq!(
            long.check(2),
            SequenceCheck::Next,
            "and its new numbering is followed"
        );
        t.accept(2);
        assert_eq!(
            t.last(),
            5,
            "accepting an old number never moves the tracker back"
        );
    }
}
