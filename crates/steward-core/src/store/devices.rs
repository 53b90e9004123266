//! The `devices` table: the home devices paired with this phone, remembered by identity.

use super::Store;
use crate::Result;

/// A paired device as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceRow {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub paired_at: i64,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_devices_by_name() {
        let store = Store::open_in_memory().expect("store");
        assert!(
            list(&store).expect("list").is_empty(),
            "a new home has no devices"
        );
        store
            .conn()
            .execute_batch(
                "INSERT INTO devices VALUES ('b', 'toaster', 'toaster', 2);
                 INSERT INTO devices VALUES ('a', 'Light', 'light', 1);",
            )
            .expect("insert");
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
}
