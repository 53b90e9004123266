//! Geofences on the phone: a visit counts after the dwell time, walking along the edge never
//! flaps, leaving needs the margin, a jump across the globe is held until confirmed, and
//! clearing (location off, the service gone) leaves every fence. Property test: a position
//! wobbling anywhere short of the margin never leaves a fence once entered.

use proptest::prelude::*;
use steward_core::feed::household::Position;
use steward_core::location::fences::DWELL_SECS;
use steward_core::location::{Change, Fence, Fences, Fix};

const T0: i64 = 1_796_000_000;

/// Main Street Market's fence: 800 m (about half a mile) around the store.
fn market() -> Fence {
    Fence {
        center: Position {
            lat: 52.5208,
            lon: 13.4094,
        },
        radius_m: 800.0,
    }
}

/// A position `meters` north of the market's centre (a degree of latitude is ~111,195 m).
fn north(meters: f64, at: i64) -> Fix {
    Fix {
        position: Position {
            lat: 52.5208 + meters / 111_195.0,
            lon: 13.4094,
        },
        accuracy_m: 10.0,
        at,
    }
}

fn entered() -> Vec<Change> {
    vec![Change {
        fence: market().key(),
        entered: true,
    }]
}

fn left() -> Vec<Change> {
    vec![Change {
        fence: market().key(),
        entered: false,
    }]
}

#[test]
fn a_visit_counts_after_the_dwell_time_and_leaving_needs_the_margin() {
    let fences = [market()];
    let mut f = Fences::default();
    assert!(f.report(&fences, north(1_500.0, T0)).is_empty());
    assert!(
        f.report(&fences, north(700.0, T0 + 10)).is_empty(),
        "arriving"
    );
    assert_eq!(f.due(), Some(T0 + 10 + DWELL_SECS));
    assert!(f.tick(T0 + 10 + DWELL_SECS - 1).is_empty(), "not yet");
    assert_eq!(f.tick(T0 + 10 + DWELL_SECS), entered());
    assert!(f.tick(T0 + 100).is_empty(), "entered once");
    assert_eq!(f.inside().collect::<Vec<_>>(), [market().key()]);
    // Just beyond the radius, within the margin: still there.
    assert!(f.report(&fences, north(830.0, T0 + 120)).is_empty());
    assert_eq!(f.report(&fences, north(1_000.0, T0 + 140)), left());
    assert_eq!(f.inside().count(), 0);
}

#[test]
fn walking_past_does_not_count_and_a_jump_is_held_until_confirmed() {
    let fences = [market()];
    let mut f = Fences::default();
    // In and out again before the dwell time: no visit.
    f.report(&fences, north(700.0, T0));
    f.report(&fences, north(850.0, T0 + 10));
    assert!(f.tick(T0 + 60).is_empty());

    f.report(&fences, north(100.0, T0 + 100));
    assert_eq!(f.tick(T0 + 100 + DWELL_SECS), entered());
    // One report in Sydney a second later: doubtful, nothing changes.
    let sydney = Fix {
        position: Position {
            lat: -33.8688,
            lon: 151.2093,
        },
        accuracy_m: 10.0,
        at: T0 + 200,
    };
    assert!(f.report(&fences, sydney).is_empty());
    assert_eq!(f.inside().count(), 1, "one doubtful report changes nothing");
    // Back at the market: the jump was noise.
    assert!(f.report(&fences, north(100.0, T0 + 201)).is_empty());
    assert_eq!(f.inside().count(), 1);
    // Two agreeing reports far away: the phone really moved (a flight), the fence is left.
    f.report(
        &fences,
        Fix {
            at: T0 + 300,
            ..sydney
        },
    );
    assert_eq!(
        f.report(
            &fences,
            Fix {
                at: T0 + 301,
                ..sydney
            }
        ),
        left()
    );

    // Location switched off: every fence is left.
    f.report(&fences, north(0.0, T0 + 90_000));
    f.tick(T0 + 90_000 + DWELL_SECS);
    assert_eq!(f.clear(), left());
    assert_eq!(f.inside().count(), 0);
}

#[test]
fn a_fence_that_no_feed_has_any_more_is_left() {
    let mut f = Fences::default();
    f.report(&[market()], north(0.0, T0));
    f.tick(T0 + DWELL_SECS);
    assert_eq!(f.report(&[], north(0.0, T0 + 60)), left());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn wobbling_on_the_edge_never_leaves_once_entered(
        wobble in prop::collection::vec(-150.0f64..(market().margin() - 5.0), 1..200),
    ) {
        let fences = [market()];
        let mut f = Fences::default();
        f.report(&fences, north(0.0, T0));
        prop_assert_eq!(f.tick(T0 + DWELL_SECS), entered());
        for (i, extra) in wobble.into_iter().enumerate() {
            let changes = f.report(&fences, north(800.0 + extra, T0 + DWELL_SECS + 5 * (i as i64 + 1)));
            prop_assert!(changes.is_empty(), "flapped: {changes:?}");
        }
        prop_assert_eq!(f.inside().count(), 1);
    }
}
