//! The commands as the UI calls them, against a real SQLite file in a temp directory.

mod common;

use common::Collect;
use steward_api::{AppEvent, ErrorCode, Steward};

#[test]
fn home_starts_empty_and_naming_it_persists_across_restarts() {
    let dir = tempfile::tempdir().expect("temp dir");
    let events = Collect::default();
    {
        let steward = Steward::open(dir.path(), events.clone(), common::keys());
        let home = steward.home().expect("home");
        assert_eq!(home.household_name, None, "a new household has no name");
        assert!(home.devices.is_empty(), "and no devices");

        let renamed = steward
            .set_household_name("  Maple Street ")
            .expect("rename");
        assert_eq!(
            renamed.household_name.as_deref(),
            Some("Maple Street"),
            "the name is trimmed and returned"
        );
        assert_eq!(
            events.0.lock().expect("lock").as_slice(),
            [AppEvent::HomeChanged(renamed.clone())],
            "a rename announces exactly one HomeChanged carrying the new summary"
        );
    }
    let reopened = Steward::open(dir.path(), steward_api::events::Discard, common::keys());
    assert_eq!(
        reopened.home().expect("home").household_name.as_deref(),
        Some("Maple Street"),
        "the name was written to the SQLite file, not kept in memory"
    );
}

#[test]
fn a_refused_name_changes_nothing_and_says_why() {
    let dir = tempfile::tempdir().expect("temp dir");
    let events = Collect::default();
    let steward = Steward::open(dir.path(), events.clone(), common::keys());
    steward.set_household_name("Before").expect("first name");
    events.0.lock().expect("lock").clear();

    let err = steward
        .set_household_name("bad\u{0}name")
        .expect_err("a NUL must be refused");
    assert_eq!(
        err.code,
        ErrorCode::InvalidInput,
        "the UI keeps the form open on invalid input"
    );
    assert!(
        err.message.starts_with("Household name:"),
        "the message names the field: {}",
        err.message
    );
    assert_eq!(
        steward.home().expect("home").household_name.as_deref(),
        Some("Before"),
        "the old name is kept"
    );
    assert!(
        events.0.lock().expect("lock").is_empty(),
        "nothing changed, so nothing is announced"
    );
}

#[test]
fn an_unusable_data_directory_is_explained_and_recovers_once_fixed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    std::fs::write(&data, b"a file where the data directory should be").expect("write");
    let steward = Steward::open(&data, steward_api::events::Discard, common::keys());

    let err = steward
        .home()
        .expect_err("cannot use a file as a directory");
    assert_eq!(err.code, ErrorCode::Storage);
    assert!(
        err.message.contains("Nothing was changed"),
        "the message reassures and advises: {}",
        err.message
    );

    std::fs::remove_file(&data).expect("the owner frees the path");
    let home = steward
        .home()
        .expect("the next command opens the store: no restart needed");
    assert_eq!(home.household_name, None);
}

#[test]
fn a_database_from_a_newer_app_is_explained_and_left_untouched() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(steward_core::store::FILE_NAME);
    {
        let conn = rusqlite::Connection::open(&path).expect("create");
        conn.execute_batch("CREATE TABLE future (x); PRAGMA user_version = 99;")
            .expect("future schema");
    }
    let before = std::fs::read(&path).expect("read");
    let steward = Steward::open(dir.path(), steward_api::events::Discard, common::keys());

    let err = steward
        .set_household_name("Anything")
        .expect_err("a newer schema must not be written to");
    assert_eq!(err.code, ErrorCode::Storage);
    assert!(
        err.message.contains("newer version of Steward"),
        "the owner learns to update: {}",
        err.message
    );
    assert!(
        std::fs::read(&path).expect("read") == before,
        "the newer database is byte-for-byte untouched"
    );
}

