//! The inventory commands of [`Steward`]: consumables, purchases, the shopping list, and the
//! household's export and erasure. Every change is announced, so open screens stay current.

use std::path::PathBuf;

use steward_core::inventory::forecast::{iso_date, HISTORY_DAYS};
use steward_core::inventory::{ConsumableInput, ConsumableSpec, Forecast};
use steward_core::store::consumables::{self, ConsumableRow};
use steward_core::store::shopping::{self, ItemSpec, Origin, ShoppingItem};
use steward_core::store::usage::{self, DAY};
use steward_core::store::{household, purchases};
use steward_core::Store;

use crate::events::AppEvent;
use crate::inventory_wire::{
    ConsumableDetailView, ConsumableInputView, ConsumableSummaryView, DayUseView, ExportView,
    InventoryView, PurchaseView, ShoppingItemInput, ShoppingItemView, ShoppingListView,
};
use crate::steward::unix_now;
use crate::wire::HomeView;
use crate::{ApiError, ErrorCode, Steward};

/// Days of use the consumable screen charts.
const CHART_DAYS: usize = 14;
/// What the owner types to confirm erasing everything.
pub const ERASE_CONFIRMATION: &str = "ERASE";

impl Steward {
    /// The inventory screen.
    pub fn inventory(&self) -> Result<InventoryView, ApiError> {
        let now = self.local_now();
        self.with_reader(|store| inventory_view(store, now))
    }

    /// One consumable with its forecast and history.
    pub fn consumable_detail(&self, id: u32) -> Result<ConsumableDetailView, ApiError> {
        let now = self.local_now();
        self.with_reader(|store| {
            let row = consumables::get(store, i64::from(id))?.ok_or_else(|| not_found(id))?;
            detail_view(store, row, now)
        })
    }

    /// Adds a consumable the owner tracks by hand.
    pub fn add_consumable(
        &self,
        input: ConsumableInputView,
    ) -> Result<ConsumableDetailView, ApiError> {
        let spec = ConsumableSpec::parse(&core_input(input))?;
        let now = unix_now();
        let id = self.with_store(|store| consumables::create(store, &spec, None, now))?;
        self.announce_inventory();
        self.consumable_detail(wire_id(id))
    }

    /// Changes a consumable (including correcting its count).
    pub fn update_consumable(
        &self,
        id: u32,
        input: ConsumableInputView,
    ) -> Result<ConsumableDetailView, ApiError> {
        let spec = ConsumableSpec::parse(&core_input(input))?;
        let now = unix_now();
        self.with_store(|store| consumables::update(store, i64::from(id), &spec, now))?;
        self.announce_inventory();
        self.consumable_detail(id)
    }

    /// Removes a consumable and its history.
    pub fn remove_consumable(&self, id: u32) -> Result<InventoryView, ApiError> {
        if !self.with_store(|store| consumables::remove(store, i64::from(id)))? {
            return Err(not_found(id).into());
        }
        self.announce_inventory();
        self.inventory()
    }

    /// Records a purchase ("bought a pack of 40"): restocks and ticks the item off.
    pub fn record_purchase(
        &self,
        id: u32,
        quantity: i32,
        note: Option<String>,
    ) -> Result<ConsumableDetailView, ApiError> {
        let now = unix_now();
        self.with_store(|store| {
            purchases::record(
                store,
                i64::from(id),
                i64::from(quantity),
                note.as_deref(),
                now,
            )
        })?;
        self.announce_inventory();
        self.consumable_detail(id)
    }

    /// Records use by hand, for what no device counts.
    pub fn record_use(&self, id: u32, amount: i32) -> Result<ConsumableDetailView, ApiError> {
        let now = unix_now();
        self.with_store(|store| {
            usage::record_manual(store, i64::from(id), i64::from(amount), now)
        })?;
        self.announce_inventory();
        self.consumable_detail(id)
    }

    /// The shopping list.
    pub fn shopping_list(&self) -> Result<ShoppingListView, ApiError> {
        self.with_reader(shopping_view)
    }

