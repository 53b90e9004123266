//! The schema's history, one additive migration per version, applied with `rusqlite_migration`
//! (which records the version in SQLite's `user_version`).
//!
//! Migrations are append-only: never edit or reorder a released one, only add the next. A
//! database from a newer app is refused rather than touched.

use std::sync::LazyLock;

use rusqlite::Connection;
use rusqlite_migration::{Migrations, M};

use crate::{Error, Result};

/// Every migration, oldest first. Version N is the state after the Nth entry.
static MIGRATIONS: LazyLock<Migrations<'static>> = LazyLock::new(|| {
    Migrations::new(vec![
        // 1: owner settings as key/value text, stamped with the time they were last changed.
        M::up(
            "CREATE TABLE settings (
                key        TEXT PRIMARY KEY NOT NULL,
                value      TEXT NOT NULL,
                updated_at INTEGER NOT NULL
            ) STRICT;",
        ),
        // 2: the devices paired with this phone, remembered by their identity.
        M::up(
            "CREATE TABLE devices (
                id        TEXT PRIMARY KEY NOT NULL,
                name      TEXT NOT NULL,
                kind      TEXT NOT NULL,
                paired_at INTEGER NOT NULL
            ) STRICT;",
        ),
        // 3: what reconnecting needs: the key kept from pairing (never the setup code) and the
        // last event sequence recorded, so a replay after a reconnect is not counted again.
        M::up(
            "ALTER TABLE devices ADD COLUMN pairing_key BLOB;
             ALTER TABLE devices ADD COLUMN last_seq INTEGER NOT NULL DEFAULT 0;",
        ),
        // 4: the inventory. Consumables (what the household uses up, optionally fed by the
        // device that uses it), purchases and refills, usage events, what was odd about the
        // device events received (gaps, counters going backwards), and the shopping list. A
        // device's last cumulative counter lets a gap be counted from the device's own total.
        // Usage history hangs off the consumable, not the device: forgetting a device keeps it.
        M::up(
            "ALTER TABLE devices ADD COLUMN last_counter INTEGER;
             CREATE TABLE consumables (
                id         INTEGER PRIMARY KEY,
                name       TEXT NOT NULL,
                brand      TEXT,
                gtin       TEXT,
                unit       TEXT NOT NULL,
                capacity   INTEGER NOT NULL CHECK (capacity > 0),
                remaining  INTEGER NOT NULL CHECK (remaining >= 0),
                threshold  INTEGER NOT NULL CHECK (threshold >= 0),
                device_id  TEXT UNIQUE,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL
             ) STRICT;
             CREATE TABLE purchases (
                id            INTEGER PRIMARY KEY,
                consumable_id INTEGER NOT NULL REFERENCES consumables(id) ON DELETE CASCADE,
                quantity      INTEGER NOT NULL CHECK (quantity > 0),
                source        TEXT NOT NULL CHECK (source IN ('owner', 'device')),
                note          TEXT,
                at            INTEGER NOT NULL
             ) STRICT;
             CREATE INDEX purchases_by_consumable ON purchases(consumable_id, at);
             CREATE TABLE usage_events (
                id            INTEGER PRIMARY KEY,
                consumable_id INTEGER NOT NULL REFERENCES consumables(id) ON DELETE CASCADE,
                seq           INTEGER,
                amount        INTEGER NOT NULL CHECK (amount > 0),
                at            INTEGER NOT NULL
             ) STRICT;
             CREATE INDEX usage_by_consumable ON usage_events(consumable_id, at);
             CREATE TABLE event_issues (
                id        INTEGER PRIMARY KEY,
                device_id TEXT NOT NULL,
                kind      TEXT NOT NULL CHECK (kind IN ('gap', 'counter_backwards', 'implausible_jump', 'sequence_restarted')),
                seq       INTEGER NOT NULL,
                detail    TEXT NOT NULL,
                at        INTEGER NOT NULL
             ) STRICT;
             CREATE TABLE shopping_items (
                id            INTEGER PRIMARY KEY,
                title         TEXT NOT NULL,
                quantity      INTEGER NOT NULL CHECK (quantity > 0),
                note          TEXT,
                consumable_id INTEGER REFERENCES consumables(id) ON DELETE SET NULL,
                origin        TEXT NOT NULL CHECK (origin IN ('threshold', 'owner')),
                created_at    INTEGER NOT NULL,
                done_at       INTEGER
             ) STRICT;
             CREATE UNIQUE INDEX one_open_item_per_consumable
                ON shopping_items(consumable_id) WHERE done_at IS NULL AND consumable_id IS NOT NULL;",
        ),
        // 5: the device link's second release. A device is reconnected with pair-verify, so the
        // phone keeps the device's long-term public key (not a shared secret) and the boot id
        // its last session gave; the first release's shared pairing keys cannot authenticate
        // any more and are dropped (those devices are paired again).
        M::up(
            "ALTER TABLE devices DROP COLUMN pairing_key;
             ALTER TABLE devices ADD COLUMN device_key BLOB
                 CHECK (device_key IS NULL OR length(device_key) = 32);
             ALTER TABLE devices ADD COLUMN boot_id BLOB
                 CHECK (boot_id IS NULL OR length(boot_id) = 8);",
        ),
        // 6: use kept per quarter hour as well as per event, so that the screens' reads (the
        // forecast, the chart) cost the same after a year of events as after a day. Kept up to
        // date in the same transaction as the usage rows (`usage::add_to_quarters`, summed per
        // batch); usage rows are only ever inserted that way, or deleted with their consumable
        // (cascading to both) or by erase (which clears both). Quarter hours, not days: the
        // owner's day starts at their midnight, and every UTC offset in use is a whole number of
        // quarter hours.
        M::up(
            "CREATE TABLE usage_quarters (
                consumable_id INTEGER NOT NULL REFERENCES consumables(id) ON DELETE CASCADE,
                quarter       INTEGER NOT NULL,
                amount        INTEGER NOT NULL CHECK (amount > 0),
                PRIMARY KEY (consumable_id, quarter)
             ) STRICT, WITHOUT ROWID;
             INSERT INTO usage_quarters (consumable_id, quarter, amount)
                 SELECT consumable_id, at / 900, sum(amount) FROM usage_events
                 GROUP BY consumable_id, at / 900;",
        ),
        // 7: "low means listed". A consumable at or below its threshold is on the shopping list
        // whenever its stock is looked at, unless the owner took it off during this low spell
        // (ticked or removed its item); `dismissed` remembers that until the stock is back above
        // the threshold.
        M::up(
            "ALTER TABLE consumables ADD COLUMN dismissed INTEGER NOT NULL DEFAULT 0
                 CHECK (dismissed IN (0, 1));",
        ),
        // 8: consent. Partners (their validated card, the pinned key, and the household's own
        // key at that partner), grants (partner × category × purpose × scope, with expiry),
        // consent receipts (written once, kept after a partner is removed: they are the owner's
        // record) and the sharing ledger (what left, to whom, under which receipts, and how it
        // went; also kept after removal).
        M::up(
            "CREATE TABLE partners (
                id               TEXT PRIMARY KEY,
                name             TEXT NOT NULL,
                card             TEXT NOT NULL,
                partner_key      BLOB NOT NULL CHECK (length(partner_key) = 32),
                household_secret BLOB NOT NULL CHECK (length(household_secret) = 32),
                added_at         INTEGER NOT NULL
             ) STRICT;
             CREATE TABLE grants (
                partner_id  TEXT NOT NULL REFERENCES partners(id) ON DELETE CASCADE,
                category    TEXT NOT NULL,
                purpose     TEXT NOT NULL,
                scope       TEXT NOT NULL,
                granted_at  INTEGER NOT NULL,
                expires_at  INTEGER NOT NULL CHECK (expires_at > granted_at),
                receipt_id  TEXT NOT NULL,
                PRIMARY KEY (partner_id, category, purpose, scope)
             ) STRICT, WITHOUT ROWID;
             CREATE TABLE consent_receipts (
                id           TEXT PRIMARY KEY,
                partner_id   TEXT NOT NULL,
                partner_name TEXT NOT NULL,
                event        TEXT NOT NULL CHECK (event IN ('given', 'modified', 'withdrawn')),
                category     TEXT NOT NULL,
                purpose      TEXT NOT NULL,
                created_at   INTEGER NOT NULL,
                receipt      TEXT NOT NULL
             ) STRICT;
             CREATE INDEX receipts_by_partner ON consent_receipts(partner_id, created_at);
             CREATE TABLE ledger (
                id               INTEGER PRIMARY KEY,
                partner_id       TEXT NOT NULL,
                partner_name     TEXT NOT NULL,
                kind             TEXT NOT NULL,
                purpose          TEXT NOT NULL,
                categories       TEXT NOT NULL,
                summary          TEXT NOT NULL,
                url              TEXT NOT NULL,
                body             BLOB NOT NULL,
                sha256           BLOB NOT NULL CHECK (length(sha256) = 32),
                signature_input  TEXT NOT NULL,
                signature        TEXT NOT NULL,
                receipt_ids      TEXT NOT NULL,
                created_at       INTEGER NOT NULL,
                outcome          TEXT NOT NULL
                    CHECK (outcome IN ('sending', 'delivered', 'refused', 'failed')),
                outcome_at       INTEGER,
                outcome_detail   TEXT,
                attempts         INTEGER NOT NULL DEFAULT 0
             ) STRICT;
             CREATE INDEX ledger_by_time ON ledger(created_at);",
        ),
        // 9: when a ledger entry's request was last signed: a retry after the partner's
        // freshness window signs the same bytes afresh (`gate::retry`). Empty means when it was
        // written.
        M::up("ALTER TABLE ledger ADD COLUMN signed_at INTEGER;"),
        // 10: partner feeds. The last good feed of each partner, as received (the signed bytes,
        // so it can be checked again), with its sequence (replays are refused against it) and
        // ETag; and the last refusal, kept until a good feed comes, for the owner to read.
        M::up(
            "CREATE TABLE partner_feeds (
                partner_id TEXT PRIMARY KEY REFERENCES partners(id) ON DELETE CASCADE,
                sequence   INTEGER NOT NULL CHECK (sequence >= 0),
                token      TEXT NOT NULL,
                etag       TEXT,
                issued_at  INTEGER NOT NULL,
                expires_at INTEGER NOT NULL,
                fetched_at INTEGER NOT NULL
             ) STRICT;
             CREATE TABLE feed_problems (
                partner_id TEXT PRIMARY KEY REFERENCES partners(id) ON DELETE CASCADE,
                reason     TEXT NOT NULL,
                at         INTEGER NOT NULL
             ) STRICT;",
        ),
        // 11: the inbox. What the owner did with a matched offer or tutorial (first seen,
        // dismissed, saved), keyed by the partner and the item's id in its feed; and the
        // partners whose offers the owner stopped, until they lift it.
        M::up(
            "CREATE TABLE inbox_marks (
                partner_id    TEXT NOT NULL REFERENCES partners(id) ON DELETE CASCADE,
                kind          TEXT NOT NULL CHECK (kind IN ('offer', 'tutorial')),
                item_id       TEXT NOT NULL,
                first_seen_at INTEGER NOT NULL,
                dismissed_at  INTEGER,
                saved_at      INTEGER,
                PRIMARY KEY (partner_id, kind, item_id)
             ) STRICT, WITHOUT ROWID;
             CREATE TABLE muted_partners (
                partner_id TEXT PRIMARY KEY REFERENCES partners(id) ON DELETE CASCADE,
                muted_at   INTEGER NOT NULL
             ) STRICT;",
        ),
        // 12: what the notification policy decided, for the owner's history ("held until
        // 07:00: quiet hours"). Bounded by its module; a partner's entries go with the partner.
        M::up(
            "CREATE TABLE notification_log (
                id           INTEGER PRIMARY KEY,
                at           INTEGER NOT NULL,
                channel      TEXT NOT NULL CHECK (channel IN ('device-alerts', 'reminders', 'tutorials', 'offers')),
                item_id      TEXT NOT NULL,
                title        TEXT NOT NULL,
                partner_id   TEXT REFERENCES partners(id) ON DELETE CASCADE,
                outcome      TEXT NOT NULL CHECK (outcome IN ('shown', 'replaced', 'held', 'inbox', 'dropped')),
                words        TEXT NOT NULL
             ) STRICT;
             CREATE INDEX notification_log_by_time ON notification_log(at);",
        ),
        // 13: each decision's collapse key, so after a restart the policy knows what it showed
        // today (the budget, the brands' caps, the cooldowns) and nothing is shown twice.
        M::up("ALTER TABLE notification_log ADD COLUMN collapse_key TEXT NOT NULL DEFAULT '';"),
        // 14: conversations with makers' support ("Ask the maker"): both sides, kept on the
        // phone; a partner's go with the partner.
        M::up(
            "CREATE TABLE support_conversations (
                id          INTEGER PRIMARY KEY,
                partner_id  TEXT NOT NULL REFERENCES partners(id) ON DELETE CASCADE,
                reference   TEXT NOT NULL,
                topic       TEXT,
                title       TEXT NOT NULL,
                started_at  INTEGER NOT NULL,
                last_seq    INTEGER NOT NULL DEFAULT 0,
                UNIQUE (partner_id, reference)
             ) STRICT;
             CREATE TABLE support_messages (
                id              INTEGER PRIMARY KEY,
                conversation_id INTEGER NOT NULL REFERENCES support_conversations(id) ON DELETE CASCADE,
                from_owner      INTEGER NOT NULL CHECK (from_owner IN (0, 1)),
                name            TEXT NOT NULL,
                text            TEXT NOT NULL,
                at              INTEGER NOT NULL,
                seq             INTEGER
             ) STRICT;
             CREATE INDEX support_messages_by_conversation ON support_messages(conversation_id, id);",
        ),
        // 15: the saved items, found without reading every mark ever made (the inbox lists
        // them on every view; marks accumulate over the years).
        M::up(
            "CREATE INDEX inbox_marks_saved ON inbox_marks(saved_at) WHERE saved_at IS NOT NULL;",
        ),
    ])
});

