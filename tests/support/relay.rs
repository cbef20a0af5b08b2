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
        out.read_line(&mut line).expect("relay prints its address");
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

    /// Kills the relay and starts it again on the same address and data.
    pub fn restart(&mut self) {
        self.kill();
        let addr = self.addr();
        let again = RelayProc::start(&self.data, &self.log, &addr);
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
pub fn all_bytes(dir: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            out.extend(std::fs::read(&p).unwrap());
        } else if p.is_dir() {
            out.extend(all_bytes(&p));
        }
    }
    out
}

pub fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}
