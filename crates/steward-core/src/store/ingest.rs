//! Ingestion of device events into the inventory: durable, idempotent and batched.
//!
//! A batch is one transaction: every event's usage row, the stock it changes, any shopping item
//! it adds, and each device's new sequence position and counter commit together or not at all.
//! So when [`ingest`] returns, everything in the batch is on disk (the store runs WAL with
//! `synchronous = FULL`), and a crash before that loses the whole batch and its position alike,
//! to be delivered again. An event at or below the device's stored sequence is a replay and is
//! skipped: nothing is ever counted twice. A jump in the sequence is recorded as a gap, and the
//! amount used is taken from the device's own cumulative counter, so events lost in a gap are
//! still counted.
//!
//! It must never store an event for a device that is not paired, and never let a device's
//! counters push the stock below zero or count a wildly implausible amount.

use std::collections::HashMap;

use rusqlite::{params, OptionalExtension, Transaction};

use super::{consumables, purchases, Store};
use crate::Result;

/// The most a single event may count when a device's counter jumps (after a gap); beyond it the
/// jump is recorded as implausible and the event counts once.
pub const MAX_COUNTER_STEP: u32 = 1_000;

/// How many event issues are kept; older ones are dropped so a misbehaving device cannot grow
/// the store without bound.
pub const MAX_ISSUES: i64 = 10_000;

/// What a device reported, reduced to what the inventory needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// Something was used up; `counter` is the device's running total of uses (packets
    /// dispensed, slices toasted).
    Used { counter: u32 },
    /// The device was refilled and now holds `remaining` of `capacity`.
    Refilled { remaining: u32, capacity: u32 },
    /// An event that uses nothing up (a button, a state change); it still advances the sequence.
    Other,
}

/// One numbered event from a device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceEvent {
    /// The device's identity (hex), as stored in `devices`.
    pub device_id: String,
    pub seq: u32,
    pub reading: Reading,
    /// When the app received it, in seconds since the epoch.
    pub at: i64,
    /// The device's numbering restarted with this event (it was reset; the session saw the
    /// sequence fall further back than any resend): it starts a new history.
    pub restarted: bool,
}

/// Why an event was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub device_id: String,
    pub seq: u32,
    pub reason: String,
}

/// What a batch did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IngestReport {
    /// Events newly recorded (including those that use nothing up).
    pub accepted: usize,
    /// Usage rows written.
    pub usage_rows: usize,
    /// Events skipped because they were already recorded.
    pub replays: usize,
    /// Sequence gaps recorded.
    pub gaps: usize,
    /// Counter anomalies recorded (backwards, implausible jumps).
    pub anomalies: usize,
    /// Events refused, with the reason.
    pub refused: Vec<Refusal>,
    /// The consumables whose stock changed.
    pub consumables_changed: Vec<i64>,
}

/// Where a device stands, loaded once per batch.
struct DeviceCursor {
    last_seq: u32,
    last_counter: Option<u32>,
    consumable: Option<(i64, consumables::Stock, consumables::Stock)>,
    touched: bool,
    /// The position moved back in this batch (the device restarted its numbering).
    restarted: bool,
}

