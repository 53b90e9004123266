//! `steward-devices`' link traits over btleplug: the only crate in Steward that knows the OS
//! Bluetooth stack (BlueZ on Linux, CoreBluetooth on iOS, Android's stack).
//!
//! It maps btleplug's calls and errors onto [`steward_devices::Central`] and
//! [`steward_devices::Link`] and nothing more: no protocol decoding, no retry policy. On Android,
//! `android` is the JNI entry that starts btleplug's Java half; on iOS, `ios` reads whether the
//! app may use Bluetooth without making iOS ask.

#[cfg(target_os = "android")]
pub mod android;
#[cfg(target_os = "ios")]
pub mod ios;

use std::time::Duration;

use btleplug::api::{
    Central as _, CentralEvent, CentralState, Characteristic, Manager as _, Peripheral as _,
    ScanFilter, WriteType,
};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use btleplug::platform::{Adapter, Manager, Peripheral, PeripheralId};
use futures_util::StreamExt;
use steward_devices::link::NotificationStream;
use steward_devices::{Advertisement, Central, Link, LinkError, Notification, RadioState};
use steward_protocol::uuids::Uuid;
use steward_protocol::DeviceKind;
use tokio::sync::{oneshot, watch};

/// Per-peripheral waiters for a disconnection, fed by one task reading the adapter's events.
/// One shared reader matters: an event stream per connection would make every connection parse
/// every D-Bus signal of every device (measured: 15x the CPU per event with 50 devices).
type DisconnectWaiters = Arc<Mutex<HashMap<PeripheralId, Vec<oneshot::Sender<()>>>>>;

/// The first Bluetooth adapter of the OS stack.
pub struct BtleCentral {
    adapter: Adapter,
    disconnects: DisconnectWaiters,
    /// Kept here as well as in the event task, so the radio's receivers live as long as the
    /// central does even if the stack's event stream ends.
    radio: Arc<watch::Sender<RadioState>>,
}

impl BtleCentral {
    /// Opens the first adapter. On Linux this talks to `org.bluez` on the system bus (or the bus
    /// named by `DBUS_SYSTEM_BUS_ADDRESS`, read once per process).
    pub async fn first_adapter() -> Result<Self, LinkError> {
        let manager = Manager::new()
            .await
            .map_err(|e| LinkError::NoBluetooth(e.to_string()))?;
        let adapter = manager
            .adapters()
            .await
            .map_err(|e| LinkError::NoBluetooth(e.to_string()))?
            .into_iter()
            .next()
            .ok_or_else(|| LinkError::NoBluetooth("no Bluetooth adapter was found".into()))?;
        let disconnects: DisconnectWaiters = Arc::default();
        let mut events = adapter.events().await.map_err(stack)?;
        // Read after subscribing, so a change between the two is not missed.
        let initial = adapter
            .adapter_state()
            .await
            .map_or(RadioState::Unknown, radio_state);
        // btleplug's Android backend cannot report the radio: Android's broadcasts, relayed by
        // the app's Kotlin plugin, feed it instead.
        #[cfg(target_os = "android")]
        let radio = {
            let _ = initial;
            android::radio()
        };
        #[cfg(not(target_os = "android"))]
        let radio = Arc::new(watch::Sender::new(initial));
        let radio_tx = Arc::clone(&radio);
        let waiters = Arc::clone(&disconnects);
        tokio::spawn(async move {
            while let Some(event) = events.next().await {
                match event {
                    CentralEvent::DeviceDisconnected(id) => {
                        let gone = waiters
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .remove(&id);
                        for waiter in gone.unwrap_or_default() {
                            let _ = waiter.send(());
                        }
                    }
                    CentralEvent::StateUpdate(state) => {
                        let state = radio_state(state);
                        tracing::info!(?state, "Bluetooth radio changed");
                        radio_tx.send_replace(state);
                    }
                    _ => {}
                }
            }
        });
        Ok(Self {
            adapter,
            disconnects,
            radio,
        })
    }

    async fn find(&self, address: &str) -> Result<Peripheral, LinkError> {
        for peripheral in self.adapter.peripherals().await.map_err(stack)? {
            if peripheral.address().to_string() == address {
                return Ok(peripheral);
            }
        }
        Err(LinkError::Unreachable(format!(
            "no device at {address} was seen in the last scan"
        )))
    }
}

impl Central for BtleCentral {
    type Link = BtleLink;

    fn radio(&self) -> watch::Receiver<RadioState> {
        self.radio.subscribe()
    }

