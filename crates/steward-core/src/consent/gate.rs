//! The gate: the one place that turns household data into a request to a partner.
//!
//! [`prepare`] takes a [`Payload`] whose fields are tagged with their category and, in one
//! transaction: loads the partner and its live grants, keeps only the fields the partner declared
//! and the owner granted for that purpose (and subject), refuses the request when a required
//! field is not granted, builds the exact bytes with the receipts that allow them, signs them with
//! the household's key at that partner, and writes the ledger entry. Only then does it return a
//! [`Disclosure`]: the only value the partner client can send. Nothing outside this module can
//! make one (its fields are private and it has no public constructor):
//!
//! ```compile_fail
//! let forged = steward_core::consent::gate::Disclosure {
//!     ledger_id: 1, partner: todo!(), url: String::new(), body: Vec::new(), headers: todo!(),
//! };
//! ```
//!
//! It must never send anything itself, and never let a field through without a grant.

use std::collections::{BTreeMap, BTreeSet};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

use super::grant::allowed;
use super::payload::{Payload, RequestKind};
use super::signature::{self, SignedHeaders};
use super::PartnerId;
use crate::store::grants::{self, Decision};
use crate::store::ledger::{self, NewEntry};
use crate::store::{partners, receipts, Store};
use crate::text::invalid;
use crate::{Error, Result};

/// The largest request body the gate builds (docs/protocol/partner-api.md, section 6).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// A request the gate checked and recorded, ready to send. Only the gate makes one.
#[derive(Debug)]
pub struct Disclosure {
    ledger_id: i64,
    partner: PartnerId,
    url: String,
    body: Vec<u8>,
    headers: SignedHeaders,
}

impl Disclosure {
    /// The ledger entry to record the outcome on.
    pub fn ledger_id(&self) -> i64 {
        self.ledger_id
    }
    pub fn partner(&self) -> &PartnerId {
        &self.partner
    }
    /// Where to POST it.
    pub fn url(&self) -> &str {
        &self.url
    }
    /// The exact bytes, as the ledger holds them.
    pub fn body(&self) -> &[u8] {
        &self.body
    }
    pub fn headers(&self) -> &SignedHeaders {
        &self.headers
    }
}

/// Checks `payload` against the owner's grants for `partner`, records it, and returns it ready
/// to send; or refuses it with [`Error::NotShared`] having written and sent nothing.
pub fn prepare(
    store: &mut Store,
    partner_id: &PartnerId,
    payload: &Payload,
    now: i64,
) -> Result<Disclosure> {
    let tx = store.conn_mut().transaction()?;
    let disclosure = prepare_in(&tx, partner_id, payload, now)?;
    tx.commit()?;
    Ok(disclosure)
}

fn prepare_in(
    tx: &rusqlite::Transaction<'_>,
    partner_id: &PartnerId,
    payload: &Payload,
    now: i64,
) -> Result<Disclosure> {
    let partner = partners::get_in(tx, partner_id)?.ok_or_else(|| Error::NotFound {
        what: "partner",
        id: partner_id.to_string(),
    })?;
    let name = partner.card.name.clone();
    let refuse = |reason: String| Error::NotShared {
        partner: name.clone(),
        reason,
    };
    let live = grants::of_partner(tx, partner_id)?;

    let mut data = BTreeMap::new();
    let mut categories = BTreeSet::new();
    let mut receipt_ids = BTreeSet::new();
    let mut summary = Vec::new();
    for field in &payload.fields {
        if data.contains_key(&field.name) {
            return Err(invalid("request", format!("names {:?} twice", field.name)));
        }
        let Some(category) = field.category else {
            data.insert(field.name.clone(), field.value.clone());
            continue;
        };
        let Some(purpose) = payload.purpose else {
            return Err(refuse(format!(
                "a {} request carries no household data",
                payload.kind.as_str()
            )));
        };
        let declared = partner.card.declares(category, purpose);
        let grant = allowed(
            &live,
            partner_id,
            category,
            purpose,
            field.subject.as_deref(),
            now,
        );
        match (declared, grant) {
            (true, Some(grant)) => {
                data.insert(field.name.clone(), field.value.clone());
                categories.insert(category.as_str());
                receipt_ids.insert(grant.receipt_id.clone());
                summary.push(field.summary.clone());
            }
            _ if !field.required => {}
            (false, _) => {
                return Err(refuse(format!(
                    "{} never said it would ask for {} for {}",
                    partner.card.name,
                    category.label().to_lowercase(),
                    purpose.label().to_lowercase()
                )))
            }
            (true, None) => {
                return Err(refuse(format!(
                    "you have not allowed {} to receive {} for {}",
                    partner.card.name,
                    category.label().to_lowercase(),
                    purpose.label().to_lowercase()
                )))
            }
        }
    }
    let carried_data = payload.fields.iter().any(|f| f.category.is_some());
    if carried_data && categories.is_empty() {
        return Err(refuse("nothing in it is allowed".to_owned()));
    }

    let receipt_ids: Vec<String> = receipt_ids.into_iter().collect();
    let receipts: Vec<serde_json::Value> = receipts::json_of(tx, &receipt_ids)?
        .iter()
        .map(|json| serde_json::from_str(json).unwrap_or(serde_json::Value::Null))
        .collect();
    let key = partners::household_key(tx, partner_id)?;
    let nonce = nonce()?;
    let body = serde_json::json!({
        "kind": payload.kind.as_str(),
        "purpose": payload.purpose.map(|p| p.as_str()),
        "sentAt": now,
        "household": partner.household_id,
        "receipts": receipts,
        "data": data,
    })
    .to_string()
    .into_bytes();
    if body.len() > MAX_BODY_BYTES {
        return Err(invalid(
            "request",
            format!("is larger than {MAX_BODY_BYTES} bytes; nothing was sent"),
        ));
    }
    let url = format!("{}{}", partner.card.base_url, payload.kind.path());
    let headers = signature::sign(&key, &url, &body, now, &nonce);
    let ledger_id = ledger::insert(
        tx,
        &NewEntry {
            partner_id: partner_id.as_str(),
            partner_name: &partner.card.name,
            kind: payload.kind.as_str(),
            purpose: payload.purpose.map_or("erasure", |p| p.as_str()),
            categories: categories.into_iter().collect(),
            summary: if summary.is_empty() {
                describe(payload.kind, &partner.card.name)
            } else {
                summary.join("\n")
            },
            url: &url,
            body: &body,
            sha256: Sha256::digest(&body).into(),
            signature_input: &headers.signature_input,
            signature: &headers.signature,
            receipt_ids: receipt_ids.clone(),
            created_at: now,
        },
    )?;
    Ok(Disclosure {
        ledger_id,
        partner: partner_id.clone(),
        url,
        body,
        headers,
    })
}

