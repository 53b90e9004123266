//! `org.bluez.Adapter1` at `/org/bluez/hci0`: discovery with BlueZ's service-UUID filter.

use std::collections::HashMap;
use std::sync::Arc;

use zbus::object_server::{ObjectServer, SignalEmitter};
use zbus::{OwnedVariant, Variant};

use super::Result;
use crate::home::Shared;

pub struct Adapter {
    pub(crate) shared: Arc<Shared>,
    pub(crate) discovering: bool,
    /// Service UUIDs from SetDiscoveryFilter; empty means every device.
    pub(crate) filter: Vec<String>,
}

#[zbus::interface(name = "org.bluez.Adapter1")]
impl Adapter {
    async fn set_discovery_filter(&mut self, filter: HashMap<String, OwnedVariant>) -> Result<()> {
        self.filter = match filter.get("UUIDs") {
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
        Ok(())
    }

    async fn start_discovery(
        &mut self,
        #[zbus(object_server)] server: &ObjectServer,
        #[zbus(signal_emitter)] emitter: SignalEmitter<'_>,
    ) -> Result<()> {
        if !self.shared.powered() {
            return Err(super::BluezError::NotReady("Resource Not Ready".into()));
        }
        self.discovering = true;
        self.discovering_changed(&emitter).await?;
        self.shared.discover(server, &self.filter).await?;
        Ok(())
    }

    async fn stop_discovery(
        &mut self,
        #[zbus(signal_emitter)] emitter: SignalEmitter<'_>,
    ) -> Result<()> {
        self.discovering = false;
        self.discovering_changed(&emitter).await?;
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
    /// discovery, as BlueZ does. zbus signals the change to clients.
    #[zbus(property)]
    fn set_powered(&mut self, powered: bool) {
        self.apply_power(powered);
    }

    #[zbus(property)]
    fn discovering(&self) -> bool {
        self.discovering
    }
}

impl Adapter {
    /// Switches the adapter as `set_powered` does; for the home's own controls.
    pub(crate) fn apply_power(&mut self, powered: bool) {
        self.shared.set_powered(powered);
        if !powered {
            self.discovering = false;
        }
    }
}
