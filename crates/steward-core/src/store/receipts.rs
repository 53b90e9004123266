//! The `consent_receipts` table: every grant, change and withdrawal, written once and kept
//! (also after the partner is removed: they are the owner's record of what was agreed).

use rusqlite::{params, Transaction};

use super::Store;
use crate::consent::receipt::ConsentEvent;
use crate::consent::{Category, Purpose};
use crate::text::invalid;
use crate::Result;

/// A stored receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredReceipt {
    pub id: String,
    pub partner_id: String,
    pub partner_name: String,
    pub event: String,
    pub category: String,
    pub purpose: String,
    pub created_at: i64,
    /// The receipt's JSON, as sent to the partner.
    pub receipt: String,
}

/// A new receipt id: a random (version 4) UUID, as the Kantara receipt's id is.
pub fn new_id() -> Result<String> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b)
        .map_err(|error| invalid("receipt", format!("no randomness available: {error}")))?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|byte| format!("{byte:02x}")).collect();
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    ))
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn insert(
    tx: &Transaction<'_>,
    id: &str,
    partner_id: &str,
    partner_name: &str,
    event: ConsentEvent,
    category: Category,
    purpose: Purpose,
    at: i64,
    json: &str,
) -> Result<()> {
    tx.execute(
        "INSERT INTO consent_receipts
             (id, partner_id, partner_name, event, category, purpose, created_at, receipt)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            id,
            partner_id,
            partner_name,
            event.as_str(),
            category.as_str(),
            purpose.as_str(),
            at,
            json
        ],
    )?;
    Ok(())
}

/// Every receipt, newest first; only `partner_id`'s when given.
pub fn list(store: &Store, partner_id: Option<&str>) -> Result<Vec<StoredReceipt>> {
    let mut stmt = store.conn().prepare(
        "SELECT id, partner_id, partner_name, event, category, purpose, created_at, receipt
         FROM consent_receipts WHERE ?1 IS NULL OR partner_id = ?1
         ORDER BY created_at DESC, rowid DESC",
    )?;
    let rows = stmt.query_map(params![partner_id], |row| {
        Ok(StoredReceipt {
            id: row.get(0)?,
            partner_id: row.get(1)?,
            partner_name: row.get(2)?,
            event: row.get(3)?,
            category: row.get(4)?,
            purpose: row.get(5)?,
            created_at: row.get(6)?,
            receipt: row.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The JSON of the receipts `ids`, in that order, for a disclosure to carry.
pub(crate) fn json_of(tx: &Transaction<'_>, ids: &[String]) -> Result<Vec<String>> {
    let mut stmt = tx.prepare("SELECT receipt FROM consent_receipts WHERE id = ?1")?;
    ids.iter()
        .map(|id| Ok(stmt.query_row(params![id], |row| row.get(0))?))
        .collect()
}
