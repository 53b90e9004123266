//! The privacy center's commands: partners, grants, the ledger and receipts, and the flows that
//! send household data (the reorder), each through the core's gate and the partner client.
//!
//! It must never build request bytes (the gate does) or hold the store's lock while waiting for
//! a partner: prepare under the lock, send without it, record the outcome under it again.

use steward_core::consent::flows::{self, ForecastFacts};
use steward_core::consent::grant::DEFAULT_LIFETIME_SECS;
use steward_core::consent::{gate, Category, GrantScope, PartnerCard, PartnerId, Purpose};
use steward_core::store::grants::{self, Decision};
use steward_core::store::{consumables, ledger, partners, receipts};
use steward_partners::{PartnerClient, Timeouts};

use crate::privacy_wire::*;
use crate::steward::unix_now;
use crate::{ApiError, ErrorCode, Steward};

impl Steward {
    /// The privacy center: every partner with its matrix of categories × purposes.
    pub fn privacy(&self) -> Result<PrivacyView, ApiError> {
        let now = unix_now();
        self.with_reader(|store| {
            let mut views = Vec::new();
            for partner in partners::list(store)? {
                let given = grants::list(store, &partner.card.id)?;
                let cells = partner
                    .card
                    .asks
                    .iter()
                    .map(|ask| {
                        let live: Vec<_> = given
                            .iter()
                            .filter(|g| {
                                g.category == ask.category
                                    && g.purpose == ask.purpose
                                    && g.is_live(now)
                            })
                            .collect();
                        let whole = live.iter().find(|g| g.scope == GrantScope::All);
                        let soonest = live.iter().map(|g| g.expires_at).min();
                        GrantCellView {
                            category: ask.category.as_str().to_owned(),
                            purpose: ask.purpose.as_str().to_owned(),
                            allowed: !live.is_empty(),
                            narrowed: whole.is_none() && !live.is_empty(),
                            expires_at: soonest.map(seconds),
                            renew_due: live.iter().any(|g| g.needs_renewal(now)),
                        }
                    })
                    .collect();
                views.push(PartnerView {
                    id: partner.card.id.to_string(),
                    name: partner.card.name.clone(),
                    brands: partner.card.brands.clone(),
                    policy_url: partner.card.policy_url.clone(),
                    policy_version: partner.card.policy_version.clone(),
                    household_id: partner.household_id.clone(),
                    cells,
                });
            }
            Ok(PrivacyView {
                partners: views,
                categories: Category::ALL
                    .iter()
                    .map(|c| label(c.as_str(), c.label()))
                    .collect(),
                purposes: Purpose::ALL
                    .iter()
                    .map(|p| label(p.as_str(), p.label()))
                    .collect(),
            })
        })
    }

    /// Adds the partner whose card is at `{base_url}/card`, pinning its key.
    pub async fn add_partner(&self, base_url: &str) -> Result<PrivacyView, ApiError> {
        let token = self
            .partner_client()?
            .fetch_card(base_url)
            .await
            .map_err(|error| invalid(format!("Steward could not add that partner: {error}.")))?;
        let card = PartnerCard::verify_new(&token)?;
        let now = unix_now();
        self.with_store(|store| match partners::get(store, &card.id)? {
            // Already added: a newer card is taken only when signed by the pinned key.
            Some(known) if known.card != card => {
                let newer = PartnerCard::verify_update(&known.card, &token)?;
                partners::replace(store, &newer, now).map(|_| ())
            }
            Some(_) => Ok(()),
            None => partners::add(store, &card, now).map(|_| ()),
        })?;
        self.privacy()
    }

    /// Adds each partner not yet added (demo mode: the reference server's partners). Failures
    /// are logged; the rest are still added.
    pub async fn add_partners(&self, base_urls: &[String]) {
        for url in base_urls {
            match self.add_partner(url).await {
                Ok(_) => tracing::info!(url, "demo partner added or up to date"),
                Err(error) => tracing::warn!(url, %error, "could not add a demo partner"),
            }
        }
    }

