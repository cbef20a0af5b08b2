//! Which tables and indexes one change writes, page by page.
//!
//! SQLCipher encrypts each page, but a write-ahead log frame's header (the
//! page number) stays plain. With automatic checkpoints off and the log
//! emptied first, the log after one change holds exactly the pages that
//! change wrote; SQLite's `dbstat` table names the table or index each page
//! belongs to. A change costs what it dirties: this says where.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use nextdate_diary::Diary;

/// Pages written by `change`, by the table or index they belong to, most
/// first, with the number of log frames (a page written twice counts twice).
pub fn pages_written(d: &mut Diary, db_path: &Path, change: impl FnOnce(&mut Diary)) -> (Vec<(String, usize)>, usize) {
    d.conn().execute_batch("PRAGMA wal_autocheckpoint = 0;").unwrap();
    d.conn()
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    change(d);
    let conn = d.conn();
    let wal = std::fs::read(db_path.with_extension("db-wal")).unwrap();
    conn.execute_batch("PRAGMA wal_autocheckpoint = 1000;").unwrap();
    let page_size = u32::from_be_bytes(wal[8..12].try_into().unwrap()) as usize;
    let mut pages = HashSet::new();
    let mut frames = 0;
    let mut at = 32;
    while at + 24 + page_size <= wal.len() {
        pages.insert(u32::from_be_bytes(wal[at..at + 4].try_into().unwrap()) as i64);
        frames += 1;
        at += 24 + page_size;
    }
    let owner: HashMap<i64, String> = conn
        .prepare("SELECT pageno, name FROM dbstat")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    let mut by_name: BTreeMap<String, usize> = BTreeMap::new();
    for p in pages {
        let name = owner.get(&p).cloned().unwrap_or_else(|| "(free list)".into());
        *by_name.entry(name).or_default() += 1;
    }
    let mut out: Vec<(String, usize)> = by_name.into_iter().collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    (out, frames)
}

/// Prints `pages_written`'s answer on one line per table.
pub fn print(what: &str, (pages, frames): &(Vec<(String, usize)>, usize)) {
    let total: usize = pages.iter().map(|(_, n)| n).sum();
    println!("pages written by {what}: {total} ({frames} log frames)");
    for (name, n) in pages {
        println!("  {n:>4}  {name}");
    }
}
