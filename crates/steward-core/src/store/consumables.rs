//! The `consumables` table: what the household uses up, with its stock and shopping-list
//! threshold, optionally fed by the device that uses it. Every change of stock goes through
//! [`change_stock`], which applies the shopping-list rule in the same transaction.

use rusqlite::{params, OptionalExtension, Row, Transaction};

use super::{shopping, Store};
use crate::inventory::{threshold, ConsumableSpec};
use crate::{Error, Result};

/// A consumable as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumableRow {
    pub id: i64,
    pub name: String,
    pub brand: Option<String>,
    pub gtin: Option<String>,
    pub unit: String,
    pub capacity: u32,
    pub remaining: u32,
    pub threshold: u32,
    /// The paired device that uses it up, if any (hex identity).
    pub device_id: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLUMNS: &str = "id, name, brand, gtin, unit, capacity, remaining, threshold, device_id, created_at, updated_at";

fn from_row(row: &Row<'_>) -> rusqlite::Result<ConsumableRow> {
    Ok(ConsumableRow {
        id: row.get(0)?,
        name: row.get(1)?,
        brand: row.get(2)?,
        gtin: row.get(3)?,
        unit: row.get(4)?,
        capacity: row.get(5)?,
        remaining: row.get(6)?,
        threshold: row.get(7)?,
        device_id: row.get(8)?,
        created_at: row.get(9)?,
        updated_at: row.get(10)?,
    })
}

/// Every consumable, by name.
pub fn list(store: &Store) -> Result<Vec<ConsumableRow>> {
    let mut stmt = store.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM consumables ORDER BY name COLLATE NOCASE, id"
    ))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One consumable.
pub fn get(store: &Store, id: i64) -> Result<Option<ConsumableRow>> {
    Ok(store
        .conn()
        .query_row(
            &format!("SELECT {COLUMNS} FROM consumables WHERE id = ?1"),
            params![id],
            from_row,
        )
        .optional()?)
}

/// The consumable a device feeds, if any.
pub fn for_device(store: &Store, device_id: &str) -> Result<Option<ConsumableRow>> {
    Ok(store
        .conn()
        .query_row(
            &format!("SELECT {COLUMNS} FROM consumables WHERE device_id = ?1"),
            params![device_id],
            from_row,
        )
        .optional()?)
}

/// Adds a consumable, fed by `device_id` if given; returns its id. A consumable created at or
/// below its threshold is not listed: it never crossed it, and stock not yet recorded must not
/// nag.
pub fn create(
    store: &mut Store,
    spec: &ConsumableSpec,
    device_id: Option<&str>,
    now: i64,
) -> Result<i64> {
    let tx = store.conn_mut().transaction()?;
    let id = insert(&tx, spec, device_id, now)?;
    tx.commit()?;
    Ok(id)
}

/// [`create`] inside the caller's transaction.
pub(crate) fn insert(
    tx: &Transaction<'_>,
    spec: &ConsumableSpec,
    device_id: Option<&str>,
    now: i64,
) -> Result<i64> {
    tx.execute(
        "INSERT INTO consumables (name, brand, gtin, unit, capacity, remaining, threshold, device_id, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
        params![
            spec.name,
            spec.brand,
            spec.gtin.as_ref().map(|g| g.as_str()),
            spec.unit,
            spec.capacity,
            spec.remaining,
            spec.threshold,
            device_id,
            now
        ],
    )?;
    let id = tx.last_insert_rowid();
    apply_list_rule(tx, id, now)?;
    Ok(id)
}

/// Replaces what the owner describes of a consumable, including a corrected stock; lists it if
/// the change crosses the threshold.
pub fn update(store: &mut Store, id: i64, spec: &ConsumableSpec, now: i64) -> Result<()> {
    let tx = store.conn_mut().transaction()?;
    let before = stock(&tx, id)?.ok_or_else(|| unknown(id))?;
    tx.execute(
        "UPDATE consumables SET name = ?2, brand = ?3, gtin = ?4, unit = ?5, capacity = ?6,
             remaining = ?7, threshold = ?8, updated_at = ?9 WHERE id = ?1",
        params![
            id,
            spec.name,
            spec.brand,
            spec.gtin.as_ref().map(|g| g.as_str()),
            spec.unit,
            spec.capacity,
            spec.remaining,
            spec.threshold,
            now
        ],
    )?;
    if spec.remaining > before.remaining && !threshold::is_low(spec.remaining, spec.threshold) {
        // Corrected upwards past the threshold: a restock, as far as the list is concerned.
        shopping::clear_for_consumable(&tx, id, now)?;
    }
    apply_list_rule(&tx, id, now)?;
    tx.commit()?;
    Ok(())
}

/// Removes a consumable with its purchases and usage; a shopping item for it stays, unlinked.
pub fn remove(store: &mut Store, id: i64) -> Result<bool> {
    let tx = store.conn_mut().transaction()?;
    let removed = tx.execute("DELETE FROM consumables WHERE id = ?1", params![id])? > 0;
    tx.commit()?;
    Ok(removed)
}

/// The stock figures of a consumable, inside a transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stock {
    pub remaining: u32,
    pub threshold: u32,
    pub capacity: u32,
}