/// The schema version this build creates and understands.
pub const LATEST: u32 = 15;

/// Fails with [`Error::SchemaTooNew`] if the database was written by a newer app.
pub fn refuse_newer(conn: &Connection) -> Result<()> {
    match current_version(conn)? {
        found if found > LATEST => Err(Error::SchemaTooNew {
            found,
            known: LATEST,
        }),
        _ => Ok(()),
    }
}

/// Brings `conn` up to [`LATEST`], refusing a database from a newer app.
pub fn migrate(conn: &mut Connection) -> Result<()> {
    refuse_newer(conn)?;
    let found = current_version(conn)?;
    if found < LATEST {
        tracing::info!(from = found, to = LATEST, "migrating the store");
    }
    MIGRATIONS.to_latest(conn)?;
    Ok(())
}

/// Migrates `conn` to exactly `version`; tests use it to build a database as an older app left it.
pub fn migrate_to(conn: &mut Connection, version: u32) -> Result<()> {
    let version = usize::try_from(version).map_err(|_| Error::SchemaTooNew {
        found: version,
        known: LATEST,
    })?;
    MIGRATIONS.to_version(conn, version)?;
    Ok(())
}

/// The schema version recorded in the database.
pub fn current_version(conn: &Connection) -> Result<u32> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    Ok(u32::try_from(version).unwrap_or(u32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_migration_list_is_valid_and_latest_matches_it() {
        MIGRATIONS
            .validate()
            .expect("every migration applies cleanly to an empty database");
        let mut conn = Connection::open_in_memory().expect("memory db");
        migrate(&mut conn).expect("migrate");
        assert_eq!(
            current_version(&conn).expect("version"),
            LATEST,
            "LATEST must name the last migration, or new databases are mislabelled"
        );
    }

    #[test]
    fn a_database_from_a_newer_app_is_refused_untouched() {
        let mut conn = Connection::open_in_memory().expect("memory db");
        conn.pragma_update(None, "user_version", LATEST + 1)
            .expect("set version");
        let err = migrate(&mut conn).expect_err("a newer schema must not be migrated");
        assert!(matches!(err, Error::SchemaTooNew { .. }), "got {err:?}");
        assert_eq!(
            current_version(&conn).expect("version"),
            LATEST + 1,
            "the version is left as found"
        );
    }
}
