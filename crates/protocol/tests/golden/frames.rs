//! One frame of every kind, with recognisable contents: what `golden.rs`
//! compares with the fixture of each frame kind.

use nextdate_protocol::frame::{ErrorCode, Frame, Proof, StoredBatch, PROTOCOL_VERSION};

use super::CHAMBER;

/// One frame of every kind, with recognisable contents.
pub fn frames() -> Vec<Frame> {
    let proof = Proof {
        device: [3; 32],
        nonce: [4; 32],
        signature: vec![5; 64],
    };
    let chamber = || CHAMBER.to_string();
    vec![
        Frame::Hello {
            version: PROTOCOL_VERSION,
            device: [7; 32],
        },
        Frame::Challenge { nonce: [8; 32] },
        Frame::Authenticate {
            chamber: chamber(),
            proof: proof.clone(),
        },
        Frame::RegisterChamber {
            chamber: chamber(),
            proof: proof.clone(),
        },
        Frame::Join {
            chamber: chamber(),
            token: [9; 32],
            proof,
        },
        Frame::Session {
            token: [10; 32],
            chamber: chamber(),
            admin: true,
        },
        Frame::CreateInvite {
            token_hash: [11; 32],
            expires_at: 1_900_000_000,
        },
        Frame::Push {
            batch_id: [12; 16],
            envelope: vec![1, 2, 3, 250],
        },
        Frame::Pushed {
            seq: 300,
            duplicate: false,
        },
        Frame::Pull { after: 299, limit: 200 },
        Frame::Batches {
            items: vec![
                StoredBatch {
                    seq: 300,
                    envelope: vec![6; 5],
                },
                StoredBatch {
                    seq: 301,
                    envelope: vec![],
                },
            ],
            latest: 301,
        },
        Frame::Notify { latest: 70000 },
        Frame::PutBlob {
            id: [13; 32],
            bytes: vec![0, 255],
        },
        Frame::GetBlob { id: [14; 32] },
        Frame::Blob { bytes: vec![1; 3] },
        Frame::HasBlobs {
            ids: vec![[15; 32], [16; 32]],
        },
        Frame::BlobsPresent {
            present: vec![true, false],
        },
        Frame::ChamberStatus,
        Frame::ChamberInfo {
            devices: 3,
            latest: 301,
        },
        Frame::Done,
        Frame::error(ErrorCode::BadToken, "the invite token has already been used"),
        Frame::RequestAdmission { request: vec![11; 40] },
        Frame::ListAdmissions,
        Frame::Admissions {
            requests: vec![nextdate_protocol::frame::AdmissionRequest {
                device: [12; 32],
                request: vec![13; 40],
            }],
        },
        Frame::Admit {
            device: [12; 32],
            grant: vec![14; 48],
            read_only: true,
        },
        Frame::FetchAdmission,
        Frame::Admission {
            grant: Some(vec![14; 48]),
        },
        Frame::SetDeviceAccess {
            device: [12; 32],
            read_only: false,
        },
        Frame::Rotate {
            removed: vec![[15; 32]],
            epoch: 2,
            grants: vec![nextdate_protocol::frame::KeyGrant {
                device: [12; 32],
                sealed: vec![16; 80],
            }],
        },
        Frame::FetchKeys { after: 1 },
        Frame::Keys {
            epoch: 2,
            grants: vec![nextdate_protocol::frame::SealedKey {
                epoch: 2,
                sealed: vec![16; 80],
            }],
        },
        Frame::PutLink {
            id: [21; 16],
            sealed: vec![22; 60],
            expires_at: Some(1_800_000_000),
            files: vec![[23; 16]],
        },
        Frame::PutLinkFile {
            link: [21; 16],
            file: [23; 16],
            sealed: vec![24; 40],
        },
        Frame::HasLinkFiles {
            link: [21; 16],
            files: vec![[23; 16], [25; 16]],
        },
        Frame::RevokeLink { id: [21; 16] },
        Frame::ListLinks,
        Frame::Links {
            items: vec![nextdate_protocol::frame::LinkInfo {
                id: [21; 16],
                created_at: 1_790_000_000,
                updated_at: 1_790_000_500,
                expires_at: None,
                revoked_at: Some(1_790_001_000),
                fetches: 7,
            }],
        },
        Frame::RegisterChamberWithToken {
            chamber: CHAMBER.to_string(),
            token: [22; 32],
            proof: Proof {
                device: [3; 32],
                nonce: [4; 32],
                signature: vec![5; 64],
            },
        },
    ]
}
