//! Screen lock: a private D-Bus daemon stands in for the session and system
//! buses; signals sent on it reach the watcher, which reports why to lock.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use nextdate_remind::session_lock::{watch, Bus, Buses, LockReason, Watcher};
use zbus::blocking::{connection, Connection};

const WAIT: Duration = Duration::from_secs(10);

/// A `dbus-daemon` of the test's own, killed when dropped (also on failure).
struct Daemon {
    child: Child,
    address: String,
    _dir: tempfile::TempDir,
}

impl Daemon {
    fn start() -> Daemon {
        let dir = tempfile::tempdir().unwrap();
        let child = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address"])
            .arg(format!("--address=unix:path={}", dir.path().join("bus").display()))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .expect("dbus-daemon runs (package dbus-daemon)");
        let mut daemon = Daemon {
            child,
            address: String::new(),
            _dir: dir,
        };
        let stdout = daemon.child.stdout.take().unwrap();
        BufReader::new(stdout).read_line(&mut daemon.address).unwrap();
        daemon.address = daemon.address.trim().to_string();
        assert!(!daemon.address.is_empty(), "dbus-daemon printed no address");
        daemon
    }

    fn connect(&self) -> Connection {
        connection::Builder::address(self.address.as_str())
            .unwrap()
            .build()
            .unwrap()
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(buses: Buses) -> (Watcher, Receiver<LockReason>) {
    let (tx, rx) = mpsc::channel();
    let watcher = watch(buses, move |reason| {
        let _ = tx.send(reason);
    });
    (watcher, rx)
}

fn next(rx: &Receiver<LockReason>) -> LockReason {
    rx.recv_timeout(WAIT).expect("a lock within 10 s")
}

fn active_changed(c: &Connection, path: &str, interface: &str, active: bool) {
    c.emit_signal(None::<&str>, path, interface, "ActiveChanged", &(active,))
        .unwrap();
}

fn prepare_for_sleep(c: &Connection, start: bool) {
    let manager = "org.freedesktop.login1.Manager";
    c.emit_signal(
        None::<&str>,
        "/org/freedesktop/login1",
        manager,
        "PrepareForSleep",
        &(start,),
    )
    .unwrap();
}

fn session_lock(c: &Connection, path: &str) {
    c.emit_signal(None::<&str>, path, "org.freedesktop.login1.Session", "Lock", &())
        .unwrap();
}

#[test]
fn lock_and_suspend_signals_lock_the_session() {
    let daemon = Daemon::start();
    let (watcher, rx) = start(Buses::single(&daemon.address));
    assert_eq!(watcher.wait_ready(WAIT), 1, "the watcher listens on the private bus");
    let bus = daemon.connect();
    let freedesktop = "org.freedesktop.ScreenSaver";

    // One connection watches both, in order: a "false" before a "true" would come first.
    active_changed(&bus, "/org/freedesktop/ScreenSaver", freedesktop, false);
    prepare_for_sleep(&bus, true);
    assert_eq!(next(&rx), LockReason::Suspending, "ActiveChanged(false) does not lock");

    prepare_for_sleep(&bus, false);
    active_changed(&bus, "/org/freedesktop/ScreenSaver", freedesktop, true);
    assert_eq!(
        next(&rx),
        LockReason::ScreenLocked,
        "PrepareForSleep(false) does not lock"
    );

    active_changed(&bus, "/ScreenSaver", freedesktop, true);
    assert_eq!(next(&rx), LockReason::ScreenLocked);
    active_changed(&bus, "/org/gnome/ScreenSaver", "org.gnome.ScreenSaver", true);
    assert_eq!(next(&rx), LockReason::ScreenLocked);

    // No logind on this bus: any session's Lock counts.
    session_lock(&bus, "/org/freedesktop/login1/session/_32");
    assert_eq!(next(&rx), LockReason::SessionLock);
}

/// A logind that puts every caller in session `_31`.
struct FakeLogind;

#[zbus::interface(name = "org.freedesktop.login1.Manager")]
impl FakeLogind {
    #[zbus(name = "GetSessionByPID")]
    fn get_session_by_pid(&self, _pid: u32) -> zbus::zvariant::OwnedObjectPath {
        zbus::zvariant::OwnedObjectPath::try_from("/org/freedesktop/login1/session/_31").unwrap()
    }
}

#[test]
fn only_this_sessions_lock_counts() {
    let daemon = Daemon::start();
    let logind = connection::Builder::address(daemon.address.as_str())
        .unwrap()
        .name("org.freedesktop.login1")
        .unwrap()
        .serve_at("/org/freedesktop/login1", FakeLogind)
        .unwrap()
        .build()
        .unwrap();
    let (watcher, rx) = start(Buses::single(&daemon.address));
    assert_eq!(watcher.wait_ready(WAIT), 1);

    session_lock(&logind, "/org/freedesktop/login1/session/_32");
    prepare_for_sleep(&logind, true);
    assert_eq!(
        next(&rx),
        LockReason::Suspending,
        "another session's Lock does not lock this one"
    );
    session_lock(&logind, "/org/freedesktop/login1/session/_31");
    assert_eq!(next(&rx), LockReason::SessionLock);
}

#[test]
fn a_missing_system_bus_leaves_the_screen_saver_watched() {
    let daemon = Daemon::start();
    let missing = format!("unix:path={}/no-such-bus", daemon._dir.path().display());
    let buses = Buses {
        session: Bus::Address(daemon.address.clone()),
        system: Bus::Address(missing),
    };
    let (watcher, rx) = start(buses);
    assert_eq!(
        watcher.wait_ready(WAIT),
        1,
        "the session bus is watched, the missing one is not"
    );

    let bus = daemon.connect();
    active_changed(&bus, "/org/gnome/ScreenSaver", "org.gnome.ScreenSaver", true);
    assert_eq!(next(&rx), LockReason::ScreenLocked);
}