    async fn scan(
        &self,
        kinds: &[DeviceKind],
        window: Duration,
    ) -> Result<Vec<Advertisement>, LinkError> {
        let services: Vec<Uuid> = kinds.iter().map(|k| k.service()).collect();
        // btleplug's BlueZ scan powers the adapter on first: asked just after the owner switched
        // Bluetooth off (before that change reached the event stream), it would switch it back
        // on. Ask the adapter itself, and refuse while it is off.
        #[cfg(not(target_os = "android"))]
        if let Ok(CentralState::PoweredOff) = self.adapter.adapter_state().await {
            self.radio.send_replace(RadioState::Off);
            return Err(LinkError::NoBluetooth("Bluetooth is switched off".into()));
        }
        self.adapter
            .start_scan(ScanFilter {
                services: services.clone(),
            })
            .await
            .map_err(stack)?;
        tokio::time::sleep(window).await;
        self.adapter.stop_scan().await.map_err(stack)?;
        let mut found = Vec::new();
        for peripheral in self.adapter.peripherals().await.map_err(stack)? {
            let Some(properties) = peripheral.properties().await.map_err(stack)? else {
                continue;
            };
            let kind = properties
                .services
                .iter()
                .find_map(DeviceKind::from_service);
            if kind.is_none() || !properties.services.iter().any(|s| services.contains(s)) {
                continue;
            }
            let pairing_open = properties
                .service_data
                .get(&steward_protocol::uuids::DEVICE_SERVICE)
                .and_then(|data| data.first())
                .map(|flags| flags & 1 == 1);
            found.push(Advertisement {
                address: peripheral.address().to_string(),
                name: properties.local_name,
                kind,
                rssi: properties.rssi,
                pairing_open,
            });
        }
        Ok(found)
    }

    async fn connect(&self, address: &str) -> Result<BtleLink, LinkError> {
        let peripheral = self.find(address).await?;
        peripheral.connect().await.map_err(unreachable)?;
        peripheral.discover_services().await.map_err(stack)?;
        Ok(BtleLink {
            peripheral,
            disconnects: Arc::clone(&self.disconnects),
        })
    }
}

/// A connection to one device.
pub struct BtleLink {
    peripheral: Peripheral,
    disconnects: DisconnectWaiters,
}

impl BtleLink {
    fn characteristic(&self, uuid: Uuid) -> Result<Characteristic, LinkError> {
        self.peripheral
            .characteristics()
            .into_iter()
            .find(|c| c.uuid == uuid)
            .ok_or(LinkError::MissingCharacteristic(uuid))
    }
}

impl Link for BtleLink {
    async fn read(&self, characteristic: Uuid) -> Result<Vec<u8>, LinkError> {
        let c = self.characteristic(characteristic)?;
        self.peripheral.read(&c).await.map_err(connection)
    }

    async fn write(&self, characteristic: Uuid, value: &[u8]) -> Result<(), LinkError> {
        let c = self.characteristic(characteristic)?;
        self.peripheral
            .write(&c, value, WriteType::WithResponse)
            .await
            .map_err(connection)
    }

    async fn subscribe(&self, characteristic: Uuid) -> Result<(), LinkError> {
        let c = self.characteristic(characteristic)?;
        self.peripheral.subscribe(&c).await.map_err(connection)
    }

    async fn notifications(&self) -> Result<NotificationStream, LinkError> {
        // btleplug keeps a peripheral's notification stream open across a disconnection; the
        // device layer needs the stream to end then, so it ends when the adapter reports it.
        let (tx, disconnected) = oneshot::channel();
        self.disconnects
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(self.peripheral.id())
            .or_default()
            .push(tx);
        let stream = self.peripheral.notifications().await.map_err(connection)?;
        Ok(Box::pin(
            stream
                .map(|n| Notification {
                    characteristic: n.uuid,
                    value: n.value,
                })
                .take_until(disconnected),
        ))
    }

    async fn disconnect(&self) -> Result<(), LinkError> {
        self.peripheral.disconnect().await.map_err(connection)
    }
}

fn radio_state(state: CentralState) -> RadioState {
    match state {
        CentralState::PoweredOn => RadioState::On,
        CentralState::PoweredOff => RadioState::Off,
        CentralState::Unknown => RadioState::Unknown,
    }
}

fn stack(error: btleplug::Error) -> LinkError {
    LinkError::Stack(error.to_string())
}

/// Errors while connecting: the device did not answer.
fn unreachable(error: btleplug::Error) -> LinkError {
    LinkError::Unreachable(error.to_string())
}

/// Errors on an open connection: a drop is reported as such.
fn connection(error: btleplug::Error) -> LinkError {
    match error {
        btleplug::Error::NotConnected | btleplug::Error::DeviceNotFound => LinkError::Disconnected,
        btleplug::Error::Other(e)
            if e.to_string().contains("Not Connected") || e.to_string().contains("dropped") =>
        {
            LinkError::Disconnected
        }
        other => LinkError::Stack(other.to_string()),
    }
}
