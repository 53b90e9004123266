//! The on-device matcher and search: the brief's soap, bread and Blu-ray cases with their
//! explanations, every rule holding and not holding, mutes, collapse keys, validity, and a
//! property test that the indexed matcher picks exactly what the obvious one does.

use std::collections::HashSet;

use proptest::prelude::*;
use steward_core::feed::document::{Item, Offer, Step, Store, Tutorial};
use steward_core::feed::household::{ConsumableFacts, DeviceFacts, EventFacts, Position};
use steward_core::feed::search::{search, Query, SortBy};
use steward_core::feed::{matches, naive, Feed, Household, MatchKind, PartnerFeed, Rule};
use steward_core::Gtin;

const NOW: i64 = 1_796_144_400; // 2026-12-01T17:00:00Z
const DAY: i64 = 86_400;
/// Main Street Market, and a point about 280 m from it.
const MARKET: Position = Position {
    lat: 52.5208,
    lon: 13.4094,
};
const NEAR_MARKET: Position = Position {
    lat: 52.5219,
    lon: 13.4132,
};

fn offer(id: &str, item: Item, rules: Vec<Rule>) -> Offer {
    Offer {
        id: id.to_owned(),
        name: format!("Offer {id}"),
        item,
        price_minor: Some((349, "EUR".to_owned())),
        discount_percent: Some(15),
        valid_from: NOW - DAY,
        valid_through: NOW + 7 * DAY,
        stores: vec![Store {
            name: "Main Street Market".to_owned(),
            lat: MARKET.lat,
            lon: MARKET.lon,
        }],
        rules,
        collapse_key: id.to_owned(),
        priority: 3,
    }
}

fn category(name: &str) -> Item {
    Item::category(name)
}

fn feed(partner: &str, offers: Vec<Offer>, tutorials: Vec<Tutorial>) -> Feed {
    Feed {
        partner: partner.to_owned(),
        sequence: 1,
        issued_at: NOW - 3_600,
        expires_at: NOW + 7 * DAY,
        offers,
        tutorials,
    }
}

fn soap(remaining: u32, days_left: Option<u32>) -> ConsumableFacts {
    ConsumableFacts {
        id: 1,
        name: "Dish soap".to_owned(),
        gtin: Some("4006381333931".to_owned()),
        unit: "packet".to_owned(),
        remaining,
        days_left,
    }
}

fn household(consumables: Vec<ConsumableFacts>) -> Household {
    Household {
        consumables,
        now: NOW,
        fences: None,
        local_minute: 18 * 60,
        ..Household::default()
    }
}

fn run<'a>(
    feeds: &[(&'a str, &'a str, &'a Feed)],
    h: &'a Household,
    muted: &[&str],
) -> Vec<steward_core::feed::Match<'a>> {
    let feeds: Vec<PartnerFeed<'_>> = feeds
        .iter()
        .map(|(id, name, feed)| PartnerFeed {
            partner_id: id,
            partner_name: name,
            feed,
        })
        .collect();
    let muted: HashSet<String> = muted.iter().map(|m| (*m).to_owned()).collect();
    matches(&feeds, h, &muted)
}

#[test]
fn the_soap_offer_fits_when_soap_runs_low_and_says_why_with_the_nearest_store() {
    let sudsy = feed(
        "sudsy",
        vec![offer(
            "soap",
            category("Dish soap"),
            vec![Rule::DaysLeftBelow {
                item: category("dish soap"),
                days: 5,
            }],
        )],
        vec![],
    );
    let mut h = household(vec![soap(8, Some(4))]);
    h.position = Some(NEAR_MARKET);
    let found = run(&[("sudsy", "Dishwell", &sudsy)], &h, &[]);
    assert_eq!(found.len(), 1);
    let m = &found[0];
    assert_eq!(
        m.explanation(),
        "Your dish soap will run out in about 4 days, and Dishwell has it 15% off at Main Street Market, 280 m away."
    );
    assert_eq!((m.kind(), m.consumable_id), (MatchKind::Offer, Some(1)));

    // Without the position, the store is named without a distance.
    h.position = None;
    let found = run(&[("sudsy", "Dishwell", &sudsy)], &h, &[]);
    assert!(
        found[0].explanation().ends_with("at Main Street Market."),
        "{}",
        found[0].explanation()
    );

    // Plenty left, or no forecast yet: nothing.
    for c in [soap(30, Some(20)), soap(8, None)] {
        assert!(run(&[("sudsy", "Dishwell", &sudsy)], &household(vec![c]), &[]).is_empty());
    }
}

