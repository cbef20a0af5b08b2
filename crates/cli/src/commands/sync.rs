//! `nextdate sync …`: chamber sync through a relay — set up, invite, join,
//! sync now, status — by `nextdate-sync`'s engine.

use nextdate_diary::{Diary, DiaryError, Zeroizing};
use nextdate_sync::{engine, SyncError};

use crate::args::SyncCmd;
use crate::output::Out;
use crate::progress_bar;

pub fn run(diary: &mut Diary, cmd: SyncCmd, out: &Out) -> Result<(), SyncError> {
    match cmd {
        SyncCmd::Init { relay, pin, token } => {
            let pin = pin.map(|p| nextdate_sync::protocol::CertPin::parse(&p)).transpose()?;
            let report = engine::init(diary, &relay, pin, token.as_deref())?;
            // With --json the report alone is printed (one JSON document).
            if !out.json {
                out.ok(&format!(
                    "this diary is now chamber {} on {}",
                    diary.chamber_id(),
                    engine::status(diary)?.relay.unwrap_or_default()
                ));
            }
            out.synced(&report);
        }
        SyncCmd::Invite { role, hours, qr } => {
            let ttl = std::time::Duration::from_secs(u64::from(hours.max(1)) * 3600);
            let made = nextdate_sync::joining::invite(diary, ttl, role)?;
            out.invite(&made.invite, role, qr);
        }
        SyncCmd::Join { code, label } => {
            let code = if code == "-" {
                let mut s = String::new();
                std::io::stdin().read_line(&mut s).map_err(DiaryError::from)?;
                Zeroizing::new(s)
            } else {
                Zeroizing::new(code)
            };
            let report = nextdate_sync::joining::join(diary, &code, &label)?;
            if !out.json {
                if report.awaiting_admission {
                    out.ok(&format!(
                        "asked to join chamber {}; this laptop syncs once the chamber's admin laptop has synced and let it in (run `nextdate sync now` then)",
                        diary.chamber_id()
                    ));
                } else {
                    out.ok(&format!("joined chamber {}", diary.chamber_id()));
                }
            }
            out.synced(&report);
        }
        SyncCmd::Now { attempts } => {
            let report = progress_bar::run(|p| engine::sync_with_retry_with_progress(diary, attempts.max(1), p))?;
            out.synced(&report);
        }
        SyncCmd::Status => out.sync_status(&engine::status(diary)?),
        SyncCmd::Members => out.members(&engine::status(diary)?.devices),
        SyncCmd::Role { member, role } => {
            let m = diary.find_member(&member)?;
            nextdate_sync::members::set_role(diary, &m.id, role)?;
            out.ok(&format!("{} is now {}", m.name, role.with_article()));
        }
        SyncCmd::Remove { device } => {
            let removal = nextdate_sync::rotation::remove(diary, &device)?;
            if !out.json {
                out.ok(&format!(
                    "removed {}; the chamber key is now epoch {}, sealed to every other laptop",
                    removal.removed.join(", "),
                    removal.epoch
                ));
            }
            out.synced(&removal.report);
        }
    }
    Ok(())
}
