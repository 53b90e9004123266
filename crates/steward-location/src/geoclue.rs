//! GeoClue2 (`org.freedesktop.GeoClue2`), the desktop's location service, over the system bus.
//!
//! [`follow`] asks GeoClue for a client, names Steward (`DesktopId`, which GeoClue requires
//! before `Start`), asks for exact positions (accuracy level 8; GeoClue's default is city level)
//! heard again after 10 m, and hands every position GeoClue announces to the sink. When the
//! service goes away it tells the sink once, then tries again every few seconds until the
//! service is back, for as long as the task runs: the shell stops it by dropping the task.

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::ready;
use futures_util::stream::{self, StreamExt};
use steward_core::location::LocationSink;
use zbus::fdo::{self, DBusProxy, NameOwnerChanged};
use zbus::proxy::CacheProperties;
use zbus::zvariant::{ObjectPath, OwnedObjectPath};
use zbus::Connection;

/// The well-known name GeoClue owns on the system bus.
pub const SERVICE: &str = "org.freedesktop.GeoClue2";

/// GeoClue's `GCLUE_ACCURACY_LEVEL_EXACT`.
const EXACT: u32 = 8;

/// Metres the computer must move before GeoClue reports again.
const DISTANCE_THRESHOLD_M: u32 = 10;

/// The pause between attempts while the service is away: often enough to notice it come back
/// soon, rarely enough to cost nothing while it stays away.
const RETRY: Duration = Duration::from_secs(2);

/// The pause after GeoClue refused Steward. Asking again may make the desktop ask the owner
/// again, so it is asked far less often than a missing service is looked for.
const RETRY_REFUSED: Duration = Duration::from_secs(60);

/// What the sink is told, in words for the owner.
const NO_SERVICE: &str = "this computer has no location service";
const STOPPED: &str = "the location service stopped";
const REFUSED: &str = "this computer does not allow Steward to use its location";

#[zbus::proxy(
    interface = "org.freedesktop.GeoClue2.Manager",
    default_service = "org.freedesktop.GeoClue2",
    default_path = "/org/freedesktop/GeoClue2/Manager",
    gen_blocking = false
)]
trait Manager {
    /// This connection's client, created on its first call.
    fn get_client(&self) -> zbus::Result<OwnedObjectPath>;
}

#[zbus::proxy(
    interface = "org.freedesktop.GeoClue2.Client",
    default_service = "org.freedesktop.GeoClue2",
    gen_blocking = false
)]
trait Client {
    fn start(&self) -> zbus::Result<()>;
    #[zbus(property)]
    fn set_desktop_id(&self, id: &str) -> zbus::Result<()>;
    #[zbus(property)]
    fn set_requested_accuracy_level(&self, level: u32) -> zbus::Result<()>;
    #[zbus(property)]
    fn set_distance_threshold(&self, metres: u32) -> zbus::Result<()>;
    /// A new position: `new` is its Location object (`old` the previous one, `/` if none).
    #[zbus(signal)]
    fn location_updated(&self, old: ObjectPath<'_>, new: ObjectPath<'_>) -> zbus::Result<()>;
}

#[zbus::proxy(
    interface = "org.freedesktop.GeoClue2.Location",
    default_service = "org.freedesktop.GeoClue2",
    gen_blocking = false
)]
trait Location {
    /// Degrees.
    #[zbus(property)]
    fn latitude(&self) -> zbus::Result<f64>;
    /// Degrees.
    #[zbus(property)]
    fn longitude(&self) -> zbus::Result<f64>;
    /// Metres.
    #[zbus(property)]
    fn accuracy(&self) -> zbus::Result<f64>;
}

