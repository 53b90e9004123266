//! What the hub tests share: waiting for a hub event without hanging the suite.

use std::time::Duration;

use steward_devices::HubEvent;
use tokio::sync::mpsc::Receiver;

/// How long any expected hub event may take.
pub const WAIT: Duration = Duration::from_secs(10);

/// Waits for the first hub event `pick` accepts, skipping the rest.
pub async fn wait_for<T>(
    events: &mut Receiver<HubEvent>,
    mut pick: impl FnMut(&HubEvent) -> Option<T>,
) -> T {
    tokio::time::timeout(WAIT, async {
        loop {
            let event = events.recv().await.expect("hub open");
            if let Some(found) = pick(&event) {
                return found;
            }
        }
    })
    .await
    .expect("the expected hub event in time")
}
