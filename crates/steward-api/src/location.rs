//! The phone's location, for store offers: reports from the platform's location service
//! (tauri-plugin-geolocation on phones, GeoClue2 on Linux) are checked, run through the
//! geofences with dwell and hysteresis, and a settled visit to a store brings that store's
//! offers to the notification policy. The position leaves the phone only through the consent
//! gate: the store's name under a coarse-location grant, the position under a precise-location
//! grant, nothing without either.
//!
//! It must never use a position while the owner has location use off, nor send one without a
//! grant.

use std::collections::HashSet;
use std::sync::{Mutex, PoisonError};

use steward_core::consent::{flows, gate, grant, Category, PartnerCard, Purpose};
use steward_core::feed::document::Rule;
use steward_core::feed::household::{distance_meters, Position};
use steward_core::location::{Fence, FenceKey, Fences, Fix};
use steward_core::store::{grants, settings};

use crate::location_wire::*;
use crate::steward::unix_now;
use crate::{ApiError, ErrorCode, Steward};

const USE_KEY: &str = "location.use";

/// What the household knows about where the phone is.
#[derive(Default)]
pub(crate) struct Whereabouts {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    fences: Fences,
    last: Option<Fix>,
    /// The location service went away or refused; why, in words.
    unavailable: Option<String>,
}

fn lock(w: &Whereabouts) -> std::sync::MutexGuard<'_, State> {
    w.state.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A store's geofence in a partner's feed.
struct StoreFence {
    partner: PartnerCard,
    fence: Fence,
    store: String,
}

impl Steward {
    /// Where the owner stands with location use.
    pub fn location(&self) -> Result<LocationView, ApiError> {
        let in_use = self.location_in_use()?;
        let fences = self.store_fences()?;
        let state = lock(&self.whereabouts);
        let inside: HashSet<FenceKey> = state.fences.inside().collect();
        let at_stores = fences
            .iter()
            .filter(|f| inside.contains(&f.fence.key()))
            .map(|f| f.store.clone())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let (code, message) = match (in_use, &state.unavailable, state.last) {
            (false, _, _) => ("off", "Location is off: store offers do not come, and search asks you for a place.".to_owned()),
            (true, Some(why), _) => ("unavailable", format!("Steward cannot learn where you are: {why}. Store offers wait until it can.")),
            (true, None, None) => ("waiting", "Waiting for your position.".to_owned()),
            (true, None, Some(_)) => ("on", "Steward uses your position on this phone to notice when you are at a store. It is not sent to anyone unless you allow it.".to_owned()),
        };
        Ok(LocationView {
            in_use,
            state: code.to_owned(),
            message,
            at_stores,
        })
    }

    /// The owner switches location use on or off. Off forgets the position and every fence.
    pub fn set_location_use(&self, on: bool) -> Result<LocationView, ApiError> {
        self.with_store(|store| {
            settings::set(store, USE_KEY, if on { "on" } else { "off" }, unix_now())
        })?;
        if !on {
            let mut state = lock(&self.whereabouts);
            state.fences.clear();
            state.last = None;
        }
        self.poke_notifications();
        self.announce_location()
    }

    /// Shortens the dwell time before a store visit counts (tests).
    pub fn with_geofence_dwell(self, secs: i64) -> Self {
        lock(&self.whereabouts).fences = Fences::with_dwell(secs);
        self
    }

    /// A report from the location service. Refused reports change nothing; a report while
    /// location use is off is ignored.
    pub async fn position_report(&self, input: PositionReportInput) -> Result<(), ApiError> {
        if !self.location_in_use()? {
            return Ok(());
        }
        let fix = Fix {
            position: Position {
                lat: input.latitude,
                lon: input.longitude,
            },
            accuracy_m: input.accuracy_meters,
            at: unix_now(),
        };
        fix.check().map_err(|error| ApiError {
            code: ErrorCode::InvalidInput,
            message: format!("Position: {error}."),
        })?;
        let fences = self.store_fences()?;
        let plain: Vec<Fence> = fences.iter().map(|f| f.fence).collect();
        let (changes, first, due_changed) = {
            let mut state = lock(&self.whereabouts);
            let first = state.last.is_none() || state.unavailable.is_some();
            state.unavailable = None;
            state.last = Some(fix);
            let due = state.fences.due();
            let changes = state.fences.report(&plain, fix);
            (changes, first, state.fences.due() != due)
        };
        if due_changed {
            // Arriving at a store (or leaving before the visit counted): the notification loop
            // sleeps until the next due visit, so it must hear of the new one now.
            self.poke_notifications();
        }
        self.after_changes(&fences, &changes, fix).await;
        if first && changes.is_empty() {
            // A first position (or one after an outage): "waiting" becomes "on".
            let _ = self.announce_location();
        }
        Ok(())
    }

