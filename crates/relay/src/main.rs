//! The `nextdate-relay` binary: `nextdate-relay --data DIR --listen 0.0.0.0:7070`.
//! It serves HTTPS: with the certificate it is given, or with its own, made on
//! first start (see `nextdate_relay::tls`). New chambers register with a
//! token from the operator (`nextdate-relay --data DIR token create`) unless
//! it is started with `--open-registration`; `chambers` lists, limits and
//! deletes them (see `nextdate_relay::operator`). Plain HTTP (`--plain-http`) is
//! only for a loopback address, behind a proxy that does TLS. Logs go to
//! stderr (`RUST_LOG` filters them, `--log-format json` makes them JSON
//! lines); once it is ready it prints to stdout the address it listens on and,
//! on its second line, the certificate pin devices check.
//!
//! The relay keeps its chambers in SQLite in `--data`, or, with `--database
//! postgres://USER@HOST/DB` (or `NEXTDATE_RELAY_DATABASE`), in PostgreSQL,
//! where several relay instances behind one address share them and tell
//! each other's live sockets about new batches; `--data` then holds only the
//! relay's own certificate. The operator commands take the same `--database`.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};
use nextdate_relay::limits::{Guard, Limits};
use nextdate_relay::operator::{self, QuotaChange};
use tracing_subscriber::EnvFilter;

#[derive(Clone, Copy, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

/// The Nextdate chamber relay: stores and forwards encrypted batches it cannot read.
#[derive(Parser)]
#[command(name = "nextdate-relay", version)]
struct Args {
    /// Folder for the relay's database (created if missing).
    #[arg(long, env = "NEXTDATE_RELAY_DATA", global = true)]
    data: Option<PathBuf>,
    /// Keep chambers in this PostgreSQL database (postgres://USER@HOST/DB)
    /// instead of SQLite in --data, so several relay instances can share them.
    #[arg(long, env = "NEXTDATE_RELAY_DATABASE", global = true, value_name = "URL")]
    database: Option<String>,
    #[command(subcommand)]
    command: Option<Command>,
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:7070")]
    listen: SocketAddr,
    /// PEM certificate chain to serve (needs --tls-key); without one the relay
    /// makes and keeps its own certificate in DATA/tls.
    #[arg(long, requires = "tls_key", conflicts_with = "plain_http")]
    tls_cert: Option<PathBuf>,
    /// PEM private key for --tls-cert.
    #[arg(long, requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// A host name the relay's own certificate is made for (repeatable; the
    /// loopback names are always in it). Only read when the certificate is made.
    #[arg(long = "tls-name", value_name = "NAME")]
    tls_names: Vec<String>,
    /// Serve plain HTTP, only on a loopback address (behind a proxy that does TLS).
    #[arg(long)]
    plain_http: bool,
    /// Let anyone who reaches the relay register a chamber (an office relay on
    /// its own network); otherwise registering takes a token from `token create`.
    #[arg(long)]
    open_registration: bool,
    /// Requests per second one address may make (with a burst of ten times
    /// that saved up). Raise it when many laptops share one address.
    #[arg(long, default_value_t = 100, value_name = "N")]
    requests_per_address: u32,
    /// Requests (and live messages) per second one device may make, with a
    /// burst of ten times that.
    #[arg(long, default_value_t = 200, value_name = "N")]
    requests_per_device: u32,
    /// Seconds a connection has to send a request's headers (idle keep-alive included).
    #[arg(long, default_value_t = 10, value_name = "SECS")]
    header_timeout: u64,
    /// Seconds to wait for the next piece of a request's body.
    #[arg(long, default_value_t = 20, value_name = "SECS")]
    body_timeout: u64,
    /// Seconds a live socket may stay silent (the relay pings every third of it).
    #[arg(long, default_value_t = 90, value_name = "SECS")]
    socket_idle: u64,
    /// Serve metrics (Prometheus text format, `GET /metrics`) on this address,
    /// for the operator only: a loopback or private address, never the public one.
    #[arg(long, value_name = "ADDR")]
    metrics_listen: Option<SocketAddr>,
    #[arg(long, value_enum, default_value = "text")]
    log_format: LogFormat,
}

