//! Long commands through the real `nextdate` binary: Ctrl+C (SIGINT) cancels
//! them cleanly — `demo` stops between whole batches and fails with
//! `cancelled` (exit code 1), and the diary opens and checks clean — and the
//! progress bar is drawn only on a terminal, never into a pipe.

mod support;

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;
use support::*;

/// How long any one wait may take before the test gives up.
const PATIENCE: Duration = Duration::from_secs(180);

#[test]
fn ctrl_c_stops_demo_data_between_whole_batches() {
    let (cli, _) = Cli::init();
    let mut child = cli
        .command()
        .args(["--json", "demo", "--cases", "3000", "--batch", "100"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Every committed case id, as the command prints it, in order.
    let (tx, rx) = mpsc::channel::<String>();
    let stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(id) = serde_json::from_str::<Value>(&line)
                .ok()
                .and_then(|v| v["committed"].as_str().map(String::from))
            {
                let _ = tx.send(id);
            }
        }
    });
    let mut stderr = child.stderr.take().unwrap();
    let errors = std::thread::spawn(move || {
        let mut s = String::new();
        stderr.read_to_string(&mut s).unwrap();
        s
    });

    // The first batch is committed: press Ctrl+C.
    let first = rx
        .recv_timeout(PATIENCE)
        .expect("a first batch within the time allowed");
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let status = child.wait().unwrap();
    reader.join().unwrap();
    let committed: Vec<String> = std::iter::once(first).chain(rx.try_iter()).collect();
    let stderr = errors.join().unwrap();

    assert_eq!(status.code(), Some(1), "stderr: {stderr}");
    assert_eq!(
        stderr.lines().count(),
        1,
        "one line, no progress bar in a pipe: {stderr:?}"
    );
    let error: Value = serde_json::from_str(&stderr).unwrap();
    assert_eq!(error["error"]["code"], "cancelled");
    let n = committed.len();
    assert!(n < 3000 && n.is_multiple_of(100), "only whole batches: {n}");
    assert_eq!(
        error["error"]["message"],
        format!("cancelled: {n} of 3000 demo cases were added (in whole batches of 100); nothing else was changed")
    );

    // The diary opens, holds exactly the committed cases, and checks clean.
    let cases = cli.json(&["case", "list"]);
    let listed: std::collections::BTreeSet<&str> = cases
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(listed, committed.iter().map(String::as_str).collect());
    let check = cli.run(&["check"]);
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stdout));
}

#[test]
fn the_progress_bar_is_drawn_on_a_terminal_only() {
    let (cli, _) = Cli::init();
    assert!(cli.run(&["demo", "--cases", "120", "--batch", "40"]).status.success());
    // In a pipe: the command's output, and nothing on stderr.
    let out = cli.run(&["rebuild"]);
    assert!(out.status.success());
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));

    // On a terminal (`script` gives the command one): the bar shows what is done.
    let line = format!("{} --diary {} rebuild", bin(), cli.dir().display());
    let tty = Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .env("NEXTDATE_PASSPHRASE", PASSPHRASE)
        .env_remove("NEXTDATE_RECOVERY_KEY")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let screen = String::from_utf8_lossy(&tty.stdout);
    assert!(tty.status.success(), "{screen}");
    assert!(screen.contains("Rebuilding the lists"), "{screen:?}");
    assert!(screen.contains("projection rebuilt from the documents"), "{screen:?}");
}
