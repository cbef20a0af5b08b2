//! Writing an output file (a printed list, a calendar) so that it is either
//! complete or absent: the bytes go to a hidden temporary file beside it,
//! are flushed to disk, and the file is renamed into place.

use std::fs;
use std::io::Write;
use std::path::Path;

use crate::error::{DiaryError, Result};

/// Writes `bytes` to `path`. An existing file is an error unless `replace`.
pub fn write_file(path: &Path, bytes: &[u8], replace: bool) -> Result<()> {
    if path.is_dir() {
        return Err(DiaryError::BadPath(format!(
            "{} is a folder, not a file",
            path.display()
        )));
    }
    if path.exists() && !replace {
        return Err(DiaryError::FileExists(path.to_path_buf()));
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| DiaryError::BadPath(format!("{} is not a file name", path.display())))?;
    let tmp = dir.join(format!(".{name}.partial"));
    let written = (|| -> std::io::Result<()> {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(e.into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::write_file;

    #[test]
    fn writes_whole_files_and_refuses_to_overwrite_unless_asked() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("list.pdf");
        write_file(&p, b"one", false).unwrap();
        assert_eq!(write_file(&p, b"two", false).unwrap_err().code(), "already_exists");
        assert_eq!(std::fs::read(&p).unwrap(), b"one");
        write_file(&p, b"two", true).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file left"
        );
        assert_eq!(write_file(dir.path(), b"x", true).unwrap_err().code(), "bad_path");
        assert!(write_file(&dir.path().join("missing/x.pdf"), b"x", false).is_err());
    }
}
