//! A private `dbus-daemon`, started for one test binary or one demo session and stopped with it.

use std::io;
use std::path::PathBuf;
use std::process::Stdio;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// A bus config that lets any connection own any name: the simulated home owns `org.bluez`.
const CONFIG: &str = r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=@SOCKET@</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#;

/// Why the bus could not be started.
#[derive(Debug, thiserror::Error)]
pub enum BusError {
    #[error("cannot prepare the bus directory: {0}")]
    Dir(#[source] io::Error),
    #[error("cannot start dbus-daemon (is the `dbus` package installed?): {0}")]
    Spawn(#[source] io::Error),
    #[error("dbus-daemon exited without printing its address")]
    NoAddress,
}

/// A running private bus; the daemon is killed when this is dropped.
#[derive(Debug)]
pub struct PrivateBus {
    address: String,
    socket: PathBuf,
    _child: Child,
    _dir: tempfile::TempDir,
}

impl PrivateBus {
    /// Starts a bus in a fresh temporary directory and waits until it accepts connections.
    pub async fn start() -> Result<Self, BusError> {
        let dir = tempfile::Builder::new()
            .prefix("steward-bus-")
            .tempdir()
            .map_err(BusError::Dir)?;
        let socket = dir.path().join("bus.sock");
        let config = dir.path().join("bus.conf");
        std::fs::write(
            &config,
            CONFIG.replace("@SOCKET@", &socket.display().to_string()),
        )
        .map_err(BusError::Dir)?;
        let mut child = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--nopidfile", "--print-address=1"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .map_err(BusError::Spawn)?;
        let stdout = child.stdout.take().ok_or(BusError::NoAddress)?;
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .await
            .map_err(BusError::Spawn)?;
        let address = line.trim().to_owned();
        if address.is_empty() {
            return Err(BusError::NoAddress);
        }
        Ok(Self {
            address,
            socket,
            _child: child,
            _dir: dir,
        })
    }

    /// The bus address, for `DBUS_SYSTEM_BUS_ADDRESS` or a zbus connection.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// The socket file.
    pub fn socket(&self) -> &std::path::Path {
        &self.socket
    }
}
