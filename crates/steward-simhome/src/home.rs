//! [`SimHome`]: the simulated devices on a bus, owning `org.bluez`, with the controls tests and the
//! demo use to make things happen (a packet dispensed, a device walking out of range, a fault).

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use steward_protocol::uuids::{self, Uuid};
use steward_protocol::{Button, DeviceId};
use tokio::sync::mpsc;
use zbus::object_server::ObjectServer;
use zbus::Connection;
use zbus::OwnedObjectPath;

use crate::bluez::adapter::Adapter;
use crate::bluez::device::BluezDevice;
use crate::bluez::gatt::{GattCharacteristic, GattDescriptor, GattService};
use crate::bluez::{device_path, owned_path, BluezError, ADAPTER_PATH};
use crate::device::{Notification, SimDevice, WriteRefused};

/// Faults a test can switch on for one device.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// Connecting takes this long (a slow device).
    pub connect_delay: Option<Duration>,
    /// Every read and write takes this long before it is answered.
    pub response_delay: Option<Duration>,
    /// The next write drops the connection instead of arriving.
    pub drop_on_next_write: bool,
    /// The next event notification is cut short by this many bytes.
    pub truncate_next_event: Option<usize>,
    /// The next event notification is replaced by these bytes.
    pub garble_next_event: Option<Vec<u8>>,
    /// Each new session starts with the device sending its last event again (a replay).
    pub replay_on_reconnect: bool,
    /// The device sends this many more notifications, then goes silent (it stops half way):
    /// writes are still acknowledged, nothing is answered.
    pub silent_after: Option<usize>,
}

/// Session frames the home remembers per device, for tests that replay them as an attacker.
const RECORDED_FRAMES: usize = 256;

/// A device and what the home knows about it.
#[derive(Debug)]
pub struct Slot {
    pub device: SimDevice,
    pub path: OwnedObjectPath,
    pub in_range: bool,
    pub connected: bool,
    pub faults: Faults,
    exported: bool,
    /// Discovery sessions that saw the device again; varies its RSSI as a real radio would.
    pub(crate) sightings: u8,
    /// `Device1.Pair` was called (BLE bonding; Steward itself pairs at the application layer).
    pub(crate) bonded: bool,
    /// `Device1.Trusted`, as the client set it.
    pub(crate) trusted: bool,
    gatt: HashMap<Uuid, OwnedObjectPath>,
    /// Every GATT object exported for the device (services, characteristics, descriptors), so
    /// that `RemoveDevice` can take them all away.
    gatt_objects: Vec<(OwnedObjectPath, GattObject)>,
    /// The last session frames sent over the air, as an eavesdropper would have recorded them.
    recorded: std::collections::VecDeque<Vec<u8>>,
}

/// Which BlueZ GATT interface an exported object carries.
#[derive(Debug, Clone, Copy)]
enum GattObject {
    Service,
    Characteristic,
    Descriptor,
}

/// A characteristic's UUID and its BlueZ flags.
type CharacteristicLayout = (Uuid, &'static [&'static str]);

enum Radio {
    Notify {
        id: DeviceId,
        notification: Notification,
    },
    Disconnected {
        id: DeviceId,
    },
}

/// The state the BlueZ objects share.
pub struct Shared {
    slots: Mutex<BTreeMap<DeviceId, Slot>>,
    radio: mpsc::UnboundedSender<Radio>,
    /// Whether the phone's adapter is on (`Adapter1.Powered`).
    powered: AtomicBool,
    /// Whether the owner switched Bluetooth off (rfkill's soft block): until they switch it
    /// back on, no app may power the adapter, as on a phone.
    blocked: AtomicBool,
}

impl Shared {
    pub(crate) fn powered(&self) -> bool {
        self.powered.load(Ordering::SeqCst)
    }

    pub(crate) fn blocked(&self) -> bool {
        self.blocked.load(Ordering::SeqCst)
    }

    /// Switches the adapter; switching off drops every connection, as BlueZ does.
    pub(crate) fn set_powered(&self, powered: bool) {
        self.powered.store(powered, Ordering::SeqCst);
        if powered {
            return;
        }
        let dropped: Vec<DeviceId> = self
            .slots()
            .iter_mut()
            .filter(|(_, slot)| slot.connected)
            .map(|(id, slot)| {
                slot.connected = false;
                *id
            })
            .collect();
        for id in dropped {
            let _ = self.radio.send(Radio::Disconnected { id });
        }
    }

