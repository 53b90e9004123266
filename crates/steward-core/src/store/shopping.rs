//! The `shopping_items` table: the shopping list. Items come from the owner or from a consumable
//! crossing its threshold; a consumable has at most one open item (a unique index says so, so
//! not even a race can list it twice), and recording a refill ticks its item off.

use rusqlite::{params, OptionalExtension, Row, Transaction};

use super::Store;
use crate::text;
use crate::{Error, Result};

/// The longest item title and note accepted.
pub const MAX_TITLE_CHARS: usize = 80;
pub const MAX_NOTE_CHARS: usize = 200;
/// The largest quantity of one item.
pub const MAX_ITEM_QUANTITY: u32 = 999;

/// Why an item is on the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A consumable reached the owner's threshold.
    Threshold,
    /// The owner added it.
    Owner,
}

impl Origin {
    pub const fn as_str(self) -> &'static str {
        match self {
            Origin::Threshold => "threshold",
            Origin::Owner => "owner",
        }
    }
}

/// An item on the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShoppingItem {
    pub id: i64,
    pub title: String,
    pub quantity: u32,
    pub note: Option<String>,
    pub consumable_id: Option<i64>,
    pub origin: Origin,
    pub created_at: i64,
    /// When it was ticked off; `None` while open.
    pub done_at: Option<i64>,
}

/// What the owner types for an item, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemSpec {
    pub title: String,
    pub quantity: u32,
    pub note: Option<String>,
}

impl ItemSpec {
    pub fn parse(title: &str, quantity: i64, note: Option<&str>) -> Result<Self> {
        Ok(Self {
            title: text::required("item", title, MAX_TITLE_CHARS)?,
            quantity: text::quantity("quantity", quantity, 1, MAX_ITEM_QUANTITY)?,
            note: text::optional("note", note, MAX_NOTE_CHARS)?,
        })
    }
}

const COLUMNS: &str = "id, title, quantity, note, consumable_id, origin, created_at, done_at";

fn from_row(row: &Row<'_>) -> rusqlite::Result<ShoppingItem> {
    let origin: String = row.get(5)?;
    Ok(ShoppingItem {
        id: row.get(0)?,
        title: row.get(1)?,
        quantity: row.get(2)?,
        note: row.get(3)?,
        consumable_id: row.get(4)?,
        origin: if origin == "threshold" {
            Origin::Threshold
        } else {
            Origin::Owner
        },
        created_at: row.get(6)?,
        done_at: row.get(7)?,
    })
}

/// The list: open items first (oldest first), then what was ticked off, most recent first.
pub fn list(store: &Store) -> Result<Vec<ShoppingItem>> {
    let mut stmt = store.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM shopping_items
         ORDER BY done_at IS NOT NULL, done_at DESC, created_at, id"
    ))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One item.
pub fn get(store: &Store, id: i64) -> Result<Option<ShoppingItem>> {
    Ok(store
        .conn()
        .query_row(
            &format!("SELECT {COLUMNS} FROM shopping_items WHERE id = ?1"),
            params![id],
            from_row,
        )
        .optional()?)
}

/// The owner adds an item; returns its id.
pub fn add(store: &mut Store, item: &ItemSpec, now: i64) -> Result<i64> {
    let tx = store.conn_mut().transaction()?;
    tx.execute(
        "INSERT INTO shopping_items (title, quantity, note, consumable_id, origin, created_at)
         VALUES (?1, ?2, ?3, NULL, 'owner', ?4)",
        params![item.title, item.quantity, item.note, now],
    )?;
    let id = tx.last_insert_rowid();
    tx.commit()?;
    Ok(id)
}

/// The owner edits an item.
pub fn edit(store: &mut Store, id: i64, item: &ItemSpec) -> Result<()> {
    let tx = store.conn_mut().transaction()?;
    let changed = tx.execute(
        "UPDATE shopping_items SET title = ?2, quantity = ?3, note = ?4 WHERE id = ?1",
        params![id, item.title, item.quantity, item.note],
    )?;
    if changed == 0 {
        return Err(unknown(id));
    }
    tx.commit()?;
    Ok(())
}

/// Ticks an item off (`done`) or puts it back. Putting back an item for a consumable that has
/// been listed again since is refused: the list would have it twice.
pub fn set_done(store: &mut Store, id: i64, done: bool, now: i64) -> Result<()> {
    let tx = store.conn_mut().transaction()?;
    let result = tx.execute(
        "UPDATE shopping_items SET done_at = ?2 WHERE id = ?1",
        params![id, done.then_some(now)],
    );
    if let Ok(1) = result {
        if let Some(consumable) = consumable_of(&tx, id)? {
            super::consumables::set_dismissed(&tx, consumable, done)?;
        }
    }
    match result {
        Ok(0) => return Err(unknown(id)),
        Ok(_) => {}
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            return Err(Error::InvalidInput {
                field: "item",
                reason: "it is already on the list".into(),
            })
        }
        Err(e) => return Err(e.into()),
    }
    tx.commit()?;
    Ok(())
}

