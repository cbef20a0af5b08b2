//! The `nextdate-relay` binary: `nextdate-relay --data DIR --listen 0.0.0.0:7070`.
//! It serves HTTPS: with the certificate it is given, or with its own, made on
//! first start (see `nextdate_relay::tls`). Plain HTTP (`--plain-http`) is
//! only for a loopback address, behind a proxy that does TLS. Logs go to
//! stderr (`RUST_LOG` filters them, `--log-format json` makes them JSON
//! lines); once it is ready it prints to stdout the address it listens on and,
//! on its second line, the certificate pin devices check.

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
    if args.plain_http && !args.listen.ip().is_loopback() {
        return Err(format!(
            "plain HTTP is only for a loopback address (127.0.0.1 or ::1), not {}: \
             leave out --plain-http and the relay serves HTTPS with its own certificate",
            args.listen
        ));
    }
    let relay = nextdate_relay::open(&args.data).map_err(|e| e.to_string())?;
    let app = nextdate_relay::server::router(relay).into_make_service();
    let listener =
        std::net::TcpListener::bind(args.listen).map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    listener.set_nonblocking(true).map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let certificate = match (&args.tls_cert, &args.tls_key) {
        _ if args.plain_http => None,
        (Some(cert), Some(key)) => Some(nextdate_relay::tls::load(cert, key).map_err(|e| e.to_string())?),
        _ => Some(nextdate_relay::tls::own(&args.data.join("tls"), &args.tls_names).map_err(|e| e.to_string())?),
    };
    let scheme = if certificate.is_some() { "https" } else { "http" };
    tracing::info!(%addr, data = %args.data.display(), tls = certificate.is_some(), "relay listening");
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
            axum_server::from_tcp_rustls(listener, config)
                .handle(handle)
                .serve(app)
                .await
                .map_err(|e| e.to_string())
        }
        None => axum_server::from_tcp(listener)
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
