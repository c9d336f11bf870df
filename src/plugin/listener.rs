//! The listening socket and the stream of accepted connections handed to
//! tonic.
//!
//! On unix the plugin listens on a socket inside a fresh private directory,
//! removed again on exit. Elsewhere it listens on loopback TCP within the
//! `PLUGIN_MIN_PORT`..`PLUGIN_MAX_PORT` range. When TLS is on, each connection
//! is handshaken in its own task so a slow or refused client never holds up
//! the others; only connections that pass reach the gRPC server.

use super::handshake::{ListenAddr, PortRange};
use super::shutdown::ShutdownSignal;
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_rustls::TlsAcceptor;
use tokio_stream::wrappers::ReceiverStream;
use tonic::transport::server::Connected;

/// How long a client may take to finish the TLS handshake.
const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// A private temporary directory holding the unix socket; removed on drop.
#[derive(Debug)]
pub struct SocketDir {
    dir: PathBuf,
}

impl SocketDir {
    /// Creates a fresh directory (mode 0700 on unix) under `base`.
    pub fn create(base: &Path) -> io::Result<Self> {
        let mut attempt = 0u32;
        loop {
            let dir = base.join(format!(
                "tfsm-plugin-{}-{}",
                std::process::id(),
                random_hex()?
            ));
            let mut builder = std::fs::DirBuilder::new();
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
            match builder.create(&dir) {
                Ok(()) => return Ok(Self { dir }),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 8 => attempt += 1,
                Err(e) => return Err(e),
            }
        }
    }

    /// Path of the socket file inside the directory.
    pub fn socket_path(&self) -> PathBuf {
        self.dir.join("plugin.sock")
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }
}

impl Drop for SocketDir {
    fn drop(&mut self) {
        if let Err(e) = std::fs::remove_dir_all(&self.dir) {
            tracing::debug!(dir = %self.dir.display(), error = %e, "could not remove the socket directory");
        }
    }
}

fn random_hex() -> io::Result<String> {
    let mut bytes = [0u8; 8];
    rustls::crypto::aws_lc_rs::default_provider()
        .secure_random
        .fill(&mut bytes)
        .map_err(|_| io::Error::other("no random bytes available"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// A bound listener, unix or TCP.
#[derive(Debug)]
pub enum Listener {
    #[cfg(unix)]
    Unix(tokio::net::UnixListener),
    Tcp(TcpListener),
}

impl Listener {
    /// Binds a unix socket at `path`.
    #[cfg(unix)]
    pub fn bind_unix(path: &Path) -> io::Result<Self> {
        tokio::net::UnixListener::bind(path).map(Listener::Unix)
    }

    /// Binds the first free loopback TCP port in `range`.
    pub async fn bind_tcp(range: PortRange) -> io::Result<Self> {
        let mut last_err = None;
        for port in range.ports() {
            match TcpListener::bind(("127.0.0.1", port)).await {
                Ok(l) => return Ok(Listener::Tcp(l)),
                Err(e) => last_err = Some(e),
            }
        }
        Err(last_err.unwrap_or_else(|| {
            io::Error::new(
                io::ErrorKind::AddrNotAvailable,
                "no port in the allowed range",
            )
        }))
    }

    /// The address to announce in the handshake.
    pub fn addr(&self) -> io::Result<ListenAddr> {
        match self {
            #[cfg(unix)]
            Listener::Unix(l) => {
                let addr = l.local_addr()?;
                let path = addr.as_pathname().ok_or_else(|| {
                    io::Error::new(io::ErrorKind::InvalidInput, "unix socket has no path")
                })?;
                Ok(ListenAddr::Unix(path.to_path_buf()))
            }
            Listener::Tcp(l) => Ok(ListenAddr::Tcp(l.local_addr()?)),
        }
    }

    async fn accept(&self) -> io::Result<Plain> {
        match self {
            #[cfg(unix)]
            Listener::Unix(l) => l.accept().await.map(|(s, _)| Plain::Unix(s)),
            Listener::Tcp(l) => l.accept().await.map(|(s, _)| {
                let _ = s.set_nodelay(true);
                Plain::Tcp(s)
            }),
        }
    }
}

/// An accepted socket before any TLS.
#[derive(Debug)]
pub enum Plain {
    #[cfg(unix)]
    Unix(tokio::net::UnixStream),
    Tcp(TcpStream),
}

/// A connection ready for the gRPC server.
#[derive(Debug)]
pub enum Conn {
    Plain(Plain),
    Tls(Box<tokio_rustls::server::TlsStream<Plain>>),
}

/// Forwards an I/O call to whichever stream a [`Plain`] holds.
macro_rules! plain_io {
    ($self:ident, $s:ident => $e:expr) => {
        match $self.get_mut() {
            #[cfg(unix)]
            Plain::Unix($s) => $e,
            Plain::Tcp($s) => $e,
        }
    };
}

/// Forwards an I/O call to whichever stream a [`Conn`] holds.
macro_rules! conn_io {
    ($self:ident, $s:ident => $e:expr) => {
        match $self.get_mut() {
            Conn::Plain($s) => $e,
            Conn::Tls($s) => $e,
        }
    };
}

impl AsyncRead for Plain {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        plain_io!(self, s => Pin::new(s).poll_read(cx, buf))
    }
}

impl AsyncWrite for Plain {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        plain_io!(self, s => Pin::new(s).poll_write(cx, buf))
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        plain_io!(self, s => Pin::new(s).poll_flush(cx))
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        plain_io!(self, s => Pin::new(s).poll_shutdown(cx))
    }
    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        plain_io!(self, s => Pin::new(s).poll_write_vectored(cx, bufs))
    }
    fn is_write_vectored(&self) -> bool {
        match self {
            #[cfg(unix)]
            Plain::Unix(s) => s.is_write_vectored(),
            Plain::Tcp(s) => s.is_write_vectored(),
        }
    }
}