    /// Time passed: a visit that has lasted the dwell time counts now.
    pub async fn location_tick(&self) {
        let Some(fix) = lock(&self.whereabouts).last else {
            return;
        };
        let Ok(fences) = self.store_fences() else {
            return;
        };
        let changes = lock(&self.whereabouts).fences.tick(unix_now());
        self.after_changes(&fences, &changes, fix).await;
    }

    /// When the next visit will count, if the phone is arriving at a store (Unix seconds).
    pub fn location_due(&self) -> Option<i64> {
        lock(&self.whereabouts).fences.due()
    }

    /// The location service went away or refused (`why`, in words): no position, no fences.
    pub fn location_lost(&self, why: &str) {
        let mut state = lock(&self.whereabouts);
        state.fences.clear();
        state.last = None;
        let already = state.unavailable.as_deref() == Some(why);
        state.unavailable = Some(why.to_owned());
        drop(state);
        self.poke_notifications();
        if !already {
            let _ = self.announce_location();
        }
    }

    /// Tells the UI where location use stands now, and returns it.
    fn announce_location(&self) -> Result<LocationView, ApiError> {
        let view = self.location()?;
        self.events
            .emit(crate::AppEvent::LocationChanged(view.clone()));
        Ok(view)
    }

    /// The last position, when location is in use; and the fences the phone is settled in.
    pub(crate) fn live_position(&self) -> (Option<Position>, HashSet<FenceKey>) {
        if !self.location_in_use().unwrap_or(false) {
            return (None, HashSet::new());
        }
        let state = lock(&self.whereabouts);
        (
            state.last.map(|f| f.position),
            state.fences.inside().collect(),
        )
    }

    fn location_in_use(&self) -> Result<bool, ApiError> {
        Ok(self
            .with_reader(|store| settings::get(store, USE_KEY))?
            .is_some_and(|v| v == "on"))
    }

    /// Every store geofence in the kept feeds' offers, with its partner and nearest store.
    fn store_fences(&self) -> Result<Vec<StoreFence>, ApiError> {
        self.with_reader(|store| {
            let mut out = Vec::new();
            for kept in crate::offers::kept_feeds(store)? {
                for offer in &kept.feed.offers {
                    for rule in &offer.rules {
                        if let Rule::InsideGeofence {
                            lat,
                            lon,
                            radius_meters,
                        } = rule
                        {
                            let center = Position {
                                lat: *lat,
                                lon: *lon,
                            };
                            let store_name = offer
                                .stores
                                .iter()
                                .min_by(|a, b| {
                                    let d = |s: &steward_core::feed::document::Store| {
                                        distance_meters(
                                            center,
                                            Position {
                                                lat: s.lat,
                                                lon: s.lon,
                                            },
                                        )
                                    };
                                    d(a).total_cmp(&d(b))
                                })
                                .map_or_else(|| kept.card.name.clone(), |s| s.name.clone());
                            out.push(StoreFence {
                                partner: kept.card.clone(),
                                fence: Fence {
                                    center,
                                    radius_m: *radius_meters,
                                },
                                store: store_name,
                            });
                        }
                    }
                }
            }
            Ok(out)
        })
    }

    /// Entered stores: their partners hear of it only under a grant; the policy decides the
    /// offers. Arriving: a tick is due after the dwell time.
    async fn after_changes(
        &self,
        fences: &[StoreFence],
        changes: &[steward_core::location::Change],
        fix: Fix,
    ) {
        for change in changes.iter().filter(|c| c.entered) {
            let mut told: HashSet<String> = HashSet::new();
            for f in fences.iter().filter(|f| f.fence.key() == change.fence) {
                if told.insert(f.partner.id.to_string()) {
                    if let Err(error) = self.tell_of_visit(&f.partner, &f.store, fix).await {
                        tracing::warn!(partner = %f.partner.id, message = %error.message, "a store visit could not be shared");
                    }
                }
            }
        }
        if !changes.is_empty() {
            self.poke_notifications();
            let _ = self.announce_location();
        }
    }

    /// Tells `partner` the owner is at `store`, as far as the owner allowed: the store under a
    /// coarse-location grant, the position under a precise-location grant; nothing otherwise.
    async fn tell_of_visit(
        &self,
        partner: &PartnerCard,
        store_name: &str,
        fix: Fix,
    ) -> Result<(), ApiError> {
        let now = unix_now();
        let disclosure = self.with_store(|store| {
            let granted = grants::list(store, &partner.id)?;
            let any = [Category::CoarseLocation, Category::PreciseLocation]
                .into_iter()
                .any(|c| {
                    grant::allowed(
                        &granted,
                        &partner.id,
                        c,
                        Purpose::PersonalisedOffers,
                        None,
                        now,
                    )
                    .is_some()
                });
            if !any {
                return Ok(None);
            }
            let payload = flows::store_visit(
                store_name,
                fix.position.lat,
                fix.position.lon,
                fix.accuracy_m,
            );
            gate::prepare(store, &partner.id, &payload, now).map(Some)
        })?;
        if let Some(disclosure) = disclosure {
            self.deliver(&disclosure).await?;
        }
        Ok(())
    }
}
