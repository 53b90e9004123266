//! "Ask the maker": when a guide did not help, the owner writes to the maker's support. Each
//! message goes through the consent gate as a support request (the owner's words and the guide
//! it is about are not household data; the device's diagnostics go only if the owner chose to
//! include them, under a grant, with a receipt); the maker's replies are read with a long-polled
//! plain GET while a reply is awaited, kept on the phone and announced to the UI.
//!
//! It must never poll a maker when no reply is awaited, nor show partner text as anything but
//! text.

use std::time::Duration;

use steward_core::consent::{flows, PartnerId};
use steward_core::store::{partners, support};

use crate::privacy::seconds;
use crate::steward::unix_now;
use crate::support_wire::*;
use crate::{ApiError, AppEvent, ErrorCode, Steward};

/// How long a reply is waited for after the owner's last message before the phone stops asking.
const AWAIT_SECS: i64 = 30 * 60;
/// How long one read may wait at the partner.
const LONG_POLL: Duration = Duration::from_secs(20);
/// After a failed read, the next one waits at least this long (the protocol's floor is 5 s).
const RETRY: Duration = Duration::from_secs(5);

impl Steward {
    /// Writes to a maker's support: starts a conversation (about a guide, say), optionally with
    /// a device's diagnostics under the owner's grant. Answers the conversation as kept.
    pub async fn ask_maker(&self, input: AskMakerInput) -> Result<ConversationView, ApiError> {
        let message = steward_core::support::message(&input.message)?;
        let partner = PartnerId::parse(&input.partner_id)?;
        let topic = input
            .topic
            .as_deref()
            .filter(|t| {
                t.len() <= 64
                    && t.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
            })
            .map(str::to_owned);
        let (card, title) = self.with_reader(|store| {
            let card = partners::get(store, &partner)?
                .ok_or(steward_core::Error::NotFound {
                    what: "partner",
                    id: input.partner_id.clone(),
                })?
                .card;
            let title = topic
                .as_deref()
                .and_then(|t| {
                    crate::offers::kept_feeds(store)
                        .ok()?
                        .into_iter()
                        .find_map(|k| {
                            (k.card.id == card.id).then(|| {
                                k.feed
                                    .tutorials
                                    .iter()
                                    .find(|g| g.id == t)
                                    .map(|g| g.name.clone())
                                    .or_else(|| {
                                        k.feed
                                            .offers
                                            .iter()
                                            .find(|o| o.id == t)
                                            .map(|o| o.name.clone())
                                    })
                            })?
                        })
                })
                .unwrap_or_else(|| format!("Question for {}", card.name));
            Ok((card, title))
        })?;
        let mut payload = flows::support_message(&message, topic.as_deref(), None, None);
        let (allowed, subject) = match input.diagnostics_of.as_deref() {
            Some(device) => {
                let (_, diagnostics, allowed) =
                    self.diagnostics_request(device, &input.partner_id).await?;
                payload.fields.extend(diagnostics.fields);
                (allowed, flows::device_subject(device))
            }
            None => (true, String::new()),
        };
        let (sent, reference) = self
            .send_answered_with_reference(
                &card,
                &payload,
                allowed,
                input.allow_diagnostics,
                subject,
            )
            .await?;
        let reference = match (sent.outcome.as_str(), reference) {
            ("delivered", Some(reference)) => steward_core::support::reference(&reference)
                .map_err(|error| not_received(&card.name, &error.to_string()))?,
            _ => {
                return Err(not_received(
                    &card.name,
                    sent.message.as_deref().unwrap_or("it did not answer"),
                ))
            }
        };
        let id = self.with_store(|store| {
            support::start(
                store,
                card.id.as_str(),
                &reference,
                topic.as_deref(),
                &title,
                &message,
                unix_now(),
            )
        })?;
        self.support_wake.notify_one();
        self.conversation(wire_id(id))
    }

