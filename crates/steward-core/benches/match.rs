//! The on-device matcher: a full match of N offers (from 20 partners' feeds, 500 each at most)
//! against a household of M consumables and 50 devices with a day of events, against the obvious
//! every-offer-against-every-item loop (`feed::naive`) over the same data in the same run.
//! Prints one line per size; never fails on a number.
//!
//! `BENCH_RUNS` sets how many runs each figure takes the median of (default 7; the naive loop
//! runs at most 3 times, it is slow; `BENCH_SKIP_NAIVE=1` runs it once). `BENCH_PROFILE=1` runs
//! only the matcher at 10,000 offers × 1,000 items, 200 times, for a profiler (`perf record`).

use std::collections::HashSet;
use std::hint::black_box;
use std::time::Instant;

use steward_core::feed::document::{Item, Offer, Store};
use steward_core::feed::household::{ConsumableFacts, DeviceFacts, EventFacts, Position};
use steward_core::feed::{matches, naive, Feed, Household, PartnerFeed, Rule};
use steward_core::Gtin;

const NOW: i64 = 1_796_144_400;
const DEVICES: usize = 50;
const KINDS: [&str; 5] = [
    "bluray_player",
    "soap_dispenser",
    "toaster",
    "coffee_maker",
    "washer",
];
const WORDS: [&str; 20] = [
    "dish",
    "soap",
    "bread",
    "rye",
    "coffee",
    "beans",
    "milk",
    "oat",
    "filter",
    "tabs",
    "salt",
    "rinse",
    "aid",
    "paper",
    "towels",
    "tea",
    "green",
    "detergent",
    "pods",
    "wipes",
];

/// A small deterministic generator, so every run and every machine sees the same data.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn category(r: &mut Lcg) -> String {
    format!(
        "{} {}",
        WORDS[r.below(WORDS.len())],
        WORDS[r.below(WORDS.len())]
    )
}

/// A valid GTIN-13 from a number.
fn gtin(n: u64) -> String {
    let body = format!("{:012}", 400_000_000_000 + n % 1_000_000);
    let sum: u32 = body
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    format!("{body}{}", (10 - sum % 10) % 10)
}

fn household(items: usize, r: &mut Lcg) -> Household {
    let consumables = (0..items)
        .map(|i| ConsumableFacts {
            id: i as i64,
            name: format!("Brand{} {}", i % 50, category(r)),
            gtin: (i % 2 == 0).then(|| gtin(i as u64)),
            unit: "units".to_owned(),
            remaining: r.below(40) as u32,
            days_left: Some(r.below(30) as u32),
        })
        .collect();
    let devices = (0..DEVICES)
        .map(|i| DeviceFacts {
            id: format!("d{i}"),
            name: format!("Device {i}"),
            kind: KINDS[i % KINDS.len()].to_owned(),
            state: None,
        })
        .collect();
    // A day of button events across the devices, one every 20 s.
    let events = (0..4_320)
        .map(|i| EventFacts {
            device_id: format!("d{}", r.below(DEVICES)),
            event: "button".to_owned(),
            at: NOW - i * 20,
        })
        .collect();
    Household {
        consumables,
        devices,
        events,
        position: Some(Position {
            lat: 52.52,
            lon: 13.405,
        }),
        now: NOW,
        fences: None,
        local_minute: 18 * 60,
    }
}

