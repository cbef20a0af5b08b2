//! Never trusting the relay with completeness. A batch the relay
//! acknowledged stays in the outbox until this device has seen it come back
//! in a pull (its own batch id, signed by itself). When a pull reaches the
//! end of the log and a batch acknowledged before it is still missing, the
//! relay acknowledged without storing: the batch is queued again and the
//! device says so. The relay numbers a chamber's log 1, 2, 3… without gaps, so
//! a page that skips a number means batches withheld: the cursor stops before
//! the gap and the device says so, rather than jump past what it never saw.
//!
//! A batch queued again keeps its id, outbox range and place in this
//! device's chain (see `chains`), so it is the same batch, sent again.
//!
//! Kept in the diary's sync state: `pushed_through` (the last outbox entry
//! sent and acknowledged), `unconfirmed` (each acknowledged batch not yet
//! seen back: its id, outbox range and chain link) and `resend` (those found
//! missing, to push again before anything new).

use nextdate_diary::Diary;

use crate::chains::Link;
use crate::error::SyncError;

/// A batch the relay acknowledged that this device has not seen back yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unconfirmed {
    pub id: [u8; 16],
    pub first: i64,
    pub last: i64,
    /// Its place in this device's chain (`None`: sent before batches were numbered).
    pub link: Option<Link>,
}

impl Unconfirmed {
    /// As kept in the sync state (also the in-flight record).
    pub(crate) fn encode(&self) -> String {
        let mut text = format!(
            "{} {} {}",
            data_encoding::HEXLOWER.encode(&self.id),
            self.first,
            self.last
        );
        if let Some(link) = &self.link {
            text.push(' ');
            text.push_str(&link.encode());
        }
        text
    }
}

/// The acknowledged batches not yet seen back, oldest first.
pub(crate) fn load(d: &Diary) -> Result<Vec<Unconfirmed>, SyncError> {
    load_list(d, "unconfirmed")
}

/// Batches to push again, oldest first.
pub(crate) fn load_resend(d: &Diary) -> Result<Vec<Unconfirmed>, SyncError> {
    load_list(d, "resend")
}

fn load_list(d: &Diary, key: &str) -> Result<Vec<Unconfirmed>, SyncError> {
    let Some(text) = d.sync_state(key)? else {
        return Ok(Vec::new());
    };
    text.split(';')
        .filter(|e| !e.is_empty())
        .map(|e| parse(e).ok_or_else(|| SyncError::DamagedState(format!("{key} is {text:?}"))))
        .collect()
}

/// One entry: `id first last`, then `seq previous` when numbered.
pub(crate) fn parse(entry: &str) -> Option<Unconfirmed> {
    let mut parts = entry.split(' ');
    let id = data_encoding::HEXLOWER.decode(parts.next()?.as_bytes()).ok()?;
    let first = parts.next()?.parse().ok()?;
    let last = parts.next()?.parse().ok()?;
    let link = match (parts.next(), parts.next()) {
        (Some(seq), Some(prev)) => Some(Link::parse(seq, prev)?),
        (None, None) => None,
        _ => return None,
    };
    Some(Unconfirmed {
        id: id.try_into().ok()?,
        first,
        last,
        link,
    })
}

/// The list as sync state (`None` when empty).
pub(crate) fn encode(list: &[Unconfirmed]) -> Option<String> {
    (!list.is_empty()).then(|| list.iter().map(Unconfirmed::encode).collect::<Vec<_>>().join(";"))
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
                link: None,
            },
            Unconfirmed {
                id: [2; 16],
                first: 10,
                last: 10,
                link: Some(Link {
                    seq: 4,
                    previous: vec![7; 32],
                }),
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
