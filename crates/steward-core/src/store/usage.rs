//! The `usage_events` table read back: what a consumable used day by day (for the forecast and
//! the chart), and use the owner records by hand for consumables no device counts.

use rusqlite::params;

use super::{consumables, Store};
use crate::text;
use crate::Result;

/// Seconds in a UTC day.
pub const DAY: i64 = 86_400;

/// The amounts used on each of the `days` days ending with the day of `now`, oldest first. Days
/// are the owner's: they start at local midnight, `utc_offset` seconds ahead of UTC.
pub fn daily(
    store: &Store,
    consumable_id: i64,
    now: i64,
    days: usize,
    utc_offset: i64,
) -> Result<Vec<u32>> {
    let today = (now + utc_offset).div_euclid(DAY);
    let span = i64::try_from(days).unwrap_or(i64::MAX);
    let first = today - span + 1;
    let mut out = vec![0u32; days];
    let mut stmt = store.conn().prepare_cached(
        "SELECT (at + ?4) / 86400 AS day, sum(amount) FROM usage_events
         WHERE consumable_id = ?1 AND at >= ?2 AND at < ?3 GROUP BY day",
    )?;
    let rows = stmt.query_map(
        params![
            consumable_id,
            first * DAY - utc_offset,
            (today + 1) * DAY - utc_offset,
            utc_offset
        ],
        |row| Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?)),
    )?;
    for row in rows {
        let (day, amount) = row?;
        if let Ok(index) = usize::try_from(day - first) {
            if let Some(slot) = out.get_mut(index) {
                *slot = u32::try_from(amount).unwrap_or(u32::MAX);
            }
        }
    }
    Ok(out)
}

/// Total used in all recorded history.
pub fn total(store: &Store, consumable_id: i64) -> Result<u64> {
    let total: i64 = store.conn().query_row(
        "SELECT coalesce(sum(amount), 0) FROM usage_events WHERE consumable_id = ?1",
        params![consumable_id],
        |row| row.get(0),
    )?;
    Ok(u64::try_from(total).unwrap_or(0))
}

/// For checking a store: the usage rows of a consumable that came from a device, how many
/// distinct sequence numbers they carry, and the highest.
pub fn sequence_summary(store: &Store, consumable_id: i64) -> Result<(u64, u64, u64)> {
    let (rows, distinct, max): (i64, i64, i64) = store.conn().query_row(
        "SELECT count(*), count(DISTINCT seq), coalesce(max(seq), 0) FROM usage_events
         WHERE consumable_id = ?1 AND seq IS NOT NULL",
        params![consumable_id],
        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
    )?;
    let n = |v: i64| u64::try_from(v).unwrap_or(0);
    Ok((n(rows), n(distinct), n(max)))
}

/// The owner records using `amount` of a consumable by hand.
pub fn record_manual(store: &mut Store, consumable_id: i64, amount: i64, now: i64) -> Result<()> {
    let amount = text::quantity("amount", amount, 1, 1_000)?;
    let tx = store.conn_mut().transaction()?;
    let before = consumables::stock(&tx, consumable_id)?
        .ok_or_else(|| consumables::unknown(consumable_id))?;
    tx.execute(
        "INSERT INTO usage_events (consumable_id, seq, amount, at) VALUES (?1, NULL, ?2, ?3)",
        params![consumable_id, amount, now],
    )?;
    let after = consumables::Stock {
        remaining: before.remaining.saturating_sub(amount),
        ..before
    };
    consumables::change_stock(&tx, consumable_id, before, after, now)?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::{ConsumableInput, ConsumableSpec};

    #[test]
    fn daily_totals_by_the_owners_day() {
        let mut store = Store::open_in_memory().expect("store");
        let spec = ConsumableSpec::parse(&ConsumableInput {
            name: "Coffee pods".into(),
            unit: "pod".into(),
            capacity: 30,
            remaining: 30,
            ..Default::default()
        })
        .expect("valid");
        let id = consumables::create(&mut store, &spec, None, 0).expect("create");
        let today = 20_000 * DAY + 3600;
        record_manual(&mut store, id, 2, today - 2 * DAY).expect("two days ago");
        record_manual(&mut store, id, 1, 20_000 * DAY - 100).expect("last night");
        record_manual(&mut store, id, 3, today).expect("this morning");
        assert_eq!(daily(&store, id, today, 4, 0).expect("daily"), [0, 2, 1, 3]);
        // Two hours behind UTC it is still yesterday evening: this morning's 01:00 UTC use and
        // last night's 23:58 UTC use fall on the same local day, today.
        assert_eq!(
            daily(&store, id, today, 4, -7200).expect("daily"),
            [0, 2, 0, 4]
        );
        // Two hours ahead, last night's 23:58 UTC use was already after local midnight.
        assert_eq!(
            daily(&store, id, today, 4, 7200).expect("daily"),
            [0, 2, 0, 4]
        );
        assert_eq!(total(&store, id).expect("total"), 6);
        assert_eq!(
            consumables::get(&store, id)
                .expect("get")
                .expect("there")
                .remaining,
            24
        );
        assert!(record_manual(&mut store, id, 0, today).is_err());
        assert!(record_manual(&mut store, id, 5000, today).is_err());
    }
}
