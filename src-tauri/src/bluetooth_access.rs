//! The phone's Bluetooth permission, through Steward's own small Tauri plugin. On Android it
//! registers the Kotlin `app.steward.home.BluetoothPlugin` (in `gen/android`), which also starts
//! btleplug's Java half, and implements the core's [`BluetoothAccess`] over it. Desktop Linux has
//! no such permission: nothing is registered and the core takes it as granted. On iOS, `ios`
//! reads CoreBluetooth's authorisation; iOS itself asks when the radio is first opened, which the
//! household does only after the owner read why (docs/MOBILE.md).
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
                // Keeps the JNI symbols the Kotlin side calls in the shared library.
                let _ = steward_ble::android::jni_entry_points();
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

#[cfg(target_os = "ios")]
pub mod ios {
    //! [`BluetoothAccess`] over CoreBluetooth's authorisation. iOS asks the owner itself when the
    //! radio is first opened; the household opens it only after the owner read Steward's reason
    //! (`steward_api::radio`), so `request` here only waits for the owner's answer.

    use std::time::{Duration, Instant};

    use steward_api::bluetooth::{AccessFuture, AccessStatus, BluetoothAccess, Permission};
    use steward_ble::ios::{authorization, Authorization};

    /// How long the owner may take over iOS's question before Steward stops waiting (the answer
    /// is still read on the next look).
    const ANSWER_WAIT: Duration = Duration::from_secs(120);

    pub struct IosAccess;

    fn status() -> AccessStatus {
        AccessStatus {
            permission: match authorization() {
                Authorization::Allowed => Permission::Granted,
                Authorization::NotDetermined => Permission::Prompt,
                Authorization::Denied => Permission::Denied,
            },
            radio: None,
        }
    }

    impl BluetoothAccess for IosAccess {
        fn status(&self) -> AccessFuture<'_, AccessStatus> {
            Box::pin(async { status() })
        }

        fn request(&self) -> AccessFuture<'_, AccessStatus> {
            Box::pin(async {
                let deadline = Instant::now() + ANSWER_WAIT;
                while authorization() == Authorization::NotDetermined && Instant::now() < deadline {
                    tokio::time::sleep(Duration::from_millis(250)).await;
                }
                status()
            })
        }

        fn open_settings(&self) -> AccessFuture<'_, Result<(), String>> {
            // Opening another app's page needs UIKit, which Steward does not link for this alone.
            Box::pin(async {
                Err(
                    "on iPhone, open the Settings app, then Steward, and allow Bluetooth"
                        .to_owned(),
                )
            })
        }
    }
}
