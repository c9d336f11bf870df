//! Shared helpers for the plugin bootstrap tests: start the built binary the
//! way Terraform does, read its handshake, and talk gRPC to it over the unix
//! socket with or without Terraform-style mutual TLS.

#![allow(dead_code)] // each test file uses a different subset

use hyper_util::rt::TokioIo;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, aws_lc_rs};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};
use tonic::codegen::http::Uri;
use tonic::codegen::{Context, Poll, Service};
use tonic::transport::{Channel, Endpoint};

pub const BIN: &str = env!("CARGO_BIN_EXE_terraform-provider-sagemaker");
pub const COOKIE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

/// Environment variables that would change the plugin's behaviour if the
/// test runner happened to have them set.
const SCRUB: &[&str] = &[
    "TF_PLUGIN_MAGIC_COOKIE",
    "PLUGIN_PROTOCOL_VERSIONS",
    "PLUGIN_CLIENT_CERT",
    "TF_DISABLE_PLUGIN_TLS",
    "PLUGIN_MIN_PORT",
    "PLUGIN_MAX_PORT",
    "PLUGIN_UNIX_SOCKET_DIR",
    "TF_LOG",
    "TF_LOG_PROVIDER",
];

/// A command for the plugin binary with a clean plugin environment.
pub fn command() -> Command {
    let mut cmd = Command::new(BIN);
    for name in SCRUB {
        cmd.env_remove(name);
    }
    cmd
}

/// A certificate and key like the one Terraform generates for AutoMTLS:
/// self-signed ECDSA P-521, marked as a CA.
pub struct ClientIdentity {
    pub cert_pem: String,
    pub cert_der: CertificateDer<'static>,
    pub key_der: PrivatePkcs8KeyDer<'static>,
}

pub fn terraform_like_client_cert() -> ClientIdentity {
    use rcgen::{
        BasicConstraints, CertificateParams, ExtendedKeyUsagePurpose, IsCa, KeyPair,
        KeyUsagePurpose,
    };
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512).unwrap();
    let mut params = CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
        KeyUsagePurpose::KeyCertSign,
    ];
    params.extended_key_usages = vec![
        ExtendedKeyUsagePurpose::ClientAuth,
        ExtendedKeyUsagePurpose::ServerAuth,
    ];
    let cert = params.self_signed(&key).unwrap();
    ClientIdentity {
        cert_pem: cert.pem(),
        cert_der: cert.der().clone(),
        key_der: PrivatePkcs8KeyDer::from(key.serialize_der()),
    }
}

/// The parsed handshake line.
#[derive(Debug)]
pub struct Handshake {
    pub line: String,
    pub protocol: String,
    pub network: String,
    pub address: String,
    pub cert_der: Option<Vec<u8>>,
}

impl Handshake {
    pub fn parse(line: &str) -> Handshake {
        use base64::Engine as _;
        let parts: Vec<&str> = line.split('|').collect();
        assert!(
            parts.len() == 5 || parts.len() == 6,
            "bad handshake line: {line:?}"
        );
        assert_eq!(parts[0], "1", "core protocol version");
        assert_eq!(parts[4], "grpc");
        let cert_der = parts.get(5).map(|b64| {
            assert!(!b64.ends_with('='), "the certificate must not be padded");
            base64::engine::general_purpose::STANDARD_NO_PAD
                .decode(b64)
                .expect("certificate is standard base64 without padding")
        });
        Handshake {
            line: line.to_string(),
            protocol: parts[1].to_string(),
            network: parts[2].to_string(),
            address: parts[3].to_string(),
            cert_der,
        }
    }

    pub fn socket(&self) -> PathBuf {
        assert_eq!(self.network, "unix");
        PathBuf::from(&self.address)
    }
}

/// A running plugin process.
pub struct Plugin {
    pub child: ChildGuard,
    pub handshake: Handshake,
    stdout: Option<ChildStdout>,
    stderr: Arc<Mutex<String>>,
}

impl Plugin {
    /// Starts the plugin with the cookie and `env`, and waits for its
    /// handshake line.
    pub fn start(env: &[(&str, &str)]) -> Plugin {
        let mut cmd = command();
        cmd.env("TF_PLUGIN_MAGIC_COOKIE", COOKIE);
        for (k, v) in env {
            cmd.env(k, v);
        }
        Self::start_command(cmd)
    }

    pub fn start_command(mut cmd: Command) -> Plugin {
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the plugin");
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut err_pipe = child.stderr.take().unwrap();
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err_pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            let res = reader.read_line(&mut line).map(|_| line);
            let _ = tx.send((res, reader.into_inner()));
        });
        let (line, stdout) = match rx.recv_timeout(Duration::from_secs(20)) {
            Ok((Ok(line), stdout)) => (line, stdout),
            other => {
                let _ = child.kill();
                panic!(
                    "no handshake line: {other:?}; stderr: {}",
                    stderr.lock().unwrap()
                )
            }
        };
        assert!(
            line.ends_with('\n'),
            "handshake line not terminated: {line:?}"
        );
        Plugin {
            child: ChildGuard(child),
            handshake: Handshake::parse(line.trim_end_matches('\n')),
            stdout: Some(stdout),
            stderr,
        }
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Waits up to `limit` for the process to exit; returns its status.
    pub fn wait_exit(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        self.child.wait_exit(limit)
    }

    /// Everything the process wrote to stdout after the handshake line
    /// (call once it has exited).
    pub fn rest_of_stdout(&mut self) -> String {
        let mut rest = String::new();
        if let Some(mut out) = self.stdout.take() {
            out.read_to_string(&mut rest).unwrap();
        }
        rest
    }
}

