//! The Events characteristic: what a device reports as it happens, each event numbered so that
//! replays and gaps can be told apart from new events.

use crate::state::shade;
use crate::wire::{at_least, exact, version, Reader};
use crate::{DecodeError, DeviceKind, DeviceState, PROFILE_VERSION};

/// A player's remote-control button.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Button {
    Power = 1,
    Play = 2,
    Pause = 3,
    Stop = 4,
    Menu = 5,
    Up = 6,
    Down = 7,
    Left = 8,
    Right = 9,
    Ok = 10,
    Back = 11,
    Eject = 12,
}

impl Button {
    pub const ALL: [Button; 12] = [
        Button::Power,
        Button::Play,
        Button::Pause,
        Button::Stop,
        Button::Menu,
        Button::Up,
        Button::Down,
        Button::Left,
        Button::Right,
        Button::Ok,
        Button::Back,
        Button::Eject,
    ];
}

impl TryFrom<u8> for Button {
    type Error = DecodeError;

    fn try_from(value: u8) -> Result<Self, DecodeError> {
        Self::ALL
            .into_iter()
            .find(|b| *b as u8 == value)
            .ok_or(DecodeError::UnknownValue {
                what: "button",
                value,
            })
    }
}

/// Something a device reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// A soap packet was dispensed.
    PacketDispensed {
        remaining: u16,
        dispensed_total: u32,
    },
    /// A slice of bread was toasted.
    SliceToasted { slices_total: u32, shade: u8 },
    /// A button on the player or its remote was pressed.
    ButtonPressed(Button),
    /// The device's state changed (a light switched on, a target temperature set).
    StateChanged(DeviceState),
    /// The dispenser was refilled.
    Refilled { remaining: u16, capacity: u16 },
}

impl Event {
    const fn type_byte(&self) -> u8 {
        match self {
            Event::PacketDispensed { .. } => 1,
            Event::SliceToasted { .. } => 2,
            Event::ButtonPressed(_) => 3,
            Event::StateChanged(_) => 4,
            Event::Refilled { .. } => 5,
        }
    }
}

/// An event with its sequence number, as carried by one notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventFrame {
    pub seq: u32,
    pub event: Event,
}

impl EventFrame {
    /// Version, sequence and type.
    pub const HEADER_LEN: usize = 6;
    const WHAT: &'static str = "event";

    /// Decodes a notification from a device of `kind`; an event another kind would send (a
    /// toaster reporting soap) is refused.
    pub fn decode(kind: DeviceKind, bytes: &[u8]) -> Result<Self, DecodeError> {
        at_least(Self::WHAT, bytes, Self::HEADER_LEN)?;
        version(Self::WHAT, bytes)?;
        let mut r = Reader::new(&bytes[1..]);
        let seq = r.u32();
        let type_byte = r.u8();
        let body = r.rest();
        let wrong_kind = || DecodeError::InvalidValue {
            what: Self::WHAT,
            reason: format!(
                "event type {type_byte} does not come from a {}",
                kind.as_str()
            ),
        };
        let event = match type_byte {
            1 => {
                if kind != DeviceKind::SoapDispenser {
                    return Err(wrong_kind());
                }
                exact(Self::WHAT, bytes, Self::HEADER_LEN + 6)?;
                let mut r = Reader::new(body);
                Event::PacketDispensed {
                    remaining: r.u16(),
                    dispensed_total: r.u32(),
                }
            }
            2 => {
                if kind != DeviceKind::Toaster {
                    return Err(wrong_kind());
                }
                exact(Self::WHAT, bytes, Self::HEADER_LEN + 5)?;
                let mut r = Reader::new(body);
                Event::SliceToasted {
                    slices_total: r.u32(),
                    shade: shade(r.u8())?,
                }
            }
            3 => {
                if kind != DeviceKind::BluRayPlayer {
                    return Err(wrong_kind());
                }
                exact(Self::WHAT, bytes, Self::HEADER_LEN + 1)?;
                Event::ButtonPressed(Button::try_from(body[0])?)
            }
            4 => {
                exact(Self::WHAT, bytes, Self::HEADER_LEN + DeviceState::len(kind))?;
                Event::StateChanged(DeviceState::decode(kind, body)?)
            }
            5 => {
                if kind != DeviceKind::SoapDispenser {
                    return Err(wrong_kind());
                }
                exact(Self::WHAT, bytes, Self::HEADER_LEN + 4)?;
                let mut r = Reader::new(body);
                let (remaining, capacity) = (r.u16(), r.u16());
                if remaining > capacity {
                    return Err(DecodeError::InvalidValue {
                        what: Self::WHAT,
                        reason: format!(
                            "refilled to {remaining}, above the capacity of {capacity}"
                        ),
                    });
                }
                Event::Refilled {
                    remaining,
                    capacity,
                }
            }
            value => {
                return Err(DecodeError::UnknownValue {
                    what: "event type",
                    value,
                })
            }
        };
        Ok(Self { seq, event })
    }

