//! The obvious matcher, kept as a yardstick: every rule of every item checked against every
//! consumable, device and event in turn, with no index. The benchmark measures the real matcher
//! against it in the same run, and a property test checks both pick the same items.
//!
//! It must never be what the app uses: its cost grows with items × household.

use super::document::{Item, Rule};
use super::household::{Household, Position};
use super::matcher::{
    category_key, gtin_key, MatchKind, PartnerFeed, MAX_PHRASE_WORDS, PATTERN_FRESH_SECS,
};

fn item_fits(item: &Item, name: &str, gtin: Option<&str>) -> bool {
    match item {
        Item::Gtin(wanted) => {
            gtin.is_some_and(|g| gtin_key(g).is_some() && gtin_key(g) == gtin_key(wanted.as_str()))
        }
        Item::Category(category) => {
            let words: Vec<String> = name.split_whitespace().map(str::to_lowercase).collect();
            let key = category_key(category);
            let target: Vec<&str> = key.split(' ').collect();
            target.len() <= MAX_PHRASE_WORDS
                && words
                    .windows(target.len().max(1))
                    .any(|w| w.iter().map(String::as_str).eq(target.iter().copied()))
        }
    }
}

fn holds(rule: &Rule, h: &Household) -> bool {
    match rule {
        Rule::ConsumableBelow { item, level } => h
            .consumables
            .iter()
            .any(|c| item_fits(item, &c.name, c.gtin.as_deref()) && c.remaining <= *level),
        Rule::DaysLeftBelow { item, days } => h.consumables.iter().any(|c| {
            item_fits(item, &c.name, c.gtin.as_deref()) && c.days_left.is_some_and(|d| d <= *days)
        }),
        Rule::OwnsModel { model } => h.devices.iter().any(|d| &d.kind == model),
        Rule::DevicePattern {
            model,
            event,
            count,
            within_secs,
        } => h.devices.iter().filter(|d| &d.kind == model).any(|d| {
            let mut times: Vec<i64> = h
                .events
                .iter()
                .filter(|e| e.device_id == d.id && &e.event == event)
                .map(|e| e.at)
                .collect();
            times.sort_unstable();
            let n = (*count).max(1) as usize;
            times.len() >= n
                && times.windows(n).any(|w| {
                    w[n - 1] - w[0] <= i64::from(*within_secs)
                        && h.now - w[n - 1] <= PATTERN_FRESH_SECS
                        && w[n - 1] <= h.now
                })
        }),
        Rule::InsideGeofence {
            lat,
            lon,
            radius_meters,
        } => h.in_circle(
            Position {
                lat: *lat,
                lon: *lon,
            },
            *radius_meters,
        ),
        Rule::TimeWindow {
            from_minute,
            until_minute,
        } => {
            let m = h.local_minute;
            if from_minute <= until_minute {
                (*from_minute..*until_minute).contains(&m)
            } else {
                m >= *from_minute || m < *until_minute
            }
        }
    }
}

/// Which items fit (partner, kind, id), in feed order, without collapsing or muting.
pub fn matching_items(
    feeds: &[PartnerFeed<'_>],
    h: &Household,
) -> Vec<(String, MatchKind, String)> {
    let mut out = Vec::new();
    for partner in feeds {
        for offer in &partner.feed.offers {
            if offer.valid_from <= h.now
                && h.now < offer.valid_through
                && !offer.rules.is_empty()
                && offer.rules.iter().all(|r| holds(r, h))
            {
                out.push((
                    partner.partner_id.to_owned(),
                    MatchKind::Offer,
                    offer.id.clone(),
                ));
            }
        }
        for tutorial in &partner.feed.tutorials {
            let in_state = tutorial.states.is_empty()
                || h.devices.iter().any(|d| {
                    tutorial.models.contains(&d.kind)
                        && d.state
                            .as_ref()
                            .is_some_and(|s| tutorial.states.contains(s))
                });
            if tutorial.expires_at > h.now
                && in_state
                && !tutorial.rules.is_empty()
                && tutorial.rules.iter().all(|r| holds(r, h))
            {
                out.push((
                    partner.partner_id.to_owned(),
                    MatchKind::Tutorial,
                    tutorial.id.clone(),
                ));
            }
        }
    }
    out
}
