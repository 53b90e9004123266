//! The device commands of [`Steward`]: scan, pair, command, and following the hub's events into
//! the store and the UI. Pairing stores the key kept from pairing, never the setup code.

use std::time::Duration;

use steward_core::store::devices::{self, DeviceRow};
use steward_core::DeviceName;
use steward_devices::{DeviceError, HubEvent, KnownDevice, SessionUpdate};
use steward_protocol::command::Command;
use steward_protocol::pairing::{PairingKey, QrPayload, SetupCode};
use steward_protocol::{DeviceId, DeviceKind};
use tokio::sync::mpsc::UnboundedReceiver;

use crate::events::AppEvent;
use crate::wire::{CommandInput, DeviceDetailView, FoundDeviceView};
use crate::{ApiError, ErrorCode, Steward};

/// How long a scan for new devices listens.
pub const SCAN_WINDOW: Duration = Duration::from_secs(2);

impl Steward {
    /// Finds Steward devices nearby.
    pub async fn scan_devices(&self) -> Result<Vec<FoundDeviceView>, ApiError> {
        let found = self.device_control()?.scan(SCAN_WINDOW).await?;
        let views: Vec<FoundDeviceView> = found
            .iter()
            .filter_map(|advert| {
                let kind = advert.kind?;
                Some(FoundDeviceView {
                    address: advert.address.clone(),
                    name: DeviceName::from_advertised(advert.name.as_deref(), label(kind))
                        .as_str()
                        .to_owned(),
                    kind: kind.as_str().to_owned(),
                    rssi: advert.rssi,
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
    ) -> Result<DeviceDetailView, ApiError> {
        let found = self.scanned(address).ok_or_else(|| ApiError {
            code: ErrorCode::InvalidInput,
            message: "That device is not in the last scan. Scan again and pick it from the list."
                .into(),
        })?;
        let (code, expected) = parse_code(code)?;
        let (identity, key) = self
            .device_control()?
            .pair(address, &code, expected)
            .await?;
        let row = DeviceRow {
            id: identity.id.to_hex(),
            name: found.name,
            kind: identity.kind.as_str().to_owned(),
            paired_at: crate::steward::unix_now(),
        };
        self.with_store(|store| devices::save_paired(store, &row, key.as_bytes()))?;
        let detail = self.device_detail(&row.id).await?;
        self.announce_home();
        Ok(detail)
    }

    /// A paired device with its live status.
    pub async fn device_detail(&self, id: &str) -> Result<DeviceDetailView, ApiError> {
        let row = self
            .with_store(|store| devices::get(store, id))?
            .ok_or_else(unknown_device)?;
        let device_id = parse_id(id)?;
        let control = self.devices.as_ref();
        let connected = control.is_some_and(|c| c.is_connected(&device_id));
        let mut state = self.cached_state(&device_id);
        if connected && state.is_none() {
            if let Some(control) = control {
                if let Ok(fresh) = control.read_state(device_id).await {
                    state = Some(fresh.into());
                    self.cache_state(device_id, state.clone());
                }
            }
        }
        let info = control.and_then(|c| c.info(&device_id)).unwrap_or_default();
        Ok(DeviceDetailView {
            id: row.id,
            name: row.name,
            kind: row.kind,
            connected,
            state,
            firmware: info.firmware,
            battery_percent: info.battery_percent,
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
        let control = self.device_control()?;
        control.command(device_id, command).await?;
        let state = control.read_state(device_id).await?;
        self.cache_state(device_id, Some(state.into()));
        self.device_detail(id).await
    }

    /// Reconnects every device paired earlier. Call from inside the async runtime.
    pub fn restore_devices(&self) -> Result<(), ApiError> {
        let Some(control) = self.devices.as_ref() else {
            return Ok(());
        };
        let known = self
            .with_store(|store| devices::keys(store))?
            .into_iter()
            .filter_map(|k| {
                Some(KnownDevice {
                    id: DeviceId::from_hex(&k.id).ok()?,
                    kind: DeviceKind::from_name(&k.kind)?,
                    key: PairingKey::from_bytes(k.pairing_key),
                    last_seq: k.last_seq,
                })
            })
            .collect();
        control.restore(known);
        Ok(())
    }

    /// Follows the hub: records event positions, caches states, and announces changes. Runs
    /// until the hub is gone.
    pub async fn follow_devices(&self, mut events: UnboundedReceiver<HubEvent>) {
        while let Some(event) = events.recv().await {
            let id = match &event {
                HubEvent::Connected { id }
                | HubEvent::Disconnected { id }
                | HubEvent::Update { id, .. } => *id,
            };
            match event {
                HubEvent::Update {
                    update: SessionUpdate::Event(e),
                    ..
                } => {
                    if let Err(error) =
                        self.with_store(|store| devices::advance_seq(store, &id.to_hex(), e.seq))
                    {
                        tracing::error!(device = %id, message = %error.message, "could not record an event position");
                    }
                    if let steward_protocol::Event::StateChanged(state) = e.event {
                        self.cache_state(id, Some(state.into()));
                    }
                }
                HubEvent::Update {
                    update: SessionUpdate::State(state),
                    ..
                } => self.cache_state(id, Some(state.into())),
                HubEvent::Update { .. } | HubEvent::Connected { .. } => {}
                HubEvent::Disconnected { .. } => {}
            }
            if let Ok(detail) = self.device_detail(&id.to_hex()).await {
                self.events.emit(AppEvent::DeviceChanged(detail));
            }
        }
    }

    fn device_control(&self) -> Result<&dyn steward_devices::DeviceControl, ApiError> {
        self.devices
            .as_deref()
            .ok_or_else(|| DeviceError::NoBluetooth("no Bluetooth adapter".into()).into())
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
