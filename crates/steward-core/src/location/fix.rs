//! One position report from the phone's location service, and what makes one unusable.

use crate::feed::household::Position;

/// The worst accuracy worth using for a store's geofence.
pub const MAX_ACCURACY_M: f64 = 2_000.0;

/// A position report.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fix {
    pub position: Position,
    /// Radius of the 68% confidence circle, metres.
    pub accuracy_m: f64,
    /// Unix seconds.
    pub at: i64,
}

/// Why a report is not used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FixError {
    #[error("the position is not a place on Earth")]
    NotOnEarth,
    /// Desktop stubs answer latitude 0, longitude 0, accuracy 0: no position at all.
    #[error("the location service answered without a position")]
    Stub,
    #[error("the position is too vague to tell whether you are at a store")]
    TooVague,
}

impl Fix {
    /// Checks a report before anything uses it.
    pub fn check(&self) -> Result<(), FixError> {
        let Position { lat, lon } = self.position;
        let on_earth = (-90.0..=90.0).contains(&lat)
            && (-180.0..=180.0).contains(&lon)
            && (0.0..f64::INFINITY).contains(&self.accuracy_m);
        if !on_earth {
            return Err(FixError::NotOnEarth);
        }
        if lat == 0.0 && lon == 0.0 && self.accuracy_m == 0.0 {
            return Err(FixError::Stub);
        }
        if self.accuracy_m > MAX_ACCURACY_M {
            return Err(FixError::TooVague);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(lat: f64, lon: f64, accuracy_m: f64) -> Fix {
        Fix {
            position: Position { lat, lon },
            accuracy_m,
            at: 0,
        }
    }

    #[test]
    fn stubs_nonsense_and_vague_reports_are_refused() {
        assert_eq!(fix(52.52, 13.41, 10.0).check(), Ok(()));
        assert_eq!(fix(0.0, 0.0, 0.0).check(), Err(FixError::Stub));
        assert_eq!(
            fix(0.0, 0.0, 15.0).check(),
            Ok(()),
            "the Gulf of Guinea exists"
        );
        for bad in [
            fix(f64::NAN, 1.0, 5.0),
            fix(91.0, 1.0, 5.0),
            fix(1.0, -181.0, 5.0),
            fix(1.0, 1.0, f64::INFINITY),
            fix(1.0, 1.0, -1.0),
        ] {
            assert_eq!(bad.check(), Err(FixError::NotOnEarth), "{bad:?}");
        }
        assert_eq!(fix(1.0, 1.0, 5_000.0).check(), Err(FixError::TooVague));
    }
}
