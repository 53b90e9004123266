//! The on-device matcher: which offers and tutorials fit this household now, each with the
//! sentence that says why, built from the rules that held. Pure: feeds and household facts in,
//! matches out; the household's facts are indexed once per run (by GTIN, by name phrase, by
//! device kind, events by device), so a run costs about one lookup per rule, not one per
//! consumable per rule.
//!
//! It must never send, store or log anything: matching is what keeps household data home.

use std::cell::RefCell;
use std::cmp::Reverse;
use std::collections::HashSet;

use rustc_hash::FxHashMap;

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MatchKind {
    Offer,
    Tutorial,
}

impl MatchKind {
    /// `offer` or `tutorial`, as the store and the wire name it.
    pub const fn as_str(self) -> &'static str {
        match self {
            MatchKind::Offer => "offer",
            MatchKind::Tutorial => "tutorial",
        }
    }

    /// Reads what [`as_str`](Self::as_str) wrote.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "offer" => Some(MatchKind::Offer),
            "tutorial" => Some(MatchKind::Tutorial),
            _ => None,
        }
    }
}

/// A store near the owner.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NearStore<'a> {
    pub name: &'a str,
    /// Distance from the owner, when the position is known.
    pub meters: Option<f64>,
}

/// The item a match is for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Matched<'a> {
    Offer(&'a Offer),
    Tutorial(&'a Tutorial),
}

/// An item that fits, and why. Borrowed from the feeds and the household, so a run allocates
/// nothing per match; the sentence is written when asked for ([`Match::explanation`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Match<'a> {
    pub partner_id: &'a str,
    pub partner_name: &'a str,
    pub item: Matched<'a>,
    /// Higher first: the partner's priority, then how pressing the reason is.
    pub relevance: u32,
    /// The consumable it is about (a reorder offer's), when a rule named one.
    pub consumable_id: Option<i64>,
    /// The device it is about, when a rule named one.
    pub device_id: Option<&'a str>,
    /// When the feed was issued (newer first among equals).
    pub issued_at: i64,
    household: &'a Household,
    /// The most telling evidence, which the sentence is written from.
    main: Evidence,
    /// Where it came from, for a stable order: the partner's place and the item's in its feed.
    order: (usize, MatchKind, usize),
}

/// What an item's rules found, folded as they are checked: no allocation per item.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Evidences {
    main: Evidence,
    urgency: u32,
    consumable: Option<usize>,
    device: Option<usize>,
}

impl Evidences {
    fn add(&mut self, e: Evidence) {
        if rank(&e) < rank(&self.main) {
            self.main = e;
        }
        self.urgency = self.urgency.max(urgency(&e));
        match e {
            Evidence::Level { consumable } | Evidence::DaysLeft { consumable, .. } => {
                self.consumable.get_or_insert(consumable);
            }
            Evidence::Owns { device } | Evidence::Pattern { device, .. } => {
                self.device.get_or_insert(device);
            }
            Evidence::Near | Evidence::Time => {}
        }
    }
}

/// Which evidence the sentence leads with (lower first).
fn rank(e: &Evidence) -> u8 {
    match e {
        Evidence::DaysLeft { .. } => 0,
        Evidence::Level { .. } => 1,
        Evidence::Pattern { .. } => 2,
        Evidence::Owns { .. } => 3,
        Evidence::Near => 4,
        Evidence::Time => 5,
    }
}

impl<'a> Match<'a> {
    pub fn kind(&self) -> MatchKind {
        match self.item {
            Matched::Offer(_) => MatchKind::Offer,
            Matched::Tutorial(_) => MatchKind::Tutorial,
        }
    }

