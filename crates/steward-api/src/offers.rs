//! The offers screen's commands: refreshing partners' feeds (plain GETs, outside the consent
//! gate: they carry nothing about the household), the inbox worked out on the phone by the
//! core's matcher, what the owner does with an item (dismiss, save, stop a brand's offers), a
//! tutorial step by step, and search across every kept feed.
//!
//! It must never send anything about the household to fetch or match, nor hold the store's lock
//! while waiting for a partner.

use std::collections::{HashSet, VecDeque};

use steward_core::consent::{flows, PartnerCard};
use steward_core::feed::household::{
    distance_meters, ConsumableFacts, DeviceFacts, EventFacts, Household, Position,
};
use steward_core::feed::matcher::{describe_price, Matched};
use steward_core::feed::search::{self, Query, SortBy};
use steward_core::feed::{matches, Feed, MatchKind, PartnerFeed};
use steward_core::notify::{Channel, Target};
use steward_core::store::inbox::{self, ItemKey};
use steward_core::store::{consumables, devices, feeds, partners};
use steward_core::Store;
use steward_partners::FeedFetch;

use crate::offers_wire::*;
use crate::privacy::seconds;
use crate::privacy_wire::LabelView;
use crate::steward::unix_now;
use crate::{ApiError, ErrorCode, Steward};

/// How many recent device events the matcher sees, at most (the newest).
pub(crate) const RECENT_EVENTS: usize = 2_000;
/// How old a recent device event may be.
const RECENT_SECS: i64 = 3_600;

/// Each partner's card and kept feed.
pub(crate) struct Kept {
    pub(crate) card: PartnerCard,
    pub(crate) feed: Feed,
}

impl Steward {
    /// Fetches every partner's feed (conditionally), keeps the good ones and records why the
    /// others were refused; the last good feed of each stays. Returns each feed's state.
    pub async fn refresh_offers(&self) -> Result<Vec<FeedStatusView>, ApiError> {
        let cards: Vec<(PartnerCard, Option<String>)> = self.with_reader(|store| {
            partners::list(store)?
                .into_iter()
                .map(|p| {
                    let etag = feeds::etag(store, p.card.id.as_str())?;
                    Ok((p.card, etag))
                })
                .collect()
        })?;
        let client = self.partner_client()?;
        for (card, etag) in cards {
            // One partner at a time: each is bounded by the client's deadlines, and a slow one
            // cannot make the others look failed.
            let fetched = client.fetch_feed(&card.base_url, etag.as_deref()).await;
            let now = unix_now();
            self.with_store(|store| {
                match fetched {
                    Ok(FeedFetch::NotModified) => feeds::confirmed(store, card.id.as_str(), now)?,
                    Ok(FeedFetch::Fetched { token, etag }) => {
                        if let Err(refused) =
                            feeds::accept(store, &card, &token, etag.as_deref(), now)?
                        {
                            tracing::warn!(partner = %card.id, reason = %refused, "feed refused");
                        }
                    }
                    Err(error) => {
                        tracing::warn!(partner = %card.id, %error, "feed not fetched");
                        feeds::record_problem(store, card.id.as_str(), &error.to_string(), now)?;
                    }
                }
                Ok(())
            })?;
        }
        let statuses = self.with_reader(|store| feed_statuses(store))?;
        self.events
            .emit(crate::AppEvent::OffersChanged(statuses.clone()));
        self.poke_notifications();
        Ok(statuses)
    }

