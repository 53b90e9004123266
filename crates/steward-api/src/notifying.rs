//! Turning what matters now into notifications: what the matcher finds (makers' guides, brands'
//! offers) and what the stock says (a consumable ran out: a device alert; one is down to the
//! owner's threshold: a reminder) become candidates; the core's policy decides each; every
//! decision goes into the history; what is to be shown goes to the platform's notifier. A tap
//! comes back here and becomes an event the UI opens the item from.
//!
//! It must never decide anything the policy decides, never notify before the owner allowed
//! notifications in the app (the system's dialog is asked for only after they said yes, with
//! the reason), and never say the same thing twice: each candidate is decided once per episode
//! (a day for offers and stock, a pattern's freshness for guides), and one still on screen and
//! unchanged is left alone.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use steward_core::feed::matcher::PATTERN_FRESH_SECS;
use steward_core::feed::{matches, MatchKind, PartnerFeed};
use steward_core::notify::{
    notification_id, Candidate, Channel, Decision, Notification, Notifier, Permission, Policy,
    Reaction, Reason, Target,
};
use steward_core::store::inbox::{self, ItemKey};
use steward_core::store::{consumables, notifications};
use steward_core::Store;

use crate::inventory::LocalNow;
use crate::notifications_wire::{
    NotificationEntryView, NotificationPermissionView, OpenTargetView,
};
use crate::steward::unix_now;
use crate::{ApiError, AppEvent, ErrorCode, Steward};

const DAY: i64 = 86_400;
/// How long the loop waits for news before deciding again anyway (quiet hours ending, a time
/// window opening).
const TICK: Duration = Duration::from_secs(60);
/// Passes are at least this far apart: a flood of button presses costs one pass, not hundreds.
const SPACING: Duration = Duration::from_millis(250);
/// At most this many wait for the owner's permission; older ones are let go.
const MAX_WAITING: usize = 20;

/// The notification state the household keeps while the app runs.
#[derive(Default)]
pub(crate) struct Notifying {
    notifier: OnceLock<Arc<dyn Notifier>>,
    state: Mutex<State>,
    wake: tokio::sync::Notify,
}

#[derive(Default)]
struct State {
    /// Loaded on the first pass, with what was shown earlier today recalled.
    policy: Option<Policy>,
    /// Candidate id → until when it is not decided again.
    considered: HashMap<String, i64>,
    /// Collapse key → what is on screen under it.
    on_screen: HashMap<String, Telling>,
    /// Held by quiet hours, by candidate id, with their words.
    held: HashMap<String, Telling>,
    /// Decided while the owner had not allowed notifications yet; decided again once they do.
    waiting: Vec<Telling>,
    /// The owner said "not now": the app does not ask again until they open the settings.
    declined: bool,
    /// The reason was put to the owner already (the event was sent).
    asked: bool,
}

/// One thing worth telling the owner: the candidate, its words, where a tap leads.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Telling {
    candidate: Candidate,
    title: String,
    body: String,
    target: Target,
    /// Until when it is not decided again once decided.
    until: i64,
}

impl Telling {
    fn notification(&self) -> Notification {
        Notification {
            id: notification_id(&self.candidate.collapse_key),
            channel: self.candidate.channel,
            title: self.title.clone(),
            body: self.body.clone(),
            open: self.target.encode(),
        }
    }

    fn same_words(&self, other: &Telling) -> bool {
        self.candidate.id == other.candidate.id
            && self.title == other.title
            && self.body == other.body
    }
}

