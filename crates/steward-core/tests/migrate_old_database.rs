//! A database written by an older schema is migrated to the latest without losing what it held.

use rusqlite::Connection;
use steward_core::store::{migrations, settings, FILE_NAME};
use steward_core::{home, Store};

fn settings_rows(conn: &Connection) -> Vec<(String, String, i64)> {
    let mut stmt = conn
        .prepare("SELECT key, value, updated_at FROM settings ORDER BY key")
        .expect("settings table readable");
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
}

#[test]
fn a_version_1_database_is_migrated_without_loss() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(FILE_NAME);
    let before = {
        let conn = Connection::open(&path).expect("create v1 file");
        conn.execute_batch(include_str!("fixtures/schema-v1.sql"))
            .expect("load the v1 fixture");
        assert_eq!(
            migrations::current_version(&conn).expect("version"),
            1,
            "the fixture is at version 1"
        );
        settings_rows(&conn)
    };

    let store = Store::open_in(dir.path()).expect("opening an old database migrates it");
    assert_eq!(
        store.schema_version().expect("version"),
        migrations::LATEST,
        "migrated to the latest schema"
    );
    assert_eq!(
        settings::get(&store, settings::HOUSEHOLD_NAME)
            .expect("read")
            .as_deref(),
        Some("Maple Street ☀"),
        "the owner's settings survive the migration, byte for byte"
    );
    let summary = home::summary(&store).expect("the migrated store serves the home summary");
    assert!(
        summary.devices.is_empty(),
        "tables added by later versions start empty"
    );
    drop(store);

    let conn = Connection::open(&path).expect("reopen raw");
    assert_eq!(
        settings_rows(&conn),
        before,
        "every row of every old table is unchanged"
    );
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity check");
    assert_eq!(
        check, "ok",
        "the migrated file passes SQLite's integrity check"
    );
}

#[test]
fn each_older_version_built_by_its_migrations_reaches_the_latest() {
    for version in 0..migrations::LATEST {
        let dir = tempfile::tempdir().expect("temp dir");
        {
            let mut conn = Connection::open(dir.path().join(FILE_NAME)).expect("create");
            migrations::migrate_to(&mut conn, version).expect("build the older schema");
        }
        let store = Store::open_in(dir.path())
            .unwrap_or_else(|e| panic!("version {version} must migrate: {e}"));
        assert_eq!(
            store.schema_version().expect("version"),
            migrations::LATEST,
            "from version {version}"
        );
    }
}

#[test]
fn a_year_of_use_recorded_before_the_quarter_hour_summary_is_summed_into_it() {
    use steward_core::store::usage;
    let dir = tempfile::tempdir().expect("temp dir");
    {
        let mut conn = Connection::open(dir.path().join(FILE_NAME)).expect("create");
        migrations::migrate_to(&mut conn, 5).expect("version 5, before the summary");
        conn.execute_batch(
            "INSERT INTO consumables (id, name, unit, capacity, remaining, threshold, created_at, updated_at)
                 VALUES (1, 'Soap', 'packet', 40, 40, 8, 0, 0);
             INSERT INTO usage_events (consumable_id, seq, amount, at) VALUES
                 (1, 1, 1, 1795000000), (1, 2, 2, 1795000100), (1, 3, 1, 1795000950),
                 (1, 4, 3, 1795086400);",
        )
        .expect("old rows");
    }
    let store = Store::open_in(dir.path()).expect("migrates");
    assert_eq!(
        usage::total(&store, 1).expect("total"),
        7,
        "every event summed"
    );
    let days = usage::daily(&store, 1, 1_795_086_400 + 10, 2, 0).expect("daily");
    assert_eq!(
        days.iter().sum::<u32>(),
        7,
        "and placed on its day: {days:?}"
    );
}
