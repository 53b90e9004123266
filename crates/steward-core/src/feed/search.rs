//! The owner's search across every partner's offers ("dish soap", or a GTIN typed or scanned):
//! each offer that fits with its price and the nearest of its stores, distances computed on the
//! phone from the stores' coordinates, sorted by distance or by price.
//!
//! It must never send the query or the position anywhere: it reads the kept feeds only.

use super::document::{Item, Offer};
use super::household::Position;
use super::matcher::{gtin_key, nearest_store, NearStore, PartnerFeed};
use crate::Gtin;

/// What the owner looks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    /// Words, each of which must appear in the offer's name or category.
    Text(String),
    Gtin(Gtin),
}

impl Query {
    /// A GTIN when the text is one (digits with a valid check digit), else words.
    pub fn parse(raw: &str) -> Self {
        Gtin::parse(raw.trim()).map_or_else(|_| Self::Text(raw.trim().to_owned()), Self::Gtin)
    }
}

/// How hits are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortBy {
    /// Nearest store first (offers without a located store last).
    #[default]
    Distance,
    /// Cheapest first (offers without a price last).
    Price,
}

/// An offer found.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit<'a> {
    pub partner_id: &'a str,
    pub partner_name: &'a str,
    pub offer: &'a Offer,
    /// The nearest of its stores (or the first, without a position).
    pub store: Option<NearStore<'a>>,
}

/// Offers valid at `now` that fit `query`, across `feeds`.
pub fn search<'a>(
    feeds: &[PartnerFeed<'a>],
    query: &Query,
    position: Option<Position>,
    now: i64,
    sort: SortBy,
) -> Vec<Hit<'a>> {
    let words: Vec<String> = match query {
        Query::Text(text) => text.split_whitespace().map(str::to_lowercase).collect(),
        Query::Gtin(_) => Vec::new(),
    };
    if matches!(query, Query::Text(_)) && words.is_empty() {
        return Vec::new();
    }
    let mut hits = Vec::new();
    for partner in feeds {
        let offers: &'a [Offer] = &partner.feed.offers;
        for offer in offers {
            if !(offer.valid_from <= now && now < offer.valid_through) {
                continue;
            }
            let fits = match (query, &offer.item) {
                (Query::Gtin(wanted), Item::Gtin(gtin)) => {
                    gtin_key(wanted.as_str()).is_some()
                        && gtin_key(wanted.as_str()) == gtin_key(gtin.as_str())
                }
                (Query::Gtin(_), Item::Category(_)) => false,
                (Query::Text(_), item) => {
                    let mut haystack = offer.name.to_lowercase();
                    if let Item::Category(category) = item {
                        haystack.push(' ');
                        haystack.push_str(category);
                    }
                    words.iter().all(|w| haystack.contains(w.as_str()))
                }
            };
            if !fits {
                continue;
            }
            let store = nearest_store(offer, position);
            hits.push(Hit {
                partner_id: partner.partner_id,
                partner_name: partner.partner_name,
                offer,
                store,
            });
        }
    }
    let distance = |h: &Hit| {
        h.store
            .as_ref()
            .and_then(|s| s.meters)
            .unwrap_or(f64::INFINITY)
    };
    let price = |h: &Hit| {
        h.offer
            .price_minor
            .as_ref()
            .map_or(u64::MAX, |(minor, _)| *minor)
    };
    hits.sort_by(|a, b| {
        let primary = match sort {
            SortBy::Distance => distance(a)
                .total_cmp(&distance(b))
                .then(price(a).cmp(&price(b))),
            SortBy::Price => price(a)
                .cmp(&price(b))
                .then(distance(a).total_cmp(&distance(b))),
        };
        primary
            .then_with(|| a.partner_id.cmp(b.partner_id))
            .then_with(|| a.offer.id.cmp(&b.offer.id))
    });
    hits
}
