//! The device commands of [`Steward`]: scan, pair, command, and following the hub's events into
//! the store and the UI. Pairing stores the device's long-term public key and boot id, never the
//! setup code; this phone's own key is the hub's, from the keystore.

use std::time::Duration;

use steward_core::inventory::supplies::{self, DeviceStock};
use steward_core::store::devices::{self, DeviceRow};
use steward_core::store::ingest::{self, DeviceEvent, Reading};
use steward_core::DeviceName;
use steward_devices::{DeviceError, HubEvent, KnownDevice, SessionEvent, SessionUpdate};
use steward_protocol::command::Command;
use steward_protocol::keys::PublicKey;
use steward_protocol::pairing::{QrPayload, SetupCode};
use steward_protocol::{DeviceId, DeviceKind, DeviceState, Event};
use tokio::sync::mpsc::Receiver;

use crate::events::AppEvent;
use crate::wire::{
    CommandInput, DeviceDetailView, FoundDeviceView, PairedAsView, RemovedDeviceView,
    SupplyQuestionView,
};
use crate::{ApiError, ErrorCode, Steward};

/// The most device events written in one transaction.
const MAX_BATCH: usize = 1_000;

/// Events kept for writing again while the store refuses them; beyond this the oldest are let
/// go (their use is still counted from the device's own counter by the next event that lands).
const MAX_UNRECORDED: usize = 100_000;

/// How soon a batch that could not be written is tried again when nothing new arrives.
const RETRY_UNRECORDED: Duration = Duration::from_secs(1);

/// How long a scan for new devices listens.
pub const SCAN_WINDOW: Duration = Duration::from_secs(2);

impl Steward {
    /// Finds Steward devices nearby.
    pub async fn scan_devices(&self) -> Result<Vec<FoundDeviceView>, ApiError> {
        self.require_bluetooth().await?;
        let control = self.device_control().await?;
        let found = control.scan(SCAN_WINDOW).await?;
        let connected = control.connected_at();
        let names: std::collections::HashMap<String, String> = self
            .with_store(|store| devices::list(store))?
            .into_iter()
            .map(|row| (row.id, row.name))
            .collect();
        let paired_as = |address: &str| {
            connected
                .iter()
                .find(|(_, at)| at == address)
                .and_then(|(id, _)| {
                    let id = id.to_hex();
                    let name = names.get(&id)?.clone();
                    Some(PairedAsView { id, name })
                })
        };
        let views: Vec<FoundDeviceView> = found
            .iter()
            .filter_map(|advert| {
                let kind = advert.kind?;
                Some(FoundDeviceView {
                    paired_as: paired_as(&advert.address),
                    supply_question: supplies::owner_question(kind.as_str()).map(|q| {
                        SupplyQuestionView {
                            prompt: q.prompt,
                            unit: q.unit,
                            suggested: q.suggested,
                            max: supplies::MAX_STARTING_LEVEL,
                        }
                    }),
                    address: advert.address.clone(),
                    name: DeviceName::from_advertised(advert.name.as_deref(), label(kind))
                        .as_str()
                        .to_owned(),
                    kind: kind.as_str().to_owned(),
                    rssi: advert.rssi,
                    pairing_open: advert.pairing_open,
                })
            })
            .collect();
        self.remember_scan(&views);
        Ok(views)
    }

    /// Pairs with a device from the last scan, using the code printed on it (8 digits) or the
    /// text of its QR code; stores it and returns it.
    pub async fn pair_device(
        &self,
        address: &str,
        code: &str,
        starting_level: Option<u32>,
    ) -> Result<DeviceDetailView, ApiError> {
        let found = self.scanned(address).ok_or_else(|| ApiError {
            code: ErrorCode::InvalidInput,
            message: "That device is not in the last scan. Scan again and pick it from the list."
                .into(),
        })?;
        let (code, expected) = parse_code(code)?;
        // The owner's answer is checked before the device is touched: a refused answer pairs
        // nothing.
        supplies::supply_for(
            &found.kind,
            &found.name,
            DeviceStock::default(),
            starting_level,
        )?;
        let paired = self
            .device_control()
            .await?
            .pair(address, &code, expected)
            .await?;
        let identity = paired.identity;
        let row = DeviceRow {
            id: identity.id.to_hex(),
            name: found.name,
            kind: identity.kind.as_str().to_owned(),
            paired_at: crate::steward::unix_now(),
        };
        // What it uses up, where its counter stands: read before anything is stored, so the
        // device and its supply are recorded in one transaction.
        let (counter, supply) = self
            .device_supply(identity.id, identity.kind, &row.name, starting_level)
            .await?;
        let now = crate::steward::unix_now();
        self.with_store(|store| {
            devices::save_paired_with_supply(
                store,
                &row,
                paired.device_key.as_bytes(),
                &paired.boot_id,
                counter,
                supply.as_ref(),
                now,
            )
        })?;
        if supply.is_some() {
            self.announce_inventory();
        }
        let detail = self.device_detail(&row.id).await?;
        // What the session said before the row was stored (its state, its battery) was not
        // announced then: the new device is announced now, whole.
        self.events.emit(AppEvent::DeviceChanged(detail.clone()));
        self.announce_home();
        Ok(detail)
    }