    /// The item's id in its feed.
    pub fn id(&self) -> &'a str {
        match self.item {
            Matched::Offer(o) => &o.id,
            Matched::Tutorial(t) => &t.id,
        }
    }

    pub fn name(&self) -> &'a str {
        match self.item {
            Matched::Offer(o) => &o.name,
            Matched::Tutorial(t) => &t.name,
        }
    }

    pub fn collapse_key(&self) -> &'a str {
        match self.item {
            Matched::Offer(o) => &o.collapse_key,
            Matched::Tutorial(t) => &t.collapse_key,
        }
    }

    /// An offer's nearest store (or its first, without a position); worked out when asked, as
    /// only the matches shown need it.
    pub fn store(&self) -> Option<NearStore<'a>> {
        match self.item {
            Matched::Offer(offer) => nearest_store(offer, self.household.position),
            Matched::Tutorial(_) => None,
        }
    }

    /// When it stops applying: an offer's end, a tutorial's expiry.
    pub fn expires_at(&self) -> i64 {
        match self.item {
            Matched::Offer(o) => o.valid_through,
            Matched::Tutorial(t) => t.expires_at,
        }
    }

    /// Why it is shown, from the rules that held: "Your dish soap will run out in about 4
    /// days, and Dishwell has it 15% off at Main Street Market, 400 m away."
    pub fn explanation(&self) -> String {
        let why = reason(self.household, self.main, self.partner_name);
        match self.item {
            Matched::Offer(offer) => {
                let deal = match (offer.discount_percent, &offer.price_minor) {
                    (Some(percent), _) if percent > 0 => format!("has it {percent}% off"),
                    (_, Some((minor, currency))) => {
                        format!("has it for {}", describe_price(*minor, currency))
                    }
                    _ => "has an offer".to_owned(),
                };
                let place = match self.store() {
                    Some(NearStore {
                        name,
                        meters: Some(m),
                    }) => format!(" at {name}, {} away", describe_distance(m)),
                    Some(NearStore { name, meters: None }) => format!(" at {name}"),
                    None => String::new(),
                };
                format!("{why}, and {} {deal}{place}.", self.partner_name)
            }
            Matched::Tutorial(tutorial) => format!(
                "{why}: {}'s guide \u{201c}{}\u{201d} may help.",
                self.partner_name, tutorial.name
            ),
        }
    }
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
    by_gtin: FxHashMap<[u8; 14], Vec<usize>>,
    by_phrase: FxHashMap<String, Vec<usize>>,
    by_kind: FxHashMap<&'h str, Vec<usize>>,
    /// Event names, numbered.
    event_names: FxHashMap<&'h str, usize>,
    /// Each device's events of each name (by number), oldest first.
    events: FxHashMap<(usize, usize), Vec<i64>>,
    /// The shortest span of `count` fresh events per (device, event, count), once computed:
    /// many items share a pattern.
    spans: RefCell<FxHashMap<(usize, usize, u32), Option<i64>>>,
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
    let mut out = Vec::with_capacity(words.len() * (words.len() + 1) / 2);
    for start in 0..words.len() {
        let mut phrase = String::new();
        // Names are short; a pathological one is bounded in the phrases it makes.
        for word in &words[start..words.len().min(start + MAX_PHRASE_WORDS)] {
            if !phrase.is_empty() {
                phrase.push(' ');
            }
            phrase.push_str(word);
            out.push(phrase.clone());
        }
    }
    out
}

impl<'h> Index<'h> {
    fn new(household: &'h Household) -> Self {
        let mut by_gtin: FxHashMap<[u8; 14], Vec<usize>> = FxHashMap::default();
        let mut by_phrase: FxHashMap<String, Vec<usize>> = FxHashMap::default();
        for (i, c) in household.consumables.iter().enumerate() {
            if let Some(key) = c.gtin.as_deref().and_then(gtin_key) {
                by_gtin.entry(key).or_default().push(i);
            }
            for phrase in phrases(&c.name) {
                let holders = by_phrase.entry(phrase).or_default();
                // A phrase twice in one name ("soap dish soap") lists the consumable once.
                if holders.last() != Some(&i) {
                    holders.push(i);
                }
            }
        }
        let mut by_kind: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
        let mut position: FxHashMap<&str, usize> = FxHashMap::default();
        for (i, d) in household.devices.iter().enumerate() {
            by_kind.entry(d.kind.as_str()).or_default().push(i);
            position.insert(d.id.as_str(), i);
        }
        let mut event_names: FxHashMap<&str, usize> = FxHashMap::default();
        let mut events: FxHashMap<(usize, usize), Vec<i64>> = FxHashMap::default();
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
            spans: RefCell::new(FxHashMap::default()),
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
            } => h
                .in_circle(
                    Position {
                        lat: *lat,
                        lon: *lon,
                    },
                    *radius_meters,
                )
                .then_some(Evidence::Near),
            Rule::TimeWindow {
                from_minute,
                until_minute,
            } => in_window(h.local_minute, *from_minute, *until_minute).then_some(Evidence::Time),
        }
    }

    /// Whether a device the tutorial is for is in one of the states it is for (any state when
    /// it names none).
    fn in_state(&self, tutorial: &Tutorial) -> bool {
        tutorial.states.is_empty()
            || tutorial.models.iter().any(|model| {
                self.by_kind.get(model.as_str()).is_some_and(|devices| {
                    devices.iter().any(|&d| {
                        self.household.devices[d]
                            .state
                            .as_ref()
                            .is_some_and(|state| tutorial.states.contains(state))
                    })
                })
            })
    }

    /// Every rule's evidence, or `None` when one does not hold (or there are none: an item
    /// without rules is only ever found by search, never pushed).
    fn all_hold(&self, rules: &[Rule]) -> Option<Evidences> {
        let (first, rest) = rules.split_first()?;
        let first = self.evaluate(first)?;
        let mut evidence = Evidences {
            main: first,
            urgency: 0,
            consumable: None,
            device: None,
        };
        evidence.add(first);
        for rule in rest {
            evidence.add(self.evaluate(rule)?);
        }
        Some(evidence)
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
pub fn matches<'a>(
    feeds: &[PartnerFeed<'a>],
    household: &'a Household,
    muted: &HashSet<String>,
) -> Vec<Match<'a>> {
    let index = Index::new(household);
    let mut kept: Vec<Match<'a>> = Vec::new();
    let mut by_key: FxHashMap<(usize, &str), usize> = FxHashMap::default();
    for (p, partner) in feeds.iter().enumerate() {
        let offers: &'a [Offer] = if muted.contains(partner.partner_id) {
            &[]
        } else {
            &partner.feed.offers
        };
        for (i, offer) in offers.iter().enumerate() {
            if !(offer.valid_from <= household.now && household.now < offer.valid_through) {
                continue;
            }
            if let Some(evidence) = index.all_hold(&offer.rules) {
                let m = matched(
                    &index,
                    partner,
                    Matched::Offer(offer),
                    offer.priority,
                    evidence,
                    (p, MatchKind::Offer, i),
                );
                keep(&mut kept, &mut by_key, (p, &offer.collapse_key), m);
            }
        }
        for (i, tutorial) in partner.feed.tutorials.iter().enumerate() {
            if tutorial.expires_at <= household.now {
                continue;
            }
            if !index.in_state(tutorial) {
                continue;
            }
            if let Some(evidence) = index.all_hold(&tutorial.rules) {
                let m = matched(
                    &index,
                    partner,
                    Matched::Tutorial(tutorial),
                    tutorial.priority,
                    evidence,
                    (p, MatchKind::Tutorial, i),
                );
                keep(&mut kept, &mut by_key, (p, &tutorial.collapse_key), m);
            }
        }
    }
    kept.sort_unstable_by_key(|m| (Reverse(m.relevance), Reverse(m.issued_at), m.order));
    kept
}

