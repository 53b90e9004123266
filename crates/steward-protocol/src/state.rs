//! The State characteristics: a snapshot of each kind of device, read on connect and carried in
//! "state changed" events.

use crate::wire::{exact, flag, Reader};
use crate::{DecodeError, DeviceKind};

/// A soap dispenser's packets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DispenserState {
    pub remaining: u16,
    pub capacity: u16,
    pub dispensed_total: u32,
}

/// A toaster's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ToasterState {
    pub toasting: bool,
    /// 1 (lightest) to 9 (darkest).
    pub shade: u8,
    pub slices_total: u32,
}

/// What a player is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Playback {
    Stopped = 0,
    Playing = 1,
    Paused = 2,
    Menu = 3,
}

/// A Blu-ray player's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlayerState {
    pub power: bool,
    pub playback: Playback,
    pub title: u16,
    pub chapter: u16,
}

/// A light's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LightState {
    pub on: bool,
    /// 0 to 100.
    pub brightness: u8,
}

/// What a thermostat is set to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThermostatMode {
    Off = 0,
    Heat = 1,
    Cool = 2,
    Auto = 3,
}

impl TryFrom<u8> for ThermostatMode {
    type Error = DecodeError;

    fn try_from(value: u8) -> Result<Self, DecodeError> {
        Ok(match value {
            0 => Self::Off,
            1 => Self::Heat,
            2 => Self::Cool,
            3 => Self::Auto,
            value => {
                return Err(DecodeError::UnknownValue {
                    what: "thermostat mode",
                    value,
                })
            }
        })
    }
}

/// A thermostat's state; temperatures in centi-degrees Celsius.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThermostatState {
    pub current: i16,
    pub target: i16,
    pub mode: ThermostatMode,
    pub heating: bool,
}

/// The state of any kind of device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceState {
    SoapDispenser(DispenserState),
    Toaster(ToasterState),
    BluRayPlayer(PlayerState),
    Light(LightState),
    Thermostat(ThermostatState),
}

impl DeviceState {
    /// The encoded size of `kind`'s state.
    pub const fn len(kind: DeviceKind) -> usize {
        match kind {
            DeviceKind::SoapDispenser => 8,
            DeviceKind::Toaster | DeviceKind::BluRayPlayer | DeviceKind::Thermostat => 6,
            DeviceKind::Light => 2,
        }
    }

    /// The kind this state belongs to.
    pub const fn kind(&self) -> DeviceKind {
        match self {
            DeviceState::SoapDispenser(_) => DeviceKind::SoapDispenser,
            DeviceState::Toaster(_) => DeviceKind::Toaster,
            DeviceState::BluRayPlayer(_) => DeviceKind::BluRayPlayer,
            DeviceState::Light(_) => DeviceKind::Light,
            DeviceState::Thermostat(_) => DeviceKind::Thermostat,
        }
    }

    /// Decodes `kind`'s State characteristic.
    pub fn decode(kind: DeviceKind, bytes: &[u8]) -> Result<Self, DecodeError> {
        exact("device state", bytes, Self::len(kind))?;
        let mut r = Reader::new(bytes);
        Ok(match kind {
            DeviceKind::SoapDispenser => {
                let state = DispenserState {
                    remaining: r.u16(),
                    capacity: r.u16(),
                    dispensed_total: r.u32(),
                };
                if state.remaining > state.capacity {
                    return Err(DecodeError::InvalidValue {
                        what: "dispenser state",
                        reason: format!(
                            "{} packets remaining exceeds the capacity of {}",
                            state.remaining, state.capacity
                        ),
                    });
                }
                DeviceState::SoapDispenser(state)
            }
            DeviceKind::Toaster => DeviceState::Toaster(ToasterState {
                toasting: flag("toasting", r.u8())?,
                shade: shade(r.u8())?,
                slices_total: r.u32(),
            }),
            DeviceKind::BluRayPlayer => DeviceState::BluRayPlayer(PlayerState {
                power: flag("power", r.u8())?,
                playback: match r.u8() {
                    0 => Playback::Stopped,
                    1 => Playback::Playing,
                    2 => Playback::Paused,
                    3 => Playback::Menu,
                    value => {
                        return Err(DecodeError::UnknownValue {
                            what: "playback",
                            value,
                        })
                    }
                },
                title: r.u16(),
                chapter: r.u16(),
            }),
            DeviceKind::Light => DeviceState::Light(LightState {
                on: flag("light on", r.u8())?,
                brightness: percent(r.u8())?,
            }),
            DeviceKind::Thermostat => DeviceState::Thermostat(ThermostatState {
                current: r.i16(),
                target: r.i16(),
                mode: ThermostatMode::try_from(r.u8())?,
                heating: flag("heating", r.u8())?,
            }),
        })
    }

