//! The notification policy: quiet hours hold and release, the day's offer budget and each
//! brand's cap, stopped brands, switched-off channels, updates that replace, ranking by the
//! owner's reactions; and, over random streams, the promises: caps never exceeded, nothing from
//! a stopped brand shown, no device alert ever held or dropped, held items decided again once
//! quiet hours end.

use std::collections::{HashMap, HashSet};

use proptest::prelude::*;
use steward_core::notify::policy::Reaction;
use steward_core::notify::{Candidate, Channel, Decision, Policy, Reason, Settings};

/// 2026-12-01 12:00 UTC; the owner is at UTC+1.
const NOON: i64 = 1_796_126_400;
const OFFSET: i64 = 3_600;
const HOUR: i64 = 3_600;
const DAY: i64 = 86_400;

fn offer(id: &str, brand: &str, relevance: u32) -> Candidate {
    Candidate {
        id: id.to_owned(),
        collapse_key: format!("{brand}:{id}"),
        channel: Channel::Offer,
        brand: Some((brand.to_owned(), format!("{brand} Ltd"))),
        relevance,
        expires_at: None,
    }
}

fn alert(id: &str) -> Candidate {
    Candidate {
        id: id.to_owned(),
        collapse_key: id.to_owned(),
        channel: Channel::DeviceAlert,
        brand: None,
        relevance: 0,
        expires_at: None,
    }
}

#[test]
fn the_budget_goes_to_the_most_relevant_and_each_brand_gets_its_cap() {
    let mut policy = Policy::new(Settings::default(), HashSet::new());
    let decided = policy.decide_all(
        vec![
            offer("a1", "sudsy", 300),
            offer("a2", "sudsy", 900),
            offer("b", "crumb", 500),
            offer("c", "gold", 400),
            offer("d", "luma", 200),
            alert("soap-empty"),
        ],
        NOON,
        OFFSET,
    );
    let outcome: Vec<(&str, String)> = decided
        .iter()
        .map(|(c, d)| (c.id.as_str(), d.describe(OFFSET)))
        .collect();
    assert_eq!(
        outcome,
        [
            ("soap-empty", "shown".to_owned()),
            ("a2", "shown".to_owned()),
            ("b", "shown".to_owned()),
            ("c", "shown".to_owned()),
            (
                "a1",
                "in your inbox, not notified: today's limit of 3 offers".to_owned()
            ),
            (
                "d",
                "in your inbox, not notified: today's limit of 3 offers".to_owned()
            ),
        ]
    );
    // The next day, room again; one per brand.
    let tomorrow = NOON + 24 * HOUR;
    assert_eq!(
        policy.decide(&offer("a3", "sudsy", 100), tomorrow, OFFSET),
        Decision::Show
    );
    assert_eq!(
        policy
            .decide(&offer("a4", "sudsy", 100), tomorrow, OFFSET)
            .describe(OFFSET),
        "in your inbox, not notified: sudsy Ltd's daily limit"
    );
}

#[test]
fn quiet_hours_hold_offers_but_never_a_device_alert_nor_the_guide_the_owner_needs_now() {
    let mut policy = Policy::new(Settings::default(), HashSet::new());
    let late = NOON + 11 * HOUR; // 00:00 local
    let held = policy.decide(&offer("a", "sudsy", 500), late, OFFSET);
    assert_eq!(held.describe(OFFSET), "held until 07:00: quiet hours");
    let guide = Candidate {
        id: "guide".into(),
        collapse_key: "lumaview:menu".into(),
        channel: Channel::Tutorial,
        brand: Some(("lumaview".into(), "Lumaview".into())),
        relevance: 700,
        expires_at: None,
    };
    assert_eq!(
        policy.decide(&guide, late, OFFSET),
        Decision::Show,
        "the owner is at the player, pressing buttons, now"
    );
    assert_eq!(
        policy.decide(&alert("thermostat-fault"), late, OFFSET),
        Decision::Show
    );
    // A newer version of the held offer replaces it in the queue.
    let mut newer = offer("a-v2", "sudsy", 500);
    newer.collapse_key = "sudsy:a".to_owned();
    policy.decide(&newer, late + 60, OFFSET);
    assert_eq!(policy.held().count(), 1);
    assert!(policy.release(late + HOUR, OFFSET).is_empty(), "not yet");
    let released = policy.release(late + 7 * HOUR, OFFSET);
    assert_eq!(released.len(), 1);
    assert_eq!(
        (released[0].0.id.as_str(), &released[0].1),
        ("a-v2", &Decision::Show)
    );

    // Expired while held: dropped, said so.
    let mut brief = offer("flash", "gold", 500);
    brief.expires_at = Some(late + 2 * HOUR);
    policy.decide(&brief, late, OFFSET);
    let released = policy.release(late + 8 * HOUR, OFFSET);
    assert_eq!(released[0].1.describe(OFFSET), "not shown: it expired");

    // The owner switches quiet hours off in the middle of them: what was held comes now.
    policy.decide(&offer("night", "crumb", 500), late + DAY, OFFSET);
    assert!(
        policy.release(late + DAY + 60, OFFSET).is_empty(),
        "still quiet"
    );
    policy.set_settings(Settings {
        quiet: None,
        ..Settings::default()
    });
    let released = policy.release(late + DAY + 120, OFFSET);
    assert_eq!(
        (released[0].0.id.as_str(), &released[0].1),
        ("night", &Decision::Show)
    );
}

