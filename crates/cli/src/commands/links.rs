//! `nextdate link …`: giving, listing and revoking clients' status links
//! (the core's `status_links`, published through the sync engine).

use nextdate_diary::status_links::NewLink;
use nextdate_diary::Diary;
use nextdate_sync::{links, SyncError};

use super::today;
use crate::args::LinkCmd;
use crate::output::Out;

pub fn run(diary: &mut Diary, cmd: LinkCmd, out: &Out) -> Result<(), SyncError> {
    match cmd {
        LinkCmd::Create {
            id,
            expires,
            outcomes,
            fees,
            lang,
            qr,
        } => {
            let new = NewLink {
                expires_on: expires,
                share_outcomes: outcomes,
                share_fees: fees,
                language: lang,
            };
            let given = links::give(diary, &id, new, today())?;
            out.link_given(&given, qr);
        }
        LinkCmd::List { id } => out.links(&links::link_statuses(diary, id.as_deref(), today())?),
        LinkCmd::Revoke { link_id } => {
            let (row, told) = links::revoke(diary, &link_id, today())?;
            out.link_revoked(&row, told);
        }
    }
    Ok(())
}
