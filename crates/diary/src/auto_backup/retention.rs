//! Which automatic backups to keep: the newest backup of each of the last 7
//! days that have one, of each of the last 4 ISO weeks and of each of the last
//! 12 months (the same rule as restic's and borg's `--keep-daily/weekly/monthly`).
//! Pure: the times in, the indices to keep out, so a schedule of any length can
//! be checked without a clock.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDateTime};

/// How many days, weeks and months keep a backup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    pub daily: usize,
    pub weekly: usize,
    pub monthly: usize,
}

impl Default for Retention {
    fn default() -> Self {
        Retention {
            daily: 7,
            weekly: 4,
            monthly: 12,
        }
    }
}

/// The indices (into `times`) of the backups to keep; every other one may go.
pub fn keep(times: &[NaiveDateTime], policy: Retention) -> BTreeSet<usize> {
    let mut order: Vec<usize> = (0..times.len()).collect();
    // Newest first; equal times keep their given order.
    order.sort_by(|a, b| times[*b].cmp(&times[*a]));
    let mut kept = BTreeSet::new();
    let day = |t: &NaiveDateTime| (t.year(), t.ordinal());
    let week = |t: &NaiveDateTime| {
        let w = t.iso_week();
        (w.year(), w.week())
    };
    let month = |t: &NaiveDateTime| (t.year(), t.month());
    keep_newest_per(&order, times, policy.daily, day, &mut kept);
    keep_newest_per(&order, times, policy.weekly, week, &mut kept);
    keep_newest_per(&order, times, policy.monthly, month, &mut kept);
    kept
}

/// Walks `order` (newest first) and keeps the first backup of each new bucket,
/// for the newest `n` buckets.
fn keep_newest_per<K: PartialEq>(
    order: &[usize],
    times: &[NaiveDateTime],
    n: usize,
    bucket: impl Fn(&NaiveDateTime) -> K,
    kept: &mut BTreeSet<usize>,
) {
    let mut last: Option<K> = None;
    let mut count = 0;
    for &i in order {
        if count == n {
            break;
        }
        let b = bucket(&times[i]);
        if last.as_ref() != Some(&b) {
            kept.insert(i);
            count += 1;
            last = Some(b);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(y: i32, m: u32, d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, 0, 0).unwrap()
    }

    #[test]
    fn nothing_and_one_are_kept_whole() {
        assert!(keep(&[], Retention::default()).is_empty());
        assert_eq!(keep(&[at(2026, 1, 1, 9)], Retention::default()).len(), 1);
    }

    #[test]
    fn several_on_one_day_keep_only_the_newest() {
        let times = [at(2026, 3, 2, 9), at(2026, 3, 2, 18), at(2026, 3, 2, 12)];
        assert_eq!(keep(&times, Retention::default()), BTreeSet::from([1]));
    }

    #[test]
    fn zero_everywhere_keeps_nothing() {
        let none = Retention {
            daily: 0,
            weekly: 0,
            monthly: 0,
        };
        assert!(keep(&[at(2026, 3, 2, 9)], none).is_empty());
    }

    #[test]
    fn gaps_do_not_count_as_days() {
        // Ten backups a week apart: the daily rule keeps the newest seven of them.
        let times: Vec<_> = (0..10)
            .map(|i| at(2026, 1, 1, 9) + chrono::Duration::weeks(i))
            .collect();
        let kept = keep(
            &times,
            Retention {
                daily: 7,
                weekly: 0,
                monthly: 0,
            },
        );
        assert_eq!(kept, (3..10).collect());
    }
}