    /// Allows or withdraws one cell of a partner's matrix (withdrawing also ends grants narrowed
    /// to one item). Takes effect on the very next request.
    pub fn set_grant(
        &self,
        partner_id: &str,
        category: &str,
        purpose: &str,
        allowed: bool,
    ) -> Result<PrivacyView, ApiError> {
        let partner = PartnerId::parse(partner_id)?;
        let category = Category::parse(category)?;
        let purpose = Purpose::parse(purpose)?;
        let now = unix_now();
        self.with_store(|store| {
            if allowed {
                let decision = Decision {
                    partner: partner.clone(),
                    category,
                    purpose,
                    scope: GrantScope::All,
                    collection_method: "privacy center",
                };
                grants::give(store, &decision, DEFAULT_LIFETIME_SECS, now).map(|_| ())
            } else {
                for grant in grants::list(store, &partner)? {
                    if grant.category == category && grant.purpose == purpose {
                        grants::withdraw(
                            store,
                            &Decision {
                                partner: partner.clone(),
                                category,
                                purpose,
                                scope: grant.scope,
                                collection_method: "privacy center",
                            },
                            now,
                        )?;
                    }
                }
                Ok(())
            }
        })?;
        self.privacy()
    }

    /// Renews one cell's permission for another term (each grant keeps its scope), when the
    /// owner is asked again before it lapses.
    pub fn renew_grant(
        &self,
        partner_id: &str,
        category: &str,
        purpose: &str,
    ) -> Result<PrivacyView, ApiError> {
        let partner = PartnerId::parse(partner_id)?;
        let category = Category::parse(category)?;
        let purpose = Purpose::parse(purpose)?;
        let now = unix_now();
        let renewed = self.with_store(|store| {
            grants::renew(
                store,
                &partner,
                category,
                purpose,
                DEFAULT_LIFETIME_SECS,
                now,
            )
        })?;
        if renewed == 0 {
            return Err(invalid(
                "Renew: that permission has already ended; allow it again in the switch.".into(),
            ));
        }
        self.privacy()
    }

    /// Removes a partner: withdraws everything, sends it an erasure request through the gate
    /// (recorded in the ledger), and forgets the household's key there.
    pub async fn remove_partner(&self, partner_id: &str) -> Result<PrivacyView, ApiError> {
        let partner = PartnerId::parse(partner_id)?;
        let erasure = self.with_store(|store| gate::remove_partner(store, &partner, unix_now()))?;
        self.deliver(&erasure).await?;
        self.privacy()
    }

    /// Tries a failed request again: the same bytes, only while the grants it was sent under
    /// are still live.
    pub async fn retry_sharing(&self, ledger_id: u32) -> Result<SentView, ApiError> {
        let disclosure =
            self.with_store(|store| gate::retry(store, i64::from(ledger_id), unix_now()))?;
        self.deliver(&disclosure).await
    }

    /// The ledger, newest first.
    pub fn ledger(&self, filter: LedgerFilterInput) -> Result<Vec<LedgerEntryView>, ApiError> {
        let filter_core = ledger::Filter {
            partner_id: filter.partner_id.as_deref(),
            category: filter.category.as_deref(),
            from: filter.from.map(i64::from),
            until: filter.until.map(i64::from),
        };
        self.with_reader(|store| {
            Ok(ledger::list(store, &filter_core)?
                .into_iter()
                .map(|e| LedgerEntryView {
                    id: wire(e.id),
                    partner_id: e.partner_id,
                    partner_name: e.partner_name,
                    kind: e.kind,
                    purpose: e.purpose,
                    categories: e.categories,
                    summary: e.summary,
                    at: seconds(e.created_at),
                    outcome: e.outcome.as_str().to_owned(),
                    outcome_detail: e.outcome_detail,
                    attempts: e.attempts,
                    sha256: hex(&e.sha256),
                    receipt_ids: e.receipt_ids,
                })
                .collect())
        })
    }

