//! TLS to the relay, in one place for HTTP requests and the live socket. A
//! relay known by its certificate pin (an office relay with its own
//! certificate; the invite carries the pin) is accepted only when the
//! certificate's public key hashes to that pin, whatever name or authority it
//! shows; a relay without a pin must show a certificate from a public
//! certificate authority for its name. The TLS handshake's signatures are
//! checked either way, so only the holder of the pinned key can answer.

use std::sync::Arc;

use nextdate_protocol::CertPin;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};

/// What a refused pinned certificate says, so the refusal can be told apart
/// from the network failing (see [`is_pin_mismatch`]).
pub(crate) const PIN_MISMATCH: &str = "the relay's certificate is not the one this chamber pinned";

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The TLS settings for a relay: pinned when `pin` is given, else public CAs.
pub fn client_config(pin: Option<CertPin>) -> Arc<rustls::ClientConfig> {
    let provider = provider();
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .expect("ring supports the default TLS versions");
    let config = match pin {
        Some(pin) => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(PinnedVerifier {
                pin,
                algorithms: provider.signature_verification_algorithms,
            }))
            .with_no_client_auth(),
        None => builder
            .with_root_certificates(rustls::RootCertStore::from_iter(
                webpki_roots::TLS_SERVER_ROOTS.iter().cloned(),
            ))
            .with_no_client_auth(),
    };
    Arc::new(config)
}

/// Whether an error's words say the relay's certificate did not match the pin.
pub(crate) fn is_pin_mismatch(words: &str) -> bool {
    words.contains(PIN_MISMATCH)
}

/// Accepts exactly the certificate whose public key hashes to `pin`.
#[derive(Debug)]
struct PinnedVerifier {
    pin: CertPin,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for PinnedVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match CertPin::of_certificate(end_entity) {
            Ok(pin) if pin == self.pin => Ok(ServerCertVerified::assertion()),
            Ok(pin) => Err(rustls::Error::General(format!("{PIN_MISMATCH} (it has {pin})"))),
            Err(e) => Err(rustls::Error::General(format!("{PIN_MISMATCH} ({e})"))),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}
