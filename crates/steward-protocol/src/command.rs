//! The Command characteristic and its confirmed result: what the app asks a device to do, and
//! the device's answer to that request.

use crate::event::Button;
use crate::state::{percent, shade};
use crate::wire::{at_least, exact, version, Reader};
use crate::{DecodeError, DeviceKind, ThermostatMode, PROFILE_VERSION};

/// The thermostat's allowed target range, in centi-degrees Celsius.
pub const TARGET_RANGE: std::ops::RangeInclusive<i16> = 500..=3500;
/// The most packets one refill may add.
pub const MAX_REFILL: u16 = 1000;

/// Something the app asks a device to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// Blink or beep, so the owner can tell which device this is.
    Identify,
    SetPower(bool),
    SetBrightness(u8),
    /// Centi-degrees Celsius, within [`TARGET_RANGE`].
    SetTarget(i16),
    SetMode(ThermostatMode),
    StartToasting {
        shade: u8,
    },
    CancelToasting,
    Refill {
        packets: u16,
    },
    PressButton(Button),
}

impl Command {
    fn opcode(&self) -> u8 {
        match self {
            Command::Identify => 0x01,
            Command::SetPower(_) => 0x10,
            Command::SetBrightness(_) => 0x11,
            Command::SetTarget(_) => 0x20,
            Command::SetMode(_) => 0x21,
            Command::StartToasting { .. } => 0x30,
            Command::CancelToasting => 0x31,
            Command::Refill { .. } => 0x40,
            Command::PressButton(_) => 0x50,
        }
    }

    /// Whether a device of `kind` understands this command.
    pub fn applies_to(&self, kind: DeviceKind) -> bool {
        use DeviceKind as K;
        match self {
            Command::Identify => true,
            Command::SetPower(_) => matches!(kind, K::Light | K::BluRayPlayer),
            Command::SetBrightness(_) => kind == K::Light,
            Command::SetTarget(_) | Command::SetMode(_) => kind == K::Thermostat,
            Command::StartToasting { .. } | Command::CancelToasting => kind == K::Toaster,
            Command::Refill { .. } => kind == K::SoapDispenser,
            Command::PressButton(_) => kind == K::BluRayPlayer,
        }
    }

    /// Checks the arguments are in range, so a bad command is refused before it is sent.
    pub fn validate(&self) -> Result<(), DecodeError> {
        match *self {
            Command::SetBrightness(p) => percent(p).map(drop),
            Command::SetTarget(t) if !TARGET_RANGE.contains(&t) => Err(DecodeError::InvalidValue {
                what: "target temperature",
                reason: format!("{:.2} °C is outside 5.00–35.00 °C", f64::from(t) / 100.0),
            }),
            Command::StartToasting { shade: s } => shade(s).map(drop),
            Command::Refill { packets } if packets == 0 || packets > MAX_REFILL => {
                Err(DecodeError::InvalidValue {
                    what: "refill",
                    reason: format!("{packets} packets is outside 1–{MAX_REFILL}"),
                })
            }
            _ => Ok(()),
        }
    }
}

/// A command with the request id its result will carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandFrame {
    pub request_id: u16,
    pub command: Command,
}

impl CommandFrame {
    const WHAT: &'static str = "command";
    const HEADER_LEN: usize = 4;

    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(Self::HEADER_LEN + 2);
        out.push(PROFILE_VERSION);
        out.extend_from_slice(&self.request_id.to_le_bytes());
        out.push(self.command.opcode());
        match self.command {
            Command::Identify | Command::CancelToasting => {}
            Command::SetPower(on) => out.push(u8::from(on)),
            Command::SetBrightness(p) => out.push(p),
            Command::SetTarget(t) => out.extend_from_slice(&t.to_le_bytes()),
            Command::SetMode(m) => out.push(m as u8),
            Command::StartToasting { shade } => out.push(shade),
            Command::Refill { packets } => out.extend_from_slice(&packets.to_le_bytes()),
            Command::PressButton(b) => out.push(b as u8),
        }
        out
    }

    /// Decodes a command as a device receives it (the simulated devices use this).
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        at_least(Self::WHAT, bytes, Self::HEADER_LEN)?;
        version(Self::WHAT, bytes)?;
        let mut r = Reader::new(&bytes[1..]);
        let request_id = r.u16();
        let opcode = r.u8();
        let args = r.rest();
        let args_len = |n: usize| exact(Self::WHAT, bytes, Self::HEADER_LEN + n);
        let command = match opcode {
            0x01 => args_len(0).map(|()| Command::Identify)?,
            0x10 => {
                args_len(1)?;
                Command::SetPower(crate::wire::flag("power", args[0])?)
            }
            0x11 => {
                args_len(1)?;
                Command::SetBrightness(args[0])
            }
            0x20 => {
                args_len(2)?;
                Command::SetTarget(Reader::new(args).i16())
            }
            0x21 => {
                args_len(1)?;
                Command::SetMode(ThermostatMode::try_from(args[0])?)
            }
            0x30 => {
                args_len(1)?;
                Command::StartToasting { shade: args[0] }
            }
            0x31 => args_len(0).map(|()| Command::CancelToasting)?,
            0x40 => {
                args_len(2)?;
                Command::Refill {
                    packets: Reader::new(args).u16(),
                }
            }
            0x50 => {
                args_len(1)?;
                Command::PressButton(Button::try_from(args[0])?)
            }
            value => {
                return Err(DecodeError::UnknownValue {
                    what: "command opcode",
                    value,
                })
            }
        };
        command.validate()?;
        Ok(Self {
            request_id,
            command,
        })
    }
}

