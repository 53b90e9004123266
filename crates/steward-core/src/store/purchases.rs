//! The `purchases` table: packs bought and refills ("bought a pack of 40"), which restock a
//! consumable and tick its shopping item off.

use rusqlite::{params, Row, Transaction};

use super::{consumables, Store};
use crate::text;
use crate::Result;

/// The most of one thing recorded in a single purchase.
pub const MAX_PURCHASE: u32 = 10_000;

/// Who recorded a purchase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The owner, by hand.
    Owner,
    /// The device reported being refilled.
    Device,
}

impl Source {
    pub const fn as_str(self) -> &'static str {
        match self {
            Source::Owner => "owner",
            Source::Device => "device",
        }
    }
}

/// A recorded purchase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Purchase {
    pub id: i64,
    pub consumable_id: i64,
    pub quantity: u32,
    pub source: Source,
    pub note: Option<String>,
    pub at: i64,
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<Purchase> {
    let source: String = row.get(3)?;
    Ok(Purchase {
        id: row.get(0)?,
        consumable_id: row.get(1)?,
        quantity: row.get(2)?,
        source: if source == "device" {
            Source::Device
        } else {
            Source::Owner
        },
        note: row.get(4)?,
        at: row.get(5)?,
    })
}

/// The owner records buying `quantity` of a consumable: its stock goes up by that much (a pack
/// bigger than the recorded pack size becomes the new pack size).
pub fn record(
    store: &mut Store,
    consumable_id: i64,
    quantity: i64,
    note: Option<&str>,
    now: i64,
) -> Result<()> {
    let quantity = text::quantity("quantity", quantity, 1, MAX_PURCHASE)?;
    let note = text::optional("note", note, 200)?;
    let tx = store.conn_mut().transaction()?;
    restock(
        &tx,
        consumable_id,
        quantity,
        Source::Owner,
        note.as_deref(),
        now,
    )?;
    tx.commit()?;
    Ok(())
}

/// Adds stock and records where it came from, inside the caller's transaction.
pub(crate) fn restock(
    tx: &Transaction<'_>,
    consumable_id: i64,
    quantity: u32,
    source: Source,
    note: Option<&str>,
    now: i64,
) -> Result<()> {
    let before = consumables::stock(tx, consumable_id)?
        .ok_or_else(|| consumables::unknown(consumable_id))?;
    let remaining = before.remaining.saturating_add(quantity);
    let after = consumables::Stock {
        remaining,
        capacity: before.capacity.max(quantity),
        ..before
    };
    tx.prepare_cached(
        "INSERT INTO purchases (consumable_id, quantity, source, note, at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![consumable_id, quantity, source.as_str(), note, now])?;
    consumables::change_stock(tx, consumable_id, before, after, now)
}

/// A consumable's purchases, most recent first.
pub fn list(store: &Store, consumable_id: i64) -> Result<Vec<Purchase>> {
    let mut stmt = store.conn().prepare_cached(
        "SELECT id, consumable_id, quantity, source, note, at FROM purchases
         WHERE consumable_id = ?1 ORDER BY at DESC, id DESC",
    )?;
    let rows = stmt.query_map(params![consumable_id], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::{ConsumableInput, ConsumableSpec};
    use crate::store::shopping;

    #[test]
    fn buying_restocks_and_ticks_the_item_off() {
        let mut store = Store::open_in_memory().expect("store");
        let spec = ConsumableSpec::parse(&ConsumableInput {
            name: "Bread".into(),
            unit: "slice".into(),
            capacity: 10,
            remaining: 3,
            threshold: Some(3),
            ..Default::default()
        })
        .expect("valid");
        let id = consumables::create(&mut store, &spec, None, 1).expect("create");
        consumables::update(
            &mut store,
            id,
            &ConsumableSpec {
                remaining: 2,
                ..spec.clone()
            },
            2,
        )
        .expect("update");
        assert!(consumables::update(
            &mut store,
            id,
            &ConsumableSpec {
                remaining: 4,
                ..spec.clone()
            },
            2
        )
        .is_ok());
        consumables::update(
            &mut store,
            id,
            &ConsumableSpec {
                remaining: 2,
                ..spec
            },
            2,
        )
        .expect("update");
        assert_eq!(
            shopping::list(&store)
                .expect("list")
                .iter()
                .filter(|i| i.done_at.is_none())
                .count(),
            1,
            "listed once while open, however often it crosses"
        );
        record(&mut store, id, 12, Some("bag of 12"), 3).expect("record");
        let bread = consumables::get(&store, id).expect("get").expect("there");
        assert_eq!((bread.remaining, bread.capacity), (14, 12));
        assert!(
            shopping::list(&store)
                .expect("list")
                .iter()
                .all(|i| i.done_at.is_some()),
            "the refill ticked bread off"
        );
        assert_eq!(
            list(&store, id).expect("purchases")[0].note.as_deref(),
            Some("bag of 12")
        );
        assert!(
            record(&mut store, id, 0, None, 4).is_err(),
            "nothing bought is refused"
        );
        assert!(
            record(&mut store, 999, 1, None, 4).is_err(),
            "an unknown consumable too"
        );
        assert_eq!(
            list(&store, id).expect("purchases").len(),
            1,
            "and nothing was recorded"
        );
    }
}