    /// Encodes the state as its State characteristic.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(Self::len(self.kind()));
        match *self {
            DeviceState::SoapDispenser(s) => {
                out.extend_from_slice(&s.remaining.to_le_bytes());
                out.extend_from_slice(&s.capacity.to_le_bytes());
                out.extend_from_slice(&s.dispensed_total.to_le_bytes());
            }
            DeviceState::Toaster(s) => {
                out.extend_from_slice(&[u8::from(s.toasting), s.shade]);
                out.extend_from_slice(&s.slices_total.to_le_bytes());
            }
            DeviceState::BluRayPlayer(s) => {
                out.extend_from_slice(&[u8::from(s.power), s.playback as u8]);
                out.extend_from_slice(&s.title.to_le_bytes());
                out.extend_from_slice(&s.chapter.to_le_bytes());
            }
            DeviceState::Light(s) => out.extend_from_slice(&[u8::from(s.on), s.brightness]),
            DeviceState::Thermostat(s) => {
                out.extend_from_slice(&s.current.to_le_bytes());
                out.extend_from_slice(&s.target.to_le_bytes());
                out.extend_from_slice(&[s.mode as u8, u8::from(s.heating)]);
            }
        }
        out
    }
}

/// A toaster shade, 1 to 9.
pub(crate) fn shade(value: u8) -> Result<u8, DecodeError> {
    if (1..=9).contains(&value) {
        Ok(value)
    } else {
        Err(DecodeError::InvalidValue {
            what: "shade",
            reason: format!("{value} is outside 1–9"),
        })
    }
}

/// A percentage, 0 to 100.
pub(crate) fn percent(value: u8) -> Result<u8, DecodeError> {
    if value <= 100 {
        Ok(value)
    } else {
        Err(DecodeError::InvalidValue {
            what: "percentage",
            reason: format!("{value} is above 100"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_each_kind_from_spec_bytes() {
        assert_eq!(
            DeviceState::decode(DeviceKind::SoapDispenser, &[10, 0, 40, 0, 30, 0, 0, 0]),
            Ok(DeviceState::SoapDispenser(DispenserState {
                remaining: 10,
                capacity: 40,
                dispensed_total: 30
            })),
            "the brief's dispenser: 40 bought, 30 used, 10 left"
        );
        assert_eq!(
            DeviceState::decode(DeviceKind::Thermostat, &[0x66, 0x08, 0x98, 0x08, 1, 1]),
            Ok(DeviceState::Thermostat(ThermostatState {
                current: 2150,
                target: 2200,
                mode: ThermostatMode::Heat,
                heating: true
            }))
        );
        assert_eq!(
            DeviceState::decode(DeviceKind::Thermostat, &[0x18, 0xFC, 0x98, 0x08, 0, 0]).map(|s| {
                match s {
                    DeviceState::Thermostat(t) => t.current,
                    _ => 0,
                }
            }),
            Ok(-1000),
            "temperatures are signed: -10.00 °C outdoors"
        );
        assert_eq!(
            DeviceState::decode(DeviceKind::Light, &[1, 75]),
            Ok(DeviceState::Light(LightState {
                on: true,
                brightness: 75
            }))
        );
    }

    #[test]
    fn refuses_impossible_states() {
        assert!(
            DeviceState::decode(DeviceKind::SoapDispenser, &[41, 0, 40, 0, 0, 0, 0, 0]).is_err(),
            "more left than fits"
        );
        assert!(
            DeviceState::decode(DeviceKind::Light, &[1, 101]).is_err(),
            "brightness above 100%"
        );
        assert!(
            DeviceState::decode(DeviceKind::Light, &[2, 50]).is_err(),
            "a flag must be 0 or 1"
        );
        assert!(
            DeviceState::decode(DeviceKind::Toaster, &[0, 0, 0, 0, 0, 0]).is_err(),
            "shade 0 does not exist"
        );
        assert!(
            DeviceState::decode(DeviceKind::Thermostat, &[0, 0, 0, 0, 4, 0]).is_err(),
            "mode 4 does not exist"
        );
        assert!(
            DeviceState::decode(DeviceKind::Light, &[1]).is_err(),
            "truncated"
        );
    }
}