    /// The inbox: what fits this household now, from the kept feeds, matched on the phone.
    /// `showing`: the owner is looking at it, so its items are no longer new afterwards (a
    /// count for a badge passes `false`).
    pub fn inbox(
        &self,
        position: Option<PositionInput>,
        showing: bool,
    ) -> Result<InboxView, ApiError> {
        let position = self.position(position)?;
        let local = self.local_now();
        let (view, shown) = self.with_store(|store| {
            let kept = kept_feeds(store)?;
            let rows = consumables::list(store)?;
            let household = self.household(store, &rows, position, local)?;
            let muted = inbox::muted_partners(store)?;
            let partner_feeds: Vec<PartnerFeed<'_>> = kept
                .iter()
                .map(|k| PartnerFeed {
                    partner_id: k.card.id.as_str(),
                    partner_name: &k.card.name,
                    feed: &k.feed,
                })
                .collect();
            let cards: Vec<PartnerCard> = kept.iter().map(|k| k.card.clone()).collect();
            let matched = matches(&partner_feeds, &household, &muted);
            // Only the marks of what matched now, and the saved ones: not a year of marks.
            let keys: Vec<ItemKey> = matched.iter().map(ItemKey::of).collect();
            let marks = inbox::marks_of(store, &keys)?;
            let saved = inbox::saved(store)?;
            let mut items = Vec::new();
            let mut listed: HashSet<ItemKey> = HashSet::new();
            for (m, key) in matched.into_iter().zip(keys) {
                let mark = marks.get(&key).copied().unwrap_or_default();
                if mark.dismissed_at.is_some() && mark.saved_at.is_none() {
                    continue;
                }
                let reorder = m.consumable_id.filter(|id| {
                    matches!(m.item, Matched::Offer(_))
                        && rows.iter().any(|row| {
                            row.id == *id
                                && row.brand.as_deref().is_some_and(|brand| {
                                    flows::partner_for_brand(&cards, brand)
                                        .is_some_and(|card| card.id.as_str() == m.partner_id)
                                })
                        })
                });
                let store_near = m.store();
                items.push(InboxItemView {
                    partner_id: key.partner_id.clone(),
                    partner_name: m.partner_name.to_owned(),
                    kind: m.kind().as_str().to_owned(),
                    item_id: key.item_id.clone(),
                    name: m.name().to_owned(),
                    explanation: m.explanation(),
                    store: store_near.map(|s| s.name.to_owned()),
                    distance_meters: store_near.and_then(|s| s.meters).map(meters),
                    price: price_of(m.item),
                    discount_percent: discount_of(m.item),
                    saved: mark.saved_at.is_some(),
                    is_new: mark.first_seen_at.is_none(),
                    reorder_consumable_id: reorder.and_then(|id| u32::try_from(id).ok()),
                    expires_at: seconds(m.expires_at()),
                });
                listed.insert(key);
            }
            // Saved items stay while they are valid, even when their rule no longer holds.
            for (key, mark) in &saved {
                if mark.saved_at.is_none() || listed.contains(key) {
                    continue;
                }
                if let Some(item) = saved_item(&kept, key, local.now, position) {
                    items.push(item);
                    listed.insert(key.clone());
                }
            }
            items.sort_by_key(|item| !item.saved);
            let shown: Vec<ItemKey> = listed.into_iter().collect();
            Ok((
                InboxView {
                    items,
                    feeds: feed_statuses(store)?,
                    muted: kept
                        .iter()
                        .filter(|k| muted.contains(k.card.id.as_str()))
                        .map(|k| LabelView {
                            id: k.card.id.to_string(),
                            label: k.card.name.clone(),
                        })
                        .collect(),
                },
                shown,
            ))
        })?;
        if showing {
            self.with_store(|store| inbox::seen(store, &shown, unix_now()))?;
        }
        Ok(view)
    }

    /// Dismisses, saves or unsaves an item; returns the inbox as it now is.
    pub fn mark_item(
        &self,
        key: ItemKeyInput,
        action: &str,
        position: Option<PositionInput>,
    ) -> Result<InboxView, ApiError> {
        let key = item_key(key)?;
        let now = unix_now();
        self.with_store(|store| match action {
            "dismiss" => inbox::set_dismissed(store, &key, true, now),
            "restore" => inbox::set_dismissed(store, &key, false, now),
            "save" => inbox::set_saved(store, &key, true, now),
            "unsave" => inbox::set_saved(store, &key, false, now),
            other => Err(steward_core::Error::InvalidInput {
                field: "action",
                reason: format!("{other:?} is not dismiss, restore, save or unsave"),
            }),
        })?;
        if action == "dismiss" {
            self.withdraw_notifications(|target, _| {
                matches!(target, Target::Item { kind, partner_id, item_id }
                    if *kind == key.kind.as_str() && *partner_id == key.partner_id && *item_id == key.item_id)
            });
        }
        self.inbox(position, true)
    }

