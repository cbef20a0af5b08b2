//! Locking with the desktop: watches the session bus for the screen saver's
//! `ActiveChanged(true)` and the system bus for logind's `PrepareForSleep(true)`
//! and this session's `Lock`, and calls back with the [`LockReason`]. Each bus
//! is watched by its own background thread (zbus, blocking API); a bus that is
//! missing is reported once on stderr and the other one is still watched.

use std::fmt;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use zbus::blocking::{connection, fdo::DBusProxy, Connection, MessageIterator};
use zbus::message::{Message, Type};
use zbus::zvariant::OwnedObjectPath;
use zbus::MatchRule;

/// Why the diary should lock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LockReason {
    /// The screen saver became active: the screen locked.
    ScreenLocked,
    /// The machine is about to suspend or hibernate.
    Suspending,
    /// logind asked this session to lock (`loginctl lock-session`).
    SessionLock,
}

/// Where a bus is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Bus {
    /// The user's session bus.
    Session,
    /// The system bus.
    System,
    /// A bus at a D-Bus address, such as `unix:path=/tmp/bus` (tests).
    Address(String),
}

impl fmt::Display for Bus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Bus::Session => f.write_str("session bus"),
            Bus::System => f.write_str("system bus"),
            Bus::Address(a) => write!(f, "bus at {a}"),
        }
    }
}

/// The buses to watch: `session` for the screen saver, `system` for logind.
#[derive(Clone, Debug)]
pub struct Buses {
    pub session: Bus,
    pub system: Bus,
}

impl Buses {
    /// The desktop's real session and system buses.
    pub fn desktop() -> Self {
        Buses {
            session: Bus::Session,
            system: Bus::System,
        }
    }

    /// One bus standing in for both (tests). The same bus twice is watched
    /// by one connection, so its signals are handled in the order they were sent.
    pub fn single(address: &str) -> Self {
        let bus = Bus::Address(address.to_string());
        Buses {
            session: bus.clone(),
            system: bus,
        }
    }
}

/// Screen savers whose `ActiveChanged(bool)` means the screen locked
/// (freedesktop, as KDE; GNOME; and the GNOME forks).
const SCREENSAVERS: &[&str] = &[
    "org.freedesktop.ScreenSaver",
    "org.gnome.ScreenSaver",
    "org.cinnamon.ScreenSaver",
    "org.mate.ScreenSaver",
    "org.xfce.ScreenSaver",
];
const LOGIN1: &str = "org.freedesktop.login1";
const LOGIN1_PATH: &str = "/org/freedesktop/login1";
const MANAGER: &str = "org.freedesktop.login1.Manager";
const SESSION: &str = "org.freedesktop.login1.Session";

/// What one connection listens for.
struct Interest {
    screensaver: bool,
    logind: bool,
    /// This process's logind session; `None` (no logind): any session's `Lock`.
    own_session: Option<OwnedObjectPath>,
}

#[derive(Default)]
struct Progress {
    listening: usize,
    failed: usize,
}

/// The running watch. Its threads live as long as their buses.
pub struct Watcher {
    threads: usize,
    progress: Arc<(Mutex<Progress>, Condvar)>,
}

impl Watcher {
    /// Waits, at most `timeout`, until every bus is listened to or has failed;
    /// returns how many buses are listened to. Signals sent after that are seen.
    pub fn wait_ready(&self, timeout: Duration) -> usize {
        let (lock, ready) = &*self.progress;
        let guard = lock.lock().unwrap_or_else(|e| e.into_inner());
        let (guard, _) = ready
            .wait_timeout_while(guard, timeout, |p| p.listening + p.failed < self.threads)
            .unwrap_or_else(|e| e.into_inner());
        guard.listening
    }
}

/// Starts watching `buses` in the background; `on_lock` is called on the
/// watching thread for every lock, suspend or session-lock signal.
pub fn watch(buses: Buses, on_lock: impl Fn(LockReason) + Send + Sync + 'static) -> Watcher {
    let on_lock: Arc<dyn Fn(LockReason) + Send + Sync> = Arc::new(on_lock);
    let groups = if buses.session == buses.system {
        vec![(buses.session, true, true)]
    } else {
        vec![(buses.session, true, false), (buses.system, false, true)]
    };
    let watcher = Watcher {
        threads: groups.len(),
        progress: Arc::default(),
    };
    for (bus, screensaver, logind) in groups {
        let progress = watcher.progress.clone();
        let on_lock = on_lock.clone();
        let interest = Interest {
            screensaver,
            logind,
            own_session: None,
        };
        let spawned = std::thread::Builder::new()
            .name("session-lock".into())
            .spawn(move || run(&bus, interest, &progress, &*on_lock));
        if let Err(e) = spawned {
            eprintln!("nextdate: cannot watch for the screen lock: {e}");
            report(&watcher.progress, false);
        }
    }
    watcher
}

