//! A private D-Bus session bus and a notification server on it that records
//! every notification it receives and can click one (emit ActionInvoked), as a
//! desktop's server would. Real D-Bus, real wire protocol: only the server's
//! display is replaced by a log the tests read.

// Each test binary uses a different part of this module.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

use zbus::object_server::SignalEmitter;
use zbus::zvariant::OwnedValue;

/// One notification as the server received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub id: u32,
    pub app_name: String,
    pub summary: String,
    pub body: String,
    pub actions: Vec<String>,
}

struct Recorder {
    log: Arc<Mutex<Vec<Received>>>,
    next: u32,
}

#[zbus::interface(name = "org.freedesktop.Notifications")]
impl Recorder {
    fn get_capabilities(&self) -> Vec<String> {
        vec!["actions".into(), "body".into()]
    }

    #[allow(clippy::too_many_arguments)]
    fn notify(
        &mut self,
        app_name: String,
        _replaces_id: u32,
        _app_icon: String,
        summary: String,
        body: String,
        actions: Vec<String>,
        _hints: HashMap<String, OwnedValue>,
        _expire_timeout: i32,
    ) -> u32 {
        self.next += 1;
        self.log.lock().unwrap().push(Received {
            id: self.next,
            app_name,
            summary,
            body,
            actions,
        });
        self.next
    }

    fn close_notification(&self, _id: u32) {}

    fn get_server_information(&self) -> (String, String, String, String) {
        (
            "nextdate-test-recorder".into(),
            "nextdate".into(),
            "1.0".into(),
            "1.2".into(),
        )
    }

    #[zbus(signal)]
    async fn action_invoked(emitter: &SignalEmitter<'_>, id: u32, action_key: &str) -> zbus::Result<()>;

    #[zbus(signal)]
    async fn notification_closed(emitter: &SignalEmitter<'_>, id: u32, reason: u32) -> zbus::Result<()>;
}

/// A session bus of its own (`dbus-daemon`), stopped when dropped.
pub struct Bus {
    daemon: Child,
    pub address: String,
}

impl Bus {
    pub fn start() -> Bus {
        let mut daemon = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon (package dbus-daemon) is installed");
        let mut line = String::new();
        BufReader::new(daemon.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        Bus {
            daemon,
            address: line.trim().to_string(),
        }
    }
}

impl Drop for Bus {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

/// The recording notification server, connected to a bus.
pub struct Server {
    conn: zbus::blocking::Connection,
    log: Arc<Mutex<Vec<Received>>>,
}

impl Server {
    pub fn start(bus: &Bus) -> Server {
        Server::connect(&bus.address)
    }

    /// Serves on the bus at `address` (for example the session bus of an
    /// end-to-end test, where the app under test sends its notifications).
    pub fn connect(address: &str) -> Server {
        let log = Arc::new(Mutex::new(Vec::new()));
        let recorder = Recorder {
            log: log.clone(),
            next: 0,
        };
        let conn = zbus::blocking::connection::Builder::address(address)
            .unwrap()
            .name("org.freedesktop.Notifications")
            .unwrap()
            .serve_at("/org/freedesktop/Notifications", recorder)
            .unwrap()
            .build()
            .unwrap();
        Server { conn, log }
    }

    pub fn received(&self) -> Vec<Received> {
        self.log.lock().unwrap().clone()
    }

    /// Clicks a notification, as a person would.
    pub fn click(&self, id: u32, action: &str) {
        let iface = self
            .conn
            .object_server()
            .interface::<_, Recorder>("/org/freedesktop/Notifications")
            .unwrap();
        zbus::block_on(Recorder::action_invoked(iface.signal_emitter(), id, action)).unwrap();
    }
}