/// How long a signature stays fresh at the partner (docs/protocol/partner-api.md, 3.2: 300 s),
/// less a margin for the trip: a retry within it resends the very same request.
const FRESH_SECS: i64 = 240;

/// The request of ledger entry `ledger_id` again, after it failed: the same bytes, under the same
/// grants. Refused when any grant it relied on was withdrawn or has lapsed since (its receipt is
/// no longer a live grant's), or when the partner already answered it. Within the partner's
/// freshness window the very same signed request is sent again (the partner answers a repeated
/// nonce with its first answer); later the same body is signed afresh (new time and nonce) with
/// the household's key, and the ledger entry keeps the newest signature.
pub fn retry(store: &mut Store, ledger_id: i64, now: i64) -> Result<Disclosure> {
    let tx = store.conn_mut().transaction()?;
    let entry = ledger::get_in(&tx, ledger_id)?.ok_or_else(|| Error::NotFound {
        what: "ledger entry",
        id: ledger_id.to_string(),
    })?;
    match entry.outcome {
        ledger::Outcome::Delivered => {
            return Err(invalid("retry", "it was delivered already"));
        }
        ledger::Outcome::Refused => {
            return Err(invalid(
                "retry",
                "the partner refused it; it is not sent again",
            ));
        }
        ledger::Outcome::Sending | ledger::Outcome::Failed => {}
    }
    for receipt in &entry.receipt_ids {
        if !grants::receipt_is_live(&tx, receipt, now)? {
            return Err(Error::NotShared {
                partner: entry.partner_name.clone(),
                reason: "you withdrew the permission it was sent under, or it lapsed".to_owned(),
            });
        }
    }
    let partner = PartnerId::parse(&entry.partner_id)?;
    let fresh = now - entry.signed_at < FRESH_SECS;
    let headers = if fresh {
        SignedHeaders {
            content_digest: signature::content_digest(&entry.body),
            signature_input: entry.signature_input.clone(),
            signature: entry.signature.clone(),
        }
    } else {
        let key = partners::household_key(&tx, &partner).map_err(|_| Error::NotShared {
            partner: entry.partner_name.clone(),
            reason: "the partner was removed, so its request can no longer be signed".to_owned(),
        })?;
        let headers = signature::sign(&key, &entry.url, &entry.body, now, &nonce()?);
        ledger::update_signature(&tx, ledger_id, &headers, now)?;
        headers
    };
    tx.commit()?;
    Ok(Disclosure {
        ledger_id,
        partner,
        url: entry.url,
        headers,
        body: entry.body,
    })
}

/// Removes a partner: withdraws every grant (each with its receipt), prepares the erasure
/// request (signed with the household's key there, recorded in the ledger), and deletes the
/// partner with its key, all in one transaction. The caller sends the returned request.
pub fn remove_partner(store: &mut Store, partner_id: &PartnerId, now: i64) -> Result<Disclosure> {
    let tx = store.conn_mut().transaction()?;
    let erasure = prepare_in(
        &tx,
        partner_id,
        &Payload {
            kind: RequestKind::Erasure,
            purpose: None,
            fields: vec![super::Field::plain(
                "request",
                serde_json::json!("erase everything you hold about this household"),
            )],
        },
        now,
    )?;
    for grant in grants::of_partner(&tx, partner_id)? {
        grants::withdraw_in(
            &tx,
            &Decision {
                partner: partner_id.clone(),
                category: grant.category,
                purpose: grant.purpose,
                scope: grant.scope.clone(),
                collection_method: "partner removed",
            },
            now,
        )?;
    }
    partners::delete(&tx, partner_id)?;
    tx.commit()?;
    Ok(erasure)
}

fn describe(kind: RequestKind, partner: &str) -> String {
    match kind {
        RequestKind::Erasure => format!("Asked {partner} to erase what it holds about you"),
        _ => format!("A {} request with no household data", kind.as_str()),
    }
}

fn nonce() -> Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|error| invalid("request", format!("no randomness available: {error}")))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}
