//! A throwaway PostgreSQL cluster for tests: `initdb` and `pg_ctl` in a
//! temporary folder, listening only on a Unix socket in that folder (no TCP
//! port at all), stopped (`pg_ctl stop -m immediate`) and removed when
//! dropped. Each test takes a fresh database of its own ([`PgCluster::new_database`]).
//!
//! The binaries come from `pg_config --bindir`, else the newest
//! `/usr/lib/postgresql/*/bin`, else `PATH`; without them the tests fail
//! asking for PostgreSQL to be installed (they never skip). `initdb` refuses
//! to run as root, so as root the cluster runs as the `postgres` user (which
//! Debian's package creates) through `runuser`, in a folder that user owns.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};

const INSTALL: &str = "install PostgreSQL (apt-get install postgresql)";

/// A running cluster; stopped and its folder removed on drop.
pub struct PgCluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    /// Whether the server runs as the `postgres` user (the tests run as root).
    as_postgres: bool,
    databases: AtomicUsize,
}

/// The cluster the tests running at the same time in one test binary share.
static SHARED: Mutex<Weak<PgCluster>> = Mutex::new(Weak::new());

impl PgCluster {
    /// Makes and starts a cluster in a new temporary folder.
    pub fn start() -> PgCluster {
        let bin = bindir();
        let as_postgres = is_root();
        // Under /tmp, whatever TMPDIR says: a Unix socket's path must stay short.
        let dir = tempfile::Builder::new()
            .prefix("nextdate-pg-")
            .tempdir_in("/tmp")
            .expect("a temporary folder for PostgreSQL");
        if as_postgres {
            run(Command::new("chown").arg("postgres:").arg(dir.path()));
        }
        let cluster = PgCluster {
            dir,
            bin,
            as_postgres,
            databases: AtomicUsize::new(0),
        };
        let data = cluster.data();
        let mut initdb = cluster.server_command("initdb");
        initdb.arg("-D").arg(&data).args([
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync",
        ]);
        run(&mut initdb);
        // Only the socket in the folder; durability is not what these tests are about.
        let settings = format!(
            "\nlisten_addresses = ''\nunix_socket_directories = '{}'\nmax_connections = 400\n\
             fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n\
             dynamic_shared_memory_type = mmap\nmax_parallel_workers_per_gather = 0\n",
            cluster.socket_dir().display()
        );
        let conf = data.join("postgresql.conf");
        let mut text = std::fs::read_to_string(&conf).expect("postgresql.conf");
        text.push_str(&settings);
        std::fs::write(&conf, text).expect("write postgresql.conf");
        let mut start = cluster.server_command("pg_ctl");
        start
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(cluster.log())
            .args(["-w", "-t", "60", "start"]);
        run(&mut start);
        cluster
    }

    /// The cluster shared by the tests running now (started by the first,
    /// stopped when the last of them drops it).
    pub fn shared() -> Arc<PgCluster> {
        let mut slot = SHARED.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(cluster) = slot.upgrade() {
            return cluster;
        }
        let cluster = Arc::new(PgCluster::start());
        *slot = Arc::downgrade(&cluster);
        cluster
    }

    /// The folder the server's socket is in.
    pub fn socket_dir(&self) -> &Path {
        self.dir.path()
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// The server's log.
    pub fn log(&self) -> PathBuf {
        self.dir.path().join("server.log")
    }

    /// A new, empty database; its URL, with the socket folder as host
    /// (`postgres://postgres@%2Ftmp%2Fnextdate-pg-…/db_3`).
    pub fn new_database(&self) -> String {
        let name = format!("db_{}", self.databases.fetch_add(1, Ordering::SeqCst) + 1);
        let mut create = Command::new(self.bin.join("createdb"));
        create.arg("-h").arg(self.socket_dir()).args(["-U", "postgres", &name]);
        run(&mut create);
        format!(
            "postgres://postgres@{}/{name}",
            percent_encode(&self.socket_dir().to_string_lossy())
        )
    }

    /// A server program (`initdb`, `pg_ctl`), as the `postgres` user when we are root.
    fn server_command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            Command::new(path)
        }
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        let mut stop = self.server_command("pg_ctl");
        stop.arg("-D").arg(self.data()).args(["-m", "immediate", "-w", "stop"]);
        if let Ok(out) = stop.output() {
            if !out.status.success() {
                eprintln!("pg_ctl stop failed: {}", String::from_utf8_lossy(&out.stderr));
            }
        }
    }
}

/// Runs a setup command, or panics with what it said.
fn run(command: &mut Command) {
    let out = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {command:?} ({e}): {INSTALL}"));
    assert!(
        out.status.success(),
        "{command:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// The folder with `initdb`, `pg_ctl` and `createdb`.
fn bindir() -> PathBuf {
    let has_all = |dir: &Path| ["initdb", "pg_ctl", "createdb"].iter().all(|p| dir.join(p).is_file());
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if out.status.success() && has_all(&dir) {
            return dir;
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_string_lossy().parse().ok()?;
            Some((version, e.path().join("bin")))
        })
        .filter(|(_, bin)| has_all(bin))
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return bin;
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .find(|dir| has_all(dir))
        .unwrap_or_else(|| panic!("no initdb, pg_ctl and createdb found: {INSTALL}"))
}

/// Percent-encodes everything but unreserved characters (a socket folder as a URL's host).
fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