    /// Stops (or lets again) a partner's offers; its tutorials still come.
    pub fn mute_partner(
        &self,
        partner_id: &str,
        muted: bool,
        position: Option<PositionInput>,
    ) -> Result<InboxView, ApiError> {
        self.with_store(|store| inbox::set_muted(store, partner_id, muted, unix_now()))?;
        if muted {
            self.withdraw_notifications(|target, channel| {
                channel == Channel::Offer
                    && matches!(target, Target::Item { partner_id: p, .. } if p == partner_id)
            });
        }
        self.poke_notifications();
        // Not "seen": the owner may be switching brands in the notification settings, not
        // reading the inbox.
        self.inbox(position, false)
    }

    /// A tutorial, step by step, with the state of the household's device it is for; pictures
    /// fetched from the partner's own host, within limits, or left out.
    pub async fn tutorial(&self, key: ItemKeyInput) -> Result<TutorialView, ApiError> {
        let key = item_key(key)?;
        let (card, tutorial, device) = self
            .with_reader(|store| {
                let kept = kept_feeds(store)?;
                let found = kept.into_iter().find_map(|k| {
                    (k.card.id.as_str() == key.partner_id)
                        .then(|| {
                            k.feed
                                .tutorials
                                .iter()
                                .find(|t| t.id == key.item_id)
                                .cloned()
                                .map(|t| (k.card.clone(), t))
                        })
                        .flatten()
                });
                let Some((card, tutorial)) = found else {
                    return Ok(None);
                };
                let device = devices::list(store)?
                    .into_iter()
                    .find(|d| tutorial.models.contains(&d.kind));
                Ok(Some((card, tutorial, device)))
            })?
            .ok_or_else(|| ApiError {
                code: ErrorCode::InvalidInput,
                message: "That guide is no longer offered.".to_owned(),
            })?;
        let client = self.partner_client()?;
        let mut steps = Vec::with_capacity(tutorial.steps.len());
        for step in &tutorial.steps {
            let image = match &step.image {
                Some(url) => match client.fetch_image(&card.base_url, url).await {
                    Ok(image) => Some(data_url(image.media_type, &image.bytes)),
                    Err(error) => {
                        tracing::warn!(partner = %card.id, %error, "tutorial picture left out");
                        None
                    }
                },
                None => None,
            };
            steps.push(StepView {
                text: step.text.clone(),
                image,
            });
        }
        let live = device
            .as_ref()
            .and_then(|d| steward_protocol::DeviceId::from_hex(&d.id).ok())
            .and_then(|id| self.cached_state(&id))
            .map(|(state, _)| state);
        let device_state = live.as_ref().map(describe_state);
        // The guide opens at the step for the state the device is in now.
        let start_step = live
            .as_ref()
            .map(state_name)
            .and_then(|now| {
                tutorial
                    .steps
                    .iter()
                    .position(|step| step.state.as_deref() == Some(now))
            })
            .unwrap_or(0);
        Ok(TutorialView {
            partner_id: card.id.to_string(),
            partner_name: card.name.clone(),
            item_id: tutorial.id.clone(),
            name: tutorial.name.clone(),
            steps,
            device_id: device.as_ref().map(|d| d.id.clone()),
            device_name: device.map(|d| d.name),
            device_state,
            start_step: u32::try_from(start_step).unwrap_or(0),
        })
    }

