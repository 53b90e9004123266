//! The TypeScript bindings in `ui/` must be exactly what the Rust types generate today: a stale
//! file means the UI compiles against an API the core no longer has.
//!
//! To regenerate after changing a command or wire type:
//! `STEWARD_UPDATE_BINDINGS=1 cargo test -p steward-app --test bindings`

use std::path::Path;

#[test]
fn typescript_bindings_are_up_to_date() {
    let committed =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(steward_app::bindings::TYPESCRIPT_PATH);
    if std::env::var_os("STEWARD_UPDATE_BINDINGS").is_some() {
        steward_app::bindings::export_typescript(&committed).expect("write the bindings");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let fresh = dir.path().join("bindings.ts");
    steward_app::bindings::export_typescript(&fresh).expect("generate the bindings");
    let fresh = std::fs::read_to_string(&fresh).expect("read generated bindings");
    let on_disk = std::fs::read_to_string(&committed).unwrap_or_default();
    assert!(
        fresh == on_disk,
        "{} is stale: the Rust commands or wire types changed. Regenerate it with \
         `STEWARD_UPDATE_BINDINGS=1 cargo test -p steward-app --test bindings` and commit the result.",
        committed.display()
    );
}