    /// Encodes the frame as a device sends it.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(Self::HEADER_LEN + 8);
        out.push(PROFILE_VERSION);
        out.extend_from_slice(&self.seq.to_le_bytes());
        out.push(self.event.type_byte());
        match self.event {
            Event::PacketDispensed {
                remaining,
                dispensed_total,
            } => {
                out.extend_from_slice(&remaining.to_le_bytes());
                out.extend_from_slice(&dispensed_total.to_le_bytes());
            }
            Event::SliceToasted {
                slices_total,
                shade,
            } => {
                out.extend_from_slice(&slices_total.to_le_bytes());
                out.push(shade);
            }
            Event::ButtonPressed(button) => out.push(button as u8),
            Event::StateChanged(state) => out.extend_from_slice(&state.encode()),
            Event::Refilled {
                remaining,
                capacity,
            } => {
                out.extend_from_slice(&remaining.to_le_bytes());
                out.extend_from_slice(&capacity.to_le_bytes());
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::LightState;

    #[test]
    fn decodes_a_dispensed_packet_from_spec_bytes() {
        // version 1, seq 30, type 1, 10 remaining, 30 dispensed in total.
        let bytes = [2, 30, 0, 0, 0, 1, 10, 0, 30, 0, 0, 0];
        let frame = EventFrame::decode(DeviceKind::SoapDispenser, &bytes).expect("valid");
        assert_eq!(
            frame,
            EventFrame {
                seq: 30,
                event: Event::PacketDispensed {
                    remaining: 10,
                    dispensed_total: 30
                }
            }
        );
        assert_eq!(frame.encode(), bytes);
    }

    #[test]
    fn decodes_state_changes_by_the_sending_kind() {
        let bytes = [2, 7, 0, 0, 0, 4, 1, 40];
        assert_eq!(
            EventFrame::decode(DeviceKind::Light, &bytes),
            Ok(EventFrame {
                seq: 7,
                event: Event::StateChanged(DeviceState::Light(LightState {
                    on: true,
                    brightness: 40
                }))
            })
        );
        assert!(
            EventFrame::decode(DeviceKind::Thermostat, &bytes).is_err(),
            "a light's state is too short for a thermostat"
        );
    }

    #[test]
    fn refuses_malformed_and_misattributed_events() {
        let cases: &[(&str, DeviceKind, &[u8])] = &[
            ("empty", DeviceKind::Toaster, &[]),
            ("header only, truncated", DeviceKind::Toaster, &[2, 1, 0, 0]),
            (
                "version 0",
                DeviceKind::Toaster,
                &[0, 1, 0, 0, 0, 2, 5, 0, 0, 0, 3],
            ),
            ("unknown type 9", DeviceKind::Toaster, &[2, 1, 0, 0, 0, 9]),
            (
                "slice with one byte missing",
                DeviceKind::Toaster,
                &[2, 1, 0, 0, 0, 2, 5, 0, 0, 0],
            ),
            (
                "slice with a byte too many",
                DeviceKind::Toaster,
                &[2, 1, 0, 0, 0, 2, 5, 0, 0, 0, 3, 0],
            ),
            (
                "shade 12",
                DeviceKind::Toaster,
                &[2, 1, 0, 0, 0, 2, 5, 0, 0, 0, 12],
            ),
            (
                "a toaster reporting soap",
                DeviceKind::Toaster,
                &[2, 1, 0, 0, 0, 1, 10, 0, 30, 0, 0, 0],
            ),
            ("button 0", DeviceKind::BluRayPlayer, &[2, 1, 0, 0, 0, 3, 0]),
            (
                "refill above capacity",
                DeviceKind::SoapDispenser,
                &[2, 1, 0, 0, 0, 5, 50, 0, 40, 0],
            ),
        ];
        for (why, kind, bytes) in cases {
            assert!(
                EventFrame::decode(*kind, bytes).is_err(),
                "{why} must be refused"
            );
        }
    }
}
