//! What a session frame carries once opened: one channel byte, then a body in the profile's frame
//! formats (docs/protocol/gatt.md, "Inside a session frame"). Commands, their results, events,
//! state snapshots and the battery level all travel this way, so none of them is readable or
//! forgeable outside a session.
//!
//! Pure codecs. A body is decoded only after its frame's tag verified.

use crate::command::{CommandFrame, ResultFrame};
use crate::event::EventFrame;
use crate::{DecodeError, DeviceKind, DeviceState};

/// The channel byte at the start of a session plaintext.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// Phone → device: a command frame.
    Command = 1,
    /// Device → phone: a command result frame.
    Result = 2,
    /// Device → phone: an event frame.
    Event = 3,
    /// Device → phone: the state snapshot of the device's kind.
    State = 4,
    /// Device → phone: the battery level, one byte of percent.
    Battery = 5,
    /// Phone → device, first frame of every session: the phone is live; send the state, the
    /// battery and the events raised while it was away.
    Ready = 6,
    /// Phone → device: forget this phone (its long-term key). No body.
    Forget = 7,
    /// Device → phone: this phone is forgotten; the session ends. No body.
    Forgotten = 8,
}

impl TryFrom<u8> for Channel {
    type Error = DecodeError;

    fn try_from(value: u8) -> Result<Self, DecodeError> {
        Ok(match value {
            1 => Self::Command,
            2 => Self::Result,
            3 => Self::Event,
            4 => Self::State,
            5 => Self::Battery,
            6 => Self::Ready,
            7 => Self::Forget,
            8 => Self::Forgotten,
            value => {
                return Err(DecodeError::UnknownValue {
                    what: "session channel",
                    value,
                })
            }
        })
    }
}

/// A plaintext for `channel` with `body`.
pub fn wrap(channel: Channel, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 + body.len());
    out.push(channel as u8);
    out.extend_from_slice(body);
    out
}

/// The channel and body of a plaintext.
pub fn unwrap(plaintext: &[u8]) -> Result<(Channel, &[u8]), DecodeError> {
    match plaintext.split_first() {
        Some((&channel, body)) => Ok((Channel::try_from(channel)?, body)),
        None => Err(DecodeError::WrongLength {
            what: "session message",
            expected: 1,
            found: 0,
        }),
    }
}

/// What a device sends in a session, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceMessage {
    Result(ResultFrame),
    Event(EventFrame),
    State(DeviceState),
    Battery(u8),
    Forgotten,
}

impl DeviceMessage {
    /// Decodes a plaintext from a device of `kind`; a channel only the phone sends is refused.
    pub fn decode(kind: DeviceKind, plaintext: &[u8]) -> Result<Self, DecodeError> {
        let (channel, body) = unwrap(plaintext)?;
        Ok(match channel {
            Channel::Result => Self::Result(ResultFrame::decode(body)?),
            Channel::Event => Self::Event(EventFrame::decode(kind, body)?),
            Channel::State => Self::State(DeviceState::decode(kind, body)?),
            Channel::Battery => Self::Battery(decode_battery(body)?),
            Channel::Forgotten if body.is_empty() => Self::Forgotten,
            Channel::Forgotten => {
                return Err(DecodeError::WrongLength {
                    what: "forgotten",
                    expected: 0,
                    found: body.len(),
                })
            }
            Channel::Command | Channel::Ready | Channel::Forget => {
                return Err(DecodeError::InvalidValue {
                    what: "session message",
                    reason: format!("a device does not send {channel:?}"),
                })
            }
        })
    }

    pub fn encode(&self) -> Vec<u8> {
        match self {
            Self::Result(frame) => wrap(Channel::Result, &frame.encode()),
            Self::Event(frame) => wrap(Channel::Event, &frame.encode()),
            Self::State(state) => wrap(Channel::State, &state.encode()),
            Self::Battery(level) => wrap(Channel::Battery, &[*level]),
            Self::Forgotten => wrap(Channel::Forgotten, &[]),
        }
    }
}

/// A command as the phone sends it in a session.
pub fn command(frame: &CommandFrame) -> Vec<u8> {
    wrap(Channel::Command, &frame.encode())
}

/// The standard Battery Level format: one byte, a percentage.
pub fn decode_battery(bytes: &[u8]) -> Result<u8, DecodeError> {
    match bytes {
        [level] if *level <= 100 => Ok(*level),
        other => Err(DecodeError::InvalidValue {
            what: "battery level",
            reason: format!("{other:?} is not a percentage"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::CommandStatus;
    use crate::event::Event;
    use crate::state::DispenserState;

    #[test]
    fn device_messages_round_trip() {
        let kind = DeviceKind::SoapDispenser;
        let state = DeviceState::SoapDispenser(DispenserState {
            remaining: 39,
            capacity: 40,
            dispensed_total: 1,
        });
        for message in [
            DeviceMessage::Result(ResultFrame {
                request_id: 7,
                status: CommandStatus::Done,
            }),
            DeviceMessage::Event(EventFrame {
                seq: 3,
                event: Event::PacketDispensed {
                    remaining: 39,
                    dispensed_total: 1,
                },
            }),
            DeviceMessage::State(state),
            DeviceMessage::Battery(80),
            DeviceMessage::Forgotten,
        ] {
            assert_eq!(DeviceMessage::decode(kind, &message.encode()), Ok(message));
        }
    }

    #[test]
    fn odd_messages_are_refused_with_a_reason() {
        let kind = DeviceKind::Light;
        assert!(DeviceMessage::decode(kind, &[]).is_err());
        assert_eq!(
            DeviceMessage::decode(kind, &[9]),
            Err(DecodeError::UnknownValue {
                what: "session channel",
                value: 9
            })
        );
        assert!(DeviceMessage::decode(kind, &[Channel::Ready as u8]).is_err());
        assert!(DeviceMessage::decode(kind, &[Channel::Battery as u8, 101]).is_err());
        assert!(DeviceMessage::decode(kind, &[Channel::Battery as u8]).is_err());
        assert!(DeviceMessage::decode(kind, &[Channel::Forgotten as u8, 0]).is_err());
        assert!(
            DeviceMessage::decode(kind, &[Channel::Event as u8, 1, 1, 0, 0, 0, 1, 5, 0]).is_err(),
            "a soap event from a light"
        );
    }
}
