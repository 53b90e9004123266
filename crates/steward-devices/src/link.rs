//! The narrow link the device layer needs from a BLE stack: scan, connect, read, write,
//! subscribe, a notification stream, disconnect. Nothing protocol-specific lives here.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use futures_core::Stream;
use steward_protocol::uuids::Uuid;
use steward_protocol::DeviceKind;

/// A device seen in a scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Advertisement {
    /// The stack's address for the device (it may change; the identity does not).
    pub address: String,
    pub name: Option<String>,
    /// The kind, from the advertised kind service.
    pub kind: Option<DeviceKind>,
    pub rssi: Option<i16>,
    /// Whether it says it accepts pairing now (its advertised service data; docs/protocol/gatt.md),
    /// `None` when it does not say.
    pub pairing_open: Option<bool>,
}

/// A value a device notified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub characteristic: Uuid,
    pub value: Vec<u8>,
}

/// The notifications of one connection, in order.
pub type NotificationStream = Pin<Box<dyn Stream<Item = Notification> + Send>>;

/// What the link layer reports; the device layer turns these into [`crate::DeviceError`]s.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    /// No adapter, or the Bluetooth stack is off or missing.
    #[error("Bluetooth is not available: {0}")]
    NoBluetooth(String),
    /// The device did not answer: out of range, switched off, or not advertising.
    #[error("the device did not answer: {0}")]
    Unreachable(String),
    /// The connection dropped.
    #[error("the connection to the device dropped")]
    Disconnected,
    /// The device lacks a characteristic the profile requires.
    #[error("the device has no characteristic {0}")]
    MissingCharacteristic(Uuid),
    /// The stack refused or failed an operation.
    #[error("Bluetooth error: {0}")]
    Stack(String),
}

/// Whether the phone's Bluetooth radio can be used, as the stack reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RadioState {
    On,
    /// Switched off by the owner (or airplane mode): nothing can be scanned or connected.
    Off,
    /// The stack cannot tell (Android's btleplug backend does not report it); treated as on,
    /// so an operation is tried and its own error explains what went wrong.
    Unknown,
}

/// The radio: finds devices and connects to them.
pub trait Central: Send + Sync {
    type Link: Link;

    /// The radio's state now and as it changes. The sender lives as long as the central.
    fn radio(&self) -> tokio::sync::watch::Receiver<RadioState>;

    /// Scans for `window`, reporting only devices that advertise one of `kinds`' services.
    fn scan(
        &self,
        kinds: &[DeviceKind],
        window: Duration,
    ) -> impl Future<Output = Result<Vec<Advertisement>, LinkError>> + Send;

    /// Connects to the device at `address` (from a scan) and discovers its services.
    fn connect(&self, address: &str) -> impl Future<Output = Result<Self::Link, LinkError>> + Send;
}

/// One connection to one device.
pub trait Link: Send + Sync + 'static {
    fn read(&self, characteristic: Uuid)
        -> impl Future<Output = Result<Vec<u8>, LinkError>> + Send;

    /// Writes with response: returns once the device acknowledged the write.
    fn write(
        &self,
        characteristic: Uuid,
        value: &[u8],
    ) -> impl Future<Output = Result<(), LinkError>> + Send;

    fn subscribe(&self, characteristic: Uuid)
        -> impl Future<Output = Result<(), LinkError>> + Send;

    /// The connection's notifications. Take the stream before subscribing, or early
    /// notifications are lost.
    fn notifications(&self) -> impl Future<Output = Result<NotificationStream, LinkError>> + Send;

    fn disconnect(&self) -> impl Future<Output = Result<(), LinkError>> + Send;
}