/// Operator commands (the relay need not be stopped for them).
#[derive(Subcommand)]
enum Command {
    /// One-time tokens that let a chamber register.
    #[command(subcommand)]
    Token(TokenCommand),
    /// The chambers on this relay: usage, quotas, deletion.
    #[command(subcommand)]
    Chambers(ChambersCommand),
    /// Sets the relay-wide quota of each chamber without its own.
    Quota(QuotaArgs),
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Prints a new token that registers one chamber.
    Create {
        /// Whom it is for (shown by `token list`).
        #[arg(long, default_value = "")]
        note: String,
        /// Days it stays valid.
        #[arg(long, default_value_t = 14)]
        days: u32,
    },
    /// Lists tokens: unused, used (by which chamber), expired, revoked.
    List,
    /// Revokes an unused token by the id `token list` shows.
    Revoke { id: String },
}

#[derive(Subcommand)]
enum ChambersCommand {
    /// Lists chambers with devices, bytes, batches, documents and links against their quota.
    List {
        /// As a JSON list.
        #[arg(long)]
        json: bool,
    },
    /// Deletes a chamber and everything the relay holds for it.
    Delete {
        chamber: String,
        /// Confirms the deletion (it cannot be undone).
        #[arg(long)]
        yes: bool,
    },
    /// Gives one chamber a quota of its own (or the default again with --default).
    Quota {
        chamber: String,
        #[command(flatten)]
        quota: QuotaArgs,
        /// Back to the relay-wide default.
        #[arg(long = "default", conflicts_with_all = ["bytes", "batches", "documents"])]
        reset: bool,
    },
}

#[derive(clap::Args)]
struct QuotaArgs {
    /// Bytes of batches, documents and status links together (500MiB, 10GiB…).
    #[arg(long, value_parser = operator::parse_size)]
    bytes: Option<u64>,
    /// Batches (each a few changes).
    #[arg(long)]
    batches: Option<u64>,
    /// Documents (encrypted attachments).
    #[arg(long)]
    documents: Option<u64>,
}

impl QuotaArgs {
    fn change(&self) -> QuotaChange {
        QuotaChange {
            bytes: self.bytes,
            batches: self.batches,
            blobs: self.documents,
        }
    }
}

fn main() {
    let mut args = Args::parse();
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match args.log_format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs.json().init(),
    }
    let Some(data) = args.data.clone() else {
        eprintln!("nextdate-relay: say where the relay keeps its data: --data DIR (or NEXTDATE_RELAY_DATA)");
        std::process::exit(2);
    };
    let outcome = match args.command.take() {
        Some(command) => operate(&data, args.database.as_deref(), command),
        None => run(args, data),
    };
    if let Err(e) = outcome {
        eprintln!("nextdate-relay: {e}");
        std::process::exit(1);
    }
}

fn operate(data: &std::path::Path, database: Option<&str>, command: Command) -> Result<(), String> {
    let opened = nextdate_relay::open_storage(data, database).map_err(|e| e.to_string())?;
    let storage = &*opened;
    let now = chrono::Utc::now().timestamp();
    let out = match command {
        Command::Token(TokenCommand::Create { note, days }) => operator::create_token(storage, &note, days, now)?,
        Command::Token(TokenCommand::List) => operator::list_tokens(storage, now)?,
        Command::Token(TokenCommand::Revoke { id }) => operator::revoke_token(storage, &id, now)?,
        Command::Chambers(ChambersCommand::List { json: false }) => operator::list_chambers(storage)?,
        Command::Chambers(ChambersCommand::List { json: true }) => operator::list_chambers_json(storage)?,
        Command::Chambers(ChambersCommand::Delete { chamber, yes }) => {
            if !yes {
                return Err(format!(
                    "deleting chamber {chamber} removes everything this relay holds for it; add --yes to go ahead"
                ));
            }
            operator::delete_chamber(storage, &chamber)?
        }
        Command::Chambers(ChambersCommand::Quota { chamber, quota, reset }) => {
            operator::set_chamber_quota(storage, &chamber, quota.change(), reset)?
        }
        Command::Quota(quota) => operator::set_default_quota(storage, quota.change())?,
    };
    print!("{out}");
    Ok(())
}