/// Keeps the most relevant item of each collapse key. The key is the partner's: two partners
/// cannot collapse each other's items.
fn keep<'f, 'a>(
    kept: &mut Vec<Match<'a>>,
    by_key: &mut FxHashMap<(usize, &'f str), usize>,
    key: (usize, &'f str),
    m: Match<'a>,
) {
    match by_key.get(&key) {
        Some(&at) => {
            if m.relevance > kept[at].relevance {
                kept[at] = m;
            }
        }
        None => {
            by_key.insert(key, kept.len());
            kept.push(m);
        }
    }
}

fn matched<'a>(
    index: &Index<'a>,
    partner: &PartnerFeed<'a>,
    item: Matched<'a>,
    priority: u8,
    evidence: Evidences,
    order: (usize, MatchKind, usize),
) -> Match<'a> {
    let h = index.household;
    Match {
        partner_id: partner.partner_id,
        partner_name: partner.partner_name,
        item,
        relevance: u32::from(priority) * 100 + evidence.urgency,
        consumable_id: evidence.consumable.map(|c| h.consumables[c].id),
        device_id: evidence.device.map(|d| h.devices[d].id.as_str()),
        issued_at: partner.feed.issued_at,
        household: h,
        main: evidence.main,
        order,
    }
}

/// How pressing a piece of evidence is: running out soon and a confused owner first.
fn urgency(e: &Evidence) -> u32 {
    match e {
        Evidence::DaysLeft { days, .. } => 40 + 30u32.saturating_sub(*days),
        Evidence::Pattern { .. } => 60,
        Evidence::Level { .. } => 40,
        Evidence::Near => 30,
        Evidence::Owns { .. } => 10,
        Evidence::Time => 0,
    }
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
fn reason(h: &Household, main: Evidence, partner: &str) -> String {
    match main {
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
                crate::inventory::unit_for(&c.unit, c.remaining),
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
pub fn nearest_store(offer: &Offer, position: Option<Position>) -> Option<NearStore<'_>> {
    match position {
        Some(here) => offer
            .stores
            .iter()
            .map(|s| {
                let at = Position {
                    lat: s.lat,
                    lon: s.lon,
                };
                (s, distance_meters(here, at))
            })
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(s, meters)| NearStore {
                name: &s.name,
                meters: Some(meters),
            }),
        None => offer.stores.first().map(|s| NearStore {
            name: &s.name,
            meters: None,
        }),
    }
}

/// "3.49 EUR" from minor units.
pub fn describe_price(minor: u64, currency: &str) -> String {
    format!("{}.{:02} {currency}", minor / 100, minor % 100)
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
