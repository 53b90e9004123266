//! The household's local store: one SQLite file in the app's data directory, in WAL mode,
//! brought up to date by versioned migrations when opened.
//!
//! Every table has its own module with its queries. Nothing outside this module writes SQL, and
//! every statement is parameterised: no value is ever spliced into SQL text.

pub mod consumables;
pub mod devices;
mod encryption;
pub mod feeds;
pub mod grants;
pub mod household;
pub mod inbox;
pub mod ingest;
pub mod ledger;
pub mod migrations;
pub mod notifications;
pub mod partners;
pub mod purchases;
pub mod receipts;
pub mod settings;
pub mod shopping;
pub mod support;
pub mod usage;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::Connection;

pub use encryption::DatabaseKey;

use crate::{Error, Result};

/// The database file's name inside the data directory.
pub const FILE_NAME: &str = "steward.sqlite3";

/// Initialises SQLite (and with it SQLCipher) once, on one thread, before any connection opens.
/// SQLite marks itself initialised before it runs SQLCipher's set-up, so a connection keyed on
/// another thread meanwhile is refused ("sqlcipher not initialized", seen as "An error occurred
/// with PRAGMA key" about once in 150 runs of two stores opening at once).
fn sqlite_ready() {
    static READY: std::sync::Once = std::sync::Once::new();
    READY.call_once(|| {
        // Opening any connection runs the whole initialisation before it returns.
        if let Err(error) = Connection::open_in_memory() {
            tracing::error!(%error, "SQLite could not initialise");
        }
    });
}

/// An open, migrated database.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
}

impl Store {
    /// Opens (creating if needed) the store in `data_dir`, then migrates it to the latest schema.
    pub fn open_in(data_dir: &Path) -> Result<Self> {
        sqlite_ready();
        std::fs::create_dir_all(data_dir).map_err(|source| Error::DataDir {
            path: data_dir.to_owned(),
            source,
        })?;
        let path = data_dir.join(FILE_NAME);
        let conn = Connection::open(&path)?;
        Self::prepare(conn, Some(path))
    }

    /// Opens (creating if needed) the encrypted store in `data_dir` with `key`, then migrates it.
    /// A plain database from an earlier release is encrypted in place first. A key that does
    /// not open the file is [`Error::WrongKey`], and the file is left as it was.
    pub fn open_encrypted(data_dir: &Path, key: &DatabaseKey) -> Result<Self> {
        sqlite_ready();
        std::fs::create_dir_all(data_dir).map_err(|source| Error::DataDir {
            path: data_dir.to_owned(),
            source,
        })?;
        let path = data_dir.join(FILE_NAME);
        if encryption::is_plain(&path) {
            // A newer app's database is refused before anything rewrites it.
            migrations::refuse_newer(&Connection::open(&path)?)?;
            tracing::info!(path = %path.display(), "encrypting the household database");
            encryption::encrypt_plain(&path, key)?;
        }
        let conn = Connection::open(&path)?;
        encryption::apply_key(&conn, key)?;
        Self::prepare(conn, Some(path))
    }

    /// A second connection to the encrypted store in `data_dir`, for reads only. Screens read
    /// through it while ingestion writes through the first, so neither waits on the other: in
    /// WAL mode a reader sees the last commit while a write is under way. Open the writer
    /// first; the reader neither migrates nor finishes an erase, and cannot write
    /// (`query_only`).
    pub fn open_reader(data_dir: &Path, key: &DatabaseKey) -> Result<Self> {
        sqlite_ready();
        let path = data_dir.join(FILE_NAME);
        let conn = Connection::open_with_flags(
            &path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        encryption::apply_key(&conn, key)?;
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.pragma_update(None, "query_only", "ON")?;
        Ok(Self {
            conn,
            path: Some(path),
        })
    }

    /// A private in-memory store, for tests and previews.
    pub fn open_in_memory() -> Result<Self> {
        sqlite_ready();
        Self::prepare(Connection::open_in_memory()?, None)
    }

    fn prepare(mut conn: Connection, path: Option<PathBuf>) -> Result<Self> {
        conn.busy_timeout(Duration::from_secs(5))?;
        // Before anything writes (switching to WAL rewrites the header): a database from a newer
        // app is left exactly as it was found.
        migrations::refuse_newer(&conn)?;
        // WAL lets readers proceed during writes and survives a killed process; FULL makes each
        // committed transaction durable before the commit returns, which the inventory relies on.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // Deleted content is overwritten as it goes, not left in free pages.
        conn.pragma_update(None, "secure_delete", "ON")?;
        migrations::migrate(&mut conn)?;
        // An erase the app was killed in the middle of is finished before anything else.
        household::finish_pending_erase(&conn)?;
        Ok(Self { conn, path })
    }

    /// The database file, or `None` for an in-memory store.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The schema version the database is at.
    pub fn schema_version(&self) -> Result<u32> {
        migrations::current_version(&self.conn)
    }

    /// SQLCipher's version, when the library is SQLCipher (it always is in Steward's builds).
    pub fn cipher_version(&self) -> Result<Option<String>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .query_row("PRAGMA cipher_version", [], |row| row.get(0))
            .optional()?)
    }

    /// SQLite's own check of the file: `"ok"`, or what is wrong.
    pub fn integrity_check(&self) -> Result<String> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |row| row.get(0))?)
    }

    /// The connection, for the table modules.
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// The connection for writes, which go through a transaction.
    pub(crate) fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }
}

#[cfg(test)]
mod reader_tests {
    use super::*;

