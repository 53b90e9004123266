//! The household database at rest: a SQLCipher file that shows nothing of the household without
//! its key, refuses a wrong key without touching the file, and a plain database from an earlier
//! release is encrypted in place on first open, losing nothing (its schema version included).

use std::path::Path;

use steward_core::store::{settings, DatabaseKey, FILE_NAME};
use steward_core::{Error, Store};

const HOUSEHOLD: &str = "Maple Street household";

fn everything_in(dir: &Path) -> Vec<u8> {
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(dir).expect("dir").flatten() {
        if entry.path().is_file() {
            bytes.extend(std::fs::read(entry.path()).expect("read"));
        }
    }
    bytes
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[test]
fn an_encrypted_store_shows_nothing_without_its_key() {
    let dir = tempfile::tempdir().expect("dir");
    let key = DatabaseKey::from_bytes([7; 32]);
    {
        let mut store = Store::open_encrypted(dir.path(), &key).expect("created");
        settings::set(&mut store, settings::HOUSEHOLD_NAME, HOUSEHOLD, 1).expect("write");
        assert!(
            store.cipher_version().expect("asked").is_some(),
            "SQLCipher is linked"
        );
    }
    let file = std::fs::read(dir.path().join(FILE_NAME)).expect("read");
    assert!(!file.starts_with(b"SQLite format 3"), "no plain header");
    assert!(
        !contains(&everything_in(dir.path()), HOUSEHOLD),
        "the household's name is in no file in the clear"
    );

    let store = Store::open_encrypted(dir.path(), &key).expect("reopened");
    assert_eq!(
        settings::get(&store, settings::HOUSEHOLD_NAME)
            .expect("read")
            .as_deref(),
        Some(HOUSEHOLD)
    );
    drop(store);

    let before = std::fs::read(dir.path().join(FILE_NAME)).expect("read");
    assert!(matches!(
        Store::open_encrypted(dir.path(), &DatabaseKey::from_bytes([8; 32])),
        Err(Error::WrongKey)
    ));
    assert!(
        Store::open_in(dir.path()).is_err(),
        "without a key it is not a database"
    );
    assert_eq!(
        std::fs::read(dir.path().join(FILE_NAME)).expect("read"),
        before,
        "a wrong key changes nothing"
    );
}

#[test]
fn a_plain_database_is_encrypted_in_place_without_loss() {
    let dir = tempfile::tempdir().expect("dir");
    {
        let mut plain = Store::open_in(dir.path()).expect("a plain store, as releases before had");
        settings::set(&mut plain, settings::HOUSEHOLD_NAME, HOUSEHOLD, 1).expect("write");
    }
    assert!(
        contains(&everything_in(dir.path()), HOUSEHOLD),
        "plain before"
    );
    // A crash during an earlier attempt left half an encrypted copy behind.
    std::fs::write(
        dir.path().join("steward.sqlite3-encrypting"),
        b"half a file",
    )
    .expect("leftover");

    let key = DatabaseKey::from_bytes([9; 32]);
    let store = Store::open_encrypted(dir.path(), &key).expect("encrypted on open");
    assert_eq!(
        settings::get(&store, settings::HOUSEHOLD_NAME)
            .expect("read")
            .as_deref(),
        Some(HOUSEHOLD),
        "the rows arrived"
    );
    assert_eq!(
        store.schema_version().expect("version"),
        steward_core::store::migrations::LATEST,
        "the schema version arrived (sqlcipher_export does not copy it on its own)"
    );
    assert_eq!(store.integrity_check().expect("check"), "ok");
    drop(store);
    assert!(
        !contains(&everything_in(dir.path()), HOUSEHOLD),
        "nothing in the clear is left in the folder"
    );
    assert!(!dir.path().join("steward.sqlite3-encrypting").exists());
    assert!(
        Store::open_encrypted(dir.path(), &key).is_ok(),
        "and it opens again"
    );
}