    /// The owner adds an item.
    pub fn add_shopping_item(
        &self,
        input: ShoppingItemInput,
    ) -> Result<ShoppingListView, ApiError> {
        let item = item_spec(&input)?;
        let now = unix_now();
        self.with_store(|store| shopping::add(store, &item, now))?;
        self.announce_shopping()
    }

    /// The owner edits an item.
    pub fn edit_shopping_item(
        &self,
        id: u32,
        input: ShoppingItemInput,
    ) -> Result<ShoppingListView, ApiError> {
        let item = item_spec(&input)?;
        self.with_store(|store| shopping::edit(store, i64::from(id), &item))?;
        self.announce_shopping()
    }

    /// Ticks an item off, or puts it back.
    pub fn set_shopping_item_done(
        &self,
        id: u32,
        done: bool,
    ) -> Result<ShoppingListView, ApiError> {
        let now = unix_now();
        self.with_store(|store| shopping::set_done(store, i64::from(id), done, now))?;
        self.announce_shopping()
    }

    /// Removes an item.
    pub fn remove_shopping_item(&self, id: u32) -> Result<ShoppingListView, ApiError> {
        self.with_store(|store| shopping::remove(store, i64::from(id)))?;
        self.announce_shopping()
    }

    /// Writes everything stored about the household to one JSON file in the export folder.
    pub fn export_household(&self) -> Result<ExportView, ApiError> {
        let now = unix_now();
        let export = self.with_store(|store| household::export(store, now))?;
        let json = serde_json::to_vec_pretty(&export).map_err(|e| ApiError {
            code: ErrorCode::Storage,
            message: format!("Steward could not write the export ({e})."),
        })?;
        let dir = self.export_dir();
        let local = self.local_now();
        let (y, m, d) = steward_core::inventory::forecast::civil_date(local.today());
        let secs = (local.now + local.offset).rem_euclid(DAY);
        let name = format!(
            "{EXPORT_PREFIX}{y:04}-{m:02}-{d:02}-{:02}{:02}{:02}.json",
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        );
        let path = dir.join(name);
        write_atomically(&dir, &path, &json).map_err(|e| ApiError {
            code: ErrorCode::Storage,
            message: format!(
                "Steward could not save the export in {} ({e}).",
                dir.display()
            ),
        })?;
        Ok(ExportView {
            path: path.display().to_string(),
            file_name: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            folder: dir.display().to_string(),
            bytes: u32::try_from(json.len()).unwrap_or(u32::MAX),
        })
    }

    /// The full path of an export Steward wrote, from its file name, for the shell to show or
    /// share. Only a finished export in the export folder is ever named: a name with a folder
    /// in it, another file, a link or a missing file is refused, so the webview cannot make
    /// the shell open anything else.
    pub fn export_file(&self, file_name: &str) -> Result<PathBuf, ApiError> {
        let refused = || ApiError {
            code: ErrorCode::InvalidInput,
            message: "That export is no longer on this device. Export again to get a new file."
                .into(),
        };
        let plain = std::path::Path::new(file_name)
            .file_name()
            .is_some_and(|n| n == std::ffi::OsStr::new(file_name));
        if !plain || !file_name.ends_with(".json") || !is_export(file_name) {
            return Err(refused());
        }
        let path = self.export_dir().join(file_name);
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_file() => Ok(path),
            _ => Err(refused()),
        }
    }

    /// Erases everything stored about the household, once the owner typed the confirmation.
    /// Paired devices are forgotten too.
    pub async fn erase_household(&self, confirmation: &str) -> Result<HomeView, ApiError> {
        if confirmation.trim() != ERASE_CONFIRMATION {
            return Err(ApiError {
                code: ErrorCode::InvalidInput,
                message: format!("Type {ERASE_CONFIRMATION} to confirm. Nothing was erased."),
            });
        }
        let paired = self.with_store(|store| steward_core::store::devices::list(store))?;
        self.with_store(household::erase)?;
        if let Some(control) = self.devices.get() {
            for device in paired {
                if let Ok(id) = steward_protocol::DeviceId::from_hex(&device.id) {
                    let _ = control.forget(id).await;
                    self.cache_state(id, None);
                }
            }
        }
        // Exports are the household's data too: they go with it.
        let exports = remove_exports(&self.export_dir());
        tracing::info!(
            exports,
            "the household's data was erased at the owner's request"
        );
        self.announce_home();
        self.announce_inventory();
        let _ = self.announce_shopping();
        self.home()
    }

    /// Announces the inventory and the shopping list after a change.
    pub(crate) fn announce_inventory(&self) {
        if let Ok(view) = self.inventory() {
            self.events.emit(AppEvent::InventoryChanged(view));
        }
        let _ = self.announce_shopping();
    }

    fn announce_shopping(&self) -> Result<ShoppingListView, ApiError> {
        let view = self.shopping_list()?;
        self.events.emit(AppEvent::ShoppingChanged(view.clone()));
        Ok(view)
    }
}

