//! Challenge proofs: how a device shows the relay it holds a device's Ed25519
//! key. The relay issues a fresh nonce ([`crate::frame::Frame::Challenge`]); the
//! device signs [`proof_message`], which binds the nonce to the chamber and to
//! what the proof is for, so one proof cannot be replayed for another purpose.

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

/// Proof that the sender holds a device's Ed25519 key: a signature over a
/// challenge the relay issued, bound to what it is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proof {
    pub device: [u8; 32],
    pub nonce: [u8; 32],
    /// Ed25519 signature (64 bytes) over [`proof_message`].
    pub signature: Vec<u8>,
}

/// What a proof is for; part of the signed message so one proof cannot be replayed for another purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProofPurpose {
    Authenticate,
    RegisterChamber,
    Join,
}

/// The exact bytes a device signs to answer a challenge.
pub fn proof_message(purpose: ProofPurpose, chamber: &str, nonce: &[u8; 32]) -> Vec<u8> {
    let mut m = b"nextdate-relay-proof-v1\0".to_vec();
    m.push(purpose as u8);
    m.extend_from_slice(&(chamber.len() as u32).to_be_bytes());
    m.extend_from_slice(chamber.as_bytes());
    m.extend_from_slice(nonce);
    m
}

/// Answers a challenge with a device's signing key.
pub fn sign_proof(key: &SigningKey, purpose: ProofPurpose, chamber: &str, nonce: [u8; 32]) -> Proof {
    let sig = key.sign(&proof_message(purpose, chamber, &nonce));
    Proof {
        device: key.verifying_key().to_bytes(),
        nonce,
        signature: sig.to_bytes().to_vec(),
    }
}

/// Checks a proof (the relay does, before it opens a session).
pub fn verify_proof(proof: &Proof, purpose: ProofPurpose, chamber: &str) -> bool {
    let Ok(key) = VerifyingKey::from_bytes(&proof.device) else {
        return false;
    };
    let Ok(sig) = Signature::from_slice(&proof.signature) else {
        return false;
    };
    key.verify_strict(&proof_message(purpose, chamber, &proof.nonce), &sig)
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proofs_verify_only_for_their_purpose_and_chamber() {
        let key = SigningKey::from_bytes(&[21; 32]);
        let proof = sign_proof(&key, ProofPurpose::Join, "C1", [4; 32]);
        assert!(verify_proof(&proof, ProofPurpose::Join, "C1"));
        assert!(!verify_proof(&proof, ProofPurpose::Authenticate, "C1"));
        assert!(!verify_proof(&proof, ProofPurpose::Join, "C2"));
        let mut forged = proof.clone();
        forged.nonce[0] ^= 1;
        assert!(!verify_proof(&forged, ProofPurpose::Join, "C1"));
        forged = proof;
        forged.signature.truncate(10);
        assert!(!verify_proof(&forged, ProofPurpose::Join, "C1"));
    }
}
