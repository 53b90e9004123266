//! A feed's contents, validated: offers (schema.org Offer) and tutorials (schema.org HowTo), each
//! with targeting rules, an expiry, a collapse key and a priority. Everything here is partner
//! text and partner numbers: bounded, checked by the shared text validator, kept as text.

use serde::Deserialize;

use super::time::parse_utc;
use crate::text;

/// Limits (docs/protocol/partner-feed.md, section 5).
pub const MAX_OFFERS: usize = 500;
pub const MAX_TUTORIALS: usize = 200;
pub const MAX_STEPS: usize = 50;
pub const MAX_STORES: usize = 50;
pub const MAX_RULES: usize = 8;
pub const MAX_NAME_CHARS: usize = 120;
pub const MAX_STEP_CHARS: usize = 1_000;
/// The largest geofence: 50 km.
pub const MAX_RADIUS_METERS: f64 = 50_000.0;

/// Why a feed's contents were refused: the field and the reason, for the owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub field: String,
    pub reason: String,
}

fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Invalid {
    Invalid {
        field: field.into(),
        reason: reason.into(),
    }
}

/// A checked feed.
#[derive(Debug, Clone, PartialEq)]
pub struct Feed {
    pub partner: String,
    pub sequence: u64,
    pub issued_at: i64,
    pub expires_at: i64,
    pub offers: Vec<Offer>,
    pub tutorials: Vec<Tutorial>,
}

/// What an offer is for: one product (GTIN) or a kind of product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Gtin(crate::Gtin),
    /// Lower case, words separated by single spaces (see [`Item::category`]).
    Category(String),
}

impl Item {
    /// A category as compared: lower case, single spaces ("Dish  Soap" is "dish soap").
    pub fn category(raw: &str) -> Self {
        Self::Category(category_key(raw))
    }
}

/// Lower case, words separated by single spaces: how categories and names are compared.
pub fn category_key(raw: &str) -> String {
    raw.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A store where an offer applies.
#[derive(Debug, Clone, PartialEq)]
pub struct Store {
    pub name: String,
    pub lat: f64,
    pub lon: f64,
}

/// An offer (schema.org Offer).
#[derive(Debug, Clone, PartialEq)]
pub struct Offer {
    pub id: String,
    pub name: String,
    pub item: Item,
    /// Price in the currency's minor unit (cents), and the currency (ISO 4217).
    pub price_minor: Option<(u64, String)>,
    pub discount_percent: Option<u8>,
    pub valid_from: i64,
    pub valid_through: i64,
    pub stores: Vec<Store>,
    pub rules: Vec<Rule>,
    pub collapse_key: String,
    pub priority: u8,
}

/// A step of a tutorial.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub text: String,
    /// An image on the partner's own host, when there is one.
    pub image: Option<String>,
    /// The device state this step is for: a guide opens at the step that fits the device now.
    pub state: Option<String>,
}

/// A tutorial (schema.org HowTo).
#[derive(Debug, Clone, PartialEq)]
pub struct Tutorial {
    pub id: String,
    pub name: String,
    pub steps: Vec<Step>,
    /// The device models it is for (device kinds such as `bluray_player`).
    pub models: Vec<String>,
    /// The device states it is for (`menu`, `playing`); empty: any.
    pub states: Vec<String>,
    pub rules: Vec<Rule>,
    pub expires_at: i64,
    pub collapse_key: String,
    pub priority: u8,
}

/// A targeting rule: when an offer or tutorial fits this household. All of an item's rules must
/// hold.
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    /// A consumable of this kind (matched by GTIN or name) is at or below `level` left.
    ConsumableBelow { item: Item, level: u32 },
    /// A consumable of this kind runs out within `days`.
    DaysLeftBelow { item: Item, days: u32 },
    /// The household owns a device of this model (kind).
    OwnsModel { model: String },
    /// `count` events of `event` on a device of `model` within `within_secs`.
    DevicePattern {
        model: String,
        event: String,
        count: u32,
        within_secs: u32,
    },
    /// The phone is inside this circle.
    InsideGeofence {
        lat: f64,
        lon: f64,
        radius_meters: f64,
    },
    /// Local time of day, minutes after midnight, from (inclusive) to (exclusive); may wrap.
    TimeWindow { from_minute: u16, until_minute: u16 },
}

