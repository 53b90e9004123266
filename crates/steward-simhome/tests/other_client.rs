//! The simulated home is a BlueZ that other clients can use, not only btleplug, and the profile
//! can be implemented from docs/protocol/gatt.md alone: a Python client on dbus-python
//! (`bluez_client.py`, written like BlueZ's own example scripts) with its own implementation of
//! the profile (`steward_client.py`: python-spake2, pyca/cryptography, Noise IK by hand) scans
//! with a discovery filter, connects, finds the GATT objects and descriptors, reads the identity,
//! pairs, opens a session, receives an event, commands the device, and removes it; and the same
//! implementation recomputes the spec's test vectors. One bus per file.

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
        .arg("11111111")
        .env("DBUS_SYSTEM_BUS_ADDRESS", bus.address())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("Debian's python3 runs (scripts/setup.sh installs python3-dbus, python3-gi, python3-spake2, python3-cryptography)");
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
    for step in [
        "paired",
        "battery 87 state 28002800",
        "event 1 packet dispensed, 39 left",
        "commanded",
    ] {
        assert!(
            said.iter().any(|l| l.starts_with(step)),
            "{step:?} in {said:?}"
        );
    }
    assert_eq!(said.last().map(String::as_str), Some("removed"));
    let device = home.device(&soap).expect("device");
    assert_eq!(
        device.paired_phones(),
        1,
        "the Python client is one of its phones"
    );
    assert_eq!(
        device.refused_frames(),
        0,
        "and every frame it sent was genuine"
    );
}

#[test]
fn an_independent_implementation_computes_the_specs_test_vectors() {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/steward_client.py");
    let spec = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/protocol/gatt.md");
    let output = Command::new(PYTHON)
        .args([script, "--vectors", spec])
        .output()
        .expect("Debian's python3 runs");
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        "vectors: 8 match"
    );
}
