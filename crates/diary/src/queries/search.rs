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
    let hits = ranked_hits(conn, &fq, limit)?;
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

/// The matches of a search: cases first, best first; clients after them in
/// rowid order, unranked (`CASE` reads `rank`, bm25, for cases only).
const RANK_CASES: &str = "SELECT rowid FROM search_fts WHERE search_fts MATCH ?1
     ORDER BY (rowid & 1), CASE WHEN (rowid & 1) = 0 THEN rank END, rowid
     LIMIT ?2";

/// The clients among the matches of a search, best first.
const RANK_CLIENTS: &str = "SELECT rowid FROM search_fts WHERE search_fts MATCH ?1 AND (rowid & 1) = 1
     ORDER BY rank, rowid
     LIMIT ?2";

/// The best `limit` matches of the FTS query `fq`: cases first, then
/// clients, each kind best first (FTS5's `rank`, bm25), ties in the index's
/// order.
///
/// The ranking reads nothing but the index: a row's kind is told by its
/// rowid, which the projection makes twice the case's rowid in `cases` and
/// twice the client's plus one (`projection::fts_replace`). Reading `kind`
/// (or the case joined to it) for every match instead reads each match's
/// stored row, and on a 100,000-case diary a common name matches some 10,000
/// rows: that made a search take a few hundred milliseconds instead of ten.
/// bm25 itself reads each ranked row's length, so clients, which come after
/// every case, are ranked only when fewer than `limit` cases match. Only the
/// rows kept are then read.
fn ranked_hits(conn: &Connection, fq: &str, limit: usize) -> Result<Vec<SearchHit>> {
    let rowids = |sql: &str, n: usize| -> Result<Vec<i64>> {
        Ok(conn
            .prepare_cached(sql)?
            .query_map(params![fq, n as i64], |r| r.get::<_, i64>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?)
    };
    // Clients come back here in rowid order, unranked.
    let mut found = rowids(RANK_CASES, limit)?;
    let cases = found.iter().take_while(|r| *r & 1 == 0).count();
    if cases < found.len() {
        // Every matching case is in, and clients fill the rest: rank them.
        found.truncate(cases);
        found.extend(rowids(RANK_CLIENTS, limit - cases)?);
    }
    let mut row = conn.prepare_cached(
        "SELECT f.kind, f.id,
                coalesce(c.number || ' — ' || c.title, cl.name),
                coalesce(c.court, cl.phones, '')
         FROM search_fts f
         LEFT JOIN cases c ON f.kind = 'case' AND c.id = f.id
         LEFT JOIN clients cl ON f.kind = 'client' AND cl.id = f.id
         WHERE f.rowid = ?1",
    )?;
    found
        .iter()
        .map(|rowid| {
            let hit = row.query_row([rowid], |r| {
                Ok(SearchHit {
                    kind: r.get(0)?,
                    id: r.get(1)?,
                    label: r.get(2)?,
                    detail: r.get(3)?,
                })
            })?;
            debug_assert_eq!(
                hit.kind == "client",
                rowid & 1 == 1,
                "search_fts row {rowid} is a {}",
                hit.kind
            );
            Ok(hit)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use rusqlite::{params, Connection};

    use super::{fts_query, ranked_hits, SearchHit, RANK_CASES, RANK_CLIENTS};
    use crate::{Diary, InitOptions, Protection, Zeroizing};

    /// A passphrase diary in a temporary folder, with `cases` demo cases (and their clients).
    fn demo_diary(cases: usize) -> (tempfile::TempDir, Diary) {
        let dir = tempfile::tempdir().unwrap();
        let mut d = Diary::init(
            dir.path(),
            InitOptions {
                name: "Search Chambers".into(),
                advocate: None,
                protection: Protection::Passphrase(Zeroizing::new("correct horse battery staple".into())),
            },
        )
        .unwrap()
        .diary;
        let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        crate::demo::generate(&mut d, cases, 7, today, 100, |_| {}).unwrap();
        (dir, d)
    }

    /// The search as it was first written: every match read with its kind and
    /// its case or client, then ordered (ties in the index's order).
    fn by_kind(conn: &Connection, fq: &str, limit: usize) -> Vec<SearchHit> {
        conn.prepare(
            "SELECT f.kind, f.id,
                    coalesce(c.number || ' — ' || c.title, cl.name),
                    coalesce(c.court, cl.phones, '')
             FROM search_fts f
             LEFT JOIN cases c ON f.kind = 'case' AND c.id = f.id
             LEFT JOIN clients cl ON f.kind = 'client' AND cl.id = f.id
             WHERE search_fts MATCH ?1
             ORDER BY f.kind = 'client', rank, f.rowid
             LIMIT ?2",
        )
        .unwrap()
        .query_map(params![fq, limit as i64], |r| {
            Ok(SearchHit {
                kind: r.get(0)?,
                id: r.get(1)?,
                label: r.get(2)?,
                detail: r.get(3)?,
            })
        })
        .unwrap()
        .map(|h| h.unwrap())
        .collect()
    }

    #[test]
    fn ranking_by_rowid_finds_what_ranking_by_kind_finds() {
        let (_dir, d) = demo_diary(300);
        let conn = d.conn();
        // Names, numbers, single letters (most rows), phone digits (clients
        // only, or clients and case numbers), words of notes, nothing.
        let mut queries: Vec<String> = [
            "Sharma",
            "राम",
            "Union of India",
            "W.P.",
            "sale deed",
            "2024",
            "DLHC01",
            "a",
            "s",
            "91",
            "+91 9",
            "98",
            "Court",
            "zzzz",
        ]
        .iter()
        .map(|q| q.to_string())
        .collect();
        let bodies: Vec<String> = conn
            .prepare("SELECT body FROM search_fts WHERE rowid % 7 IN (0, 1)")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(|b| b.unwrap())
            .collect();
        // A client's own phone number matches that client and no case.
        let phones: Vec<String> = conn
            .prepare("SELECT phones FROM clients LIMIT 3")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(|p| p.unwrap())
            .collect();
        queries.extend(phones);
        for (i, body) in bodies.iter().enumerate() {
            let words: Vec<&str> = body.split_whitespace().collect();
            let word = words[(i * 5) % words.len()];
            queries.push(word.chars().take(1 + i % 4).collect());
            queries.push(format!("{word} {}", words[(i * 3 + 1) % words.len()]));
        }
        let (mut answers, mut with_clients, mut client_first) = (0, 0, 0);
        for q in &queries {
            let Some(fq) = fts_query(q) else { continue };
            for limit in [1, 5, 20, 500] {
                let hits = ranked_hits(conn, &fq, limit).unwrap();
                assert_eq!(hits, by_kind(conn, &fq, limit), "{q:?}, at most {limit}");
                answers += usize::from(!hits.is_empty());
                with_clients += usize::from(hits.iter().any(|h| h.kind == "client"));
                client_first += usize::from(hits.first().is_some_and(|h| h.kind == "client"));
            }
        }
        // The answers hold cases alone, cases then clients, and clients alone.
        assert!(
            answers > 100 && with_clients > 10 && client_first > 0,
            "{answers} {with_clients} {client_first}"
        );
    }

    #[test]
    fn the_index_numbers_cases_even_and_clients_odd() {
        let (_dir, d) = demo_diary(40);
        let count = |sql: &str| -> i64 { d.conn().query_row(sql, [], |r| r.get(0)).unwrap() };
        assert!(count("SELECT count(*) FROM search_fts WHERE kind = 'case'") > 0);
        assert!(count("SELECT count(*) FROM search_fts WHERE kind = 'client'") > 0);
        assert_eq!(
            count("SELECT count(*) FROM search_fts WHERE (kind = 'client') <> (rowid & 1)"),
            0
        );
    }

    #[test]
    fn ranking_reads_no_stored_row() {
        // The index's columns: kind, id, body, then the hidden `search_fts` and `rank`.
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE VIRTUAL TABLE search_fts USING fts5 (kind UNINDEXED, id UNINDEXED, body)")
            .unwrap();
        for sql in [RANK_CASES, RANK_CLIENTS] {
            let read: Vec<i64> = conn
                .prepare(&format!("EXPLAIN {sql}"))
                .unwrap()
                .query_map(["x", "1"], |r| Ok((r.get::<_, String>(1)?, r.get::<_, i64>(3)?)))
                .unwrap()
                .map(|r| r.unwrap())
                .filter(|(op, _)| op == "VColumn")
                .map(|(_, column)| column)
                .collect();
            assert!(
                !read.is_empty() && read.iter().all(|c| *c == 4),
                "{sql} reads columns {read:?}"
            );
        }
    }

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
