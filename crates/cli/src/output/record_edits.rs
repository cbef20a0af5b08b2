//! Printing corrections of tasks, notes, fees and documents (what changed,
//! in the words the history keeps), and a case's documents.

use std::path::Path;

use nextdate_diary::records::Corrected;
use nextdate_diary::DocumentRow;
use serde_json::json;

use super::{dmy, Out};

/// A size for people: `812 B`, `14.2 KB`, `3.1 MB`.
fn size(bytes: i64) -> String {
    const KB: f64 = 1024.0;
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{:.1} KB", b as f64 / KB),
        b => format!("{:.1} MB", b as f64 / (KB * KB)),
    }
}

impl Out {
    /// What a correction changed: `{id, case_id, changed, message}` with `--json`.
    pub fn corrected(&self, c: &Corrected) {
        if self.json {
            println!(
                "{}",
                json!({ "id": c.id, "case_id": c.case_id, "changed": c.changed(), "message": c.message })
            );
        } else if c.changed() {
            println!("{}", c.message);
        } else {
            println!("nothing changed: {} already reads so", c.id);
        }
    }

    pub fn documents(&self, rows: &[DocumentRow]) {
        if self.json {
            return self.print_json(rows);
        }
        for d in rows {
            println!(
                "{}  {}  {:>9}  {:<14}  added {}",
                d.id,
                d.name,
                size(d.size),
                if d.client_visible { "client-visible" } else { "private" },
                dmy(d.added_at.get(..10).unwrap_or(&d.added_at))
            );
        }
        println!("{} document(s)", rows.len());
    }

    pub fn saved_document(&self, d: &DocumentRow, file: &Path) {
        if self.json {
            println!(
                "{}",
                json!({ "id": d.id, "name": d.name, "file": file, "bytes": d.size, "sha256": d.sha256 })
            );
        } else {
            println!("Saved {} ({}) to {}", d.name, size(d.size), file.display());
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(super::size(812), "812 B");
        assert_eq!(super::size(14_541), "14.2 KB");
        assert_eq!(super::size(3_250_586), "3.1 MB");
    }
}
