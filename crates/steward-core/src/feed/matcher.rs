//! The on-device matcher: which offers and tutorials fit this household now, each with the
//! sentence that says why, built from the rules that held. Pure: feeds and household facts in,
//! matches out; the household's facts are indexed once per run (by GTIN, by name phrase, by
//! device kind, events by device), so a run costs about one lookup per rule, not one per
//! consumable per rule.
//!
//! It must never send, store or log anything: matching is what keeps household data home.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

pub use super::document::category_key;
use super::document::{Item, Offer, Rule, Tutorial};
use super::household::{describe_distance, distance_meters, Household, Position};
use super::Feed;

/// How long after a device-event pattern ends it still counts (the owner is still at it).
pub const PATTERN_FRESH_SECS: i64 = 15 * 60;
/// The longest category (in words) that can match a consumable's name.
pub const MAX_PHRASE_WORDS: usize = 8;

/// One partner's kept feed.
#[derive(Debug, Clone, Copy)]
pub struct PartnerFeed<'a> {
    pub partner_id: &'a str,
    pub partner_name: &'a str,
    pub feed: &'a Feed,
}

/// An offer or a tutorial.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MatchKind {
    Offer,
    Tutorial,
}

/// A store near the owner.
#[derive(Debug, Clone, PartialEq)]
pub struct NearStore {
    pub name: String,
    /// Distance from the owner, when the position is known.
    pub meters: Option<f64>,
}

/// An item that fits, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    pub partner_id: String,
    pub partner_name: String,
    pub kind: MatchKind,
    /// The item's id in its feed.
    pub id: String,
    pub name: String,
    pub collapse_key: String,
    /// Higher first: the partner's priority, then how pressing the reason is.
    pub relevance: u32,
    /// "Your dish soap will run out in about 4 days, and Dishwell has it 15% off at Main
    /// Street Market, 400 m away."
    pub explanation: String,
    pub store: Option<NearStore>,
    /// The consumable it is about (a reorder offer's), when a rule named one.
    pub consumable_id: Option<i64>,
    /// The device it is about, when a rule named one.
    pub device_id: Option<String>,
    /// When the feed was issued (newer first among equals).
    pub issued_at: i64,
    pub expires_at: i64,
}

/// What a rule found.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Evidence {
    Level {
        consumable: usize,
    },
    DaysLeft {
        consumable: usize,
        days: u32,
    },
    Owns {
        device: usize,
    },
    Pattern {
        device: usize,
        count: u32,
        secs: u32,
    },
    Near,
    Time,
}

/// The household, indexed for the rules' lookups.
struct Index<'h> {
    household: &'h Household,
    by_gtin: HashMap<[u8; 14], Vec<usize>>,
    by_phrase: HashMap<String, Vec<usize>>,
    by_kind: HashMap<&'h str, Vec<usize>>,
    /// Event names, numbered.
    event_names: HashMap<&'h str, usize>,
    /// Each device's events of each name (by number), oldest first.
    events: HashMap<(usize, usize), Vec<i64>>,
    /// The shortest span of `count` fresh events per (device, event, count), once computed:
    /// many items share a pattern.
    spans: RefCell<HashMap<(usize, usize, u32), Option<i64>>>,
}

/// A GTIN's 14-digit form, so an EAN-13 and its GTIN-14 compare equal. `None` for more than
/// 14 characters (not a GTIN).
pub fn gtin_key(digits: &str) -> Option<[u8; 14]> {
    let bytes = digits.as_bytes();
    let pad = 14usize.checked_sub(bytes.len())?;
    let mut key = [b'0'; 14];
    key[pad..].copy_from_slice(bytes);
    Some(key)
}

/// Every run of whole words of a name, lower-cased: "Sudsy dish soap" gives "sudsy",
/// "sudsy dish", "sudsy dish soap", "dish", "dish soap", "soap".
fn phrases(name: &str) -> Vec<String> {
    let words: Vec<String> = name.split_whitespace().map(str::to_lowercase).collect();
    let mut out = Vec::new();
    for start in 0..words.len() {
        // Names are short; a pathological one is bounded in the phrases it makes.
        for end in start + 1..=words.len().min(start + MAX_PHRASE_WORDS) {
            out.push(words[start..end].join(" "));
        }
    }
    out
}