#[test]
fn what_was_shown_before_a_restart_still_counts() {
    let mut policy = Policy::new(Settings::default(), HashSet::new());
    let morning = NOON - 3 * HOUR;
    for (brand, key) in [
        ("sudsy", "sudsy:x"),
        ("crumb", "crumb:y"),
        ("gold", "gold:z"),
    ] {
        policy.recall_shown(Channel::Offer, Some(brand), key, morning, OFFSET);
    }
    assert_eq!(
        policy
            .decide(&offer("new", "lumaview", 900), NOON, OFFSET)
            .describe(OFFSET),
        "in your inbox, not notified: today's limit of 3 offers"
    );
    // Yesterday's do not count today.
    let mut fresh = Policy::new(Settings::default(), HashSet::new());
    fresh.recall_shown(
        Channel::Offer,
        Some("sudsy"),
        "sudsy:x",
        morning - DAY,
        OFFSET,
    );
    assert_eq!(
        fresh.decide(&offer("b", "sudsy", 500), NOON, OFFSET),
        Decision::Show
    );
}

#[test]
fn stopped_brands_switched_off_channels_updates_and_reactions() {
    let mut policy = Policy::new(Settings::default(), HashSet::from(["gold".to_owned()]));
    assert_eq!(
        policy
            .decide(&offer("coupon", "gold", 900), NOON, OFFSET)
            .describe(OFFSET),
        "not shown: you stopped gold Ltd's offers"
    );
    policy.set_stopped("gold", false);
    assert_eq!(
        policy.decide(&offer("coupon", "gold", 900), NOON, OFFSET),
        Decision::Show
    );
    // An update replaces, and does not use the budget again.
    let mut update = offer("coupon-v2", "gold", 900);
    update.collapse_key = "gold:coupon".to_owned();
    assert_eq!(
        policy.decide(&update, NOON + 60, OFFSET),
        Decision::Replace {
            previous: "coupon".to_owned()
        }
    );

    policy.set_settings(Settings {
        tutorials: false,
        ..Settings::default()
    });
    let tutorial = Candidate {
        channel: Channel::Tutorial,
        ..offer("menu", "luma", 500)
    };
    assert_eq!(
        policy.decide(&tutorial, NOON, OFFSET).describe(OFFSET),
        "in your inbox, not notified: you switched off help from makers"
    );

    for _ in 0..20 {
        policy.react("crumb", Reaction::Dismissed);
    }
    assert_eq!(
        policy.decide(&offer("loaf", "crumb", 150), NOON, OFFSET),
        Decision::Inbox(Reason::OftenDismissed("crumb Ltd".to_owned()))
    );
    policy.react("luma", Reaction::Opened);
    assert!(policy.score(&offer("x", "luma", 100)) > policy.score(&offer("x", "other", 100)));
}

#[test]
fn the_same_guide_does_not_notify_again_within_its_cooldown_but_a_device_alert_does() {
    let mut policy = Policy::new(Settings::default(), HashSet::new());
    let guide = Candidate {
        channel: Channel::Tutorial,
        ..offer("menu", "luma", 700)
    };
    assert_eq!(policy.decide(&guide, NOON, OFFSET), Decision::Show);
    policy.cleared(&guide.collapse_key);
    assert_eq!(
        policy.decide(&guide, NOON + 600, OFFSET).describe(OFFSET),
        "in your inbox, not notified: it was shown a short while ago"
    );
    assert_eq!(policy.decide(&guide, NOON + HOUR, OFFSET), Decision::Show);
    let fault = alert("thermostat-fault");
    assert_eq!(policy.decide(&fault, NOON, OFFSET), Decision::Show);
    policy.cleared(&fault.collapse_key);
    assert_eq!(policy.decide(&fault, NOON + 1, OFFSET), Decision::Show);
}

#[test]
fn settings_are_checked_as_the_owner_sets_them() {
    assert!(Settings::default().check().is_ok());
    assert!(Settings {
        daily_offer_budget: 21,
        ..Settings::default()
    }
    .check()
    .is_err());
    assert!(Settings {
        per_brand_cap: 5,
        daily_offer_budget: 3,
        ..Settings::default()
    }
    .check()
    .is_err());
    assert!(Settings {
        quiet: Some((600, 600)),
        ..Settings::default()
    }
    .check()
    .is_err());
    assert!(Settings {
        quiet: Some((1_440, 60)),
        ..Settings::default()
    }
    .check()
    .is_err());
}

// ---- the promises, over random streams ----

