//! A case's status — pending, disposed or transferred — as one type for the
//! CLI's arguments and the app. Documents and the projection keep it as text
//! ([`CaseStatus::as_str`]).

use serde::{Deserialize, Serialize};

/// pending, disposed or transferred.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum CaseStatus {
    Pending,
    Disposed,
    Transferred,
}

impl CaseStatus {
    /// Every status, in the order they are offered.
    pub const ALL: [CaseStatus; 3] = [CaseStatus::Pending, CaseStatus::Disposed, CaseStatus::Transferred];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Pending => "pending",
            CaseStatus::Disposed => "disposed",
            CaseStatus::Transferred => "transferred",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
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
    }
}
