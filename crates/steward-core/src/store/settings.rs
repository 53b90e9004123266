//! The `settings` table: the owner's preferences as key/value text.

use rusqlite::{params, OptionalExtension};

use super::Store;
use crate::Result;

/// The key under which the household's display name is kept.
pub const HOUSEHOLD_NAME: &str = "household.name";

/// The value stored under `key`, if any.
pub fn get(store: &Store, key: &str) -> Result<Option<String>> {
    Ok(store
        .conn()
        .query_row(
            "SELECT value FROM settings WHERE key = ?1",
            params![key],
            |row| row.get(0),
        )
        .optional()?)
}

/// Stores `value` under `key`, replacing any earlier value; `now` is seconds since the epoch.
pub fn set(store: &mut Store, key: &str, value: &str, now: i64) -> Result<()> {
    let tx = store.conn_mut().transaction()?;
    tx.execute(
        "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        params![key, value, now],
    )?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_replaces_and_get_reads_back() {
        let mut store = Store::open_in_memory().expect("store");
        assert_eq!(
            get(&store, HOUSEHOLD_NAME).expect("read"),
            None,
            "a new store has no name"
        );
        set(&mut store, HOUSEHOLD_NAME, "First", 10).expect("write");
        set(&mut store, HOUSEHOLD_NAME, "Second", 20).expect("overwrite");
        assert_eq!(
            get(&store, HOUSEHOLD_NAME).expect("read").as_deref(),
            Some("Second"),
            "the last write wins"
        );
    }

    #[test]
    fn values_that_look_like_sql_are_stored_verbatim() {
        let mut store = Store::open_in_memory().expect("store");
        let nasty = "x'); DROP TABLE settings; --";
        set(&mut store, HOUSEHOLD_NAME, nasty, 1).expect("write");
        assert_eq!(
            get(&store, HOUSEHOLD_NAME).expect("read").as_deref(),
            Some(nasty),
            "parameterised SQL stores hostile text as text"
        );
    }
}
