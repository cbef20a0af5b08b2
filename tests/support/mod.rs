//! Drives the real `nextdate` binary on a throwaway diary folder.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

pub const PASSPHRASE: &str = "a long enough passphrase";

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_nextdate")
}

pub struct Cli {
    pub tmp: tempfile::TempDir,
}

impl Cli {
    /// A new, initialised passphrase diary; returns it with the recovery key.
    pub fn init() -> (Cli, String) {
        let cli = Cli {
            tmp: tempfile::tempdir().unwrap(),
        };
        let v = cli.json(&[
            "init",
            "--passphrase",
            "--name",
            "Test Chambers",
            "--advocate",
            "Adv. Test",
        ]);
        let rk = v["recovery_key"].as_str().unwrap().to_string();
        (cli, rk)
    }

    pub fn dir(&self) -> PathBuf {
        self.tmp.path().join("diary")
    }

    pub fn command(&self) -> Command {
        let mut c = Command::new(bin());
        c.arg("--diary")
            .arg(self.dir())
            .env("NEXTDATE_PASSPHRASE", PASSPHRASE)
            .env_remove("NEXTDATE_RECOVERY_KEY");
        c
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command().args(args).output().unwrap()
    }

    /// Runs with `--json`, expects success, parses stdout.
    pub fn json(&self, args: &[&str]) -> Value {
        let out = self.command().arg("--json").args(args).output().unwrap();
        assert!(
            out.status.success(),
            "nextdate {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("bad JSON from {args:?}: {e}: {}", String::from_utf8_lossy(&out.stdout)))
    }

    pub fn id(&self, args: &[&str]) -> String {
        self.json(args)["id"].as_str().unwrap().to_string()
    }

    /// Runs, expects exit code 1 with one line on stderr; returns (code from --json, plain message).
    pub fn fails(&self, args: &[&str]) -> (String, String) {
        let plain = self.run(args);
        assert_eq!(
            plain.status.code(),
            Some(1),
            "nextdate {args:?} should fail: {}",
            String::from_utf8_lossy(&plain.stdout)
        );
        let msg = String::from_utf8(plain.stderr).unwrap();
        assert_eq!(msg.trim_end().lines().count(), 1, "error must be one line: {msg:?}");
        assert!(msg.starts_with("nextdate: "), "{msg}");
        let json = self.command().arg("--json").args(args).output().unwrap();
        assert_eq!(json.status.code(), Some(1));
        let v: Value = serde_json::from_slice(&json.stderr).expect("--json errors are JSON");
        (
            v["error"]["code"].as_str().unwrap().to_string(),
            msg.trim_end().to_string(),
        )
    }
}

/// Every file in a folder with its contents.
pub fn files(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

pub fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}