    /// The exact bytes of one ledger entry.
    pub fn ledger_payload(&self, id: u32) -> Result<LedgerPayloadView, ApiError> {
        self.with_reader(|store| {
            let entry =
                ledger::get(store, i64::from(id))?.ok_or(steward_core::Error::NotFound {
                    what: "ledger entry",
                    id: id.to_string(),
                })?;
            Ok(LedgerPayloadView {
                id,
                url: entry.url,
                body: String::from_utf8_lossy(&entry.body).into_owned(),
                sha256: hex(&entry.sha256),
            })
        })
    }

    /// Consent receipts, newest first; one partner's when named.
    pub fn receipts(&self, partner_id: Option<String>) -> Result<Vec<ReceiptView>, ApiError> {
        self.with_reader(|store| {
            Ok(receipts::list(store, partner_id.as_deref())?
                .into_iter()
                .map(|r| ReceiptView {
                    id: r.id,
                    partner_name: r.partner_name,
                    event: r.event,
                    category: r.category,
                    purpose: r.purpose,
                    at: seconds(r.created_at),
                    receipt: r.receipt,
                })
                .collect())
        })
    }

    /// What reordering a consumable would send, to whom, for what and for how long.
    pub fn reorder_prompt(&self, consumable_id: u32) -> Result<ConsentPromptView, ApiError> {
        let (card, payload, allowed) = self.reorder_request(consumable_id)?;
        let name = payload.fields[0].value["name"]
            .as_str()
            .unwrap_or("it")
            .to_owned();
        Ok(prompt(
            &card,
            &payload,
            allowed,
            format!("To reorder {name}"),
        ))
    }

    /// Reorders a consumable from the partner that speaks for its brand. `allow` is the owner's
    /// answer to the prompt: it grants this consumable's level to that partner for reorders
    /// (with a receipt) before sending. Without a grant nothing is sent.
    pub async fn reorder(&self, consumable_id: u32, allow: bool) -> Result<SentView, ApiError> {
        let (card, payload, allowed) = self.reorder_request(consumable_id)?;
        let subject = flows::consumable_subject(i64::from(consumable_id));
        self.send_answered(&card, &payload, allowed, allow, subject)
            .await
    }

    /// The partners whose cards say they may receive device diagnostics for support, for the
    /// owner to choose from (none is chosen for them).
    pub fn support_partners(&self) -> Result<Vec<LabelView>, ApiError> {
        self.with_reader(|store| {
            Ok(partners::list(store)?
                .into_iter()
                .filter(|p| {
                    p.card
                        .declares(Category::DeviceDiagnostics, Purpose::TutorialsSupport)
                })
                .map(|p| label(p.card.id.as_str(), &p.card.name))
                .collect())
        })
    }

    /// What sending a device's diagnostics to `partner_id`'s support would send.
    pub async fn diagnostics_prompt(
        &self,
        device_id: &str,
        partner_id: &str,
    ) -> Result<ConsentPromptView, ApiError> {
        let (card, payload, allowed) = self.diagnostics_request(device_id, partner_id).await?;
        let name = payload.fields[0].value["name"]
            .as_str()
            .unwrap_or("it")
            .to_owned();
        Ok(prompt(
            &card,
            &payload,
            allowed,
            format!("So that its support can help with {name}"),
        ))
    }

    /// Sends a device's diagnostics to `partner_id`'s support; `allow` answers the prompt (it
    /// grants diagnostics of this device only, with a receipt). Without a grant nothing is sent.
    pub async fn send_diagnostics(
        &self,
        device_id: &str,
        partner_id: &str,
        allow: bool,
    ) -> Result<SentView, ApiError> {
        let (card, payload, allowed) = self.diagnostics_request(device_id, partner_id).await?;
        let subject = flows::device_subject(device_id);
        self.send_answered(&card, &payload, allowed, allow, subject)
            .await
    }

