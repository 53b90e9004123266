package app.steward.home

// Steward's Bluetooth access on Android, as a Tauri plugin registered from Rust
// (src-tauri/src/bluetooth_access/mobile.rs):
//  - hands btleplug the JNI environment it needs, once, on the main thread where the app's
//    class loader can find btleplug's Java half (com.nonpolynomial.btleplug, vendored beside);
//  - says whether Steward may use Bluetooth and whether the radio is on, without asking, and
//    relays Android's Bluetooth on/off broadcasts to the Rust core as they happen;
//  - asks for the permission only when the owner first scans: Nearby devices (BLUETOOTH_SCAN,
//    declared neverForLocation, and BLUETOOTH_CONNECT) on Android 12+, location on Android 8-11
//    where scanning needs it;
//  - opens the app's system settings when the owner refused and wants to change their mind.
// It never scans or connects itself: that is btleplug's, through Steward's Rust core.

import android.Manifest
import android.app.Activity
import android.bluetooth.BluetoothAdapter
import android.bluetooth.BluetoothManager
import android.content.BroadcastReceiver
import android.content.Context
import android.content.Intent
import android.content.IntentFilter
import android.net.Uri
import android.os.Build
import android.provider.Settings
import android.webkit.WebView
import app.tauri.PermissionState
import app.tauri.annotation.Command
import app.tauri.annotation.Permission
import app.tauri.annotation.PermissionCallback
import app.tauri.annotation.TauriPlugin
import app.tauri.plugin.Invoke
import app.tauri.plugin.JSObject
import app.tauri.plugin.Plugin
import androidx.core.content.ContextCompat

private const val NEARBY = "nearby"
private const val LEGACY_LOCATION = "legacyLocation"

@TauriPlugin(
  permissions = [
    Permission(strings = [Manifest.permission.BLUETOOTH_SCAN, Manifest.permission.BLUETOOTH_CONNECT], alias = NEARBY),
    Permission(strings = [Manifest.permission.ACCESS_FINE_LOCATION], alias = LEGACY_LOCATION),
  ]
)
class BluetoothPlugin(private val activity: Activity) : Plugin(activity) {
  /** Implemented in Rust (crates/steward-ble/src/android.rs): btleplug::platform::init. */
  private external fun initBtleplug()

  /** Implemented in Rust (crates/steward-ble/src/android.rs): the radio state the hub follows. */
  private external fun onRadioChanged(on: Boolean)

  private val radioReceiver = object : BroadcastReceiver() {
    override fun onReceive(context: Context, intent: Intent) {
      when (intent.getIntExtra(BluetoothAdapter.EXTRA_STATE, BluetoothAdapter.ERROR)) {
        BluetoothAdapter.STATE_ON -> onRadioChanged(true)
        BluetoothAdapter.STATE_TURNING_OFF, BluetoothAdapter.STATE_OFF -> onRadioChanged(false)
      }
    }
  }

  override fun load(webView: WebView) {
    super.load(webView)
    initBtleplug()
    // A system broadcast: no permission is needed to hear it.
    ContextCompat.registerReceiver(
      activity,
      radioReceiver,
      IntentFilter(BluetoothAdapter.ACTION_STATE_CHANGED),
      ContextCompat.RECEIVER_NOT_EXPORTED,
    )
    if (radio() != "missing") onRadioChanged(radio() == "on")
  }

  override fun onDestroy() {
    activity.unregisterReceiver(radioReceiver)
    super.onDestroy()
  }

  /** The permission this Android version needs for scanning and connecting. */
  private fun alias(): String =
    if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.S) NEARBY else LEGACY_LOCATION

  private fun radio(): String {
    val manager = activity.getSystemService(Context.BLUETOOTH_SERVICE) as BluetoothManager?
    val adapter = manager?.adapter ?: return "missing"
    return if (adapter.isEnabled) "on" else "off"
  }

  private fun permission(): String = when (getPermissionState(alias())) {
    PermissionState.GRANTED -> "granted"
    PermissionState.DENIED -> "denied"
    else -> "prompt"
  }

  private fun status(): JSObject {
    val result = JSObject()
    result.put("permission", permission())
    result.put("radio", radio())
    return result
  }

  /** Whether Steward may use Bluetooth and whether it is on; never shows a dialog. */
  @Command
  fun status(invoke: Invoke) {
    invoke.resolve(status())
  }

  /** Shows the system's permission dialog unless the answer is already known. */
  @Command
  fun request(invoke: Invoke) {
    if (permission() != "prompt") {
      invoke.resolve(status())
      return
    }
    requestPermissionForAlias(alias(), invoke, "afterRequest")
  }

  @PermissionCallback
  private fun afterRequest(invoke: Invoke) {
    invoke.resolve(status())
  }

  /** Opens Steward's page in the system settings, where a refused permission can be granted. */
  @Command
  fun openSettings(invoke: Invoke) {
    val intent = Intent(Settings.ACTION_APPLICATION_DETAILS_SETTINGS, Uri.fromParts("package", activity.packageName, null))
    intent.addFlags(Intent.FLAG_ACTIVITY_NEW_TASK)
    activity.startActivity(intent)
    invoke.resolve()
  }
}
