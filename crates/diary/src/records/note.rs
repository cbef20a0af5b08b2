//! Notes on a case, private or visible to the client: adding one, correcting
//! its text or who may see it, and removing it.
use serde::{Deserialize, Serialize};

use super::child::ChildKind;
use super::corrected::{first_words, quoted, Corrected};
use crate::diary::Diary;
use crate::error::{DiaryError, Result};
use crate::model::*;
use crate::validate::required_text;
use crate::write::{new_id, now_rfc3339, WriteTxn};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct NewNote {
    pub text: String,
    pub client_visible: bool,
}

/// A correction of a note: its text, whether the client may see it, or both.
/// Nothing given is [`DiaryError::NothingToChange`].
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct NoteEdit {
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub client_visible: Option<bool>,
}

impl Diary {
    pub fn add_note(&mut self, case_id: &str, n: NewNote) -> Result<String> {
        self.write(|w| w.add_note(case_id, n))
    }
    pub fn edit_note(&mut self, case_id: &str, note_id: &str, e: NoteEdit) -> Result<Corrected> {
        self.write(|w| w.edit_note(case_id, note_id, e))
    }
    pub fn remove_note(&mut self, case_id: &str, note_id: &str) -> Result<Corrected> {
        self.write(|w| w.remove_note(case_id, note_id))
    }
}

fn visibility(client_visible: bool) -> &'static str {
    if client_visible {
        "client-visible"
    } else {
        "private"
    }
}

impl WriteTxn<'_> {
    pub fn add_note(&mut self, case_id: &str, n: NewNote) -> Result<String> {
        let text = required_text(&n.text, "note text")?;
        let author = self.author.member_id.clone();
        self.change::<CaseDoc, _>(case_id, DocKind::Case, |c, _| {
            let id = new_id();
            let vis = visibility(n.client_visible);
            c.notes.insert(
                id.clone(),
                Note {
                    text,
                    client_visible: n.client_visible,
                    author,
                    at: now_rfc3339(),
                    ..Default::default()
                },
            );
            Ok((id, format!("Added a {vis} note")))
        })
    }

    /// Runs `f` on note `note_id` of `case_id` after checking it is there and not removed.
    fn change_note(&mut self, case_id: &str, note_id: &str, f: impl FnOnce(&mut Note) -> String) -> Result<Corrected> {
        self.check_child(case_id, ChildKind::Note, note_id)?;
        self.change::<CaseDoc, _>(case_id, DocKind::Case, |c, _| {
            let n = c.notes.get_mut(note_id).ok_or_else(|| DiaryError::UnknownId {
                kind: "note",
                id: note_id.into(),
            })?;
            let msg = f(n);
            Ok((Corrected::new(note_id, case_id, msg.clone()), msg))
        })
    }

    /// Corrects a note's text or whether the client may see it.
    pub fn edit_note(&mut self, case_id: &str, note_id: &str, e: NoteEdit) -> Result<Corrected> {
        if e.text.is_none() && e.client_visible.is_none() {
            return Err(DiaryError::NothingToChange("note"));
        }
        let text = e.text.as_deref().map(|t| required_text(t, "note text")).transpose()?;
        self.change_note(case_id, note_id, |n| {
            let was = quoted(&first_words(&n.text));
            let mut parts = Vec::new();
            if let Some(text) = text.filter(|t| *t != n.text) {
                parts.push(format!("text changed to {}", quoted(&first_words(&text))));
                n.text = text;
            }
            if let Some(v) = e.client_visible.filter(|v| *v != n.client_visible) {
                parts.push(
                    if v {
                        "made visible to the client"
                    } else {
                        "made private"
                    }
                    .to_string(),
                );
                n.client_visible = v;
            }
            if parts.is_empty() {
                String::new()
            } else {
                format!("Note {was}: {}", parts.join("; "))
            }
        })
    }

    /// Removes a note: it leaves the case page and the search, and stays in
    /// the case's document marked removed (so the removal merges and can be undone).
    pub fn remove_note(&mut self, case_id: &str, note_id: &str) -> Result<Corrected> {
        self.change_note(case_id, note_id, |n| {
            n.removed_at = Some(now_rfc3339());
            format!(
                "Removed {} note {}",
                visibility(n.client_visible),
                quoted(&first_words(&n.text))
            )
        })
    }
}
