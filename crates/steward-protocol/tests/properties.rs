//! Properties over every frame: decoding arbitrary bytes never panics (it answers or refuses),
//! and every valid value survives an encode/decode round trip unchanged.

use proptest::prelude::*;
use steward_protocol::command::{Command, CommandFrame, ResultFrame};
use steward_protocol::pairing::PairingMessage;
use steward_protocol::*;

fn kind() -> impl Strategy<Value = DeviceKind> {
    prop::sample::select(DeviceKind::ALL.to_vec())
}

fn state_of(kind: DeviceKind) -> BoxedStrategy<DeviceState> {
    match kind {
        DeviceKind::SoapDispenser => (0u16..=1000, 0u16..=1000, any::<u32>())
            .prop_map(|(a, b, total)| {
                DeviceState::SoapDispenser(DispenserState {
                    remaining: a.min(b),
                    capacity: a.max(b),
                    dispensed_total: total,
                })
            })
            .boxed(),
        DeviceKind::Toaster => (any::<bool>(), 1u8..=9, any::<u32>())
            .prop_map(|(toasting, shade, slices_total)| {
                DeviceState::Toaster(ToasterState {
                    toasting,
                    shade,
                    slices_total,
                })
            })
            .boxed(),
        DeviceKind::BluRayPlayer => (
            any::<bool>(),
            prop::sample::select(vec![
                Playback::Stopped,
                Playback::Playing,
                Playback::Paused,
                Playback::Menu,
            ]),
            any::<u16>(),
            any::<u16>(),
        )
            .prop_map(|(power, playback, title, chapter)| {
                DeviceState::BluRayPlayer(PlayerState {
                    power,
                    playback,
                    title,
                    chapter,
                })
            })
            .boxed(),
        DeviceKind::Light => (any::<bool>(), 0u8..=100)
            .prop_map(|(on, brightness)| DeviceState::Light(LightState { on, brightness }))
            .boxed(),
        DeviceKind::Thermostat => (
            any::<i16>(),
            any::<i16>(),
            prop::sample::select(vec![
                ThermostatMode::Off,
                ThermostatMode::Heat,
                ThermostatMode::Cool,
                ThermostatMode::Auto,
            ]),
            any::<bool>(),
        )
            .prop_map(|(current, target, mode, heating)| {
                DeviceState::Thermostat(ThermostatState {
                    current,
                    target,
                    mode,
                    heating,
                })
            })
            .boxed(),
    }
}

fn event_of(kind: DeviceKind) -> BoxedStrategy<Event> {
    let changed = state_of(kind).prop_map(Event::StateChanged);
    match kind {
        DeviceKind::SoapDispenser => prop_oneof![
            changed,
            (any::<u16>(), any::<u32>()).prop_map(|(remaining, dispensed_total)| {
                Event::PacketDispensed {
                    remaining,
                    dispensed_total,
                }
            }),
            (0u16..=1000, 0u16..=1000).prop_map(|(a, b)| Event::Refilled {
                remaining: a.min(b),
                capacity: a.max(b)
            }),
        ]
        .boxed(),
        DeviceKind::Toaster => prop_oneof![
            changed,
            (any::<u32>(), 1u8..=9).prop_map(|(slices_total, shade)| Event::SliceToasted {
                slices_total,
                shade
            })
        ]
        .boxed(),
        DeviceKind::BluRayPlayer => prop_oneof![
            changed,
            prop::sample::select(Button::ALL.to_vec()).prop_map(Event::ButtonPressed)
        ]
        .boxed(),
        _ => changed.boxed(),
    }
}

fn command() -> impl Strategy<Value = Command> {
    prop_oneof![
        Just(Command::Identify),
        any::<bool>().prop_map(Command::SetPower),
        (0u8..=100).prop_map(Command::SetBrightness),
        (500i16..=3500).prop_map(Command::SetTarget),
        prop::sample::select(vec![
            ThermostatMode::Off,
            ThermostatMode::Heat,
            ThermostatMode::Cool,
            ThermostatMode::Auto
        ])
        .prop_map(Command::SetMode),
        (1u8..=9).prop_map(|shade| Command::StartToasting { shade }),
        Just(Command::CancelToasting),
        (1u16..=1000).prop_map(|packets| Command::Refill { packets }),
        prop::sample::select(Button::ALL.to_vec()).prop_map(Command::PressButton),
    ]
}

proptest! {
    #[test]
    fn decoders_answer_or_refuse_any_bytes(kind in kind(), bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        let _ = EventFrame::decode(kind, &bytes);
        let _ = DeviceState::decode(kind, &bytes);
        let _ = Identity::decode(&bytes);
        let _ = CommandFrame::decode(&bytes);
        let _ = ResultFrame::decode(&bytes);
        let _ = PairingMessage::decode(&bytes);
    }

    #[test]
    fn events_round_trip((kind, event) in kind().prop_flat_map(|k| (Just(k), event_of(k))), seq in any::<u32>()) {
        let frame = EventFrame { seq, event };
        prop_assert_eq!(EventFrame::decode(kind, &frame.encode()), Ok(frame));
    }

    #[test]
    fn a_valid_event_with_one_byte_cut_or_added_is_refused(
        (kind, event) in kind().prop_flat_map(|k| (Just(k), event_of(k))),
        extra in any::<u8>(),
    ) {
        let bytes = EventFrame { seq: 1, event }.encode();
        prop_assert!(EventFrame::decode(kind, &bytes[..bytes.len() - 1]).is_err());
        let mut longer = bytes.clone();
        longer.push(extra);
        prop_assert!(EventFrame::decode(kind, &longer).is_err());
    }

    #[test]
    fn commands_round_trip(command in command(), request_id in any::<u16>()) {
        let frame = CommandFrame { request_id, command };
        prop_assert_eq!(CommandFrame::decode(&frame.encode()), Ok(frame));
    }

    #[test]
    fn states_round_trip((kind, state) in kind().prop_flat_map(|k| (Just(k), state_of(k)))) {
        prop_assert_eq!(DeviceState::decode(kind, &state.encode()), Ok(state));
    }
}
