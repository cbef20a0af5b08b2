//! The recovery sheet: one page to print at setup and keep in the office, with
//! what a new laptop needs to bring the diary back: the diary's name, the
//! recovery key (unlocks this laptop's diary when its passphrase or keyring is
//! lost) and the backup identity (opens the automatic backups, and is kept
//! nowhere else), each as text and as a QR code, and the three steps to
//! restore. The secrets reach the template as JSON strings, never as markup,
//! and the PDF is produced in memory; writing it is the caller's choice.

use chrono::NaiveDateTime;
use nextdate_diary::dates::format_dmy;
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};
use serde::Serialize;

use crate::{layout_error, Paper, PrintError};

/// What goes on the sheet.
pub struct SheetInput<'a> {
    pub diary_name: &'a str,
    pub advocate: &'a str,
    /// `ND1-…`, as made at setup or with a new sheet.
    pub recovery_key: &'a str,
    /// `AGE-SECRET-KEY-1…`, the private half of the backup key.
    pub backup_identity: &'a str,
    /// Where automatic backups go, if a folder was picked.
    pub backup_folder: Option<&'a str>,
    /// When the sheet was made (local time).
    pub made_at: NaiveDateTime,
    pub paper: Paper,
}

/// A laid-out recovery sheet.
pub type RecoverySheet = crate::printed::Printed;

#[derive(Serialize)]
struct Data {
    paper: &'static str,
    diary: String,
    advocate: String,
    made: String,
    recovery_key: String,
    recovery_qr: String,
    identity_lines: Vec<String>,
    identity_qr: String,
    folder: String,
}

/// A QR code of `text` as SVG (medium error correction: a creased or
/// smudged sheet still reads).
fn qr_svg(text: &str) -> Result<String, PrintError> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).map_err(layout_error)?;
    Ok(code
        .render::<svg::Color<'_>>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build())
}

/// The identity in lines of groups, easy to copy by hand and to read back.
fn identity_lines(identity: &str) -> Vec<String> {
    let chars: Vec<char> = identity.chars().collect();
    let (head, tail) = chars.split_at(identity.find("1").map_or(0, |i| i + 1).min(chars.len()));
    let groups: Vec<String> = tail.chunks(6).map(|g| g.iter().collect()).collect();
    let mut lines = vec![head.iter().collect::<String>()];
    lines.extend(groups.chunks(5).map(|l| l.join(" ")));
    lines
}

/// Lays out the recovery sheet.
pub fn recovery_sheet(input: &SheetInput<'_>) -> Result<RecoverySheet, PrintError> {
    let data = Data {
        paper: match input.paper {
            Paper::A4 => "a4",
            Paper::Letter => "us-letter",
        },
        diary: input.diary_name.to_string(),
        advocate: input.advocate.to_string(),
        made: format!("{} {}", format_dmy(input.made_at.date()), input.made_at.format("%H:%M")),
        recovery_key: input.recovery_key.to_string(),
        recovery_qr: qr_svg(input.recovery_key)?,
        identity_lines: identity_lines(input.backup_identity),
        identity_qr: qr_svg(input.backup_identity)?,
        folder: input.backup_folder.unwrap_or("").to_string(),
    };
    crate::printed::Printed::lay_out(include_str!("recovery_sheet.typ"), &data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_identity_splits_into_groups_that_join_back() {
        let id = "AGE-SECRET-KEY-1QQPQZYG5Y9XJ4N2J8KDLKFJW6ZV2JRRS5RYQ7DNF3C6HNVQMSEHSYXE8EV";
        let lines = identity_lines(id);
        assert_eq!(lines[0], "AGE-SECRET-KEY-1");
        assert!(lines[1..].iter().all(|l| l.len() <= 34), "{lines:?}");
        let joined: String = lines.concat().chars().filter(|c| *c != ' ').collect();
        assert_eq!(joined, id);
    }
}
