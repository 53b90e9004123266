//! `org.bluez.Adapter1` at `/org/bluez/hci0`: discovery with BlueZ's service-UUID filter, kept
//! per client as BlueZ keeps it (each D-Bus connection sets its own; the adapter discovers what
//! the discovering clients' filters together ask for), power, and removing devices.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use zbus::object_server::{ObjectServer, SignalEmitter};
use zbus::{OwnedVariant, Variant};

use super::Result;
use crate::home::Shared;

pub struct Adapter {
    pub(crate) shared: Arc<Shared>,
    pub(crate) discovering: bool,
    /// Each client's service UUIDs from SetDiscoveryFilter; empty means every device.
    pub(crate) filters: HashMap<String, Vec<String>>,
    /// The clients that called StartDiscovery and not StopDiscovery.
    pub(crate) discovering_clients: HashSet<String>,
}

/// The caller's unique bus name, which keys its filter and its discovery.
fn client(header: &zbus::message::Header<'_>) -> String {
    header
        .sender()
        .map(|sender| sender.to_string())
        .unwrap_or_default()
}

impl Adapter {
    /// What the discovering clients ask for together: every device if any of them has no filter.
    fn merged_filter(&self) -> Vec<String> {
        let mut merged = Vec::new();
        for client in &self.discovering_clients {
            match self.filters.get(client) {
                Some(filter) if !filter.is_empty() => merged.extend(filter.iter().cloned()),
                _ => return Vec::new(),
            }
        }
        merged
    }
}

#[zbus::interface(name = "org.bluez.Adapter1")]
impl Adapter {
    async fn set_discovery_filter(
        &mut self,
        filter: HashMap<String, OwnedVariant>,
        #[zbus(header)] header: zbus::message::Header<'_>,
    ) -> Result<()> {
        let uuids = match filter.get("UUIDs") {
            Some(uuids) => match &**uuids {
                Variant::Array(array) => array
                    .iter()
                    .filter_map(|v| match v {
                        Variant::Str(s) => Some(s.as_str().to_ascii_lowercase()),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            },
            None => Vec::new(),
        };
        self.filters.insert(client(&header), uuids);
        Ok(())
    }

    async fn start_discovery(
        &mut self,
        #[zbus(object_server)] server: &ObjectServer,
        #[zbus(signal_emitter)] emitter: SignalEmitter<'_>,
        #[zbus(header)] header: zbus::message::Header<'_>,
    ) -> Result<()> {
        if !self.shared.powered() {
            return Err(super::BluezError::NotReady("Resource Not Ready".into()));
        }
        self.discovering_clients.insert(client(&header));
        if !self.discovering {
            self.discovering = true;
            self.discovering_changed(&emitter).await?;
        }
        self.shared.discover(server, &self.merged_filter()).await?;
        Ok(())
    }

    async fn stop_discovery(
        &mut self,
        #[zbus(signal_emitter)] emitter: SignalEmitter<'_>,
        #[zbus(header)] header: zbus::message::Header<'_>,
    ) -> Result<()> {
        self.discovering_clients.remove(&client(&header));
        let discovering = !self.discovering_clients.is_empty();
        if discovering != self.discovering {
            self.discovering = discovering;
            self.discovering_changed(&emitter).await?;
        }
        Ok(())
    }

    #[zbus(property)]
    fn address(&self) -> String {
        "00:1A:7D:DA:71:13".into()
    }

    #[zbus(property)]
    fn address_type(&self) -> String {
        "public".into()
    }

    #[zbus(property)]
    fn name(&self) -> String {
        "steward-simhome".into()
    }

    #[zbus(property)]
    fn alias(&self) -> String {
        "Steward simulated home".into()
    }

    #[zbus(property)]
    fn modalias(&self) -> String {
        "usb:v1D6Bp0246d0540".into()
    }

    #[zbus(property)]
    fn powered(&self) -> bool {
        self.shared.powered()
    }

    /// What `bluetoothctl power off` does: switching off drops every connection and stops
    /// discovery, as BlueZ does. zbus signals the change to clients. While the owner has
    /// Bluetooth switched off (rfkill), powering on is refused as BlueZ refuses it.
    #[zbus(property)]
    fn set_powered(&mut self, powered: bool) -> zbus::fdo::Result<()> {
        if powered && self.shared.blocked() {
            return Err(zbus::fdo::Error::Failed("Blocked through rfkill".into()));
        }
        self.apply_power(powered);
        Ok(())
    }

    #[zbus(property)]
    fn discovering(&self) -> bool {
        self.discovering
    }

    #[zbus(property)]
    fn roles(&self) -> Vec<String> {
        vec!["central".into(), "peripheral".into()]
    }

    /// The adapter's own services (GAP and GATT), as BlueZ lists them.
    #[zbus(property, name = "UUIDs")]
    fn uuids(&self) -> Vec<String> {
        vec![
            "00001800-0000-1000-8000-00805f9b34fb".into(),
            "00001801-0000-1000-8000-00805f9b34fb".into(),
        ]
    }

    #[zbus(property)]
    fn class(&self) -> u32 {
        0
    }

    #[zbus(property)]
    fn discoverable(&self) -> bool {
        false
    }

    #[zbus(property)]
    fn discoverable_timeout(&self) -> u32 {
        180
    }

    #[zbus(property)]
    fn pairable(&self) -> bool {
        false
    }

    #[zbus(property)]
    fn pairable_timeout(&self) -> u32 {
        0
    }

    /// Forgets a device: disconnects it and removes its objects, as BlueZ does.
    async fn remove_device(
        &self,
        device: zbus::ObjectPath<'_>,
        #[zbus(object_server)] server: &ObjectServer,
    ) -> Result<()> {
        self.shared.remove_device(server, &device).await
    }

    /// The filter keys `SetDiscoveryFilter` takes; only `UUIDs` narrows what this home shows.
    fn get_discovery_filters(&self) -> Vec<String> {
        [
            "UUIDs",
            "RSSI",
            "Pathloss",
            "Transport",
            "DuplicateData",
            "Discoverable",
            "Pattern",
        ]
        .into_iter()
        .map(str::to_owned)
        .collect()
    }
}

impl Adapter {
    /// Switches the adapter as `set_powered` does; for the home's own controls.
    pub(crate) fn apply_power(&mut self, powered: bool) {
        self.shared.set_powered(powered);
        if !powered {
            self.discovering = false;
            self.discovering_clients.clear();
        }
    }
}
