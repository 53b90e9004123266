//! Runs the reference partner server with the brief's partners, for the demo and the end-to-end
//! tests: `steward-partner-server [--port N] [--record FILE] [--keys DIR]`. And signs a feed for
//! anyone publishing one: `steward-partner-server sign-feed KEYFILE < feed.json > feed.jws`
//! (KEYFILE: the partner's 32-byte Ed25519 seed, as `--keys` keeps them). Prints the address it
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
    let mut args = std::env::args().skip(1).peekable();
    if args.peek().map(String::as_str) == Some("sign-feed") {
        args.next();
        sign_feed(args.next().unwrap_or_else(|| usage()));
        return;
    }
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

/// Signs the feed document on standard input with the key in `key_file`; prints the JWS.
fn sign_feed(key_file: String) {
    use std::io::Read;
    let seed: [u8; 32] = match std::fs::read(&key_file).map(<[u8; 32]>::try_from) {
        Ok(Ok(seed)) => seed,
        _ => {
            eprintln!("steward-partner-server: {key_file} is not a 32-byte key");
            std::process::exit(1);
        }
    };
    let mut feed = Vec::new();
    if let Err(error) = std::io::stdin().read_to_end(&mut feed) {
        eprintln!("steward-partner-server: cannot read the feed: {error}");
        std::process::exit(1);
    }
    if let Err(error) = serde_json::from_slice::<serde_json::Value>(&feed) {
        eprintln!("steward-partner-server: the feed is not JSON: {error}");
        std::process::exit(1);
    }
    let key = ed25519_dalek::SigningKey::from_bytes(&seed);
    println!("{}", steward_core::consent::jws::sign(&key, &feed));
}

fn usage() -> ! {
    eprintln!("usage: steward-partner-server [--port N] [--record FILE] [--keys DIR]\n       steward-partner-server sign-feed KEYFILE < feed.json > feed.jws");
    std::process::exit(2);
}