/// How a device answered a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommandStatus {
    Done = 0,
    Unsupported = 1,
    InvalidArgument = 2,
    Busy = 3,
    NotPaired = 4,
    Failed = 5,
}

impl TryFrom<u8> for CommandStatus {
    type Error = DecodeError;

    fn try_from(value: u8) -> Result<Self, DecodeError> {
        Ok(match value {
            0 => Self::Done,
            1 => Self::Unsupported,
            2 => Self::InvalidArgument,
            3 => Self::Busy,
            4 => Self::NotPaired,
            5 => Self::Failed,
            value => {
                return Err(DecodeError::UnknownValue {
                    what: "command status",
                    value,
                })
            }
        })
    }
}

/// A device's answer to the command with `request_id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResultFrame {
    pub request_id: u16,
    pub status: CommandStatus,
}

impl ResultFrame {
    pub const LEN: usize = 4;
    const WHAT: &'static str = "command result";

    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        exact(Self::WHAT, bytes, Self::LEN)?;
        version(Self::WHAT, bytes)?;
        let mut r = Reader::new(&bytes[1..]);
        Ok(Self {
            request_id: r.u16(),
            status: CommandStatus::try_from(r.u8())?,
        })
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut out = vec![PROFILE_VERSION];
        out.extend_from_slice(&self.request_id.to_le_bytes());
        out.push(self.status as u8);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_commands_as_the_spec_lays_them_out() {
        let frame = CommandFrame {
            request_id: 0x0102,
            command: Command::SetTarget(2150),
        };
        assert_eq!(frame.encode(), [2, 0x02, 0x01, 0x20, 0x66, 0x08]);
        assert_eq!(CommandFrame::decode(&frame.encode()), Ok(frame));
        assert_eq!(
            CommandFrame {
                request_id: 9,
                command: Command::Identify
            }
            .encode(),
            [2, 9, 0, 0x01]
        );
    }

    #[test]
    fn refuses_out_of_range_arguments_on_both_sides() {
        for bad in [
            Command::SetBrightness(101),
            Command::SetTarget(4000),
            Command::StartToasting { shade: 0 },
            Command::Refill { packets: 0 },
            Command::Refill { packets: 5000 },
        ] {
            assert!(bad.validate().is_err(), "{bad:?} is refused before sending");
            let bytes = CommandFrame {
                request_id: 1,
                command: bad,
            }
            .encode();
            assert!(
                CommandFrame::decode(&bytes).is_err(),
                "{bad:?} is refused by a device too"
            );
        }
    }

    #[test]
    fn knows_which_kinds_understand_which_commands() {
        assert!(Command::Identify.applies_to(DeviceKind::Thermostat));
        assert!(Command::SetBrightness(50).applies_to(DeviceKind::Light));
        assert!(!Command::SetBrightness(50).applies_to(DeviceKind::Toaster));
        assert!(Command::Refill { packets: 40 }.applies_to(DeviceKind::SoapDispenser));
    }

    #[test]
    fn results_round_trip_and_unknown_statuses_are_refused() {
        let result = ResultFrame {
            request_id: 77,
            status: CommandStatus::Busy,
        };
        assert_eq!(result.encode(), [2, 77, 0, 3]);
        assert_eq!(ResultFrame::decode(&result.encode()), Ok(result));
        assert!(
            ResultFrame::decode(&[2, 77, 0, 6]).is_err(),
            "status 6 is not defined"
        );
        assert!(ResultFrame::decode(&[2, 77, 0]).is_err(), "truncated");
    }
}