impl AsyncRead for Conn {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        conn_io!(self, s => Pin::new(s).poll_read(cx, buf))
    }
}

impl AsyncWrite for Conn {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        conn_io!(self, s => Pin::new(s).poll_write(cx, buf))
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        conn_io!(self, s => Pin::new(s).poll_flush(cx))
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        conn_io!(self, s => Pin::new(s).poll_shutdown(cx))
    }
    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        conn_io!(self, s => Pin::new(s).poll_write_vectored(cx, bufs))
    }
    fn is_write_vectored(&self) -> bool {
        match self {
            Conn::Plain(s) => s.is_write_vectored(),
            Conn::Tls(s) => s.is_write_vectored(),
        }
    }
}

impl Connected for Conn {
    type ConnectInfo = ();

    fn connect_info(&self) -> Self::ConnectInfo {}
}

/// Accepts connections until shutdown, performing the TLS handshake when an
/// acceptor is given, and yields the ready connections.
pub fn incoming(
    listener: Listener,
    tls: Option<TlsAcceptor>,
    stop: ShutdownSignal,
) -> ReceiverStream<io::Result<Conn>> {
    let (tx, rx) = mpsc::channel(16);
    tokio::spawn(async move {
        loop {
            let plain = tokio::select! {
                _ = stop.wait() => break,
                accepted = listener.accept() => accepted,
            };
            let plain = match plain {
                Ok(p) => p,
                Err(e) => {
                    // Usually out of file descriptors: back off and retry.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            match &tls {
                None => {
                    if tx.send(Ok(Conn::Plain(plain))).await.is_err() {
                        break;
                    }
                }
                Some(acceptor) => {
                    let acceptor = acceptor.clone();
                    let tx = tx.clone();
                    tokio::spawn(async move {
                        let accepted =
                            tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, acceptor.accept(plain))
                                .await;
                        match accepted {
                            Ok(Ok(stream)) => {
                                let _ = tx.send(Ok(Conn::Tls(Box::new(stream)))).await;
                            }
                            Ok(Err(e)) => {
                                tracing::debug!(error = %e, "TLS handshake refused");
                            }
                            Err(_) => tracing::debug!("TLS handshake timed out"),
                        }
                    });
                }
            }
        }
        // Dropping the listener here stops new connections at once.
        drop(listener);
    });
    ReceiverStream::new(rx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn socket_dir_is_private_and_removed() {
        let base = std::env::temp_dir();
        let dir = SocketDir::create(&base).unwrap();
        let path = dir.path().to_path_buf();
        assert!(path.is_dir());
        assert!(dir.socket_path().starts_with(&path));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o700);
        }
        drop(dir);
        assert!(!path.exists());
    }

    #[tokio::test]
    async fn tcp_binds_within_range() {
        let first = Listener::bind_tcp(PortRange { min: 0, max: 0 })
            .await
            .unwrap();
        let ListenAddr::Tcp(addr) = first.addr().unwrap() else {
            panic!("not tcp")
        };
        // The port is taken, so a range of just that port cannot bind...
        let port = addr.port();
        let busy = PortRange {
            min: port,
            max: port,
        };
        assert!(Listener::bind_tcp(busy).await.is_err());
        // ...until it is released again.
        drop(first);
        let again = Listener::bind_tcp(busy).await.unwrap();
        assert_eq!(again.addr().unwrap(), ListenAddr::Tcp(addr));
    }
}
