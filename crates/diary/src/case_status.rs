//! A case's status — pending, disposed, transferred or stayed — as one type
//! for the CLI's arguments and the app. Documents and the projection keep it
//! as text ([`CaseStatus::as_str`]).
//!
//! What each status means for the lists: a pending case is on the boards on
//! its dates and, without a next date, among the undated cases to get dated;
//! a stayed case keeps its listings on the boards (the court still calls it)
//! but is not undated, since no date is due while the stay lasts; disposed and
//! transferred cases are finished here and are never undated.

use serde::{Deserialize, Serialize};

/// pending, disposed, transferred or stayed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum CaseStatus {
    Pending,
    Disposed,
    Transferred,
    Stayed,
}

impl CaseStatus {
    /// Every status, in the order they are offered.
    pub const ALL: [CaseStatus; 4] = [
        CaseStatus::Pending,
        CaseStatus::Disposed,
        CaseStatus::Transferred,
        CaseStatus::Stayed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Pending => "pending",
            CaseStatus::Disposed => "disposed",
            CaseStatus::Transferred => "transferred",
            CaseStatus::Stayed => "stayed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Whether the case is still before a court here, with listings that stand
    /// (pending or stayed); disposed and transferred cases are not.
    pub fn is_open(self) -> bool {
        matches!(self, CaseStatus::Pending | CaseStatus::Stayed)
    }
}

#[cfg(test)]
mod tests {
    use super::CaseStatus;

    #[test]
    fn statuses_are_the_diarys_words() {
        let names: Vec<_> = CaseStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(names, crate::records::STATUSES);
        for s in CaseStatus::ALL {
            assert_eq!(CaseStatus::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        assert_eq!(CaseStatus::parse("closed"), None);
        assert!(CaseStatus::Stayed.is_open() && !CaseStatus::Disposed.is_open());
    }
}
