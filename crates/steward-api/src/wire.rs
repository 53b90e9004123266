//! The types that cross the IPC boundary, exactly as the UI sees them (camelCase JSON). The
//! TypeScript in `ui/src/lib/backend/bindings.ts` is generated from these; never edit it by hand.

use serde::{Deserialize, Serialize};
use specta::Type;

/// What the home screen shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct HomeView {
    /// The owner's name for the household, or `null` until they give one.
    pub household_name: Option<String>,
    /// The paired devices, by name.
    pub devices: Vec<DeviceView>,
    /// The store's schema version, shown under "About".
    pub schema_version: u32,
}

/// A paired device in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DeviceView {
    /// The device's stable identity.
    pub id: String,
    /// The name the owner sees.
    pub name: String,
    /// The device kind, such as `toaster`.
    pub kind: String,
}

impl From<steward_core::HomeSummary> for HomeView {
    fn from(home: steward_core::HomeSummary) -> Self {
        Self {
            household_name: home.household_name,
            devices: home
                .devices
                .into_iter()
                .map(|d| DeviceView {
                    id: d.id,
                    name: d.name,
                    kind: d.kind,
                })
                .collect(),
            schema_version: home.schema_version,
        }
    }
}

/// A device found by a scan, before pairing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct FoundDeviceView {
    /// Where to reach it; pass back to `pair_device`.
    pub address: String,
    /// The advertised name, cleaned.
    pub name: String,
    /// The device kind, such as `light`.
    pub kind: String,
    /// Signal strength in dBm, if known.
    pub rssi: Option<i16>,
    /// Whether the device says it accepts pairing now; `null` when it does not say.
    pub pairing_open: Option<bool>,
    /// The paired device this is, when it is one already (connected here now).
    pub paired_as: Option<PairedAsView>,
    /// What the owner is asked when pairing it, for a supply it cannot count itself.
    pub supply_question: Option<SupplyQuestionView>,
}

/// A device in a scan that is already paired with this phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PairedAsView {
    pub id: String,
    pub name: String,
}

/// A question asked once when pairing: how much of a supply the owner has now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SupplyQuestionView {
    /// The question, in words ("How many slices of bread do you have now?").
    pub prompt: String,
    /// The supply's unit, singular ("slice").
    pub unit: String,
    /// What the answer starts at (a full bag), shown in the field.
    pub suggested: u32,
    /// The largest answer taken.
    pub max: u32,
}

/// What a thermostat is set to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum ThermostatModeView {
    Off,
    Heat,
    Cool,
    Auto,
}

/// What a player is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum PlaybackView {
    Stopped,
    Playing,
    Paused,
    Menu,
}

/// A remote-control button.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum ButtonView {
    Power,
    Play,
    Pause,
    Stop,
    Menu,
    Up,
    Down,
    Left,
    Right,
    Ok,
    Back,
    Eject,
}

/// A device's live state, as last reported by the device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum DeviceStateView {
    SoapDispenser {
        remaining: u16,
        capacity: u16,
    },
    Toaster {
        toasting: bool,
        shade: u8,
        slices_total: u32,
    },
    BluRayPlayer {
        power: bool,
        playback: PlaybackView,
    },
    Light {
        on: bool,
        brightness: u8,
    },
    /// Temperatures in hundredths of a degree Celsius (2150 = 21.5 °C): exact, unlike floats.
    Thermostat {
        current_centi_celsius: i16,
        target_centi_celsius: i16,
        mode: ThermostatModeView,
        heating: bool,
    },
}

/// A command the owner sends to a device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum CommandInput {
    Identify,
    SetPower {
        on: bool,
    },
    SetBrightness {
        percent: u8,
    },
    /// Hundredths of a degree Celsius, 500–3500.
    SetTargetTemperature {
        centi_celsius: i16,
    },
    SetMode {
        mode: ThermostatModeView,
    },
    StartToasting {
        shade: u8,
    },
    CancelToasting,
    Refill {
        packets: u16,
    },
    PressButton {
        button: ButtonView,
    },
}

/// A paired device with its live status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DeviceDetailView {
    pub id: String,
    pub name: String,
    pub kind: String,
    /// Whether the phone is connected to it right now.
    pub connected: bool,
    /// The last state it reported, if any since the app started.
    pub state: Option<DeviceStateView>,
    /// When it reported that state (Unix seconds): a device out of range shows how old it is.
    pub state_at: Option<u32>,
    /// The firmware revision it reported when it last connected.
    pub firmware: Option<String>,
    /// Its battery level when it last connected, in percent.
    pub battery_percent: Option<u8>,
    /// When it is not connected and Steward knows why better than "out of range" (it refuses
    /// pairing for a while, it no longer knows this phone), a sentence saying so; else `null`.
    pub problem: Option<String>,
}

/// After a device was removed: the home, and what the owner should know about the device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RemovedDeviceView {
    pub home: HomeView,
    /// Whether the device itself confirmed it forgot this phone.
    pub device_forgot: bool,
    /// A sentence for the owner: what happened, and what to do if the device was out of reach.
    pub message: String,
}

/// Whether Steward can use Bluetooth right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum BluetoothState {
    /// Scanning and talking to devices work.
    On,
    /// The owner switched Bluetooth off (or airplane mode is on); Steward picks up by itself
    /// when it is back.
    Off,
    /// This phone has no Bluetooth Steward can use.
    Unavailable,
    /// The phone asks the owner before an app may use Bluetooth, and has not asked yet: the
    /// reason is shown first, then the system's question (Android 12+, iOS).
    PermissionNeeded,
    /// The owner said no; only the system settings can change it now.
    PermissionDenied,
}

/// Bluetooth as the owner should see it: the state, and what they can do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct BluetoothView {
    pub state: BluetoothState,
    /// A short headline when Bluetooth cannot be used ("Bluetooth is off"), else `null`.
    pub title: Option<String>,
    /// What the owner can do about it, in a sentence, else `null`.
    pub advice: Option<String>,
}