    /// Every valid offer across partners that fits the words or GTIN, with the nearest store's
    /// distance worked out on the phone; by distance or by price.
    pub fn search_offers(&self, input: SearchInput) -> Result<Vec<SearchHitView>, ApiError> {
        let sort = match input.sort.as_deref() {
            None | Some("distance") => SortBy::Distance,
            Some("price") => SortBy::Price,
            Some(other) => {
                return Err(ApiError {
                    code: ErrorCode::InvalidInput,
                    message: format!("Sort: {other:?} is not distance or price."),
                })
            }
        };
        if input.query.chars().count() > 100 {
            return Err(ApiError {
                code: ErrorCode::InvalidInput,
                message: "Search: at most 100 characters.".to_owned(),
            });
        }
        // The place the owner chose, else where the phone is when location is in use; never
        // demo mode's street: with location off, search asks for a place instead.
        let position = match input.position {
            Some(_) => self.position(input.position)?,
            None => self.live_position().0,
        };
        let query = Query::parse(&input.query);
        let now = unix_now();
        self.with_reader(|store| {
            let kept = kept_feeds(store)?;
            let partner_feeds: Vec<PartnerFeed<'_>> = kept
                .iter()
                .map(|k| PartnerFeed {
                    partner_id: k.card.id.as_str(),
                    partner_name: &k.card.name,
                    feed: &k.feed,
                })
                .collect();
            Ok(search::search(&partner_feeds, &query, position, now, sort)
                .into_iter()
                .map(|hit| SearchHitView {
                    partner_id: hit.partner_id.to_owned(),
                    partner_name: hit.partner_name.to_owned(),
                    item_id: hit.offer.id.clone(),
                    name: hit.offer.name.clone(),
                    price: hit
                        .offer
                        .price_minor
                        .as_ref()
                        .map(|(minor, currency)| describe_price(*minor, currency)),
                    discount_percent: hit.offer.discount_percent,
                    store: hit.store.map(|s| s.name.to_owned()),
                    distance_meters: hit.store.and_then(|s| s.meters).map(meters),
                    valid_through: seconds(hit.offer.valid_through),
                })
                .collect())
        })
    }

    /// The stores named in the kept feeds, by name (one per name and spot), for the owner to
    /// measure search distances from when Steward does not use their location.
    pub fn places(&self) -> Result<Vec<PlaceView>, ApiError> {
        self.with_reader(|store| {
            let mut places: Vec<PlaceView> = Vec::new();
            for kept in kept_feeds(store)? {
                for offer in &kept.feed.offers {
                    for s in &offer.stores {
                        let same = |p: &PlaceView| {
                            p.name == s.name
                                && distance_meters(
                                    Position {
                                        lat: p.latitude,
                                        lon: p.longitude,
                                    },
                                    Position {
                                        lat: s.lat,
                                        lon: s.lon,
                                    },
                                ) < 50.0
                        };
                        if !places.iter().any(same) {
                            places.push(PlaceView {
                                name: s.name.clone(),
                                partner_name: kept.card.name.clone(),
                                latitude: s.lat,
                                longitude: s.lon,
                            });
                        }
                    }
                }
            }
            places.sort_by(|a, b| {
                a.name
                    .cmp(&b.name)
                    .then(a.partner_name.cmp(&b.partner_name))
            });
            Ok(places)
        })
    }

    /// The position to match with: the UI's (checked), else demo mode's.
    pub(crate) fn position(
        &self,
        given: Option<PositionInput>,
    ) -> Result<Option<Position>, ApiError> {
        match given {
            Some(p) => {
                if p.latitude.is_finite()
                    && p.longitude.is_finite()
                    && (-90.0..=90.0).contains(&p.latitude)
                    && (-180.0..=180.0).contains(&p.longitude)
                {
                    Ok(Some(Position {
                        lat: p.latitude,
                        lon: p.longitude,
                    }))
                } else {
                    Err(ApiError {
                        code: ErrorCode::InvalidInput,
                        message: "Position: not a place on Earth.".to_owned(),
                    })
                }
            }
            // The phone's last position when location is in use, else demo mode's street.
            None => Ok(self.live_position().0.or(self.demo_position)),
        }
    }

    /// The household as the matcher sees it now: its consumables (with forecasts), its devices
    /// (with their live states), the last hour's device events, where the phone is.
    pub(crate) fn household(
        &self,
        store: &Store,
        rows: &[consumables::ConsumableRow],
        position: Option<Position>,
        local: crate::inventory::LocalNow,
    ) -> steward_core::Result<Household> {
        Ok(Household {
            consumables: consumable_facts(store, rows, local)?,
            devices: devices::list(store)?
                .into_iter()
                .map(|d| DeviceFacts {
                    state: self.state_name_of(&d.id),
                    id: d.id,
                    name: d.name,
                    kind: d.kind,
                })
                .collect(),
            events: self.recent_events(local.now),
            position,
            fences: None,
            now: local.now,
            local_minute: ((local.now + local.offset).rem_euclid(86_400) / 60) as u16,
        })
    }