/// Records a batch of events in one transaction; returns once it is durable.
pub fn ingest(store: &mut Store, events: &[DeviceEvent]) -> Result<IngestReport> {
    let mut report = IngestReport::default();
    if events.is_empty() {
        return Ok(report);
    }
    let tx = store.conn_mut().transaction()?;
    let mut cursors: HashMap<&str, DeviceCursor> = HashMap::new();
    // This batch's use per consumable and quarter hour, added to the summary at the end.
    let mut quarters: std::collections::BTreeMap<(i64, i64), u64> =
        std::collections::BTreeMap::new();
    for event in events {
        if !cursors.contains_key(event.device_id.as_str()) {
            match load_cursor(&tx, &event.device_id)? {
                Some(cursor) => {
                    cursors.insert(event.device_id.as_str(), cursor);
                }
                None => {
                    report.refused.push(Refusal {
                        device_id: event.device_id.clone(),
                        seq: event.seq,
                        reason: "the device is not paired with this phone".into(),
                    });
                    continue;
                }
            }
        }
        let Some(cursor) = cursors.get_mut(event.device_id.as_str()) else {
            continue;
        };
        if event.restarted && event.seq < cursor.last_seq {
            issue(
                &tx,
                event,
                "sequence_restarted",
                &format!(
                    "the device's numbering went from {} back to {} (was it reset?); counting from here",
                    cursor.last_seq, event.seq
                ),
            )?;
            report.anomalies += 1;
            cursor.last_seq = event.seq.saturating_sub(1);
            cursor.last_counter = None;
            cursor.restarted = true;
        }
        if event.seq <= cursor.last_seq {
            report.replays += 1;
            continue;
        }
        // Sequence 0 means nothing was recorded yet: a device's history before pairing is not a gap.
        if cursor.last_seq != 0 && event.seq > cursor.last_seq + 1 {
            issue(
                &tx,
                event,
                "gap",
                &format!(
                    "events {} to {} never arrived",
                    cursor.last_seq + 1,
                    event.seq - 1
                ),
            )?;
            report.gaps += 1;
        }
        cursor.last_seq = event.seq;
        cursor.touched = true;
        report.accepted += 1;
        match event.reading {
            Reading::Used { counter } => {
                let amount = match cursor.last_counter {
                    None => 1,
                    Some(previous) if counter > previous => {
                        let step = counter - previous;
                        if step > MAX_COUNTER_STEP {
                            issue(
                                &tx,
                                event,
                                "implausible_jump",
                                &format!(
                                "the use counter jumped from {previous} to {counter}; counted once"
                            ),
                            )?;
                            report.anomalies += 1;
                            1
                        } else {
                            step
                        }
                    }
                    Some(previous) => {
                        issue(&tx, event, "counter_backwards", &format!(
                            "the use counter went from {previous} back to {counter} (was the device reset?); counted once"
                        ))?;
                        report.anomalies += 1;
                        1
                    }
                };
                cursor.last_counter = Some(counter);
                if let Some((id, _, stock)) = cursor.consumable.as_mut() {
                    tx.prepare_cached(
                        "INSERT INTO usage_events (consumable_id, seq, amount, at) VALUES (?1, ?2, ?3, ?4)",
                    )?
                    .execute(params![*id, event.seq, amount, event.at])?;
                    *quarters
                        .entry((*id, super::usage::quarter_of(event.at)))
                        .or_default() += u64::from(amount);
                    stock.remaining = stock.remaining.saturating_sub(amount);
                    report.usage_rows += 1;
                }
            }
            Reading::Refilled { remaining, .. } => {
                if let Some((id, before, stock)) = cursor.consumable.as_mut() {
                    // Settle the use so far, then record what the refill added as a purchase.
                    consumables::change_stock(&tx, *id, *before, *stock, event.at)?;
                    if let Some(added) = remaining.checked_sub(stock.remaining).filter(|a| *a > 0) {
                        purchases::restock(
                            &tx,
                            *id,
                            added,
                            purchases::Source::Device,
                            None,
                            event.at,
                        )?;
                    }
                    let settled = consumables::stock(&tx, *id)?.unwrap_or(*stock);
                    *before = settled;
                    *stock = settled;
                    report.consumables_changed.push(*id);
                }
            }
            Reading::Other => {}
        }
    }
    let now = events.last().map_or(0, |e| e.at);
    for (device_id, cursor) in &cursors {
        if !cursor.touched {
            continue;
        }
        tx.prepare_cached(
            "UPDATE devices SET last_seq = CASE WHEN ?4 THEN ?2 ELSE max(last_seq, ?2) END,
                 last_counter = ?3 WHERE id = ?1",
        )?
        .execute(params![
            device_id,
            cursor.last_seq,
            cursor.last_counter,
            cursor.restarted
        ])?;
        if let Some((id, before, after)) = cursor.consumable {
            if before != after {
                consumables::change_stock(&tx, id, before, after, now)?;
                report.consumables_changed.push(id);
            }
        }
    }
    super::usage::add_to_quarters(&tx, &quarters)?;
    if report.gaps + report.anomalies > 0 {
        tx.prepare_cached(
            "DELETE FROM event_issues WHERE id <= (SELECT max(id) FROM event_issues) - ?1",
        )?
        .execute(params![MAX_ISSUES])?;
    }
    tx.commit()?;
    report.consumables_changed.sort_unstable();
    report.consumables_changed.dedup();
    Ok(report)
}

fn load_cursor(tx: &Transaction<'_>, device_id: &str) -> Result<Option<DeviceCursor>> {
    let Some((last_seq, last_counter)) = tx
        .prepare_cached("SELECT last_seq, last_counter FROM devices WHERE id = ?1")?
        .query_row(params![device_id], |row| {
            Ok((row.get::<_, i64>(0)?, row.get::<_, Option<i64>>(1)?))
        })
        .optional()?
    else {
        return Ok(None);
    };
    let consumable = tx
        .prepare_cached("SELECT id FROM consumables WHERE device_id = ?1")?
        .query_row(params![device_id], |row| row.get::<_, i64>(0))
        .optional()?;
    let consumable = match consumable {
        Some(id) => consumables::stock(tx, id)?.map(|stock| (id, stock, stock)),
        None => None,
    };
    Ok(Some(DeviceCursor {
        last_seq: u32::try_from(last_seq).unwrap_or(0),
        last_counter: last_counter.and_then(|c| u32::try_from(c).ok()),
        consumable,
        touched: false,
        restarted: false,
    }))
}

fn issue(tx: &Transaction<'_>, event: &DeviceEvent, kind: &str, detail: &str) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO event_issues (device_id, kind, seq, detail, at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![event.device_id, kind, event.seq, detail, event.at])?;
    Ok(())
}

/// Something odd about the events a device sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventIssue {
    pub device_id: String,
    pub kind: String,
    pub seq: u32,
    pub detail: String,
    pub at: i64,
}

/// The most recent issues, newest first.
pub fn issues(store: &Store, limit: u32) -> Result<Vec<EventIssue>> {
    let mut stmt = store.conn().prepare_cached(
        "SELECT device_id, kind, seq, detail, at FROM event_issues ORDER BY id DESC LIMIT ?1",
    )?;
    let rows = stmt.query_map(params![limit], |row| {
        Ok(EventIssue {
            device_id: row.get(0)?,
            kind: row.get(1)?,
            seq: row.get(2)?,
            detail: row.get(3)?,
            at: row.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Records where a newly paired device's counter stands, so its first event counts only itself.
pub fn set_counter(store: &mut Store, device_id: &str, counter: u32) -> Result<()> {
    let tx = store.conn_mut().transaction()?;
    tx.execute(
        "UPDATE devices SET last_counter = ?2 WHERE id = ?1",
        params![device_id, counter],
    )?;
    tx.commit()?;
    Ok(())
}
