//! Encryption at rest: the household database is a SQLCipher file (AES-256 pages with an HMAC
//! each), keyed with 32 random bytes the app keeps in the platform keystore, never on disk
//! beside it (docs/SECURITY.md, "Data at rest"). A plain database from an earlier release is
//! re-written encrypted the first time it is opened with a key.
//!
//! The key reaches SQLCipher as its raw-key literal (`x'…'`, no passphrase KDF): PRAGMA values
//! cannot be bound parameters, so this is the one statement that splices text, and the text is
//! 64 hex digits the app made itself. The string is zeroed after use.

use std::path::Path;

use rusqlite::Connection;
use zeroize::Zeroizing;

use crate::{Error, Result};

/// The first 16 bytes of every plain SQLite file; an encrypted one starts with random salt.
const PLAIN_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// The key of an encrypted household database.
#[derive(Clone)]
pub struct DatabaseKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for DatabaseKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DatabaseKey(********)")
    }
}

impl DatabaseKey {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(Zeroizing::new(bytes))
    }

    /// `x'<64 hex digits>'`, SQLCipher's raw-key form.
    fn literal(&self) -> Zeroizing<String> {
        let mut out = Zeroizing::new(String::with_capacity(67));
        out.push_str("x'");
        for byte in self.0.iter() {
            out.push(char::from(b"0123456789abcdef"[usize::from(byte >> 4)]));
            out.push(char::from(b"0123456789abcdef"[usize::from(byte & 0xf)]));
        }
        out.push('\'');
        out
    }
}

/// Whether the file at `path` is a plain (unencrypted) SQLite database.
pub(crate) fn is_plain(path: &Path) -> bool {
    use std::io::Read;
    let mut header = [0u8; 16];
    std::fs::File::open(path)
        .and_then(|mut file| file.read_exact(&mut header))
        .is_ok_and(|()| &header == PLAIN_HEADER)
}

/// Keys `conn` (before anything else touches it) and checks the key opens the file.
pub(crate) fn apply_key(conn: &Connection, key: &DatabaseKey) -> Result<()> {
    let statement = Zeroizing::new(format!("PRAGMA key = \"{}\";", key.literal().as_str()));
    conn.execute_batch(&statement)?;
    // PRAGMA key always succeeds; the first read tells whether the key fits.
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |row| {
        row.get::<_, i64>(0)
    }) {
        Ok(_) => Ok(()),
        Err(rusqlite::Error::SqliteFailure(failure, _))
            if failure.code == rusqlite::ErrorCode::NotADatabase =>
        {
            Err(Error::WrongKey)
        }
        Err(error) => Err(error.into()),
    }
}

/// Re-writes the plain database at `path` encrypted with `key`, in place. Crash-safe: the
/// encrypted copy is written beside it and renamed over it only once complete and checked; a
/// crash before that leaves the plain file as it was, and the next open starts again.
pub(crate) fn encrypt_plain(path: &Path, key: &DatabaseKey) -> Result<()> {
    let partial = path.with_extension("sqlite3-encrypting");
    let _ = std::fs::remove_file(&partial);
    {
        let plain = Connection::open(path)?;
        // Everything in the WAL goes into the main file first, so the export sees it all.
        plain.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        let version: i64 = plain.query_row("PRAGMA user_version", [], |row| row.get(0))?;
        let attach = Zeroizing::new(format!(
            "ATTACH DATABASE '{}' AS encrypted KEY \"{}\";",
            partial.display().to_string().replace('\'', "''"),
            key.literal().as_str()
        ));
        plain.execute_batch(&attach)?;
        plain.query_row("SELECT sqlcipher_export('encrypted')", [], |_| Ok(()))?;
        // sqlcipher_export does not copy user_version, which the migrations key on.
        plain.execute_batch(&format!("PRAGMA encrypted.user_version = {version};"))?;
        plain.execute_batch("DETACH DATABASE encrypted;")?;
    }
    {
        let check = Connection::open(&partial)?;
        apply_key(&check, key)?;
        let verdict: String = check.query_row("PRAGMA integrity_check", [], |row| row.get(0))?;
        if verdict != "ok" {
            let _ = std::fs::remove_file(&partial);
            return Err(Error::InvalidInput {
                field: "database",
                reason: format!("the encrypted copy failed its check ({verdict})"),
            });
        }
    }
    std::fs::File::open(&partial)
        .and_then(|file| file.sync_all())
        .map_err(|source| Error::DataDir {
            path: partial.clone(),
            source,
        })?;
    std::fs::rename(&partial, path).map_err(|source| Error::DataDir {
        path: path.to_owned(),
        source,
    })?;
    // The plain WAL and index, if a crash left them, belong to the file that is gone.
    for suffix in ["-wal", "-shm"] {
        let mut side = path.as_os_str().to_owned();
        side.push(suffix);
        let _ = std::fs::remove_file(side);
    }
    Ok(())
}
