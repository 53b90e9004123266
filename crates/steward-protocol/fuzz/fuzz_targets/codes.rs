//! Setup codes and QR payloads as typed or scanned: any text is accepted or refused, never a
//! panic, and an accepted QR payload survives a round trip.
#![no_main]

use libfuzzer_sys::fuzz_target;
use steward_protocol::pairing::{QrPayload, SetupCode};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = SetupCode::parse(text);
    if let Ok(qr) = QrPayload::parse(text) {
        assert_eq!(QrPayload::parse(&qr.encode()), Ok(qr));
    }
});