fn offer(i: usize, items: usize, r: &mut Lcg) -> Offer {
    let item = if i.is_multiple_of(3) {
        Item::Gtin(Gtin::parse(&gtin(r.below(items) as u64)).expect("a valid GTIN"))
    } else {
        Item::category(&category(r))
    };
    let mut rules = vec![match i % 5 {
        0 | 1 => Rule::ConsumableBelow {
            item: item.clone(),
            level: 10,
        },
        2 => Rule::DaysLeftBelow {
            item: item.clone(),
            days: 5,
        },
        3 => Rule::OwnsModel {
            model: KINDS[r.below(KINDS.len())].to_owned(),
        },
        _ => Rule::DevicePattern {
            model: KINDS[r.below(KINDS.len())].to_owned(),
            event: "button".to_owned(),
            count: 3,
            within_secs: 60,
        },
    }];
    if i.is_multiple_of(4) {
        rules.push(Rule::InsideGeofence {
            lat: 52.52,
            lon: 13.405,
            radius_meters: 2_000.0,
        });
    }
    Offer {
        id: format!("o{i}"),
        name: format!("Offer {i}"),
        item,
        price_minor: Some((349, "EUR".to_owned())),
        discount_percent: Some(15),
        valid_from: NOW - 86_400,
        valid_through: NOW + 86_400,
        stores: (0..3)
            .map(|s| Store {
                name: format!("Store {s}"),
                lat: 52.5 + s as f64 / 100.0,
                lon: 13.4,
            })
            .collect(),
        rules,
        collapse_key: format!("k{i}"),
        priority: (i % 10) as u8,
    }
}

fn feeds(offers: usize, items: usize, r: &mut Lcg) -> Vec<Feed> {
    let per = offers.div_ceil(20);
    (0..20)
        .map(|p| Feed {
            partner: format!("p{p}"),
            sequence: 1,
            issued_at: NOW - 3_600,
            expires_at: NOW + 86_400,
            offers: (p * per..((p + 1) * per).min(offers))
                .map(|i| offer(i, items, r))
                .collect(),
            tutorials: Vec::new(),
        })
        .collect()
}

/// Milliseconds of `f`, min/median/max over `runs`.
fn time(runs: usize, mut f: impl FnMut() -> usize) -> (f64, f64, f64, usize) {
    let mut found = 0;
    let mut ms: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            found = black_box(f());
            start.elapsed().as_secs_f64() * 1_000.0
        })
        .collect();
    ms.sort_by(f64::total_cmp);
    (ms[0], ms[ms.len() / 2], ms[ms.len() - 1], found)
}

fn main() {
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(7);
    let sizes = if std::env::var_os("BENCH_PROFILE").is_some() {
        vec![(10_000, 1_000)]
    } else {
        vec![
            (1_000, 1_000),
            (5_000, 1_000),
            (10_000, 1_000),
            (10_000, 250),
            (10_000, 4_000),
            (20_000, 1_000),
        ]
    };
    println!("median (min–max) of {runs} runs; naive at most 3 runs");
    for (offers, items) in sizes {
        let mut r = Lcg(42);
        let h = household(items, &mut r);
        let feeds = feeds(offers, items, &mut r);
        let ids: Vec<String> = (0..feeds.len()).map(|p| format!("p{p}")).collect();
        let partner_feeds: Vec<PartnerFeed<'_>> = feeds
            .iter()
            .zip(&ids)
            .map(|(feed, id)| PartnerFeed {
                partner_id: id,
                partner_name: id,
                feed,
            })
            .collect();
        let muted = HashSet::new();
        let (s_min, s_med, s_max, found) = time(runs, || matches(&partner_feeds, &h, &muted).len());
        if std::env::var_os("BENCH_PROFILE").is_some() {
            let (_, med, _, _) = time(200, || matches(&partner_feeds, &h, &muted).len());
            eprintln!("profile: median {med:.2} ms over 200 runs");
            return;
        }
        // The same, writing every match's sentence (the app writes only those it shows).
        let (_, e_med, _, _) = time(runs, || {
            matches(&partner_feeds, &h, &muted)
                .iter()
                .map(|m| m.explanation().len())
                .sum()
        });
        let naive_runs = if std::env::var_os("BENCH_SKIP_NAIVE").is_some() {
            1
        } else {
            runs.min(3)
        };
        let (n_min, n_med, n_max, naive_found) = time(naive_runs, || {
            naive::matching_items(&partner_feeds, &h).len()
        });
        println!(
            "match offers={offers} items={items} devices={DEVICES} steward_ms={s_med:.2} naive_ms={n_med:.1} \
             (steward {s_min:.2}–{s_max:.2}, naive {n_min:.1}–{n_max:.1}, ratio {:.0}x; {found} matches, naive {naive_found}; \
             with every sentence written {e_med:.2} ms)",
            n_med / s_med
        );
    }
}
