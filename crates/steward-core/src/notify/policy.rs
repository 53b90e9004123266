//! The one notification policy. For each candidate it decides, in this order: expired ones are
//! dropped; device alerts are shown (an update replaces the alert it updates), always, whatever
//! else is going on; a stopped brand's offers are dropped; a channel the owner switched off
//! keeps its items in the inbox; an update to something on screen replaces it; quiet hours hold
//! reminders and offers until they end (a maker's guide comes because the owner is at the device
//! now, so it is not held); offers then need room in the day's budget and the brand's cap, and
//! a brand whose offers the owner keeps dismissing ranks below the line. Several candidates at
//! once are ranked first, so the budget goes to the most relevant.
//!
//! It must never count a device alert or a reminder against the offer budget, nor hold one
//! back for marketing.

use std::collections::{HashMap, HashSet};

use super::{Channel, Settings};

const DAY: i64 = 86_400;

/// How long before the same item (by collapse key) may notify again once it left the screen:
/// a guide an hour (the owner may still be stuck), an offer a day, the owner's reminders three
/// hours. Device alerts have none: a new fault is always said.
pub const fn cooldown(channel: Channel) -> i64 {
    match channel {
        Channel::DeviceAlert => 0,
        Channel::Reminder => 3 * 3_600,
        Channel::Tutorial => 3_600,
        Channel::Offer => DAY,
    }
}

/// Something that could become a notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// What it is (an offer's or tutorial's key, a device alert's kind and device).
    pub id: String,
    /// Notifications with the same key are one: a newer one replaces, never stacks.
    pub collapse_key: String,
    pub channel: Channel,
    /// The partner it comes from (offers, tutorials), by id and by name.
    pub brand: Option<(String, String)>,
    /// Higher first (the matcher's relevance for offers and tutorials).
    pub relevance: u32,
    /// When it stops being worth showing (Unix seconds).
    pub expires_at: Option<i64>,
}

/// Why something was not shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// The day's offers across brands were used.
    DailyBudget(u32),
    /// That brand's offers for the day were used (its name).
    BrandCap(String),
    /// The owner switched that channel off.
    ChannelOff(Channel),
    /// The owner stopped that brand's offers (its name).
    Stopped(String),
    /// The owner keeps dismissing that brand's offers (its name).
    OftenDismissed(String),
    /// It stopped applying before it could be shown.
    Expired,
    /// The same was shown a short while ago.
    ShownRecently,
    /// The owner has not allowed Steward's notifications (or not yet).
    NotificationsOff,
}

/// What happens to a candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// A new notification.
    Show,
    /// Replaces the notification with the same collapse key (its id).
    Replace { previous: String },
    /// Held until then (quiet hours), and decided again then.
    Hold { until: i64 },
    /// Kept in the inbox, silently.
    Inbox(Reason),
    /// Not kept (a stopped brand's offer, or expired).
    Drop(Reason),
}

impl Decision {
    /// Whether a notification appears (new or updated).
    pub fn notifies(&self) -> bool {
        matches!(self, Decision::Show | Decision::Replace { .. })
    }

    /// The words in the owner's history: "shown", "held until 07:00: quiet hours",
    /// "not shown: Dishwell's daily limit". `offset` is the owner's offset from UTC (seconds).
    pub fn describe(&self, offset: i64) -> String {
        match self {
            Decision::Show => "shown".to_owned(),
            Decision::Replace { .. } => "shown, replacing the earlier one".to_owned(),
            Decision::Hold { until } => {
                let local = (until + offset).rem_euclid(DAY);
                format!(
                    "held until {:02}:{:02}: quiet hours",
                    local / 3_600,
                    local % 3_600 / 60
                )
            }
            Decision::Inbox(reason) | Decision::Drop(reason) => {
                let why = match reason {
                    Reason::DailyBudget(n) => format!("today's limit of {n} offers"),
                    Reason::BrandCap(name) => format!("{name}'s daily limit"),
                    Reason::ChannelOff(channel) => {
                        format!("you switched off {}", channel.label().to_lowercase())
                    }
                    Reason::Stopped(name) => format!("you stopped {name}'s offers"),
                    Reason::OftenDismissed(name) => {
                        format!("you often dismiss {name}'s offers")
                    }
                    Reason::Expired => "it expired".to_owned(),
                    Reason::ShownRecently => "it was shown a short while ago".to_owned(),
                    Reason::NotificationsOff => "notifications are off for Steward".to_owned(),
                };
                match self {
                    Decision::Drop(_) => format!("not shown: {why}"),
                    _ => format!("in your inbox, not notified: {why}"),
                }
            }
        }
    }
}

