//! A session bus with no Secret Service on it (a desktop without a keyring): opening says so,
//! with a reason, and nothing falls back on its own. One test per file (libdbus reads the
//! session bus address once per process).
#![cfg(target_os = "linux")]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use steward_keystore::secret_service::SecretService;
use steward_keystore::KeystoreError;

#[test]
fn without_a_secret_service_opening_says_unavailable() {
    // A bus of its own configuration: the stock session configuration would activate GNOME
    // Keyring from its service file, when it is installed.
    let dir = tempfile::tempdir().expect("dir");
    let config = dir.path().join("session.conf");
    std::fs::write(
        &config,
        format!(
            r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>"#,
            dir.path().display()
        ),
    )
    .expect("config");
    let mut bus = Command::new("dbus-daemon")
        .args(["--nofork", "--print-address=1"])
        .arg(format!("--config-file={}", config.display()))
        .stdout(Stdio::piped())
        .spawn()
        .expect("dbus-daemon (apt: dbus)");
    let mut address = String::new();
    BufReader::new(bus.stdout.take().expect("stdout"))
        .read_line(&mut address)
        .expect("the bus address");
    std::env::set_var("DBUS_SESSION_BUS_ADDRESS", address.trim());
    let opened = SecretService::open("/home/owner/steward");
    let _ = bus.kill();
    let _ = bus.wait();
    assert!(
        matches!(opened, Err(KeystoreError::Unavailable(_))),
        "{opened:?}"
    );
}
