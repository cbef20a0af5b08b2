//! Printing a new or restored diary (with its recovery key and backup identity,
//! shown once), a new recovery sheet, and automatic backups.

use std::path::Path;

use nextdate_diary::auto_backup::{AutoBackupRun, AutoBackupStatus};
use nextdate_diary::backup::Restored;
use nextdate_diary::KeyMode;
use serde_json::json;

use super::Out;

fn print_secrets(recovery: &str, identity: &str) {
    println!("Recovery key (shown only now; write it down and keep it somewhere safe):");
    println!();
    println!("    {recovery}");
    println!();
    println!("It unlocks the diary if the keyring entry or the passphrase is ever lost:");
    println!("    nextdate --recovery-key 'ND1-…' board");
    println!();
    println!("Backup identity (opens the automatic backups; kept nowhere else, shown only now):");
    println!();
    println!("    {identity}");
}

impl Out {
    pub fn init(&self, dir: &Path, mode: KeyMode, recovery: &str, identity: &str, sheet: Option<&Path>) {
        if self.json {
            println!(
                "{}",
                json!({ "diary": dir, "key_mode": mode.as_str(), "recovery_key": recovery,
                        "backup_identity": identity, "recovery_sheet": sheet })
            );
        } else {
            println!("Created a new diary in {}", dir.display());
            println!(
                "Its key is kept in the {}.",
                match mode {
                    KeyMode::Keyring => "OS keyring",
                    KeyMode::Passphrase => "passphrase you chose",
                }
            );
            println!();
            print_secrets(recovery, identity);
            println!();
            match sheet {
                Some(path) => println!(
                    "Both are on the recovery sheet {}: print it and keep it locked away.",
                    path.display()
                ),
                None => println!(
                    "Print them on a recovery sheet with `nextdate recovery-sheet -o sheet.pdf` (this makes new ones)."
                ),
            }
        }
    }

    /// A restored diary: what came back, its new secrets, and where a replaced diary went.
    pub fn restored(&self, dir: &Path, r: &Restored) {
        let (recovery, docs, blobs) = (r.recovery_key.as_str(), r.summary.docs, r.summary.blobs);
        if self.json {
            let mut v = json!({ "diary": dir, "recovery_key": recovery, "backup_identity": r.backup_identity.as_str(),
                                "documents": docs, "attachments": blobs });
            if let Some(aside) = &r.replaced_dir {
                v["replaced_dir"] = json!(aside);
            }
            println!("{v}");
        } else {
            println!(
                "Restored {docs} documents and {blobs} attachments into {}",
                dir.display()
            );
            println!();
            print_secrets(recovery, &r.backup_identity);
            if let Some(note) = r.replaced_message() {
                println!();
                println!("{note}");
            }
        }
    }

    pub fn recovery_sheet(&self, path: &Path, recovery: &str, identity: &str) {
        if self.json {
            println!(
                "{}",
                json!({ "path": path, "recovery_key": recovery, "backup_identity": identity })
            );
        } else {
            println!(
                "Wrote the new recovery sheet to {}: print it and keep it locked away.",
                path.display()
            );
            println!("The old recovery key no longer opens this diary; automatic backups made");
            println!("before now still need the old sheet's backup identity.");
            println!();
            print_secrets(recovery, identity);
        }
    }

    pub fn auto_backup(&self, run: &AutoBackupRun) {
        if self.json {
            self.print_json(run);
            return;
        }
        match &run.written {
            Some(path) => println!(
                "backed up {} documents and {} attachments to {} ({} bytes, age-encrypted)",
                run.documents, run.attachments, path, run.bytes
            ),
            None => println!("no backup due: one was already made today"),
        }
        for path in &run.deleted {
            println!("deleted the older backup {path}");
        }
    }

    pub fn auto_backup_status(&self, s: &AutoBackupStatus) {
        if self.json {
            self.print_json(s);
            return;
        }
        match &s.folder {
            None => println!("Automatic backups: off (pick a folder with `nextdate backup settings --folder DIR`)"),
            Some(f) => println!(
                "Automatic backups: to {f}{}",
                if s.folder_present { "" } else { " (not there now)" }
            ),
        }
        println!(
            "Last backup: {}",
            s.last_success
                .as_deref()
                .map(|t| t.replace('T', " "))
                .unwrap_or_else(|| "never".into())
        );
        if let Some(e) = &s.last_error {
            println!("Last failure: {e}");
        }
        if s.folder.is_some() {
            println!("Due now: {}", if s.due { "yes" } else { "no" });
        }
        if let Some(w) = &s.warning {
            println!("Warning: {w}");
        }
    }
}