    /// Sends what a prompt asked about: when the owner chose Allow and it was not allowed yet,
    /// first grants the payload's category for its purpose, narrowed to `subject` (with a
    /// receipt); then the gate decides, so without a grant nothing is sent.
    async fn send_answered(
        &self,
        card: &PartnerCard,
        payload: &steward_core::consent::Payload,
        allowed: bool,
        allow: bool,
        subject: String,
    ) -> Result<SentView, ApiError> {
        self.send_answered_with_reference(card, payload, allowed, allow, subject)
            .await
            .map(|(sent, _)| sent)
    }

    /// As `send_answered`, with the partner's reference for what it received.
    pub(crate) async fn send_answered_with_reference(
        &self,
        card: &PartnerCard,
        payload: &steward_core::consent::Payload,
        allowed: bool,
        allow: bool,
        subject: String,
    ) -> Result<(SentView, Option<String>), ApiError> {
        let now = unix_now();
        let category = payload.fields.iter().find_map(|f| f.category);
        let disclosure = self.with_store(|store| {
            if let (true, false, Some(category), Some(purpose)) =
                (allow, allowed, category, payload.purpose)
            {
                grants::give(
                    store,
                    &Decision {
                        partner: card.id.clone(),
                        category,
                        purpose,
                        scope: GrantScope::Subject(subject),
                        collection_method: "in-app prompt",
                    },
                    DEFAULT_LIFETIME_SECS,
                    now,
                )?;
            }
            gate::prepare(store, &card.id, payload, now)
        })?;
        self.deliver_with_reference(&disclosure).await
    }

    pub(crate) async fn diagnostics_request(
        &self,
        device_id: &str,
        partner_id: &str,
    ) -> Result<(PartnerCard, steward_core::consent::Payload, bool), ApiError> {
        let device = self.device_detail(device_id).await?;
        let partner = PartnerId::parse(partner_id)?;
        let now = unix_now();
        self.with_reader(|store| {
            let card = partners::get(store, &partner)?
                .ok_or(steward_core::Error::NotFound {
                    what: "partner",
                    id: partner_id.to_owned(),
                })?
                .card;
            let recent_errors = steward_core::store::ingest::issues(store, 200)?
                .into_iter()
                .filter(|issue| issue.device_id == device.id)
                .take(10)
                .map(|issue| (issue.kind, issue.detail, issue.at))
                .collect();
            let payload = flows::diagnostics(&flows::DiagnosticsFacts {
                device_id: device.id.clone(),
                kind: device.kind.clone(),
                name: device.name.clone(),
                firmware: device.firmware.clone(),
                battery_percent: device.battery_percent,
                recent_errors,
            });
            let subject = flows::device_subject(&device.id);
            let allowed = steward_core::consent::grant::allowed(
                &grants::list(store, &card.id)?,
                &card.id,
                Category::DeviceDiagnostics,
                Purpose::TutorialsSupport,
                Some(&subject),
                now,
            )
            .is_some();
            Ok((card, payload, allowed))
        })
    }

    /// The partner, the payload and whether it is allowed now.
    fn reorder_request(
        &self,
        consumable_id: u32,
    ) -> Result<(PartnerCard, steward_core::consent::Payload, bool), ApiError> {
        let detail = self.consumable_detail(consumable_id)?;
        let now = unix_now();
        self.with_reader(|store| {
            let row = consumables::get(store, i64::from(consumable_id))?.ok_or(
                steward_core::Error::NotFound {
                    what: "consumable",
                    id: consumable_id.to_string(),
                },
            )?;
            let brand = row
                .brand
                .clone()
                .ok_or_else(|| steward_core::Error::InvalidInput {
                    field: "reorder",
                    reason: format!(
                        "{} has no brand yet; add its brand to reorder from its maker",
                        row.name
                    ),
                })?;
            let cards: Vec<PartnerCard> =
                partners::list(store)?.into_iter().map(|p| p.card).collect();
            let card = flows::partner_for_brand(&cards, &brand)
                .cloned()
                .ok_or_else(|| steward_core::Error::InvalidInput {
                    field: "reorder",
                    reason: format!("no partner speaks for {brand}; add its maker in Privacy"),
                })?;
            let payload = flows::reorder(
                &row,
                &ForecastFacts {
                    days_left: detail.summary.days_left,
                    empty_date: detail.summary.empty_date.clone(),
                },
            );
            let subject = flows::consumable_subject(row.id);
            let allowed = steward_core::consent::grant::allowed(
                &grants::list(store, &card.id)?,
                &card.id,
                Category::ConsumableLevels,
                Purpose::ReorderDelivery,
                Some(&subject),
                now,
            )
            .is_some();
            Ok((card, payload, allowed))
        })
    }

