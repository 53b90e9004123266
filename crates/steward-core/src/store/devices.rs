//! The `devices` table: the home devices paired with this phone, remembered by identity, with
//! the key that authenticates each later connection and the last event sequence recorded.

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
    pub pairing_key: [u8; 32],
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

/// Records a device just paired (or paired again), with its key.
pub fn save_paired(store: &mut Store, device: &DeviceRow, pairing_key: &[u8; 32]) -> Result<()> {
    let tx = store.conn_mut().transaction()?;
    tx.execute(
        "INSERT INTO devices (id, name, kind, paired_at, pairing_key, last_seq) VALUES (?1, ?2, ?3, ?4, ?5, 0)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, kind = excluded.kind,
             paired_at = excluded.paired_at, pairing_key = excluded.pairing_key",
        params![device.id, device.name, device.kind, device.paired_at, &pairing_key[..]],
    )?;
    tx.commit()?;
    Ok(())
}

/// The devices that can be reconnected: those with a pairing key.
pub fn keys(store: &Store) -> Result<Vec<DeviceKey>> {
    let mut stmt = store
        .conn()
        .prepare_cached("SELECT id, kind, pairing_key, last_seq FROM devices WHERE pairing_key IS NOT NULL ORDER BY id")?;
    let rows = stmt.query_map([], |row| {
        let key: Vec<u8> = row.get(2)?;
        let last_seq: i64 = row.get(3)?;
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            key,
            last_seq,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, kind, key, last_seq) = row?;
        // A key of the wrong size cannot authenticate; the device must be paired again.
        let Ok(pairing_key) = <[u8; 32]>::try_from(key.as_slice()) else {
            tracing::warn!(device = %id, "stored pairing key has the wrong size; skipping");
            continue;
        };
        out.push(DeviceKey {
            id,
            kind,
            pairing_key,
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
        save_paired(&mut store, &row("b", "toaster"), &[1; 32]).expect("save");
        save_paired(&mut store, &row("a", "Light"), &[2; 32]).expect("save");
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
    fn keeps_the_key_and_the_sequence_for_reconnecting() {
        let mut store = Store::open_in_memory().expect("store");
        save_paired(&mut store, &row("a", "Lamp"), &[7; 32]).expect("save");
        advance_seq(&mut store, "a", 12).expect("advance");
        advance_seq(&mut store, "a", 5).expect("an older sequence");
        assert_eq!(
            keys(&store).expect("keys"),
            [DeviceKey {
                id: "a".into(),
                kind: "light".into(),
                pairing_key: [7; 32],
                last_seq: 12
            }],
            "the sequence never moves backwards"
        );
        save_paired(&mut store, &row("a", "Lamp again"), &[8; 32]).expect("pair again");
        assert_eq!(
            keys(&store).expect("keys")[0].pairing_key,
            [8; 32],
            "pairing again replaces the key"
        );
        assert_eq!(
            keys(&store).expect("keys")[0].last_seq,
            12,
            "but keeps the event history position"
        );
        assert!(remove(&mut store, "a").expect("remove"));
        assert!(keys(&store).expect("keys").is_empty());
    }
}