impl<'h> Index<'h> {
    fn new(household: &'h Household) -> Self {
        let mut by_gtin: HashMap<[u8; 14], Vec<usize>> = HashMap::new();
        let mut by_phrase: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, c) in household.consumables.iter().enumerate() {
            if let Some(key) = c.gtin.as_deref().and_then(gtin_key) {
                by_gtin.entry(key).or_default().push(i);
            }
            let mut seen = HashSet::new();
            for phrase in phrases(&c.name) {
                if seen.insert(phrase.clone()) {
                    by_phrase.entry(phrase).or_default().push(i);
                }
            }
        }
        let mut by_kind: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut position: HashMap<&str, usize> = HashMap::new();
        for (i, d) in household.devices.iter().enumerate() {
            by_kind.entry(d.kind.as_str()).or_default().push(i);
            position.insert(d.id.as_str(), i);
        }
        let mut event_names: HashMap<&str, usize> = HashMap::new();
        let mut events: HashMap<(usize, usize), Vec<i64>> = HashMap::new();
        for e in &household.events {
            if let Some(&device) = position.get(e.device_id.as_str()) {
                let next = event_names.len();
                let name = *event_names.entry(e.event.as_str()).or_insert(next);
                events.entry((device, name)).or_default().push(e.at);
            }
        }
        for times in events.values_mut() {
            times.sort_unstable();
        }
        Self {
            household,
            by_gtin,
            by_phrase,
            by_kind,
            event_names,
            events,
            spans: RefCell::new(HashMap::new()),
        }
    }

    /// The shortest time `count` of `event` on `device` took, among runs that ended recently.
    fn shortest_span(&self, device: usize, event: usize, count: u32) -> Option<i64> {
        if let Some(span) = self.spans.borrow().get(&(device, event, count)) {
            return *span;
        }
        let span = self
            .events
            .get(&(device, event))
            .and_then(|times| shortest_fresh_span(times, count, self.household.now));
        self.spans.borrow_mut().insert((device, event, count), span);
        span
    }

    fn consumables_of(&self, item: &Item) -> &[usize] {
        let found = match item {
            Item::Gtin(gtin) => gtin_key(gtin.as_str()).and_then(|key| self.by_gtin.get(&key)),
            Item::Category(category) => self.by_phrase.get(category.as_str()),
        };
        found.map_or(&[], Vec::as_slice)
    }

    fn evaluate(&self, rule: &Rule) -> Option<Evidence> {
        let h = self.household;
        match rule {
            Rule::ConsumableBelow { item, level } => self
                .consumables_of(item)
                .iter()
                .copied()
                .filter(|&i| h.consumables[i].remaining <= *level)
                .min_by_key(|&i| h.consumables[i].remaining)
                .map(|consumable| Evidence::Level { consumable }),
            Rule::DaysLeftBelow { item, days } => self
                .consumables_of(item)
                .iter()
                .filter_map(|&i| Some((i, h.consumables[i].days_left?)))
                .filter(|&(_, left)| left <= *days)
                .min_by_key(|&(_, left)| left)
                .map(|(consumable, days)| Evidence::DaysLeft { consumable, days }),
            Rule::OwnsModel { model } => self
                .by_kind
                .get(model.as_str())
                .and_then(|devices| devices.first())
                .map(|&device| Evidence::Owns { device }),
            Rule::DevicePattern {
                model,
                event,
                count,
                within_secs,
            } => {
                let event = *self.event_names.get(event.as_str())?;
                self.by_kind
                    .get(model.as_str())?
                    .iter()
                    .copied()
                    .find(|&device| {
                        self.shortest_span(device, event, *count)
                            .is_some_and(|span| span <= i64::from(*within_secs))
                    })
                    .map(|device| Evidence::Pattern {
                        device,
                        count: *count,
                        secs: *within_secs,
                    })
            }
            Rule::InsideGeofence {
                lat,
                lon,
                radius_meters,
            } => {
                let here = h.position?;
                (distance_meters(
                    here,
                    Position {
                        lat: *lat,
                        lon: *lon,
                    },
                ) <= *radius_meters)
                    .then_some(Evidence::Near)
            }
            Rule::TimeWindow {
                from_minute,
                until_minute,
            } => in_window(h.local_minute, *from_minute, *until_minute).then_some(Evidence::Time),
        }
    }

    /// Every rule's evidence, or `None` when one does not hold (or there are none: an item
    /// without rules is only ever found by search, never pushed).
    fn all_hold(&self, rules: &[Rule]) -> Option<Vec<Evidence>> {
        if rules.is_empty() {
            return None;
        }
        rules.iter().map(|rule| self.evaluate(rule)).collect()
    }
}

