//! A private session bus for the keystore tests: its own configuration, with no service
//! activation, so nothing but what a test starts can own `org.freedesktop.secrets` (the stock
//! session configuration would activate GNOME Keyring, locked, from its service file).
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// A running `dbus-daemon`, stopped on drop, and its address.
pub struct SessionBus {
    child: Child,
    pub address: String,
    _dir: tempfile::TempDir,
}

impl Drop for SessionBus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn session_bus() -> SessionBus {
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
    let mut child = Command::new("dbus-daemon")
        .args(["--nofork", "--print-address=1"])
        .arg(format!("--config-file={}", config.display()))
        .stdout(Stdio::piped())
        .spawn()
        .expect("dbus-daemon (apt: dbus)");
    let mut address = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut address)
        .expect("the bus address");
    SessionBus {
        child,
        address: address.trim().to_owned(),
        _dir: dir,
    }
}
