//! The core's typed errors. The shell turns them into messages a person can act on; the core
//! never formats user-facing text beyond a precise reason.

use std::path::PathBuf;

/// Everything that can go wrong inside the core.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The data directory or database file could not be created or reached.
    #[error("cannot use the data directory {path}: {source}")]
    DataDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The database is encrypted with another key than the one given (or is not a database).
    #[error("the database does not open with this key")]
    WrongKey,
    /// SQLite refused an operation (a full disk, a locked or corrupt file, a bad query).
    #[error("storage error: {0}")]
    Storage(#[from] rusqlite::Error),
    /// The schema could not be brought up to date.
    #[error("cannot migrate the database: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    /// The database was written by a newer Steward than this one; opening it could lose data.
    #[error("the database is at schema version {found}, newer than this app knows ({known})")]
    SchemaTooNew { found: u32, known: u32 },
    /// A record the caller named does not exist (any more).
    #[error("no {what} {id}")]
    NotFound { what: &'static str, id: String },
    /// The consent gate refused a disclosure: a required field has no live grant for that
    /// partner and purpose, or the partner never declared it would ask for it. Nothing was sent
    /// and nothing was written to the ledger.
    #[error("not shared with {partner}: {reason}")]
    NotShared { partner: String, reason: String },
    /// Input from the owner or a device was refused, with the reason.
    #[error("{field}: {reason}")]
    InvalidInput { field: &'static str, reason: String },
}

/// The core's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
