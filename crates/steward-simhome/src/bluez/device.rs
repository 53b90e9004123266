//! `org.bluez.Device1` for each simulated device in range: its advertisement, and connecting,
//! which exports its GATT objects and then reports `ServicesResolved`.

use std::sync::Arc;

use steward_protocol::DeviceId;
use zbus::object_server::{ObjectServer, SignalEmitter};
use zbus::OwnedObjectPath;

use super::{address_string, owned_path, BluezError, Result, ADAPTER_PATH};
use crate::home::Shared;

pub struct BluezDevice {
    pub(crate) shared: Arc<Shared>,
    pub(crate) id: DeviceId,
}

impl BluezDevice {
    fn read<T>(&self, f: impl FnOnce(&crate::home::Slot) -> T) -> Result<T> {
        self.shared
            .with_slot(&self.id, f)
            .ok_or_else(|| super::gone(&self.id))
    }
}

#[zbus::interface(name = "org.bluez.Device1")]
impl BluezDevice {
    async fn connect(
        &self,
        #[zbus(object_server)] server: &ObjectServer,
        #[zbus(signal_emitter)] emitter: SignalEmitter<'_>,
    ) -> Result<()> {
        if !self.shared.powered() {
            return Err(BluezError::NotReady("Resource Not Ready".into()));
        }
        let (in_range, delay) = self.read(|slot| (slot.in_range, slot.faults.connect_delay))?;
        if let Some(delay) = delay {
            tokio::time::sleep(delay).await;
        }
        if !in_range {
            return Err(BluezError::Failed("le-connection-abort-by-local".into()));
        }
        self.shared.export_gatt(server, &self.id).await?;
        self.shared.reset_notifications(server, &self.id).await?;
        self.shared
            .with_slot_mut(&self.id, |slot| slot.connected = true);
        self.connected_changed(&emitter).await?;
        self.services_resolved_changed(&emitter).await?;
        self.shared.on_connected(&self.id);
        Ok(())
    }

    async fn disconnect(&self, #[zbus(signal_emitter)] emitter: SignalEmitter<'_>) -> Result<()> {
        self.shared
            .with_slot_mut(&self.id, |slot| slot.connected = false);
        self.services_resolved_changed(&emitter).await?;
        self.connected_changed(&emitter).await?;
        Ok(())
    }

    #[zbus(property)]
    fn address(&self) -> Result<String> {
        self.read(|slot| address_string(&slot.device.address))
    }

    #[zbus(property)]
    fn address_type(&self) -> String {
        "random".into()
    }

    #[zbus(property)]
    fn name(&self) -> Result<String> {
        self.read(|slot| slot.device.name.clone())
    }

    #[zbus(property)]
    fn alias(&self) -> Result<String> {
        self.read(|slot| slot.device.name.clone())
    }

    #[zbus(property)]
    fn adapter(&self) -> OwnedObjectPath {
        owned_path(ADAPTER_PATH.into())
    }

    #[zbus(property)]
    fn paired(&self) -> bool {
        // Steward pairs at the application layer (docs/protocol/gatt.md); no BLE bonding.
        false
    }

    #[zbus(property)]
    fn connected(&self) -> Result<bool> {
        self.read(|slot| slot.connected)
    }

    #[zbus(property)]
    fn services_resolved(&self) -> Result<bool> {
        self.read(|slot| slot.connected)
    }

    #[zbus(property)]
    fn trusted(&self) -> bool {
        false
    }

    #[zbus(property)]
    fn blocked(&self) -> bool {
        false
    }

    #[zbus(property)]
    fn legacy_pairing(&self) -> bool {
        false
    }

    #[zbus(property, name = "RSSI")]
    fn rssi(&self) -> Result<i16> {
        self.read(|slot| slot.device.rssi)
    }

    #[zbus(property, name = "UUIDs")]
    fn uuids(&self) -> Result<Vec<String>> {
        self.read(|slot| {
            slot.device
                .advertised_services()
                .iter()
                .map(|u| u.to_string())
                .collect()
        })
    }
}
