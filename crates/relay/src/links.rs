//! Status link requests from a chamber's devices: storing a link's sealed
//! snapshot and documents, asking which documents are held, revoking, and
//! listing the chamber's links with their fetch counts. A viewer's
//! (read-only) device may list but not change links. What a browser gets is
//! in [`crate::viewer`].

use nextdate_protocol::frame::{ErrorCode, Frame, MAX_PULL};
use nextdate_protocol::status_link::{MAX_LINK_FILES, MAX_SNAPSHOT_BYTES};

use crate::handler::{now_secs, refuse, short, store_error, Relay, SessionInfo};

/// Whether `frame` is a link request (handled by [`Relay::handle_link`]).
pub(crate) fn is_link_request(frame: &Frame) -> bool {
    matches!(
        frame,
        Frame::PutLink { .. }
            | Frame::PutLinkFile { .. }
            | Frame::HasLinkFiles { .. }
            | Frame::RevokeLink { .. }
            | Frame::ListLinks
    )
}

impl Relay {
    /// One link request from an authenticated device.
    pub(crate) fn handle_link(&self, frame: Frame, s: &SessionInfo, blob_route: bool) -> Frame {
        let changes = !matches!(frame, Frame::ListLinks | Frame::HasLinkFiles { .. });
        if changes && s.read_only {
            return refuse(
                ErrorCode::Forbidden,
                "this device may read the chamber but not change its status links (a viewer)",
            );
        }
        let now = now_secs();
        let done = |r: Result<(), crate::StoreError>| r.map(|()| Frame::Done).unwrap_or_else(store_error);
        match frame {
            Frame::PutLink {
                id,
                sealed,
                expires_at,
                files,
            } => {
                if sealed.len() > MAX_SNAPSHOT_BYTES {
                    refuse(
                        ErrorCode::TooLarge,
                        format!("a status link's snapshot may be at most {MAX_SNAPSHOT_BYTES} bytes"),
                    )
                } else if files.len() > MAX_LINK_FILES {
                    refuse(
                        ErrorCode::TooLarge,
                        format!("a status link carries at most {MAX_LINK_FILES} documents"),
                    )
                } else {
                    tracing::info!(chamber = %s.chamber, device = %short(&s.device), bytes = sealed.len(), "status link stored");
                    done(self.storage.put_link(&s.chamber, &id, &sealed, expires_at, &files, now))
                }
            }
            Frame::PutLinkFile { .. } if !blob_route => refuse(ErrorCode::Unexpected, "link documents go to /v1/blob"),
            Frame::PutLinkFile { link, file, sealed } => {
                done(self.storage.put_link_file(&s.chamber, &link, &file, &sealed, now))
            }
            Frame::HasLinkFiles { link, files } => {
                if files.len() > MAX_PULL as usize {
                    refuse(ErrorCode::TooLarge, "ask about at most 1000 documents at once")
                } else {
                    match self.storage.link_files_present(&s.chamber, &link, &files) {
                        Ok(present) => Frame::BlobsPresent { present },
                        Err(e) => store_error(e),
                    }
                }
            }
            Frame::RevokeLink { id } => {
                tracing::info!(chamber = %s.chamber, device = %short(&s.device), "status link revoked");
                done(self.storage.revoke_link(&s.chamber, &id, now))
            }
            Frame::ListLinks => match self.storage.chamber_links(&s.chamber) {
                Ok(items) => Frame::Links { items },
                Err(e) => store_error(e),
            },
            other => refuse(ErrorCode::Unexpected, format!("{} is not a link request", other.name())),
        }
    }
}
