//! The committed TypeScript bindings match the Rust command declarations.
//! `NEXTDATE_WRITE_BINDINGS=1 cargo test -p nextdate-app --test bindings` rewrites them.

#[test]
fn typescript_bindings_are_up_to_date() {
    let path = std::path::Path::new(
        &std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").to_string()),
    )
    .join("../ui/src/lib/bindings.ts");
    let fresh = nextdate_app::commands::typescript();
    if std::env::var_os("NEXTDATE_WRITE_BINDINGS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &fresh).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "ui/src/lib/bindings.ts is stale: run `scripts/bindings`"
    );
}
