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
pub fn start_relay(data: &Path) -> Relay {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nextdate-relay"))
        .args([
            "--data",
            data.to_str().unwrap(),
            "--listen",
            "127.0.0.1:0",
            "--plain-http",
            "--open-registration",
        ])
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

/// A new passphrase diary in `dir`.
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
