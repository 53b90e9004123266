//! Every frame decoder on arbitrary bytes: none may panic, and whatever decodes must encode back
//! to bytes that decode to the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use steward_protocol::command::{CommandFrame, ResultFrame};
use steward_protocol::pairing::PairingMessage;
use steward_protocol::session_message::DeviceMessage;
use steward_protocol::{DeviceKind, DeviceState, EventFrame, Identity};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else { return };
    let kind = DeviceKind::ALL[usize::from(selector) % DeviceKind::ALL.len()];
    if let Ok(frame) = EventFrame::decode(kind, bytes) {
        assert_eq!(EventFrame::decode(kind, &frame.encode()), Ok(frame));
    }
    if let Ok(state) = DeviceState::decode(kind, bytes) {
        assert_eq!(DeviceState::decode(kind, &state.encode()), Ok(state));
    }
    if let Ok(identity) = Identity::decode(bytes) {
        assert_eq!(Identity::decode(&identity.encode()), Ok(identity));
    }
    if let Ok(command) = CommandFrame::decode(bytes) {
        assert_eq!(CommandFrame::decode(&command.encode()), Ok(command));
    }
    if let Ok(result) = ResultFrame::decode(bytes) {
        assert_eq!(ResultFrame::decode(&result.encode()), Ok(result));
    }
    if let Ok(message) = PairingMessage::decode(bytes) {
        assert_eq!(PairingMessage::decode(&message.encode()), Ok(message));
    }
    if let Ok(message) = DeviceMessage::decode(kind, bytes) {
        assert_eq!(DeviceMessage::decode(kind, &message.encode()), Ok(message.clone()));
    }
});
