//! The words of a client update in each language it is written in: English
//! and Hindi (Devanagari). Dates are written out in full ("Friday, 15 January
//! 2027", "शुक्रवार, 15 जनवरी 2027") so a client cannot misread day and
//! month. What the advocate typed (court, purpose, outcome, stage) is never
//! translated: it goes into either language as it was written.

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// The language a client's updates are written in, chosen per client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// English.
    #[default]
    En,
    /// Hindi, in Devanagari.
    Hi,
}

impl Language {
    /// The code kept in a client's record: `en` or `hi`.
    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Hi => "hi",
        }
    }

    /// The language a code names; `None` for any other text.
    pub fn parse(code: &str) -> Option<Self> {
        match code.trim().to_ascii_lowercase().as_str() {
            "en" | "english" => Some(Language::En),
            "hi" | "hindi" | "हिन्दी" | "हिंदी" => Some(Language::Hi),
            _ => None,
        }
    }

    /// A kept code as a language; none or an unknown code is English.
    pub fn of_record(code: Option<&str>) -> Self {
        code.and_then(Self::parse).unwrap_or_default()
    }

    /// The language's own name, for a picker.
    pub fn name(self) -> &'static str {
        match self {
            Language::En => "English",
            Language::Hi => "हिन्दी",
        }
    }
}

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const MONTHS_HI: [&str; 12] = [
    "जनवरी",
    "फ़रवरी",
    "मार्च",
    "अप्रैल",
    "मई",
    "जून",
    "जुलाई",
    "अगस्त",
    "सितंबर",
    "अक्टूबर",
    "नवंबर",
    "दिसंबर",
];

fn weekday(d: NaiveDate, lang: Language) -> &'static str {
    match (lang, d.weekday()) {
        (Language::En, Weekday::Mon) => "Monday",
        (Language::En, Weekday::Tue) => "Tuesday",
        (Language::En, Weekday::Wed) => "Wednesday",
        (Language::En, Weekday::Thu) => "Thursday",
        (Language::En, Weekday::Fri) => "Friday",
        (Language::En, Weekday::Sat) => "Saturday",
        (Language::En, Weekday::Sun) => "Sunday",
        (Language::Hi, Weekday::Mon) => "सोमवार",
        (Language::Hi, Weekday::Tue) => "मंगलवार",
        (Language::Hi, Weekday::Wed) => "बुधवार",
        (Language::Hi, Weekday::Thu) => "गुरुवार",
        (Language::Hi, Weekday::Fri) => "शुक्रवार",
        (Language::Hi, Weekday::Sat) => "शनिवार",
        (Language::Hi, Weekday::Sun) => "रविवार",
    }
}

/// `15 January 2027` / `15 जनवरी 2027`.
pub fn date(d: NaiveDate, lang: Language) -> String {
    let months = match lang {
        Language::En => &MONTHS_EN,
        Language::Hi => &MONTHS_HI,
    };
    format!("{} {} {}", d.day(), months[d.month0() as usize], d.year())
}

/// `Friday, 15 January 2027` / `शुक्रवार, 15 जनवरी 2027`.
pub fn day_and_date(d: NaiveDate, lang: Language) -> String {
    format!("{}, {}", weekday(d, lang), date(d, lang))
}

/// The fixed phrases of an update.
pub struct Words {
    pub title: &'static str,
    pub court: &'static str,
    pub stage: &'static str,
    pub status: &'static str,
    pub next_date: &'static str,
    pub purpose: &'static str,
    pub last_hearing: &'static str,
    pub not_fixed: &'static str,
    pub sign_off: &'static str,
}

pub const ENGLISH: Words = Words {
    title: "Case status",
    court: "Court",
    stage: "Stage",
    status: "Status",
    next_date: "Next date",
    purpose: "Purpose",
    last_hearing: "Last hearing",
    not_fixed: "not fixed yet; we will let you know",
    sign_off: "Regards,",
};

pub const HINDI: Words = Words {
    title: "मुकदमे की स्थिति",
    court: "न्यायालय",
    stage: "चरण",
    status: "स्थिति",
    next_date: "अगली तारीख",
    purpose: "प्रयोजन",
    last_hearing: "पिछली सुनवाई",
    not_fixed: "अभी तय नहीं हुई; तय होते ही सूचित करेंगे",
    sign_off: "सादर,",
};