    /// A paired device with its live status.
    pub async fn device_detail(&self, id: &str) -> Result<DeviceDetailView, ApiError> {
        let row = self
            .with_reader(|store| devices::get(store, id))?
            .ok_or_else(unknown_device)?;
        let device_id = parse_id(id)?;
        let control = self.devices.get();
        let connected = control.is_some_and(|c| c.is_connected(&device_id));
        let mut state = self.cached_state(&device_id);
        if connected && state.is_none() {
            if let Some(control) = control {
                if let Ok(fresh) = control.read_state(device_id).await {
                    self.cache_state(device_id, Some(fresh.into()));
                    state = self.cached_state(&device_id);
                }
            }
        }
        let (state, state_at) =
            state.map_or((None, None), |(s, at)| (Some(s), u32::try_from(at).ok()));
        let info = control.and_then(|c| c.info(&device_id)).unwrap_or_default();
        let problem = match control {
            Some(control) if !connected => {
                control.problem(&device_id).map(|e| problem_in_words(&e))
            }
            _ => None,
        };
        Ok(DeviceDetailView {
            id: row.id,
            name: row.name,
            kind: row.kind,
            connected,
            state,
            state_at,
            firmware: info.firmware,
            battery_percent: info.battery_percent,
            problem,
        })
    }

    /// Sends a command and returns the device as it confirmed it.
    pub async fn device_command(
        &self,
        id: &str,
        command: CommandInput,
    ) -> Result<DeviceDetailView, ApiError> {
        let device_id = parse_id(id)?;
        self.with_store(|store| devices::get(store, id))?
            .ok_or_else(unknown_device)?;
        let command = Command::try_from(command)?;
        let control = self.device_control().await?;
        control.command(device_id, command).await?;
        let state = control.read_state(device_id).await?;
        self.cache_state(device_id, Some(state.into()));
        self.device_detail(id).await
    }

    /// Removes a paired device: asks it to forget this phone (when it is in range), then deletes
    /// the phone's key and the device from the store. What it tracked stays in the inventory: the
    /// history belongs to the consumable.
    pub async fn remove_device(&self, id: &str) -> Result<RemovedDeviceView, ApiError> {
        let row = self
            .with_store(|store| devices::get(store, id))?
            .ok_or_else(unknown_device)?;
        let device_id = parse_id(id)?;
        let device_forgot = match self.devices.get() {
            Some(control) => control.forget(device_id).await,
            None => false,
        };
        self.with_store(|store| devices::remove(store, id))?;
        self.cache_state(device_id, None);
        self.announce_home();
        let message = if device_forgot {
            format!(
                "{} was removed, and it no longer accepts this phone.",
                row.name
            )
        } else {
            format!(
                "{} was removed from Steward. It was out of reach, so it still lists this phone; \
                 this phone no longer has the key, and resetting the device clears the list.",
                row.name
            )
        };
        Ok(RemovedDeviceView {
            home: self.home()?,
            device_forgot,
            message,
        })
    }

    /// Reconnects every device paired earlier. Call from inside the async runtime.
    pub fn restore_devices(&self) -> Result<(), ApiError> {
        let Some(control) = self.devices.get() else {
            return Ok(());
        };
        let known = self
            .with_store(|store| devices::keys(store))?
            .into_iter()
            .filter_map(|k| {
                Some(KnownDevice {
                    id: DeviceId::from_hex(&k.id).ok()?,
                    kind: DeviceKind::from_name(&k.kind)?,
                    device_key: PublicKey(k.device_key),
                    boot_id: k.boot_id,
                    last_seq: k.last_seq,
                })
            })
            .collect();
        control.restore(known);
        Ok(())
    }

