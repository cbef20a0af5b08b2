//! What a correction of a task, note, fee or document did, as the CLI prints
//! it and the app shows it; and reading an edit's "clear this field" apart
//! from "leave it alone".

use serde::{Deserialize, Deserializer, Serialize};

/// What one correction of a task, note, fee or document did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Corrected {
    /// The record corrected.
    pub id: String,
    /// The case that holds it (for a chamber task, the chamber's id).
    pub case_id: String,
    /// The history message the change was written with, in words; empty when
    /// the record already read so and nothing was written.
    pub message: String,
}

impl Corrected {
    pub(crate) fn new(id: &str, case_id: &str, message: String) -> Self {
        Corrected {
            id: id.to_string(),
            case_id: case_id.to_string(),
            message,
        }
    }

    /// Whether the correction changed anything (and so was written).
    pub fn changed(&self) -> bool {
        !self.message.is_empty()
    }
}

/// For an edit's optional field that may also be cleared: absent in the JSON
/// is `None` (leave it), `null` is `Some(None)` (clear it), a value is
/// `Some(Some(v))` (set it). Use with `#[serde(default, deserialize_with = "given")]`.
pub(crate) fn given<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// The first words of a long text, to name it in a message.
pub(crate) fn first_words(text: &str) -> String {
    const WORDS: usize = 8;
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.len() <= WORDS {
        words.join(" ")
    } else {
        format!("{}\u{2026}", words[..WORDS].join(" "))
    }
}

/// A name or short text in curly quotes, as messages quote records.
pub(crate) fn quoted(text: &str) -> String {
    format!("\u{201c}{text}\u{201d}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Edit {
        #[serde(default, deserialize_with = "given")]
        due: Option<Option<String>>,
    }

    #[test]
    fn absent_null_and_a_value_are_three_different_edits() {
        let e: Edit = serde_json::from_str("{}").unwrap();
        assert_eq!(e.due, None);
        let e: Edit = serde_json::from_str(r#"{"due": null}"#).unwrap();
        assert_eq!(e.due, Some(None));
        let e: Edit = serde_json::from_str(r#"{"due": "2031-04-10"}"#).unwrap();
        assert_eq!(e.due, Some(Some("2031-04-10".into())));
        assert_eq!(
            first_words("one two three four five six seven eight nine"),
            "one two three four five six seven eight\u{2026}"
        );
    }
}
