//! A desktop notification server (`org.freedesktop.Notifications`, the Desktop Notifications
//! Specification 1.2) on a session bus, recording every notification as a person would have
//! seen it: title, body, actions, hints, and what replaced or closed it. Demo mode and the
//! end-to-end tests put it on the app's private session bus, so what the app shows is checked
//! where it arrives, not where it was sent from. `invoke` stands for a person tapping an action.
//!
//! It must never be the desktop's own notification server: it only claims the name on a bus
//! it was given.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use serde::Serialize;
use zbus::object_server::SignalEmitter;
use zbus::Connection;
use zbus::OwnedVariant;

const PATH: &str = "/org/freedesktop/Notifications";
const NAME: &str = "org.freedesktop.Notifications";

/// One notification, as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Shown {
    pub id: u32,
    pub app_name: String,
    /// The id it replaced (an update), or 0.
    pub replaces: u32,
    pub summary: String,
    pub body: String,
    /// Action keys and their labels, in pairs as sent.
    pub actions: Vec<String>,
    /// Hints as text (`urgency`, `category`, `desktop-entry`, …).
    pub hints: HashMap<String, String>,
    /// Closed by the app (`CloseNotification`), if so.
    pub closed: bool,
}

#[derive(Default)]
struct Log {
    shown: Vec<Shown>,
    next: u32,
    file: Option<PathBuf>,
}

impl Log {
    /// Appends a notification as it now is to the file (a close is its line again, closed).
    fn write(&self, shown: &Shown) {
        let Some(path) = &self.file else { return };
        if let Ok(line) = serde_json::to_string(shown) {
            let written = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .and_then(|mut f| writeln!(f, "{line}"));
            if let Err(error) = written {
                tracing::warn!(%error, "could not record a notification");
            }
        }
    }

    /// Marks `id` closed; whether it was known and open.
    fn close(&mut self, id: u32) -> bool {
        let mut closed = Vec::new();
        for shown in self.shown.iter_mut().filter(|s| s.id == id && !s.closed) {
            shown.closed = true;
            closed.push(shown.clone());
        }
        for shown in &closed {
            self.write(shown);
        }
        !closed.is_empty()
    }
}

/// The notification server's record, shared with its D-Bus interface.
#[derive(Clone, Default)]
pub struct Notifications {
    log: Arc<Mutex<Log>>,
}

struct Server {
    log: Arc<Mutex<Log>>,
}

fn lock(log: &Mutex<Log>) -> std::sync::MutexGuard<'_, Log> {
    log.lock().unwrap_or_else(PoisonError::into_inner)
}

#[zbus::interface(name = "org.freedesktop.Notifications")]
impl Server {
    #[allow(clippy::too_many_arguments)]
    fn notify(
        &self,
        app_name: String,
        replaces_id: u32,
        _app_icon: String,
        summary: String,
        body: String,
        actions: Vec<String>,
        hints: HashMap<String, OwnedVariant>,
        _expire_timeout: i32,
    ) -> u32 {
        let mut log = lock(&self.log);
        // An update keeps the id it replaces, as the specification asks.
        let id = if replaces_id != 0 && log.shown.iter().any(|s| s.id == replaces_id) {
            replaces_id
        } else {
            log.next += 1;
            log.next
        };
        let shown = Shown {
            id,
            app_name,
            replaces: replaces_id,
            summary,
            body,
            actions,
            hints: hints.into_iter().map(|(k, v)| (k, hint_text(&v))).collect(),
            closed: false,
        };
        log.write(&shown);
        log.shown.push(shown);
        id
    }

    async fn close_notification(
        &self,
        id: u32,
        #[zbus(signal_emitter)] emitter: SignalEmitter<'_>,
    ) -> zbus::fdo::Result<()> {
        let known = lock(&self.log).close(id);
        if known {
            // 3: closed by a call to CloseNotification.
            Self::notification_closed(&emitter, id, 3).await?;
        }
        Ok(())
    }

    fn get_capabilities(&self) -> Vec<String> {
        ["actions", "body", "persistence"]
            .into_iter()
            .map(str::to_owned)
            .collect()
    }

    fn get_server_information(&self) -> (String, String, String, String) {
        (
            "steward-simhome".into(),
            "Steward".into(),
            env!("CARGO_PKG_VERSION").into(),
            "1.2".into(),
        )
    }

    #[zbus(signal)]
    async fn notification_closed(
        emitter: &SignalEmitter<'_>,
        id: u32,
        reason: u32,
    ) -> zbus::Result<()>;

    #[zbus(signal)]
    async fn action_invoked(
        emitter: &SignalEmitter<'_>,
        id: u32,
        action_key: &str,
    ) -> zbus::Result<()>;
}

/// A hint's value as text: strings as they are, numbers and booleans written out.
fn hint_text(value: &OwnedVariant) -> String {
    use zbus::Variant;
    match &**value {
        Variant::Str(s) => s.to_string(),
        Variant::U8(n) => n.to_string(),
        Variant::Bool(b) => b.to_string(),
        Variant::I32(n) => n.to_string(),
        Variant::U32(n) => n.to_string(),
        other => format!("{other:?}"),
    }
}

/// A running notification server.
pub struct NotificationServer {
    connection: Connection,
    record: Notifications,
}

impl NotificationServer {
    /// Serves `org.freedesktop.Notifications` on the bus at `address`, appending each
    /// notification to `file` (JSON lines) when given.
    pub async fn start(address: &str, file: Option<PathBuf>) -> zbus::Result<Self> {
        let record = Notifications::default();
        lock(&record.log).file = file;
        let connection = zbus::connection::Builder::address(address)
            .serve_at(
                PATH,
                Server {
                    log: Arc::clone(&record.log),
                },
            )
            .build()
            .await?;
        // A server that started earlier on the same bus (an earlier test's home) gives way.
        let reply = connection
            .request_name_with_flags(
                NAME,
                zbus::fdo::RequestNameFlags::REPLACE_EXISTING
                    | zbus::fdo::RequestNameFlags::ALLOW_REPLACEMENT
                    | zbus::fdo::RequestNameFlags::DO_NOT_QUEUE,
            )
            .await?;
        if !matches!(
            reply,
            zbus::fdo::RequestNameReply::PrimaryOwner | zbus::fdo::RequestNameReply::AlreadyOwner
        ) {
            return Err(zbus::Error::Failure(format!(
                "another notification server owns {NAME} and does not give way"
            )));
        }
        Ok(Self { connection, record })
    }

    /// Everything shown so far, in order.
    pub fn shown(&self) -> Vec<Shown> {
        lock(&self.record.log).shown.clone()
    }

    /// A person taps `action` (`default` for the notification itself) on notification `id`.
    pub async fn invoke(&self, id: u32, action: &str) -> zbus::Result<()> {
        let emitter = SignalEmitter::new(&self.connection, PATH)?;
        Server::action_invoked(&emitter, id, action).await?;
        // Activating a notification dismisses it (reason 2: dismissed by the user).
        lock(&self.record.log).close(id);
        Server::notification_closed(&emitter, id, 2).await
    }
}
