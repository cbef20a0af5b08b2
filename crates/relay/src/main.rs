//! The `nextdate-relay` binary: `nextdate-relay --data DIR --listen 127.0.0.1:7070`.
//! Logs go to stderr (`RUST_LOG` filters them, `--log-format json` makes them
//! JSON lines); the address it listens on is printed to stdout once it is ready.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, ValueEnum};
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
    #[arg(long, env = "NEXTDATE_RELAY_DATA")]
    data: PathBuf,
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:7070")]
    listen: SocketAddr,
    /// PEM certificate chain: serve HTTPS/WSS (needs --tls-key).
    #[arg(long, requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// PEM private key for --tls-cert.
    #[arg(long, requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "text")]
    log_format: LogFormat,
}

fn main() {
    let args = Args::parse();
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match args.log_format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs.json().init(),
    }
    if let Err(e) = run(args) {
        eprintln!("nextdate-relay: {e}");
        std::process::exit(1);
    }
}

#[tokio::main]
async fn run(args: Args) -> Result<(), String> {
    let relay = nextdate_relay::open(&args.data).map_err(|e| e.to_string())?;
    let app = nextdate_relay::server::router(relay).into_make_service();
    let listener =
        std::net::TcpListener::bind(args.listen).map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    listener.set_nonblocking(true).map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let scheme = if args.tls_cert.is_some() { "https" } else { "http" };
    tracing::info!(%addr, data = %args.data.display(), tls = args.tls_cert.is_some(), "relay listening");
    let handle = axum_server::Handle::new();
    let shutdown = handle.clone();
    tokio::spawn(async move {
        shutdown_signal().await;
        tracing::info!("shutting down");
        shutdown.graceful_shutdown(Some(std::time::Duration::from_secs(5)));
    });
    println!("nextdate-relay listening on {scheme}://{addr}");
    let _ = std::io::stdout().flush();
    match (args.tls_cert, args.tls_key) {
        (Some(cert), Some(key)) => {
            let _ = rustls::crypto::ring::default_provider().install_default();
            let config = axum_server::tls_rustls::RustlsConfig::from_pem_file(&cert, &key)
                .await
                .map_err(|e| format!("cannot load the TLS certificate or key: {e}"))?;
            axum_server::from_tcp_rustls(listener, config)
                .handle(handle)
                .serve(app)
                .await
                .map_err(|e| e.to_string())
        }
        _ => axum_server::from_tcp(listener)
            .handle(handle)
            .serve(app)
            .await
            .map_err(|e| e.to_string()),
    }
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
