//! Compiles the Tauri context: the config, the ACL of our own commands, and the capabilities,
//! which live in the repository's top-level `capabilities/` folder.

fn main() {
    println!("cargo:rerun-if-changed=../capabilities");
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("../capabilities/**/*")
        // Every command must be listed here to get an `allow-*` permission; a command the
        // capability does not grant is refused at run time.
        .app_manifest(tauri_build::AppManifest::new().commands(&["home", "set_household_name"]));
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri build step failed: {error:#}");
    }
}