    /// Follows the hub: records device events in the inventory, caches states, and announces
    /// changes. Events that queue up while one batch is written go into the next, so a busy home
    /// costs one transaction per batch rather than one per event. Runs until the hub is gone.
    pub async fn follow_devices(&self, mut events: Receiver<HubEvent>) {
        loop {
            let first = match tokio::time::timeout(RETRY_UNRECORDED, events.recv()).await {
                Ok(Some(first)) => first,
                Ok(None) => break,
                Err(_) => {
                    // Quiet: a good moment to write what an earlier batch could not.
                    if !self.lock_unrecorded().is_empty() {
                        self.record_events(&[]);
                    }
                    continue;
                }
            };
            let mut batch = vec![first];
            while batch.len() < MAX_BATCH {
                match events.try_recv() {
                    Ok(event) => batch.push(event),
                    Err(_) => break,
                }
            }
            self.record_events(&batch);
            let dropped = batch
                .iter()
                .any(|event| matches!(event, HubEvent::Disconnected { .. }));
            if dropped && self.bluetooth_access.is_some() {
                // Where the stack cannot report the radio (Android), a drop is the moment to ask
                // the platform whether Bluetooth was switched off.
                let now = self.bluetooth().await;
                self.events.emit(AppEvent::BluetoothChanged(now));
            }
            let mut changed: Vec<DeviceId> = Vec::new();
            for event in batch {
                let id = match &event {
                    HubEvent::Connected { id, .. }
                    | HubEvent::Disconnected { id }
                    | HubEvent::Update { id, .. } => *id,
                };
                match event {
                    HubEvent::Update {
                        update:
                            SessionUpdate::Event(SessionEvent {
                                event: Event::StateChanged(state),
                                ..
                            }),
                        ..
                    }
                    | HubEvent::Update {
                        update: SessionUpdate::State(state),
                        ..
                    } => self.cache_state(id, Some(state.into())),
                    _ => {}
                }
                if !changed.contains(&id) {
                    changed.push(id);
                }
            }
            for id in changed {
                if let Ok(detail) = self.device_detail(&id.to_hex()).await {
                    self.events.emit(AppEvent::DeviceChanged(detail));
                }
            }
        }
    }

    /// Writes a batch's device events to the inventory in one transaction, after the boot ids
    /// of the sessions that opened (a new one moves the recorded position back to 0).
    fn record_events(&self, batch: &[HubEvent]) {
        for event in batch {
            if let HubEvent::Connected { id, boot_id } = event {
                let id = id.to_hex();
                if let Err(error) = self.with_store(|store| devices::set_boot(store, &id, boot_id))
                {
                    tracing::error!(device = %id, message = %error.message, "could not record the device's boot id");
                }
            }
        }
        let now = crate::steward::unix_now();
        let events: Vec<DeviceEvent> = batch
            .iter()
            .filter_map(|event| match event {
                HubEvent::Update {
                    id,
                    update: SessionUpdate::Event(frame),
                } => Some(DeviceEvent {
                    device_id: id.to_hex(),
                    seq: frame.seq,
                    reading: reading(&frame.event),
                    at: now,
                    restarted: frame.restarted,
                }),
                _ => None,
            })
            .collect();
        for event in batch {
            if let HubEvent::Update {
                id,
                update: SessionUpdate::Event(frame),
            } = event
            {
                self.note_events(&id.to_hex(), &[event_name(&frame.event)], now);
            }
        }
        // A pattern of presses may now match a guide, or stock reach its threshold.
        self.poke_notifications();
        // What an earlier batch could not write goes first, in order; writing twice is safe
        // (events at or below a device's stored number are skipped).
        let mut events = {
            let mut unrecorded = self.lock_unrecorded();
            let mut all = std::mem::take(&mut *unrecorded);
            all.extend(events);
            all
        };
        if events.is_empty() {
            return;
        }
        match self.with_store(|store| ingest::ingest(store, &events)) {
            Ok(report) => {
                for refusal in &report.refused {
                    tracing::warn!(device = %refusal.device_id, seq = refusal.seq, reason = %refusal.reason, "device event refused");
                }
                if report.gaps > 0 || report.anomalies > 0 {
                    tracing::warn!(
                        gaps = report.gaps,
                        anomalies = report.anomalies,
                        "odd device events recorded"
                    );
                }
                if !report.consumables_changed.is_empty() {
                    self.announce_inventory();
                }
            }
            // Nothing was recorded and the positions did not move: the events are kept and
            // written again, before anything newer.
            Err(error) => {
                tracing::error!(message = %error.message, events = events.len(), "could not record device events; they are kept and written again");
                if events.len() > MAX_UNRECORDED {
                    let excess = events.len() - MAX_UNRECORDED;
                    tracing::warn!(excess, "too many unrecorded events: the oldest are let go");
                    events.drain(..excess);
                }
                *self.lock_unrecorded() = events;
            }
        }
    }

