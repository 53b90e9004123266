//! The simulated home is a BlueZ that other clients can use, not only btleplug: a Python client
//! on dbus-python (`bluez_client.py`, written like BlueZ's own example scripts) scans with a
//! discovery filter, connects, finds the GATT objects and descriptors, reads the identity,
//! subscribes to events and receives one, and removes the device. One bus per file.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use steward_protocol::pairing::SetupCode;
use steward_protocol::{DeviceId, DeviceKind};
use steward_simhome::{PrivateBus, SimDevice, SimHome};

/// Debian's Python, which has dbus-python and GLib's bindings (python3-dbus, python3-gi).
const PYTHON: &str = "/usr/bin/python3";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_python_bluez_client_scans_connects_reads_and_is_notified() {
    let bus = PrivateBus::start().await.expect("private bus");
    let soap = DeviceId([0x50; 16]);
    let home = SimHome::start(
        bus.address(),
        vec![
            SimDevice::new(
                DeviceKind::SoapDispenser,
                "Dish soap",
                soap,
                [0xC3, 0, 0, 0, 0, 1],
                SetupCode::parse("1111-1111").expect("code"),
            ),
            // Filtered out by the client's discovery filter (another kind's service).
            SimDevice::new(
                DeviceKind::Light,
                "Kitchen light",
                DeviceId([0x4c; 16]),
                [0xC3, 0, 0, 0, 0, 2],
                SetupCode::parse("2222-2222").expect("code"),
            ),
        ],
    )
    .await
    .expect("home");

    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/bluez_client.py");
    let mut client = Command::new(PYTHON)
        .arg(script)
        .env("DBUS_SYSTEM_BUS_ADDRESS", bus.address())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("Debian's python3 runs (scripts/setup.sh installs python3-dbus and python3-gi)");
    let stdout = client.stdout.take().expect("piped");
    let (lines_tx, mut lines) = tokio::sync::mpsc::unbounded_channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });

    let mut said = Vec::new();
    loop {
        let line = tokio::time::timeout(Duration::from_secs(20), lines.recv())
            .await
            .unwrap_or_else(|_| panic!("the client stalled after {said:?}"));
        let Some(line) = line else { break };
        if line == "subscribed" {
            home.dispense(&soap);
        }
        said.push(line);
    }
    let output = client.wait_with_output().expect("client ends");
    assert!(
        output.status.success(),
        "the client succeeded: {said:?}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(said
        .iter()
        .any(|l| l == &format!("identity {}", soap.to_hex())));
    assert!(
        said.iter().any(|l| l.starts_with("notified 01")),
        "the dispensed packet arrived as a version-1 event: {said:?}"
    );
    assert_eq!(said.last().map(String::as_str), Some("removed"));
}
