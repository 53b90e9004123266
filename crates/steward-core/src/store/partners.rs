//! The `partners` table: each partner's validated card, its pinned key, and the household's own
//! Ed25519 key at that partner (made when the partner is added; its public half is the
//! household's pseudonymous id there, so two partners cannot link the household).
//!
//! It must never hand the household's key to anything but the gate.

use ed25519_dalek::SigningKey;
use rusqlite::{params, OptionalExtension, Transaction};
use zeroize::Zeroizing;

use super::Store;
use crate::consent::{PartnerCard, PartnerId};
use crate::text::invalid;
use crate::{Error, Result};

/// A partner as stored.
#[derive(Debug, Clone)]
pub struct Partner {
    pub card: PartnerCard,
    pub added_at: i64,
    /// The household's key at this partner, base64url: its id there.
    pub household_id: String,
}

/// Adds a partner from a verified card, with a fresh household key for it.
pub fn add(store: &mut Store, card: &PartnerCard, now: i64) -> Result<Partner> {
    let mut seed = Zeroizing::new([0u8; 32]);
    getrandom::fill(seed.as_mut())
        .map_err(|error| invalid("household key", format!("no randomness available: {error}")))?;
    let tx = store.conn_mut().transaction()?;
    let exists: Option<String> = tx
        .query_row(
            "SELECT name FROM partners WHERE id = ?1",
            params![card.id.as_str()],
            |row| row.get(0),
        )
        .optional()?;
    if let Some(name) = exists {
        return Err(invalid(
            "partner",
            format!("{name} is already added; a new card replaces its card instead"),
        ));
    }
    tx.execute(
        "INSERT INTO partners (id, name, card, partner_key, household_secret, added_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            card.id.as_str(),
            card.name,
            card.to_json(),
            card.public_key.as_slice(),
            seed.as_slice(),
            now
        ],
    )?;
    tx.commit()?;
    get(store, &card.id)?.ok_or_else(|| Error::NotFound {
        what: "partner",
        id: card.id.to_string(),
    })
}

/// Replaces a partner's card with a newer one verified against the pinned key
/// (`PartnerCard::verify_update`); the new key is pinned from now on. Grants for asks the new
/// card no longer declares are withdrawn, each with its receipt, in the same transaction.
/// Returns how many were withdrawn.
pub fn replace(store: &mut Store, card: &PartnerCard, now: i64) -> Result<usize> {
    let tx = store.conn_mut().transaction()?;
    replace_card(&tx, card)?;
    let mut withdrawn = 0;
    for grant in super::grants::of_partner(&tx, &card.id)? {
        if !card.declares(grant.category, grant.purpose) {
            super::grants::withdraw_in(
                &tx,
                &super::grants::Decision {
                    partner: card.id.clone(),
                    category: grant.category,
                    purpose: grant.purpose,
                    scope: grant.scope.clone(),
                    collection_method: "partner card changed",
                },
                now,
            )?;
            withdrawn += 1;
        }
    }
    tx.commit()?;
    Ok(withdrawn)
}

fn replace_card(tx: &Transaction<'_>, card: &PartnerCard) -> Result<()> {
    let changed = tx.execute(
        "UPDATE partners SET name = ?2, card = ?3, partner_key = ?4 WHERE id = ?1",
        params![
            card.id.as_str(),
            card.name,
            card.to_json(),
            card.public_key.as_slice()
        ],
    )?;
    if changed == 0 {
        return Err(Error::NotFound {
            what: "partner",
            id: card.id.to_string(),
        });
    }
    Ok(())
}

/// One partner.
pub fn get(store: &Store, id: &PartnerId) -> Result<Option<Partner>> {
    get_in(store.conn(), id)
}

pub(crate) fn get_in(conn: &rusqlite::Connection, id: &PartnerId) -> Result<Option<Partner>> {
    conn.query_row(
        "SELECT card, added_at, household_secret FROM partners WHERE id = ?1",
        params![id.as_str()],
        |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, i64>(1)?,
                Zeroizing::new(row.get::<_, Vec<u8>>(2)?),
            ))
        },
    )
    .optional()?
    .map(|(card, added_at, secret)| to_partner(&card, added_at, &secret))
    .transpose()
}

/// Every partner, by name.
pub fn list(store: &Store) -> Result<Vec<Partner>> {
    let mut stmt = store.conn().prepare(
        "SELECT card, added_at, household_secret FROM partners ORDER BY name COLLATE NOCASE, id",
    )?;
    let rows = stmt.query_map([], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, i64>(1)?,
            Zeroizing::new(row.get::<_, Vec<u8>>(2)?),
        ))
    })?;
    let mut partners = Vec::new();
    for row in rows {
        let (card, added_at, secret) = row?;
        partners.push(to_partner(&card, added_at, &secret)?);
    }
    Ok(partners)
}

/// The household's signing key at `id`: for the gate only.
pub(crate) fn household_key(tx: &Transaction<'_>, id: &PartnerId) -> Result<SigningKey> {
    let secret: Zeroizing<Vec<u8>> = Zeroizing::new(
        tx.query_row(
            "SELECT household_secret FROM partners WHERE id = ?1",
            params![id.as_str()],
            |row| row.get(0),
        )
        .optional()?
        .ok_or_else(|| Error::NotFound {
            what: "partner",
            id: id.to_string(),
        })?,
    );
    signing_key(&secret)
}

/// Deletes the partner and (by cascade) its grants; receipts and ledger entries stay.
pub(crate) fn delete(tx: &Transaction<'_>, id: &PartnerId) -> Result<()> {
    tx.execute("DELETE FROM partners WHERE id = ?1", params![id.as_str()])?;
    Ok(())
}

fn signing_key(secret: &[u8]) -> Result<SigningKey> {
    let seed: [u8; 32] = secret
        .try_into()
        .map_err(|_| invalid("household key", "is damaged"))?;
    Ok(SigningKey::from_bytes(&seed))
}

fn to_partner(card: &str, added_at: i64, secret: &[u8]) -> Result<Partner> {
    let key = signing_key(secret)?;
    Ok(Partner {
        card: PartnerCard::from_json(card.as_bytes())?,
        added_at,
        household_id: crate::consent::signature::key_id(&key.verifying_key()),
    })
}