#[test]
fn levels_match_by_gtin_in_any_length_and_by_a_category_phrase_in_the_name() {
    let gtin14 = Item::Gtin(Gtin::parse("04006381333931").expect("gtin"));
    let by_gtin = offer(
        "g",
        gtin14.clone(),
        vec![Rule::ConsumableBelow {
            item: gtin14,
            level: 10,
        }],
    );
    let by_phrase = offer(
        "p",
        category("dish soap"),
        vec![Rule::ConsumableBelow {
            item: category("Dish  Soap"),
            level: 10,
        }],
    );
    let not_a_word = offer(
        "w",
        category("ish so"),
        vec![Rule::ConsumableBelow {
            item: category("ish so"),
            level: 10,
        }],
    );
    let f = feed("sudsy", vec![by_gtin, by_phrase, not_a_word], vec![]);
    let mut c = soap(8, None);
    c.name = "Sudsy dish soap".to_owned();
    let h = household(vec![c]);
    let found = run(&[("sudsy", "Sudsy", &f)], &h, &[]);
    let ids: HashSet<&str> = found.iter().map(|m| m.id()).collect();
    assert_eq!(ids, HashSet::from(["g", "p"]), "whole words only");
    assert!(found[0]
        .explanation()
        .starts_with("You have 8 packets of sudsy dish soap left, and Sudsy"));
}

#[test]
fn a_muted_brand_shows_no_offers_but_its_help_stays() {
    let tutorial = Tutorial {
        id: "t".to_owned(),
        name: "Cleaning the dispenser".to_owned(),
        steps: vec![Step {
            text: "Rinse it.".to_owned(),
            image: None,
            state: None,
        }],
        models: vec!["soap_dispenser".to_owned()],
        states: vec![],
        rules: vec![Rule::OwnsModel {
            model: "soap_dispenser".to_owned(),
        }],
        expires_at: NOW + DAY,
        collapse_key: "t".to_owned(),
        priority: 1,
    };
    let f = feed(
        "sudsy",
        vec![offer(
            "o",
            category("dish soap"),
            vec![Rule::ConsumableBelow {
                item: category("dish soap"),
                level: 10,
            }],
        )],
        vec![tutorial],
    );
    let mut h = household(vec![soap(8, None)]);
    h.devices.push(DeviceFacts {
        id: "d1".to_owned(),
        name: "Kitchen dispenser".to_owned(),
        kind: "soap_dispenser".to_owned(),
        state: None,
    });
    assert_eq!(run(&[("sudsy", "Sudsy", &f)], &h, &[]).len(), 2);
    let muted = run(&[("sudsy", "Sudsy", &f)], &h, &["sudsy"]);
    assert_eq!(muted.len(), 1);
    assert_eq!(muted[0].kind(), MatchKind::Tutorial);
    assert_eq!(
        muted[0].explanation(),
        "You have Kitchen dispenser: Sudsy's guide \u{201c}Cleaning the dispenser\u{201d} may help."
    );
    assert_eq!(muted[0].device_id, Some("d1"));
}

