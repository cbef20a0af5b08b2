//! What the relay benchmarks share: a real `nextdate-relay` process on
//! 127.0.0.1 and new passphrase diaries.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use nextdate_diary::{Diary, InitOptions, Protection, Zeroizing};

/// A running relay; killed when dropped.
pub struct Relay {
    pub child: Child,
    pub url: String,
}

impl Drop for Relay {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts a relay serving plain HTTP on a free loopback port, data in `data`.
#[allow(dead_code)]
pub fn start_relay(data: &Path) -> Relay {
    start_relay_with(data, &[])
}

/// [`start_relay`] with more arguments (`--database URL`, say).
pub fn start_relay_with(data: &Path, extra: &[&str]) -> Relay {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nextdate-relay"))
        .args([
            "--data",
            data.to_str().unwrap(),
            "--listen",
            "127.0.0.1:0",
            "--plain-http",
            "--open-registration",
            // The benchmarks measure what the relay can take, not its limits.
            "--requests-per-address",
            "1000000",
            "--requests-per-device",
            "1000000",
        ])
        .args(extra)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the relay");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.trim().rsplit(' ').next().unwrap().to_string();
    Relay { child, url }
}

/// A process's memory (`VmRSS`, `VmHWM`…) in MB, from `/proc`.
#[allow(dead_code)]
pub fn rss_mb(pid: u32, field: &str) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

/// A new passphrase diary in `dir`.
#[allow(dead_code)]
pub fn new_diary(dir: &Path, name: &str) -> Diary {
    Diary::init(
        dir,
        InitOptions {
            name: name.into(),
            advocate: Some(name.into()),
            protection: Protection::Passphrase(Zeroizing::new("benchmark passphrase".into())),
        },
    )
    .unwrap()
    .diary
}
