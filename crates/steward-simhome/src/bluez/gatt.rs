//! `org.bluez.GattService1` and `org.bluez.GattCharacteristic1` for a connected device. A
//! notification is a `PropertiesChanged` of the characteristic's `Value`, sent only while the
//! client has called `StartNotify`.

use std::collections::HashMap;
use std::sync::Arc;

use steward_protocol::uuids::Uuid;
use steward_protocol::DeviceId;
use zbus::{OwnedObjectPath, OwnedVariant};

use super::{BluezError, Result};
use crate::home::Shared;

pub struct GattService {
    pub(crate) uuid: Uuid,
    pub(crate) device: OwnedObjectPath,
}

#[zbus::interface(name = "org.bluez.GattService1")]
impl GattService {
    #[zbus(property, name = "UUID")]
    fn uuid(&self) -> String {
        self.uuid.to_string()
    }

    #[zbus(property)]
    fn primary(&self) -> bool {
        true
    }

    #[zbus(property)]
    fn device(&self) -> OwnedObjectPath {
        self.device.clone()
    }
}

pub struct GattCharacteristic {
    pub(crate) shared: Arc<Shared>,
    pub(crate) id: DeviceId,
    pub(crate) uuid: Uuid,
    pub(crate) service: OwnedObjectPath,
    pub(crate) flags: Vec<String>,
    pub(crate) value: Vec<u8>,
    pub(crate) notifying: bool,
}

#[zbus::interface(name = "org.bluez.GattCharacteristic1")]
impl GattCharacteristic {
    /// A slow device's answer is awaited holding only a shared lock on this object, as BlueZ
    /// keeps serving other clients and `GetManagedObjects` while one read is pending. The cached
    /// `Value` is updated once the call has returned (and released that lock).
    async fn read_value(
        &self,
        _options: HashMap<String, OwnedVariant>,
        #[zbus(connection)] connection: &zbus::Connection,
        #[zbus(header)] header: zbus::message::Header<'_>,
    ) -> Result<Vec<u8>> {
        let value = self
            .shared
            .read(&self.id, self.uuid)
            .await?
            .ok_or_else(|| BluezError::NotPermitted("this characteristic cannot be read".into()))?;
        if let Some(path) = header.path().map(|p| p.to_owned()) {
            let connection = connection.clone();
            let cached = value.clone();
            tokio::spawn(async move {
                if let Ok(iface) = connection
                    .object_server()
                    .interface::<_, GattCharacteristic>(path)
                    .await
                {
                    iface.get_mut().await.value = cached;
                }
            });
        }
        Ok(value)
    }

    async fn write_value(
        &self,
        value: Vec<u8>,
        _options: HashMap<String, OwnedVariant>,
    ) -> Result<()> {
        self.shared.write(&self.id, self.uuid, &value).await
    }

    async fn start_notify(
        &mut self,
        #[zbus(signal_emitter)] emitter: zbus::object_server::SignalEmitter<'_>,
    ) -> Result<()> {
        if !self.flags.iter().any(|f| f == "notify") {
            return Err(BluezError::NotSupported(
                "this characteristic does not notify".into(),
            ));
        }
        if !self.notifying {
            self.notifying = true;
            self.notifying_changed(&emitter).await?;
        }
        Ok(())
    }

    async fn stop_notify(
        &mut self,
        #[zbus(signal_emitter)] emitter: zbus::object_server::SignalEmitter<'_>,
    ) -> Result<()> {
        if self.notifying {
            self.notifying = false;
            self.notifying_changed(&emitter).await?;
        }
        Ok(())
    }

    /// Not offered: clients fall back to `StartNotify`, as they do with BlueZ when a
    /// characteristic cannot be acquired.
    fn acquire_notify(
        &self,
        _options: HashMap<String, OwnedVariant>,
    ) -> Result<(zbus::OwnedFd, u16)> {
        Err(BluezError::NotSupported(
            "AcquireNotify is not offered; use StartNotify".into(),
        ))
    }

    /// Not offered: clients fall back to `WriteValue`.
    fn acquire_write(
        &self,
        _options: HashMap<String, OwnedVariant>,
    ) -> Result<(zbus::OwnedFd, u16)> {
        Err(BluezError::NotSupported(
            "AcquireWrite is not offered; use WriteValue".into(),
        ))
    }

    /// The ATT MTU of the connection. Every Steward frame fits the BLE minimum (23, so 20 bytes
    /// of value); this is what the simulated link negotiates.
    #[zbus(property, name = "MTU")]
    fn mtu(&self) -> u16 {
        247
    }

    #[zbus(property, name = "UUID")]
    fn uuid(&self) -> String {
        self.uuid.to_string()
    }

    #[zbus(property)]
    fn service(&self) -> OwnedObjectPath {
        self.service.clone()
    }

    #[zbus(property)]
    fn flags(&self) -> Vec<String> {
        self.flags.clone()
    }

    #[zbus(property)]
    fn value(&self) -> Vec<u8> {
        self.value.clone()
    }

    #[zbus(property)]
    fn notifying(&self) -> bool {
        self.notifying
    }
}

/// The Client Characteristic Configuration descriptor (0x2902) BlueZ lists under every
/// characteristic that notifies. Its value follows `StartNotify`/`StopNotify`; BlueZ does not let
/// clients write it directly, and neither does this.
pub struct GattDescriptor {
    pub(crate) characteristic: OwnedObjectPath,
}

/// The Client Characteristic Configuration descriptor's UUID.
pub const CCCD: &str = "00002902-0000-1000-8000-00805f9b34fb";

#[zbus::interface(name = "org.bluez.GattDescriptor1")]
impl GattDescriptor {
    async fn read_value(
        &self,
        _options: HashMap<String, OwnedVariant>,
        #[zbus(object_server)] server: &zbus::ObjectServer,
    ) -> Result<Vec<u8>> {
        let characteristic = server
            .interface::<_, GattCharacteristic>(&self.characteristic)
            .await?;
        let notifying = characteristic.get().await.notifying;
        Ok(vec![u8::from(notifying), 0])
    }

    fn write_value(&self, _value: Vec<u8>, _options: HashMap<String, OwnedVariant>) -> Result<()> {
        Err(BluezError::NotPermitted(
            "the CCCD is written through StartNotify and StopNotify".into(),
        ))
    }

    #[zbus(property, name = "UUID")]
    fn uuid(&self) -> String {
        CCCD.into()
    }

    #[zbus(property)]
    fn characteristic(&self) -> OwnedObjectPath {
        self.characteristic.clone()
    }

    #[zbus(property)]
    fn flags(&self) -> Vec<String> {
        vec!["read".into()]
    }
}
