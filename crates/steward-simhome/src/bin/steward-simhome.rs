//! Runs the brief's simulated home on a private bus for the demo and the end-to-end tests, or,
//! with `--bench-devices N`, N soap dispensers for the throughput benchmark (setup code of device
//! i is `10000000 + i`; a line `go RATE SECONDS` on standard input makes every device dispense
//! RATE times a second for SECONDS, then `done SENT` is printed).
//!
//! The first line of standard output is `DBUS_SYSTEM_BUS_ADDRESS=…`, to export for the app; then
//! each device with its setup code. `--scenario FILE` plays a script (see `scenario.rs` for the
//! language); `--lively` plays the built-in one, where soap is pumped every 20 s and a slice
//! toasted every 45 s. Each line on standard input is run as a scenario step and answered with
//! `ok` or `error: …`, which is how end-to-end tests make things happen in the home. The same
//! system bus carries the desktop's location service (GeoClue2), moved by the `location` and
//! `walk` steps. Runs until interrupted or until standard input closes (so a parent that dies
//! takes it along).

use std::io::Write;
use std::time::Duration;

use std::sync::Arc;

use steward_simhome::geoclue::LocationService;
use steward_simhome::notifications::NotificationServer;
use steward_simhome::scenario::{self, Runner};
use steward_simhome::{brief_home, cli, scenarios, PrivateBus, Scenario, SimHome};
use tokio::io::AsyncBufReadExt;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let options = match cli::parse(&args) {
        Ok(cli::Invocation::Help) => {
            // A closed pipe (`--help | head`) is not an error worth a panic.
            let _ = writeln!(std::io::stdout(), "{}", cli::USAGE);
            return;
        }
        Ok(cli::Invocation::Run(options)) => options,
        Err(error) => {
            eprintln!("steward-simhome: {error}");
            std::process::exit(2);
        }
    };
    let scenario = match scenario_from(&options) {
        Ok(scenario) => scenario,
        Err(error) => {
            eprintln!("steward-simhome: {error}");
            std::process::exit(2);
        }
    };
    let bench_devices = options.bench_devices;
    let bus = match PrivateBus::start().await {
        Ok(bus) => bus,
        Err(error) => {
            eprintln!("steward-simhome: {error}");
            std::process::exit(1);
        }
    };
    if let Some(count) = bench_devices {
        bench(bus, count).await;
        return;
    }
    let demo = brief_home::devices();
    let listing: Vec<String> = demo
        .iter()
        .map(|d| format!("  {:<16} setup code {}", d.device.name, d.code))
        .collect();
    let home =
        match SimHome::start(bus.address(), demo.into_iter().map(|d| d.device).collect()).await {
            Ok(home) => home,
            Err(error) => {
                eprintln!("steward-simhome: cannot serve org.bluez: {error}");
                std::process::exit(1);
            }
        };
    // The desktop's location service lives on the system bus too, as GeoClue does.
    let location = match LocationService::start(bus.address()).await {
        Ok(service) => Arc::new(service),
        Err(error) => {
            eprintln!("steward-simhome: cannot serve org.freedesktop.GeoClue2: {error}");
            std::process::exit(1);
        }
    };
    println!("DBUS_SYSTEM_BUS_ADDRESS={}", bus.address());
    println!("The simulated home is running with:");
    for line in listing {
        println!("{line}");
    }
    println!("Location: GeoClue2 served on the system bus");

    let notifications = match &options.notifications {
        None => None,
        Some(file) => {
            let Ok(session) = std::env::var("DBUS_SESSION_BUS_ADDRESS") else {
                eprintln!("steward-simhome: --notifications needs a session bus (DBUS_SESSION_BUS_ADDRESS)");
                std::process::exit(2);
            };
            match NotificationServer::start(&session, Some(file.clone())).await {
                Ok(server) => {
                    println!(
                        "Notifications: served on the session bus, recorded to {}",
                        file.display()
                    );
                    Some(Arc::new(server))
                }
                Err(error) => {
                    eprintln!("steward-simhome: cannot serve notifications: {error}");
                    std::process::exit(1);
                }
            }
        }
    };
    let home = Arc::new(home);
    let runner = |home: &Arc<SimHome>| {
        let runner = Runner::new(Arc::clone(home)).with_location(Arc::clone(&location));
        match &notifications {
            Some(server) => runner.with_notifications(Arc::clone(server)),
            None => runner,
        }
    };
    // The script plays in its own task; its `every` steps live as long as its runner, which
    // lives until the home stops. Standard input has exactly one reader: a second one would
    // swallow a line when dropped.
    let script = scenario.map(|scenario| {
        let mut runner = runner(&home);
        tokio::spawn(async move {
            if let Err(error) = runner.run(&scenario).await {
                eprintln!("steward-simhome: the scenario stopped: {error}");
            }
            std::future::pending::<()>().await;
        })
    });
    let mut console = runner(&home);
    until_stopped(&mut console).await;
    if let Some(script) = script {
        script.abort();
    }
    // Stop the bus now, and exit without waiting for the runtime: its blocking stdin reader
    // would otherwise keep the process alive until more input came.
    drop(console);
    drop(location);
    drop(home);
    drop(bus);
    std::process::exit(0);
}

