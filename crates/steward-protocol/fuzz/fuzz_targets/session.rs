//! Pair-verify and session frames, fed whatever a stranger in radio range or a relay could send:
//! any bytes as the phone's first Noise message (at the device), as the device's reply (at the
//! phone), and as session frames in both directions, are refused or opened, never a panic; no
//! made-up frame ever opens, and a genuine frame still opens after any amount of garbage.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use steward_protocol::handshake::{device_verify, PhoneHandshake, SessionHello};
use steward_protocol::keys::StaticSecret;
use steward_protocol::session_message::DeviceMessage;
use steward_protocol::{DeviceId, DeviceKind};

struct Keys {
    phone: StaticSecret,
    device: StaticSecret,
}

fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| Keys {
        phone: StaticSecret::from_bytes([0x20; 32]),
        device: StaticSecret::from_bytes([0xa0; 32]),
    })
}

const ID: DeviceId = DeviceId([7; 16]);
const HELLO: SessionHello = SessionHello {
    boot_id: [1; 8],
    last_seq: 0,
};

fuzz_target!(|data: &[u8]| {
    let k = keys();
    let phones = [k.phone.public()];
    // Any bytes as VerifyStart: a made-up message never passes as this phone's.
    assert!(
        device_verify(&k.device, &ID, &phones, data, HELLO).is_err(),
        "made-up bytes passed pair-verify"
    );
    // Any bytes as VerifyReply: never a session.
    let Ok((phone, _)) = PhoneHandshake::start(&k.phone, &k.device.public(), &ID) else {
        return;
    };
    assert!(phone.finish(data).is_err(), "a made-up reply opened a session");

    // A genuine session, then the bytes as frames in each direction, then a genuine frame.
    let Ok((phone, start)) = PhoneHandshake::start(&k.phone, &k.device.public(), &ID) else {
        return;
    };
    let Ok(verified) = device_verify(&k.device, &ID, &phones, &start, HELLO) else {
        return;
    };
    let Ok((mut phone_channel, _)) = phone.finish(&verified.reply) else {
        return;
    };
    let mut device_channel = verified.channel;
    for chunk in data.chunks(64) {
        assert!(phone_channel.open(chunk).is_err(), "a made-up frame opened at the phone");
        assert!(device_channel.open(chunk).is_err(), "a made-up frame opened at the device");
        let _ = DeviceMessage::decode(DeviceKind::SoapDispenser, chunk);
    }
    let Ok(genuine) = device_channel.seal(&DeviceMessage::Battery(50).encode()) else {
        return;
    };
    assert!(phone_channel.open(&genuine).is_ok(), "garbage blocked a genuine frame");
});
