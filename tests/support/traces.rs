//! Looking for traces of data in a diary file: every text and blob of every
//! table, with each stored Automerge document's whole history decoded
//! (Automerge compresses, so raw bytes alone would hide values). Shared by the
//! erasure tests of the diary and of chamber sync.

#![allow(dead_code)]

use automerge::AutoCommit;
use rusqlite::types::ValueRef;
use rusqlite::Connection;

/// Everything the database holds, as one string to search.
pub fn everything(conn: &Connection) -> String {
    let mut out = String::new();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for t in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
        let n = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            for i in 0..n {
                match r.get_ref(i).unwrap() {
                    ValueRef::Text(t) => out.push_str(&String::from_utf8_lossy(t)),
                    ValueRef::Blob(b) => {
                        out.push_str(&String::from_utf8_lossy(b));
                        if let Ok(mut doc) = AutoCommit::load(b) {
                            for c in doc.get_changes(&[]) {
                                out.push_str(&format!("{:?}", c.decode()));
                            }
                        }
                    }
                    _ => {}
                }
                out.push('\n');
            }
        }
    }
    out
}