#[derive(Debug, Clone)]
enum Step {
    Arrive(Candidate),
    Wait(i64),
    Release,
    /// The owner opens or swipes away whatever has that key.
    Clear(String),
}

fn arb_candidate() -> impl Strategy<Value = Candidate> {
    (
        0usize..4,
        0usize..5,
        0u32..1_000,
        0u32..6,
        prop::option::of(1i64..20 * HOUR),
        0u32..1_000,
    )
        .prop_map(|(channel, brand, relevance, key, expires_in, id)| {
            let channel = Channel::ALL[channel];
            let brand_id = format!("b{brand}");
            Candidate {
                id: format!("{}-{id}", channel.as_str()),
                collapse_key: format!("{}:{brand_id}:{key}", channel.as_str()),
                channel,
                brand: (channel != Channel::DeviceAlert).then(|| (brand_id.clone(), brand_id)),
                relevance,
                // Relative for now; made absolute when it arrives.
                expires_at: expires_in,
            }
        })
}

fn arb_step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => arb_candidate().prop_map(Step::Arrive),
        2 => (1i64..6 * HOUR).prop_map(Step::Wait),
        1 => Just(Step::Release),
        1 => arb_candidate().prop_map(|c| Step::Clear(c.collapse_key)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn caps_stops_alerts_and_quiet_hours_keep_their_promises(
        steps in prop::collection::vec(arb_step(), 1..120),
        budget in 0u32..5,
        cap in 0u32..3,
        stopped in 0usize..5,
    ) {
        let settings = Settings { daily_offer_budget: budget, per_brand_cap: cap.min(budget), ..Settings::default() };
        let stopped_brand = format!("b{stopped}");
        let mut policy = Policy::new(settings.clone(), HashSet::from([stopped_brand.clone()]));
        let mut now = NOON;
        let mut shown_per_day: HashMap<i64, u32> = HashMap::new();
        let mut brand_per_day: HashMap<(i64, String), u32> = HashMap::new();
        let mut held: HashMap<String, i64> = HashMap::new();
        let mut last_new: HashMap<String, i64> = HashMap::new();
        let mut check = |c: &Candidate, d: &Decision, at: i64, held: &mut HashMap<String, i64>| -> Result<(), TestCaseError> {
            let day = (at + OFFSET).div_euclid(86_400);
            if c.channel == Channel::DeviceAlert {
                prop_assert!(d.notifies() || *d == Decision::Drop(Reason::Expired), "an alert was {d:?}");
            }
            if !c.channel.waits_for_quiet_hours() {
                prop_assert!(!matches!(d, Decision::Hold { .. }), "{:?} was held", c.channel);
            }
            if let Some((brand, _)) = &c.brand {
                if c.channel == Channel::Offer && *brand == stopped_brand {
                    prop_assert!(!d.notifies(), "a stopped brand's offer was shown");
                }
            }
            if c.channel == Channel::Offer && *d == Decision::Show {
                let n = shown_per_day.entry(day).or_default();
                *n += 1;
                prop_assert!(*n <= settings.daily_offer_budget, "over the day's budget");
                let b = brand_per_day.entry((day, c.brand.clone().map(|b| b.0).unwrap_or_default())).or_default();
                *b += 1;
                prop_assert!(*b <= settings.per_brand_cap, "over a brand's cap");
            }
            if *d == Decision::Show && c.channel != Channel::DeviceAlert {
                if let Some(before) = last_new.get(&c.collapse_key) {
                    prop_assert!(
                        at - before >= steward_core::notify::policy::cooldown(c.channel),
                        "{} notified again {}s after the last time", c.collapse_key, at - before
                    );
                }
            }
            if d.notifies() {
                last_new.insert(c.collapse_key.clone(), at);
            }
            match d {
                Decision::Hold { until } => {
                    prop_assert!(*until > at);
                    held.insert(c.collapse_key.clone(), *until);
                }
                _ => {
                    held.remove(&c.collapse_key);
                }
            }
            Ok(())
        };
        for step in steps {
            match step {
                Step::Arrive(mut c) => {
                    c.expires_at = c.expires_at.map(|dt| now + dt);
                    let d = policy.decide(&c, now, OFFSET);
                    check(&c, &d, now, &mut held)?;
                }
                Step::Wait(dt) => now += dt,
                Step::Clear(key) => policy.cleared(&key),
                Step::Release => {
                    for (c, d) in policy.release(now, OFFSET) {
                        check(&c, &d, now, &mut held)?;
                    }
                }
            }
        }
        // Noon two days on, long after any quiet hours: everything held has been decided
        // again, none held.
        now = ((now + OFFSET).div_euclid(86_400) + 2) * 86_400 + 12 * HOUR - OFFSET;
        for (c, d) in policy.release(now, OFFSET) {
            prop_assert!(!matches!(d, Decision::Hold { .. }), "held again after quiet hours: {c:?}");
            check(&c, &d, now, &mut held)?;
        }
        prop_assert_eq!(policy.held().count(), 0);
        prop_assert!(held.is_empty(), "held and never decided again: {held:?}");
    }
}
