//! The first sync of a big diary, through a real relay process: a push
//! reports the changes it sends and a pull the batches it receives (more than
//! one page of them: a page is at most a few MB), each stops between batches
//! or pages when cancelled (every page is merged with its cursor, whole), and
//! the next sync goes on from where it stopped.

#[path = "support/chamber.rs"]
mod support_chamber;
#[path = "support/relay.rs"]
mod support_relay;

use std::cell::RefCell;

use nextdate_diary::{Cancel, NewClient, Progress, Stage, Step};
use nextdate_sync::engine;
use support_chamber::chamber;
use support_relay::*;

/// Records every step; cancels at the first one of `stage`.
struct Recorder {
    steps: RefCell<Vec<Step>>,
    cancel: Cancel,
    at: Option<Stage>,
}

impl Recorder {
    fn new(at: Option<Stage>) -> Self {
        Recorder {
            steps: RefCell::new(Vec::new()),
            cancel: Cancel::new(),
            at,
        }
    }

    fn sync(&self, d: &mut nextdate_diary::Diary) -> Result<nextdate_sync::SyncReport, nextdate_sync::SyncError> {
        let report = |s: Step| {
            self.steps.borrow_mut().push(s);
            if Some(s.stage) == self.at {
                self.cancel.cancel();
            }
        };
        engine::sync_now_with_progress(d, &Progress::new(&report, &self.cancel))
    }

    fn of(&self, stage: Stage) -> Vec<(u64, u64)> {
        self.steps
            .borrow()
            .iter()
            .filter(|s| s.stage == stage)
            .map(|s| (s.done, s.total))
            .collect()
    }
}

const CLIENTS: usize = 64;

fn cursor(d: &nextdate_diary::Diary) -> u64 {
    engine::state(d).unwrap().unwrap().cursor
}

#[test]
fn a_big_first_sync_reports_progress_and_stops_between_batches() {
    let root = tempfile::tempdir().unwrap();
    let relay = RelayProc::start(
        &root.path().join("relay"),
        &root.path().join("relay.log"),
        "127.0.0.1:0",
    );
    let mut devices = chamber(root.path(), &relay, 2);
    // Clients with long notes (that do not compress): a few changes fill a
    // batch (512 KB), and a few batches a page of the pull (4 MB).
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for i in 0..CLIENTS {
        let notes: String = (0..150_000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                char::from(b"0123456789abcdef"[(x % 16) as usize])
            })
            .collect();
        devices[0]
            .add_client(NewClient {
                name: format!("Client {i}"),
                notes: Some(notes),
                ..Default::default()
            })
            .unwrap();
    }
    let queued = devices[0].outbox_len().unwrap() as u64;

    // The push, cancelled after its first batch: the rest stays queued.
    let r = Recorder::new(Some(Stage::Push));
    let err = r.sync(&mut devices[0]).unwrap_err();
    assert_eq!(err.code(), "cancelled");
    assert!(err.to_string().contains("the next sync goes on from there"), "{err}");
    let pushed = r.of(Stage::Push);
    assert_eq!(pushed.len(), 1, "{pushed:?}");
    let (sent, total) = pushed[0];
    assert!(sent > 0 && sent < total && total <= queued, "{pushed:?} of {queued}");
    assert_eq!(
        engine::state(&devices[0]).unwrap().unwrap().last_error,
        None,
        "a cancel is not a failure"
    );
    let r = Recorder::new(None);
    r.sync(&mut devices[0]).unwrap();
    assert_eq!(r.of(Stage::Push).last(), Some(&(total - sent, total - sent)));

    // The other laptop's pull, cancelled as its first page is merged.
    let start = cursor(&devices[1]);
    let r = Recorder::new(Some(Stage::Pull));
    let err = r.sync(&mut devices[1]).unwrap_err();
    assert_eq!(err.code(), "cancelled");
    let pulled = r.of(Stage::Pull);
    assert_eq!(pulled.len(), 1, "{pulled:?}");
    let (done, total) = pulled[0];
    assert!(done > 0 && total > done, "more than one page: {pulled:?}");
    assert_eq!(cursor(&devices[1]), start + done, "the page was kept with its cursor");
    let halfway = devices[1].clients().unwrap().len();
    assert!(halfway < CLIENTS, "{halfway}");

    // The next sync goes on from there, to the end of the log.
    let r = Recorder::new(None);
    let report = r.sync(&mut devices[1]).unwrap();
    let pulled = r.of(Stage::Pull);
    assert_eq!(pulled.last(), Some(&(total - done, total - done)), "{pulled:?}");
    assert!(pulled.windows(2).all(|w| w[0].0 < w[1].0), "{pulled:?}");
    assert_eq!(u64::from(report.pulled_batches), total - done);
    assert_eq!(devices[1].clients().unwrap().len(), CLIENTS);
    engine::sync_now(&mut devices[0]).unwrap();
    assert_eq!(devices[0].outbox_len().unwrap(), 0, "every change came back");
}