#[tokio::main]
async fn run(args: Args, data: PathBuf) -> Result<(), String> {
    if args.plain_http && !args.listen.ip().is_loopback() {
        return Err(format!(
            "plain HTTP is only for a loopback address (127.0.0.1 or ::1), not {}: \
             leave out --plain-http and the relay serves HTTPS with its own certificate",
            args.listen
        ));
    }
    let policy = nextdate_relay::Policy {
        open_registration: args.open_registration,
    };
    // Opening PostgreSQL storage blocks (its client runs a runtime of its own).
    let (dir, database) = (data.clone(), args.database.clone());
    let relay = tokio::task::spawn_blocking(move || {
        nextdate_relay::open_storage(&dir, database.as_deref())
            .map(|storage| nextdate_relay::Relay::new(storage, policy))
    })
    .await
    .map_err(|e| e.to_string())?
    .map_err(|e| e.to_string())?;
    let limits = Limits {
        header_timeout: Duration::from_secs(args.header_timeout.max(1)),
        body_timeout: Duration::from_secs(args.body_timeout.max(1)),
        socket_idle: Duration::from_secs(args.socket_idle.max(3)),
        per_address: (args.requests_per_address, args.requests_per_address.saturating_mul(10)),
        per_device: (args.requests_per_device, args.requests_per_device.saturating_mul(10)),
        trust_forwarded: args.plain_http,
        ..Limits::default()
    };
    let header_timeout = limits.header_timeout;
    let guard = Guard::counted(limits, relay.metrics.rate_limited.clone());
    if let Some(at) = args.metrics_listen {
        let metrics = tokio::net::TcpListener::bind(at)
            .await
            .map_err(|e| format!("cannot listen for metrics on {at}: {e}"))?;
        let bound = metrics.local_addr().map_err(|e| e.to_string())?;
        tracing::info!(addr = %bound, "metrics listening");
        // Before the "listening on" line, which is the last but the pin.
        println!("nextdate-relay metrics on http://{bound}/metrics");
        let app = nextdate_relay::metrics::router(relay.clone());
        tokio::spawn(async move {
            if let Err(e) = axum::serve(metrics, app).await {
                tracing::error!(error = %e, "the metrics listener stopped");
            }
        });
    }
    let pruned = guard.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(60));
        loop {
            every.tick().await;
            pruned.prune();
        }
    });
    let app = nextdate_relay::server::router(relay, guard).into_make_service_with_connect_info::<SocketAddr>();
    let listener =
        std::net::TcpListener::bind(args.listen).map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    listener.set_nonblocking(true).map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let certificate = match (&args.tls_cert, &args.tls_key) {
        _ if args.plain_http => None,
        (Some(cert), Some(key)) => Some(nextdate_relay::tls::load(cert, key).map_err(|e| e.to_string())?),
        _ => Some(nextdate_relay::tls::own(&data.join("tls"), &args.tls_names).map_err(|e| e.to_string())?),
    };
    let scheme = if certificate.is_some() { "https" } else { "http" };
    tracing::info!(%addr, data = %data.display(), tls = certificate.is_some(), open_registration = args.open_registration, "relay listening");
    let handle = axum_server::Handle::new();
    let shutdown = handle.clone();
    tokio::spawn(async move {
        shutdown_signal().await;
        tracing::info!("shutting down");
        shutdown.graceful_shutdown(Some(std::time::Duration::from_secs(5)));
    });
    println!("nextdate-relay listening on {scheme}://{addr}");
    if let Some(c) = &certificate {
        println!("certificate pin {}", c.pin);
    }
    let _ = std::io::stdout().flush();
    match certificate {
        Some(c) => {
            let _ = rustls::crypto::ring::default_provider().install_default();
            let config = axum_server::tls_rustls::RustlsConfig::from_pem(c.cert_pem, c.key_pem)
                .await
                .map_err(|e| format!("cannot load the TLS certificate or key: {e}"))?;
            let mut server = axum_server::from_tcp_rustls(listener, config);
            time_headers(server.http_builder(), header_timeout);
            server.handle(handle).serve(app).await.map_err(|e| e.to_string())
        }
        None => {
            let mut server = axum_server::from_tcp(listener);
            time_headers(server.http_builder(), header_timeout);
            server.handle(handle).serve(app).await.map_err(|e| e.to_string())
        }
    }
}

/// Gives hyper a timer, so a connection that does not finish sending its
/// headers in time (a slow-header client, or one idling between requests) is closed.
fn time_headers(
    builder: &mut hyper_util::server::conn::auto::Builder<hyper_util::rt::TokioExecutor>,
    timeout: Duration,
) {
    builder
        .http1()
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(timeout);
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
