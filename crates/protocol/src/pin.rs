//! Certificate pins: how a device knows its relay without a public
//! certificate authority. A pin is the SHA-256 of the relay certificate's
//! public key (its DER SubjectPublicKeyInfo, as in RFC 7469), so a relay that
//! renews its certificate with the same key keeps its pin. An office relay
//! makes its own certificate; the invite carries the pin, and devices accept
//! the relay's TLS connection only when the certificate's key hashes to it.
//!
//! Text form: `sha256:` and the hash in unpadded base64url (43 characters).

use sha2::{Digest, Sha256};

const PREFIX: &str = "sha256:";

/// The SHA-256 of a certificate's public key.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct CertPin(pub [u8; 32]);

/// Why a pin or a certificate could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PinError {
    #[error("{0:?} is not a certificate pin (it looks like sha256: and 43 letters and digits)")]
    Malformed(String),
    #[error("the certificate could not be read: {0}")]
    BadCertificate(String),
}

impl CertPin {
    /// The pin of a DER-encoded X.509 certificate.
    pub fn of_certificate(der: &[u8]) -> Result<CertPin, PinError> {
        let der = rustls_pki_types::CertificateDer::from(der);
        let cert = webpki::EndEntityCert::try_from(&der).map_err(|e| PinError::BadCertificate(format!("{e:?}")))?;
        Ok(CertPin(Sha256::digest(cert.subject_public_key_info().as_ref()).into()))
    }

    /// Reads the text form (`sha256:…`).
    pub fn parse(text: &str) -> Result<CertPin, PinError> {
        let malformed = || PinError::Malformed(text.trim().to_string());
        let body = text.trim().strip_prefix(PREFIX).ok_or_else(malformed)?;
        let raw = data_encoding::BASE64URL_NOPAD
            .decode(body.as_bytes())
            .map_err(|_| malformed())?;
        Ok(CertPin(raw.try_into().map_err(|_| malformed())?))
    }
}

impl std::fmt::Display for CertPin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{PREFIX}{}", data_encoding::BASE64URL_NOPAD.encode(&self.0))
    }
}

impl std::fmt::Debug for CertPin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CertPin({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pin_reads_back_from_its_text_and_bad_text_is_refused() {
        let pin = CertPin([7; 32]);
        let text = pin.to_string();
        assert!(text.starts_with("sha256:") && text.len() == 7 + 43, "{text}");
        assert_eq!(CertPin::parse(&format!("  {text} ")).unwrap(), pin);
        for bad in ["", "sha256:", "md5:abc", "sha256:!!!!", &text[..text.len() - 1]] {
            assert!(matches!(CertPin::parse(bad), Err(PinError::Malformed(_))), "{bad:?}");
        }
    }

    #[test]
    fn garbage_is_not_a_certificate() {
        assert!(matches!(
            CertPin::of_certificate(b"not a certificate"),
            Err(PinError::BadCertificate(_))
        ));
    }
}
