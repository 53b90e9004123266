//! Conversations with makers' support, kept on the phone (both sides, with times): what the
//! owner wrote and what each partner answered. A partner's conversations go with the partner.
//!
//! It must never keep a reply twice (replies are keyed by their sequence number) nor one out of
//! order.

use rusqlite::{params, OptionalExtension};

use super::Store;
use crate::support::Reply;
use crate::Result;

/// A conversation with its messages, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversation {
    pub id: i64,
    pub partner_id: String,
    pub reference: String,
    /// The partner's id of the guide or offer it is about.
    pub topic: Option<String>,
    /// What the owner sees it as ("Getting to the disc menu").
    pub title: String,
    pub started_at: i64,
    /// The highest reply sequence kept.
    pub last_seq: u32,
    pub messages: Vec<Message>,
}

/// One message, the owner's or the partner's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub from_owner: bool,
    pub name: String,
    pub text: String,
    pub at: i64,
}

/// Starts a conversation the partner accepted under `reference`, with the owner's first message.
#[allow(clippy::too_many_arguments)]
pub fn start(
    store: &mut Store,
    partner_id: &str,
    reference: &str,
    topic: Option<&str>,
    title: &str,
    message: &str,
    now: i64,
) -> Result<i64> {
    let tx = store.conn_mut().transaction()?;
    tx.execute(
        "INSERT INTO support_conversations (partner_id, reference, topic, title, started_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (partner_id, reference) DO NOTHING",
        params![partner_id, reference, topic, title, now],
    )?;
    let id: i64 = tx.query_row(
        "SELECT id FROM support_conversations WHERE partner_id = ?1 AND reference = ?2",
        params![partner_id, reference],
        |row| row.get(0),
    )?;
    tx.execute(
        "INSERT INTO support_messages (conversation_id, from_owner, name, text, at)
         VALUES (?1, 1, 'You', ?2, ?3)",
        params![id, message, now],
    )?;
    tx.commit()?;
    Ok(id)
}

/// Adds the owner's next message.
pub fn add_owner_message(store: &mut Store, id: i64, message: &str, now: i64) -> Result<()> {
    store.conn().execute(
        "INSERT INTO support_messages (conversation_id, from_owner, name, text, at)
         VALUES (?1, 1, 'You', ?2, ?3)",
        params![id, message, now],
    )?;
    Ok(())
}

/// Keeps replies newer than the last kept (others are ignored); returns how many were new.
pub fn add_replies(store: &mut Store, id: i64, replies: &[Reply]) -> Result<usize> {
    let tx = store.conn_mut().transaction()?;
    let last: i64 = tx.query_row(
        "SELECT last_seq FROM support_conversations WHERE id = ?1",
        params![id],
        |row| row.get(0),
    )?;
    let mut added = 0;
    let mut newest = last;
    for reply in replies.iter().filter(|r| i64::from(r.seq) > last) {
        tx.execute(
            "INSERT INTO support_messages (conversation_id, from_owner, name, text, at, seq)
             VALUES (?1, 0, ?2, ?3, ?4, ?5)",
            params![id, reply.name, reply.text, reply.at, reply.seq],
        )?;
        newest = newest.max(i64::from(reply.seq));
        added += 1;
    }
    tx.execute(
        "UPDATE support_conversations SET last_seq = ?2 WHERE id = ?1",
        params![id, newest],
    )?;
    tx.commit()?;
    Ok(added)
}

/// A conversation with its messages.
pub fn get(store: &Store, id: i64) -> Result<Option<Conversation>> {
    let head = store
        .conn()
        .query_row(
            "SELECT id, partner_id, reference, topic, title, started_at, last_seq
             FROM support_conversations WHERE id = ?1",
            params![id],
            |row| {
                Ok(Conversation {
                    id: row.get(0)?,
                    partner_id: row.get(1)?,
                    reference: row.get(2)?,
                    topic: row.get(3)?,
                    title: row.get(4)?,
                    started_at: row.get(5)?,
                    last_seq: u32::try_from(row.get::<_, i64>(6)?).unwrap_or(0),
                    messages: Vec::new(),
                })
            },
        )
        .optional()?;
    let Some(mut conversation) = head else {
        return Ok(None);
    };
    let mut statement = store.conn().prepare(
        "SELECT from_owner, name, text, at FROM support_messages
         WHERE conversation_id = ?1 ORDER BY id",
    )?;
    conversation.messages = statement
        .query_map(params![id], |row| {
            Ok(Message {
                from_owner: row.get::<_, i64>(0)? == 1,
                name: row.get(1)?,
                text: row.get(2)?,
                at: row.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Some(conversation))
}

/// Every conversation, newest first, with its messages.
pub fn list(store: &Store) -> Result<Vec<Conversation>> {
    let ids: Vec<i64> = store
        .conn()
        .prepare("SELECT id FROM support_conversations ORDER BY started_at DESC, id DESC")?
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(c) = get(store, id)? {
            out.push(c);
        }
    }
    Ok(out)
}