fn report(progress: &(Mutex<Progress>, Condvar), listening: bool) {
    let mut p = progress.0.lock().unwrap_or_else(|e| e.into_inner());
    p.listening += usize::from(listening);
    p.failed += usize::from(!listening);
    progress.1.notify_all();
}

/// One bus: connect, subscribe, then hand every matching signal to `on_lock`
/// until the bus goes away.
fn run(bus: &Bus, mut interest: Interest, progress: &(Mutex<Progress>, Condvar), on_lock: &dyn Fn(LockReason)) {
    let subscribed = connect(bus).and_then(|conn| subscribe(&conn, &interest).map(|iter| (conn, iter)));
    let (conn, iter) = match subscribed {
        Ok(ok) => ok,
        Err(e) => {
            eprintln!("nextdate: not locking with the desktop through the {bus}: {e}");
            report(progress, false);
            return;
        }
    };
    if interest.logind {
        interest.own_session = own_session(&conn);
    }
    report(progress, true);
    for msg in iter {
        match msg {
            Ok(msg) => {
                if let Some(reason) = reason(&msg, &interest) {
                    on_lock(reason);
                }
            }
            Err(e) => {
                eprintln!("nextdate: stopped watching the {bus} for the screen lock: {e}");
                return;
            }
        }
    }
}

fn connect(bus: &Bus) -> zbus::Result<Connection> {
    let builder = match bus {
        Bus::Session => connection::Builder::session()?,
        Bus::System => connection::Builder::system()?,
        Bus::Address(a) => connection::Builder::address(a.as_str())?,
    };
    builder.method_timeout(Duration::from_secs(5)).build()
}

/// Starts reading the connection's messages, then asks the bus for the signals.
fn subscribe(conn: &Connection, interest: &Interest) -> zbus::Result<MessageIterator> {
    let iter = MessageIterator::from(conn);
    let mut wanted: Vec<(&str, &str)> = Vec::new();
    if interest.screensaver {
        wanted.extend(SCREENSAVERS.iter().map(|i| (*i, "ActiveChanged")));
    }
    if interest.logind {
        wanted.extend([(MANAGER, "PrepareForSleep"), (SESSION, "Lock")]);
    }
    let dbus = DBusProxy::new(conn)?;
    for (interface, member) in wanted {
        let rule = MatchRule::builder()
            .msg_type(Type::Signal)
            .interface(interface)?
            .member(member)?
            .build();
        dbus.add_match_rule(rule)?;
    }
    Ok(iter)
}

/// The logind session of this process (or, outside one, the user's display session).
fn own_session(conn: &Connection) -> Option<OwnedObjectPath> {
    let by_pid = conn.call_method(
        Some(LOGIN1),
        LOGIN1_PATH,
        Some(MANAGER),
        "GetSessionByPID",
        &(std::process::id(),),
    );
    let reply = match by_pid {
        Ok(reply) => reply,
        Err(_) => conn
            .call_method(Some(LOGIN1), LOGIN1_PATH, Some(MANAGER), "GetSession", &("auto",))
            .ok()?,
    };
    reply.body().deserialize().ok()
}

/// Why `msg` locks the diary, if it does.
fn reason(msg: &Message, interest: &Interest) -> Option<LockReason> {
    let header = msg.header();
    if header.message_type() != Type::Signal {
        return None;
    }
    let interface = header.interface()?.as_str();
    let flag = || msg.body().deserialize::<bool>().unwrap_or(false);
    match header.member()?.as_str() {
        "ActiveChanged" if interest.screensaver && SCREENSAVERS.contains(&interface) => {
            flag().then_some(LockReason::ScreenLocked)
        }
        "PrepareForSleep" if interest.logind && interface == MANAGER => flag().then_some(LockReason::Suspending),
        "Lock" if interest.logind && interface == SESSION => match (&interest.own_session, header.path()) {
            (Some(own), Some(path)) if own.as_str() != path.as_str() => None,
            _ => Some(LockReason::SessionLock),
        },
        _ => None,
    }
}