    /// Notes device events for the matcher's patterns (kept in memory only, the last hour).
    pub(crate) fn note_events(&self, device_id: &str, names: &[&str], at: i64) {
        let mut recent = self
            .recent
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for name in names {
            if recent.len() == RECENT_EVENTS {
                recent.pop_front();
            }
            recent.push_back(EventFacts {
                device_id: device_id.to_owned(),
                event: (*name).to_owned(),
                at,
            });
        }
    }

    /// How many device events are kept for the patterns now (bounded; for tests and support).
    #[doc(hidden)]
    pub fn recent_events_len(&self) -> usize {
        self.recent
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .len()
    }

    fn recent_events(&self, now: i64) -> Vec<EventFacts> {
        let mut recent = self
            .recent
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        while recent.front().is_some_and(|e| now - e.at > RECENT_SECS) {
            recent.pop_front();
        }
        Vec::from(recent.clone())
    }
}

/// A device's state as feeds name it in `states` and a step's `state`
/// (docs/protocol/partner-feed.md, section 3.2).
fn state_name(state: &crate::wire::DeviceStateView) -> &'static str {
    use crate::wire::{DeviceStateView as S, PlaybackView as P};
    match state {
        S::BluRayPlayer { power: false, .. } => "off",
        S::BluRayPlayer { playback, .. } => match playback {
            P::Stopped => "stopped",
            P::Playing => "playing",
            P::Paused => "paused",
            P::Menu => "menu",
        },
        S::Toaster { toasting: true, .. } => "toasting",
        S::Toaster { .. } => "idle",
        S::SoapDispenser { remaining: 0, .. } => "empty",
        S::SoapDispenser { .. } => "ready",
        S::Light { on: true, .. } => "on",
        S::Light { .. } => "off",
        S::Thermostat { heating: true, .. } => "heating",
        S::Thermostat { .. } => "idle",
    }
}

impl Steward {
    /// A paired device's state name now, when it has reported one.
    fn state_name_of(&self, device_id: &str) -> Option<String> {
        let id = steward_protocol::DeviceId::from_hex(device_id).ok()?;
        self.cached_state(&id)
            .map(|(state, _)| state_name(&state).to_owned())
    }
}

/// A device's state in a few words, for a tutorial ("On, showing the disc menu").
fn describe_state(state: &crate::wire::DeviceStateView) -> String {
    use crate::wire::{DeviceStateView as S, PlaybackView as P};
    match state {
        S::BluRayPlayer { power: false, .. } => "Switched off".to_owned(),
        S::BluRayPlayer { playback, .. } => match playback {
            P::Stopped => "On, stopped",
            P::Playing => "On, playing",
            P::Paused => "On, paused",
            P::Menu => "On, showing the disc menu",
        }
        .to_owned(),
        S::Toaster {
            toasting, shade, ..
        } => {
            if *toasting {
                format!("Toasting at shade {shade}")
            } else {
                format!("Idle, shade {shade}")
            }
        }
        S::SoapDispenser {
            remaining,
            capacity,
        } => format!("{remaining} of {capacity} packets left"),
        S::Light { on: false, .. } => "Off".to_owned(),
        S::Light { brightness, .. } => format!("On at {brightness}%"),
        S::Thermostat {
            current_centi_celsius,
            target_centi_celsius,
            ..
        } => format!(
            "{:.1} °C, set to {:.1} °C",
            f64::from(*current_centi_celsius) / 100.0,
            f64::from(*target_centi_celsius) / 100.0
        ),
    }
}

/// The recent-events buffer's type.
pub(crate) type RecentEvents = std::sync::Mutex<VecDeque<EventFacts>>;

fn item_key(input: ItemKeyInput) -> Result<ItemKey, ApiError> {
    let kind = MatchKind::parse(&input.kind).ok_or_else(|| ApiError {
        code: ErrorCode::InvalidInput,
        message: format!("Item: {:?} is not an offer or a tutorial.", input.kind),
    })?;
    if input.partner_id.len() > 64 || input.item_id.len() > 64 {
        return Err(ApiError {
            code: ErrorCode::InvalidInput,
            message: "Item: not one Steward showed.".to_owned(),
        });
    }
    Ok(ItemKey {
        partner_id: input.partner_id,
        kind,
        item_id: input.item_id,
    })
}

