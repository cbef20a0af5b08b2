//! Managing the chamber's members from a laptop that syncs: a role change is
//! a change to the chamber document (checked and judged like any other, see
//! `nextdate_diary::authorize`), and, made on the admin device, it also tells
//! the relay whether the member's devices may push (a viewer's may not).

use nextdate_diary::roles::Role;
use nextdate_diary::Diary;

use crate::client::RelayClient;
use crate::engine::{load_config, sync_now};
use crate::error::SyncError;

/// Gives `member_id` the role `role`, then syncs so every laptop learns it.
pub fn set_role(d: &mut Diary, member_id: &str, role: Role) -> Result<(), SyncError> {
    d.set_member_role(member_id, role)?;
    if d.sync_state("relay")?.is_none() {
        return Ok(());
    }
    if d.sync_state("admin")?.as_deref() == Some("1") {
        let cfg = load_config(d)?;
        let mut client = RelayClient::new(&cfg.relay, cfg.pin)?;
        client.authenticate(&cfg.keys, &cfg.chamber)?;
        for device in d.chamber_members()?.iter().filter(|m| m.member_id == member_id) {
            let Some(key) = hex32(&device.signing_key) else {
                continue;
            };
            if key != cfg.keys.public() {
                client.set_device_access(key, role == Role::Viewer)?;
            }
        }
    }
    sync_now(d)?;
    Ok(())
}

fn hex32(s: &str) -> Option<[u8; 32]> {
    data_encoding::HEXLOWER.decode(s.as_bytes()).ok()?.try_into().ok()
}
