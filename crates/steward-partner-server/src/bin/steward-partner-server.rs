//! Runs the reference partner server with the brief's partners, for the demo and the end-to-end
//! tests: `steward-partner-server [--port N] [--record FILE] [--keys DIR]`. Prints the address it
//! listens on, then appends one JSON line per request to FILE (when given) as requests arrive.
//! With `--keys`, the partners' keys are kept in DIR, so the app's pinned keys stay valid
//! between demo runs.

use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr};

use steward_partner_server::{brief_partners, PartnerServer};

#[tokio::main]
async fn main() {
    let mut port = 0u16;
    let mut record: Option<String> = None;
    let mut keys: Option<std::path::PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => {
                port = args
                    .next()
                    .and_then(|p| p.parse().ok())
                    .unwrap_or_else(|| usage())
            }
            "--record" => record = Some(args.next().unwrap_or_else(|| usage())),
            "--keys" => keys = Some(args.next().unwrap_or_else(|| usage()).into()),
            _ => usage(),
        }
    }
    let server = match PartnerServer::start_with_keys(
        SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
        brief_partners(),
        keys.as_deref(),
    )
    .await
    {
        Ok(server) => server,
        Err(error) => {
            eprintln!("steward-partner-server: cannot listen on port {port}: {error}");
            std::process::exit(1);
        }
    };
    println!("listening http://{}", server.addr());
    let _ = std::io::stdout().flush();
    let mut written = 0;
    loop {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => break,
            _ = tokio::time::sleep(std::time::Duration::from_millis(200)) => {}
        }
        let recorded = server.recorded();
        if let Some(path) = &record {
            if recorded.len() > written {
                let lines: String = recorded[written..]
                    .iter()
                    .map(|r| {
                        serde_json::json!({
                            "partner": r.partner, "path": r.path, "status": r.status,
                            "household": r.household, "at": r.at,
                            "body": String::from_utf8_lossy(&r.body),
                        })
                        .to_string()
                            + "\n"
                    })
                    .collect();
                let appended = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                    .and_then(|mut file| file.write_all(lines.as_bytes()));
                match appended {
                    Ok(()) => written = recorded.len(),
                    Err(error) => eprintln!("steward-partner-server: cannot write {path}: {error}"),
                }
            }
        }
    }
}

fn usage() -> ! {
    eprintln!("usage: steward-partner-server [--port N] [--record FILE] [--keys DIR]");
    std::process::exit(2);
}
