//! The `inbox_marks` and `muted_partners` tables: what the owner did with each matched offer or
//! tutorial (when it was first seen, dismissed, saved) and which partners' offers they stopped.
//! The matches themselves are not stored: they are worked out on the phone from the kept feeds
//! each time, so a changed inventory changes the inbox at once.

use std::collections::{HashMap, HashSet};

use rusqlite::{params, OptionalExtension};

use super::Store;
use crate::feed::MatchKind;
use crate::Result;

/// An inbox item: the partner, offer or tutorial, and the item's id in the partner's feed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ItemKey {
    pub partner_id: String,
    pub kind: MatchKind,
    pub item_id: String,
}

/// What the owner did with an item.
impl ItemKey {
    /// The key of a matched offer or tutorial.
    pub fn of(matched: &crate::feed::Match<'_>) -> Self {
        Self {
            partner_id: matched.partner_id.to_owned(),
            kind: matched.kind(),
            item_id: matched.id().to_owned(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Marks {
    pub first_seen_at: Option<i64>,
    pub dismissed_at: Option<i64>,
    pub saved_at: Option<i64>,
}

fn kind_of(raw: &str) -> MatchKind {
    if raw == "tutorial" {
        MatchKind::Tutorial
    } else {
        MatchKind::Offer
    }
}

/// Every item's marks.
/// A row of (partner_id, kind, item_id, first_seen_at, dismissed_at, saved_at).
fn keyed_marks(row: &rusqlite::Row<'_>) -> rusqlite::Result<(ItemKey, Marks)> {
    Ok((
        ItemKey {
            partner_id: row.get(0)?,
            kind: kind_of(&row.get::<_, String>(1)?),
            item_id: row.get(2)?,
        },
        Marks {
            first_seen_at: row.get(3)?,
            dismissed_at: row.get(4)?,
            saved_at: row.get(5)?,
        },
    ))
}

pub fn marks(store: &Store) -> Result<HashMap<ItemKey, Marks>> {
    let mut statement = store.conn().prepare(
        "SELECT partner_id, kind, item_id, first_seen_at, dismissed_at, saved_at FROM inbox_marks",
    )?;
    let rows = statement.query_map([], keyed_marks)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Notes that `keys` were shown (first time only), in one transaction.
/// The marks of these items only (the ones matched now): the table keeps a mark for every item
/// ever shown, so reading all of it on every pass would grow with the years.
pub fn marks_of(store: &Store, keys: &[ItemKey]) -> Result<HashMap<ItemKey, Marks>> {
    let mut statement = store.conn().prepare_cached(
        "SELECT first_seen_at, dismissed_at, saved_at FROM inbox_marks
         WHERE partner_id = ?1 AND kind = ?2 AND item_id = ?3",
    )?;
    let mut out = HashMap::new();
    for key in keys {
        let found = statement
            .query_row(
                params![key.partner_id, key.kind.as_str(), key.item_id],
                |row| {
                    Ok(Marks {
                        first_seen_at: row.get(0)?,
                        dismissed_at: row.get(1)?,
                        saved_at: row.get(2)?,
                    })
                },
            )
            .optional()?;
        if let Some(marks) = found {
            out.insert(key.clone(), marks);
        }
    }
    Ok(out)
}

/// The items the owner saved, with their marks (few: only what the owner chose to keep).
pub fn saved(store: &Store) -> Result<HashMap<ItemKey, Marks>> {
    let mut statement = store.conn().prepare_cached(
        "SELECT partner_id, kind, item_id, first_seen_at, dismissed_at, saved_at
         FROM inbox_marks WHERE saved_at IS NOT NULL",
    )?;
    let rows = statement.query_map([], keyed_marks)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn seen(store: &mut Store, keys: &[ItemKey], now: i64) -> Result<()> {
    let tx = store.conn_mut().transaction()?;
    {
        let mut insert = tx.prepare(
            "INSERT INTO inbox_marks (partner_id, kind, item_id, first_seen_at)
             SELECT ?1, ?2, ?3, ?4 WHERE EXISTS (SELECT 1 FROM partners WHERE id = ?1)
             ON CONFLICT DO NOTHING",
        )?;
        for key in keys {
            insert.execute(params![key.partner_id, key.kind.as_str(), key.item_id, now])?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// Dismisses an item (it leaves the inbox) or brings it back.
pub fn set_dismissed(store: &Store, key: &ItemKey, dismissed: bool, now: i64) -> Result<()> {
    upsert(store, key, now)?;
    store.conn().execute(
        "UPDATE inbox_marks SET dismissed_at = ?4
         WHERE partner_id = ?1 AND kind = ?2 AND item_id = ?3",
        params![
            key.partner_id,
            key.kind.as_str(),
            key.item_id,
            dismissed.then_some(now)
        ],
    )?;
    Ok(())
}

/// Saves an item (kept at the top and not dismissed by a swipe) or unsaves it.
pub fn set_saved(store: &Store, key: &ItemKey, saved: bool, now: i64) -> Result<()> {
    upsert(store, key, now)?;
    store.conn().execute(
        "UPDATE inbox_marks SET saved_at = ?4, dismissed_at = CASE WHEN ?4 IS NULL THEN dismissed_at END
         WHERE partner_id = ?1 AND kind = ?2 AND item_id = ?3",
        params![key.partner_id, key.kind.as_str(), key.item_id, saved.then_some(now)],
    )?;
    Ok(())
}

fn upsert(store: &Store, key: &ItemKey, now: i64) -> Result<()> {
    let changed = store.conn().execute(
        "INSERT INTO inbox_marks (partner_id, kind, item_id, first_seen_at)
         SELECT ?1, ?2, ?3, ?4 WHERE EXISTS (SELECT 1 FROM partners WHERE id = ?1)
         ON CONFLICT DO NOTHING",
        params![key.partner_id, key.kind.as_str(), key.item_id, now],
    )?;
    let exists = changed > 0
        || store.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM partners WHERE id = ?1)",
            params![key.partner_id],
            |row| row.get::<_, bool>(0),
        )?;
    if exists {
        Ok(())
    } else {
        Err(crate::Error::InvalidInput {
            field: "partner",
            reason: "is not one of this household's partners".to_owned(),
        })
    }
}

/// Stops (or lets again) the offers of `partner_id`. Its tutorials still come: help is not
/// marketing.
pub fn set_muted(store: &Store, partner_id: &str, muted: bool, now: i64) -> Result<()> {
    if muted {
        let changed = store.conn().execute(
            "INSERT INTO muted_partners (partner_id, muted_at)
             SELECT ?1, ?2 WHERE EXISTS (SELECT 1 FROM partners WHERE id = ?1)
             ON CONFLICT DO NOTHING",
            params![partner_id, now],
        )?;
        if changed == 0 && !muted_partners(store)?.contains(partner_id) {
            return Err(crate::Error::InvalidInput {
                field: "partner",
                reason: "is not one of this household's partners".to_owned(),
            });
        }
    } else {
        store.conn().execute(
            "DELETE FROM muted_partners WHERE partner_id = ?1",
            params![partner_id],
        )?;
    }
    Ok(())
}

/// The partners whose offers are stopped.
pub fn muted_partners(store: &Store) -> Result<HashSet<String>> {
    let mut statement = store
        .conn()
        .prepare("SELECT partner_id FROM muted_partners")?;
    let rows = statement.query_map([], |row| row.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
