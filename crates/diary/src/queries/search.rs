//! Search over cases (number, CNR, title, parties, notes, court) and clients
//! (name, phone, email), through the projection's full-text index.

use rusqlite::{params, Connection};
use serde::Serialize;

use super::cases::{case_summary, CASE_SELECT};
use crate::diary::Diary;
use crate::error::Result;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SearchHit {
    /// `case` or `client`.
    pub kind: String,
    pub id: String,
    pub label: String,
    pub detail: String,
}

/// Turns a user's search text into an FTS5 query: every word must match as a prefix.
fn fts_query(q: &str) -> Option<String> {
    let words: Vec<String> = q
        .split(|c: char| !(c.is_alphanumeric() || is_mark(c)))
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{}\"*", w.replace('"', "")))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// Combining marks (Devanagari vowel signs and the like) belong inside words.
fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x0900..=0x0903 | 0x093A..=0x094F | 0x0951..=0x0957 | 0x0962..=0x0963 | 0x0981..=0x0983 | 0x09BC..=0x09D7 | 0x0A01..=0x0A03 | 0x0A3C..=0x0A51 | 0x0A81..=0x0A83 | 0x0ABC..=0x0ACD | 0x0B01..=0x0B03 | 0x0B3C..=0x0B57 | 0x0B82..=0x0BCD | 0x0BD7 | 0x0C00..=0x0C04 | 0x0C3C..=0x0C56 | 0x0C81..=0x0C83 | 0x0CBC..=0x0CD6 | 0x0D00..=0x0D03 | 0x0D3B..=0x0D57 | 0x200C..=0x200D)
}

impl Diary {
    /// Search cases (number, CNR, title, parties, notes, court) and clients (name,
    /// phone, email). A client hit also brings that client's cases.
    pub fn search(&self, q: &str, limit: usize) -> Result<Vec<SearchHit>> {
        search_on(&self.conn, q, limit)
    }
}

/// Search on any connection holding the projection tables.
/// Search cases (number, CNR, title, parties, notes, court) and clients (name,
/// phone, email). A client hit also brings that client's cases.
pub fn search_on(conn: &Connection, q: &str, limit: usize) -> Result<Vec<SearchHit>> {
    let Some(fq) = fts_query(q) else {
        return Ok(Vec::new());
    };
    let mut stmt = conn.prepare_cached(
        "SELECT f.kind, f.id,
                coalesce(c.number || ' — ' || c.title, cl.name),
                coalesce(c.court, cl.phones, '')
         FROM search_fts f
         LEFT JOIN cases c ON f.kind = 'case' AND c.id = f.id
         LEFT JOIN clients cl ON f.kind = 'client' AND cl.id = f.id
         WHERE search_fts MATCH ?1
         ORDER BY f.kind = 'client', rank
         LIMIT ?2",
    )?;
    let hits = stmt
        .query_map(params![fq, limit as i64], |r| {
            Ok(SearchHit {
                kind: r.get(0)?,
                id: r.get(1)?,
                label: r.get(2)?,
                detail: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut out: Vec<SearchHit> = hits.iter().filter(|h| h.kind == "case").cloned().collect();
    let mut client_cases = conn.prepare_cached(&format!(
        "{CASE_SELECT} WHERE id IN (SELECT case_id FROM case_clients WHERE client_id = ?1)"
    ))?;
    for h in hits.iter().filter(|h| h.kind == "client") {
        for c in client_cases.query_map([&h.id], case_summary)? {
            let c = c?;
            if !out.iter().any(|o| o.id == c.id) {
                out.push(SearchHit {
                    kind: "case".into(),
                    id: c.id,
                    label: format!("{} — {}", c.number, c.title),
                    detail: format!("{} · client {}", c.court, h.label),
                });
            }
        }
    }
    out.extend(hits.into_iter().filter(|h| h.kind == "client"));
    out.truncate(limit);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::fts_query;

    #[test]
    fn search_text_becomes_prefix_terms() {
        assert_eq!(
            fts_query("CRL.A. 123/2024").unwrap(),
            "\"CRL\"* \"A\"* \"123\"* \"2024\"*"
        );
        assert_eq!(fts_query("राम कुमार").unwrap(), "\"राम\"* \"कुमार\"*");
        assert!(fts_query(" ./- ").is_none());
    }
}