fn lock(state: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Steward {
    /// Gives the household the platform's notifier (the shell's, or a test's).
    pub fn with_notifier(self, notifier: Arc<dyn Notifier>) -> Self {
        let _ = self.notifying.notifier.set(notifier);
        self
    }

    /// Asks for a pass soon (device events arrived, feeds or settings changed).
    pub(crate) fn poke_notifications(&self) {
        self.notifying.wake.notify_one();
    }

    /// Runs for as long as the app does: a pass whenever something changed (at most four a
    /// second) and at least once a minute (quiet hours ending, held items due).
    pub async fn run_notifications(&self) {
        loop {
            // Sooner when a store visit will count (the phone arriving at a store).
            let wait = self.location_due().map_or(TICK, |due| {
                Duration::from_secs(u64::try_from(due - unix_now()).unwrap_or(0)).min(TICK)
            });
            let _ = tokio::time::timeout(wait, self.notifying.wake.notified()).await;
            self.location_tick().await;
            if let Err(error) = self.notify_now() {
                tracing::warn!(message = %error.message, "notifications could not be decided");
            }
            tokio::time::sleep(SPACING).await;
        }
    }

    /// One pass: held items that are due and every new candidate are decided, recorded and, if
    /// to be shown, delivered. Returns what was decided (as the history shows it), in order.
    /// Without a notifier (a build with no notification service) nothing is decided.
    pub fn notify_now(&self) -> Result<Vec<NotificationEntryView>, ApiError> {
        let Some(notifier) = self.notifying.notifier.get().cloned() else {
            return Ok(Vec::new());
        };
        let local = self.local_now();
        let position = self.position(None)?;
        // Store offers notify only for stores the phone has settled in (dwell, hysteresis).
        let (_, inside) = self.live_position();
        let (tellings, settings, stopped, recalled) = self.with_store(|store| {
            let tellings = self.tellings(store, position, inside, local)?;
            let settings = notifications::load_settings(store)?;
            let stopped = inbox::muted_partners(store)?;
            let recalled = notifications::since(store, start_of_day(local))?;
            Ok((tellings, settings, stopped, recalled))
        })?;
        let mut state = lock(&self.notifying.state);
        let state = &mut *state;
        if state.policy.is_none() {
            // The first pass since the app started: what was decided earlier today stands (it
            // is not decided again today), and what was shown counts against today's budget.
            let mut policy = Policy::new(settings.clone(), HashSet::new());
            for entry in &recalled {
                if matches!(entry.outcome.as_str(), "shown" | "replaced") {
                    policy.recall_shown(
                        entry.channel,
                        entry.partner_id.as_deref(),
                        &entry.collapse_key,
                        entry.at,
                        local.offset,
                    );
                }
                state
                    .considered
                    .insert(entry.item_id.clone(), end_of_day(local));
            }
            state.policy = Some(policy);
        }
        let Some(policy) = state.policy.as_mut() else {
            return Ok(Vec::new());
        };
        policy.set_settings(settings);
        policy.set_stopped_all(stopped);
        state.considered.retain(|_, until| *until > local.now);

        // A consumable back above its threshold may be said again when it next runs low.
        let live: HashSet<&str> = tellings.iter().map(|t| t.candidate.id.as_str()).collect();
        state
            .considered
            .retain(|id, _| !id.starts_with("consumable/") || live.contains(id.as_str()));

        let mut fresh: Vec<Telling> = Vec::new();
        for telling in tellings {
            if state.considered.contains_key(&telling.candidate.id) {
                continue;
            }
            let unchanged = state
                .on_screen
                .get(&telling.candidate.collapse_key)
                .is_some_and(|shown| shown.same_words(&telling));
            if unchanged || state.held.contains_key(&telling.candidate.id) {
                continue;
            }
            fresh.push(telling);
        }

        fresh.sort_by_key(|t| {
            (
                t.candidate.channel.rank(),
                std::cmp::Reverse(t.candidate.relevance),
            )
        });
        let mut decided: Vec<(Telling, Decision)> = Vec::new();
        for (candidate, decision) in policy.release(local.now, local.offset) {
            if let Some(telling) = state.held.remove(&candidate.id) {
                decided.push((telling, decision));
            }
        }
        match notifier.permission() {
            Permission::Granted => {
                let candidates = fresh.iter().map(|t| t.candidate.clone()).collect();
                let by_id: HashMap<String, Telling> = fresh
                    .into_iter()
                    .map(|t| (t.candidate.id.clone(), t))
                    .collect();
                for (candidate, decision) in policy.decide_all(candidates, local.now, local.offset)
                {
                    if let Some(telling) = by_id.get(&candidate.id) {
                        decided.push((telling.clone(), decision));
                    }
                }
            }
            permission => {
                let ask = permission == Permission::Ask && !state.declined;
                for telling in fresh {
                    if ask {
                        state.waiting.push(telling.clone());
                    }
                    decided.push((telling, Decision::Inbox(Reason::NotificationsOff)));
                }
                let excess = state.waiting.len().saturating_sub(MAX_WAITING);
                state.waiting.drain(..excess);
                if ask && !state.asked && !state.waiting.is_empty() {
                    state.asked = true;
                    self.events
                        .emit(AppEvent::NotificationPermissionNeeded(permission_view(
                            permission,
                            state.waiting.first(),
                            false,
                        )));
                }
            }
        }

        let mut entries = Vec::with_capacity(decided.len());
        for (telling, decision) in decided {
            state
                .considered
                .insert(telling.candidate.id.clone(), telling.until);
            self.with_store(|store| {
                notifications::record(
                    store,
                    local.now,
                    &telling.candidate,
                    &telling.title,
                    &decision,
                    local.offset,
                )
            })?;
            entries.push(NotificationEntryView {
                at: crate::privacy::seconds(local.now),
                channel: telling.candidate.channel.as_str().to_owned(),
                title: telling.title.clone(),
                outcome: notifications::outcome(&decision).to_owned(),
                words: decision.describe(local.offset),
            });
            match decision {
                Decision::Show | Decision::Replace { .. } => {
                    match notifier.show(&telling.notification()) {
                        Ok(()) => {
                            state
                                .on_screen
                                .insert(telling.candidate.collapse_key.clone(), telling);
                        }
                        Err(error) => {
                            tracing::warn!(%error, title = %telling.title, "a notification could not be shown");
                        }
                    }
                }
                Decision::Hold { .. } => {
                    state.held.insert(telling.candidate.id.clone(), telling);
                }
                Decision::Inbox(_) | Decision::Drop(_) => {}
            }
        }
        Ok(entries)
    }

    /// Whether Steward may notify, and if the owner is being asked, why.
    pub fn notification_permission(&self) -> NotificationPermissionView {
        let permission = self
            .notifying
            .notifier
            .get()
            .map_or(Permission::Denied, |n| n.permission());
        let state = lock(&self.notifying.state);
        permission_view(permission, state.waiting.first(), state.declined)
    }

    /// The owner answered the app's own question: `allow` asks the system (its dialog on a
    /// phone), and what waited is decided again; otherwise nothing is asked again this run
    /// (the inbox keeps everything, and the settings screen can ask later).
    pub fn answer_notification_permission(
        &self,
        allow: bool,
    ) -> Result<NotificationPermissionView, ApiError> {
        let Some(notifier) = self.notifying.notifier.get().cloned() else {
            return Ok(self.notification_permission());
        };
        let permission = if allow {
            let permission = match notifier.permission() {
                Permission::Ask => notifier.request_permission(),
                other => other,
            };
            let mut state = lock(&self.notifying.state);
            state.declined = permission != Permission::Granted;
            if permission == Permission::Granted {
                // What waited is decided again, now that it can be shown.
                let waiting = std::mem::take(&mut state.waiting);
                for telling in waiting {
                    state.considered.remove(&telling.candidate.id);
                }
            }
            permission
        } else {
            let mut state = lock(&self.notifying.state);
            state.declined = true;
            notifier.permission()
        };
        self.poke_notifications();
        let state = lock(&self.notifying.state);
        Ok(permission_view(
            permission,
            state.waiting.first(),
            state.declined,
        ))
    }

    /// The owner tapped a notification (`open` is what it carried): it leaves the screen, its
    /// brand ranks up, and the UI is told to open the item.
    pub fn notification_opened(&self, open: &str) -> Result<OpenTargetView, ApiError> {
        let target = Target::decode(open).ok_or_else(|| ApiError {
            code: ErrorCode::InvalidInput,
            message: "That notification is not one Steward can open.".into(),
        })?;
        self.react_to(&target, Reaction::Opened);
        if let Target::Item {
            kind,
            partner_id,
            item_id,
        } = &target
        {
            if let Some(kind) = MatchKind::parse(kind) {
                let key = ItemKey {
                    partner_id: partner_id.clone(),
                    kind,
                    item_id: item_id.clone(),
                };
                self.with_store(|store| inbox::seen(store, &[key], unix_now()))?;
            }
        }
        let view = OpenTargetView::from(&target);
        self.events.emit(AppEvent::NotificationOpened(view.clone()));
        Ok(view)
    }

    /// The owner swiped a notification away (where the platform says so): its brand ranks down.
    pub fn notification_dismissed(&self, open: &str) {
        if let Some(target) = Target::decode(open) {
            self.react_to(&target, Reaction::Dismissed);
        }
    }

    /// The owner dismissed an item in the app, or stopped its brand's offers: the notifications
    /// it concerns go too (`which` picks them by where they lead and their channel).
    pub(crate) fn withdraw_notifications(&self, which: impl Fn(&Target, Channel) -> bool) {
        let mut state = lock(&self.notifying.state);
        let keys: Vec<String> = state
            .on_screen
            .iter()
            .filter(|(_, t)| which(&t.target, t.candidate.channel))
            .map(|(key, _)| key.clone())
            .collect();
        for key in keys {
            state.on_screen.remove(&key);
            if let Some(policy) = state.policy.as_mut() {
                policy.cleared(&key);
            }
            if let Some(notifier) = self.notifying.notifier.get() {
                notifier.close(notification_id(&key));
            }
        }
    }

    fn react_to(&self, target: &Target, reaction: Reaction) {
        let encoded = target.encode();
        let mut state = lock(&self.notifying.state);
        let found = state
            .on_screen
            .iter()
            .find(|(_, t)| t.target.encode() == encoded)
            .map(|(key, t)| (key.clone(), t.candidate.brand.clone()));
        if let Some((key, brand)) = found {
            state.on_screen.remove(&key);
            if let Some(policy) = state.policy.as_mut() {
                policy.cleared(&key);
                if let Some((brand, _)) = brand {
                    policy.react(&brand, reaction);
                }
            }
        }
    }

    /// What is worth telling now: matched guides and offers (not dismissed, not from a stopped
    /// brand) and the stock's alerts and reminders.
    fn tellings(
        &self,
        store: &Store,
        position: Option<steward_core::feed::household::Position>,
        inside: HashSet<steward_core::location::FenceKey>,
        local: LocalNow,
    ) -> steward_core::Result<Vec<Telling>> {
        let kept = crate::offers::kept_feeds(store)?;
        let rows = consumables::list(store)?;
        let mut household = self.household(store, &rows, position, local)?;
        household.fences = Some(inside);
        let muted = inbox::muted_partners(store)?;
        let feeds: Vec<PartnerFeed<'_>> = kept
            .iter()
            .map(|k| PartnerFeed {
                partner_id: k.card.id.as_str(),
                partner_name: &k.card.name,
                feed: &k.feed,
            })
            .collect();
        let mut out = Vec::new();
        let matched = matches(&feeds, &household, &muted);
        // Only the marks of what matched now: the table holds every item ever shown.
        let keys: Vec<ItemKey> = matched.iter().map(ItemKey::of).collect();
        let marks = inbox::marks_of(store, &keys)?;
        for (m, key) in matched.into_iter().zip(keys) {
            if marks
                .get(&key)
                .is_some_and(|mark| mark.dismissed_at.is_some())
            {
                continue;
            }
            let (channel, title, until) = match m.kind() {
                MatchKind::Tutorial => (
                    Channel::Tutorial,
                    format!("{}: {}", m.partner_name, m.name()),
                    local.now + PATTERN_FRESH_SECS,
                ),
                MatchKind::Offer => (Channel::Offer, m.name().to_owned(), end_of_day(local)),
            };
            let target = Target::Item {
                kind: m.kind().as_str().to_owned(),
                partner_id: key.partner_id.clone(),
                item_id: key.item_id.clone(),
            };
            out.push(Telling {
                candidate: Candidate {
                    id: target.encode(),
                    collapse_key: format!("{}/{}", m.partner_id, m.collapse_key()),
                    channel,
                    brand: Some((m.partner_id.to_owned(), m.partner_name.to_owned())),
                    relevance: m.relevance,
                    expires_at: Some(m.expires_at()),
                },
                title,
                body: m.explanation(),
                target,
                until,
            });
        }
        for row in &rows {
            if row.remaining > row.threshold {
                continue;
            }
            let empty = row.remaining == 0;
            let (channel, suffix, title, body) = if empty {
                (
                    Channel::DeviceAlert,
                    "empty",
                    format!("Out of {}", row.name),
                    format!("{} has run out. It is on your shopping list.", row.name),
                )
            } else {
                (
                    Channel::Reminder,
                    "low",
                    format!("{} is running low", row.name),
                    format!(
                        "{} {} left (you asked to know at {}). It is on your shopping list.",
                        row.remaining, row.unit, row.threshold
                    ),
                )
            };
            let target = Target::Consumable(row.id);
            out.push(Telling {
                candidate: Candidate {
                    id: format!("{}/{suffix}", target.encode()),
                    collapse_key: target.encode(),
                    channel,
                    brand: None,
                    relevance: if empty { 1_000 } else { 500 },
                    expires_at: None,
                },
                title,
                body,
                target,
                until: end_of_day(local),
            });
        }
        Ok(out)
    }
}

fn start_of_day(local: LocalNow) -> i64 {
    (local.now + local.offset).div_euclid(DAY) * DAY - local.offset
}

fn end_of_day(local: LocalNow) -> i64 {
    start_of_day(local) + DAY
}

fn permission_view(
    permission: Permission,
    first_waiting: Option<&Telling>,
    declined: bool,
) -> NotificationPermissionView {
    let state = match permission {
        Permission::Granted => "granted",
        Permission::Denied => "denied",
        Permission::Ask => "ask",
    };
    let reason = first_waiting.map(|t| {
        format!(
            "Steward has something to tell you: “{}”. Allow notifications so that help, \
             reminders and a few offers reach you when they matter. You choose how many in \
             Settings, and quiet hours keep nights quiet.",
            t.title
        )
    });
    let message = match permission {
        Permission::Granted => None,
        Permission::Denied => Some(
            "Notifications are off for Steward. Everything still arrives in your inbox; \
             to be told at once, allow them in the system's settings."
                .to_owned(),
        ),
        Permission::Ask if declined => Some(
            "You chose not to be notified for now. Everything still arrives in your inbox."
                .to_owned(),
        ),
        Permission::Ask => None,
    };
    NotificationPermissionView {
        state: state.to_owned(),
        reason,
        message,
    }
}

impl From<&Target> for OpenTargetView {
    fn from(target: &Target) -> Self {
        match target {
            Target::Item {
                kind,
                partner_id,
                item_id,
            } => OpenTargetView {
                kind: kind.clone(),
                partner_id: Some(partner_id.clone()),
                item_id: Some(item_id.clone()),
                consumable_id: None,
                device_id: None,
            },
            Target::Consumable(id) => OpenTargetView {
                kind: "consumable".to_owned(),
                partner_id: None,
                item_id: None,
                consumable_id: u32::try_from(*id).ok(),
                device_id: None,
            },
            Target::Device(id) => OpenTargetView {
                kind: "device".to_owned(),
                partner_id: None,
                item_id: None,
                consumable_id: None,
                device_id: Some(id.clone()),
            },
        }
    }
}