    /// The bundled SQLCipher is built without what Steward never uses (`.cargo/config.toml`):
    /// smaller, and less code reachable from a database file.
    #[test]
    fn sqlite_is_built_without_search_rtree_or_extension_loading() {
        let store = Store::open_in_memory().expect("store");
        let mut stmt = store
            .conn()
            .prepare("PRAGMA compile_options")
            .expect("prepare");
        let options: Vec<String> = stmt
            .query_map([], |row| row.get(0))
            .expect("query")
            .collect::<rusqlite::Result<_>>()
            .expect("rows");
        for omitted in [
            "OMIT_LOAD_EXTENSION",
            "OMIT_JSON",
            "OMIT_SHARED_CACHE",
            "DQS=0",
        ] {
            assert!(
                options.iter().any(|o| o == omitted),
                "{omitted} missing: {options:?}"
            );
        }
        for left_out in [
            "ENABLE_FTS3",
            "ENABLE_FTS5",
            "ENABLE_RTREE",
            "ENABLE_DBSTAT_VTAB",
            "ENABLE_STAT4",
            "SOUNDEX",
            "ENABLE_COLUMN_METADATA",
        ] {
            assert!(
                !options.iter().any(|o| o == left_out),
                "{left_out} is built in: {options:?}"
            );
        }
        assert!(
            options.iter().any(|o| o.starts_with("HAS_CODEC")),
            "still SQLCipher: {options:?}"
        );
    }

    #[test]
    fn a_reader_sees_each_commit_reads_during_a_write_and_cannot_write() {
        let dir = tempfile::tempdir().expect("temp dir");
        let key = DatabaseKey::from_bytes([7; 32]);
        let mut writer = Store::open_encrypted(dir.path(), &key).expect("writer");
        let reader = Store::open_reader(dir.path(), &key).expect("reader");
        let names = |store: &Store| -> Vec<String> {
            let mut stmt = store
                .conn()
                .prepare("SELECT value FROM settings ORDER BY key")
                .expect("prepare");
            stmt.query_map([], |row| row.get(0))
                .expect("query")
                .collect::<rusqlite::Result<_>>()
                .expect("rows")
        };
        let before = names(&reader);

        // A write transaction is open and not committed: the reader is not blocked, and sees
        // the last commit, not the write in progress.
        let tx = writer.conn_mut().transaction().expect("tx");
        tx.execute(
            "INSERT INTO settings (key, value, updated_at) VALUES ('reader-test', 'pending', 0)",
            [],
        )
        .expect("insert");
        assert_eq!(names(&reader), before, "the uncommitted row is not seen");
        tx.commit().expect("commit");
        assert_eq!(names(&reader).len(), before.len() + 1, "the commit is seen");

        let refused = reader
            .conn()
            .execute("DELETE FROM settings", [])
            .expect_err("a reader cannot write");
        assert!(refused.to_string().contains("readonly"), "{refused}");
        assert!(
            matches!(
                Store::open_reader(dir.path(), &DatabaseKey::from_bytes([8; 32])),
                Err(Error::WrongKey)
            ),
            "a reader needs the key too"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_a_file_in_wal_mode_at_the_latest_schema() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open_in(&dir.path().join("nested/data")).expect("store opens");
        let mode: String = store
            .conn()
            .pragma_query_value(None, "journal_mode", |row| row.get(0))
            .expect("journal mode readable");
        assert_eq!(
            mode, "wal",
            "the store must run in WAL mode so a killed app loses nothing"
        );
        assert_eq!(
            store.schema_version().expect("version readable"),
            migrations::LATEST,
            "a new database is created at the latest schema"
        );
        assert!(
            dir.path().join("nested/data").join(FILE_NAME).is_file(),
            "the database lives in the given data directory, which is created if missing"
        );
    }

    #[test]
    fn reopening_keeps_what_was_written() {
        let dir = tempfile::tempdir().expect("temp dir");
        {
            let mut store = Store::open_in(dir.path()).expect("first open");
            settings::set(&mut store, settings::HOUSEHOLD_NAME, "Maple Street", 1).expect("write");
        }
        let store = Store::open_in(dir.path()).expect("second open");
        assert_eq!(
            settings::get(&store, settings::HOUSEHOLD_NAME)
                .expect("read")
                .as_deref(),
            Some("Maple Street"),
            "a value committed before closing is there after reopening"
        );
    }

    #[test]
    fn a_file_that_is_not_a_database_is_a_clear_error() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(
            dir.path().join(FILE_NAME),
            b"this is not sqlite, just some text file",
        )
        .expect("write");
        let err = Store::open_in(dir.path()).expect_err("garbage must not open as a store");
        assert!(
            matches!(err, Error::Storage(_)),
            "a corrupt file surfaces as a storage error, not a panic: {err:?}"
        );
        assert_eq!(
            std::fs::read(dir.path().join(FILE_NAME)).expect("read back"),
            b"this is not sqlite, just some text file",
            "a file we cannot read is left untouched for the owner to recover"
        );
    }

    #[test]
    fn a_database_from_a_newer_app_is_not_modified_by_opening() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(FILE_NAME);
        {
            let conn = Connection::open(&path).expect("create");
            conn.execute_batch("CREATE TABLE future (x); PRAGMA user_version = 99;")
                .expect("future schema");
        }
        let before = std::fs::read(&path).expect("read");
        let err = Store::open_in(dir.path()).expect_err("a newer schema is refused");
        assert!(
            matches!(err, Error::SchemaTooNew { found: 99, .. }),
            "got {err:?}"
        );
        assert!(
            std::fs::read(&path).expect("read") == before,
            "not even the journal mode may change: the newer app owns this file"
        );
    }
}
