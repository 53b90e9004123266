//! The size baseline (`benches/minimal-tauri`, measured by `scripts/bench.sh size`) is only a
//! fair comparison if it is built the way Steward is: the same release profile and the same
//! plugins. This checks both, so the baseline cannot drift from the app.

use std::path::Path;

fn read(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The `[profile.release]` table's settings, comments and blank lines left out.
fn release_profile(cargo_toml: &str) -> Vec<String> {
    cargo_toml
        .lines()
        .skip_while(|line| line.trim() != "[profile.release]")
        .skip(1)
        .collect::<Vec<_>>()
        .join("\n")
        .lines()
        .map(str::trim)
        .take_while(|line| !line.starts_with('['))
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_baseline_is_built_with_steward_s_release_profile() {
    let ours = release_profile(&read("../Cargo.toml"));
    assert!(ours.iter().any(|l| l.starts_with("lto")), "{ours:?}");
    assert_eq!(
        ours,
        release_profile(&read("../benches/minimal-tauri/Cargo.toml"))
    );
}

#[test]
fn the_baseline_links_the_plugins_steward_links() {
    let plugins = |toml: &str| -> Vec<String> {
        let mut found: Vec<String> = toml
            .lines()
            .filter_map(|l| {
                l.trim()
                    .split_once(['=', '.'])
                    .map(|(name, _)| name.trim().to_owned())
            })
            .filter(|name| name.starts_with("tauri-plugin-"))
            .collect();
        found.sort();
        found.dedup();
        found
    };
    let ours = plugins(&read("Cargo.toml"));
    assert!(!ours.is_empty());
    assert_eq!(ours, plugins(&read("../benches/minimal-tauri/Cargo.toml")));
}
