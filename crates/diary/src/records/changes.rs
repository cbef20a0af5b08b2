//! What a correction changed, field by field, with the old and the new value
//! in words. The history message of the change is made from it, the CLI
//! prints it (`--json` gives the fields) and the app can show it.

use serde::Serialize;

use super::child::{describe_change, sentence};

/// One field of a record before and after a correction; `None` is an empty
/// field. Case and client fields read as the shells show them (dates as
/// DD-MM-YYYY, people by name); a hearing's dates are ISO (`YYYY-MM-DD`), its
/// fields named `date`, `item`, `purpose`, `outcome` or `next_date`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FieldChange {
    pub field: String,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// What one correction changed and the history message it was written with.
/// No fields and an empty message: the record already read so, and nothing
/// was written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Changes {
    pub message: String,
    pub fields: Vec<FieldChange>,
}

impl Changes {
    /// Whether nothing changed (and so nothing was written).
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.message.is_empty()
    }

    /// Notes `field` if it differs between `old` and `new`.
    pub(crate) fn compare(&mut self, field: &str, old: Option<&str>, new: Option<&str>) {
        if old != new {
            self.fields.push(FieldChange {
                field: field.to_string(),
                from: old.map(str::to_string),
                to: new.map(str::to_string),
            });
        }
    }

    /// Each changed field in words ("court changed from … to …").
    pub(crate) fn words(&self) -> Vec<String> {
        self.fields
            .iter()
            .filter_map(|f| describe_change(&f.field, f.from.as_deref(), f.to.as_deref()))
            .collect()
    }

    /// Sets the message to the changed fields as one sentence:
    /// "Court changed from Saket District Court to Tis Hazari Court; stage set to Evidence".
    pub(crate) fn said(mut self) -> Self {
        self.message = sentence(&self.words());
        self
    }
}

/// The first words of a long text, to name it in a message.
pub(crate) fn brief(text: &str) -> String {
    const WORDS: usize = 8;
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.len() <= WORDS {
        words.join(" ")
    } else {
        format!("{}\u{2026}", words[..WORDS].join(" "))
    }
}

/// A list in words, or `None` when it is empty.
pub(crate) fn listed(items: &[String]) -> Option<String> {
    (!items.is_empty()).then(|| items.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_fields_make_one_sentence() {
        let mut c = Changes::default();
        c.compare("court", Some("Saket District Court"), Some("Tis Hazari Court"));
        c.compare("bench", Some("Court No. 4"), Some("Court No. 4"));
        c.compare("stage", None, Some("Evidence"));
        let c = c.said();
        assert_eq!(c.fields.len(), 2);
        assert_eq!(
            c.message,
            "Court changed from Saket District Court to Tis Hazari Court; stage set to Evidence"
        );
        assert!(Changes::default().said().is_empty());
        assert_eq!(
            brief("one two three four five six seven eight nine"),
            "one two three four five six seven eight\u{2026}"
        );
        assert_eq!(listed(&[]), None);
    }
}
