//! The `partner_feeds` and `feed_problems` tables: each partner's last good feed, kept as the
//! signed bytes it arrived as, and the last refusal. A feed is checked and kept in one
//! transaction, against the sequence kept, so two fetches racing cannot keep an older one; a
//! refused feed leaves the kept one untouched and records why.

use rusqlite::{params, OptionalExtension};

use super::Store;
use crate::consent::PartnerCard;
use crate::feed::{verify, Feed, FeedError};
use crate::Result;

/// Checks `token` (fetched from `partner`, with its `etag`) and keeps it when good. The outer
/// result is the store; the inner one the feed's verdict.
pub fn accept(
    store: &mut Store,
    partner: &PartnerCard,
    token: &str,
    etag: Option<&str>,
    now: i64,
) -> Result<Result<Feed, FeedError>> {
    let tx = store.conn_mut().transaction()?;
    let kept: Option<i64> = tx
        .query_row(
            "SELECT sequence FROM partner_feeds WHERE partner_id = ?1",
            params![partner.id.as_str()],
            |row| row.get(0),
        )
        .optional()?;
    let verdict = verify::verify(token, partner, kept.map(|s| s as u64), now);
    match &verdict {
        Ok(feed) => {
            tx.execute(
                "INSERT INTO partner_feeds (partner_id, sequence, token, etag, issued_at, expires_at, fetched_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (partner_id) DO UPDATE SET
                     sequence = excluded.sequence, token = excluded.token, etag = excluded.etag,
                     issued_at = excluded.issued_at, expires_at = excluded.expires_at,
                     fetched_at = excluded.fetched_at",
                params![
                    partner.id.as_str(),
                    i64::try_from(feed.sequence).unwrap_or(i64::MAX),
                    token,
                    etag,
                    feed.issued_at,
                    feed.expires_at,
                    now
                ],
            )?;
            tx.execute(
                "DELETE FROM feed_problems WHERE partner_id = ?1",
                params![partner.id.as_str()],
            )?;
        }
        Err(error) => {
            tx.execute(
                "INSERT INTO feed_problems (partner_id, reason, at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (partner_id) DO UPDATE SET reason = excluded.reason, at = excluded.at",
                params![partner.id.as_str(), error.to_string(), now],
            )?;
        }
    }
    tx.commit()?;
    Ok(verdict)
}

/// Records why a feed could not be fetched (the network, the partner's server): the kept feed
/// stays, and the owner is told.
pub fn record_problem(store: &Store, partner_id: &str, reason: &str, now: i64) -> Result<()> {
    store.conn().execute(
        "INSERT INTO feed_problems (partner_id, reason, at) VALUES (?1, ?2, ?3)
         ON CONFLICT (partner_id) DO UPDATE SET reason = excluded.reason, at = excluded.at",
        params![partner_id, reason, now],
    )?;
    Ok(())
}

/// A fetch that found the kept feed still current (304): any old problem is over.
pub fn confirmed(store: &Store, partner_id: &str, now: i64) -> Result<()> {
    store.conn().execute(
        "UPDATE partner_feeds SET fetched_at = ?2 WHERE partner_id = ?1",
        params![partner_id, now],
    )?;
    store.conn().execute(
        "DELETE FROM feed_problems WHERE partner_id = ?1",
        params![partner_id],
    )?;
    Ok(())
}

/// The ETag of `partner_id`'s kept feed, for a conditional fetch (no need to check the feed
/// again just to ask whether it changed).
pub fn etag(store: &Store, partner_id: &str) -> Result<Option<String>> {
    Ok(store
        .conn()
        .query_row(
            "SELECT etag FROM partner_feeds WHERE partner_id = ?1",
            params![partner_id],
            |row| row.get(0),
        )
        .optional()?
        .flatten())
}

/// When `partner_id`'s feed was last fetched or confirmed, if ever.
pub fn fetched_at(store: &Store, partner_id: &str) -> Result<Option<i64>> {
    Ok(store
        .conn()
        .query_row(
            "SELECT fetched_at FROM partner_feeds WHERE partner_id = ?1",
            params![partner_id],
            |row| row.get(0),
        )
        .optional()?)
}

/// The kept feed of `partner`, checked again (its signature and fields; not its dates, which
/// the matcher applies item by item), with its ETag for a conditional fetch.
pub fn kept(store: &Store, partner: &PartnerCard) -> Result<Option<(Feed, Option<String>)>> {
    let row: Option<(String, Option<String>, i64)> = store
        .conn()
        .query_row(
            "SELECT token, etag, issued_at FROM partner_feeds WHERE partner_id = ?1",
            params![partner.id.as_str()],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .optional()?;
    Ok(row.and_then(|(token, etag, issued_at)| {
        // Checked as of its issue time: the kept feed stays usable offline after it expires.
        verify::verify(&token, partner, None, issued_at)
            .ok()
            .map(|feed| (feed, etag))
    }))
}

/// Why the last feed of `partner` was refused, and when; `None` once a good one came.
pub fn problem(store: &Store, partner_id: &str) -> Result<Option<(String, i64)>> {
    Ok(store
        .conn()
        .query_row(
            "SELECT reason, at FROM feed_problems WHERE partner_id = ?1",
            params![partner_id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?)
}
