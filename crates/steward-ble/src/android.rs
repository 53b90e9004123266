//! Android only: the JNI entry points of Steward's Kotlin `BluetoothPlugin` (in the app's Android
//! project, `app.steward.home.BluetoothPlugin`). `initBtleplug`, called once when Tauri loads the
//! plugin, hands btleplug the JNI environment of Android's main thread, where the app's class
//! loader can find btleplug's Java half, so that `BtleCentral::first_adapter` works afterwards.
//! `onRadioChanged` carries Android's Bluetooth on/off broadcasts into the radio state the hub
//! follows, which btleplug's Android backend cannot report itself.
//!
//! Nothing else may call them, and they must never panic: a panic across JNI aborts the app. A
//! failure is thrown back to Kotlin as a RuntimeException with btleplug's reason, and the app
//! then runs without Bluetooth, saying so.

use std::sync::{Arc, OnceLock};

use jni::errors::ThrowRuntimeExAndDefault;
use jni::objects::JObject;
use jni::sys::jboolean;
use jni::EnvUnowned;
use steward_devices::RadioState;
use tokio::sync::watch;

/// The radio as Android reports it; `Unknown` until the plugin's first report.
pub(crate) fn radio() -> Arc<watch::Sender<RadioState>> {
    static RADIO: OnceLock<Arc<watch::Sender<RadioState>>> = OnceLock::new();
    Arc::clone(RADIO.get_or_init(|| Arc::new(watch::Sender::new(RadioState::Unknown))))
}

/// `private external fun onRadioChanged(on: Boolean)` in `BluetoothPlugin.kt`.
#[no_mangle]
pub extern "system" fn Java_app_steward_home_BluetoothPlugin_onRadioChanged<'local>(
    _env: EnvUnowned<'local>,
    _plugin: JObject<'local>,
    on: jboolean,
) {
    let state = if on { RadioState::On } else { RadioState::Off };
    tracing::info!(?state, "Android reported the Bluetooth radio");
    radio().send_replace(state);
}

/// `private external fun initBtleplug()` in `BluetoothPlugin.kt`.
#[no_mangle]
pub extern "system" fn Java_app_steward_home_BluetoothPlugin_initBtleplug<'local>(
    mut env: EnvUnowned<'local>,
    _plugin: JObject<'local>,
) {
    env.with_env(|env| -> Result<(), jni::errors::Error> {
        if let Err(error) = btleplug::platform::init(env) {
            tracing::error!(%error, "btleplug could not start on Android");
            let message =
                jni::strings::JNIString::from(format!("Bluetooth could not start: {error}"));
            env.throw_new(jni::jni_str!("java/lang/RuntimeException"), &message)?;
        }
        Ok(())
    })
    .resolve::<ThrowRuntimeExAndDefault>();
}

/// Referenced from the app so the linker keeps the JNI symbols in the shared library.
pub fn jni_entry_points() -> [*const (); 2] {
    [
        Java_app_steward_home_BluetoothPlugin_initBtleplug as *const (),
        Java_app_steward_home_BluetoothPlugin_onRadioChanged as *const (),
    ]
}
