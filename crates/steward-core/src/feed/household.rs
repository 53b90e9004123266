//! What the matcher knows of the household, gathered on the phone and never sent: consumables
//! with their levels and forecast, paired devices, recent device events, the position when the
//! owner allows it, and the owner's local time. Built by the caller from the store; plain data
//! here so the matcher stays pure and testable.
//!
//! It must never hold anything a feed could use to reach back out (no addresses, no keys).

/// A consumable as the matcher sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumableFacts {
    pub id: i64,
    pub name: String,
    pub gtin: Option<String>,
    pub unit: String,
    pub remaining: u32,
    /// Whole days until empty, when the forecast can say.
    pub days_left: Option<u32>,
}

/// A paired device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceFacts {
    pub id: String,
    pub name: String,
    /// Its kind (`bluray_player`), which feeds call the model.
    pub kind: String,
    /// What it reports now (`menu`, `playing`, `off`), when known.
    pub state: Option<String>,
}

/// A recent event from a paired device (`button`, `dispense`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventFacts {
    pub device_id: String,
    pub event: String,
    pub at: i64,
}

/// A position in degrees (WGS 84).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Position {
    pub lat: f64,
    pub lon: f64,
}

/// Everything matched against, at one moment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Household {
    pub consumables: Vec<ConsumableFacts>,
    pub devices: Vec<DeviceFacts>,
    pub events: Vec<EventFacts>,
    pub position: Option<Position>,
    /// The geofences the phone has settled in (dwell and hysteresis, `location::Fences`): when
    /// given, a geofence rule holds only for those; when `None`, by the position alone.
    pub fences: Option<std::collections::HashSet<crate::location::FenceKey>>,
    /// Unix seconds.
    pub now: i64,
    /// The owner's local time of day, in minutes after midnight.
    pub local_minute: u16,
}

impl Household {
    /// Whether the phone is in the circle: settled in it when fences are given, else by the
    /// position.
    pub fn in_circle(&self, center: Position, radius_meters: f64) -> bool {
        match &self.fences {
            Some(fences) => fences.contains(
                &crate::location::Fence {
                    center,
                    radius_m: radius_meters,
                }
                .key(),
            ),
            None => self
                .position
                .is_some_and(|here| distance_meters(here, center) <= radius_meters),
        }
    }
}

/// Metres between two positions (haversine, mean Earth radius): good to a few metres at store
/// distances, which is all a geofence or "0.4 km away" needs.
pub fn distance_meters(a: Position, b: Position) -> f64 {
    const EARTH_RADIUS_M: f64 = 6_371_008.8;
    let (lat1, lat2) = (a.lat.to_radians(), b.lat.to_radians());
    let dlat = lat2 - lat1;
    let dlon = (b.lon - a.lon).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

/// A distance as the owner reads it: "350 m", "1.2 km", "24 km".
pub fn describe_distance(meters: f64) -> String {
    if meters < 1_000.0 {
        format!("{} m", ((meters / 10.0).round() * 10.0).max(10.0) as u32)
    } else if meters < 10_000.0 {
        format!("{:.1} km", meters / 1_000.0)
    } else {
        format!("{} km", (meters / 1_000.0).round() as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_are_right_at_store_scale_and_read_plainly() {
        let alexanderplatz = Position {
            lat: 52.5219,
            lon: 13.4132,
        };
        let main_street = Position {
            lat: 52.5208,
            lon: 13.4094,
        };
        let d = distance_meters(alexanderplatz, main_street);
        assert!((d - 285.0).abs() < 15.0, "{d}");
        assert_eq!(distance_meters(main_street, main_street), 0.0);
        // Berlin to Paris: about 878 km.
        let paris = Position {
            lat: 48.8566,
            lon: 2.3522,
        };
        assert!((distance_meters(main_street, paris) / 1000.0 - 878.0).abs() < 5.0);
        assert_eq!(describe_distance(d), "280 m");
        assert_eq!(describe_distance(2.0), "10 m");
        assert_eq!(describe_distance(1_234.0), "1.2 km");
        assert_eq!(describe_distance(24_400.0), "24 km");
    }
}