    /// The owner's next message in a conversation.
    pub async fn send_support_message(
        &self,
        id: u32,
        message: &str,
    ) -> Result<ConversationView, ApiError> {
        let message = steward_core::support::message(message)?;
        let (conversation, card) = self.with_reader(|store| {
            let conversation = found(support::get(store, i64::from(id))?, id)?;
            let card = partners::get(store, &PartnerId::parse(&conversation.partner_id)?)?
                .ok_or(steward_core::Error::NotFound {
                    what: "partner",
                    id: conversation.partner_id.clone(),
                })?
                .card;
            Ok((conversation, card))
        })?;
        let payload = flows::support_message(
            &message,
            conversation.topic.as_deref(),
            Some(&conversation.reference),
            None,
        );
        let (sent, _) = self
            .send_answered_with_reference(&card, &payload, true, false, String::new())
            .await?;
        if sent.outcome != "delivered" {
            return Err(not_received(
                &card.name,
                sent.message.as_deref().unwrap_or("it did not answer"),
            ));
        }
        self.with_store(|store| {
            support::add_owner_message(store, i64::from(id), &message, unix_now())
        })?;
        self.support_wake.notify_one();
        self.conversation(id)
    }

    /// A conversation as kept on the phone.
    pub fn conversation(&self, id: u32) -> Result<ConversationView, ApiError> {
        self.with_reader(|store| {
            let conversation = found(support::get(store, i64::from(id))?, id)?;
            view(store, conversation)
        })
    }

    /// Every conversation, newest first.
    pub fn conversations(&self) -> Result<Vec<ConversationView>, ApiError> {
        self.with_reader(|store| {
            support::list(store)?
                .into_iter()
                .map(|c| view(store, c))
                .collect()
        })
    }

    /// Reads the replies of conversations awaiting one, for as long as the app runs: a long
    /// poll on the most recent one awaiting a reply (at most half an hour after the owner's last
    /// message), nothing at all when none is awaited.
    pub async fn run_support_replies(&self) {
        loop {
            let awaiting = self
                .with_reader(|store| {
                    let now = unix_now();
                    Ok(support::list(store)?.into_iter().find(|c| {
                        c.messages
                            .last()
                            .is_some_and(|m| m.from_owner && now - m.at < AWAIT_SECS)
                    }))
                })
                .ok()
                .flatten();
            let Some(conversation) = awaiting else {
                let _ = tokio::time::timeout(Duration::from_secs(60), self.support_wake.notified())
                    .await;
                continue;
            };
            if let Err(error) = self.read_replies(&conversation, LONG_POLL).await {
                tracing::warn!(message = %error.message, "support replies could not be read");
                tokio::time::sleep(RETRY).await;
            }
        }
    }

    /// One read of a conversation's replies; new ones are kept and announced.
    async fn read_replies(
        &self,
        conversation: &support::Conversation,
        wait: Duration,
    ) -> Result<usize, ApiError> {
        let card = self.with_reader(|store| {
            partners::get(store, &PartnerId::parse(&conversation.partner_id)?)
        })?;
        let Some(partner) = card else {
            return Ok(0);
        };
        let replies = self
            .partner_client()?
            .support_replies(
                &partner.card.base_url,
                &conversation.reference,
                conversation.last_seq,
                wait,
            )
            .await
            .map_err(|error| ApiError {
                code: ErrorCode::Device,
                message: format!("{}'s replies could not be read: {error}", partner.card.name),
            })?;
        if replies.is_empty() {
            return Ok(0);
        }
        let added =
            self.with_store(|store| support::add_replies(store, conversation.id, &replies))?;
        if added > 0 {
            let view = self.conversation(wire_id(conversation.id))?;
            self.events.emit(AppEvent::SupportReplied(view));
        }
        Ok(added)
    }
}

fn found(
    conversation: Option<support::Conversation>,
    id: u32,
) -> steward_core::Result<support::Conversation> {
    conversation.ok_or(steward_core::Error::NotFound {
        what: "conversation",
        id: id.to_string(),
    })
}

fn view(
    store: &steward_core::Store,
    c: support::Conversation,
) -> steward_core::Result<ConversationView> {
    let partner_name = partners::get(store, &PartnerId::parse(&c.partner_id)?)?
        .map_or_else(|| c.partner_id.clone(), |p| p.card.name);
    Ok(ConversationView {
        id: wire_id(c.id),
        partner_id: c.partner_id,
        partner_name,
        title: c.title,
        awaiting_reply: c.messages.last().is_some_and(|m| m.from_owner),
        messages: c
            .messages
            .into_iter()
            .map(|m| SupportMessageView {
                from_owner: m.from_owner,
                name: m.name,
                text: m.text,
                at: seconds(m.at),
            })
            .collect(),
    })
}

fn wire_id(id: i64) -> u32 {
    u32::try_from(id).unwrap_or(u32::MAX)
}

fn not_received(partner: &str, why: &str) -> ApiError {
    ApiError {
        code: ErrorCode::Device,
        message: format!("{partner} did not receive your message: {why}"),
    }
}
