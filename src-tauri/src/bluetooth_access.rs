//! The phone's Bluetooth permission, through Steward's own small Tauri plugin. On Android it
//! registers the Kotlin `app.steward.home.BluetoothPlugin` (in `gen/android`), which also starts
//! btleplug's Java half, and implements the core's [`BluetoothAccess`] over it. Desktop Linux has
//! no such permission: nothing is registered and the core takes it as granted. iOS asks on its
//! own when btleplug first creates its CoreBluetooth manager (docs/MOBILE.md).
//!
//! The UI never calls this plugin: only the core does, through `BluetoothAccess`, so the window's
//! capability grants nothing here.

use tauri::plugin::{Builder, TauriPlugin};
use tauri::Runtime;

/// The plugin's name, as Tauri registers it.
pub const NAME: &str = "steward-bluetooth";

/// The plugin; on Android its setup registers the Kotlin side and manages an [`AndroidAccess`].
pub fn plugin<R: Runtime>() -> TauriPlugin<R> {
    Builder::new(NAME)
        .setup(|_app, _api| {
            #[cfg(target_os = "android")]
            {
                use tauri::Manager;
                // Keeps the JNI symbol the Kotlin side calls in the shared library.
                let _ = steward_ble::android::jni_entry_point();
                let handle = _api.register_android_plugin("app.steward.home", "BluetoothPlugin")?;
                _app.manage(android::AndroidAccess(handle));
            }
            Ok(())
        })
        .build()
}

#[cfg(target_os = "android")]
pub mod android {
    //! [`BluetoothAccess`] over the Kotlin plugin's `status`, `request` and `openSettings`.

    use serde::Deserialize;
    use steward_api::bluetooth::{AccessFuture, AccessStatus, BluetoothAccess, Permission};
    use steward_devices::RadioState;
    use tauri::plugin::PluginHandle;
    use tauri::Runtime;

    pub struct AndroidAccess<R: Runtime>(pub PluginHandle<R>);

    /// What `BluetoothPlugin.status()` resolves to.
    #[derive(Deserialize)]
    struct Status {
        permission: String,
        radio: String,
    }

    impl<R: Runtime> AndroidAccess<R> {
        async fn call(&self, command: &str) -> AccessStatus {
            match self.0.run_mobile_plugin_async::<Status>(command, ()).await {
                Ok(status) => AccessStatus {
                    permission: match status.permission.as_str() {
                        "granted" => Permission::Granted,
                        "denied" => Permission::Denied,
                        _ => Permission::Prompt,
                    },
                    radio: match status.radio.as_str() {
                        "on" => Some(RadioState::On),
                        "off" => Some(RadioState::Off),
                        _ => None,
                    },
                },
                // Granted, so operations are tried and their own errors explain what failed,
                // rather than the owner being sent to a settings page that cannot help.
                Err(error) => {
                    tracing::warn!(%error, command, "the Bluetooth plugin did not answer");
                    AccessStatus {
                        permission: Permission::Granted,
                        radio: None,
                    }
                }
            }
        }
    }

    impl<R: Runtime> BluetoothAccess for AndroidAccess<R> {
        fn status(&self) -> AccessFuture<'_, AccessStatus> {
            Box::pin(self.call("status"))
        }

        fn request(&self) -> AccessFuture<'_, AccessStatus> {
            Box::pin(self.call("request"))
        }

        fn open_settings(&self) -> AccessFuture<'_, Result<(), String>> {
            Box::pin(async move {
                self.0
                    .run_mobile_plugin_async::<()>("openSettings", ())
                    .await
                    .map_err(|e| e.to_string())
            })
        }
    }
}
