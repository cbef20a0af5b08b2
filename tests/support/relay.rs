//! A real `nextdate-relay` process on 127.0.0.1 for sync tests, and throwaway
//! passphrase diaries (so these tests need no keyring).

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use nextdate_diary::{Diary, InitOptions, Protection, Unlock, Zeroizing};

pub const PASSPHRASE: &str = "correct horse battery staple";

/// The relay binary: built by `cargo test --workspace` next to the test binaries.
pub fn relay_bin() -> PathBuf {
    if let Some(p) = option_env!("CARGO_BIN_EXE_nextdate-relay") {
        return PathBuf::from(p);
    }
    let exe = std::env::current_exe().expect("test binary path");
    let p = exe
        .parent()
        .and_then(Path::parent)
        .expect("target dir")
        .join("nextdate-relay");
    assert!(
        p.exists(),
        "{} is missing: run `cargo build --workspace` first",
        p.display()
    );
    p
}

/// A running relay; killed (SIGKILL) when dropped.
pub struct RelayProc {
    pub child: Child,
    pub url: String,
    /// The metrics address (`--metrics-listen`), when asked for.
    pub metrics: Option<String>,
    /// Its arguments besides `--data` (a restart uses them again).
    args: Vec<String>,
    /// The certificate pin it printed (a relay serving TLS).
    pub pin: Option<nextdate_sync::protocol::CertPin>,
    pub data: PathBuf,
    pub log: PathBuf,
}

impl RelayProc {
    /// Starts a relay serving plain HTTP on `listen` (a loopback address:
    /// "127.0.0.1:0" for any free port) with data in `data`, logs appended to `log`.
    pub fn start(data: &Path, log: &Path, listen: &str) -> RelayProc {
        Self::start_with(data, log, &["--listen", listen, "--plain-http"])
    }

    /// Starts a relay serving HTTPS with its own certificate (made in
    /// `data/tls` on first start) on a free loopback port.
    pub fn start_tls(data: &Path, log: &Path) -> RelayProc {
        let relay = Self::start_with(data, log, &["--listen", "127.0.0.1:0"]);
        assert!(relay.url.starts_with("https://"), "{}", relay.url);
        assert!(relay.pin.is_some(), "a TLS relay prints its pin");
        relay
    }

    /// Starts a relay open to anyone registering a chamber (as an office
    /// relay may be), with these arguments besides `--data`.
    pub fn start_with(data: &Path, log: &Path, args: &[&str]) -> RelayProc {
        let mut all = args.to_vec();
        all.push("--open-registration");
        Self::start_closed(data, log, &all)
    }

    /// Starts a relay open to anyone registering, on a free loopback port,
    /// with its operator's metrics listener, on SQLite in `data` or, given
    /// `database`, on that PostgreSQL database.
    pub fn start_on(data: &Path, log: &Path, database: Option<&str>) -> RelayProc {
        let mut args = vec![
            "--listen",
            "127.0.0.1:0",
            "--plain-http",
            "--metrics-listen",
            "127.0.0.1:0",
        ];
        if let Some(url) = database {
            args.extend(["--database", url]);
        }
        Self::start_with(data, log, &args)
    }

