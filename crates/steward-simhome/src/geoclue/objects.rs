//! The GeoClue2 D-Bus objects: the `Manager`, one `Client` per application that asked, and the
//! `Location` objects each client is told about. Names, types and errors follow GeoClue 2.
//! Client and Location objects answer only the peer that created the client, as GeoClue's do.

use std::sync::Arc;

use zbus::fdo;
use zbus::message::Header;
use zbus::names::BusName;
use zbus::object_server::{ObjectServer, SignalEmitter};
use zbus::{Connection, ObjectPath, OwnedObjectPath};

use super::state::{client_path, no_location, Client, Reading, Refused, Update};
use super::Shared;

pub(super) const MANAGER_PATH: &str = "/org/freedesktop/GeoClue2/Manager";

/// Refuses a call from anyone but `owner`; calls from the service itself carry no header.
fn only(owner: &str, header: Option<&Header<'_>>) -> fdo::Result<()> {
    match header.and_then(Header::sender) {
        Some(sender) if sender.as_str() != owner => {
            Err(fdo::Error::AccessDenied("Access denied".into()))
        }
        _ => Ok(()),
    }
}

fn caller(header: &Header<'_>) -> fdo::Result<zbus::names::UniqueName<'static>> {
    header
        .sender()
        .map(|s| s.to_owned())
        .ok_or_else(|| fdo::Error::Failed("a GeoClue client needs a bus name".into()))
}

/// `org.freedesktop.GeoClue2.Manager`.
pub(super) struct Manager {
    pub shared: Arc<Shared>,
}

#[zbus::interface(name = "org.freedesktop.GeoClue2.Manager")]
impl Manager {
    /// The caller's client, created on its first call.
    #[zbus(out_args("client"))]
    async fn get_client(
        &self,
        #[zbus(header)] header: Header<'_>,
        #[zbus(object_server)] server: &ObjectServer,
    ) -> fdo::Result<OwnedObjectPath> {
        self.client(&header, server, true).await
    }

    /// A new client for the caller, every time.
    #[zbus(out_args("client"))]
    async fn create_client(
        &self,
        #[zbus(header)] header: Header<'_>,
        #[zbus(object_server)] server: &ObjectServer,
    ) -> fdo::Result<OwnedObjectPath> {
        self.client(&header, server, false).await
    }

    /// Deletes one of the caller's clients; any other path is quietly ignored, as in GeoClue.
    async fn delete_client(
        &self,
        client: ObjectPath<'_>,
        #[zbus(header)] header: Header<'_>,
        #[zbus(object_server)] server: &ObjectServer,
    ) -> fdo::Result<()> {
        let peer = caller(&header)?;
        let gone = self
            .shared
            .state()
            .remove_clients(|id, c| client_path(id).as_str() == client.as_str() && c.owner == peer);
        if !gone.is_empty() {
            unexport(server, gone).await;
            in_use_changed(server).await?;
        }
        Ok(())
    }

    #[zbus(property)]
    fn in_use(&self) -> bool {
        self.shared.state().in_use()
    }

    #[zbus(property)]
    fn available_accuracy_level(&self) -> u32 {
        self.shared.state().available_level()
    }
}

impl Manager {
    async fn client(
        &self,
        header: &Header<'_>,
        server: &ObjectServer,
        reuse: bool,
    ) -> fdo::Result<OwnedObjectPath> {
        let peer = caller(header)?;
        let (id, created) = self.shared.state().client_for(&peer, reuse);
        let path = client_path(id);
        if created {
            let client = ClientObject {
                shared: Arc::clone(&self.shared),
                id,
            };
            server.at(&path, client).await?;
        }
        Ok(path)
    }
}

/// `org.freedesktop.GeoClue2.Client`: its state lives in [`Shared`], under its id.
pub(super) struct ClientObject {
    shared: Arc<Shared>,
    id: u32,
}

impl ClientObject {
    fn read<T>(&self, header: Option<&Header<'_>>, f: impl FnOnce(&Client) -> T) -> fdo::Result<T> {
        let state = self.shared.state();
        let client = state.client(self.id).ok_or_else(deleted)?;
        only(client.owner.as_str(), header)?;
        Ok(f(client))
    }

    fn write<T>(
        &self,
        header: Option<&Header<'_>>,
        f: impl FnOnce(&mut Client) -> T,
    ) -> fdo::Result<T> {
        let mut state = self.shared.state();
        let client = state.client_mut(self.id).ok_or_else(deleted)?;
        only(client.owner.as_str(), header)?;
        Ok(f(client))
    }
}

fn deleted() -> fdo::Error {
    fdo::Error::UnknownObject("this client was deleted".into())
}

#[zbus::interface(name = "org.freedesktop.GeoClue2.Client")]
impl ClientObject {
    /// Starts receiving locations; refused until `DesktopId` is set, as GeoClue refuses.
    async fn start(
        &self,
        #[zbus(header)] header: Header<'_>,
        #[zbus(connection)] connection: &Connection,
        #[zbus(object_server)] server: &ObjectServer,
        #[zbus(signal_emitter)] emitter: SignalEmitter<'_>,
    ) -> fdo::Result<()> {
        self.read(Some(&header), |_| ())?;
        let started = self
            .shared
            .state()
            .start(self.id)
            .map_err(|refused| match refused {
                Refused::NoDesktopId => {
                    fdo::Error::AccessDenied("'DesktopId' property must be set".into())
                }
            })?;
        if started {
            self.active_changed(&emitter).await?;
            in_use_changed(server).await?;
            // The current position follows the reply, as it does from GeoClue's locator.
            let shared = Arc::clone(&self.shared);
            let connection = connection.clone();
            tokio::spawn(async move { deliver(&shared, &connection).await });
        }
        Ok(())
    }

    /// Stops receiving locations.
    async fn stop(
        &self,
        #[zbus(header)] header: Header<'_>,
        #[zbus(object_server)] server: &ObjectServer,
        #[zbus(signal_emitter)] emitter: SignalEmitter<'_>,
    ) -> fdo::Result<()> {
        self.read(Some(&header), |_| ())?;
        if self.shared.state().stop(self.id) {
            self.active_changed(&emitter).await?;
            in_use_changed(server).await?;
        }
        Ok(())
    }

    /// The current location object, `/` until the first fix.
    #[zbus(property)]
    fn location(&self, #[zbus(header)] header: Option<Header<'_>>) -> fdo::Result<OwnedObjectPath> {
        self.read(header.as_ref(), |c| {
            c.location.clone().unwrap_or_else(no_location)
        })
    }

    /// Metres the phone must move before the client hears again (0: every fix).
    #[zbus(property)]
    fn distance_threshold(&self, #[zbus(header)] header: Option<Header<'_>>) -> fdo::Result<u32> {
        self.read(header.as_ref(), |c| c.distance_threshold)
    }

    #[zbus(property)]
    fn set_distance_threshold(
        &self,
        metres: u32,
        #[zbus(header)] header: Option<Header<'_>>,
    ) -> fdo::Result<()> {
        self.write(header.as_ref(), |c| c.distance_threshold = metres)
    }

    /// Seconds between updates; stored, not acted on.
    #[zbus(property)]
    fn time_threshold(&self, #[zbus(header)] header: Option<Header<'_>>) -> fdo::Result<u32> {
        self.read(header.as_ref(), |c| c.time_threshold)
    }

    #[zbus(property)]
    fn set_time_threshold(
        &self,
        seconds: u32,
        #[zbus(header)] header: Option<Header<'_>>,
    ) -> fdo::Result<()> {
        self.write(header.as_ref(), |c| c.time_threshold = seconds)
    }

    #[zbus(property)]
    fn desktop_id(&self, #[zbus(header)] header: Option<Header<'_>>) -> fdo::Result<String> {
        self.read(header.as_ref(), |c| c.desktop_id.clone())
    }

    #[zbus(property)]
    fn set_desktop_id(
        &self,
        id: String,
        #[zbus(header)] header: Option<Header<'_>>,
    ) -> fdo::Result<()> {
        self.write(header.as_ref(), |c| c.desktop_id = id)
    }

    /// The accuracy level asked for (GeoClue's default: 4, city); granted at `Start`.
    #[zbus(property)]
    fn requested_accuracy_level(
        &self,
        #[zbus(header)] header: Option<Header<'_>>,
    ) -> fdo::Result<u32> {
        self.read(header.as_ref(), |c| c.requested_level)
    }

    #[zbus(property)]
    fn set_requested_accuracy_level(
        &self,
        level: u32,
        #[zbus(header)] header: Option<Header<'_>>,
    ) -> fdo::Result<()> {
        self.write(header.as_ref(), |c| c.requested_level = level)
    }

    #[zbus(property)]
    fn active(&self, #[zbus(header)] header: Option<Header<'_>>) -> fdo::Result<bool> {
        self.read(header.as_ref(), |c| c.active)
    }

    /// A new location: `old` is the previous one (`/` if none).
    #[zbus(signal)]
    async fn location_updated(
        emitter: &SignalEmitter<'_>,
        old: ObjectPath<'_>,
        new: ObjectPath<'_>,
    ) -> zbus::Result<()>;
}

/// `org.freedesktop.GeoClue2.Location`: one fix, as one client was told it; never changes.
struct LocationObject {
    owner: zbus::names::OwnedUniqueName,
    reading: Reading,
}

impl LocationObject {
    fn read(&self, header: Option<Header<'_>>) -> fdo::Result<&Reading> {
        only(self.owner.as_str(), header.as_ref())?;
        Ok(&self.reading)
    }
}

#[zbus::interface(name = "org.freedesktop.GeoClue2.Location")]
impl LocationObject {
    #[zbus(property(emits_changed_signal = "const"))]
    fn latitude(&self, #[zbus(header)] header: Option<Header<'_>>) -> fdo::Result<f64> {
        self.read(header).map(|r| r.latitude)
    }

    #[zbus(property(emits_changed_signal = "const"))]
    fn longitude(&self, #[zbus(header)] header: Option<Header<'_>>) -> fdo::Result<f64> {
        self.read(header).map(|r| r.longitude)
    }

    /// Metres.
    #[zbus(property(emits_changed_signal = "const"))]
    fn accuracy(&self, #[zbus(header)] header: Option<Header<'_>>) -> fdo::Result<f64> {
        self.read(header).map(|r| r.accuracy)
    }

    /// Unknown: GeoClue's "unknown altitude" is the most negative double.
    #[zbus(property(emits_changed_signal = "const"))]
    fn altitude(&self, #[zbus(header)] header: Option<Header<'_>>) -> fdo::Result<f64> {
        self.read(header).map(|_| f64::MIN)
    }

    /// Metres a second, -1 if unknown.
    #[zbus(property(emits_changed_signal = "const"))]
    fn speed(&self, #[zbus(header)] header: Option<Header<'_>>) -> fdo::Result<f64> {
        self.read(header).map(|r| r.speed)
    }

    /// Degrees from north, -1 if unknown.
    #[zbus(property(emits_changed_signal = "const"))]
    fn heading(&self, #[zbus(header)] header: Option<Header<'_>>) -> fdo::Result<f64> {
        self.read(header).map(|r| r.heading)
    }

    #[zbus(property(emits_changed_signal = "const"))]
    fn description(&self, #[zbus(header)] header: Option<Header<'_>>) -> fdo::Result<String> {
        self.read(header).map(|_| String::new())
    }

    /// Seconds and microseconds since the epoch.
    #[zbus(property(emits_changed_signal = "const"))]
    fn timestamp(&self, #[zbus(header)] header: Option<Header<'_>>) -> fdo::Result<(u64, u64)> {
        self.read(header).map(|r| r.timestamp)
    }
}

/// Announces the current position to every started client that has not heard it. Deliveries
/// take turns, so each client hears its locations in order.
pub(super) async fn deliver(shared: &Shared, connection: &Connection) {
    let _turn = shared.delivering.lock().await;
    let updates = shared.state().plan();
    for update in updates {
        if let Err(error) = announce(connection, update).await {
            tracing::warn!(%error, "could not deliver a simulated location");
        }
    }
}

async fn announce(connection: &Connection, update: Update) -> zbus::Result<()> {
    let server = connection.object_server();
    let location = LocationObject {
        owner: update.owner.clone(),
        reading: update.reading,
    };
    server.at(&update.new, location).await?;
    let client = server.interface::<_, ClientObject>(&update.client).await?;
    // GeoClue sends LocationUpdated to its client only, not to the whole bus.
    let to_owner = client
        .signal_emitter()
        .clone()
        .set_destination(BusName::from(&update.owner));
    ClientObject::location_updated(&to_owner, update.old.as_ref(), update.new.as_ref()).await?;
    client
        .get()
        .await
        .location_changed(client.signal_emitter())
        .await?;
    if let Some(retired) = update.retired {
        server.remove::<LocationObject, _>(&retired).await?;
    }
    Ok(())
}

/// Takes clients and their locations off the bus.
pub(super) async fn unexport(server: &ObjectServer, paths: Vec<OwnedObjectPath>) {
    for path in paths {
        let removed = if path.as_str().contains("/Location/") {
            server.remove::<LocationObject, _>(&path).await
        } else {
            server.remove::<ClientObject, _>(&path).await
        };
        if let Err(error) = removed {
            tracing::warn!(%error, %path, "could not remove a GeoClue object");
        }
    }
}

/// Signals the manager's `InUse`, which follows the clients' `Active`.
pub(super) async fn in_use_changed(server: &ObjectServer) -> zbus::Result<()> {
    let manager = server.interface::<_, Manager>(MANAGER_PATH).await?;
    let guard = manager.get().await;
    guard.in_use_changed(manager.signal_emitter()).await
}

/// Signals the manager's `AvailableAccuracyLevel`.
pub(super) async fn accuracy_changed(server: &ObjectServer) -> zbus::Result<()> {
    let manager = server.interface::<_, Manager>(MANAGER_PATH).await?;
    let guard = manager.get().await;
    guard
        .available_accuracy_level_changed(manager.signal_emitter())
        .await
}