    fn slots(&self) -> MutexGuard<'_, BTreeMap<DeviceId, Slot>> {
        self.slots.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn with_slot<T>(&self, id: &DeviceId, f: impl FnOnce(&Slot) -> T) -> Option<T> {
        self.slots().get(id).map(f)
    }

    pub(crate) fn with_slot_mut<T>(
        &self,
        id: &DeviceId,
        f: impl FnOnce(&mut Slot) -> T,
    ) -> Option<T> {
        self.slots().get_mut(id).map(f)
    }

    /// Exports a `Device1` for every device in range that matches the scan filter, and announces
    /// again, with a fresh RSSI, each one already known (as BlueZ does for every new discovery
    /// session, so a client that starts listening later still hears about it).
    pub(crate) async fn discover(
        self: &Arc<Self>,
        server: &ObjectServer,
        filter: &[String],
    ) -> zbus::Result<()> {
        let mut again = Vec::new();
        let found: Vec<(DeviceId, OwnedObjectPath)> = {
            let mut slots = self.slots();
            let mut found = Vec::new();
            for (id, slot) in slots.iter_mut() {
                let wanted = filter.is_empty()
                    || slot
                        .device
                        .advertised_services()
                        .iter()
                        .any(|u| filter.contains(&u.to_string()));
                if !slot.in_range || !wanted {
                    continue;
                }
                if slot.exported {
                    slot.sightings = slot.sightings.wrapping_add(1);
                    again.push(slot.path.clone());
                } else {
                    slot.exported = true;
                    found.push((*id, slot.path.clone()));
                }
            }
            found
        };
        for path in again {
            let device = server.interface::<_, BluezDevice>(path).await?;
            let announced = device.get().await;
            announced.r_s_s_i_changed(device.signal_emitter()).await?;
            announced
                .service_data_changed(device.signal_emitter())
                .await?;
        }
        for (id, path) in found {
            server
                .at(
                    path,
                    BluezDevice {
                        shared: Arc::clone(self),
                        id,
                    },
                )
                .await?;
        }
        Ok(())
    }

