//! What a status link shows: built from the projection, and only from what a
//! client may see. For each case: the number and title, the court and bench,
//! status and stage, the next date and purpose (the client update's lines);
//! the notes and documents marked client-visible; and, when the advocate
//! chose them for this link, the outcomes of past hearings and the fee
//! statement (agreed, received, balance). Never a private note or document,
//! an assignment, a time entry, another client's case, or anything else.
//!
//! The snapshot is JSON in the link's language, with its own labels, so the
//! viewer page (which has no translations) only lays it out. Its bytes are
//! the same on every laptop for the same diary, so a laptop can tell whether
//! the sealed copy at the relay is still current by a hash of them.

use chrono::{NaiveDate, Utc};
use serde::Serialize;

use super::LinkRow;
use crate::client_update::{words, CaseUpdate, Language, UpdateLine, UpdateOptions};
use crate::dates::parse_iso;
use crate::diary::Diary;
use crate::error::Result;
use crate::money::format_money;

/// The snapshot's format; the viewer refuses others.
pub const SNAPSHOT_VERSION: u32 = 1;

/// The labels the viewer shows, in the link's language.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SnapshotWords {
    pub title: &'static str,
    /// The label of the next date's line, which the page shows larger.
    pub next_date: &'static str,
    pub updated: &'static str,
    pub outcomes: &'static str,
    pub notes: &'static str,
    pub documents: &'static str,
    pub fees: &'static str,
    pub download: &'static str,
    pub expires: &'static str,
}

fn snapshot_words(lang: Language) -> SnapshotWords {
    match lang {
        Language::En => SnapshotWords {
            title: "Case status",
            next_date: words::ENGLISH.next_date,
            updated: "Last updated",
            outcomes: "Hearings",
            notes: "Notes from your advocate",
            documents: "Documents",
            fees: "Fees",
            download: "Download",
            expires: "This link works until",
        },
        Language::Hi => SnapshotWords {
            title: "मुकदमे की स्थिति",
            next_date: words::HINDI.next_date,
            updated: "अंतिम अद्यतन",
            outcomes: "सुनवाइयाँ",
            notes: "आपके अधिवक्ता की टिप्पणियाँ",
            documents: "दस्तावेज़",
            fees: "शुल्क",
            download: "डाउनलोड करें",
            expires: "यह लिंक इस दिन तक खुलेगा:",
        },
    }
}

/// A client-visible document of a case.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SnapshotDocument {
    pub name: String,
    pub size: i64,
    pub media_type: String,
    /// The document's id within the link, set when it is sealed (its
    /// sealed bytes are fetched by it).
    pub file: String,
    /// The diary's document, to read its bytes when sealing.
    #[serde(skip)]
    pub document_id: String,
    /// Its content's SHA-256 (hex), from which its id within the link is made.
    #[serde(skip)]
    pub sha256: String,
}

/// One case as the link shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SnapshotCase {
    pub heading: String,
    pub lines: Vec<UpdateLine>,
    /// Past hearings with their outcomes, latest first (when shared).
    pub outcomes: Vec<UpdateLine>,
    /// Client-visible notes, oldest first, labelled by their day.
    pub notes: Vec<UpdateLine>,
    pub documents: Vec<SnapshotDocument>,
    /// Agreed, received and balance, per currency (when shared).
    pub fees: Vec<UpdateLine>,
}

/// Everything a status link shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Snapshot {
    pub v: u32,
    pub lang: Language,
    pub chamber: String,
    /// The client it is for, when there is exactly one.
    pub client: Option<String>,
    /// When it was last sealed with changed contents, in words of its
    /// language; empty until [`Snapshot::stamp`].
    pub updated: String,
    /// The last day the link opens, in words, if it expires.
    pub expires: Option<String>,
    pub words: SnapshotWords,
    pub cases: Vec<SnapshotCase>,
}

impl Snapshot {
    /// Every document of every case, to seal (and to fill in its `file`).
    pub fn documents_mut(&mut self) -> impl Iterator<Item = &mut SnapshotDocument> {
        self.cases.iter_mut().flat_map(|c| c.documents.iter_mut())
    }

