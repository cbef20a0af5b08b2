//! Printing what a correction, removal or listing of a hearing did: the
//! history's sentence (and the hearing's id) for people, the whole
//! [`HearingChange`] with `--json`.

use nextdate_diary::HearingChange;

use super::Out;

impl Out {
    pub fn hearing_change(&self, c: &HearingChange) {
        if self.json {
            return self.print_json(c);
        }
        println!("{}", c.message);
        println!("  hearing {}", c.hearing_id);
        if let Some(l) = c.listing_id.as_ref().filter(|l| **l != c.hearing_id) {
            println!("  next date's listing {l}");
        }
    }
}
