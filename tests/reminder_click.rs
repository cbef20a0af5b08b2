//! Clicking a reminder reports its day: the notification server emits
//! ActionInvoked("default") for the notification and the desktop notifier
//! (as the app uses it) calls back with the day to open.

#[path = "support/notifications.rs"]
mod notifications;

use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use nextdate_diary::reminders::{Reminder, ReminderKind};
use nextdate_remind::{DesktopNotifier, Notifier};
use notifications::{Bus, Server};

#[test]
fn clicking_a_reminder_opens_its_day() {
    let bus = Bus::start();
    let server = Server::start(&bus);
    // This test binary holds only this test, so setting the variable races with nothing.
    std::env::set_var("DBUS_SESSION_BUS_ADDRESS", &bus.address);
    let (tx, rx) = mpsc::channel();
    let tx = std::sync::Mutex::new(tx);
    let notifier = DesktopNotifier::new("Nextdate", Some(Arc::new(move |d| tx.lock().unwrap().send(d).unwrap())));
    let day = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
    let r = Reminder {
        key: "digest:2026-11-25".into(),
        kind: ReminderKind::Digest,
        title: "Tomorrow: 6 hearings in 3 courts".into(),
        body: "Delhi High Court: 2".into(),
        open_date: day,
    };
    notifier.send(&r).unwrap();
    let id = server.received()[0].id;
    // The notifier's thread subscribes to ActionInvoked just after showing, and a
    // signal emitted before that subscription reaches nobody (as on a desktop).
    // So click until the callback comes, as a user clicking again would; the
    // notifier stops listening after the first click it acts on.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let opened = loop {
        server.click(id + 100, "default"); // someone else's notification: ignored
        server.click(id, "default");
        match rx.recv_timeout(Duration::from_millis(250)) {
            Ok(d) => break d,
            Err(_) if std::time::Instant::now() < deadline => continue,
            Err(e) => panic!("no callback within 20 s of clicking: {e}"),
        }
    };
    assert_eq!(opened, day);
    server.click(id, "default");
    assert!(
        rx.recv_timeout(Duration::from_millis(300)).is_err(),
        "one click, one callback"
    );
}
