//! Encrypted attachments on the relay: sent as the raw body of
//! `PUT /v1/blobs/{id}` and fetched from `GET /v1/blobs/{id}`, which the
//! relay streams a part at a time, or, with a relay older than those routes,
//! as `PutBlob` and `GetBlob` frames on `/v1/blob`.

use std::io::Read;

use nextdate_protocol::frame::{ErrorCode, Frame, MAX_BLOB_BYTES, MAX_BLOB_FRAME_BYTES, MAX_FRAME_BYTES};

use super::{patiently, unexpected, RelayClient, FRAME_TYPE};
use crate::error::SyncError;

/// Whether the relay has no such route (a 404 or 405 that is not an error
/// frame): a relay from before the attachment routes.
fn no_such_route(sent: &Result<ureq::Response, ureq::Error>) -> bool {
    matches!(sent, Err(ureq::Error::Status(404 | 405, resp)) if resp.content_type() != FRAME_TYPE)
}

impl RelayClient {
    /// Stores an encrypted attachment: `PUT /v1/blobs/{id}` with the bytes
    /// as the body, which the relay streams to its storage a part at a time.
    /// It asks first (`HEAD`), since the relay answers a `PUT` it will not
    /// take before reading its body, which cuts a large upload short: nothing
    /// is sent when the relay already has it (a retry after a lost answer),
    /// and a relay older than that route gets a `PutBlob` frame.
    pub fn put_blob(&self, id: [u8; 32], bytes: Vec<u8>) -> Result<(), SyncError> {
        if bytes.len() > MAX_BLOB_BYTES {
            return Err(SyncError::Relay {
                code: ErrorCode::TooLarge,
                message: format!("an attachment may be at most {MAX_BLOB_BYTES} bytes"),
            });
        }
        match self.blob_stored(id)? {
            Some(true) => return Ok(()),
            Some(false) => {}
            None => {
                return match self.call(&Frame::PutBlob { id, bytes })? {
                    Frame::Done => Ok(()),
                    f => Err(unexpected("done", &f)),
                }
            }
        }
        let mut req = self.agent.put(&self.blob_url(&id)).set("content-type", FRAME_TYPE);
        if let Some(auth) = self.authorization() {
            req = req.set("authorization", &auth);
        }
        match patiently(|| self.finish(req.clone().send_bytes(&bytes), MAX_FRAME_BYTES))? {
            Frame::Done => Ok(()),
            f => Err(unexpected("done", &f)),
        }
    }

    /// An encrypted attachment, or `None` when the relay does not have it
    /// (yet): `GET /v1/blobs/{id}`, or a `GetBlob` frame to a relay older than that route.
    pub fn get_blob(&self, id: [u8; 32]) -> Result<Option<Vec<u8>>, SyncError> {
        let mut req = self.agent.get(&self.blob_url(&id));
        if let Some(auth) = self.authorization() {
            req = req.set("authorization", &auth);
        }
        // `None`: the relay has no such route.
        let fetched = patiently(|| match req.clone().call() {
            Ok(resp) => self.read_blob(resp).map(|bytes| Some(Some(bytes))),
            sent if no_such_route(&sent) => Ok(None),
            sent => match self.finish(sent, MAX_FRAME_BYTES) {
                Err(SyncError::Relay {
                    code: ErrorCode::NotFound,
                    ..
                }) => Ok(Some(None)),
                Err(e) => Err(e),
                Ok(f) => Err(unexpected("attachment", &f)),
            },
        })?;
        if let Some(blob) = fetched {
            return Ok(blob);
        }
        match self.call(&Frame::GetBlob { id }) {
            Ok(Frame::Blob { bytes }) => Ok(Some(bytes)),
            Ok(f) => Err(unexpected("blob", &f)),
            Err(SyncError::Relay {
                code: ErrorCode::NotFound,
                ..
            }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Whether the relay has this attachment (`HEAD /v1/blobs/{id}`); `None`
    /// when it has no such route (a relay older than it).
    fn blob_stored(&self, id: [u8; 32]) -> Result<Option<bool>, SyncError> {
        let mut req = self.agent.head(&self.blob_url(&id));
        if let Some(auth) = self.authorization() {
            req = req.set("authorization", &auth);
        }
        match req.call() {
            Ok(_) => Ok(Some(true)),
            Err(ureq::Error::Status(404, resp)) if resp.content_type() == FRAME_TYPE => Ok(Some(false)),
            sent if no_such_route(&sent) => Ok(None),
            // A refusal (whose words an answer to HEAD cannot carry), or no
            // answer: the same question as a frame is answered or refused in full.
            _ => Ok(Some(self.has_blobs(vec![id])?.first() == Some(&true))),
        }
    }

    /// Which of these attachments the relay has (at most 1000 at once).
    pub fn has_blobs(&self, ids: Vec<[u8; 32]>) -> Result<Vec<bool>, SyncError> {
        match self.call(&Frame::HasBlobs { ids })? {
            Frame::BlobsPresent { present } => Ok(present),
            f => Err(unexpected("blobs present", &f)),
        }
    }

    fn blob_url(&self, id: &[u8; 32]) -> String {
        format!("{}/v1/blobs/{}", self.base, data_encoding::HEXLOWER.encode(id))
    }

    /// An attachment's bytes from the relay's answer: all of the length it
    /// announced (a download cut short is an error), and no more than any
    /// attachment may be.
    fn read_blob(&self, resp: ureq::Response) -> Result<Vec<u8>, SyncError> {
        let announced: Option<usize> = resp.header("content-length").and_then(|v| v.parse().ok());
        let mut bytes = Vec::with_capacity(announced.unwrap_or(0).min(MAX_BLOB_FRAME_BYTES));
        resp.into_reader()
            .take(MAX_BLOB_FRAME_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| SyncError::Unreachable(self.base.clone(), e.to_string()))?;
        if bytes.len() > MAX_BLOB_FRAME_BYTES || announced.is_some_and(|n| n != bytes.len()) {
            return Err(SyncError::Protocol(format!(
                "the relay sent an attachment of {} bytes, announcing {announced:?}",
                bytes.len()
            )));
        }
        Ok(bytes)
    }
}
