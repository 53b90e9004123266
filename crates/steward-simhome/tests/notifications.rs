//! The simulated desktop notification server on a private bus: it answers as the Desktop
//! Notifications Specification says (ids, updates keeping their id, capabilities, closing with
//! a signal), records each notification as shown (to a file too, for the end-to-end tests), and
//! stands in for a person tapping an action.

use std::collections::HashMap;

use futures::StreamExt;
use steward_simhome::notifications::NotificationServer;
use steward_simhome::PrivateBus;
use zbus::Variant as Value;

#[zbus::proxy(
    interface = "org.freedesktop.Notifications",
    default_service = "org.freedesktop.Notifications",
    default_path = "/org/freedesktop/Notifications"
)]
trait Notifications {
    #[allow(clippy::too_many_arguments)]
    fn notify(
        &self,
        app_name: &str,
        replaces_id: u32,
        app_icon: &str,
        summary: &str,
        body: &str,
        actions: &[&str],
        hints: HashMap<&str, Value<'_>>,
        expire_timeout: i32,
    ) -> zbus::Result<u32>;
    fn close_notification(&self, id: u32) -> zbus::Result<()>;
    fn get_capabilities(&self) -> zbus::Result<Vec<String>>;
    fn get_server_information(&self) -> zbus::Result<(String, String, String, String)>;
    #[zbus(signal)]
    fn notification_closed(&self, id: u32, reason: u32) -> zbus::Result<()>;
    #[zbus(signal)]
    fn action_invoked(&self, id: u32, action_key: String) -> zbus::Result<()>;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notifications_are_shown_updated_closed_tapped_and_recorded() {
    let bus = PrivateBus::start().await.expect("bus");
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("notifications.jsonl");
    let server = NotificationServer::start(bus.address(), Some(file.clone()))
        .await
        .expect("server");
    let app = zbus::connection::Builder::address(bus.address())
        .build()
        .await
        .expect("app's connection");
    let proxy = NotificationsProxy::new(&app).await.expect("proxy");
    assert!(proxy
        .get_capabilities()
        .await
        .expect("caps")
        .contains(&"actions".to_owned()));
    assert_eq!(proxy.get_server_information().await.expect("info").3, "1.2");

    let hints = || {
        HashMap::from([
            ("urgency", Value::U8(1)),
            ("desktop-entry", Value::from("app.steward.home")),
        ])
    };
    let id = proxy
        .notify(
            "Steward",
            0,
            "",
            "Sudsy dish soap, 15% off",
            "Your dish soap runs out in 4 days.",
            &["default", "Open"],
            hints(),
            -1,
        )
        .await
        .expect("shown");
    let update = proxy
        .notify(
            "Steward",
            id,
            "",
            "Sudsy dish soap, 20% off",
            "Updated.",
            &["default", "Open"],
            hints(),
            -1,
        )
        .await
        .expect("updated");
    assert_eq!(update, id, "an update keeps its id");
    let other = proxy
        .notify("Steward", 0, "", "Soap is empty", "", &[], hints(), -1)
        .await
        .expect("shown");
    assert_ne!(other, id);

    let shown = server.shown();
    assert_eq!(shown.len(), 3);
    assert_eq!(
        (
            shown[0].summary.as_str(),
            shown[0].hints["urgency"].as_str()
        ),
        ("Sudsy dish soap, 15% off", "1")
    );
    assert_eq!(shown[0].hints["desktop-entry"], "app.steward.home");
    assert_eq!(shown[0].actions, ["default", "Open"]);
    assert_eq!((shown[1].replaces, shown[1].id), (id, id));

    let mut closed = proxy
        .receive_notification_closed()
        .await
        .expect("closed stream");
    let mut tapped = proxy.receive_action_invoked().await.expect("tapped stream");
    server.invoke(id, "default").await.expect("tapped");
    let tap = tapped.next().await.expect("a tap");
    let tap = tap.args().expect("args");
    assert_eq!((tap.id, tap.action_key.as_str()), (id, "default"));
    let dismissed = closed.next().await.expect("closed");
    let dismissed = dismissed.args().expect("args");
    assert_eq!((dismissed.id, dismissed.reason), (id, 2));
    proxy.close_notification(other).await.expect("closed");
    let by_app = closed.next().await.expect("closed");
    let by_app = by_app.args().expect("args");
    assert_eq!((by_app.id, by_app.reason), (other, 3));
    assert!(server.shown()[2].closed);

    // Each notification as shown, then again as closed (the tapped one and its update, and
    // the one the app closed): the file says what is on screen at any moment.
    let lines = std::fs::read_to_string(&file).expect("recorded");
    let lines: Vec<serde_json::Value> = lines
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(lines.len(), 6);
    assert_eq!(lines[0]["summary"], "Sudsy dish soap, 15% off");
    assert_eq!(lines[0]["closed"], false);
    let closes: Vec<(u64, bool)> = lines[3..]
        .iter()
        .map(|l| (l["id"].as_u64().expect("id"), l["closed"] == true))
        .collect();
    assert_eq!(
        closes,
        [
            (u64::from(id), true),
            (u64::from(id), true),
            (u64::from(other), true)
        ]
    );
}
