//! Everything Steward stores about the household, as one document (export), and the erasure of
//! all of it. The export is the owner's copy of their data: complete, except the pairing keys and
//! the household's signing keys at partners, which are secrets useless anywhere else (their public
//! halves, the household's ids at each partner, are included).
//!
//! Erase must leave nothing readable behind: rows are deleted in one transaction, then the
//! write-ahead log is truncated and the file vacuumed, so freed pages do not keep old text.

use rusqlite::Row;
use serde::Serialize;

use super::Store;
use crate::Result;

/// The export's format name and version, for whoever reads it later.
pub const FORMAT: &str = "steward-household-export";
/// 2 added partners, grants, consent receipts and the sharing ledger; 3 the inbox (what the owner
/// did with offers and tutorials), the partners whose offers they stopped, and the history of
/// notification decisions.
pub const FORMAT_VERSION: u32 = 4;

/// The whole household.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HouseholdExport {
    pub format: &'static str,
    pub format_version: u32,
    pub schema_version: u32,
    pub exported_at: i64,
    pub settings: Vec<SettingOut>,
    pub devices: Vec<DeviceOut>,
    pub consumables: Vec<ConsumableOut>,
    pub purchases: Vec<PurchaseOut>,
    pub usage_events: Vec<UsageOut>,
    pub event_issues: Vec<IssueOut>,
    pub shopping_items: Vec<ShoppingOut>,
    pub partners: Vec<PartnerOut>,
    pub grants: Vec<GrantOut>,
    pub consent_receipts: Vec<serde_json::Value>,
    pub ledger: Vec<LedgerOut>,
    pub inbox_marks: Vec<InboxMarkOut>,
    pub muted_partners: Vec<MutedOut>,
    pub notification_log: Vec<NotificationOut>,
    pub support_conversations: Vec<ConversationOut>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversationOut {
    pub partner_id: String,
    pub reference: String,
    pub topic: Option<String>,
    pub title: String,
    pub started_at: i64,
    pub messages: Vec<MessageOut>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageOut {
    /// `owner` or `partner`.
    pub from: &'static str,
    pub name: String,
    pub text: String,
    pub at: i64,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NotificationOut {
    pub at: i64,
    pub channel: String,
    pub item_id: String,
    pub title: String,
    pub partner_id: Option<String>,
    pub outcome: String,
    pub words: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InboxMarkOut {
    pub partner_id: String,
    /// `offer` or `tutorial`.
    pub kind: String,
    pub item_id: String,
    pub first_seen_at: i64,
    pub dismissed_at: Option<i64>,
    pub saved_at: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MutedOut {
    pub partner_id: String,
    pub muted_at: i64,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PartnerOut {
    pub id: String,
    /// The partner's card as Steward validated and stored it.
    pub card: serde_json::Value,
    /// The household's public key at this partner: its pseudonymous id there.
    pub household_id: String,
    pub added_at: i64,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GrantOut {
    pub partner_id: String,
    pub category: String,
    pub purpose: String,
    /// Empty: the whole category.
    pub scope: String,
    pub granted_at: i64,
    pub expires_at: i64,
    pub receipt_id: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LedgerOut {
    pub id: i64,
    pub partner_id: String,
    pub partner_name: String,
    pub kind: String,
    pub purpose: String,
    pub categories: Vec<String>,
    pub summary: String,
    pub url: String,
    /// The exact bytes sent, as text (the gate only sends JSON).
    pub body: String,
    pub sha256: String,
    pub receipt_ids: Vec<String>,
    pub created_at: i64,
    pub outcome: String,
    pub outcome_at: Option<i64>,
    pub outcome_detail: Option<String>,
    pub attempts: u32,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingOut {
    pub key: String,
    pub value: String,
    pub updated_at: i64,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceOut {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub paired_at: i64,
    pub last_seq: i64,
    pub last_counter: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsumableOut {
    pub id: i64,
    pub name: String,
    pub brand: Option<String>,
    pub gtin: Option<String>,
    pub unit: String,
    pub capacity: i64,
    pub remaining: i64,
    pub threshold: i64,
    pub device_id: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PurchaseOut {
    pub consumable_id: i64,
    pub quantity: i64,
    pub source: String,
    pub note: Option<String>,
    pub at: i64,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UsageOut {
    pub consumable_id: i64,
    pub seq: Option<i64>,
    pub amount: i64,
    pub at: i64,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IssueOut {
    pub device_id: String,
    pub kind: String,
    pub seq: i64,
    pub detail: String,
    pub at: i64,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ShoppingOut {
    pub id: i64,
    pub title: String,
    pub quantity: i64,
    pub note: Option<String>,
    pub consumable_id: Option<i64>,
    pub origin: String,
    pub created_at: i64,
    pub done_at: Option<i64>,
}

fn all<T>(
    store: &Store,
    sql: &str,
    map: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let mut stmt = store.conn().prepare(sql)?;
    let rows = stmt.query_map([], map)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Reads everything. The store's single connection is held by the caller, so no write can land
/// between the tables read.
pub fn export(store: &Store, now: i64) -> Result<HouseholdExport> {
    let schema_version = store.schema_version()?;
    Ok(HouseholdExport {
        format: FORMAT,
        format_version: FORMAT_VERSION,
        schema_version,
        exported_at: now,
        settings: all(store, "SELECT key, value, updated_at FROM settings ORDER BY key", |r| {
            Ok(SettingOut { key: r.get(0)?, value: r.get(1)?, updated_at: r.get(2)? })
        })?,
        devices: all(
            store,
            "SELECT id, name, kind, paired_at, last_seq, last_counter FROM devices ORDER BY id",
            |r| {
                Ok(DeviceOut {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    kind: r.get(2)?,
                    paired_at: r.get(3)?,
                    last_seq: r.get(4)?,
                    last_counter: r.get(5)?,
                })
            },
        )?,
        consumables: all(
            store,
            "SELECT id, name, brand, gtin, unit, capacity, remaining, threshold, device_id, created_at, updated_at
             FROM consumables ORDER BY id",
            |r| {
                Ok(ConsumableOut {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    brand: r.get(2)?,
                    gtin: r.get(3)?,
                    unit: r.get(4)?,
                    capacity: r.get(5)?,
                    remaining: r.get(6)?,
                    threshold: r.get(7)?,
                    device_id: r.get(8)?,
                    created_at: r.get(9)?,
                    updated_at: r.get(10)?,
                })
            },
        )?,
        purchases: all(
            store,
            "SELECT consumable_id, quantity, source, note, at FROM purchases ORDER BY id",
            |r| {
                Ok(PurchaseOut {
                    consumable_id: r.get(0)?,
                    quantity: r.get(1)?,
                    source: r.get(2)?,
                    note: r.get(3)?,
                    at: r.get(4)?,
                })
            },
        )?,
        usage_events: all(
            store,
            "SELECT consumable_id, seq, amount, at FROM usage_events ORDER BY id",
            |r| Ok(UsageOut { consumable_id: r.get(0)?, seq: r.get(1)?, amount: r.get(2)?, at: r.get(3)? }),
        )?,
        event_issues: all(
            store,
            "SELECT device_id, kind, seq, detail, at FROM event_issues ORDER BY id",
            |r| {
                Ok(IssueOut {
                    device_id: r.get(0)?,
                    kind: r.get(1)?,
                    seq: r.get(2)?,
                    detail: r.get(3)?,
                    at: r.get(4)?,
                })
            },
        )?,
        shopping_items: all(
            store,
            "SELECT id, title, quantity, note, consumable_id, origin, created_at, done_at
             FROM shopping_items ORDER BY id",
            |r| {
                Ok(ShoppingOut {
                    id: r.get(0)?,
                    title: r.get(1)?,
                    quantity: r.get(2)?,
                    note: r.get(3)?,
                    consumable_id: r.get(4)?,
                    origin: r.get(5)?,
                    created_at: r.get(6)?,
                    done_at: r.get(7)?,
                })
            },
        )?,
        partners: super::partners::list(store)?
            .into_iter()
            .map(|p| PartnerOut {
                id: p.card.id.to_string(),
                card: serde_json::from_str(&p.card.to_json()).unwrap_or_default(),
                household_id: p.household_id,
                added_at: p.added_at,
            })
            .collect(),
        grants: all(
            store,
            "SELECT partner_id, category, purpose, scope, granted_at, expires_at, receipt_id
             FROM grants ORDER BY partner_id, category, purpose, scope",
            |r| {
                Ok(GrantOut {
                    partner_id: r.get(0)?,
                    category: r.get(1)?,
                    purpose: r.get(2)?,
                    scope: r.get(3)?,
                    granted_at: r.get(4)?,
                    expires_at: r.get(5)?,
                    receipt_id: r.get(6)?,
                })
            },
        )?,
        consent_receipts: super::receipts::list(store, None)?
            .into_iter()
            .rev()
            .map(|r| serde_json::from_str(&r.receipt).unwrap_or_default())
            .collect(),
        ledger: super::ledger::list(store, &super::ledger::Filter::default())?
            .into_iter()
            .rev()
            .map(|e| LedgerOut {
                id: e.id,
                partner_id: e.partner_id,
                partner_name: e.partner_name,
                kind: e.kind,
                purpose: e.purpose,
                categories: e.categories,
                summary: e.summary,
                url: e.url,
                body: String::from_utf8_lossy(&e.body).into_owned(),
                sha256: e.sha256.iter().map(|b| format!("{b:02x}")).collect(),
                receipt_ids: e.receipt_ids,
                created_at: e.created_at,
                outcome: e.outcome.as_str().to_owned(),
                outcome_at: e.outcome_at,
                outcome_detail: e.outcome_detail,
                attempts: e.attempts,
            })
            .collect(),
        inbox_marks: all(
            store,
            "SELECT partner_id, kind, item_id, first_seen_at, dismissed_at, saved_at
             FROM inbox_marks ORDER BY partner_id, kind, item_id",
            |r| {
                Ok(InboxMarkOut {
                    partner_id: r.get(0)?,
                    kind: r.get(1)?,
                    item_id: r.get(2)?,
                    first_seen_at: r.get(3)?,
                    dismissed_at: r.get(4)?,
                    saved_at: r.get(5)?,
                })
            },
        )?,
        muted_partners: all(
            store,
            "SELECT partner_id, muted_at FROM muted_partners ORDER BY partner_id",
            |r| {
                Ok(MutedOut {
                    partner_id: r.get(0)?,
                    muted_at: r.get(1)?,
                })
            },
        )?,
        notification_log: super::notifications::history(store, u32::MAX)?
            .into_iter()
            .rev()
            .map(|e| NotificationOut {
                at: e.at,
                channel: e.channel.as_str().to_owned(),
                item_id: e.item_id,
                title: e.title,
                partner_id: e.partner_id,
                outcome: e.outcome,
                words: e.words,
            })
            .collect(),
        support_conversations: super::support::list(store)?
            .into_iter()
            .rev()
            .map(|c| ConversationOut {
                partner_id: c.partner_id,
                reference: c.reference,
                topic: c.topic,
                title: c.title,
                started_at: c.started_at,
                messages: c
                    .messages
                    .into_iter()
                    .map(|m| MessageOut {
                        from: if m.from_owner { "owner" } else { "partner" },
                        name: m.name,
                        text: m.text,
                        at: m.at,
                    })
                    .collect(),
            })
            .collect(),
    })
}

/// The settings key that says an erase was committed but its scrubbing not yet finished.
const ERASE_PENDING: &str = "erase.pending";

/// Erases everything the household stored, then scrubs the file of freed pages. Crash-safe:
/// the rows go in one transaction that also leaves a mark; the scrubbing (checkpoint, vacuum)
/// follows, and the mark goes last. A store opened with the mark still there finishes the
/// scrubbing first ([`finish_pending_erase`]). With `secure_delete` on (the store's default),
/// the deleted rows' bytes are overwritten as they go, so even an unfinished erase leaves none.
pub fn erase(store: &mut Store) -> Result<()> {
    begin_erase(store)?;
    finish_pending_erase(store.conn())
}

/// The first half of [`erase`]: every row goes, and the mark is left, in one transaction.
pub fn begin_erase(store: &mut Store) -> Result<()> {
    let tx = store.conn_mut().transaction()?;
    tx.execute_batch(
        "DELETE FROM support_messages;
         DELETE FROM support_conversations;
         DELETE FROM notification_log;
         DELETE FROM inbox_marks;
         DELETE FROM muted_partners;
         DELETE FROM feed_problems;
         DELETE FROM partner_feeds;
         DELETE FROM ledger;
         DELETE FROM consent_receipts;
         DELETE FROM grants;
         DELETE FROM partners;
         DELETE FROM usage_quarters;
         DELETE FROM usage_events;
         DELETE FROM purchases;
         DELETE FROM event_issues;
         DELETE FROM shopping_items;
         DELETE FROM consumables;
         DELETE FROM devices;
         DELETE FROM settings;",
    )?;
    tx.execute(
        "INSERT INTO settings (key, value, updated_at) VALUES (?1, '1', 0)",
        rusqlite::params![ERASE_PENDING],
    )?;
    tx.commit()?;
    Ok(())
}

/// Finishes an erase whose scrubbing did not complete (the app was killed, or a reader held
/// the log): checkpoints the log back into the file (retrying while another connection holds
/// it), vacuums the freed pages away, then removes the mark. Does nothing without the mark.
pub fn finish_pending_erase(conn: &rusqlite::Connection) -> Result<()> {
    use rusqlite::OptionalExtension;
    let pending: Option<String> = conn
        .query_row(
            "SELECT value FROM settings WHERE key = ?1",
            rusqlite::params![ERASE_PENDING],
            |row| row.get(0),
        )
        .optional()?;
    if pending.is_none() {
        return Ok(());
    }
    checkpoint(conn)?;
    conn.execute_batch("VACUUM")?;
    conn.execute(
        "DELETE FROM settings WHERE key = ?1",
        rusqlite::params![ERASE_PENDING],
    )?;
    checkpoint(conn)?;
    Ok(())
}

/// `wal_checkpoint(TRUNCATE)`, insisting: a checkpoint that another connection kept busy did
/// not copy everything, so it is tried again (for about 5 s) before giving up with an error.
fn checkpoint(conn: &rusqlite::Connection) -> Result<()> {
    for _ in 0..50 {
        let busy: i64 = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| row.get(0))?;
        if busy == 0 {
            return Ok(());
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    Err(crate::Error::InvalidInput {
        field: "erase",
        reason: "another program kept the database busy; the erase finishes at the next start"
            .into(),
    })
}
