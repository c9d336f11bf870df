//! The plugin as Terraform runs it with AutoMTLS: handshake line, health,
//! the provider service behind pinned mutual TLS, refusal of any other
//! client, and a clean exit on `GRPCController.Shutdown`.

use crate::plugin_support;
use plugin_support::*;
use std::time::{Duration, Instant};
use tfsm::proto::plugin::Empty;
use tfsm::proto::plugin::grpc_controller_client::GrpcControllerClient;
use tfsm::proto::plugin::grpc_stdio_client::GrpcStdioClient;
use tfsm::proto::tfplugin6::get_provider_schema;
use tfsm::proto::tfplugin6::provider_client::ProviderClient;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn start_with(client: &ClientIdentity) -> Plugin {
    Plugin::start(&[
        ("PLUGIN_CLIENT_CERT", client.cert_pem.as_str()),
        ("PLUGIN_PROTOCOL_VERSIONS", "5,6"),
    ])
}

#[tokio::test]
async fn mtls_serves_health_provider_and_shuts_down() {
    let client = terraform_like_client_cert();
    let mut plugin = start_with(&client);
    let hs = &plugin.handshake;
    assert_eq!(hs.protocol, "6", "{}", hs.line);
    assert_eq!(hs.network, "unix");
    let socket = hs.socket();
    assert!(socket.exists(), "socket {socket:?} missing");
    let cert = hs
        .cert_der
        .clone()
        .expect("TLS handshake line carries the server cert");
    assert_eq!(cert[0], 0x30, "certificate is DER");

    let channel = channel(socket.clone(), Some(client_tls(&cert, Some(&client))))
        .await
        .expect("mTLS connection with Terraform's certificate");
    assert_eq!(health(channel.clone()).await.unwrap(), SERVING);

    // The provider service is reachable (it may not implement this RPC yet).
    let reply = ProviderClient::new(channel.clone())
        .get_provider_schema(get_provider_schema::Request {})
        .await;
    match reply {
        Ok(_) => {}
        Err(status) => assert_eq!(status.code(), tonic::Code::Unimplemented, "{status:?}"),
    }

    // The stdio stream stays open and idle until shutdown, then ends.
    let mut stdio = GrpcStdioClient::new(channel.clone())
        .stream_stdio(())
        .await
        .unwrap()
        .into_inner();
    let idle = tokio::time::timeout(Duration::from_millis(300), stdio.message()).await;
    assert!(idle.is_err(), "stdio stream should be idle, got {idle:?}");

    let asked = Instant::now();
    GrpcControllerClient::new(channel.clone())
        .shutdown(Empty {})
        .await
        .expect("Shutdown RPC succeeds");
    let end = tokio::time::timeout(Duration::from_secs(3), stdio.message())
        .await
        .expect("stdio stream ends at shutdown");
    assert!(
        matches!(end, Ok(None)),
        "stdio stream should end cleanly: {end:?}"
    );

    let status = plugin
        .wait_exit(Duration::from_secs(2))
        .expect("plugin exits within Terraform's 2 s grace period");
    assert!(
        status.success(),
        "exit status {status:?}; stderr: {}",
        plugin.stderr()
    );
    assert!(asked.elapsed() < Duration::from_secs(2));
    assert!(!socket.exists(), "socket left behind");
    assert!(
        !socket.parent().unwrap().exists(),
        "socket directory left behind"
    );
    assert_eq!(
        plugin.rest_of_stdout(),
        "",
        "nothing but the handshake on stdout"
    );
}

/// Opens a raw TLS connection and returns the first error the server
/// reports, or `None` if it answered an HTTP/2 preface normally.
async fn raw_tls_error(
    socket: std::path::PathBuf,
    config: rustls::ClientConfig,
) -> Option<std::io::Error> {
    let stream = tokio::net::UnixStream::connect(socket).await.unwrap();
    let connector = tokio_rustls::TlsConnector::from(std::sync::Arc::new(config));
    let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
    let mut tls = match connector.connect(name, stream).await {
        Ok(tls) => tls,
        Err(e) => return Some(e),
    };
    // In TLS 1.3 the server judges the client certificate after the client
    // has finished, so a refusal shows up on the first read.
    // The write may already fail because the server hung up; the alert it
    // sent before hanging up is still waiting to be read, so read anyway.
    let written = tls.write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n").await;
    let mut buf = [0u8; 64];
    match tokio::time::timeout(Duration::from_secs(5), tls.read(&mut buf)).await {
        Ok(Ok(n)) if n > 0 && written.is_ok() => None,
        Ok(Ok(_)) => Some(
            written
                .err()
                .unwrap_or_else(|| std::io::Error::other("closed without an alert")),
        ),
        Ok(Err(e)) => Some(e),
        Err(_) => Some(std::io::Error::other("no answer")),
    }
}

#[tokio::test]
async fn other_clients_are_refused() {
    let client = terraform_like_client_cert();
    let stranger = terraform_like_client_cert();
    let plugin = start_with(&client);
    let socket = plugin.handshake.socket();
    let cert = plugin.handshake.cert_der.clone().unwrap();

    // A different certificate: refused by a TLS alert.
    let err = raw_tls_error(socket.clone(), client_tls(&cert, Some(&stranger)))
        .await
        .expect("a different client certificate must be refused");
    assert!(err.to_string().contains("alert"), "{err}");
    // No certificate at all: refused too.
    let err = raw_tls_error(socket.clone(), client_tls(&cert, None))
        .await
        .expect("a client without a certificate must be refused");
    assert!(err.to_string().contains("alert"), "{err}");
    // Plaintext gRPC gets nowhere either.
    let plain = match channel(socket.clone(), None).await {
        Ok(ch) => health(ch).await.is_ok(),
        Err(_) => false,
    };
    assert!(!plain, "plaintext client was served");
    // Through gRPC, the stranger gets no answer.
    let via_grpc = match channel(socket.clone(), Some(client_tls(&cert, Some(&stranger)))).await {
        Ok(ch) => health(ch).await.is_ok(),
        Err(_) => false,
    };
    assert!(!via_grpc, "a stranger reached the health service");

    // The same path with Terraform's certificate works, and the refusals did
    // not harm the server.
    assert!(
        raw_tls_error(socket.clone(), client_tls(&cert, Some(&client)))
            .await
            .is_none()
    );
    let ch = channel(socket, Some(client_tls(&cert, Some(&client))))
        .await
        .unwrap();
    assert_eq!(health(ch).await.unwrap(), SERVING);
}

#[tokio::test]
async fn interrupt_is_ignored_in_plugin_mode() {
    // Ctrl-C in the terminal reaches the plugin too; Terraform stops it
    // through gRPC instead, so the plugin must survive the signal.
    let client = terraform_like_client_cert();
    let mut plugin = start_with(&client);
    let socket = plugin.handshake.socket();
    let cert = plugin.handshake.cert_der.clone().unwrap();
    send_signal(plugin.child.id(), "INT");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        plugin.child.try_wait().unwrap().is_none(),
        "plugin died on SIGINT"
    );
    let ch = channel(socket.clone(), Some(client_tls(&cert, Some(&client))))
        .await
        .unwrap();
    assert_eq!(health(ch).await.unwrap(), SERVING);

    // SIGTERM, however, stops it cleanly.
    send_signal(plugin.child.id(), "TERM");
    let status = plugin
        .wait_exit(Duration::from_secs(3))
        .expect("exit on SIGTERM");
    assert!(status.success());
    assert!(!socket.exists());
}
