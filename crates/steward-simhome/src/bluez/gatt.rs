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

    async fn start_notify(&mut self) -> Result<()> {
        if !self.flags.iter().any(|f| f == "notify") {
            return Err(BluezError::NotSupported(
                "this characteristic does not notify".into(),
            ));
        }
        self.notifying = true;
        self.shared.on_subscribed(&self.id, self.uuid);
        Ok(())
    }

    async fn stop_notify(&mut self) -> Result<()> {
        self.notifying = false;
        Ok(())
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