#[test]
fn the_confused_owner_pattern_needs_enough_presses_close_together_and_now() {
    let howto = Tutorial {
        id: "menu".to_owned(),
        name: "Finding the disc menu".to_owned(),
        steps: vec![Step {
            text: "Press Menu once.".to_owned(),
            image: None,
            state: None,
        }],
        models: vec!["bluray_player".to_owned()],
        states: vec![],
        rules: vec![Rule::DevicePattern {
            model: "bluray_player".to_owned(),
            event: "button".to_owned(),
            count: 5,
            within_secs: 20,
        }],
        expires_at: NOW + DAY,
        collapse_key: "menu".to_owned(),
        priority: 5,
    };
    let f = feed("lumaview", vec![], vec![howto]);
    let player = DeviceFacts {
        id: "p1".to_owned(),
        name: "Living room player".to_owned(),
        kind: "bluray_player".to_owned(),
        state: None,
    };
    let presses = |times: &[i64], event: &str, device: &str| -> Vec<EventFacts> {
        times
            .iter()
            .map(|t| EventFacts {
                device_id: device.to_owned(),
                event: event.to_owned(),
                at: NOW - t,
            })
            .collect()
    };
    let with = |events: Vec<EventFacts>| {
        let mut h = household(vec![]);
        h.devices.push(player.clone());
        h.events = events;
        run(&[("lumaview", "Lumaview", &f)], &h, &[])
            .iter()
            .map(|m| m.explanation())
            .collect::<Vec<_>>()
    };
    let found = with(presses(&[18, 14, 9, 5, 1], "button", "p1"));
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0],
        "Living room player saw 5 presses within 20 seconds: Lumaview's guide \u{201c}Finding the disc menu\u{201d} may help."
    );
    assert!(
        with(presses(&[14, 9, 5, 1], "button", "p1")).is_empty(),
        "four presses"
    );
    assert!(
        with(presses(&[40, 30, 20, 10, 1], "button", "p1")).is_empty(),
        "too slow"
    );
    assert!(
        with(presses(
            &[3_618, 3_614, 3_609, 3_605, 3_601],
            "button",
            "p1"
        ))
        .is_empty(),
        "an hour ago"
    );
    assert!(
        with(presses(&[18, 14, 9, 5, 1], "power", "p1")).is_empty(),
        "another event"
    );
    assert!(
        with(presses(&[18, 14, 9, 5, 1], "button", "someone-else")).is_empty(),
        "not ours"
    );
}

#[test]
fn a_guide_for_some_device_states_fits_only_while_the_device_is_in_one() {
    let howto = Tutorial {
        id: "menu".to_owned(),
        name: "Finding the disc menu".to_owned(),
        steps: vec![Step {
            text: "Press Menu once.".to_owned(),
            image: None,
            state: Some("stopped".to_owned()),
        }],
        models: vec!["bluray_player".to_owned()],
        states: vec!["stopped".to_owned(), "menu".to_owned()],
        rules: vec![Rule::OwnsModel {
            model: "bluray_player".to_owned(),
        }],
        expires_at: NOW + DAY,
        collapse_key: "menu".to_owned(),
        priority: 5,
    };
    let f = feed("lumaview", vec![], vec![howto]);
    let fits = |state: Option<&str>| {
        let mut h = household(vec![]);
        h.devices.push(DeviceFacts {
            id: "p1".to_owned(),
            name: "Player".to_owned(),
            kind: "bluray_player".to_owned(),
            state: state.map(str::to_owned),
        });
        !run(&[("lumaview", "Lumaview", &f)], &h, &[]).is_empty()
    };
    assert!(fits(Some("menu")));
    assert!(fits(Some("stopped")));
    assert!(!fits(Some("playing")), "a film is on: not now");
    assert!(!fits(None), "state unknown: not pushed");
}

