//! Conversions between the device layer's protocol types and the wire types the UI sees.

use steward_protocol::command::Command;
use steward_protocol::{Button, DeviceState, Playback, ThermostatMode};

use crate::wire::{ButtonView, CommandInput, DeviceStateView, PlaybackView, ThermostatModeView};
use crate::ApiError;

impl From<DeviceState> for DeviceStateView {
    fn from(state: DeviceState) -> Self {
        match state {
            DeviceState::SoapDispenser(s) => Self::SoapDispenser {
                remaining: s.remaining,
                capacity: s.capacity,
            },
            DeviceState::Toaster(s) => Self::Toaster {
                toasting: s.toasting,
                shade: s.shade,
                slices_total: s.slices_total,
            },
            DeviceState::BluRayPlayer(s) => Self::BluRayPlayer {
                power: s.power,
                playback: match s.playback {
                    Playback::Stopped => PlaybackView::Stopped,
                    Playback::Playing => PlaybackView::Playing,
                    Playback::Paused => PlaybackView::Paused,
                    Playback::Menu => PlaybackView::Menu,
                },
            },
            DeviceState::Light(s) => Self::Light {
                on: s.on,
                brightness: s.brightness,
            },
            DeviceState::Thermostat(s) => Self::Thermostat {
                current_centi_celsius: s.current,
                target_centi_celsius: s.target,
                mode: mode_view(s.mode),
                heating: s.heating,
            },
        }
    }
}

fn mode_view(mode: ThermostatMode) -> ThermostatModeView {
    match mode {
        ThermostatMode::Off => ThermostatModeView::Off,
        ThermostatMode::Heat => ThermostatModeView::Heat,
        ThermostatMode::Cool => ThermostatModeView::Cool,
        ThermostatMode::Auto => ThermostatModeView::Auto,
    }
}

impl TryFrom<CommandInput> for Command {
    type Error = ApiError;

    fn try_from(input: CommandInput) -> Result<Self, ApiError> {
        Ok(match input {
            CommandInput::Identify => Command::Identify,
            CommandInput::SetPower { on } => Command::SetPower(on),
            CommandInput::SetBrightness { percent } => Command::SetBrightness(percent),
            CommandInput::SetTargetTemperature { centi_celsius } => {
                Command::SetTarget(centi_celsius)
            }
            CommandInput::SetMode { mode } => Command::SetMode(match mode {
                ThermostatModeView::Off => ThermostatMode::Off,
                ThermostatModeView::Heat => ThermostatMode::Heat,
                ThermostatModeView::Cool => ThermostatMode::Cool,
                ThermostatModeView::Auto => ThermostatMode::Auto,
            }),
            CommandInput::StartToasting { shade } => Command::StartToasting { shade },
            CommandInput::CancelToasting => Command::CancelToasting,
            CommandInput::Refill { packets } => Command::Refill { packets },
            CommandInput::PressButton { button } => Command::PressButton(match button {
                ButtonView::Power => Button::Power,
                ButtonView::Play => Button::Play,
                ButtonView::Pause => Button::Pause,
                ButtonView::Stop => Button::Stop,
                ButtonView::Menu => Button::Menu,
                ButtonView::Up => Button::Up,
                ButtonView::Down => Button::Down,
                ButtonView::Left => Button::Left,
                ButtonView::Right => Button::Right,
                ButtonView::Ok => Button::Ok,
                ButtonView::Back => Button::Back,
                ButtonView::Eject => Button::Eject,
            }),
        })
    }
}