/// Runs scenario steps typed on standard input, answering each with `ok` or `error: …`, until
/// Ctrl-C, SIGTERM, or standard input closes; returning lets `main` drop the home and the bus,
/// which stops the private `dbus-daemon` too.
async fn until_stopped(console: &mut Runner) {
    let terminated = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut term) => {
                term.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    let commands = async {
        let mut lines = tokio::io::BufReader::new(tokio::io::stdin()).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            let answer = match scenario::parse_line(&line) {
                Ok(None) => continue,
                Ok(Some(step)) => console.step(&step).await,
                Err(reason) => Err(reason),
            };
            match answer {
                Ok(()) => println!("ok"),
                Err(reason) => println!("error: {reason}"),
            }
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminated => {}
        _ = commands => {}
    }
}

/// The script chosen on the command line: `--scenario FILE`, or `--lively` for the built-in one.
fn scenario_from(options: &cli::Options) -> Result<Option<Scenario>, String> {
    if let Some(path) = &options.scenario {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        return Scenario::parse(&text)
            .map(Some)
            .map_err(|e| format!("{}: {e}", path.display()));
    }
    if options.lively {
        return Scenario::parse(scenarios::LIVELY)
            .map(Some)
            .map_err(|e| format!("the built-in scenario: {e}"));
    }
    Ok(None)
}

/// The benchmark home: `count` dispensers that pump on command from standard input.
async fn bench(bus: PrivateBus, count: u8) {
    use steward_protocol::pairing::SetupCode;
    use steward_protocol::{DeviceId, DeviceKind, DeviceState, DispenserState};
    use steward_simhome::SimDevice;
    let devices: Vec<SimDevice> = (0..count)
        .map(|i| {
            let mut id = [0xbe; 16];
            id[15] = i;
            let code = SetupCode::parse(&format!("{}", 10_000_000 + u32::from(i)))
                .unwrap_or_else(|_| unreachable!("8 digits"));
            let mut device = SimDevice::new(
                DeviceKind::SoapDispenser,
                &format!("Bench {i}"),
                DeviceId(id),
                [0xBE, 0, 0, 0, 0, i],
                code,
            );
            device.set_state(DeviceState::SoapDispenser(DispenserState {
                remaining: 60_000,
                capacity: 60_000,
                dispensed_total: 0,
            }));
            device
        })
        .collect();
    let ids: Vec<DeviceId> = devices.iter().map(|d| d.id).collect();
    let home = match SimHome::start(bus.address(), devices).await {
        Ok(home) => home,
        Err(error) => {
            eprintln!("steward-simhome: cannot serve org.bluez: {error}");
            std::process::exit(1);
        }
    };
    println!("DBUS_SYSTEM_BUS_ADDRESS={}", bus.address());
    let mut lines = tokio::io::BufReader::new(tokio::io::stdin()).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        let parts: Vec<&str> = line.split_whitespace().collect();
        let (Some(&"go"), Some(rate), Some(seconds)) = (parts.first(), parts.get(1), parts.get(2))
        else {
            continue;
        };
        let (Ok(rate), Ok(seconds)) = (rate.parse::<u32>(), seconds.parse::<u32>()) else {
            continue;
        };
        let mut ticker = tokio::time::interval(Duration::from_secs(1) / rate.max(1));
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
        let mut sent = 0u64;
        for _ in 0..rate * seconds {
            ticker.tick().await;
            for id in &ids {
                home.dispense(id);
                sent += 1;
            }
        }
        println!("done {sent}");
    }
    drop(home);
    drop(bus);
    std::process::exit(0);
}
