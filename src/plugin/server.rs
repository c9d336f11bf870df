//! The gRPC server and the life of the plugin process: read the settings,
//! bind, announce ourselves on stdout, serve until shutdown, clean up.

use super::controller::{Controller, OnShutdown, Stdio};
use super::handshake::{self, HandshakeError, HandshakeLine, ListenAddr};
use super::listener::{self, Listener, SocketDir};
use super::shutdown::{self, ShutdownSignal};
use super::tls::{self, ServerIdentity, TlsError};
use super::{Mode, debug};
use crate::proto::plugin::grpc_controller_server::GrpcControllerServer;
use crate::proto::plugin::grpc_stdio_server::GrpcStdioServer;
use crate::proto::tfplugin6::provider_server::ProviderServer;
use crate::provider::ProviderService;
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio_rustls::TlsAcceptor;
use tonic::transport::Server;
use tonic_health::ServingStatus;

/// Largest gRPC message accepted or sent by the provider service: 256 MiB,
/// the limit Terraform's own plugin framework uses. Plans and states of big
/// configurations easily exceed gRPC's 4 MiB default, but no real message
/// comes near this, and a bound this size keeps a single request from
/// making the provider buffer gigabytes.
pub const MAX_MESSAGE_SIZE: usize = 256 << 20;

/// The service name go-plugin's health check asks about.
pub const HEALTH_SERVICE: &str = "plugin";

/// How long in-flight requests may take to finish after shutdown is
/// requested. Terraform kills the process two seconds after asking.
const SHUTDOWN_GRACE: Duration = Duration::from_millis(1000);