    /// Exports the GATT services and characteristics of a device that is connecting.
    pub(crate) async fn export_gatt(
        self: &Arc<Self>,
        server: &ObjectServer,
        id: &DeviceId,
    ) -> zbus::Result<()> {
        let Some((path, exported)) = self.with_slot(id, |s| (s.path.clone(), !s.gatt.is_empty()))
        else {
            return Ok(());
        };
        if exported {
            return Ok(());
        }
        let read: &'static [&'static str] = &["read"];
        let write_notify: &'static [&'static str] = &["write", "notify"];
        let layout: Vec<(Uuid, Vec<CharacteristicLayout>)> = vec![
            (
                uuids::DEVICE_INFORMATION_SERVICE,
                vec![
                    (uuids::MANUFACTURER_NAME, read),
                    (uuids::MODEL_NUMBER, read),
                    (uuids::FIRMWARE_REVISION, read),
                ],
            ),
            (
                uuids::DEVICE_SERVICE,
                vec![
                    (uuids::IDENTITY, read),
                    (uuids::PAIRING, write_notify),
                    (uuids::SESSION, write_notify),
                ],
            ),
        ];
        let mut handle = 0x000a_u16;
        let mut gatt = HashMap::new();
        let mut objects = Vec::new();
        for (service_uuid, characteristics) in layout {
            let service_path = owned_path(format!("{}/service{handle:04x}", path.as_str()));
            handle += 1;
            server
                .at(
                    service_path.clone(),
                    GattService {
                        uuid: service_uuid,
                        device: path.clone(),
                    },
                )
                .await?;
            objects.push((service_path.clone(), GattObject::Service));
            for (uuid, flags) in characteristics {
                let char_path = owned_path(format!("{}/char{handle:04x}", service_path.as_str()));
                handle += 2;
                let characteristic = GattCharacteristic {
                    shared: Arc::clone(self),
                    id: *id,
                    uuid,
                    service: service_path.clone(),
                    flags: flags.iter().map(|f| (*f).to_owned()).collect(),
                    value: Vec::new(),
                    notifying: false,
                };
                server.at(char_path.clone(), characteristic).await?;
                objects.push((char_path.clone(), GattObject::Characteristic));
                if flags.contains(&"notify") {
                    let descriptor_path =
                        owned_path(format!("{}/desc{:04x}", char_path.as_str(), handle - 1));
                    objects.push((descriptor_path.clone(), GattObject::Descriptor));
                    server
                        .at(
                            descriptor_path,
                            GattDescriptor {
                                characteristic: char_path.clone(),
                            },
                        )
                        .await?;
                }
                gatt.insert(uuid, char_path);
            }
        }
        self.with_slot_mut(id, |slot| {
            slot.gatt = gatt;
            slot.gatt_objects = objects;
        });
        Ok(())
    }

    /// `Adapter1.RemoveDevice`: disconnects the device and takes its objects off the bus; it is
    /// announced again by the next discovery while in range.
    pub(crate) async fn remove_device(
        &self,
        server: &ObjectServer,
        path: &zbus::ObjectPath<'_>,
    ) -> Result<(), BluezError> {
        let removed = {
            let mut slots = self.slots();
            slots
                .values_mut()
                .find(|slot| slot.exported && slot.path.as_str() == path.as_str())
                .map(|slot| {
                    slot.exported = false;
                    slot.connected = false;
                    slot.gatt.clear();
                    std::mem::take(&mut slot.gatt_objects)
                })
        };
        let Some(objects) = removed else {
            return Err(BluezError::DoesNotExist(format!("no device at {path}")));
        };
        for (object, kind) in objects.iter().rev() {
            let _ = match kind {
                GattObject::Descriptor => server.remove::<GattDescriptor, _>(object).await?,
                GattObject::Characteristic => {
                    server.remove::<GattCharacteristic, _>(object).await?
                }
                GattObject::Service => server.remove::<GattService, _>(object).await?,
            };
        }
        server.remove::<BluezDevice, _>(path).await?;
        Ok(())
    }

    /// Like BlueZ, a new connection starts with no characteristic notifying.
    pub(crate) async fn reset_notifications(
        &self,
        server: &ObjectServer,
        id: &DeviceId,
    ) -> zbus::Result<()> {
        let paths: Vec<OwnedObjectPath> = self
            .with_slot(id, |slot| slot.gatt.values().cloned().collect())
            .unwrap_or_default();
        for path in paths {
            server
                .interface::<_, GattCharacteristic>(path)
                .await?
                .get_mut()
                .await
                .notifying = false;
        }
        Ok(())
    }

    /// A new connection: the app must pair or verify again.
    pub(crate) fn on_connected(&self, id: &DeviceId) {
        self.with_slot_mut(id, |slot| slot.device.on_connect());
    }

    async fn delay(&self, id: &DeviceId) {
        if let Some(delay) = self.with_slot(id, |s| s.faults.response_delay).flatten() {
            tokio::time::sleep(delay).await;
        }
    }

    pub(crate) async fn read(
        &self,
        id: &DeviceId,
        uuid: Uuid,
    ) -> Result<Option<Vec<u8>>, BluezError> {
        self.delay(id).await;
        self.with_slot(id, |slot| {
            if slot.connected {
                Ok(slot.device.read(uuid))
            } else {
                Err(BluezError::NotConnected("Not Connected".into()))
            }
        })
        .ok_or_else(|| crate::bluez::gone(id))?
    }

    pub(crate) async fn write(
        &self,
        id: &DeviceId,
        uuid: Uuid,
        bytes: &[u8],
    ) -> Result<(), BluezError> {
        self.delay(id).await;
        let outcome = self
            .with_slot_mut(id, |slot| {
                if !slot.connected {
                    return Err(BluezError::NotConnected("Not Connected".into()));
                }
                if std::mem::take(&mut slot.faults.drop_on_next_write) {
                    slot.connected = false;
                    return Ok(None);
                }
                slot.device.resend_last_event = slot.faults.replay_on_reconnect;
                slot.device
                    .write(uuid, bytes)
                    .map(Some)
                    .map_err(|e| match e {
                        WriteRefused::NotWritable => BluezError::NotPermitted(e.to_string()),
                        WriteRefused::Malformed(_) => BluezError::Failed(e.to_string()),
                    })
            })
            .ok_or_else(|| crate::bluez::gone(id))??;
        match outcome {
            Some(notifications) => {
                self.dispatch(id, notifications);
                Ok(())
            }
            None => {
                let _ = self.radio.send(Radio::Disconnected { id: *id });
                Err(BluezError::Failed(
                    "the connection dropped during the write".into(),
                ))
            }
        }
    }

    /// Sends notifications to a connected app. A device with no session has sealed nothing (its
    /// events wait in its own backlog), so nothing of the household is lost here.
    fn dispatch(&self, id: &DeviceId, notifications: Vec<Notification>) {
        let live = self
            .with_slot_mut(id, |slot| {
                if !slot.connected {
                    return Vec::new();
                }
                match &mut slot.faults.silent_after {
                    None => notifications,
                    Some(left) => {
                        let kept = notifications.into_iter().take(*left).collect::<Vec<_>>();
                        *left -= kept.len();
                        kept
                    }
                }
            })
            .unwrap_or_default();
        for notification in live {
            self.send(*id, notification);
        }
    }

    fn send(&self, id: DeviceId, notification: Notification) {
        // The radio task lives as long as the home; a closed channel means it is shutting down.
        let _ = self.radio.send(Radio::Notify { id, notification });
    }
}

