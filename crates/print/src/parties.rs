//! Parties as a cause list prints them: "Ramesh Kumar & Anr. v. State of U.P. & 2 Ors.".

use nextdate_diary::queries::PartyRow;

/// Sides that bring a case; everything else counts as the other side.
const BRINGING: &[&str] = &[
    "petitioner",
    "appellant",
    "plaintiff",
    "applicant",
    "complainant",
    "revisionist",
    "claimant",
    "decree holder",
    "informant",
];

/// Longest name printed in full, in characters; longer ones end in "…".
const MAX_NAME: usize = 42;

fn clip(name: &str) -> String {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.chars().count() <= MAX_NAME {
        return name;
    }
    let mut cut: String = name.chars().take(MAX_NAME - 1).collect();
    if let Some(space) = cut.rfind(' ').filter(|&i| i > MAX_NAME / 2) {
        cut.truncate(space);
    }
    format!("{}…", cut.trim_end_matches([',', ' ', '.']))
}

/// "Name", "Name & Anr." or "Name & N Ors.".
fn side(names: &[&PartyRow]) -> Option<String> {
    let first = clip(&names.first()?.name);
    Some(match names.len() {
        1 => first,
        2 => format!("{first} & Anr."),
        n => format!("{first} & {} Ors.", n - 1),
    })
}

/// The parties of a case in one line, or `title` when it has none.
pub fn short_parties(parties: &[PartyRow], title: &str) -> String {
    let bringing: Vec<&PartyRow> = parties
        .iter()
        .filter(|p| BRINGING.contains(&p.side.trim().to_lowercase().as_str()))
        .collect();
    let others: Vec<&PartyRow> = parties
        .iter()
        .filter(|p| !BRINGING.contains(&p.side.trim().to_lowercase().as_str()))
        .collect();
    match (side(&bringing), side(&others)) {
        (Some(a), Some(b)) => format!("{a} v. {b}"),
        (Some(a), None) | (None, Some(a)) if title.trim().is_empty() => a,
        _ => clip_title(title),
    }
}

fn clip_title(title: &str) -> String {
    let t = title.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.chars().count() <= MAX_NAME * 2 {
        t
    } else {
        format!("{}…", t.chars().take(MAX_NAME * 2 - 1).collect::<String>().trim_end())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(name: &str, side: &str) -> PartyRow {
        PartyRow {
            name: name.into(),
            side: side.into(),
            counsel: None,
        }
    }

    #[test]
    fn one_on_each_side() {
        let v = [p("Ramesh Kumar", "Petitioner"), p("State of U.P.", "respondent")];
        assert_eq!(short_parties(&v, "x"), "Ramesh Kumar v. State of U.P.");
    }

    #[test]
    fn others_are_counted_the_indian_way() {
        let v = [
            p("Ramesh Kumar", "appellant"),
            p("Suresh Kumar", "appellant"),
            p("State", "respondent"),
            p("SHO Saket", "respondent"),
            p("Union of India", "respondent"),
        ];
        assert_eq!(short_parties(&v, "x"), "Ramesh Kumar & Anr. v. State & 2 Ors.");
    }

    #[test]
    fn long_names_are_clipped_at_a_word() {
        let v = [
            p(
                "M/s Hindustan Engineering and Construction Company Private Limited",
                "plaintiff",
            ),
            p("रमेश कुमार शर्मा", "defendant"),
        ];
        let s = short_parties(&v, "x");
        assert!(s.starts_with("M/s Hindustan Engineering") && s.contains("… v. "), "{s}");
        assert!(s.split(" v. ").next().unwrap().chars().count() <= MAX_NAME, "{s}");
        assert!(s.ends_with(" v. रमेश कुमार शर्मा"), "{s}");
    }

    #[test]
    fn falls_back_to_the_title() {
        assert_eq!(
            short_parties(&[], "In re: Estate of Late Sh. Mohan Lal"),
            "In re: Estate of Late Sh. Mohan Lal"
        );
        assert_eq!(short_parties(&[p("Only One", "petitioner")], "Title"), "Title");
        assert_eq!(short_parties(&[p("Only One", "petitioner")], ""), "Only One");
    }
}
