//! Opening an attached document in the system viewer. The decrypted copy goes
//! to a private folder (mode 0700) in the user's runtime directory, which is in
//! memory on Linux (`$XDG_RUNTIME_DIR`); it is removed when the diary locks,
//! when the app quits and at the next start.

use std::fs;
use std::io::Write;
use std::path::PathBuf;

/// The folder for opened copies.
fn folder() -> PathBuf {
    let base = std::env::var_os("XDG_RUNTIME_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    base.join(format!("nextdate-open-{}", whoami()))
}

fn whoami() -> String {
    std::env::var("USER").unwrap_or_else(|_| "user".into())
}

/// Keeps only safe characters of a file name.
fn safe_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let trimmed = cleaned.trim_start_matches('.').trim();
    if trimmed.is_empty() {
        "document".into()
    } else {
        trimmed.chars().take(120).collect()
    }
}

/// Writes `bytes` to a private copy and opens it with the default application.
pub fn open_copy(name: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    let dir = folder().join(ulid_like());
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(&dir)?;
    let path = dir.join(safe_name(name));
    let mut opts = fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f = opts.open(&path)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    if let Err(e) = open::that_detached(&path) {
        // Nothing to view it with: leave no copy behind.
        let _ = fs::remove_dir_all(&dir);
        return Err(e);
    }
    Ok(path)
}

fn ulid_like() -> String {
    format!(
        "{:x}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos()
    )
}

/// Removes every opened copy.
pub fn sweep() {
    let _ = fs::remove_dir_all(folder());
}

#[cfg(test)]
mod tests {
    use super::safe_name;

    #[test]
    fn names_cannot_escape_the_folder() {
        assert_eq!(safe_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(safe_name("Vakalatnama 2026.pdf"), "Vakalatnama 2026.pdf");
        assert_eq!(safe_name("..."), "document");
    }
}