pub(crate) fn stock(tx: &Transaction<'_>, id: i64) -> Result<Option<Stock>> {
    Ok(tx
        .prepare_cached("SELECT remaining, threshold, capacity FROM consumables WHERE id = ?1")?
        .query_row(params![id], |row| {
            Ok(Stock {
                remaining: row.get(0)?,
                threshold: row.get(1)?,
                capacity: row.get(2)?,
            })
        })
        .optional()?)
}

/// Writes a new stock figure and applies the shopping-list rule: crossing the threshold lists
/// the consumable (once while an item is open); a refill (stock going up) clears its open item.
pub(crate) fn change_stock(
    tx: &Transaction<'_>,
    id: i64,
    before: Stock,
    after: Stock,
    now: i64,
) -> Result<()> {
    tx.prepare_cached(
        "UPDATE consumables SET remaining = ?2, capacity = ?3, updated_at = ?4 WHERE id = ?1",
    )?
    .execute(params![id, after.remaining, after.capacity, now])?;
    if after.remaining > before.remaining && !threshold::is_low(after.remaining, after.threshold) {
        shopping::clear_for_consumable(tx, id, now)?;
    }
    apply_list_rule(tx, id, now)
}

/// "Low means listed", applied to one consumable as it is now: at or below its threshold it
/// gets an open item unless the owner took it off during this low spell; above it, a past
/// "taken off" is forgotten, so the next low spell lists it again.
pub(crate) fn apply_list_rule(tx: &Transaction<'_>, id: i64, now: i64) -> Result<()> {
    let Some((name, remaining, limit, dismissed)) = tx
        .prepare_cached(
            "SELECT name, remaining, threshold, dismissed FROM consumables WHERE id = ?1",
        )?
        .query_row(params![id], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, u32>(1)?,
                row.get::<_, u32>(2)?,
                row.get::<_, bool>(3)?,
            ))
        })
        .optional()?
    else {
        return Ok(());
    };
    if threshold::should_list(remaining, limit, dismissed) {
        shopping::list_for_consumable(tx, id, &name, now)?;
    } else if dismissed && !threshold::is_low(remaining, limit) {
        tx.prepare_cached("UPDATE consumables SET dismissed = 0 WHERE id = ?1")?
            .execute(params![id])?;
    }
    Ok(())
}

/// Applies "low means listed" to every consumable (at app start: a level recorded by an older
/// release, or a threshold that only now applies, reaches the list).
pub fn apply_list_rule_to_all(store: &mut Store, now: i64) -> Result<()> {
    let tx = store.conn_mut().transaction()?;
    let ids: Vec<i64> = tx
        .prepare("SELECT id FROM consumables")?
        .query_map([], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    for id in ids {
        apply_list_rule(&tx, id, now)?;
    }
    tx.commit()?;
    Ok(())
}

/// The owner took a consumable's item off the list (ticked or removed it), or put it back:
/// while the consumable stays low, it is not listed again on its own.
pub(crate) fn set_dismissed(tx: &Transaction<'_>, id: i64, dismissed: bool) -> Result<()> {
    tx.prepare_cached(
        "UPDATE consumables SET dismissed = ?2 WHERE id = ?1 AND remaining <= threshold",
    )?
    .execute(params![id, dismissed])?;
    Ok(())
}

pub(crate) fn unknown(id: i64) -> Error {
    Error::NotFound {
        what: "consumable",
        id: id.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::ConsumableInput;

    pub(crate) fn soap_spec(remaining: i64) -> ConsumableSpec {
        ConsumableSpec::parse(&ConsumableInput {
            name: "Dish soap".into(),
            brand: Some("Sudsy".into()),
            gtin: None,
            unit: "packet".into(),
            capacity: 40,
            remaining,
            threshold: None,
        })
        .expect("valid")
    }

    #[test]
    fn create_list_update_remove() {
        let mut store = Store::open_in_memory().expect("store");
        let id = create(&mut store, &soap_spec(10), Some("aa"), 5).expect("create");
        let row = get(&store, id).expect("get").expect("there");
        assert_eq!((row.remaining, row.threshold, row.capacity), (10, 8, 40));
        assert_eq!(
            for_device(&store, "aa").expect("by device").map(|c| c.id),
            Some(id)
        );
        update(&mut store, id, &soap_spec(7), 6).expect("a corrected count");
        assert_eq!(
            shopping::list(&store).expect("list").len(),
            1,
            "correcting the count below the threshold lists it"
        );
        assert!(remove(&mut store, id).expect("remove"));
        assert!(list(&store).expect("list").is_empty());
        assert_eq!(
            shopping::list(&store).expect("list")[0].consumable_id,
            None,
            "the list keeps the item, unlinked"
        );
        assert!(matches!(
            update(&mut store, id, &soap_spec(7), 7),
            Err(Error::NotFound { .. })
        ));
    }

    #[test]
    fn one_device_feeds_one_consumable() {
        let mut store = Store::open_in_memory().expect("store");
        create(&mut store, &soap_spec(10), Some("aa"), 5).expect("create");
        assert!(
            create(&mut store, &soap_spec(10), Some("aa"), 5).is_err(),
            "a second consumable on the same device is refused"
        );
        assert_eq!(
            list(&store).expect("list").len(),
            1,
            "and nothing half-written stays"
        );
    }
}
