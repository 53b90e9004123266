//! The SPAKE2 pairing, fed whatever a stranger in radio range could send: any bytes as the
//! phone's start, the device's reply and either confirmation are refused or answered, never a
//! panic, and no made-up confirmation is ever accepted.
#![no_main]

use libfuzzer_sys::fuzz_target;
use steward_protocol::pairing::{PairingMessage, SetupCode};
use steward_protocol::pake::{DevicePake, OsRng, PhonePake, PAKE_MESSAGE_LEN};
use steward_protocol::DeviceId;

fuzz_target!(|data: &[u8]| {
    let Ok(code) = SetupCode::parse("1234-5678") else { return };
    let id = DeviceId([7; 16]);
    // A start, then a confirmation, as a device would receive them.
    if data.len() >= PAKE_MESSAGE_LEN + 32 {
        let mut start = [0u8; PAKE_MESSAGE_LEN];
        start.copy_from_slice(&data[..PAKE_MESSAGE_LEN]);
        let mut confirm = [0u8; 32];
        confirm.copy_from_slice(&data[PAKE_MESSAGE_LEN..PAKE_MESSAGE_LEN + 32]);
        if let Ok((device, _, _)) = DevicePake::respond(&code, &id, &start, OsRng) {
            assert!(device.verify(&confirm).is_err(), "a made-up confirmation was accepted");
        }
        // A reply and a device confirmation, as the phone would receive them.
        let (phone, _) = PhonePake::start(&code, &id, OsRng);
        assert!(
            phone.finish(&start, &confirm).is_err(),
            "a made-up device confirmation was accepted"
        );
    }
    // The same bytes as a pairing frame.
    if let Ok(message) = PairingMessage::decode(data) {
        assert_eq!(PairingMessage::decode(&message.encode()), Ok(message));
    }
});
