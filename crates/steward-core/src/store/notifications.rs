//! The notification policy's memory: the owner's settings (in `settings`) and the history of
//! what it decided (`notification_log`), which the owner can read. The history keeps the newest
//! [`MAX_ENTRIES`]; older ones go as new ones come.

use rusqlite::params;

use super::{settings, Store};
use crate::notify::{Candidate, Channel, Decision, Settings};
use crate::Result;

/// How much history is kept.
pub const MAX_ENTRIES: i64 = 1_000;

const BUDGET: &str = "notify.daily_offer_budget";
const CAP: &str = "notify.per_brand_cap";
const QUIET: &str = "notify.quiet";
const REMINDERS: &str = "notify.reminders";
const TUTORIALS: &str = "notify.tutorials";
const OFFERS: &str = "notify.offers";

/// The owner's settings, or the defaults for what they never set.
pub fn load_settings(store: &Store) -> Result<Settings> {
    let defaults = Settings::default();
    let number = |key: &str, default: u32| -> Result<u32> {
        Ok(settings::get(store, key)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(default))
    };
    let flag = |key: &str, default: bool| -> Result<bool> {
        Ok(settings::get(store, key)?.map_or(default, |v| v == "on"))
    };
    let quiet = match settings::get(store, QUIET)? {
        None => defaults.quiet,
        Some(v) if v == "off" => None,
        Some(v) => v
            .split_once('-')
            .and_then(|(from, until)| Some((from.parse().ok()?, until.parse().ok()?)))
            .or(defaults.quiet),
    };
    let loaded = Settings {
        daily_offer_budget: number(BUDGET, defaults.daily_offer_budget)?,
        per_brand_cap: number(CAP, defaults.per_brand_cap)?,
        quiet,
        reminders: flag(REMINDERS, defaults.reminders)?,
        tutorials: flag(TUTORIALS, defaults.tutorials)?,
        offers: flag(OFFERS, defaults.offers)?,
    };
    // Whatever a damaged row holds, the policy only ever runs on checked settings.
    Ok(if loaded.check().is_ok() {
        loaded
    } else {
        defaults
    })
}

/// Keeps the owner's settings, once checked.
pub fn save_settings(store: &mut Store, new: &Settings, now: i64) -> Result<()> {
    new.check()?;
    let on = |b: bool| if b { "on" } else { "off" };
    let quiet = new.quiet.map_or_else(
        || "off".to_owned(),
        |(from, until)| format!("{from}-{until}"),
    );
    settings::set(store, BUDGET, &new.daily_offer_budget.to_string(), now)?;
    settings::set(store, CAP, &new.per_brand_cap.to_string(), now)?;
    settings::set(store, QUIET, &quiet, now)?;
    settings::set(store, REMINDERS, on(new.reminders), now)?;
    settings::set(store, TUTORIALS, on(new.tutorials), now)?;
    settings::set(store, OFFERS, on(new.offers), now)?;
    Ok(())
}

/// One decision in the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub at: i64,
    pub channel: Channel,
    pub item_id: String,
    pub title: String,
    pub partner_id: Option<String>,
    /// `shown`, `replaced`, `held`, `inbox` or `dropped`.
    pub outcome: String,
    /// What the owner reads: "held until 07:00: quiet hours".
    pub words: String,
    /// The decided candidate's collapse key (empty in entries from before schema 13).
    pub collapse_key: String,
}

/// The outcome's word in the history.
pub fn outcome(decision: &Decision) -> &'static str {
    match decision {
        Decision::Show => "shown",
        Decision::Replace { .. } => "replaced",
        Decision::Hold { .. } => "held",
        Decision::Inbox(_) => "inbox",
        Decision::Drop(_) => "dropped",
    }
}

/// Records a decision about `candidate` (titled `title`, in the owner's words with their offset
/// from UTC), trimming the oldest beyond [`MAX_ENTRIES`], in one transaction.
pub fn record(
    store: &mut Store,
    at: i64,
    candidate: &Candidate,
    title: &str,
    decision: &Decision,
    offset: i64,
) -> Result<()> {
    let tx = store.conn_mut().transaction()?;
    // A partner removed meanwhile: the entry is kept without it.
    let partner = match &candidate.brand {
        Some((id, _)) => tx
            .query_row(
                "SELECT id FROM partners WHERE id = ?1",
                params![id],
                |row| row.get::<_, String>(0),
            )
            .ok(),
        None => None,
    };
    tx.execute(
        "INSERT INTO notification_log
             (at, channel, item_id, title, partner_id, outcome, words, collapse_key)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            at,
            candidate.channel.as_str(),
            candidate.id,
            title,
            partner,
            outcome(decision),
            decision.describe(offset),
            candidate.collapse_key,
        ],
    )?;
    tx.execute(
        "DELETE FROM notification_log WHERE id NOT IN
             (SELECT id FROM notification_log ORDER BY id DESC LIMIT ?1)",
        params![MAX_ENTRIES],
    )?;
    tx.commit()?;
    Ok(())
}

/// The history, newest first, at most `limit` entries.
pub fn history(store: &Store, limit: u32) -> Result<Vec<Entry>> {
    entries(
        store,
        "SELECT at, channel, item_id, title, partner_id, outcome, words, collapse_key
         FROM notification_log ORDER BY id DESC LIMIT ?1",
        i64::from(limit),
    )
}

/// What was decided since `at` (Unix seconds), oldest first: what the policy recalls at start.
pub fn since(store: &Store, at: i64) -> Result<Vec<Entry>> {
    entries(
        store,
        "SELECT at, channel, item_id, title, partner_id, outcome, words, collapse_key
         FROM notification_log WHERE at >= ?1 ORDER BY id",
        at,
    )
}

fn entries(store: &Store, sql: &str, param: i64) -> Result<Vec<Entry>> {
    let mut statement = store.conn().prepare(sql)?;
    let rows = statement.query_map(params![param], |row| {
        Ok(Entry {
            at: row.get(0)?,
            channel: Channel::parse(&row.get::<_, String>(1)?).unwrap_or(Channel::Offer),
            item_id: row.get(2)?,
            title: row.get(3)?,
            partner_id: row.get(4)?,
            outcome: row.get(5)?,
            words: row.get(6)?,
            collapse_key: row.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