/// Why following GeoClue stopped or could not start.
#[derive(Debug, thiserror::Error)]
pub enum LocationError {
    #[error("the system bus is not reachable: {0}")]
    NoBus(#[source] zbus::Error),
    #[error("GeoClue is not on the system bus")]
    NoService,
    #[error("GeoClue refused: {0}")]
    Refused(String),
    #[error("GeoClue left the system bus")]
    Vanished,
    #[error("the system bus connection ended")]
    Ended,
    #[error("GeoClue failed: {0}")]
    Failed(#[source] fdo::Error),
    #[error("D-Bus failed: {0}")]
    Bus(#[source] zbus::Error),
}

impl From<zbus::Error> for LocationError {
    fn from(error: zbus::Error) -> Self {
        match fdo::Error::from(error) {
            fdo::Error::ServiceUnknown(_) | fdo::Error::NameHasNoOwner(_) => Self::NoService,
            fdo::Error::AccessDenied(why) => Self::Refused(why),
            fdo::Error::ZBus(error) => Self::Bus(error),
            other => Self::Failed(other),
        }
    }
}

impl LocationError {
    /// What the owner is told; `followed` is whether GeoClue ever gave a client a start.
    fn for_owner(&self, followed: bool) -> &'static str {
        match self {
            Self::Refused(_) => REFUSED,
            Self::NoBus(_) | Self::NoService if !followed => NO_SERVICE,
            _ => STOPPED,
        }
    }

    fn retry_after(&self) -> Duration {
        match self {
            Self::Refused(_) => RETRY_REFUSED,
            _ => RETRY,
        }
    }
}

/// Follows GeoClue on the system bus (`DBUS_SYSTEM_BUS_ADDRESS` if set) for as long as the
/// returned future runs, reporting each position to `sink`. `desktop_id` is the app's desktop
/// file name without `.desktop`, which GeoClue shows and checks permissions against.
///
/// While the service is away (missing at the start, stopped, or refusing), `sink.lost` is
/// called once per outage and the service is looked for again every 2 s; reports resume when it
/// is back. It never returns: drop (abort) the task to stop following.
pub async fn follow(desktop_id: &str, sink: Arc<dyn LocationSink>) {
    // Whether the sink has been told about the current outage.
    let mut told = false;
    let mut followed = false;
    loop {
        let why = match Session::start(desktop_id).await {
            Ok(session) => {
                tracing::info!("following GeoClue");
                followed = true;
                told = false;
                session.run(sink.as_ref()).await
            }
            Err(why) => why,
        };
        if told {
            tracing::debug!(%why, "GeoClue is still unavailable");
        } else {
            tracing::warn!(%why, "location from GeoClue stopped");
            sink.lost(why.for_owner(followed));
            told = true;
        }
        tokio::time::sleep(why.retry_after()).await;
    }
}

/// A started GeoClue client, and the two streams that say what happens to it.
struct Session {
    // Keeps the connection (and with it the client, which GeoClue ties to it) alive.
    connection: Connection,
    updates: LocationUpdatedStream,
    owners: fdo::NameOwnerChangedStream,
}

/// What a running session hears.
enum Heard {
    /// A new position, at this Location object.
    Moved(OwnedObjectPath),
    /// The daemon holding the client left the bus, or a stream ended: the client is gone.
    Gone(LocationError),
}

impl Session {
    /// Connects, gets a client, sets it up and starts it. The streams are subscribed before
    /// `Start`, because GeoClue announces the current position right after replying to it.
    async fn start(desktop_id: &str) -> Result<Self, LocationError> {
        let connection = Connection::system().await.map_err(LocationError::NoBus)?;
        let manager = ManagerProxy::builder(&connection)
            .cache_properties(CacheProperties::No)
            .build()
            .await?;
        let path = manager.get_client().await?;
        let client = ClientProxy::builder(&connection)
            .path(path)?
            .cache_properties(CacheProperties::No)
            .build()
            .await?;
        client.set_desktop_id(desktop_id).await?;
        client.set_requested_accuracy_level(EXACT).await?;
        client.set_distance_threshold(DISTANCE_THRESHOLD_M).await?;
        let owners = DBusProxy::new(&connection)
            .await?
            .receive_name_owner_changed_with_args(&[(0, SERVICE)])
            .await?;
        let updates = client.receive_location_updated().await?;
        client.start().await?;
        Ok(Self {
            connection,
            updates,
            owners,
        })
    }

    /// Reports positions until the client is gone; returns why.
    async fn run(self, sink: &dyn LocationSink) -> LocationError {
        let updates = self
            .updates
            .map(|signal| match signal.args() {
                Ok(args) => Heard::Moved(args.new().clone().into()),
                Err(error) => Heard::Gone(error.into()),
            })
            .chain(stream::once(ready(Heard::Gone(LocationError::Ended))));
        let owners = self
            .owners
            .filter_map(|signal| {
                ready(left(&signal).then_some(Heard::Gone(LocationError::Vanished)))
            })
            .chain(stream::once(ready(Heard::Gone(LocationError::Ended))));
        let mut heard = stream::select(updates, owners);
        while let Some(event) = heard.next().await {
            match event {
                Heard::Moved(path) => {
                    if let Err(why) = report(&self.connection, path, sink).await {
                        return why;
                    }
                }
                Heard::Gone(why) => return why,
            }
        }
        // Each stream ends with a `Gone`, so this is not reached.
        LocationError::Ended
    }
}

/// Whether a NameOwnerChanged for GeoClue's name means the daemon holding our client is gone:
/// the name was released (no new owner) or changed hands.
fn left(signal: &NameOwnerChanged) -> bool {
    match signal.args() {
        Ok(args) => args.new_owner().is_none() || args.old_owner().is_some(),
        // Unreadable, from the bus itself: ask again rather than trust a client that may be gone.
        Err(error) => {
            tracing::warn!(%error, "unreadable NameOwnerChanged");
            true
        }
    }
}

/// Reads one Location object and reports it. A location replaced before it could be read is
/// skipped (the newer one follows); any other failure ends the session.
async fn report(
    connection: &Connection,
    path: OwnedObjectPath,
    sink: &dyn LocationSink,
) -> Result<(), LocationError> {
    if path.as_str() == "/" {
        return Ok(());
    }
    let read = async {
        let location = LocationProxy::builder(connection)
            .path(path.clone())?
            .cache_properties(CacheProperties::No)
            .build()
            .await?;
        Ok::<_, zbus::Error>((
            location.latitude().await?,
            location.longitude().await?,
            location.accuracy().await?,
        ))
    };
    match read.await {
        Ok((latitude, longitude, accuracy_m)) => {
            sink.report(latitude, longitude, accuracy_m);
            Ok(())
        }
        Err(error) => match LocationError::from(error) {
            LocationError::Failed(
                fdo::Error::UnknownObject(_)
                | fdo::Error::UnknownInterface(_)
                | fdo::Error::UnknownMethod(_),
            ) => {
                tracing::debug!(%path, "a location went before it was read");
                Ok(())
            }
            why => Err(why),
        },
    }
}