/// What the owner did with a brand's notifications, which moves its rank.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Reactions {
    opened: u32,
    dismissed: u32,
}

/// The owner's reaction to a notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reaction {
    Opened,
    Dismissed,
}

/// The policy's state: the settings, the day's counts, what is on screen, what is held.
#[derive(Debug, Clone)]
pub struct Policy {
    settings: Settings,
    stopped: HashSet<String>,
    reactions: HashMap<String, Reactions>,
    /// The owner's local day the counts are for.
    day: Option<i64>,
    offers_today: u32,
    brand_today: HashMap<String, u32>,
    /// Collapse key → the id on screen.
    on_screen: HashMap<String, String>,
    /// Collapse key → when it last notified.
    last_shown: HashMap<String, i64>,
    held: Vec<(Candidate, i64)>,
}

impl Policy {
    pub fn new(settings: Settings, stopped: HashSet<String>) -> Self {
        Self {
            settings,
            stopped,
            reactions: HashMap::new(),
            day: None,
            offers_today: 0,
            brand_today: HashMap::new(),
            on_screen: HashMap::new(),
            last_shown: HashMap::new(),
            held: Vec::new(),
        }
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub fn set_settings(&mut self, settings: Settings) {
        self.settings = settings;
    }

    /// Stops (or lets again) a brand's offers.
    pub fn set_stopped(&mut self, brand: &str, stopped: bool) {
        if stopped {
            self.stopped.insert(brand.to_owned());
        } else {
            self.stopped.remove(brand);
        }
    }

    /// The brands whose offers the owner stopped, all at once (as the store keeps them).
    pub fn set_stopped_all(&mut self, stopped: HashSet<String>) {
        self.stopped = stopped;
    }

    /// Remembers a notification shown earlier (before a restart): it counts against that day's
    /// budget and the brand's cap, and starts its cooldown, as if decided now.
    pub fn recall_shown(
        &mut self,
        channel: Channel,
        brand_id: Option<&str>,
        collapse_key: &str,
        at: i64,
        offset: i64,
    ) {
        self.roll_day(at, offset);
        if channel.is_marketing() && self.day == Some((at + offset).div_euclid(DAY)) {
            self.offers_today += 1;
            *self
                .brand_today
                .entry(brand_id.unwrap_or_default().to_owned())
                .or_default() += 1;
        }
        let last = self.last_shown.entry(collapse_key.to_owned()).or_insert(at);
        *last = (*last).max(at);
    }

    /// The owner opened or dismissed a brand's notification: later ones rank up or down.
    pub fn react(&mut self, brand: &str, reaction: Reaction) {
        let r = self.reactions.entry(brand.to_owned()).or_default();
        match reaction {
            Reaction::Opened => r.opened = r.opened.saturating_add(1),
            Reaction::Dismissed => r.dismissed = r.dismissed.saturating_add(1),
        }
    }

    /// The notification with `collapse_key` left the screen (opened or swiped away).
    pub fn cleared(&mut self, collapse_key: &str) {
        self.on_screen.remove(collapse_key);
    }

    /// What is held, with when each is due.
    pub fn held(&self) -> impl Iterator<Item = (&Candidate, i64)> {
        self.held.iter().map(|(c, until)| (c, *until))
    }

    /// A candidate's rank: its relevance, moved by how the owner treats its brand (opened
    /// +20 each, dismissed −30 each, within ±200).
    pub fn score(&self, candidate: &Candidate) -> i64 {
        let adjust = candidate
            .brand
            .as_ref()
            .and_then(|(id, _)| self.reactions.get(id))
            .map_or(0, |r| {
                (i64::from(r.opened) * 20 - i64::from(r.dismissed) * 30).clamp(-200, 200)
            });
        i64::from(candidate.relevance) + adjust
    }

    /// Decides several candidates that arrived together, the highest ranked first, so the
    /// day's budget goes to the most relevant. Returns them in that order.
    pub fn decide_all(
        &mut self,
        mut candidates: Vec<Candidate>,
        now: i64,
        offset: i64,
    ) -> Vec<(Candidate, Decision)> {
        candidates.sort_by_key(|c| (c.channel.rank(), std::cmp::Reverse(self.score(c))));
        candidates
            .into_iter()
            .map(|c| {
                let decision = self.decide(&c, now, offset);
                (c, decision)
            })
            .collect()
    }

    /// Decides one candidate now; `offset` is the owner's offset from UTC in seconds.
    pub fn decide(&mut self, candidate: &Candidate, now: i64, offset: i64) -> Decision {
        self.roll_day(now, offset);
        if candidate.expires_at.is_some_and(|at| at <= now) {
            return Decision::Drop(Reason::Expired);
        }
        if candidate.channel == Channel::DeviceAlert {
            return self.put_on_screen(candidate, now);
        }
        let brand_name = candidate
            .brand
            .as_ref()
            .map_or_else(String::new, |(_, name)| name.clone());
        if candidate.channel.is_marketing() {
            if let Some((id, _)) = &candidate.brand {
                if self.stopped.contains(id) {
                    return Decision::Drop(Reason::Stopped(brand_name));
                }
            }
        }
        let channel_on = match candidate.channel {
            Channel::DeviceAlert => true,
            Channel::Reminder => self.settings.reminders,
            Channel::Tutorial => self.settings.tutorials,
            Channel::Offer => self.settings.offers,
        };
        if !channel_on {
            return Decision::Inbox(Reason::ChannelOff(candidate.channel));
        }
        if self.on_screen.contains_key(&candidate.collapse_key) {
            return self.put_on_screen(candidate, now);
        }
        if self
            .last_shown
            .get(&candidate.collapse_key)
            .is_some_and(|at| now - at < cooldown(candidate.channel))
        {
            return Decision::Inbox(Reason::ShownRecently);
        }
        if let Some(until) = self
            .quiet_until(now, offset)
            .filter(|_| candidate.channel.waits_for_quiet_hours())
        {
            // One held item per collapse key: a newer one replaces it in the queue.
            self.held
                .retain(|(held, _)| held.collapse_key != candidate.collapse_key);
            self.held.push((candidate.clone(), until));
            return Decision::Hold { until };
        }
        if candidate.channel.is_marketing() {
            if self.score(candidate) < 0 {
                return Decision::Inbox(Reason::OftenDismissed(brand_name));
            }
            if self.offers_today >= self.settings.daily_offer_budget {
                return Decision::Inbox(Reason::DailyBudget(self.settings.daily_offer_budget));
            }
            let brand_id = candidate
                .brand
                .as_ref()
                .map_or_else(String::new, |(id, _)| id.clone());
            let brand_count = self.brand_today.get(&brand_id).copied().unwrap_or(0);
            if brand_count >= self.settings.per_brand_cap {
                return Decision::Inbox(Reason::BrandCap(brand_name));
            }
            self.offers_today += 1;
            self.brand_today.insert(brand_id, brand_count + 1);
        }
        self.put_on_screen(candidate, now)
    }

    /// Decides again what was held and is due (quiet hours ended, or the owner switched them
    /// off or moved them): each is shown, kept in the inbox or dropped as it would be now.
    pub fn release(&mut self, now: i64, offset: i64) -> Vec<(Candidate, Decision)> {
        let quiet_now = self.quiet_until(now, offset).is_some();
        let (due, later): (Vec<_>, Vec<_>) = self
            .held
            .drain(..)
            .partition(|(_, until)| *until <= now || !quiet_now);
        self.held = later;
        let due: Vec<Candidate> = due.into_iter().map(|(c, _)| c).collect();
        self.decide_all(due, now, offset)
    }

    fn put_on_screen(&mut self, candidate: &Candidate, now: i64) -> Decision {
        self.last_shown.insert(candidate.collapse_key.clone(), now);
        match self
            .on_screen
            .insert(candidate.collapse_key.clone(), candidate.id.clone())
        {
            Some(previous) => Decision::Replace { previous },
            None => Decision::Show,
        }
    }

    fn roll_day(&mut self, now: i64, offset: i64) {
        let day = (now + offset).div_euclid(DAY);
        if self.day != Some(day) {
            self.day = Some(day);
            self.offers_today = 0;
            self.brand_today.clear();
        }
    }

    /// When the current quiet hours end, if it is quiet now.
    fn quiet_until(&self, now: i64, offset: i64) -> Option<i64> {
        let (from, until) = self.settings.quiet?;
        let local = (now + offset).rem_euclid(DAY);
        let minute = (local / 60) as u16;
        let quiet = if from <= until {
            (from..until).contains(&minute)
        } else {
            minute >= from || minute < until
        };
        quiet.then(|| now + (i64::from(until) * 60 - local).rem_euclid(DAY))
    }
}