/// The simulated home, serving `org.bluez` on a bus until dropped.
pub struct SimHome {
    connection: Connection,
    shared: Arc<Shared>,
}

impl SimHome {
    /// Serves `devices` as `org.bluez` on the bus at `address`.
    pub async fn start(address: &str, devices: Vec<SimDevice>) -> zbus::Result<Self> {
        let (radio, radio_rx) = mpsc::unbounded_channel();
        let slots = devices
            .into_iter()
            .map(|device| {
                let slot = Slot {
                    path: device_path(&device.address),
                    device,
                    in_range: true,
                    connected: false,
                    faults: Faults::default(),
                    exported: false,
                    sightings: 0,
                    bonded: false,
                    trusted: false,
                    gatt: HashMap::new(),
                    gatt_objects: Vec::new(),
                    recorded: std::collections::VecDeque::new(),
                };
                (slot.device.id, slot)
            })
            .collect();
        let shared = Arc::new(Shared {
            slots: Mutex::new(slots),
            radio,
            powered: AtomicBool::new(true),
            blocked: AtomicBool::new(false),
        });
        let adapter = Adapter {
            shared: Arc::clone(&shared),
            discovering: false,
            filters: HashMap::new(),
            discovering_clients: std::collections::HashSet::new(),
        };
        let connection = zbus::connection::Builder::address(address)
            .serve_at("/", zbus::fdo::ObjectManager)
            .serve_at(ADAPTER_PATH, adapter)
            .name("org.bluez")
            .build()
            .await?;
        tokio::spawn(run_radio(connection.clone(), Arc::clone(&shared), radio_rx));
        Ok(Self { connection, shared })
    }

    /// A snapshot of a device.
    pub fn device(&self, id: &DeviceId) -> Option<SimDevice> {
        self.shared.with_slot(id, |slot| slot.device.clone())
    }

    /// Runs `f` on a device and sends what it produced. A device whose connection is gone has
    /// no session any more: what happens is kept for the next one.
    fn act(&self, id: &DeviceId, f: impl FnOnce(&mut SimDevice) -> Vec<Notification>) {
        let produced = self.shared.with_slot_mut(id, |slot| {
            if !slot.connected {
                slot.device.end_session();
            }
            f(&mut slot.device)
        });
        if let Some(notifications) = produced {
            self.shared.dispatch(id, notifications);
        }
    }

    /// An attacker in radio range makes the device appear to notify `bytes` on its Session
    /// characteristic (a forged, replayed or garbled frame), as a relay could.
    pub fn inject_session_frame(&self, id: &DeviceId, bytes: Vec<u8>) {
        self.shared.dispatch(
            id,
            vec![Notification {
                characteristic: uuids::SESSION,
                value: bytes,
                event: false,
            }],
        );
    }

