//! The `ledger` table: every request that carried household data to a partner, written by the
//! gate in the same transaction that checked the grants, before a byte is sent. It keeps what
//! was sent (the exact bytes and their SHA-256), to whom, for what, under which receipts, and how
//! it went. Kept after a partner is removed; cleared by erase.

use rusqlite::{params, OptionalExtension, Transaction};

use super::Store;
use crate::text::invalid;
use crate::{Error, Result};

/// How a disclosure went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Written, not yet answered (or the app stopped before the answer came).
    Sending,
    /// The partner accepted it.
    Delivered,
    /// The partner answered and refused it.
    Refused,
    /// It did not reach the partner, or no answer came.
    Failed,
}

impl Outcome {
    pub const fn as_str(self) -> &'static str {
        match self {
            Outcome::Sending => "sending",
            Outcome::Delivered => "delivered",
            Outcome::Refused => "refused",
            Outcome::Failed => "failed",
        }
    }

    fn parse(raw: &str) -> Result<Self> {
        [
            Outcome::Sending,
            Outcome::Delivered,
            Outcome::Refused,
            Outcome::Failed,
        ]
        .into_iter()
        .find(|o| o.as_str() == raw)
        .ok_or_else(|| invalid("ledger outcome", format!("{raw:?} is unknown")))
    }
}

/// A ledger entry as the gate writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry<'a> {
    pub partner_id: &'a str,
    pub partner_name: &'a str,
    pub kind: &'a str,
    pub purpose: &'a str,
    /// The categories sent, sorted, without repeats.
    pub categories: Vec<&'static str>,
    /// One line per value sent, in plain words.
    pub summary: String,
    pub url: &'a str,
    pub body: &'a [u8],
    pub sha256: [u8; 32],
    pub signature_input: &'a str,
    pub signature: &'a str,
    pub receipt_ids: Vec<String>,
    pub created_at: i64,
}

/// A ledger entry as the owner reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: i64,
    pub partner_id: String,
    pub partner_name: String,
    pub kind: String,
    pub purpose: String,
    pub categories: Vec<String>,
    pub summary: String,
    pub url: String,
    pub body: Vec<u8>,
    pub sha256: [u8; 32],
    pub signature_input: String,
    pub signature: String,
    pub receipt_ids: Vec<String>,
    pub created_at: i64,
    /// When the request was last signed (a late retry signs it afresh).
    pub signed_at: i64,
    pub outcome: Outcome,
    pub outcome_at: Option<i64>,
    pub outcome_detail: Option<String>,
    pub attempts: u32,
}

pub(crate) fn insert(tx: &Transaction<'_>, entry: &NewEntry<'_>) -> Result<i64> {
    tx.execute(
        "INSERT INTO ledger (partner_id, partner_name, kind, purpose, categories, summary, url,
                             body, sha256, signature_input, signature, receipt_ids, created_at,
                             outcome)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 'sending')",
        params![
            entry.partner_id,
            entry.partner_name,
            entry.kind,
            entry.purpose,
            entry.categories.join(","),
            entry.summary,
            entry.url,
            entry.body,
            entry.sha256.as_slice(),
            entry.signature_input,
            entry.signature,
            entry.receipt_ids.join(","),
            entry.created_at
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

/// Keeps the newest signature of entry `id` (a late retry signed it afresh).
pub(crate) fn update_signature(
    tx: &Transaction<'_>,
    id: i64,
    headers: &crate::consent::signature::SignedHeaders,
    signed_at: i64,
) -> Result<()> {
    tx.execute(
        "UPDATE ledger SET signature_input = ?2, signature = ?3, signed_at = ?4 WHERE id = ?1",
        params![id, headers.signature_input, headers.signature, signed_at],
    )?;
    Ok(())
}

/// Records how an attempt to send entry `id` went (each attempt counts).
pub fn record_outcome(
    store: &mut Store,
    id: i64,
    outcome: Outcome,
    detail: Option<&str>,
    now: i64,
) -> Result<()> {
    let detail = detail.map(|d| d.chars().take(300).collect::<String>());
    let changed = store.conn().execute(
        "UPDATE ledger SET outcome = ?2, outcome_detail = ?3, outcome_at = ?4,
                           attempts = attempts + 1
         WHERE id = ?1",
        params![id, outcome.as_str(), detail, now],
    )?;
    if changed == 0 {
        return Err(Error::NotFound {
            what: "ledger entry",
            id: id.to_string(),
        });
    }
    Ok(())
}

/// Which entries to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter<'a> {
    pub partner_id: Option<&'a str>,
    pub category: Option<&'a str>,
    /// Unix seconds, inclusive start and exclusive end.
    pub from: Option<i64>,
    pub until: Option<i64>,
}

