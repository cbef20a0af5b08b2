//! Never trusting the relay with completeness. A batch the relay
//! acknowledged stays in the outbox until this device has seen it come back
//! in a pull (its own batch id, signed by itself). When a pull reaches the
//! end of the log and a batch acknowledged before it is still missing, the
//! relay acknowledged without storing: the batch is queued again and the
//! device says so. The relay numbers a chamber's log 1, 2, 3… without gaps, so
//! a page that skips a number means batches withheld: the cursor stops before
//! the gap and the device says so, rather than jump past what it never saw.
//!
//! Kept in the diary's sync state: `pushed_through` (the last outbox entry
//! sent and acknowledged) and `unconfirmed` (each acknowledged batch not yet
//! seen back: its id and outbox range).

use nextdate_diary::Diary;

use crate::error::SyncError;

/// A batch the relay acknowledged that this device has not seen back yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Unconfirmed {
    pub id: [u8; 16],
    pub first: i64,
    pub last: i64,
}

/// The acknowledged batches not yet seen back, oldest first.
pub(crate) fn load(d: &Diary) -> Result<Vec<Unconfirmed>, SyncError> {
    let Some(text) = d.sync_state("unconfirmed")? else {
        return Ok(Vec::new());
    };
    text.split(';')
        .filter(|e| !e.is_empty())
        .map(|e| parse(e).ok_or_else(|| SyncError::DamagedState(format!("unconfirmed is {text:?}"))))
        .collect()
}

fn parse(entry: &str) -> Option<Unconfirmed> {
    let mut parts = entry.split(' ');
    let id = data_encoding::HEXLOWER.decode(parts.next()?.as_bytes()).ok()?;
    let first = parts.next()?.parse().ok()?;
    let last = parts.next()?.parse().ok()?;
    Some(Unconfirmed {
        id: id.try_into().ok()?,
        first,
        last,
    })
}

/// The list as sync state (`None` when empty).
pub(crate) fn encode(list: &[Unconfirmed]) -> Option<String> {
    (!list.is_empty()).then(|| {
        list.iter()
            .map(|u| format!("{} {} {}", data_encoding::HEXLOWER.encode(&u.id), u.first, u.last))
            .collect::<Vec<_>>()
            .join(";")
    })
}

/// The first sequence number missing from a page that should start at
/// `expected`, with the number found in its place (`None` when it has none).
pub(crate) fn first_gap(expected: u64, seqs: impl IntoIterator<Item = u64>) -> Option<(u64, u64)> {
    seqs.into_iter()
        .enumerate()
        .map(|(i, seq)| (expected + i as u64, seq))
        .find(|(want, got)| want != got)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_reads_back_and_an_empty_one_is_no_state() {
        let list = vec![
            Unconfirmed {
                id: [1; 16],
                first: 3,
                last: 9,
            },
            Unconfirmed {
                id: [2; 16],
                first: 10,
                last: 10,
            },
        ];
        let text = encode(&list).unwrap();
        assert_eq!(text.split(';').map(parse).collect::<Option<Vec<_>>>().unwrap(), list);
        assert_eq!(encode(&[]), None);
        assert_eq!(parse("zz 1 2"), None);
    }

    #[test]
    fn a_skipped_number_is_found() {
        assert_eq!(first_gap(5, [5, 6, 7]), None);
        assert_eq!(first_gap(5, [5, 6, 9]), Some((7, 9)));
        assert_eq!(first_gap(5, [8]), Some((5, 8)));
        assert_eq!(first_gap(5, []), None);
    }
}
