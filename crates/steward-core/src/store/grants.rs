//! The `grants` table: the owner's live yeses. Giving, changing and withdrawing each write a
//! consent receipt in the same transaction, so there is never a grant without its record or a
//! withdrawal without one. Withdrawal deletes the row: the next request finds no grant.

use rusqlite::{params, Transaction};

use super::{partners, receipts, Store};
use crate::consent::receipt::{self, ConsentEvent, ReceiptFacts};
use crate::consent::{Category, Grant, GrantScope, PartnerId, Purpose};
use crate::text::invalid;
use crate::{Error, Result};

/// What the owner decided, and how it was asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub partner: PartnerId,
    pub category: Category,
    pub purpose: Purpose,
    pub scope: GrantScope,
    /// "in-app prompt", "privacy center".
    pub collection_method: &'static str,
}

/// Grants (or renews, or re-scopes) and writes its receipt. Only what the partner's card
/// declares can be granted.
pub fn give(store: &mut Store, decision: &Decision, lifetime_secs: i64, now: i64) -> Result<Grant> {
    if lifetime_secs <= 0 {
        return Err(invalid("grant", "must last some time"));
    }
    let tx = store.conn_mut().transaction()?;
    let partner = partners::get_in(&tx, &decision.partner)?.ok_or_else(|| Error::NotFound {
        what: "partner",
        id: decision.partner.to_string(),
    })?;
    if !partner.card.declares(decision.category, decision.purpose) {
        return Err(invalid(
            "grant",
            format!(
                "{} did not ask for {} for {}",
                partner.card.name,
                decision.category.label().to_lowercase(),
                decision.purpose.label().to_lowercase()
            ),
        ));
    }
    let existed = find(&tx, decision)?.is_some();
    let receipt_id = receipts::new_id()?;
    let expires_at = now.saturating_add(lifetime_secs);
    let event = if existed {
        ConsentEvent::Modified
    } else {
        ConsentEvent::Given
    };
    let json = receipt::to_json(&ReceiptFacts {
        receipt_id: &receipt_id,
        partner: &partner.card,
        principal_id: &partner.household_id,
        category: decision.category,
        purpose: decision.purpose,
        subject: subject(&decision.scope),
        event,
        at: now,
        expires_at: Some(expires_at),
        collection_method: decision.collection_method,
    });
    receipts::insert(
        &tx,
        &receipt_id,
        decision.partner.as_str(),
        &partner.card.name,
        event,
        decision.category,
        decision.purpose,
        now,
        &json,
    )?;
    tx.execute(
        "INSERT INTO grants (partner_id, category, purpose, scope, granted_at, expires_at, receipt_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (partner_id, category, purpose, scope) DO UPDATE SET
             granted_at = excluded.granted_at, expires_at = excluded.expires_at,
             receipt_id = excluded.receipt_id",
        params![
            decision.partner.as_str(),
            decision.category.as_str(),
            decision.purpose.as_str(),
            decision.scope.as_stored(),
            now,
            expires_at,
            receipt_id
        ],
    )?;
    tx.commit()?;
    Ok(Grant {
        partner: decision.partner.clone(),
        category: decision.category,
        purpose: decision.purpose,
        scope: decision.scope.clone(),
        granted_at: now,
        expires_at,
        receipt_id,
    })
}

/// Renews every live grant of one cell (partner × category × purpose), each for its own scope,
/// for `lifetime_secs` from now, each with a new receipt; how many were renewed.
pub fn renew(
    store: &mut Store,
    partner: &PartnerId,
    category: Category,
    purpose: Purpose,
    lifetime_secs: i64,
    now: i64,
) -> Result<usize> {
    let live: Vec<Grant> = list(store, partner)?
        .into_iter()
        .filter(|g| g.category == category && g.purpose == purpose && g.is_live(now))
        .collect();
    for grant in &live {
        give(
            store,
            &Decision {
                partner: partner.clone(),
                category,
                purpose,
                scope: grant.scope.clone(),
                collection_method: "renewal prompt",
            },
            lifetime_secs,
            now,
        )?;
    }
    Ok(live.len())
}

