//! Notes on a case, private or visible to the client.
use serde::{Deserialize, Serialize};

use crate::diary::Diary;
use crate::error::Result;
use crate::model::*;
use crate::validate::required_text;
use crate::write::{new_id, now_rfc3339, WriteTxn};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct NewNote {
    pub text: String,
    pub client_visible: bool,
}

impl Diary {
    pub fn add_note(&mut self, case_id: &str, n: NewNote) -> Result<String> {
        self.write(|w| w.add_note(case_id, n))
    }
}

impl WriteTxn<'_> {
    pub fn add_note(&mut self, case_id: &str, n: NewNote) -> Result<String> {
        let text = required_text(&n.text, "note text")?;
        let author = self.author.member_id.clone();
        self.change::<CaseDoc, _>(case_id, DocKind::Case, |c, _| {
            let id = new_id();
            let vis = if n.client_visible { "client-visible" } else { "private" };
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
}
