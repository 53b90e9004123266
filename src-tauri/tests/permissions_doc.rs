//! The permission table in docs/SECURITY.md is generated from what the window is granted
//! (`capabilities/main-window.json`) and what each command is for (its doc comment in
//! `src/commands.rs`), so that it cannot go stale: this test regenerates it and fails when the
//! document differs. `STEWARD_UPDATE_DOCS=1 cargo test -p steward-app --test permissions_doc`
//! rewrites it.

use std::path::Path;

const BEGIN: &str = "<!-- permissions:begin (generated from capabilities/ by src-tauri/tests/permissions_doc.rs; do not edit) -->";
const END: &str = "<!-- permissions:end -->";

fn read(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The `///` lines right above `pub async fn name`, as one sentence.
fn purpose(commands: &str, name: &str) -> String {
    let at = commands
        .find(&format!("pub async fn {name}("))
        .or_else(|| commands.find(&format!("pub async fn {name}<")))
        .unwrap_or_else(|| panic!("the capability grants {name}, which is not a command"));
    let doc: Vec<&str> = commands[..at]
        .lines()
        .rev()
        .skip_while(|line| line.trim_start().starts_with("#["))
        .take_while(|line| line.trim_start().starts_with("///"))
        .map(|line| line.trim_start().trim_start_matches("///").trim())
        .collect();
    assert!(
        !doc.is_empty(),
        "command {name} needs a doc comment: it is its line in docs/SECURITY.md"
    );
    doc.into_iter().rev().collect::<Vec<_>>().join(" ")
}

/// What a non-Steward permission is granted for; anything not listed here must be argued
/// here before it can be granted.
fn platform_purpose(permission: &str) -> &'static str {
    match permission {
        "core:event:allow-listen" | "core:event:allow-unlisten" => {
            "Follows and stops following the core's events (home, devices, inventory, shopping list, Bluetooth)."
        }
        other => panic!(
            "{other} is granted to the window but nothing explains why: add it to permissions_doc.rs"
        ),
    }
}

fn generated_table() -> String {
    let capability: serde_json::Value =
        serde_json::from_str(&read("../capabilities/main-window.json")).expect("JSON");
    let commands = read("src/commands.rs");
    let mut table =
        String::from("| permission | command | what the UI uses it for |\n| --- | --- | --- |\n");
    for permission in capability["permissions"]
        .as_array()
        .expect("a permissions list")
    {
        let permission = permission.as_str().expect("plain permission identifiers");
        let row = match permission.strip_prefix("allow-") {
            Some(command) => {
                let command = command.replace('-', "_");
                format!(
                    "| `{permission}` | `{command}` | {} |\n",
                    purpose(&commands, &command)
                )
            }
            None => format!(
                "| `{permission}` | — | {} |\n",
                platform_purpose(permission)
            ),
        };
        table.push_str(&row);
    }
    table
}

#[test]
fn security_md_lists_exactly_what_the_window_is_granted() {
    let doc_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/SECURITY.md");
    let doc = read("../docs/SECURITY.md");
    let start = doc
        .find(BEGIN)
        .expect("docs/SECURITY.md has the begin marker")
        + BEGIN.len();
    let end = doc.find(END).expect("docs/SECURITY.md has the end marker");
    let expected = format!("\n{}", generated_table());
    if doc[start..end] == expected {
        return;
    }
    if std::env::var_os("STEWARD_UPDATE_DOCS").is_some() {
        let updated = format!("{}{expected}{}", &doc[..start], &doc[end..]);
        std::fs::write(&doc_path, updated).expect("write docs/SECURITY.md");
        return;
    }
    panic!(
        "docs/SECURITY.md's permission table is stale; run \
         STEWARD_UPDATE_DOCS=1 cargo test -p steward-app --test permissions_doc\n\nexpected:\n{expected}"
    );
}

#[test]
fn no_plugin_permission_is_granted_to_the_webview() {
    let capability = read("../capabilities/main-window.json");
    for plugin in [
        "opener:",
        "notification:",
        "geolocation:",
        "fs:",
        "shell:",
        "http:",
    ] {
        assert!(
            !capability.contains(&format!("\"{plugin}")),
            "the webview must not hold {plugin} permissions: the core does that work"
        );
    }
}
