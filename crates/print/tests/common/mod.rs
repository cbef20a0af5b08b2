//! What the printing tests share: where pages are saved to be looked at, and
//! reading a PDF's words back the way a person would copy them.

use std::path::{Path, PathBuf};

/// `artifacts/print/` at the workspace root (found from the running cargo's
/// manifest folder, so a test binary built from another checkout writes here).
pub fn artifacts() -> PathBuf {
    let dir =
        Path::new(&std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").to_string()))
            .join("../../artifacts/print");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Text with all white space removed: poppler's extraction puts a space inside
/// some Devanagari syllables (after a below-base vowel sign), though the page
/// shows them whole; every character must still come out, in order.
#[allow(dead_code)] // not every test binary squeezes
pub fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}