/// Sends a signal ("TERM", "INT", ...) to a process.
pub fn send_signal(pid: u32, signal: &str) {
    let status = Command::new("kill")
        .args([format!("-{signal}"), pid.to_string()])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -{signal} {pid} failed");
}

/// Stops a child process when dropped (SIGTERM, then SIGKILL), so a failing
/// test never leaves a plugin running.
pub struct ChildGuard(pub Child);

impl ChildGuard {
    /// Waits up to `limit` for the process to exit; returns its status.
    pub fn wait_exit(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let start = Instant::now();
        while start.elapsed() < limit {
            if let Some(status) = self.0.try_wait().unwrap() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

impl std::ops::Deref for ChildGuard {
    type Target = Child;
    fn deref(&self) -> &Child {
        &self.0
    }
}

impl std::ops::DerefMut for ChildGuard {
    fn deref_mut(&mut self) -> &mut Child {
        &mut self.0
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            send_signal(self.0.id(), "TERM");
            if self.wait_exit(Duration::from_secs(3)).is_none() {
                let _ = self.0.kill();
            }
        }
        let _ = self.0.wait();
    }
}

/// Accepts exactly one server certificate (the one from the handshake),
/// as go-plugin does by trusting it as its only root.
#[derive(Debug)]
struct PinnedServer {
    expected: Vec<u8>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for PinnedServer {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        assert_eq!(server_name.to_str(), "localhost");
        if end_entity.as_ref() == self.expected.as_slice() {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::UnknownIssuer,
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// A TLS client configuration that pins `server_cert` and presents
/// `identity` (or no certificate at all).
pub fn client_tls(server_cert: &[u8], identity: Option<&ClientIdentity>) -> rustls::ClientConfig {
    let provider = Arc::new(aws_lc_rs::default_provider());
    let verifier = Arc::new(PinnedServer {
        expected: server_cert.to_vec(),
        provider: provider.clone(),
    });
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    let mut config = match identity {
        Some(id) => builder
            .with_client_auth_cert(
                vec![id.cert_der.clone()],
                PrivateKeyDer::Pkcs8(id.key_der.clone_key()),
            )
            .unwrap(),
        None => builder.with_no_client_auth(),
    };
    config.alpn_protocols = vec![b"h2".to_vec()];
    config
}

/// Connects tonic to a unix socket, optionally through TLS.
#[derive(Clone)]
struct UnixConnector {
    path: PathBuf,
    tls: Option<Arc<rustls::ClientConfig>>,
}

type BoxIo = Box<dyn IoStream>;
trait IoStream: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + Unpin {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + Unpin> IoStream for T {}

impl Service<Uri> for UnixConnector {
    type Response = TokioIo<BoxIo>;
    type Error = std::io::Error;
    type Future = std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<Self::Response, Self::Error>> + Send>,
    >;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _uri: Uri) -> Self::Future {
        let this = self.clone();
        Box::pin(async move {
            let stream = tokio::net::UnixStream::connect(&this.path).await?;
            let io: BoxIo = match this.tls {
                None => Box::new(stream),
                Some(config) => {
                    let connector = tokio_rustls::TlsConnector::from(config);
                    let name = ServerName::try_from("localhost").unwrap();
                    let tls = connector.connect(name, stream).await?;
                    assert_eq!(tls.get_ref().1.alpn_protocol(), Some(&b"h2"[..]));
                    Box::new(tls)
                }
            };
            Ok(TokioIo::new(io))
        })
    }
}

/// A gRPC channel to the plugin's socket.
pub async fn channel(
    socket: PathBuf,
    tls: Option<rustls::ClientConfig>,
) -> Result<Channel, tonic::transport::Error> {
    Endpoint::from_static("http://localhost")
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(10))
        .connect_with_connector(UnixConnector {
            path: socket,
            tls: tls.map(Arc::new),
        })
        .await
}

/// Asks the health service about "plugin".
pub async fn health(channel: Channel) -> Result<i32, tonic::Status> {
    use tonic_health::pb::HealthCheckRequest;
    use tonic_health::pb::health_client::HealthClient;
    let reply = HealthClient::new(channel)
        .check(HealthCheckRequest {
            service: "plugin".to_string(),
        })
        .await?;
    Ok(reply.into_inner().status)
}

/// The SERVING value of the health status enum.
pub const SERVING: i32 = tonic_health::pb::health_check_response::ServingStatus::Serving as i32;