/// Entries matching `filter`, newest first.
pub fn list(store: &Store, filter: &Filter<'_>) -> Result<Vec<Entry>> {
    let mut stmt = store.conn().prepare(
        "SELECT id, partner_id, partner_name, kind, purpose, categories, summary, url, body, sha256,
                signature_input, signature, receipt_ids, created_at, outcome, outcome_at,
                outcome_detail, attempts, signed_at
         FROM ledger
         WHERE (?1 IS NULL OR partner_id = ?1)
           AND (?2 IS NULL OR ',' || categories || ',' LIKE '%,' || ?2 || ',%')
           AND (?3 IS NULL OR created_at >= ?3)
           AND (?4 IS NULL OR created_at < ?4)
         ORDER BY created_at DESC, id DESC",
    )?;
    let rows = stmt.query_map(
        params![
            filter.partner_id,
            filter.category,
            filter.from,
            filter.until
        ],
        row_to_raw,
    )?;
    rows.map(|row| to_entry(row?)).collect()
}

/// One entry.
pub fn get(store: &Store, id: i64) -> Result<Option<Entry>> {
    get_in(store.conn(), id)
}

pub(crate) fn get_in(conn: &rusqlite::Connection, id: i64) -> Result<Option<Entry>> {
    conn.query_row(
        "SELECT id, partner_id, partner_name, kind, purpose, categories, summary, url, body,
                    sha256, signature_input, signature, receipt_ids, created_at, outcome,
                    outcome_at, outcome_detail, attempts, signed_at
             FROM ledger WHERE id = ?1",
        params![id],
        row_to_raw,
    )
    .optional()?
    .map(to_entry)
    .transpose()
}

type Raw = (Entry, String);

fn row_to_raw(row: &rusqlite::Row<'_>) -> rusqlite::Result<Raw> {
    let split = |s: String| -> Vec<String> {
        if s.is_empty() {
            Vec::new()
        } else {
            s.split(',').map(str::to_owned).collect()
        }
    };
    let sha: Vec<u8> = row.get(9)?;
    let mut sha256 = [0u8; 32];
    if sha.len() == 32 {
        sha256.copy_from_slice(&sha);
    }
    Ok((
        Entry {
            id: row.get(0)?,
            partner_id: row.get(1)?,
            partner_name: row.get(2)?,
            kind: row.get(3)?,
            purpose: row.get(4)?,
            categories: split(row.get(5)?),
            summary: row.get(6)?,
            url: row.get(7)?,
            body: row.get(8)?,
            sha256,
            signature_input: row.get(10)?,
            signature: row.get(11)?,
            receipt_ids: split(row.get(12)?),
            created_at: row.get(13)?,
            signed_at: row.get::<_, Option<i64>>(18)?.unwrap_or(row.get(13)?),
            outcome: Outcome::Sending,
            outcome_at: row.get(15)?,
            outcome_detail: row.get(16)?,
            attempts: row.get(17)?,
        },
        row.get(14)?,
    ))
}

fn to_entry((mut entry, outcome): Raw) -> Result<Entry> {
    entry.outcome = Outcome::parse(&outcome)?;
    Ok(entry)
}
