//! Crash safety: a writing `nextdate` is killed with SIGKILL at random moments,
//! many times over; every write it acknowledged must be there afterwards, the
//! diary must open, and its projection must equal a rebuild.

mod support;

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use serde_json::Value;
use support::*;

const KILLS: usize = 60;

#[test]
fn acknowledged_writes_survive_sigkill() {
    let (cli, _) = Cli::init();
    let seed: u64 = std::env::var("CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random);
    eprintln!("crash test seed: {seed} (rerun with CRASH_SEED={seed})");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut acknowledged: Vec<String> = Vec::new();
    let mut kills_during_writes = 0;
    for round in 0..KILLS {
        // Most rounds write cases one transaction at a time; some rebuild the projection.
        let rebuild = round % 6 == 5;
        let mut cmd = cli.command();
        if rebuild {
            cmd.args(["--json", "rebuild"]);
        } else {
            cmd.args([
                "--json",
                "demo",
                "--cases",
                "500",
                "--batch",
                "1",
                "--seed",
                &round.to_string(),
            ]);
        }
        let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
        let stdout = child.stdout.take().unwrap();
        let acked = Arc::new(Mutex::new(Vec::<String>::new()));
        // The first acknowledged write is signalled, so that most kills land
        // while writes go on however long unlocking took on a loaded machine.
        let (first_ack, writing) = std::sync::mpsc::channel::<()>();
        let reader = {
            let acked = acked.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                    if let Ok(v) = serde_json::from_str::<Value>(&line) {
                        if let Some(id) = v["committed"].as_str() {
                            acked.lock().unwrap().push(id.to_string());
                            let _ = first_ack.send(());
                        }
                    }
                }
            })
        };
        // Kill before, during and after the writes start: a quarter of the
        // rounds (and every rebuild) at a random time after the start, which
        // may fall while unlocking (Argon2id); the others a random time after
        // the first write was acknowledged (or the process ended).
        let timed = rebuild || rng.gen_bool(0.25);
        if !timed {
            let _ = writing.recv_timeout(Duration::from_secs(120));
        }
        let start = Instant::now();
        let wait = Duration::from_millis(if timed {
            rng.gen_range(50..900)
        } else {
            rng.gen_range(0..400)
        });
        while start.elapsed() < wait {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        let _ = child.kill(); // SIGKILL on Unix
        child.wait().unwrap();
        reader.join().unwrap();
        let got = acked.lock().unwrap().clone();
        if !got.is_empty() {
            kills_during_writes += 1;
        }
        acknowledged.extend(got);

        // After every kill: the diary opens and holds every acknowledged case.
        let listed = cli.json(&["case", "list"]);
        let ids: std::collections::HashSet<&str> = listed
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap())
            .collect();
        for id in &acknowledged {
            assert!(
                ids.contains(id.as_str()),
                "round {round}: acknowledged case {id} is missing (seed {seed})"
            );
        }
    }
    assert!(
        kills_during_writes >= 10,
        "too few kills landed during writes ({kills_during_writes}); the test proves little"
    );
    // Documents and projection agree: a rebuild changes no answer.
    let before = cli.json(&["case", "list"]);
    let boards: Vec<Value> = (0..30)
        .map(|i| cli.json(&["board", "--date", &(today() + chrono::Duration::days(i)).to_string()]))
        .collect();
    cli.json(&["rebuild"]);
    assert_eq!(before, cli.json(&["case", "list"]));
    let after: Vec<Value> = (0..30)
        .map(|i| cli.json(&["board", "--date", &(today() + chrono::Duration::days(i)).to_string()]))
        .collect();
    assert_eq!(boards, after);
    eprintln!(
        "{} acknowledged writes survived {KILLS} SIGKILLs ({kills_during_writes} during writes)",
        acknowledged.len()
    );
}
