//! Reminders through the real `nextdate remind` binary to a notification
//! server on a private D-Bus session bus: the evening digest arrives once with
//! the right counts, not again after a restart, not before its time, not when
//! switched off, and never with a client's name or a case number in it.

#[path = "support/notifications.rs"]
mod notifications;
mod support;

use chrono::{Duration, NaiveDate};
use notifications::{Bus, Server};
use support::{today, Cli};

fn remind(cli: &Cli, bus: &Bus, at: &str) -> std::process::Output {
    cli.command()
        .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
        .args(["remind", "--at", at])
        .output()
        .unwrap()
}

fn day(d: NaiveDate) -> String {
    d.to_string()
}

#[test]
fn the_evening_digest_fires_once_with_the_right_counts() {
    let (cli, _) = Cli::init();
    let tomorrow = today() + Duration::days(1);
    let courts = ["Delhi High Court", "Saket District Courts", "Tis Hazari Courts"];
    for i in 0..6 {
        let id = cli.id(&[
            "case",
            "add",
            "--title",
            &format!("Sunita Devi v. State {i}"),
            "--number",
            &format!("CRL.A. {i}/2026"),
            "--court",
            courts[i % 3],
            "--next-date",
            &day(tomorrow),
        ]);
        if i == 0 {
            cli.id(&[
                "task",
                "add",
                &id,
                "--title",
                "Call Sunita Devi about fees",
                "--due",
                &day(tomorrow),
            ]);
        }
    }
    for i in 0..2 {
        cli.id(&[
            "case",
            "add",
            "--title",
            "Undated matter",
            "--number",
            &format!("O.S. {i}/2020"),
            "--court",
            "City Civil Court",
        ]);
    }
    let bus = Bus::start();
    let server = Server::start(&bus);
    let evening = format!("{} 19:05", today());

    // Before the digest time: nothing.
    let out = remind(&cli, &bus, &format!("{} 18:59", today()));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(server.received().is_empty());

    let out = remind(&cli, &bus, &evening);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let got = server.received();
    let summaries: Vec<&str> = got.iter().map(|n| n.summary.as_str()).collect();
    assert_eq!(
        summaries,
        [
            "Tomorrow: 6 hearings in 3 courts",
            "1 task due tomorrow",
            "2 cases have no next date"
        ]
    );
    assert_eq!(
        got[0].body,
        "Delhi High Court: 2\nSaket District Courts: 2\nTis Hazari Courts: 2"
    );
    assert!(got
        .iter()
        .all(|n| n.app_name == "Nextdate" && n.actions.contains(&"default".to_string())));
    for n in &got {
        for secret in ["Sunita", "CRL.A.", "O.S.", "Call"] {
            assert!(
                !n.summary.contains(secret) && !n.body.contains(secret),
                "{secret} leaked in {n:?}"
            );
        }
    }

    // A restart (a new process) later that evening: nothing new.
    let out = remind(&cli, &bus, &format!("{} 22:30", today()));
    assert!(out.status.success());
    assert_eq!(server.received().len(), 3, "a reminder fired twice");

    // Switched off: the next evening's digest does not come; switched on, it does.
    cli.json(&[
        "case",
        "add",
        "--title",
        "Next",
        "--number",
        "W.P.(C) 9/2026",
        "--court",
        "Delhi High Court",
        "--next-date",
        &day(today() + Duration::days(2)),
    ]);
    cli.json(&["remind", "settings", "--digest", "off", "--undated", "off"]);
    let next_evening = format!("{} 19:30", today() + Duration::days(1));
    assert!(remind(&cli, &bus, &next_evening).status.success());
    assert_eq!(server.received().len(), 3);
    let s = cli.json(&["remind", "settings", "--digest", "on", "--digest-time", "20:15"]);
    assert_eq!(s["digest_time"], "20:15");
    assert!(remind(&cli, &bus, &next_evening).status.success());
    assert_eq!(server.received().len(), 3, "20:15 has not come yet");
    assert!(remind(&cli, &bus, &format!("{} 20:15", today() + Duration::days(1)))
        .status
        .success());
    let got = server.received();
    assert_eq!(got.len(), 4);
    assert_eq!(got[3].summary, "Tomorrow: 1 hearing in 1 court");
}

#[test]
fn with_no_notification_server_the_reminder_waits_for_the_next_run() {
    let (cli, _) = Cli::init();
    cli.id(&[
        "case",
        "add",
        "--title",
        "T",
        "--number",
        "A 1/2026",
        "--court",
        "Saket",
        "--next-date",
        &day(today() + Duration::days(1)),
    ]);
    let bus = Bus::start();
    let at = format!("{} 19:05", today());
    let out = remind(&cli, &bus, &at);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("it will be sent next time"), "{err}");
    let server = Server::start(&bus);
    assert!(remind(&cli, &bus, &at).status.success());
    assert_eq!(server.received().len(), 1);
    assert_eq!(server.received()[0].summary, "Tomorrow: 1 hearing in 1 court");
    let (code, _) = cli.fails(&["remind", "settings", "--digest-time", "25:00"]);
    assert_eq!(code, "invalid_time");
}
