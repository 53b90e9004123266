//! The `devices` table: the home devices paired with this phone, remembered by identity, with
//! each device's long-term public key (what pair-verify checks it against), the boot id of its
//! last session, and the last event sequence recorded in that boot.

use rusqlite::{params, OptionalExtension};

use super::Store;
use crate::Result;

/// A paired device as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceRow {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub paired_at: i64,
}

/// What reconnecting to a device needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceKey {
    pub id: String,
    pub kind: String,
    pub device_key: [u8; 32],
    pub boot_id: Option<[u8; 8]>,
    pub last_seq: u32,
}

/// Every paired device, by name.
pub fn list(store: &Store) -> Result<Vec<DeviceRow>> {
    let mut stmt = store.conn().prepare_cached(
        "SELECT id, name, kind, paired_at FROM devices ORDER BY name COLLATE NOCASE, id",
    )?;
    let rows = stmt.query_map([], |row| {
        Ok(DeviceRow {
            id: row.get(0)?,
            name: row.get(1)?,
            kind: row.get(2)?,
            paired_at: row.get(3)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One paired device.
pub fn get(store: &Store, id: &str) -> Result<Option<DeviceRow>> {
    Ok(store
        .conn()
        .query_row(
            "SELECT id, name, kind, paired_at FROM devices WHERE id = ?1",
            params![id],
            |row| {
                Ok(DeviceRow {
                    id: row.get(0)?,
                    name: row.get(1)?,
                    kind: row.get(2)?,
                    paired_at: row.get(3)?,
                })
            },
        )
        .optional()?)
}

/// Records a device just paired (or paired again), with its long-term public key and the boot
/// id of the session pairing opened. Paired again in the same boot, the recorded position
/// stands; in a new boot it goes back to 0.
pub fn save_paired(
    store: &mut Store,
    device: &DeviceRow,
    device_key: &[u8; 32],
    boot_id: &[u8; 8],
) -> Result<()> {
    let tx = store.conn_mut().transaction()?;
    upsert(&tx, device, device_key, boot_id)?;
    tx.commit()?;
    Ok(())
}

fn upsert(
    tx: &rusqlite::Transaction<'_>,
    device: &DeviceRow,
    device_key: &[u8; 32],
    boot_id: &[u8; 8],
) -> Result<()> {
    tx.execute(
        "INSERT INTO devices (id, name, kind, paired_at, device_key, boot_id, last_seq)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, kind = excluded.kind,
             paired_at = excluded.paired_at, device_key = excluded.device_key,
             last_seq = CASE WHEN devices.boot_id IS excluded.boot_id THEN devices.last_seq ELSE 0 END,
             boot_id = excluded.boot_id",
        params![
            device.id,
            device.name,
            device.kind,
            device.paired_at,
            &device_key[..],
            &boot_id[..]
        ],
    )?;
    Ok(())
}

/// A device just paired, with where its use counter stands and the supply it feeds: recorded in
/// one transaction, so a crash (or a failure) leaves either all of it or none, never a paired
/// device with no supply. A supply is not added twice for a device paired again. Returns the
/// supply's consumable id, if there is one.
pub fn save_paired_with_supply(
    store: &mut Store,
    device: &DeviceRow,
    device_key: &[u8; 32],
    boot_id: &[u8; 8],
    counter: Option<u32>,
    supply: Option<&crate::inventory::ConsumableSpec>,
    now: i64,
) -> Result<Option<i64>> {
    let tx = store.conn_mut().transaction()?;
    upsert(&tx, device, device_key, boot_id)?;
    if let Some(counter) = counter {
        tx.execute(
            "UPDATE devices SET last_counter = ?2 WHERE id = ?1",
            params![device.id, counter],
        )?;
    }
    let existing: Option<i64> = tx
        .query_row(
            "SELECT id FROM consumables WHERE device_id = ?1",
            params![device.id],
            |row| row.get(0),
        )
        .optional()?;
    let consumable = match (existing, supply) {
        (Some(id), _) => Some(id),
        (None, Some(spec)) => Some(super::consumables::insert(
            &tx,
            spec,
            Some(&device.id),
            now,
        )?),
        (None, None) => None,
    };
    tx.commit()?;
    Ok(consumable)
}

/// Records the boot id a device's new session gave. A different one than stored means the
/// device restarted its numbering: the recorded position goes back to 0.
pub fn set_boot(store: &mut Store, id: &str, boot_id: &[u8; 8]) -> Result<()> {
    let tx = store.conn_mut().transaction()?;
    tx.execute(
        "UPDATE devices SET last_seq = CASE WHEN boot_id IS ?2 THEN last_seq ELSE 0 END,
             boot_id = ?2
         WHERE id = ?1",
        params![id, &boot_id[..]],
    )?;
    tx.commit()?;
    Ok(())
}

/// The devices that can be reconnected: those with a long-term key.
pub fn keys(store: &Store) -> Result<Vec<DeviceKey>> {
    let mut stmt = store.conn().prepare_cached(
        "SELECT id, kind, device_key, boot_id, last_seq FROM devices
         WHERE device_key IS NOT NULL ORDER BY id",
    )?;
    let rows = stmt.query_map([], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, Vec<u8>>(2)?,
            row.get::<_, Option<Vec<u8>>>(3)?,
            row.get::<_, i64>(4)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, kind, key, boot, last_seq) = row?;
        // The schema checks the sizes; a key that still does not fit cannot authenticate.
        let Ok(device_key) = <[u8; 32]>::try_from(key.as_slice()) else {
            tracing::warn!(device = %id, "stored device key has the wrong size; skipping");
            continue;
        };
        out.push(DeviceKey {
            id,
            kind,
            device_key,
            boot_id: boot.and_then(|b| <[u8; 8]>::try_from(b.as_slice()).ok()),
            last_seq: u32::try_from(last_seq).unwrap_or(0),
        });
    }
    Ok(out)
}

/// Records that events up to `seq` are stored; never moves backwards.
pub fn advance_seq(store: &mut Store, id: &str, seq: u32) -> Result<()> {
    let tx = store.conn_mut().transaction()?;
    tx.execute(
        "UPDATE devices SET last_seq = max(last_seq, ?2) WHERE id = ?1",
        params![id, seq],
    )?;
    tx.commit()?;
    Ok(())
}

/// Forgets a device.
pub fn remove(store: &mut Store, id: &str) -> Result<bool> {
    let tx = store.conn_mut().transaction()?;
    let removed = tx.execute("DELETE FROM devices WHERE id = ?1", params![id])? > 0;
    tx.commit()?;
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, name: &str) -> DeviceRow {
        DeviceRow {
            id: id.into(),
            name: name.into(),
            kind: "light".into(),
            paired_at: 1,
        }
    }

    #[test]
    fn lists_devices_by_name() {
        let mut store = Store::open_in_memory().expect("store");
        assert!(
            list(&store).expect("list").is_empty(),
            "a new home has no devices"
        );
        save_paired(&mut store, &row("b", "toaster"), &[1; 32], &[1; 8]).expect("save");
        save_paired(&mut store, &row("a", "Light"), &[2; 32], &[1; 8]).expect("save");
        let names: Vec<String> = list(&store)
            .expect("list")
            .into_iter()
            .map(|d| d.name)
            .collect();
        assert_eq!(
            names,
            ["Light", "toaster"],
            "devices are ordered by name, ignoring case"
        );
    }

    #[test]
    fn keeps_the_key_the_boot_and_the_sequence_for_reconnecting() {
        let mut store = Store::open_in_memory().expect("store");
        save_paired(&mut store, &row("a", "Lamp"), &[7; 32], &[1; 8]).expect("save");
        advance_seq(&mut store, "a", 12).expect("advance");
        advance_seq(&mut store, "a", 5).expect("an older sequence");
        assert_eq!(
            keys(&store).expect("keys"),
            [DeviceKey {
                id: "a".into(),
                kind: "light".into(),
                device_key: [7; 32],
                boot_id: Some([1; 8]),
                last_seq: 12
            }],
            "the sequence never moves backwards"
        );
        save_paired(&mut store, &row("a", "Lamp again"), &[8; 32], &[1; 8]).expect("pair again");
        let key = &keys(&store).expect("keys")[0];
        assert_eq!(key.device_key, [8; 32], "pairing again replaces the key");
        assert_eq!(key.last_seq, 12, "in the same boot, the position stands");

        set_boot(&mut store, "a", &[1; 8]).expect("same boot");
        assert_eq!(keys(&store).expect("keys")[0].last_seq, 12);
        set_boot(&mut store, "a", &[2; 8]).expect("new boot");
        let key = &keys(&store).expect("keys")[0];
        assert_eq!(
            (key.boot_id, key.last_seq),
            (Some([2; 8]), 0),
            "a new boot id restarts the numbering, known rather than guessed"
        );
        assert!(remove(&mut store, "a").expect("remove"));
        assert!(keys(&store).expect("keys").is_empty());
    }

    #[test]
    fn the_schema_refuses_keys_of_the_wrong_size() {
        let mut store = Store::open_in_memory().expect("store");
        assert!(save_paired(&mut store, &row("a", "Lamp"), &[7; 32], &[1; 8]).is_ok());
        let short = store
            .conn()
            .execute("UPDATE devices SET device_key = x'0102' WHERE id = 'a'", []);
        assert!(short.is_err(), "a 2-byte key is refused by the schema");
    }

    #[test]
    fn a_device_and_its_supply_are_recorded_together_or_not_at_all() {
        use crate::inventory::{ConsumableInput, ConsumableSpec};
        let spec = ConsumableSpec::parse(&ConsumableInput {
            name: "Dish soap".into(),
            unit: "packet".into(),
            capacity: 40,
            remaining: 7,
            ..Default::default()
        })
        .expect("valid");
        let mut store = Store::open_in_memory().expect("store");
        // The supply's write fails (a full disk, a crash): the pairing is not kept either.
        store
            .conn()
            .execute_batch(
                "CREATE TEMP TRIGGER fail BEFORE INSERT ON consumables
                 BEGIN SELECT RAISE(ABORT, 'disk full'); END;",
            )
            .expect("trigger");
        assert!(save_paired_with_supply(
            &mut store,
            &row("a", "Dish soap"),
            &[1; 32],
            &[1; 8],
            Some(3),
            Some(&spec),
            10
        )
        .is_err());
        assert!(
            list(&store).expect("list").is_empty(),
            "no device without its supply"
        );
        store
            .conn()
            .execute_batch("DROP TRIGGER fail;")
            .expect("dropped");

        let id = save_paired_with_supply(
            &mut store,
            &row("a", "Dish soap"),
            &[1; 32],
            &[1; 8],
            Some(3),
            Some(&spec),
            10,
        )
        .expect("saved")
        .expect("a supply");
        assert_eq!(list(&store).expect("list").len(), 1);
        let again = save_paired_with_supply(
            &mut store,
            &row("a", "Dish soap"),
            &[1; 32],
            &[1; 8],
            Some(3),
            Some(&spec),
            11,
        )
        .expect("paired again")
        .expect("its supply");
        assert_eq!(again, id, "paired again: the same supply, not a second");
        let low: Vec<String> = crate::store::shopping::list(&store)
            .expect("list")
            .into_iter()
            .map(|i| i.title)
            .collect();
        assert_eq!(
            low,
            ["Dish soap"],
            "7 of 40 at pairing: listed, in the same transaction"
        );
    }
}