pub fn words(lang: Language) -> &'static Words {
    match lang {
        Language::En => &ENGLISH,
        Language::Hi => &HINDI,
    }
}

/// The greeting: the client by name, or a general one.
pub fn greeting(name: Option<&str>, lang: Language) -> String {
    match (lang, name) {
        (Language::En, Some(n)) => format!("Dear {n},"),
        (Language::En, None) => "Dear Sir/Madam,".to_string(),
        (Language::Hi, Some(n)) => format!("नमस्ते {n} जी,"),
        (Language::Hi, None) => "नमस्ते,".to_string(),
    }
}

/// The line before the cases: how many, and as on which day.
pub fn intro(cases: usize, as_of: NaiveDate, lang: Language) -> String {
    let on = day_and_date(as_of, lang);
    match (lang, cases) {
        (Language::En, 0) => format!("As on {on}, you have no pending case with us."),
        (Language::En, 1) => format!("Here is the latest on your case, as on {on}:"),
        (Language::En, n) => format!("Here is the latest on your {n} cases, as on {on}:"),
        (Language::Hi, 0) => format!("दिनांक {on} तक हमारे पास आपका कोई मुकदमा लंबित नहीं है।"),
        (Language::Hi, 1) => format!("दिनांक {on} तक आपके मुकदमे की ताज़ा जानकारी:"),
        (Language::Hi, n) => format!("दिनांक {on} तक आपके {n} मुकदमों की ताज़ा जानकारी:"),
    }
}

/// A case's status in words, for a case that is not simply pending.
pub fn status(status: &str, lang: Language) -> String {
    match (lang, status) {
        (Language::En, "disposed") => "Disposed of".into(),
        (Language::En, "transferred") => "Transferred".into(),
        (Language::En, "stayed") => "Proceedings stayed".into(),
        (Language::En, "pending") => "Pending".into(),
        (Language::Hi, "disposed") => "निस्तारित".into(),
        (Language::Hi, "transferred") => "स्थानांतरित".into(),
        (Language::Hi, "stayed") => "कार्यवाही पर रोक".into(),
        (Language::Hi, "pending") => "लंबित".into(),
        (_, other) => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn dates_are_written_out_in_each_language() {
        assert_eq!(day_and_date(d("2027-01-15"), Language::En), "Friday, 15 January 2027");
        assert_eq!(day_and_date(d("2027-01-15"), Language::Hi), "शुक्रवार, 15 जनवरी 2027");
        assert_eq!(date(d("2026-12-07"), Language::Hi), "7 दिसंबर 2026");
        assert_eq!(day_and_date(d("2026-12-06"), Language::Hi), "रविवार, 6 दिसंबर 2026");
        // Every month and weekday has its own word.
        let months: std::collections::HashSet<String> = (1..=12)
            .map(|m| date(NaiveDate::from_ymd_opt(2027, m, 1).unwrap(), Language::Hi))
            .collect();
        assert_eq!(months.len(), 12);
        let days: std::collections::HashSet<&str> = (0..7)
            .map(|i| weekday(d("2027-01-04") + chrono::Days::new(i), Language::Hi))
            .collect();
        assert_eq!(days.len(), 7);
    }

    #[test]
    fn a_kept_code_reads_back_and_anything_else_is_english() {
        for lang in [Language::En, Language::Hi] {
            assert_eq!(Language::parse(lang.code()), Some(lang));
        }
        assert_eq!(Language::parse("Hindi"), Some(Language::Hi));
        assert_eq!(Language::parse("ta"), None);
        assert_eq!(Language::of_record(Some("xx")), Language::En);
        assert_eq!(Language::of_record(None), Language::En);
    }

    #[test]
    fn the_intro_counts_the_cases() {
        let on = d("2026-12-07");
        assert!(intro(0, on, Language::En).contains("no pending case"));
        assert!(intro(1, on, Language::En).contains("your case,"));
        assert!(intro(3, on, Language::En).contains("your 3 cases"));
        assert!(intro(3, on, Language::Hi).contains("आपके 3 मुकदमों"));
        assert!(intro(1, on, Language::Hi).contains("सोमवार, 7 दिसंबर 2026"));
    }
}
