//! [`DeviceControl`]: the hub behind an object-safe trait, so the API facade can hold it without
//! knowing which BLE stack (or test double) is underneath.

use std::time::Duration;

use futures_util::future::BoxFuture;
use steward_protocol::command::Command;
use steward_protocol::pairing::SetupCode;
use steward_protocol::{DeviceId, DeviceState};

use crate::hub::{DeviceInfo, Paired};
use crate::{Advertisement, Central, DeviceError, Hub, KnownDevice, RadioState};

/// What the app asks of its devices.
pub trait DeviceControl: Send + Sync {
    fn scan(&self, window: Duration) -> BoxFuture<'_, Result<Vec<Advertisement>, DeviceError>>;
    fn pair<'a>(
        &'a self,
        address: &'a str,
        code: &'a SetupCode,
        expected: Option<DeviceId>,
    ) -> BoxFuture<'a, Result<Paired, DeviceError>>;
    fn command(&self, id: DeviceId, command: Command) -> BoxFuture<'_, Result<(), DeviceError>>;
    fn read_state(&self, id: DeviceId) -> BoxFuture<'_, Result<DeviceState, DeviceError>>;
    fn is_connected(&self, id: &DeviceId) -> bool;
    /// Where each connected device is now (its address), to mark it in a scan.
    fn connected_at(&self) -> Vec<(DeviceId, String)>;
    /// Firmware as read on the last connection, and the battery as last reported.
    fn info(&self, id: &DeviceId) -> Option<DeviceInfo>;
    /// Reconnects devices paired earlier; must be called inside the async runtime.
    fn restore(&self, devices: Vec<KnownDevice>);
    /// Asks a connected device to forget this phone, disconnects it and stops reconnecting;
    /// resolves to whether the device confirmed it forgot.
    fn forget(&self, id: DeviceId) -> BoxFuture<'_, bool>;
    /// The radio's state now and as it changes.
    fn radio(&self) -> tokio::sync::watch::Receiver<RadioState>;
    /// Why a paired device could not be reconnected, when that is more than "out of range".
    fn problem(&self, id: &DeviceId) -> Option<DeviceError>;
}

impl<C: Central + 'static> DeviceControl for Hub<C> {
    fn scan(&self, window: Duration) -> BoxFuture<'_, Result<Vec<Advertisement>, DeviceError>> {
        Box::pin(Hub::scan(self, window))
    }

    fn pair<'a>(
        &'a self,
        address: &'a str,
        code: &'a SetupCode,
        expected: Option<DeviceId>,
    ) -> BoxFuture<'a, Result<Paired, DeviceError>> {
        Box::pin(Hub::pair(self, address, code, expected))
    }

    fn command(&self, id: DeviceId, command: Command) -> BoxFuture<'_, Result<(), DeviceError>> {
        Box::pin(async move { Hub::command(self, &id, command).await })
    }

    fn read_state(&self, id: DeviceId) -> BoxFuture<'_, Result<DeviceState, DeviceError>> {
        Box::pin(async move { Hub::read_state(self, &id).await })
    }

    fn is_connected(&self, id: &DeviceId) -> bool {
        Hub::is_connected(self, id)
    }

    fn connected_at(&self) -> Vec<(DeviceId, String)> {
        Hub::connected_at(self)
    }

    fn info(&self, id: &DeviceId) -> Option<DeviceInfo> {
        Hub::info(self, id)
    }

    fn restore(&self, devices: Vec<KnownDevice>) {
        Hub::restore(self, devices);
    }

    fn forget(&self, id: DeviceId) -> BoxFuture<'_, bool> {
        Box::pin(async move { Hub::forget(self, &id).await })
    }

    fn radio(&self) -> tokio::sync::watch::Receiver<RadioState> {
        Hub::radio(self)
    }

    fn problem(&self, id: &DeviceId) -> Option<DeviceError> {
        Hub::problem(self, id)
    }
}
