//! The `usage_events` table read back: what a consumable used day by day (for the forecast and
//! the chart), and use the owner records by hand for consumables no device counts. Reads go
//! through `usage_quarters` (migration 6), the same use summed per quarter hour, so their cost
//! does not grow with the number of events.

use rusqlite::params;

use super::{consumables, Store};
use crate::text;
use crate::Result;

/// Seconds in a UTC day.
pub const DAY: i64 = 86_400;

/// Seconds in one `usage_quarters` bucket.
const QUARTER: i64 = 900;

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
    // Quarter hours, so any offset of whole quarter hours (all of today's time zones) splits
    // days exactly.
    let mut stmt = store.conn().prepare_cached(
        "SELECT (quarter * 900 + ?4) / 86400 AS day, sum(amount) FROM usage_quarters
         WHERE consumable_id = ?1 AND quarter >= ?2 AND quarter < ?3 GROUP BY day",
    )?;
    let rows = stmt.query_map(
        params![
            consumable_id,
            (first * DAY - utc_offset).div_euclid(QUARTER),
            ((today + 1) * DAY - utc_offset).div_euclid(QUARTER),
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
        "SELECT coalesce(sum(amount), 0) FROM usage_quarters WHERE consumable_id = ?1",
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

/// Adds use to the quarter-hour summary, inside the caller's transaction: every writer of
/// `usage_events` calls this with what it inserted (summed per quarter hour, so a batch of a
/// thousand events costs a handful of upserts).
pub(crate) fn add_to_quarters(
    tx: &rusqlite::Transaction<'_>,
    amounts: &std::collections::BTreeMap<(i64, i64), u64>,
) -> Result<()> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO usage_quarters (consumable_id, quarter, amount) VALUES (?1, ?2, ?3)
         ON CONFLICT (consumable_id, quarter) DO UPDATE SET amount = amount + excluded.amount",
    )?;
    for ((consumable_id, quarter), amount) in amounts {
        stmt.execute(params![
            consumable_id,
            quarter,
            i64::try_from(*amount).unwrap_or(i64::MAX)
        ])?;
    }
    Ok(())
}

/// The quarter hour `at` falls in (as `usage_quarters` numbers them).
pub(crate) fn quarter_of(at: i64) -> i64 {
    at.div_euclid(QUARTER)
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
    add_to_quarters(
        &tx,
        &std::collections::BTreeMap::from([((consumable_id, quarter_of(now)), u64::from(amount))]),
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

    /// The per-event sum, straight from `usage_events`: what the quarter-hour summary must equal.
    fn daily_from_events(store: &Store, id: i64, now: i64, days: usize, offset: i64) -> Vec<u32> {
        let today = (now + offset).div_euclid(DAY);
        let first = today - i64::try_from(days).expect("small") + 1;
        let mut out = vec![0u32; days];
        let mut stmt = store
            .conn()
            .prepare("SELECT at, amount FROM usage_events WHERE consumable_id = ?1")
            .expect("prepare");
        let rows = stmt
            .query_map(params![id], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
            })
            .expect("query");
        for row in rows {
            let (at, amount) = row.expect("row");
            let day = (at + offset).div_euclid(DAY);
            if let Some(slot) = usize::try_from(day - first)
                .ok()
                .and_then(|i| out.get_mut(i))
            {
                *slot += u32::try_from(amount).expect("small");
            }
        }
        out
    }

    #[test]
    fn the_quarter_hour_summary_equals_the_events_in_every_time_zone() {
        let mut store = Store::open_in_memory().expect("store");
        let spec = ConsumableSpec::parse(&ConsumableInput {
            name: "Soap".into(),
            unit: "packet".into(),
            capacity: 100_000,
            remaining: 100_000,
            ..Default::default()
        })
        .expect("valid");
        let id = consumables::create(&mut store, &spec, None, 0).expect("create");
        let other = consumables::create(&mut store, &spec, None, 0).expect("create");
        let now = 20_100 * DAY + 41_000;
        // Uses at awkward moments: quarter-hour edges, local midnights of odd zones, a second
        // consumable interleaved.
        let mut at = now - 30 * DAY;
        let mut n = 0i64;
        while at < now {
            record_manual(&mut store, id, 1 + n % 3, at).expect("use");
            if n % 4 == 0 {
                record_manual(&mut store, other, 2, at + 1).expect("use");
            }
            at += 3_599 + (n * 977) % 7_201;
            n += 1;
        }
        for offset in [0, 3_600, -7_200, 19_800, 20_700, -12_600, 50_400, -43_200] {
            assert_eq!(
                daily(&store, id, now, 56, offset).expect("daily"),
                daily_from_events(&store, id, now, 56, offset),
                "offset {offset}"
            );
        }
        let events_total: i64 = store
            .conn()
            .query_row(
                "SELECT sum(amount) FROM usage_events WHERE consumable_id = ?1",
                params![id],
                |r| r.get(0),
            )
            .expect("sum");
        assert_eq!(
            total(&store, id).expect("total"),
            u64::try_from(events_total).expect("positive")
        );
        // Removing a consumable takes its summary with it.
        consumables::remove(&mut store, other).expect("removed");
        let left: i64 = store
            .conn()
            .query_row(
                "SELECT count(*) FROM usage_quarters WHERE consumable_id = ?1",
                params![other],
                |r| r.get(0),
            )
            .expect("count");
        assert_eq!(left, 0);
    }
}