    /// The snapshot as the bytes that are sealed.
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a snapshot is plain data")
    }

    /// A hash of what the snapshot shows, leaving out when it was stamped:
    /// equal hashes, nothing for the client has changed.
    pub fn content_hash(&self) -> [u8; 32] {
        use sha2::{Digest, Sha256};
        let unstamped = Snapshot {
            updated: String::new(),
            ..self.clone()
        };
        Sha256::digest(unstamped.to_json()).into()
    }

    /// Marks the snapshot as updated at `at`, in its language's words.
    pub fn stamp(&mut self, at: chrono::DateTime<Utc>) {
        let local = at.with_timezone(&chrono::Local);
        self.updated = format!(
            "{}, {}",
            words::day_and_date(local.date_naive(), self.lang),
            local.format("%H:%M")
        );
    }
}

fn day_words(iso: &str, lang: Language) -> String {
    parse_iso(iso)
        .map(|d| words::date(d, lang))
        .unwrap_or_else(|_| iso.to_string())
}

impl Diary {
    /// What link `link` shows on `today`.
    pub fn status_snapshot(&self, link: &LinkRow, today: NaiveDate) -> Result<Snapshot> {
        let lang = link.language;
        let update = self.client_update(
            &link.owner_id,
            &UpdateOptions {
                language: Some(lang),
                with_outcome: false,
            },
            today,
        )?;
        let mut cases = Vec::with_capacity(update.cases.len());
        for CaseUpdate {
            case_id,
            heading,
            lines,
        } in update.cases
        {
            cases.push(SnapshotCase {
                outcomes: if link.share_outcomes {
                    self.shared_outcomes(&case_id, lang)?
                } else {
                    Vec::new()
                },
                notes: self.visible_notes(&case_id, lang)?,
                documents: self.visible_documents(&case_id)?,
                fees: if link.share_fees {
                    self.fee_lines(&case_id, lang)?
                } else {
                    Vec::new()
                },
                heading,
                lines,
            });
        }
        Ok(Snapshot {
            v: SNAPSHOT_VERSION,
            lang,
            chamber: update.chamber,
            client: update.client,
            updated: String::new(),
            expires: link.expires_on.as_deref().map(|d| day_words(d, lang)),
            words: snapshot_words(lang),
            cases,
        })
    }

    /// Recorded hearings with an outcome, latest first.
    fn shared_outcomes(&self, case_id: &str, lang: Language) -> Result<Vec<UpdateLine>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT date, outcome FROM hearings
             WHERE case_id = ?1 AND recorded_at IS NOT NULL AND outcome IS NOT NULL AND trim(outcome) <> ''
             ORDER BY date DESC, id DESC",
        )?;
        let rows = stmt.query_map([case_id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        rows.map(|r| {
            let (date, outcome) = r?;
            Ok(UpdateLine {
                label: day_words(&date, lang),
                value: outcome.trim().to_string(),
            })
        })
        .collect()
    }

    /// Notes marked client-visible, oldest first.
    fn visible_notes(&self, case_id: &str, lang: Language) -> Result<Vec<UpdateLine>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT at, text FROM notes WHERE case_id = ?1 AND client_visible ORDER BY at, id")?;
        let rows = stmt.query_map([case_id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        rows.map(|r| {
            let (at, text) = r?;
            let day = chrono::DateTime::parse_from_rfc3339(&at)
                .map(|t| words::date(t.date_naive(), lang))
                .unwrap_or(at);
            Ok(UpdateLine {
                label: day,
                value: text,
            })
        })
        .collect()
    }

    /// Documents marked client-visible, by name.
    fn visible_documents(&self, case_id: &str) -> Result<Vec<SnapshotDocument>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, name, size, media_type, sha256 FROM documents
             WHERE case_id = ?1 AND client_visible ORDER BY name, id",
        )?;
        let rows = stmt.query_map([case_id], |r| {
            Ok(SnapshotDocument {
                document_id: r.get(0)?,
                name: r.get(1)?,
                size: r.get(2)?,
                media_type: r.get(3)?,
                sha256: r.get(4)?,
                file: String::new(),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Agreed, received and the balance, per currency.
    fn fee_lines(&self, case_id: &str, lang: Language) -> Result<Vec<UpdateLine>> {
        let (agreed, received, balance) = match lang {
            Language::En => ("Agreed", "Received", "Balance"),
            Language::Hi => ("तय शुल्क", "प्राप्त", "शेष"),
        };
        let mut out = Vec::new();
        for b in self.case_balance(case_id)? {
            for (label, amount) in [(agreed, b.agreed), (received, b.received), (balance, b.outstanding)] {
                out.push(UpdateLine {
                    label: label.to_string(),
                    value: format_money(amount, &b.currency),
                });
            }
        }
        Ok(out)
    }
}