    fn lock_unrecorded(&self) -> std::sync::MutexGuard<'_, Vec<DeviceEvent>> {
        self.unrecorded
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// What a newly paired device uses up, and where its use counter stands (from its state);
    /// nothing for devices that use nothing up, or whose state cannot be read.
    async fn device_supply(
        &self,
        id: DeviceId,
        kind: DeviceKind,
        name: &str,
        owner_level: Option<u32>,
    ) -> Result<(Option<u32>, Option<steward_core::inventory::ConsumableSpec>), ApiError> {
        let Some(control) = self.devices.get() else {
            return Ok((None, None));
        };
        let stock = match control.read_state(id).await {
            Ok(DeviceState::SoapDispenser(s)) => DeviceStock {
                remaining: Some(u32::from(s.remaining)),
                capacity: Some(u32::from(s.capacity)),
                counter: s.dispensed_total,
            },
            Ok(DeviceState::Toaster(s)) => DeviceStock {
                remaining: None,
                capacity: None,
                counter: s.slices_total,
            },
            Ok(_) => return Ok((None, None)),
            Err(error) => {
                tracing::warn!(device = %id, %error, "could not read the new device's state; its supply starts when it answers");
                return Ok((None, None));
            }
        };
        let spec = supplies::supply_for(kind.as_str(), name, stock, owner_level)?;
        Ok((Some(stock.counter), spec))
    }

    /// The devices, opening the radio first if it was left for the first use.
    async fn device_control(&self) -> Result<&dyn steward_devices::DeviceControl, ApiError> {
        self.open_radio().await;
        self.devices
            .get()
            .map(|control| &**control)
            .ok_or_else(|| DeviceError::NoBluetooth("no Bluetooth adapter".into()).into())
    }
}

/// Why a paired device is not connected, for the device screen. Only what the device itself
/// said gets here; plain absence reads "out of range" in the UI.
fn problem_in_words(error: &DeviceError) -> String {
    match error {
        DeviceError::LockedOut { retry_after_secs } => format!(
            "It is refusing connections for {} after wrong codes were tried on it. Steward tries again then.",
            crate::error::wait_in_words(*retry_after_secs)
        ),
        DeviceError::NotPaired | DeviceError::WrongCode => "It no longer recognises this phone (it may have been reset). \
             Remove it and pair it again with its code."
            .to_owned(),
        other => crate::ApiError::from(other.clone()).message,
    }
}

/// What an event means for the inventory.
fn reading(event: &Event) -> Reading {
    match *event {
        Event::PacketDispensed {
            dispensed_total, ..
        } => Reading::Used {
            counter: dispensed_total,
        },
        Event::SliceToasted { slices_total, .. } => Reading::Used {
            counter: slices_total,
        },
        Event::Refilled {
            remaining,
            capacity,
        } => Reading::Refilled {
            remaining: u32::from(remaining),
            capacity: u32::from(capacity),
        },
        Event::ButtonPressed(_) | Event::StateChanged(_) => Reading::Other,
    }
}

fn parse_code(text: &str) -> Result<(SetupCode, Option<DeviceId>), ApiError> {
    let invalid = |message: &str| ApiError {
        code: ErrorCode::WrongCode,
        message: message.to_owned(),
    };
    if text.trim_start().starts_with("STEWARD:") {
        let qr = QrPayload::parse(text)
            .map_err(|_| invalid("That QR code is not a Steward device code."))?;
        Ok((qr.code, Some(qr.id)))
    } else {
        let code = SetupCode::parse(text)
            .map_err(|_| invalid("A setup code is 8 digits, like 1234-5678."))?;
        Ok((code, None))
    }
}

fn parse_id(id: &str) -> Result<DeviceId, ApiError> {
    DeviceId::from_hex(id).map_err(|_| unknown_device())
}

fn unknown_device() -> ApiError {
    ApiError {
        code: ErrorCode::InvalidInput,
        message: "Steward does not know that device. It may have been removed.".into(),
    }
}

/// What to call a device that advertises no usable name.
fn label(kind: DeviceKind) -> &'static str {
    match kind {
        DeviceKind::SoapDispenser => "Soap dispenser",
        DeviceKind::Toaster => "Toaster",
        DeviceKind::BluRayPlayer => "Blu-ray player",
        DeviceKind::Light => "Light",
        DeviceKind::Thermostat => "Thermostat",
    }
}

/// A device event's name as partner feeds' `devicePattern` rules name it
/// (docs/protocol/partner-feed.md).
fn event_name(event: &Event) -> &'static str {
    match event {
        Event::PacketDispensed { .. } => "dispense",
        Event::SliceToasted { .. } => "toast",
        Event::ButtonPressed(_) => "button",
        Event::StateChanged(_) => "state",
        Event::Refilled { .. } => "refill",
    }
}
