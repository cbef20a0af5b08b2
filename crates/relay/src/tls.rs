//! The relay's TLS certificate. Given one (`--tls-cert`, `--tls-key`), the
//! relay serves it; given none, it makes its own on first start and keeps it
//! in `DATA/tls/` (the key readable by its owner only), so an office relay has
//! HTTPS without a certificate authority. Either way the relay says its
//! [`CertPin`]: the invite carries it and devices accept only that key.

use std::fs;
use std::path::{Path, PathBuf};

use nextdate_protocol::CertPin;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;

/// A certificate and key as PEM, and the certificate's pin.
pub struct RelayCertificate {
    pub cert_pem: Vec<u8>,
    pub key_pem: Vec<u8>,
    pub pin: CertPin,
}

/// Why the relay has no certificate to serve.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read {0}: {1}")]
    Read(PathBuf, std::io::Error),
    #[error("cannot write {0}: {1}")]
    Write(PathBuf, std::io::Error),
    #[error("{0} holds no PEM certificate")]
    NoCertificate(PathBuf),
    #[error("cannot make a certificate: {0}")]
    Generate(String),
    #[error(transparent)]
    Pin(#[from] nextdate_protocol::PinError),
}

/// The names the relay's own certificate is made for, beside `names`.
const LOOPBACK_NAMES: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

/// The given certificate chain and key (the pin is the first certificate's).
pub fn load(cert: &Path, key: &Path) -> Result<RelayCertificate, TlsError> {
    let cert_pem = fs::read(cert).map_err(|e| TlsError::Read(cert.to_path_buf(), e))?;
    let key_pem = fs::read(key).map_err(|e| TlsError::Read(key.to_path_buf(), e))?;
    let pin = pin_of_pem(&cert_pem).ok_or_else(|| TlsError::NoCertificate(cert.to_path_buf()))??;
    Ok(RelayCertificate { cert_pem, key_pem, pin })
}

fn pin_of_pem(pem: &[u8]) -> Option<Result<CertPin, nextdate_protocol::PinError>> {
    let first = CertificateDer::pem_slice_iter(pem).next()?.ok()?;
    Some(CertPin::of_certificate(&first))
}

/// The relay's own certificate in `dir` (`relay-cert.pem`, `relay-key.pem`),
/// made on first use for `names` and the loopback names, then kept.
pub fn own(dir: &Path, names: &[String]) -> Result<RelayCertificate, TlsError> {
    let (cert, key) = (dir.join("relay-cert.pem"), dir.join("relay-key.pem"));
    if cert.exists() && key.exists() {
        return load(&cert, &key);
    }
    fs::create_dir_all(dir).map_err(|e| TlsError::Write(dir.to_path_buf(), e))?;
    let mut all: Vec<String> = names.to_vec();
    all.extend(LOOPBACK_NAMES.iter().map(|n| n.to_string()));
    let made = rcgen::generate_simple_self_signed(all).map_err(|e| TlsError::Generate(e.to_string()))?;
    let key_pem = made.key_pair.serialize_pem().into_bytes();
    let cert_pem = made.cert.pem().into_bytes();
    write_private(&key, &key_pem)?;
    fs::write(&cert, &cert_pem).map_err(|e| TlsError::Write(cert.clone(), e))?;
    let pin = CertPin::of_certificate(made.cert.der())?;
    Ok(RelayCertificate { cert_pem, key_pem, pin })
}

/// Writes a file only its owner can read (created that way, never widened).
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), TlsError> {
    use std::io::Write;
    let mut opts = fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f = opts.open(path).map_err(|e| TlsError::Write(path.to_path_buf(), e))?;
    f.write_all(bytes)
        .and_then(|_| f.sync_all())
        .map_err(|e| TlsError::Write(path.to_path_buf(), e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_own_certificate_is_made_once_and_keeps_its_pin() {
        let tmp = tempfile::tempdir().unwrap();
        let first = own(tmp.path(), &["relay.office.lan".into()]).unwrap();
        let again = own(tmp.path(), &[]).unwrap();
        assert_eq!(first.pin, again.pin, "the same certificate after a restart");
        assert_eq!(first.cert_pem, again.cert_pem);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(tmp.path().join("relay-key.pem"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "the key is private");
        }
        let other = own(&tmp.path().join("other"), &[]).unwrap();
        assert_ne!(other.pin, first.pin, "another relay, another key");
    }

    #[test]
    fn a_file_without_a_certificate_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let (c, k) = (tmp.path().join("c.pem"), tmp.path().join("k.pem"));
        fs::write(&c, "not pem").unwrap();
        fs::write(&k, "not pem").unwrap();
        assert!(matches!(load(&c, &k), Err(TlsError::NoCertificate(_))));
    }
}
