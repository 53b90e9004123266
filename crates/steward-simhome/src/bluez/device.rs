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

    /// BLE bonding, which Steward does not need (it pairs at the application layer,
    /// docs/protocol/gatt.md) but which BlueZ clients may ask for: accepted, "Just Works".
    async fn pair(&self, #[zbus(signal_emitter)] emitter: SignalEmitter<'_>) -> Result<()> {
        self.shared
            .with_slot_mut(&self.id, |slot| slot.bonded = true);
        self.paired_changed(&emitter).await?;
        Ok(())
    }

    fn cancel_pairing(&self) -> Result<()> {
        Err(BluezError::DoesNotExist("no pairing in progress".into()))
    }

    #[zbus(property)]
    fn paired(&self) -> Result<bool> {
        self.read(|slot| slot.bonded)
    }

    #[zbus(property)]
    fn bonded(&self) -> Result<bool> {
        self.read(|slot| slot.bonded)
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
    fn trusted(&self) -> Result<bool> {
        self.read(|slot| slot.trusted)
    }

    #[zbus(property)]
    fn set_trusted(&mut self, trusted: bool) {
        self.shared
            .with_slot_mut(&self.id, |slot| slot.trusted = trusted);
    }

    #[zbus(property)]
    fn blocked(&self) -> bool {
        false
    }

    #[zbus(property)]
    fn legacy_pairing(&self) -> bool {
        false
    }

    /// The advertised service data: for the Steward device service, one byte of flags, bit 0 =
    /// pairing open (docs/protocol/gatt.md, "Advertisement").
    #[zbus(property)]
    fn service_data(&self) -> Result<std::collections::HashMap<String, zbus::OwnedVariant>> {
        let open = self.read(|slot| slot.device.pairing_open(std::time::Instant::now()))?;
        let flags = zbus::Variant::from(vec![u8::from(open)]);
        let flags =
            zbus::OwnedVariant::try_from(flags).map_err(|e| BluezError::Failed(e.to_string()))?;
        Ok([(steward_protocol::uuids::DEVICE_SERVICE.to_string(), flags)].into())
    }

    /// The device's RSSI, varying a little with each discovery session as a real one does.
    #[zbus(property, name = "RSSI")]
    fn rssi(&self) -> Result<i16> {
        const JITTER: [i16; 5] = [0, -2, 1, -1, 2];
        self.read(|slot| slot.device.rssi + JITTER[usize::from(slot.sightings) % JITTER.len()])
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