    /// Starts a relay with exactly these arguments besides `--data`: without
    /// `--open-registration`, a chamber registers only with a token.
    pub fn start_closed(data: &Path, log: &Path, args: &[&str]) -> RelayProc {
        let log_file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .expect("relay log");
        let mut child = Command::new(relay_bin())
            .args(["--data", data.to_str().unwrap()])
            .args(args)
            .env("RUST_LOG", "debug")
            .stdout(Stdio::piped())
            .stderr(log_file)
            .spawn()
            .expect("start nextdate-relay");
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        let mut metrics = None;
        out.read_line(&mut line).expect("relay prints its address");
        while let Some(m) = line.trim().strip_prefix("nextdate-relay metrics on ") {
            metrics = Some(m.to_string());
            line.clear();
            out.read_line(&mut line).expect("relay prints its address");
        }
        let url = line
            .trim()
            .strip_prefix("nextdate-relay listening on ")
            .unwrap_or_else(|| panic!("unexpected first line from the relay: {line:?}"))
            .to_string();
        let pin = url.starts_with("https://").then(|| {
            let mut line = String::new();
            out.read_line(&mut line).expect("a TLS relay prints its pin");
            let text = line
                .trim()
                .strip_prefix("certificate pin ")
                .unwrap_or_else(|| panic!("unexpected second line from the relay: {line:?}"));
            nextdate_sync::protocol::CertPin::parse(text).expect("a pin")
        });
        RelayProc {
            child,
            url,
            args: args.iter().map(|a| a.to_string()).collect(),
            metrics,
            pin,
            data: data.to_path_buf(),
            log: log.to_path_buf(),
        }
    }

    pub fn addr(&self) -> String {
        self.url.trim_start_matches("http://").to_string()
    }

    /// SIGKILL, no goodbye.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Kills the relay and starts it again on the same address and data,
    /// with the same arguments (a metrics listener on a new port).
    pub fn restart(&mut self) {
        self.kill();
        let addr = self.addr();
        let mut args = self.args.clone();
        if let Some(i) = args.iter().position(|a| a == "--listen") {
            args[i + 1] = addr;
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let again = RelayProc::start_closed(&self.data, &self.log, &args);
        let old = std::mem::replace(self, again);
        drop(old); // already killed
    }

    /// Runs an operator command (`token create`, `chambers list`, …) on this
    /// relay's data folder while it serves; its standard output, or panics.
    pub fn operate(&self, args: &[&str]) -> String {
        let out = Command::new(relay_bin())
            .args(["--data", self.data.to_str().unwrap()])
            .args(args)
            .output()
            .expect("run nextdate-relay");
        assert!(
            out.status.success(),
            "nextdate-relay {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// A new registration token, as `token create` prints it.
    pub fn registration_token(&self) -> String {
        self.operate(&["token", "create", "--note", "test"])
            .lines()
            .next()
            .expect("a token line")
            .to_string()
    }

    /// A series' value from the metrics listener (`--metrics-listen`), e.g.
    /// `nextdate_relay_stored{what="batches"}`; `None` when it cannot be read.
    pub fn metric(&self, series: &str) -> Option<f64> {
        let text = ureq::get(self.metrics.as_deref()?).call().ok()?.into_string().ok()?;
        text.lines()
            .find(|l| l.starts_with(series) && l[series.len()..].starts_with(' '))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|v| v.parse().ok())
    }

    pub fn health(&self) -> serde_json::Value {
        let body = ureq::get(&format!("{}/health", self.url))
            .call()
            .expect("health")
            .into_string()
            .unwrap();
        serde_json::from_str(&body).unwrap()
    }
}

impl Drop for RelayProc {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A new passphrase diary in `dir`.
pub fn new_diary(dir: &Path, name: &str) -> Diary {
    Diary::init(
        dir,
        InitOptions {
            name: name.into(),
            advocate: Some(name.into()),
            protection: Protection::Passphrase(Zeroizing::new(PASSPHRASE.into())),
        },
    )
    .expect("init diary")
    .diary
}

pub fn reopen(dir: &Path) -> Diary {
    Diary::open(dir, &Unlock::Passphrase(Zeroizing::new(PASSPHRASE.into()))).expect("open diary")
}

/// Every file under `dir`, concatenated (to search for plaintext).
/// (A file or folder that goes away while it is read, such as a database
/// server's temporary file, is skipped.)
pub fn all_bytes(dir: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_file() {
            out.extend(std::fs::read(&p).unwrap_or_default());
        } else if p.is_dir() {
            out.extend(all_bytes(&p));
        }
    }
    out
}

pub fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}
