//! Runs the brief's simulated home on a private bus for the demo and the end-to-end tests.
//!
//! The first line of standard output is `DBUS_SYSTEM_BUS_ADDRESS=…`, to export for the app; then
//! each device with its setup code. With `--lively`, the household goes about its day: soap is
//! pumped every 20 s and a slice toasted every 45 s. Runs until interrupted or until standard
//! input closes (so a parent that dies takes it along).

use std::time::Duration;

use steward_simhome::{brief_home, PrivateBus, SimHome};
use tokio::io::AsyncReadExt;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let lively = std::env::args().any(|a| a == "--lively");
    let bus = match PrivateBus::start().await {
        Ok(bus) => bus,
        Err(error) => {
            eprintln!("steward-simhome: {error}");
            std::process::exit(1);
        }
    };
    let demo = brief_home::devices();
    let listing: Vec<String> = demo
        .iter()
        .map(|d| format!("  {:<16} setup code {}", d.device.name, d.code))
        .collect();
    let ids: Vec<_> = demo.iter().map(|d| (d.device.kind, d.device.id)).collect();
    let home =
        match SimHome::start(bus.address(), demo.into_iter().map(|d| d.device).collect()).await {
            Ok(home) => home,
            Err(error) => {
                eprintln!("steward-simhome: cannot serve org.bluez: {error}");
                std::process::exit(1);
            }
        };
    println!("DBUS_SYSTEM_BUS_ADDRESS={}", bus.address());
    println!("The simulated home is running with:");
    for line in listing {
        println!("{line}");
    }

    if lively {
        let soap = ids[0].1;
        let toaster = ids[1].1;
        let mut soap_timer = tokio::time::interval(Duration::from_secs(20));
        let mut toast_timer = tokio::time::interval(Duration::from_secs(45));
        soap_timer.tick().await;
        toast_timer.tick().await;
        tokio::select! {
            _ = async { loop { soap_timer.tick().await; home.dispense(&soap); } } => {}
            _ = async { loop { toast_timer.tick().await; home.toast_slice(&toaster); } } => {}
            _ = until_stopped() => {}
        }
    } else {
        until_stopped().await;
    }
    // Stop the bus now, and exit without waiting for the runtime: its blocking stdin reader
    // would otherwise keep the process alive until more input came.
    drop(home);
    drop(bus);
    std::process::exit(0);
}

/// Waits for Ctrl-C, SIGTERM, or standard input to close; returning lets `main` drop the home
/// and the bus, which stops the private `dbus-daemon` too.
async fn until_stopped() {
    let terminated = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut term) => {
                term.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    let stdin_closed = async {
        let mut stdin = tokio::io::stdin();
        let mut buf = [0u8; 64];
        while matches!(stdin.read(&mut buf).await, Ok(n) if n > 0) {}
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminated => {}
        _ = stdin_closed => {}
    }
}