/// The shortest span of `count` consecutive `times` (sorted) whose last is recent and not in
/// the future.
fn shortest_fresh_span(times: &[i64], count: u32, now: i64) -> Option<i64> {
    let count = count.max(1) as usize;
    times
        .windows(count)
        .filter(|w| {
            let last = w[count - 1];
            last <= now && now - last <= PATTERN_FRESH_SECS
        })
        .map(|w| w[count - 1] - w[0])
        .min()
}

#[cfg(test)]
fn pattern_holds(times: &[i64], count: u32, within: u32, now: i64) -> bool {
    shortest_fresh_span(times, count, now).is_some_and(|span| span <= i64::from(within))
}

/// `from` inclusive, `until` exclusive, wrapping past midnight when `until` is earlier.
fn in_window(minute: u16, from: u16, until: u16) -> bool {
    if from <= until {
        (from..until).contains(&minute)
    } else {
        minute >= from || minute < until
    }
}

/// The offers and tutorials that fit `household`, one per partner and collapse key, most
/// relevant first. Offers from `muted` partners are left out (their tutorials stay: help is
/// not marketing).
pub fn matches(
    feeds: &[PartnerFeed<'_>],
    household: &Household,
    muted: &HashSet<String>,
) -> Vec<Match> {
    let index = Index::new(household);
    let mut best: HashMap<(usize, &str), Match> = HashMap::new();
    for (p, partner) in feeds.iter().enumerate() {
        let offers = if muted.contains(partner.partner_id) {
            &[][..]
        } else {
            &partner.feed.offers[..]
        };
        for offer in offers {
            if !(offer.valid_from <= household.now && household.now < offer.valid_through) {
                continue;
            }
            if let Some(evidence) = index.all_hold(&offer.rules) {
                let m = offer_match(&index, partner, offer, &evidence);
                keep(&mut best, (p, &offer.collapse_key), m);
            }
        }
        for tutorial in &partner.feed.tutorials {
            if tutorial.expires_at <= household.now {
                continue;
            }
            if let Some(evidence) = index.all_hold(&tutorial.rules) {
                let m = tutorial_match(&index, partner, tutorial, &evidence);
                keep(&mut best, (p, &tutorial.collapse_key), m);
            }
        }
    }
    let mut out: Vec<Match> = best.into_values().collect();
    out.sort_by(|a, b| {
        b.relevance
            .cmp(&a.relevance)
            .then(b.issued_at.cmp(&a.issued_at))
            .then_with(|| a.partner_id.cmp(&b.partner_id))
            .then_with(|| a.id.cmp(&b.id))
    });
    out
}

/// Keeps the most relevant item of each collapse key. The key is the partner's: two partners
/// cannot collapse each other's items.
fn keep<'f>(best: &mut HashMap<(usize, &'f str), Match>, key: (usize, &'f str), m: Match) {
    match best.get(&key) {
        Some(kept) if kept.relevance >= m.relevance => {}
        _ => {
            best.insert(key, m);
        }
    }
}