#[test]
fn where_there_is_no_keyring_the_owner_is_told_where_the_key_is() {
    let dir = tempfile::tempdir().expect("temp dir");
    let keys = dir.path().join("keys");
    let steward = Steward::open(
        dir.path(),
        steward_api::events::Discard,
        std::sync::Arc::new(steward_keystore::FileKeystore::new(&keys)),
    );
    steward.set_household_name("Maple Street").expect("works");
    let said = steward.data_protection();
    assert!(!said.in_keystore);
    assert!(
        said.message.contains("no keyring") && said.message.contains(&keys.display().to_string()),
        "{}",
        said.message
    );
    assert!(
        keys.join("database-key.key").is_file(),
        "the key is where the owner is told it is"
    );
}

#[cfg(unix)]
#[test]
fn an_export_is_private_synced_and_never_follows_a_planted_link() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("temp dir");
    let exports = dir.path().join("downloads");
    std::fs::create_dir_all(&exports).expect("dir");
    let steward = Steward::open(
        &dir.path().join("data"),
        steward_api::events::Discard,
        common::keys(),
    )
    .with_export_dir(exports.clone());
    steward.set_household_name("Maple Street").expect("named");

    // Someone plants links at every name the export could use this minute.
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, b"not Steward's").expect("victim");
    let first = steward.export_household().expect("export");
    let name = std::path::Path::new(&first.path)
        .file_name()
        .and_then(|n| n.to_str())
        .expect("name")
        .to_owned();
    std::fs::remove_file(&first.path).expect("removed");
    std::os::unix::fs::symlink(&victim, exports.join(format!("{name}.partial"))).expect("link");

    let export = steward.export_household().expect("export despite the link");
    assert_eq!(
        std::fs::read(&victim).expect("victim"),
        b"not Steward's",
        "the planted link was not followed"
    );
    let meta = std::fs::symlink_metadata(&export.path).expect("export");
    assert!(meta.file_type().is_file(), "a real file, not a link");
    assert_eq!(
        meta.permissions().mode() & 0o777,
        0o600,
        "readable by the owner only"
    );
    let text = std::fs::read_to_string(&export.path).expect("read");
    assert!(text.contains("Maple Street"));
    assert!(
        std::fs::read_dir(&exports)
            .expect("list")
            .flatten()
            .all(|e| !e.file_name().to_string_lossy().ends_with(".partial")),
        "nothing half-written is left"
    );
}

#[cfg(unix)]
#[test]
fn only_a_finished_export_in_the_export_folder_can_be_shown() {
    let dir = tempfile::tempdir().expect("temp dir");
    let exports = dir.path().join("downloads");
    let steward = Steward::open(
        &dir.path().join("data"),
        steward_api::events::Discard,
        common::keys(),
    )
    .with_export_dir(exports.clone());
    let export = steward.export_household().expect("export");
    assert_eq!(export.folder, exports.display().to_string());
    assert_eq!(
        steward.export_file(&export.file_name).expect("shown"),
        std::path::Path::new(&export.path),
        "the shell gets the file the owner just saved"
    );

    std::fs::write(dir.path().join("secret.txt"), b"x").expect("other file");
    std::os::unix::fs::symlink(
        dir.path().join("secret.txt"),
        exports.join("steward-export-2020-01-01-000000.json"),
    )
    .expect("link");
    std::fs::write(exports.join("notes.json"), b"{}").expect("other json");
    for name in [
        "../secret.txt",
        "/etc/passwd",
        "notes.json",
        "steward-export-2020-01-01-000000.json",
        "steward-export-x.json.partial",
        "",
        &format!("../downloads/{}", export.file_name),
    ] {
        let refused = steward.export_file(name).expect_err(name);
        assert!(
            refused.message.contains("no longer on this device"),
            "{name}: {}",
            refused.message
        );
    }
    std::fs::remove_file(&export.path).expect("removed");
    assert!(
        steward.export_file(&export.file_name).is_err(),
        "a removed export is said to be gone"
    );
}