#[test]
fn geofences_time_windows_and_validity_decide_as_written() {
    let near = offer(
        "near",
        category("bread"),
        vec![
            Rule::InsideGeofence {
                lat: MARKET.lat,
                lon: MARKET.lon,
                radius_meters: 800.0,
            },
            Rule::TimeWindow {
                from_minute: 17 * 60,
                until_minute: 20 * 60,
            },
        ],
    );
    let mut expired = near.clone();
    expired.id = "expired".to_owned();
    expired.collapse_key = "expired".to_owned();
    expired.valid_through = NOW;
    let mut early = near.clone();
    early.id = "early".to_owned();
    early.collapse_key = "early".to_owned();
    early.valid_from = NOW + 1;
    let mut no_rules = near.clone();
    no_rules.id = "plain".to_owned();
    no_rules.collapse_key = "plain".to_owned();
    no_rules.rules.clear();
    let f = feed("goldcrust", vec![near, expired, early, no_rules], vec![]);
    let at = |position: Option<Position>, minute: u16| {
        let mut h = household(vec![]);
        h.position = position;
        h.local_minute = minute;
        run(&[("goldcrust", "Goldcrust", &f)], &h, &[])
            .into_iter()
            .map(|m| m.id().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(at(Some(NEAR_MARKET), 18 * 60), ["near"]);
    assert_eq!(
        run(
            &[("goldcrust", "Goldcrust", &f)],
            &{
                let mut h = household(vec![]);
                h.position = Some(NEAR_MARKET);
                h
            },
            &[]
        )[0]
        .explanation(),
        "You are nearby, and Goldcrust has it 15% off at Main Street Market, 280 m away."
    );
    assert!(
        at(
            Some(Position {
                lat: 52.53,
                lon: 13.43
            }),
            18 * 60
        )
        .is_empty(),
        "1.8 km away"
    );
    assert!(at(None, 18 * 60).is_empty(), "no position, no geofence");
    assert!(
        at(Some(NEAR_MARKET), 21 * 60).is_empty(),
        "after the window"
    );

    // With the phone's settled fences given (dwell and hysteresis), they decide, not the
    // position: at the door but not yet settled is not in; settled is, wherever the last
    // report wobbled.
    let settled = |fences: Vec<steward_core::location::FenceKey>| {
        let mut h = household(vec![]);
        h.position = Some(NEAR_MARKET);
        h.local_minute = 18 * 60;
        h.fences = Some(fences.into_iter().collect());
        run(&[("goldcrust", "Goldcrust", &f)], &h, &[])
            .into_iter()
            .map(|m| m.id().to_owned())
            .collect::<Vec<_>>()
    };
    assert!(settled(vec![]).is_empty(), "not settled in the fence yet");
    let market = steward_core::location::Fence {
        center: MARKET,
        radius_m: 800.0,
    };
    assert_eq!(settled(vec![market.key()]), ["near"]);
}

#[test]
fn one_item_per_collapse_key_per_partner_and_the_most_relevant_first() {
    let low = offer(
        "a",
        category("dish soap"),
        vec![Rule::ConsumableBelow {
            item: category("dish soap"),
            level: 10,
        }],
    );
    let mut high = low.clone();
    high.id = "b".to_owned();
    high.collapse_key = "a".to_owned();
    high.priority = 9;
    let mut other_key = low.clone();
    other_key.id = "c".to_owned();
    other_key.collapse_key = "c".to_owned();
    other_key.priority = 5;
    let sudsy = feed("sudsy", vec![low.clone(), high, other_key], vec![]);
    // Another partner's item under the same key is not collapsed into Sudsy's.
    let crumb = feed("crumb", vec![low], vec![]);
    let h = household(vec![soap(3, None)]);
    let found = run(
        &[("sudsy", "Sudsy", &sudsy), ("crumb", "Crumb", &crumb)],
        &h,
        &[],
    );
    let order: Vec<(&str, &str)> = found.iter().map(|m| (m.partner_id, m.id())).collect();
    assert_eq!(order, [("sudsy", "b"), ("sudsy", "c"), ("crumb", "a")]);
}

#[test]
fn search_finds_offers_by_words_or_gtin_with_distance_and_price_order() {
    let mut cheap_far = offer("cheap", category("dish soap"), vec![]);
    cheap_far.price_minor = Some((249, "EUR".to_owned()));
    cheap_far.stores = vec![Store {
        name: "Out of town".to_owned(),
        lat: 52.60,
        lon: 13.50,
    }];
    let dear_near = offer("dear", category("dish soap"), vec![]);
    let gtin = Gtin::parse("4006381333931").expect("gtin");
    let mut by_gtin = offer("gtin", Item::Gtin(gtin.clone()), vec![]);
    by_gtin.name = "Sudsy Original 500 ml".to_owned();
    by_gtin.stores.clear();
    let mut expired = offer("old", category("dish soap"), vec![]);
    expired.valid_through = NOW - 1;
    let sudsy = feed("sudsy", vec![dear_near, by_gtin, expired], vec![]);
    let crumb = feed("crumb", vec![cheap_far], vec![]);
    let feeds = [
        PartnerFeed {
            partner_id: "sudsy",
            partner_name: "Sudsy",
            feed: &sudsy,
        },
        PartnerFeed {
            partner_id: "crumb",
            partner_name: "Crumb",
            feed: &crumb,
        },
    ];
    let ids = |hits: Vec<steward_core::feed::search::Hit>| {
        hits.into_iter()
            .map(|h| h.offer.id.clone())
            .collect::<Vec<_>>()
    };
    let here = Some(NEAR_MARKET);
    assert_eq!(
        ids(search(
            &feeds,
            &Query::parse("Dish Soap"),
            here,
            NOW,
            SortBy::Distance
        )),
        ["dear", "cheap"]
    );
    assert_eq!(
        ids(search(
            &feeds,
            &Query::parse("dish soap"),
            here,
            NOW,
            SortBy::Price
        )),
        ["cheap", "dear"]
    );
    let hits = search(
        &feeds,
        &Query::parse("soap dish"),
        here,
        NOW,
        SortBy::Distance,
    );
    let store = hits[0].store.as_ref().expect("a store");
    assert_eq!(store.name, "Main Street Market");
    assert!((store.meters.expect("a distance") - 280.0).abs() < 20.0);
    assert_eq!(
        ids(search(
            &feeds,
            &Query::parse("4006381333931"),
            here,
            NOW,
            SortBy::Distance
        )),
        ["gtin"]
    );
    assert_eq!(
        ids(search(
            &feeds,
            &Query::parse("0 4006381 333931"),
            here,
            NOW,
            SortBy::Distance
        )),
        ["gtin"],
        "GTIN-14, typed with spaces"
    );
    assert_eq!(
        ids(search(
            &feeds,
            &Query::parse("original"),
            None,
            NOW,
            SortBy::Distance
        )),
        ["gtin"]
    );
    assert!(search(&feeds, &Query::parse("   "), here, NOW, SortBy::Distance).is_empty());
    assert!(search(&feeds, &Query::parse("bread"), here, NOW, SortBy::Distance).is_empty());
    assert_eq!(
        Query::parse("4006381333932"),
        Query::Text("4006381333932".to_owned()),
        "a wrong check digit is words"
    );
}

// ---- the indexed matcher picks exactly what the obvious one does ----

const NAMES: [&str; 6] = [
    "Dish soap",
    "Sudsy dish soap",
    "Bread",
    "Rye bread",
    "Coffee beans",
    "Soap",
];
const CATEGORIES: [&str; 5] = ["dish soap", "soap", "bread", "coffee", "rye bread"];
const KINDS: [&str; 3] = ["bluray_player", "soap_dispenser", "toaster"];

fn arb_item() -> impl Strategy<Value = Item> {
    prop_oneof![
        (0..CATEGORIES.len()).prop_map(|i| Item::category(CATEGORIES[i])),
        Just(Item::Gtin(Gtin::parse("4006381333931").expect("gtin"))),
    ]
}

fn arb_rule() -> impl Strategy<Value = Rule> {
    prop_oneof![
        (arb_item(), 0u32..20).prop_map(|(item, level)| Rule::ConsumableBelow { item, level }),
        (arb_item(), 0u32..10).prop_map(|(item, days)| Rule::DaysLeftBelow { item, days }),
        (0..KINDS.len()).prop_map(|k| Rule::OwnsModel {
            model: KINDS[k].to_owned()
        }),
        (0..KINDS.len(), 1u32..5, 1u32..60).prop_map(|(k, count, within_secs)| {
            Rule::DevicePattern {
                model: KINDS[k].to_owned(),
                event: "button".to_owned(),
                count,
                within_secs,
            }
        }),
        (-0.02f64..0.02, -0.02f64..0.02, 100f64..3_000.0).prop_map(|(dlat, dlon, r)| {
            Rule::InsideGeofence {
                lat: MARKET.lat + dlat,
                lon: MARKET.lon + dlon,
                radius_meters: r,
            }
        }),
        (0u16..1440, 0u16..1440).prop_map(|(from_minute, until_minute)| Rule::TimeWindow {
            from_minute,
            until_minute
        }),
    ]
}

fn arb_household() -> impl Strategy<Value = Household> {
    (
        prop::collection::vec(
            (
                0..NAMES.len(),
                any::<bool>(),
                0u32..20,
                prop::option::of(0u32..10),
            ),
            0..8,
        ),
        prop::collection::vec(0..KINDS.len(), 0..4),
        prop::collection::vec((0usize..4, 0i64..2_000), 0..20),
        prop::option::of((-0.02f64..0.02, -0.02f64..0.02)),
        0u16..1440,
    )
        .prop_map(
            |(consumables, kinds, events, position, local_minute)| Household {
                consumables: consumables
                    .into_iter()
                    .enumerate()
                    .map(|(i, (n, has_gtin, remaining, days_left))| ConsumableFacts {
                        id: i as i64,
                        name: NAMES[n].to_owned(),
                        gtin: has_gtin.then(|| "4006381333931".to_owned()),
                        unit: "units".to_owned(),
                        remaining,
                        days_left,
                    })
                    .collect(),
                devices: kinds
                    .iter()
                    .enumerate()
                    .map(|(i, k)| DeviceFacts {
                        id: format!("d{i}"),
                        name: format!("Device {i}"),
                        kind: KINDS[*k].to_owned(),
                        state: None,
                    })
                    .collect(),
                events: events
                    .into_iter()
                    .map(|(d, ago)| EventFacts {
                        device_id: format!("d{d}"),
                        event: "button".to_owned(),
                        at: NOW - ago,
                    })
                    .collect(),
                position: position.map(|(a, b)| Position {
                    lat: MARKET.lat + a,
                    lon: MARKET.lon + b,
                }),
                fences: None,
                now: NOW,
                local_minute,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn the_indexed_matcher_agrees_with_the_obvious_one(
        household in arb_household(),
        rule_sets in prop::collection::vec(prop::collection::vec(arb_rule(), 0..3), 1..12),
    ) {
        let offers: Vec<Offer> = rule_sets
            .iter()
            .enumerate()
            .map(|(i, rules)| offer(&format!("o{i}"), category("soap"), rules.clone()))
            .collect();
        let f = feed("p", offers, vec![]);
        let feeds = [PartnerFeed { partner_id: "p", partner_name: "P", feed: &f }];
        let mut fast: Vec<String> = matches(&feeds, &household, &HashSet::new()).into_iter().map(|m| m.id().to_owned()).collect();
        let mut slow: Vec<String> = naive::matching_items(&feeds, &household).into_iter().map(|(_, _, id)| id).collect();
        fast.sort();
        slow.sort();
        prop_assert_eq!(fast, slow);
    }
}
