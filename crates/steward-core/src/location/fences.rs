//! Geofences on the phone, with a dwell time and hysteresis: the phone is *in* a fence once it
//! has been inside the circle for [`DWELL_SECS`] (a walk past the door is not a visit), and
//! *leaves* only once it is clearly outside (the radius plus a margin), so a position wobbling
//! on the edge never flaps. A report that implies an impossible speed (a jump across the globe)
//! is held until the next report confirms it; meanwhile nothing changes.
//!
//! It must never change a fence's state on one doubtful report, nor keep a fence entered after
//! the fences are cleared (location switched off, the service gone).

use std::collections::HashMap;

use super::Fix;
use crate::feed::household::{distance_meters, Position};

/// How long the phone must stay inside a fence before it counts as there.
pub const DWELL_SECS: i64 = 20;
/// Faster than this between two reports is a jump, not a walk, a drive or a flight (1,080 km/h).
pub const MAX_SPEED_MPS: f64 = 300.0;
/// Shorter moves are never doubted, however quick: a phone switching from a Wi-Fi to a GPS fix
/// moves a kilometre or two in an instant.
pub const JUMP_MIN_M: f64 = 10_000.0;

/// A fence's identity: its centre to about a metre and its radius to a metre, so the same
/// circle in two feeds (or two fetches of one) is one fence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FenceKey(i64, i64, i64);

/// A circle around a store.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fence {
    pub center: Position,
    pub radius_m: f64,
}

impl Fence {
    pub fn key(&self) -> FenceKey {
        FenceKey(
            (self.center.lat * 1e5).round() as i64,
            (self.center.lon * 1e5).round() as i64,
            self.radius_m.round() as i64,
        )
    }

    /// How far beyond the radius the phone must be to have left: 50 m, or a fifth of the
    /// radius for large fences.
    pub fn margin(&self) -> f64 {
        (self.radius_m * 0.2).max(50.0)
    }
}

/// A fence the phone entered or left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Change {
    pub fence: FenceKey,
    pub entered: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Inside the circle since then, not yet for the dwell time.
    Arriving(i64),
    In,
}

/// The fences' states.
#[derive(Debug, Clone)]
pub struct Fences {
    dwell_secs: i64,
    states: HashMap<FenceKey, State>,
    last: Option<Fix>,
    /// A report that looked like a jump, waiting for the next to confirm it.
    doubtful: Option<Fix>,
}

impl Default for Fences {
    fn default() -> Self {
        Self::with_dwell(DWELL_SECS)
    }
}

impl Fences {
    /// Fences with another dwell time (a test's, or a setting's).
    pub fn with_dwell(dwell_secs: i64) -> Self {
        Self {
            dwell_secs: dwell_secs.max(0),
            states: HashMap::new(),
            last: None,
            doubtful: None,
        }
    }

    /// The fences the phone is in.
    pub fn inside(&self) -> impl Iterator<Item = FenceKey> + '_ {
        self.states
            .iter()
            .filter(|(_, s)| **s == State::In)
            .map(|(k, _)| *k)
    }

    /// The fences the phone is arriving at, with when each will count as entered.
    pub fn due(&self) -> Option<i64> {
        self.states
            .values()
            .filter_map(|s| match s {
                State::Arriving(since) => Some(since + self.dwell_secs),
                State::In => None,
            })
            .min()
    }

    /// Forgets every fence (location switched off, or the service went away): nothing counts as
    /// entered until new reports say so.
    pub fn clear(&mut self) -> Vec<Change> {
        let left = self
            .inside()
            .map(|fence| Change {
                fence,
                entered: false,
            })
            .collect();
        self.states.clear();
        self.last = None;
        self.doubtful = None;
        left
    }

    /// A new report (checked already), against `fences`. Returns the fences entered or left.
    pub fn report(&mut self, fences: &[Fence], fix: Fix) -> Vec<Change> {
        if let Some(last) = self.last {
            let seconds = (fix.at - last.at).max(1) as f64;
            let moved = distance_meters(last.position, fix.position);
            if moved > JUMP_MIN_M && moved / seconds > MAX_SPEED_MPS {
                // A jump: believed only when the next report agrees with it.
                let confirmed = self.doubtful.is_some_and(|d| {
                    distance_meters(d.position, fix.position) / ((fix.at - d.at).max(1) as f64)
                        <= MAX_SPEED_MPS
                });
                if !confirmed {
                    self.doubtful = Some(fix);
                    return Vec::new();
                }
                // Confirmed: wherever the phone was, it is not arriving there any more.
                self.states.retain(|_, s| *s == State::In);
            }
        }
        self.doubtful = None;
        self.last = Some(fix);
        let mut changes = Vec::new();
        let mut seen = Vec::with_capacity(fences.len());
        for fence in fences {
            let key = fence.key();
            seen.push(key);
            let distance = distance_meters(fence.center, fix.position);
            let state = self.states.get(&key).copied();
            match state {
                None if distance <= fence.radius_m => {
                    self.states.insert(key, State::Arriving(fix.at));
                }
                Some(State::Arriving(_)) if distance > fence.radius_m => {
                    self.states.remove(&key);
                }
                Some(State::In) if distance > fence.radius_m + fence.margin() => {
                    self.states.remove(&key);
                    changes.push(Change {
                        fence: key,
                        entered: false,
                    });
                }
                _ => {}
            }
        }
        // Fences no longer in any feed are forgotten (left, if the phone was in them).
        let gone: Vec<FenceKey> = self
            .states
            .keys()
            .filter(|k| !seen.contains(k))
            .copied()
            .collect();
        for key in gone {
            if self.states.remove(&key) == Some(State::In) {
                changes.push(Change {
                    fence: key,
                    entered: false,
                });
            }
        }
        changes.extend(self.tick(fix.at));
        changes
    }

    /// Time passed: fences the phone has stayed in for the dwell time are entered.
    pub fn tick(&mut self, now: i64) -> Vec<Change> {
        let mut changes = Vec::new();
        for (key, state) in &mut self.states {
            if let State::Arriving(since) = *state {
                if now - since >= self.dwell_secs {
                    *state = State::In;
                    changes.push(Change {
                        fence: *key,
                        entered: true,
                    });
                }
            }
        }
        changes.sort_by_key(|c| c.fence);
        changes
    }
}