fn urgency(evidence: &[Evidence]) -> u32 {
    evidence
        .iter()
        .map(|e| match e {
            Evidence::DaysLeft { days, .. } => 40 + 30u32.saturating_sub(*days),
            Evidence::Pattern { .. } => 60,
            Evidence::Level { .. } => 40,
            Evidence::Near => 30,
            Evidence::Owns { .. } => 10,
            Evidence::Time => 0,
        })
        .max()
        .unwrap_or(0)
}

/// The name as it reads mid-sentence: "Dish soap" becomes "dish soap", "DVD player" stays.
fn mid_sentence(name: &str) -> String {
    let mut chars = name.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && second.is_lowercase() => {
            first.to_lowercase().chain(name.chars().skip(1)).collect()
        }
        _ => name.to_owned(),
    }
}

/// The owner's side of the sentence, from the most telling evidence.
fn reason(index: &Index<'_>, evidence: &[Evidence], partner: &str) -> String {
    let h = index.household;
    let rank = |e: &Evidence| match e {
        Evidence::DaysLeft { .. } => 0,
        Evidence::Level { .. } => 1,
        Evidence::Pattern { .. } => 2,
        Evidence::Owns { .. } => 3,
        Evidence::Near => 4,
        Evidence::Time => 5,
    };
    let Some(main) = evidence.iter().min_by_key(|e| rank(e)) else {
        return String::new();
    };
    match *main {
        Evidence::DaysLeft { consumable, days } => {
            let name = mid_sentence(&h.consumables[consumable].name);
            match days {
                0 => format!("Your {name} is about to run out"),
                1 => format!("Your {name} will run out in about a day"),
                d => format!("Your {name} will run out in about {d} days"),
            }
        }
        Evidence::Level { consumable } => {
            let c = &h.consumables[consumable];
            format!(
                "You have {} {} of {} left",
                c.remaining,
                c.unit,
                mid_sentence(&c.name)
            )
        }
        Evidence::Pattern {
            device,
            count,
            secs,
        } => {
            let d = &h.devices[device];
            format!("{} saw {count} presses within {secs} seconds", d.name)
        }
        Evidence::Owns { device } => format!("You have {}", h.devices[device].name),
        Evidence::Near => "You are nearby".to_owned(),
        Evidence::Time => format!("{partner} chose this time of day"),
    }
}

/// The store to name: the nearest one when the position is known, else the first listed.
pub(crate) fn nearest_store(offer: &Offer, position: Option<Position>) -> Option<NearStore> {
    match position {
        Some(here) => offer
            .stores
            .iter()
            .map(|s| {
                (
                    s,
                    distance_meters(
                        here,
                        Position {
                            lat: s.lat,
                            lon: s.lon,
                        },
                    ),
                )
            })
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(s, meters)| NearStore {
                name: s.name.clone(),
                meters: Some(meters),
            }),
        None => offer.stores.first().map(|s| NearStore {
            name: s.name.clone(),
            meters: None,
        }),
    }
}

/// "3.49 EUR" from minor units.
pub fn describe_price(minor: u64, currency: &str) -> String {
    format!("{}.{:02} {currency}", minor / 100, minor % 100)
}

fn offer_match(
    index: &Index<'_>,
    partner: &PartnerFeed<'_>,
    offer: &Offer,
    evidence: &[Evidence],
) -> Match {
    let h = index.household;
    let store = nearest_store(offer, h.position);
    let deal = match (offer.discount_percent, &offer.price_minor) {
        (Some(percent), _) if percent > 0 => format!("has it {percent}% off"),
        (_, Some((minor, currency))) => format!("has it for {}", describe_price(*minor, currency)),
        _ => "has an offer".to_owned(),
    };
    let place = match &store {
        Some(NearStore {
            name,
            meters: Some(m),
        }) => format!(" at {name}, {} away", describe_distance(*m)),
        Some(NearStore { name, meters: None }) => format!(" at {name}"),
        None => String::new(),
    };
    let explanation = format!(
        "{}, and {} {deal}{place}.",
        reason(index, evidence, partner.partner_name),
        partner.partner_name
    );
    Match {
        partner_id: partner.partner_id.to_owned(),
        partner_name: partner.partner_name.to_owned(),
        kind: MatchKind::Offer,
        id: offer.id.clone(),
        name: offer.name.clone(),
        collapse_key: offer.collapse_key.clone(),
        relevance: u32::from(offer.priority) * 100 + urgency(evidence),
        explanation,
        store,
        consumable_id: consumable_of(index, evidence),
        device_id: device_of(index, evidence),
        issued_at: partner.feed.issued_at,
        expires_at: offer.valid_through,
    }
}