pub(crate) fn kept_feeds(store: &Store) -> steward_core::Result<Vec<Kept>> {
    let mut out = Vec::new();
    for partner in partners::list(store)? {
        if let Some((feed, _)) = feeds::kept(store, &partner.card)? {
            out.push(Kept {
                card: partner.card,
                feed,
            });
        }
    }
    Ok(out)
}

fn feed_statuses(store: &Store) -> steward_core::Result<Vec<FeedStatusView>> {
    partners::list(store)?
        .into_iter()
        .map(|p| {
            let id = p.card.id.to_string();
            let problem = feeds::problem(store, &id)?.map(|(reason, _)| {
                format!("{}'s offers could not be updated: {reason}", p.card.name)
            });
            Ok(FeedStatusView {
                updated_at: feeds::fetched_at(store, &id)?.map(seconds),
                partner_id: id,
                partner_name: p.card.name,
                problem,
            })
        })
        .collect()
}

fn consumable_facts(
    store: &Store,
    rows: &[consumables::ConsumableRow],
    local: crate::inventory::LocalNow,
) -> steward_core::Result<Vec<ConsumableFacts>> {
    rows.iter()
        .map(|row| {
            Ok(ConsumableFacts {
                id: row.id,
                name: row.name.clone(),
                gtin: row.gtin.clone(),
                unit: row.unit.clone(),
                remaining: row.remaining,
                days_left: crate::inventory::days_left(store, row, local)?,
            })
        })
        .collect()
}

/// A saved item that no longer matches, as the owner saved it, while it is valid.
fn saved_item(
    kept: &[Kept],
    key: &ItemKey,
    now: i64,
    position: Option<Position>,
) -> Option<InboxItemView> {
    let k = kept.iter().find(|k| k.card.id.as_str() == key.partner_id)?;
    let (item, name, expires) = match key.kind {
        MatchKind::Offer => {
            let o = k.feed.offers.iter().find(|o| o.id == key.item_id)?;
            (o.valid_from <= now && now < o.valid_through).then_some(())?;
            (Matched::Offer(o), o.name.clone(), o.valid_through)
        }
        MatchKind::Tutorial => {
            let t = k.feed.tutorials.iter().find(|t| t.id == key.item_id)?;
            (now < t.expires_at).then_some(())?;
            (Matched::Tutorial(t), t.name.clone(), t.expires_at)
        }
    };
    let store_near = match item {
        Matched::Offer(o) => steward_core::feed::matcher::nearest_store(o, position),
        Matched::Tutorial(_) => None,
    };
    Some(InboxItemView {
        partner_id: key.partner_id.clone(),
        partner_name: k.card.name.clone(),
        kind: key.kind.as_str().to_owned(),
        item_id: key.item_id.clone(),
        name,
        explanation: "You saved this.".to_owned(),
        store: store_near.map(|s| s.name.to_owned()),
        distance_meters: store_near.and_then(|s| s.meters).map(meters),
        price: price_of(item),
        discount_percent: discount_of(item),
        saved: true,
        is_new: false,
        reorder_consumable_id: None,
        expires_at: seconds(expires),
    })
}

fn price_of(item: Matched<'_>) -> Option<String> {
    match item {
        Matched::Offer(o) => o
            .price_minor
            .as_ref()
            .map(|(minor, currency)| describe_price(*minor, currency)),
        Matched::Tutorial(_) => None,
    }
}

fn discount_of(item: Matched<'_>) -> Option<u8> {
    match item {
        Matched::Offer(o) => o.discount_percent.filter(|d| *d > 0),
        Matched::Tutorial(_) => None,
    }
}

/// Metres as precise as the owner reads them (10 m below 1 km, 100 m below 10 km, then 1 km),
/// so a listed distance and the sentence that explains it agree.
fn meters(m: f64) -> u32 {
    let step = if m < 1_000.0 {
        10.0
    } else if m < 10_000.0 {
        100.0
    } else {
        1_000.0
    };
    ((m / step).round() * step).clamp(0.0, f64::from(u32::MAX)) as u32
}

fn data_url(media_type: &str, bytes: &[u8]) -> String {
    use base64::Engine;
    format!(
        "data:{media_type};base64,{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}
