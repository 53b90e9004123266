//! Android only: the JNI entry point Steward's Kotlin `BluetoothPlugin` (in the app's Android
//! project, `app.steward.home.BluetoothPlugin`) calls once when Tauri loads it. It hands btleplug
//! the JNI environment of Android's main thread, where the app's class loader can find btleplug's
//! Java half, so that `BtleCentral::first_adapter` works afterwards.
//!
//! Nothing else may call it, and it must never panic: a panic across JNI aborts the app. A
//! failure is thrown back to Kotlin as a RuntimeException with btleplug's reason, and the app
//! then runs without Bluetooth, saying so.

use jni::errors::ThrowRuntimeExAndDefault;
use jni::objects::JObject;
use jni::EnvUnowned;

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

/// Referenced from the app so the linker keeps the JNI symbol in the shared library.
pub fn jni_entry_point() -> *const () {
    Java_app_steward_home_BluetoothPlugin_initBtleplug as *const ()
}