fn tutorial_match(
    index: &Index<'_>,
    partner: &PartnerFeed<'_>,
    tutorial: &Tutorial,
    evidence: &[Evidence],
) -> Match {
    let explanation = format!(
        "{}: {}'s guide \u{201c}{}\u{201d} may help.",
        reason(index, evidence, partner.partner_name),
        partner.partner_name,
        tutorial.name
    );
    Match {
        partner_id: partner.partner_id.to_owned(),
        partner_name: partner.partner_name.to_owned(),
        kind: MatchKind::Tutorial,
        id: tutorial.id.clone(),
        name: tutorial.name.clone(),
        collapse_key: tutorial.collapse_key.clone(),
        relevance: u32::from(tutorial.priority) * 100 + urgency(evidence),
        explanation,
        store: None,
        consumable_id: consumable_of(index, evidence),
        device_id: device_of(index, evidence),
        issued_at: partner.feed.issued_at,
        expires_at: tutorial.expires_at,
    }
}

fn consumable_of(index: &Index<'_>, evidence: &[Evidence]) -> Option<i64> {
    evidence.iter().find_map(|e| match e {
        Evidence::Level { consumable } | Evidence::DaysLeft { consumable, .. } => {
            Some(index.household.consumables[*consumable].id)
        }
        _ => None,
    })
}

fn device_of(index: &Index<'_>, evidence: &[Evidence]) -> Option<String> {
    evidence.iter().find_map(|e| match e {
        Evidence::Owns { device } | Evidence::Pattern { device, .. } => {
            Some(index.household.devices[*device].id.clone())
        }
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_are_every_run_of_whole_words() {
        assert_eq!(
            phrases("Sudsy  Dish soap"),
            [
                "sudsy",
                "sudsy dish",
                "sudsy dish soap",
                "dish",
                "dish soap",
                "soap"
            ]
        );
        assert!(phrases("").is_empty());
    }

    #[test]
    fn a_pattern_needs_enough_events_close_together_and_recent() {
        let now = 10_000;
        assert!(pattern_holds(&[9_990, 9_992, 9_995], 3, 10, now));
        assert!(
            !pattern_holds(&[9_980, 9_992, 9_995], 3, 10, now),
            "too spread out"
        );
        assert!(!pattern_holds(&[9_992, 9_995], 3, 10, now), "too few");
        assert!(
            !pattern_holds(&[1_000, 1_002, 1_004], 3, 10, now),
            "long over: not pushed again"
        );
        assert!(pattern_holds(&[1_000, 9_990, 9_991, 9_992], 3, 5, now));
    }

    #[test]
    fn time_windows_wrap_past_midnight() {
        assert!(in_window(17 * 60, 17 * 60, 20 * 60));
        assert!(!in_window(20 * 60, 17 * 60, 20 * 60));
        assert!(in_window(23 * 60, 22 * 60, 6 * 60));
        assert!(in_window(5 * 60, 22 * 60, 6 * 60));
        assert!(!in_window(12 * 60, 22 * 60, 6 * 60));
    }

    #[test]
    fn names_read_naturally_mid_sentence() {
        assert_eq!(mid_sentence("Dish soap"), "dish soap");
        assert_eq!(mid_sentence("DVD player"), "DVD player");
        assert_eq!(mid_sentence("iPhone"), "iPhone");
    }
}
