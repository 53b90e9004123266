//! Structural: `steward-partners` is the only crate of the app that can speak HTTP, so household
//! data can reach a partner only as a `Disclosure` the gate made. Checked on the workspace's
//! declared dependencies, so adding an HTTP client anywhere else fails here.

use std::process::Command;

/// Crates that can send bytes over HTTP or TLS.
const NETWORK: &[&str] = &[
    "reqwest",
    "hyper",
    "hyper-util",
    "h2",
    "ureq",
    "isahc",
    "surf",
    "attohttpc",
    "curl",
    "rustls",
    "tokio-rustls",
    "hyper-rustls",
    "native-tls",
    "openssl",
    "axum",
    "tauri-plugin-http",
    "tauri-plugin-upload",
    "steward-partner-server",
];

/// The one crate allowed an HTTP client, and the reference server (never part of the app).
const ALLOWED: &[&str] = &["steward-partners", "steward-partner-server"];

#[test]
fn no_other_crate_of_the_app_can_reach_a_partner() {
    let output = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("metadata JSON");
    let packages = metadata["packages"].as_array().expect("packages");
    assert!(packages.len() >= 10, "read the whole workspace");
    let mut offenders = Vec::new();
    for package in packages {
        let name = package["name"].as_str().unwrap_or_default();
        if ALLOWED.contains(&name) {
            continue;
        }
        for dependency in package["dependencies"].as_array().into_iter().flatten() {
            let dep = dependency["name"].as_str().unwrap_or_default();
            // Dev-dependencies are for tests (the simulated home, the reference server).
            let normal = dependency["kind"].is_null() || dependency["kind"] == "build";
            if normal && NETWORK.contains(&dep) {
                offenders.push(format!("{name} depends on {dep}"));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "only steward-partners may speak HTTP: {offenders:?}"
    );
}