    /// Sends a prepared disclosure and records how it went.
    pub(crate) async fn deliver(
        &self,
        disclosure: &gate::Disclosure,
    ) -> Result<SentView, ApiError> {
        self.deliver_with_reference(disclosure)
            .await
            .map(|(sent, _)| sent)
    }

    /// As `deliver`, with the partner's reference for what it received.
    async fn deliver_with_reference(
        &self,
        disclosure: &gate::Disclosure,
    ) -> Result<(SentView, Option<String>), ApiError> {
        let delivery = self.partner_client()?.send(disclosure).await;
        self.with_store(|store| {
            ledger::record_outcome(
                store,
                disclosure.ledger_id(),
                delivery.outcome,
                delivery.detail.as_deref(),
                unix_now(),
            )
        })?;
        Ok((
            SentView {
                ledger_id: wire(disclosure.ledger_id()),
                outcome: delivery.outcome.as_str().to_owned(),
                message: delivery.message.or(delivery.detail),
            },
            delivery.reference,
        ))
    }

    pub(crate) fn partner_client(&self) -> Result<&PartnerClient, ApiError> {
        if let Some(client) = self.partner_client.get() {
            return Ok(client);
        }
        let client = PartnerClient::new(Timeouts::default()).map_err(|error| ApiError {
            code: ErrorCode::Storage,
            message: format!("Steward cannot reach partners on this phone: {error}."),
        })?;
        Ok(self.partner_client.get_or_init(|| client))
    }
}

/// The just-in-time question for `payload`: its household data, to whom, for what, how long.
fn prompt(
    card: &PartnerCard,
    payload: &steward_core::consent::Payload,
    allowed: bool,
    reason: String,
) -> ConsentPromptView {
    let data: Vec<_> = payload
        .fields
        .iter()
        .filter(|f| f.category.is_some())
        .collect();
    let category = data
        .first()
        .and_then(|f| f.category)
        .unwrap_or(Category::ConsumableLevels);
    let purpose = payload.purpose.unwrap_or(Purpose::ReorderDelivery);
    ConsentPromptView {
        partner_id: card.id.to_string(),
        partner_name: card.name.clone(),
        reason,
        category: label(category.as_str(), category.label()),
        purpose: label(purpose.as_str(), purpose.label()),
        lines: data.iter().map(|f| f.summary.clone()).collect(),
        lasts_days: (DEFAULT_LIFETIME_SECS / 86_400) as u32,
        policy_url: card.policy_url.clone(),
        already_allowed: allowed,
    }
}

fn label(id: &str, label: &str) -> LabelView {
    LabelView {
        id: id.to_owned(),
        label: label.to_owned(),
    }
}

fn invalid(message: String) -> ApiError {
    ApiError {
        code: ErrorCode::InvalidInput,
        message,
    }
}

/// Unix seconds as the wire carries them (before 1970 is 0).
pub(crate) fn seconds(at: i64) -> u32 {
    u32::try_from(at.max(0)).unwrap_or(u32::MAX)
}

fn wire(id: i64) -> u32 {
    u32::try_from(id).unwrap_or(u32::MAX)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
