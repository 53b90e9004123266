//! The core's `Notifier` over tauri-plugin-notification: Android's and iOS's notifications, and
//! on desktop Linux the session's org.freedesktop.Notifications. Android gets one notification
//! channel per Steward channel (so the owner can silence offers in the system's settings too);
//! a tap comes back to the household, which tells the UI what to open.
//!
//! It must never decide what to show (the core's policy does) nor ask for the permission by
//! itself: the household asks once the owner said yes in the app.

use steward_api::notify::{Notification, Notifier, NotifierError, Permission};
use tauri::plugin::PermissionState;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_notification::NotificationExt;

/// The key, in a notification's extra data, of where a tap leads.
const OPEN: &str = "open";

/// The platform's notifications, through the plugin.
pub struct PluginNotifier<R: Runtime>(pub AppHandle<R>);

impl<R: Runtime> Notifier for PluginNotifier<R> {
    fn permission(&self) -> Permission {
        permission(self.0.notification().permission_state())
    }

    fn request_permission(&self) -> Permission {
        permission(self.0.notification().request_permission())
    }

    fn show(&self, n: &Notification) -> Result<(), NotifierError> {
        let notifications = self.0.notification();
        // Phones replace a notification with the same id; the desktop plugin sends every one
        // as new, so the one it updates is closed first.
        #[cfg(desktop)]
        let _ = notifications.remove_active(vec![n.id]);
        notifications
            .builder()
            .id(n.id)
            .channel_id(n.channel.as_str())
            .title(&n.title)
            .body(&n.body)
            .extra(OPEN, &n.open)
            .show()
            .map_err(|error| NotifierError::Service(error.to_string()))
    }

    fn close(&self, id: i32) {
        let _ = self.0.notification().remove_active(vec![id]);
    }
}

fn permission(state: tauri_plugin_notification::Result<PermissionState>) -> Permission {
    match state {
        Ok(PermissionState::Granted) => Permission::Granted,
        Ok(PermissionState::Prompt | PermissionState::PromptWithRationale) => Permission::Ask,
        // A platform that cannot say is treated as one that said no: the inbox still works.
        Ok(PermissionState::Denied) | Err(_) => Permission::Denied,
    }
}

/// Makes Android's channels and follows taps: the household is told, and the window comes to
/// the front to show the item.
pub fn install<R: Runtime>(app: &AppHandle<R>) -> tauri_plugin_notification::Result<()> {
    #[cfg(target_os = "android")]
    for channel in steward_api::notify::Channel::ALL {
        use tauri_plugin_notification::{Channel as Android, Importance};
        let importance = match channel {
            steward_api::notify::Channel::DeviceAlert => Importance::High,
            steward_api::notify::Channel::Offer => Importance::Low,
            _ => Importance::Default,
        };
        app.notification().create_channel(
            Android::builder(channel.as_str(), channel.label())
                .importance(importance)
                .build(),
        )?;
    }
    let handle = app.clone();
    app.notification().on_action(move |performed| {
        let Some(open) = performed
            .notification()
            .and_then(|n| n.extra().get(OPEN))
            .and_then(|v| v.as_str())
        else {
            return;
        };
        let steward = handle.state::<steward_api::Steward>();
        if performed.action_id() == "dismiss" {
            steward.notification_dismissed(open);
            return;
        }
        match steward.notification_opened(open) {
            Ok(_) => {
                // On a phone the system brings the app forward itself.
                #[cfg(desktop)]
                if let Some(window) = handle.get_webview_window("main") {
                    let _ = window.unminimize();
                    let _ = window.show();
                    let _ = window.set_focus();
                }
            }
            Err(error) => {
                tracing::warn!(message = %error.message, "a tapped notification opens nothing")
            }
        }
    })
}