/// Withdraws a grant and writes its receipt; `false` when there was nothing to withdraw.
pub fn withdraw(store: &mut Store, decision: &Decision, now: i64) -> Result<bool> {
    let tx = store.conn_mut().transaction()?;
    let withdrawn = withdraw_in(&tx, decision, now)?;
    tx.commit()?;
    Ok(withdrawn)
}

pub(crate) fn withdraw_in(tx: &Transaction<'_>, decision: &Decision, now: i64) -> Result<bool> {
    if find(tx, decision)?.is_none() {
        return Ok(false);
    }
    let partner = partners::get_in(tx, &decision.partner)?.ok_or_else(|| Error::NotFound {
        what: "partner",
        id: decision.partner.to_string(),
    })?;
    let receipt_id = receipts::new_id()?;
    let json = receipt::to_json(&ReceiptFacts {
        receipt_id: &receipt_id,
        partner: &partner.card,
        principal_id: &partner.household_id,
        category: decision.category,
        purpose: decision.purpose,
        subject: subject(&decision.scope),
        event: ConsentEvent::Withdrawn,
        at: now,
        expires_at: None,
        collection_method: decision.collection_method,
    });
    receipts::insert(
        tx,
        &receipt_id,
        decision.partner.as_str(),
        &partner.card.name,
        ConsentEvent::Withdrawn,
        decision.category,
        decision.purpose,
        now,
        &json,
    )?;
    tx.execute(
        "DELETE FROM grants WHERE partner_id = ?1 AND category = ?2 AND purpose = ?3 AND scope = ?4",
        params![
            decision.partner.as_str(),
            decision.category.as_str(),
            decision.purpose.as_str(),
            decision.scope.as_stored()
        ],
    )?;
    Ok(true)
}

/// Every grant the owner gave `partner` (live or lapsed).
pub fn list(store: &Store, partner: &PartnerId) -> Result<Vec<Grant>> {
    of_partner(store.conn(), partner)
}

pub(crate) fn of_partner(conn: &rusqlite::Connection, partner: &PartnerId) -> Result<Vec<Grant>> {
    let mut stmt = conn.prepare(
        "SELECT category, purpose, scope, granted_at, expires_at, receipt_id
         FROM grants WHERE partner_id = ?1 ORDER BY category, purpose, scope",
    )?;
    let rows = stmt.query_map(params![partner.as_str()], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
            row.get::<_, i64>(3)?,
            row.get::<_, i64>(4)?,
            row.get::<_, String>(5)?,
        ))
    })?;
    let mut grants = Vec::new();
    for row in rows {
        let (category, purpose, scope, granted_at, expires_at, receipt_id) = row?;
        grants.push(Grant {
            partner: partner.clone(),
            category: Category::parse(&category)?,
            purpose: Purpose::parse(&purpose)?,
            scope: GrantScope::from_stored(&scope),
            granted_at,
            expires_at,
            receipt_id,
        });
    }
    Ok(grants)
}

/// Whether `receipt_id` is the receipt of a grant that is live at `now` (withdrawing deletes the
/// grant; renewing replaces its receipt).
pub(crate) fn receipt_is_live(
    conn: &rusqlite::Connection,
    receipt_id: &str,
    now: i64,
) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM grants
                        WHERE receipt_id = ?1 AND granted_at <= ?2 AND ?2 < expires_at)",
        params![receipt_id, now],
        |row| row.get(0),
    )?)
}

fn find(tx: &Transaction<'_>, decision: &Decision) -> Result<Option<String>> {
    use rusqlite::OptionalExtension;
    Ok(tx
        .query_row(
            "SELECT receipt_id FROM grants
             WHERE partner_id = ?1 AND category = ?2 AND purpose = ?3 AND scope = ?4",
            params![
                decision.partner.as_str(),
                decision.category.as_str(),
                decision.purpose.as_str(),
                decision.scope.as_stored()
            ],
            |row| row.get(0),
        )
        .optional()?)
}

fn subject(scope: &GrantScope) -> Option<&str> {
    match scope {
        GrantScope::All => None,
        GrantScope::Subject(subject) => Some(subject),
    }
}