/// Writes `bytes` to `path` so that nobody else can read it and nothing half-written or
/// redirected is ever left: a fresh file beside it (never following a link planted there),
/// readable by the owner only, synced, then renamed into place and the folder synced.
fn write_atomically(
    dir: &std::path::Path,
    path: &std::path::Path,
    bytes: &[u8],
) -> std::io::Result<()> {
    use std::io::Write;
    std::fs::create_dir_all(dir)?;
    let partial: PathBuf = path.with_extension("json.partial");
    // A leftover (a crash) or something planted there goes: removing a link removes the link,
    // not what it points to, and `create_new` refuses to follow anything that reappears.
    match std::fs::remove_file(&partial) {
        Ok(()) => {}
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => return Err(error),
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&partial)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(&partial, path)?;
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    Ok(())
}

/// Whether `name` is one of Steward's exports (or a half-written one).
fn is_export(name: &str) -> bool {
    name.starts_with(EXPORT_PREFIX) && (name.ends_with(".json") || name.ends_with(".json.partial"))
}

/// The prefix of every export's file name.
const EXPORT_PREFIX: &str = "steward-export-";

/// Removes every export Steward wrote to `dir`; returns how many.
fn remove_exports(dir: &std::path::Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let is_file = entry
            .file_type()
            .is_ok_and(|t| t.is_file() || t.is_symlink());
        if is_file && name.to_str().is_some_and(is_export) {
            match std::fs::remove_file(entry.path()) {
                Ok(()) => removed += 1,
                Err(error) => {
                    tracing::warn!(%error, file = ?entry.path(), "could not remove an export")
                }
            }
        }
    }
    removed
}

fn core_input(input: ConsumableInputView) -> ConsumableInput {
    ConsumableInput {
        name: input.name,
        brand: input.brand,
        gtin: input.gtin,
        unit: input.unit,
        capacity: i64::from(input.capacity),
        remaining: i64::from(input.remaining),
        threshold: input.threshold.map(i64::from),
    }
}

fn item_spec(input: &ShoppingItemInput) -> steward_core::Result<ItemSpec> {
    ItemSpec::parse(
        &input.title,
        i64::from(input.quantity),
        input.note.as_deref(),
    )
}

fn wire_id(id: i64) -> u32 {
    u32::try_from(id).unwrap_or(u32::MAX)
}

fn not_found(id: u32) -> steward_core::Error {
    steward_core::Error::NotFound {
        what: "consumable",
        id: id.to_string(),
    }
}

/// The time now and the owner's offset from UTC: days start at their midnight.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LocalNow {
    pub now: i64,
    pub offset: i64,
}

impl LocalNow {
    fn today(self) -> i64 {
        self.day_of(self.now)
    }

    fn day_of(self, at: i64) -> i64 {
        (at + self.offset).div_euclid(DAY)
    }
}