// ---- the wire shapes, read then checked ----

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct WireFeed {
    pub version: u32,
    pub partner: String,
    pub sequence: u64,
    pub issued_at: String,
    pub expires_at: String,
    #[serde(default)]
    pub offers: Vec<WireOffer>,
    #[serde(default)]
    pub tutorials: Vec<WireTutorial>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WireItem {
    gtin: Option<String>,
    category: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WirePrice {
    amount: String,
    currency: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WireStore {
    name: String,
    latitude: f64,
    longitude: f64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WireOffer {
    #[serde(rename = "@type")]
    kind: String,
    id: String,
    name: String,
    item: WireItem,
    price: Option<WirePrice>,
    discount_percent: Option<f64>,
    valid_from: String,
    valid_through: String,
    #[serde(default)]
    stores: Vec<WireStore>,
    #[serde(default)]
    targeting: Vec<WireRule>,
    collapse_key: String,
    priority: f64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WireStep {
    text: String,
    image: Option<String>,
    state: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WireTutorial {
    #[serde(rename = "@type")]
    kind: String,
    id: String,
    name: String,
    steps: Vec<WireStep>,
    #[serde(default)]
    models: Vec<String>,
    #[serde(default)]
    states: Vec<String>,
    #[serde(default)]
    targeting: Vec<WireRule>,
    expires_at: String,
    collapse_key: String,
    priority: f64,
}

#[derive(Deserialize)]
#[serde(tag = "rule", rename_all = "camelCase")]
pub(crate) enum WireRule {
    #[serde(rename_all = "camelCase")]
    ConsumableBelow { item: WireItem, level: f64 },
    #[serde(rename_all = "camelCase")]
    DaysLeftBelow { item: WireItem, days: f64 },
    #[serde(rename_all = "camelCase")]
    OwnsModel { model: String },
    #[serde(rename_all = "camelCase")]
    DevicePattern {
        model: String,
        event: String,
        count: f64,
        within_seconds: f64,
    },
    #[serde(rename_all = "camelCase")]
    InsideGeofence {
        latitude: f64,
        longitude: f64,
        radius_meters: f64,
    },
    #[serde(rename_all = "camelCase")]
    TimeWindow { from: String, until: String },
}

/// Checks a read feed; `partner_host` is the partner's host (`https://host[:port]`), the only
/// place images may come from.
pub(crate) fn check(wire: WireFeed, partner_host: &str) -> Result<Feed, Invalid> {
    if wire.version != 1 {
        return Err(invalid(
            "version",
            format!("{} is not a feed version Steward reads (1)", wire.version),
        ));
    }
    let issued_at = date("issuedAt", &wire.issued_at)?;
    let expires_at = date("expiresAt", &wire.expires_at)?;
    if expires_at <= issued_at {
        return Err(invalid("expiresAt", "is not after issuedAt"));
    }
    if wire.offers.len() > MAX_OFFERS {
        return Err(invalid("offers", format!("more than {MAX_OFFERS}")));
    }
    if wire.tutorials.len() > MAX_TUTORIALS {
        return Err(invalid("tutorials", format!("more than {MAX_TUTORIALS}")));
    }
    let offers = wire
        .offers
        .into_iter()
        .enumerate()
        .map(|(i, o)| offer(&format!("offers[{i}]"), o))
        .collect::<Result<Vec<_>, _>>()?;
    let tutorials = wire
        .tutorials
        .into_iter()
        .enumerate()
        .map(|(i, t)| tutorial(&format!("tutorials[{i}]"), t, partner_host))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Feed {
        partner: wire.partner,
        sequence: wire.sequence,
        issued_at,
        expires_at,
        offers,
        tutorials,
    })
}

fn date(field: &str, raw: &str) -> Result<i64, Invalid> {
    parse_utc(raw).ok_or_else(|| {
        invalid(
            field,
            format!("{raw:?} is not a date like 2026-12-01T17:00:00Z"),
        )
    })
}

fn name(field: &str, raw: &str, max: usize) -> Result<String, Invalid> {
    text::required("text", raw, max).map_err(|error| invalid(field, error.to_string()))
}

fn id(field: &str, raw: &str) -> Result<String, Invalid> {
    let ok = (1..=64).contains(&raw.len())
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
    ok.then(|| raw.to_owned()).ok_or_else(|| {
        invalid(
            field,
            "must be 1 to 64 letters, digits, dashes, dots or underscores",
        )
    })
}

fn whole(field: &str, value: f64, max: f64) -> Result<u32, Invalid> {
    if value.is_finite() && value >= 0.0 && value <= max && value.fract() == 0.0 {
        Ok(value as u32)
    } else {
        Err(invalid(
            field,
            format!("must be a whole number from 0 to {max}"),
        ))
    }
}

fn at_least_one(field: &str, what: &str, value: u32) -> Result<u32, Invalid> {
    if value == 0 {
        Err(invalid(field, format!("{what} must be at least 1")))
    } else {
        Ok(value)
    }
}

fn item(field: &str, raw: WireItem) -> Result<Item, Invalid> {
    match (raw.gtin, raw.category) {
        (Some(gtin), None) => crate::Gtin::parse(&gtin)
            .map(Item::Gtin)
            .map_err(|error| invalid(field, error.to_string())),
        (None, Some(category)) => Ok(Item::category(&name(field, &category, 60)?)),
        _ => Err(invalid(field, "names exactly one of gtin or category")),
    }
}

fn coordinate(field: &str, lat: f64, lon: f64) -> Result<(f64, f64), Invalid> {
    if lat.is_finite()
        && lon.is_finite()
        && (-90.0..=90.0).contains(&lat)
        && (-180.0..=180.0).contains(&lon)
    {
        Ok((lat, lon))
    } else {
        Err(invalid(
            field,
            "is not a place on Earth (latitude ±90, longitude ±180)",
        ))
    }
}

fn minute_of_day(field: &str, raw: &str) -> Result<u16, Invalid> {
    let bad = || invalid(field, format!("{raw:?} is not a time like 17:30"));
    let (h, m) = raw.split_once(':').ok_or_else(bad)?;
    if h.len() != 2 || m.len() != 2 {
        return Err(bad());
    }
    let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if h > 23 || m > 59 {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

fn rules(field: &str, raw: Vec<WireRule>) -> Result<Vec<Rule>, Invalid> {
    if raw.len() > MAX_RULES {
        return Err(invalid(field, format!("more than {MAX_RULES} rules")));
    }
    raw.into_iter()
        .enumerate()
        .map(|(i, rule)| {
            let f = format!("{field}[{i}]");
            Ok(match rule {
                WireRule::ConsumableBelow { item: it, level } => Rule::ConsumableBelow {
                    item: item(&f, it)?,
                    level: whole(&f, level, 100_000.0)?,
                },
                WireRule::DaysLeftBelow { item: it, days } => Rule::DaysLeftBelow {
                    item: item(&f, it)?,
                    days: whole(&f, days, 365.0)?,
                },
                WireRule::OwnsModel { model } => Rule::OwnsModel {
                    model: name(&f, &model, 60)?,
                },
                WireRule::DevicePattern {
                    model,
                    event,
                    count,
                    within_seconds,
                } => Rule::DevicePattern {
                    model: name(&f, &model, 60)?,
                    event: name(&f, &event, 60)?,
                    // No "zero presses" (always true) nor a zero-length window (never true):
                    // a rule that cannot mean what it says is refused, not quietly fixed.
                    count: at_least_one(&f, "count", whole(&f, count, 100.0)?)?,
                    within_secs: at_least_one(
                        &f,
                        "withinSeconds",
                        whole(&f, within_seconds, 3_600.0)?,
                    )?,
                },
                WireRule::InsideGeofence {
                    latitude,
                    longitude,
                    radius_meters,
                } => {
                    let (lat, lon) = coordinate(&f, latitude, longitude)?;
                    if !(radius_meters.is_finite()
                        && radius_meters > 0.0
                        && radius_meters <= MAX_RADIUS_METERS)
                    {
                        return Err(invalid(
                            &f,
                            "the radius must be more than 0 and at most 50 km",
                        ));
                    }
                    Rule::InsideGeofence {
                        lat,
                        lon,
                        radius_meters,
                    }
                }
                WireRule::TimeWindow { from, until } => Rule::TimeWindow {
                    from_minute: minute_of_day(&f, &from)?,
                    until_minute: minute_of_day(&f, &until)?,
                },
            })
        })
        .collect()
}

fn offer(field: &str, raw: WireOffer) -> Result<Offer, Invalid> {
    if raw.kind != "Offer" {
        return Err(invalid(field, "its @type is not Offer"));
    }
    let price_minor = raw
        .price
        .map(|p| {
            let minor = price(&p.amount)
                .ok_or_else(|| invalid(format!("{field}.price"), "is not an amount like 3.49"))?;
            let currency = (p.currency.len() == 3
                && p.currency.bytes().all(|b| b.is_ascii_uppercase()))
            .then_some(p.currency)
            .ok_or_else(|| {
                invalid(
                    format!("{field}.price"),
                    "the currency is not a code like EUR",
                )
            })?;
            Ok::<_, Invalid>((minor, currency))
        })
        .transpose()?;
    let discount_percent = raw
        .discount_percent
        .map(|d| whole(&format!("{field}.discountPercent"), d, 100.0).map(|d| d as u8))
        .transpose()?;
    let valid_from = date(&format!("{field}.validFrom"), &raw.valid_from)?;
    let valid_through = date(&format!("{field}.validThrough"), &raw.valid_through)?;
    if valid_through <= valid_from {
        return Err(invalid(field, "validThrough is not after validFrom"));
    }
    if raw.stores.len() > MAX_STORES {
        return Err(invalid(field, format!("more than {MAX_STORES} stores")));
    }
    let stores = raw
        .stores
        .into_iter()
        .map(|s| {
            let (lat, lon) = coordinate(&format!("{field}.stores"), s.latitude, s.longitude)?;
            Ok(Store {
                name: name(&format!("{field}.stores"), &s.name, MAX_NAME_CHARS)?,
                lat,
                lon,
            })
        })
        .collect::<Result<Vec<_>, Invalid>>()?;
    Ok(Offer {
        id: id(&format!("{field}.id"), &raw.id)?,
        name: name(&format!("{field}.name"), &raw.name, MAX_NAME_CHARS)?,
        item: item(&format!("{field}.item"), raw.item)?,
        price_minor,
        discount_percent,
        valid_from,
        valid_through,
        stores,
        rules: rules(&format!("{field}.targeting"), raw.targeting)?,
        collapse_key: id(&format!("{field}.collapseKey"), &raw.collapse_key)?,
        priority: whole(&format!("{field}.priority"), raw.priority, 10.0)? as u8,
    })
}

/// "3.49" → 349; at most two decimals, at most 1,000,000.00.
fn price(raw: &str) -> Option<u64> {
    let (whole_part, cents) = match raw.split_once('.') {
        Some((w, c)) if c.len() == 2 => (w, c),
        Some(_) => return None,
        None => (raw, "00"),
    };
    if whole_part.is_empty()
        || whole_part.len() > 7
        || !whole_part.bytes().all(|b| b.is_ascii_digit())
        || !cents.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let minor = whole_part.parse::<u64>().ok()? * 100 + cents.parse::<u64>().ok()?;
    (minor <= 100_000_000).then_some(minor)
}

fn tutorial(field: &str, raw: WireTutorial, partner_host: &str) -> Result<Tutorial, Invalid> {
    if raw.kind != "HowTo" {
        return Err(invalid(field, "its @type is not HowTo"));
    }
    if raw.steps.is_empty() || raw.steps.len() > MAX_STEPS {
        return Err(invalid(field, format!("needs 1 to {MAX_STEPS} steps")));
    }
    let steps = raw
        .steps
        .into_iter()
        .map(|s| {
            let image = s
                .image
                .map(|url| {
                    let own = url.starts_with(&format!("{partner_host}/"))
                        && !url.contains(['?', '#', '@', '\\'])
                        && url.len() <= 300;
                    own.then_some(url).ok_or_else(|| {
                        invalid(
                            format!("{field}.steps"),
                            "an image is not on the partner's own host",
                        )
                    })
                })
                .transpose()?;
            Ok(Step {
                text: name(&format!("{field}.steps"), &s.text, MAX_STEP_CHARS)?,
                image,
                state: s
                    .state
                    .map(|state| id(&format!("{field}.steps.state"), &state))
                    .transpose()?,
            })
        })
        .collect::<Result<Vec<_>, Invalid>>()?;
    if raw.models.len() > 32 {
        return Err(invalid(field, "more than 32 models"));
    }
    if raw.states.len() > 16 {
        return Err(invalid(field, "more than 16 states"));
    }
    Ok(Tutorial {
        id: id(&format!("{field}.id"), &raw.id)?,
        name: name(&format!("{field}.name"), &raw.name, MAX_NAME_CHARS)?,
        steps,
        models: raw
            .models
            .iter()
            .map(|m| name(&format!("{field}.models"), m, 60))
            .collect::<Result<_, _>>()?,
        states: raw
            .states
            .iter()
            .map(|state| id(&format!("{field}.states"), state))
            .collect::<Result<_, _>>()?,
        rules: rules(&format!("{field}.targeting"), raw.targeting)?,
        expires_at: date(&format!("{field}.expiresAt"), &raw.expires_at)?,
        collapse_key: id(&format!("{field}.collapseKey"), &raw.collapse_key)?,
        priority: whole(&format!("{field}.priority"), raw.priority, 10.0)? as u8,
    })
}
