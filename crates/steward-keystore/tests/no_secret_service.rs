//! A session bus with no Secret Service on it (a desktop without a keyring): opening says so,
//! with a reason, and nothing falls back on its own. One test per file (libdbus reads the
//! session bus address once per process).
#![cfg(target_os = "linux")]

mod common;

use steward_keystore::secret_service::SecretService;
use steward_keystore::KeystoreError;

#[test]
fn without_a_secret_service_opening_says_unavailable() {
    let bus = common::session_bus();
    std::env::set_var("DBUS_SESSION_BUS_ADDRESS", &bus.address);
    let opened = SecretService::open("/home/owner/steward");
    drop(bus);
    assert!(
        matches!(opened, Err(KeystoreError::Unavailable(_))),
        "{opened:?}"
    );
}