/// Removes an item.
pub fn remove(store: &mut Store, id: i64) -> Result<bool> {
    let tx = store.conn_mut().transaction()?;
    let open_for = match consumable_of(&tx, id)? {
        Some(consumable) if is_open(&tx, id)? => Some(consumable),
        _ => None,
    };
    let removed = tx.execute("DELETE FROM shopping_items WHERE id = ?1", params![id])? > 0;
    if let Some(consumable) = open_for {
        // Removing an open item takes the consumable off the list for this low spell.
        super::consumables::set_dismissed(&tx, consumable, true)?;
    }
    tx.commit()?;
    Ok(removed)
}

fn consumable_of(tx: &Transaction<'_>, id: i64) -> Result<Option<i64>> {
    Ok(tx
        .prepare_cached("SELECT consumable_id FROM shopping_items WHERE id = ?1")?
        .query_row(params![id], |row| row.get::<_, Option<i64>>(0))
        .optional()?
        .flatten())
}

fn is_open(tx: &Transaction<'_>, id: i64) -> Result<bool> {
    Ok(tx
        .prepare_cached("SELECT done_at IS NULL FROM shopping_items WHERE id = ?1")?
        .query_row(params![id], |row| row.get::<_, bool>(0))
        .optional()?
        .unwrap_or(false))
}

/// Lists a consumable that crossed its threshold, unless it already has an open item.
pub(crate) fn list_for_consumable(
    tx: &Transaction<'_>,
    consumable_id: i64,
    name: &str,
    now: i64,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO shopping_items (title, quantity, note, consumable_id, origin, created_at)
         VALUES (?1, 1, NULL, ?2, 'threshold', ?3)
         ON CONFLICT (consumable_id) WHERE done_at IS NULL AND consumable_id IS NOT NULL DO NOTHING",
    )?
    .execute(params![name, consumable_id, now])?;
    Ok(())
}

/// Ticks off a consumable's open item: it was restocked.
pub(crate) fn clear_for_consumable(
    tx: &Transaction<'_>,
    consumable_id: i64,
    now: i64,
) -> Result<()> {
    tx.prepare_cached(
        "UPDATE shopping_items SET done_at = ?2 WHERE consumable_id = ?1 AND done_at IS NULL",
    )?
    .execute(params![consumable_id, now])?;
    Ok(())
}

fn unknown(id: i64) -> Error {
    Error::NotFound {
        what: "shopping item",
        id: id.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_edit_tick_off_and_back() {
        let mut store = Store::open_in_memory().expect("store");
        let item = ItemSpec::parse(" Bread ", 2, Some("the seeded one")).expect("valid");
        let id = add(&mut store, &item, 10).expect("add");
        let other = add(
            &mut store,
            &ItemSpec::parse("Milk", 1, None).expect("valid"),
            11,
        )
        .expect("add");
        edit(
            &mut store,
            id,
            &ItemSpec::parse("Rye bread", 1, None).expect("valid"),
        )
        .expect("edit");
        set_done(&mut store, id, true, 12).expect("tick off");
        let items = list(&store).expect("list");
        assert_eq!(items[0].id, other, "open items come first");
        assert_eq!(
            (items[1].title.as_str(), items[1].quantity, items[1].done_at),
            ("Rye bread", 1, Some(12))
        );
        set_done(&mut store, id, false, 13).expect("put back");
        assert_eq!(get(&store, id).expect("get").expect("there").done_at, None);
        assert!(matches!(
            edit(&mut store, 999, &item),
            Err(Error::NotFound { .. })
        ));
        assert!(remove(&mut store, other).expect("remove"));
    }

    #[test]
    fn hostile_text_is_refused_and_markup_kept_as_text() {
        assert!(ItemSpec::parse("Soap\u{202E}", 1, None).is_err());
        assert!(ItemSpec::parse("Soap", 0, None).is_err());
        assert!(ItemSpec::parse("Soap", 1, Some(&"n".repeat(201))).is_err());
        let item = ItemSpec::parse("<b>Soap</b>", 1, None).expect("markup is text");
        assert_eq!(item.title, "<b>Soap</b>");
    }
}
