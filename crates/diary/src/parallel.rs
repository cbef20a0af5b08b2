//! CPU-bound work spread over the machine's cores, results in input order.
//! Used where many Automerge documents are built or read at once (imports,
//! demo data, projection rebuilds); the database work stays on one thread.

use crate::error::Result;

/// Applies `f` to every item on up to 8 threads and returns the results in
/// order, or the first error (by position).
pub fn map<I: Sync, O: Send>(items: &[I], f: impl Fn(&I) -> Result<O> + Sync) -> Result<Vec<O>> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8);
    if workers == 1 || items.len() < 2 {
        return items.iter().map(&f).collect();
    }
    let per_worker = items.len().div_ceil(workers);
    let f = &f;
    std::thread::scope(|scope| {
        let parts: Vec<_> = items
            .chunks(per_worker)
            .map(|part| scope.spawn(move || part.iter().map(f).collect::<Result<Vec<O>>>()))
            .collect();
        let mut out = Vec::with_capacity(items.len());
        for part in parts {
            out.extend(part.join().expect("a worker thread panicked")?);
        }
        Ok(out)
    })
}

#[cfg(test)]
mod tests {
    use crate::error::DiaryError;

    #[test]
    fn keeps_order_and_reports_the_first_error() {
        let items: Vec<u32> = (0..1000).collect();
        assert_eq!(
            super::map(&items, |i| Ok(i * 2)).unwrap(),
            items.iter().map(|i| i * 2).collect::<Vec<_>>()
        );
        let err = super::map(&items, |i| {
            if *i == 10 || *i == 900 {
                Err(DiaryError::Document(format!("bad {i}")))
            } else {
                Ok(*i)
            }
        })
        .unwrap_err();
        assert_eq!(err.to_string(), DiaryError::Document("bad 10".into()).to_string());
        assert!(super::map(&Vec::<u32>::new(), |i| Ok(*i)).unwrap().is_empty());
    }
}
