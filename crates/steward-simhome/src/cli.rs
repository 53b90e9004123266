//! The `steward-simhome` command line: what it accepts, refused plainly otherwise, so a typo
//! never starts a home that silently ignores what was asked of it.

use std::path::PathBuf;

/// What the command line asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invocation {
    /// Print the usage and stop.
    Help,
    /// Serve a home.
    Run(Options),
}

/// How to run the home.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// Play this script (`--scenario FILE`).
    pub scenario: Option<PathBuf>,
    /// Play the built-in demo script (`--lively`).
    pub lively: bool,
    /// Serve this many benchmark dispensers instead of the brief's home (`--bench-devices N`).
    pub bench_devices: Option<u8>,
    /// Serve org.freedesktop.Notifications on the session bus, recording to this file
    /// (`--notifications FILE`).
    pub notifications: Option<PathBuf>,
}

/// The usage text for `--help`.
pub const USAGE: &str = "\
steward-simhome: the brief's simulated home, a BlueZ-compatible org.bluez on a private D-Bus bus.

Usage: steward-simhome [--scenario FILE | --lively] [--notifications FILE] | --bench-devices N | --help

  --scenario FILE     play a scenario script (the language: crates/steward-simhome/src/scenario.rs)
  --lively            play the built-in demo script (soap every 20 s, a slice every 45 s)
  --notifications FILE
                      also be the desktop's notification service on the session bus
                      (DBUS_SESSION_BUS_ADDRESS), recording every notification to FILE as JSON
                      lines; `tap-notification TITLE` then taps one as the owner would
  --bench-devices N   serve N soap dispensers (1-250) for the throughput benchmark
  --help              print this and stop

The first line printed is DBUS_SYSTEM_BUS_ADDRESS=..., then each device with its setup code.
Each line typed on standard input runs as a scenario step (e.g. 'bluetooth off') and is
answered 'ok' or 'error: ...'. The home stops when standard input closes.

The system bus also carries the desktop's location service (GeoClue2), with no position until
a step gives one:
  location 52.5219,13.4132        the phone is here now
  walk to 52.5163,13.3777 in 60s  walk there in a straight line (a position every 500 ms)
  location coarse | precise       only city-level location allowed, or precise again
  location off | on               the location service stops, or starts afresh";

/// Parses the arguments after the program name.
pub fn parse(args: &[String]) -> Result<Invocation, String> {
    let mut options = Options::default();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--help" | "-h" => return Ok(Invocation::Help),
            "--scenario" => {
                let file = rest.next().ok_or("--scenario needs a file")?;
                options.scenario = Some(PathBuf::from(file));
            }
            "--lively" => options.lively = true,
            "--notifications" => {
                let file = rest.next().ok_or("--notifications needs a file")?;
                options.notifications = Some(PathBuf::from(file));
            }
            "--bench-devices" => {
                let count = rest.next().ok_or("--bench-devices needs a number")?;
                let count: u8 = count
                    .parse()
                    .ok()
                    .filter(|n| (1..=250).contains(n))
                    .ok_or_else(|| format!("--bench-devices takes 1 to 250, not `{count}`"))?;
                options.bench_devices = Some(count);
            }
            other => return Err(format!("unknown argument `{other}` (see --help)")),
        }
    }
    if options.scenario.is_some() && options.lively {
        return Err("--scenario and --lively are alternatives; give one".into());
    }
    if options.bench_devices.is_some()
        && (options.scenario.is_some() || options.lively || options.notifications.is_some())
    {
        return Err("--bench-devices serves the benchmark home, which plays no scenario".into());
    }
    Ok(Invocation::Run(options))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn accepts_what_the_usage_says() {
        assert_eq!(parse(&args("--help")), Ok(Invocation::Help));
        assert_eq!(parse(&[]), Ok(Invocation::Run(Options::default())));
        assert_eq!(
            parse(&args("--scenario my-day.txt")),
            Ok(Invocation::Run(Options {
                scenario: Some("my-day.txt".into()),
                ..Options::default()
            }))
        );
        assert_eq!(
            parse(&args("--lively --notifications shown.jsonl")),
            Ok(Invocation::Run(Options {
                lively: true,
                notifications: Some("shown.jsonl".into()),
                ..Options::default()
            }))
        );
        assert_eq!(
            parse(&args("--bench-devices 50")),
            Ok(Invocation::Run(Options {
                bench_devices: Some(50),
                ..Options::default()
            }))
        );
    }

    #[test]
    fn refuses_unknown_flags_and_bad_values_with_the_reason() {
        for (line, reason) in [
            ("--livley", "unknown argument `--livley`"),
            ("--scenario", "needs a file"),
            ("--bench-devices", "needs a number"),
            ("--bench-devices 0", "1 to 250"),
            ("--bench-devices lots", "1 to 250"),
            ("--lively --scenario x", "alternatives"),
            ("--bench-devices 5 --lively", "plays no scenario"),
            ("--notifications", "needs a file"),
        ] {
            let refused = parse(&args(line)).expect_err(line);
            assert!(refused.contains(reason), "{line}: {refused}");
        }
    }
}