fn forecast(
    store: &Store,
    row: &ConsumableRow,
    now: LocalNow,
) -> steward_core::Result<(Forecast, Vec<u32>)> {
    let daily = usage::daily(store, row.id, now.now, HISTORY_DAYS, now.offset)?;
    Ok((
        Forecast::from_daily(&daily, row.remaining, now.today()),
        daily,
    ))
}

/// Whole days until `row` runs out, when the forecast can say.
pub(crate) fn days_left(
    store: &Store,
    row: &ConsumableRow,
    now: LocalNow,
) -> steward_core::Result<Option<u32>> {
    let (forecast, _) = forecast(store, row, now)?;
    Ok(forecast
        .days_left
        .map(|d| u32::try_from(d.floor() as i64).unwrap_or(u32::MAX)))
}

fn summary_view(row: &ConsumableRow, forecast: &Forecast) -> ConsumableSummaryView {
    ConsumableSummaryView {
        id: wire_id(row.id),
        name: row.name.clone(),
        brand: row.brand.clone(),
        unit: row.unit.clone(),
        remaining: row.remaining,
        capacity: row.capacity,
        threshold: row.threshold,
        low: row.remaining <= row.threshold,
        days_left: forecast
            .days_left
            .map(|d| u32::try_from(d.floor() as i64).unwrap_or(u32::MAX)),
        empty_date: forecast.empty_day.map(iso_date),
        device_id: row.device_id.clone(),
    }
}

fn inventory_view(store: &mut Store, now: LocalNow) -> steward_core::Result<InventoryView> {
    let rows = consumables::list(store)?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let (forecast, _) = forecast(store, &row, now)?;
        out.push(summary_view(&row, &forecast));
    }
    Ok(InventoryView { consumables: out })
}

fn detail_view(
    store: &mut Store,
    row: ConsumableRow,
    now: LocalNow,
) -> steward_core::Result<ConsumableDetailView> {
    let (forecast, daily) = forecast(store, &row, now)?;
    let today = now.today();
    let chart = &daily[daily.len().saturating_sub(CHART_DAYS)..];
    let first = today - i64::try_from(chart.len()).unwrap_or(0) + 1;
    let daily_use = chart
        .iter()
        .zip(first..)
        .map(|(amount, day)| DayUseView {
            date: iso_date(day),
            amount: *amount,
        })
        .collect();
    let purchases = purchases::list(store, row.id)?
        .into_iter()
        .take(10)
        .map(|p| PurchaseView {
            quantity: p.quantity,
            source: p.source.as_str().to_owned(),
            note: p.note,
            date: iso_date(now.day_of(p.at)),
        })
        .collect();
    Ok(ConsumableDetailView {
        summary: summary_view(&row, &forecast),
        gtin: row.gtin.clone(),
        per_day: forecast.per_day,
        explanation: forecast.explanation.clone(),
        daily_use,
        purchases,
    })
}

fn shopping_view(store: &mut Store) -> steward_core::Result<ShoppingListView> {
    let items = shopping::list(store)?;
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let reason = reason(store, &item)?;
        out.push(ShoppingItemView {
            id: wire_id(item.id),
            title: item.title,
            quantity: item.quantity,
            note: item.note,
            consumable_id: item.consumable_id.map(wire_id),
            reason,
            done: item.done_at.is_some(),
        });
    }
    Ok(ShoppingListView { items: out })
}

/// Why an item is on the list, in words.
fn reason(store: &Store, item: &ShoppingItem) -> steward_core::Result<String> {
    Ok(match (item.origin, item.consumable_id) {
        (Origin::Owner, _) => "Added by you".into(),
        (Origin::Threshold, Some(id)) => match consumables::get(store, id)? {
            Some(c) => format!(
                "Added because {} was down to {} {} or fewer (your threshold)",
                c.name,
                c.threshold,
                plural(&c.unit, c.threshold)
            ),
            None => "Added when it ran low".into(),
        },
        (Origin::Threshold, None) => "Added when it ran low".into(),
    })
}

fn plural(unit: &str, n: u32) -> String {
    if n == 1 || unit.ends_with('s') {
        unit.to_owned()
    } else {
        format!("{unit}s")
    }
}