/// Why the plugin could not run.
#[derive(Debug, thiserror::Error)]
pub enum PluginError {
    #[error(transparent)]
    Handshake(#[from] HandshakeError),
    #[error(transparent)]
    Tls(#[from] TlsError),
    #[error("{what}: {source}")]
    Io {
        what: &'static str,
        #[source]
        source: io::Error,
    },
    #[error("the gRPC server failed: {0}")]
    Serve(#[from] tonic::transport::Error),
}

fn io_err(what: &'static str) -> impl FnOnce(io::Error) -> PluginError {
    move |source| PluginError::Io { what, source }
}

/// Everything the plugin reads from its environment.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// `PLUGIN_PROTOCOL_VERSIONS`.
    pub protocol_versions: Option<String>,
    /// `PLUGIN_CLIENT_CERT` (PEM).
    pub client_cert: Option<String>,
    /// `TF_DISABLE_PLUGIN_TLS` set to anything non-empty.
    pub disable_tls: bool,
    /// `PLUGIN_MIN_PORT` / `PLUGIN_MAX_PORT` (TCP transport only).
    pub min_port: Option<String>,
    pub max_port: Option<String>,
    /// `PLUGIN_UNIX_SOCKET_DIR`, else the system temporary directory.
    pub socket_base: Option<PathBuf>,
}

impl Settings {
    pub fn from_env() -> Self {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        Self {
            protocol_versions: var("PLUGIN_PROTOCOL_VERSIONS"),
            client_cert: var("PLUGIN_CLIENT_CERT"),
            disable_tls: var("TF_DISABLE_PLUGIN_TLS").is_some(),
            min_port: var("PLUGIN_MIN_PORT"),
            max_port: var("PLUGIN_MAX_PORT"),
            socket_base: var("PLUGIN_UNIX_SOCKET_DIR").map(PathBuf::from),
        }
    }
}

/// Runs the plugin (or debug server) until shutdown.
pub async fn run(mode: Mode, settings: Settings) -> Result<(), PluginError> {
    let protocol = handshake::negotiate_protocol(settings.protocol_versions.as_deref())?;
    let identity_and_acceptor = match (mode, settings.disable_tls, &settings.client_cert) {
        (Mode::Plugin, false, Some(pem)) => {
            let client_cert = tls::parse_client_cert(pem)?;
            let identity = ServerIdentity::generate()?;
            let config = tls::server_config(&identity, client_cert)?;
            Some((identity, TlsAcceptor::from(Arc::new(config))))
        }
        (Mode::Plugin, false, None) => {
            // go-plugin does the same: a host that sends no certificate does
            // not expect TLS, so serving TLS would only break the connection.
            tracing::warn!("PLUGIN_CLIENT_CERT is not set; serving without TLS");
            None
        }
        _ => None,
    };

    // Stay alive through Ctrl-C in plugin mode: the terminal sends SIGINT to
    // Terraform and to us, and Terraform then stops us through gRPC.
    watch_signals(mode).map_err(io_err("cannot install signal handlers"))?;
    if mode == Mode::Plugin {
        watch_parent();
    }

    let (listener, _socket_dir) = bind(&settings).await?;
    let addr = listener
        .addr()
        .map_err(io_err("cannot read the listening address"))?;
    let tls_on = identity_and_acceptor.is_some();
    tracing::debug!(
        protocol,
        network = addr.network(),
        address = %addr,
        tls = tls_on,
        "plugin listening"
    );

    let stop = shutdown::signal();
    let (identity, acceptor) = identity_and_acceptor.unzip();
    let on_shutdown = if mode == Mode::Debug {
        OnShutdown::KeepServing
    } else {
        OnShutdown::Exit
    };
    let mut server = tokio::spawn(serve(listener, acceptor, on_shutdown, stop.clone()));

    announce(mode, protocol, &addr, identity.as_ref())
        .map_err(io_err("cannot write the handshake to stdout"))?;

    let grace = async {
        stop.wait().await;
        tokio::time::sleep(SHUTDOWN_GRACE).await;
    };
    tokio::select! {
        finished = &mut server => {
            match finished {
                Ok(result) => result?,
                Err(e) => tracing::error!(error = %e, "the gRPC server task failed"),
            }
        }
        _ = grace => {
            tracing::debug!("requests still open after the grace period; exiting anyway");
            server.abort();
        }
    }
    tracing::debug!("plugin stopped");
    Ok(())
    // `_socket_dir` is dropped here, removing the socket.
}

/// Binds the listener: a unix socket in a fresh directory, or loopback TCP
/// where unix sockets are not available.
async fn bind(settings: &Settings) -> Result<(Listener, Option<SocketDir>), PluginError> {
    #[cfg(unix)]
    {
        let base = settings
            .socket_base
            .clone()
            .unwrap_or_else(std::env::temp_dir);
        let dir = SocketDir::create(&base).map_err(io_err("cannot create the socket directory"))?;
        let listener = Listener::bind_unix(&dir.socket_path())
            .map_err(io_err("cannot listen on the socket"))?;
        Ok((listener, Some(dir)))
    }
    #[cfg(not(unix))]
    {
        let range = handshake::PortRange::from_env_values(
            settings.min_port.as_deref(),
            settings.max_port.as_deref(),
        )?;
        let listener = Listener::bind_tcp(range)
            .await
            .map_err(io_err("cannot listen on TCP"))?;
        Ok((listener, None))
    }
}

/// Writes the handshake line (plugin mode) or the reattach instructions
/// (debug mode) to stdout and flushes it.
fn announce(
    mode: Mode,
    protocol: u32,
    addr: &ListenAddr,
    identity: Option<&ServerIdentity>,
) -> io::Result<()> {
    let text = if mode == Mode::Debug {
        let reattach =
            debug::reattach_json(debug::PROVIDER_ADDRESS, protocol, std::process::id(), addr);
        debug::instructions(&reattach)
    } else {
        let line = HandshakeLine {
            protocol,
            addr,
            server_cert_der: identity.map(|id| id.cert.as_ref()),
        };
        format!("{line}\n")
    };
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// Serves the provider, the go-plugin services and health until `stop`.
async fn serve(
    listener: Listener,
    acceptor: Option<TlsAcceptor>,
    on_shutdown: OnShutdown,
    stop: ShutdownSignal,
) -> Result<(), PluginError> {
    let (health_reporter, health) = tonic_health::server::health_reporter();
    health_reporter
        .set_service_status(HEALTH_SERVICE, ServingStatus::Serving)
        .await;
    let provider = ProviderServer::new(ProviderService::new())
        .max_decoding_message_size(MAX_MESSAGE_SIZE)
        .max_encoding_message_size(MAX_MESSAGE_SIZE);
    let incoming = listener::incoming(listener, acceptor, stop.clone());
    let until = {
        let stop = stop.clone();
        async move { stop.wait().await }
    };
    Server::builder()
        .add_service(health)
        .add_service(provider)
        .add_service(GrpcControllerServer::new(Controller::new(on_shutdown)))
        .add_service(GrpcStdioServer::new(Stdio::new(stop)))
        .serve_with_incoming_shutdown(incoming, until)
        .await?;
    Ok(())
}

/// Stops the plugin when the Terraform process that started it dies without
/// a word (SIGKILL, a crash): the plugin is then re-parented, and staying
/// alive would only leave a stray process behind. An operation in progress
/// is already abandoned by then, as its connection is gone.
fn watch_parent() {
    #[cfg(unix)]
    {
        let parent = std::os::unix::process::parent_id();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                if std::os::unix::process::parent_id() != parent {
                    tracing::warn!("Terraform (pid {parent}) is gone; shutting down");
                    shutdown::trigger();
                    return;
                }
            }
        });
    }
}

/// Installs the signal handlers: SIGTERM always stops the plugin; SIGINT
/// stops it in debug mode and is ignored when Terraform runs it.
fn watch_signals(mode: Mode) -> io::Result<()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate())?;
        let mut int = signal(SignalKind::interrupt())?;
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = term.recv() => {
                        tracing::debug!("SIGTERM received; shutting down");
                        shutdown::trigger();
                    }
                    _ = int.recv() => {
                        if mode == Mode::Debug {
                            tracing::debug!("interrupt received; shutting down");
                            shutdown::trigger();
                        } else {
                            tracing::trace!("interrupt ignored; Terraform stops the plugin itself");
                        }
                    }
                }
            }
        });
    }
    #[cfg(not(unix))]
    {
        tokio::spawn(async move {
            while tokio::signal::ctrl_c().await.is_ok() {
                if mode == Mode::Debug {
                    shutdown::trigger();
                }
            }
        });
    }
    Ok(())
}