    /// The session frames the device sent most recently (at most 256), oldest first, as an
    /// eavesdropper would have recorded them.
    pub fn recorded_frames(&self, id: &DeviceId) -> Vec<Vec<u8>> {
        self.shared
            .with_slot(id, |slot| slot.recorded.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Someone presses the soap pump.
    pub fn dispense(&self, id: &DeviceId) {
        self.act(id, SimDevice::dispense);
    }

    /// The toaster finishes a slice.
    pub fn toast_slice(&self, id: &DeviceId) {
        self.act(id, SimDevice::toast_slice);
    }

    /// A button on the player's remote is pressed.
    pub fn press(&self, id: &DeviceId, button: Button) {
        self.act(id, |d| d.press(button));
    }

    /// The device's battery reads `percent` and is notified to a connected app. Values over 100
    /// are sent as they are, to test that the app refuses them.
    pub fn set_battery(&self, id: &DeviceId, percent: u8) {
        self.act(id, |d| d.set_battery(percent));
    }

    /// Switches faults on or off for a device.
    pub fn set_faults(&self, id: &DeviceId, faults: Faults) {
        self.shared.with_slot_mut(id, |slot| slot.faults = faults);
    }

    /// Changes some faults of a device, keeping the others.
    pub fn update_faults(&self, id: &DeviceId, f: impl FnOnce(&mut Faults)) {
        self.shared.with_slot_mut(id, |slot| f(&mut slot.faults));
    }

    /// A snapshot of every device, in identity order.
    pub fn devices(&self) -> Vec<SimDevice> {
        self.shared
            .slots()
            .values()
            .map(|slot| slot.device.clone())
            .collect()
    }

    /// Changes a device before it is paired (scenario set-up).
    pub fn configure(&self, id: &DeviceId, f: impl FnOnce(&mut SimDevice)) {
        self.shared.with_slot_mut(id, |slot| f(&mut slot.device));
    }

    /// Moves a device in or out of radio range; leaving range drops its connection.
    pub fn set_in_range(&self, id: &DeviceId, in_range: bool) {
        let dropped = self.shared.with_slot_mut(id, |slot| {
            slot.in_range = in_range;
            let was_connected = slot.connected;
            slot.connected = was_connected && in_range;
            was_connected && !in_range
        });
        if dropped == Some(true) {
            let _ = self.shared.radio.send(Radio::Disconnected { id: *id });
        }
    }

    /// The owner switches the phone's Bluetooth on or off (`Adapter1.Powered`), signalling the
    /// change as BlueZ does; off drops every connection and refuses scans and connections, and
    /// blocks the radio as rfkill does, so no app can switch it back on behind the owner's back.
    pub async fn set_powered(&self, powered: bool) -> zbus::Result<()> {
        let server = self.connection.object_server();
        let adapter = server.interface::<_, Adapter>(ADAPTER_PATH).await?;
        self.shared.blocked.store(!powered, Ordering::SeqCst);
        adapter.get_mut().await.apply_power(powered);
        adapter
            .get()
            .await
            .powered_changed(adapter.signal_emitter())
            .await?;
        adapter
            .get()
            .await
            .discovering_changed(adapter.signal_emitter())
            .await?;
        Ok(())
    }

    /// Whether the phone's Bluetooth adapter is on.
    pub fn powered(&self) -> bool {
        self.shared.powered()
    }

    /// The bus connection serving `org.bluez`.
    pub fn connection(&self) -> &Connection {
        &self.connection
    }
}

/// Delivers notifications and disconnections in the order they were raised.
async fn run_radio(
    connection: Connection,
    shared: Arc<Shared>,
    mut rx: mpsc::UnboundedReceiver<Radio>,
) {
    let server = connection.object_server();
    while let Some(message) = rx.recv().await {
        let result = match message {
            Radio::Notify { id, notification } => notify(server, &shared, id, notification).await,
            Radio::Disconnected { id } => disconnected(server, &shared, id).await,
        };
        if let Err(error) = result {
            tracing::warn!(%error, "simulated radio could not deliver");
        }
    }
}

async fn notify(
    server: &ObjectServer,
    shared: &Shared,
    id: DeviceId,
    notification: Notification,
) -> zbus::Result<()> {
    let Some((path, value)) = shared
        .with_slot_mut(&id, |slot| {
            let path = slot.gatt.get(&notification.characteristic).cloned()?;
            let mut value = notification.value.clone();
            if notification.event {
                if let Some(garbage) = slot.faults.garble_next_event.take() {
                    value = garbage;
                } else if let Some(cut) = slot.faults.truncate_next_event.take() {
                    value.truncate(value.len().saturating_sub(cut));
                }
            }
            if notification.characteristic == uuids::SESSION {
                if slot.recorded.len() == RECORDED_FRAMES {
                    slot.recorded.pop_front();
                }
                slot.recorded.push_back(value.clone());
            }
            Some((path, value))
        })
        .flatten()
    else {
        return Ok(());
    };
    let iface = server.interface::<_, GattCharacteristic>(path).await?;
    let notifying = {
        let mut characteristic = iface.get_mut().await;
        characteristic.value = value;
        characteristic.notifying
    };
    if notifying {
        iface
            .get()
            .await
            .value_changed(iface.signal_emitter())
            .await?;
    }
    Ok(())
}

async fn disconnected(server: &ObjectServer, shared: &Shared, id: DeviceId) -> zbus::Result<()> {
    let Some(path) = shared.with_slot(&id, |slot| slot.path.clone()) else {
        return Ok(());
    };
    let iface = server.interface::<_, BluezDevice>(path).await?;
    let device = iface.get().await;
    device
        .services_resolved_changed(iface.signal_emitter())
        .await?;
    device.connected_changed(iface.signal_emitter()).await?;
    Ok(())
}
