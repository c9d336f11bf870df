//! The plugin without TLS (`TF_DISABLE_PLUGIN_TLS`) and protocol version
//! negotiation through `PLUGIN_PROTOCOL_VERSIONS`.

use crate::plugin_support;
use plugin_support::*;
use std::time::Duration;
use tfsm::proto::plugin::Empty;
use tfsm::proto::plugin::grpc_controller_client::GrpcControllerClient;

#[tokio::test]
async fn disabled_tls_serves_plaintext() {
    let client = terraform_like_client_cert();
    // Even with a client certificate around, the switch wins.
    let mut plugin = Plugin::start(&[
        ("TF_DISABLE_PLUGIN_TLS", "1"),
        ("PLUGIN_CLIENT_CERT", client.cert_pem.as_str()),
    ]);
    let hs = &plugin.handshake;
    assert_eq!(
        hs.cert_der, None,
        "no certificate field without TLS: {}",
        hs.line
    );
    assert_eq!(hs.protocol, "6");
    assert!(hs.line.starts_with("1|6|unix|/"), "{}", hs.line);
    assert!(hs.line.ends_with("|grpc"), "{}", hs.line);
    let socket = hs.socket();

    let ch = channel(socket.clone(), None)
        .await
        .expect("plaintext connection");
    assert_eq!(health(ch.clone()).await.unwrap(), SERVING);

    GrpcControllerClient::new(ch)
        .shutdown(Empty {})
        .await
        .unwrap();
    let status = plugin
        .wait_exit(Duration::from_secs(2))
        .expect("prompt exit");
    assert!(status.success());
    assert!(!socket.exists());
    assert_eq!(plugin.rest_of_stdout(), "");
}

#[test]
fn protocol_5_only_is_refused_clearly() {
    let out = command()
        .env("TF_PLUGIN_MAGIC_COOKIE", COOKIE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "5")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "no handshake when negotiation fails");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("PLUGIN_PROTOCOL_VERSIONS"), "{stderr}");
    assert!(stderr.contains("only speaks protocol 6"), "{stderr}");
}

#[test]
fn protocol_list_with_6_picks_6() {
    for offered in ["5,6", "6", " 6 , 5 "] {
        let plugin = Plugin::start(&[
            ("TF_DISABLE_PLUGIN_TLS", "1"),
            ("PLUGIN_PROTOCOL_VERSIONS", offered),
        ]);
        assert_eq!(plugin.handshake.protocol, "6", "offered {offered:?}");
    }
}

#[test]
fn logs_are_hclog_json_on_stderr() {
    let mut plugin = Plugin::start(&[("TF_DISABLE_PLUGIN_TLS", "1"), ("TF_LOG", "DEBUG")]);
    let socket = plugin.handshake.socket();
    send_signal(plugin.child.id(), "TERM");
    assert!(
        plugin
            .wait_exit(Duration::from_secs(3))
            .expect("exit")
            .success()
    );
    let stderr = plugin.stderr();
    let lines: Vec<serde_json::Value> = stderr
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l:?}")))
        .collect();
    let listening = lines
        .iter()
        .find(|l| l["@message"] == "plugin listening")
        .unwrap_or_else(|| panic!("no listening line in {stderr}"));
    assert_eq!(listening["@level"], "debug");
    assert_eq!(listening["@module"], "sagemaker");
    assert_eq!(listening["protocol"], 6);
    assert_eq!(listening["address"], socket.to_str().unwrap());
    let ts = listening["@timestamp"].as_str().unwrap();
    assert_eq!(ts.len(), 27, "{ts}");
    assert!(ts.ends_with('Z'));

    // TF_LOG_PROVIDER wins over TF_LOG; at WARN the debug lines disappear.
    let mut quiet = Plugin::start(&[
        ("TF_DISABLE_PLUGIN_TLS", "1"),
        ("TF_LOG", "TRACE"),
        ("TF_LOG_PROVIDER", "WARN"),
    ]);
    send_signal(quiet.child.id(), "TERM");
    assert!(
        quiet
            .wait_exit(Duration::from_secs(3))
            .expect("exit")
            .success()
    );
    assert!(
        !quiet.stderr().contains("plugin listening"),
        "{}",
        quiet.stderr()
    );
}

#[test]
fn socket_directory_base_can_be_chosen() {
    let base = tempfile::tempdir().unwrap();
    let base_path = base.path().to_str().unwrap().to_string();
    let mut plugin = Plugin::start(&[
        ("TF_DISABLE_PLUGIN_TLS", "1"),
        ("PLUGIN_UNIX_SOCKET_DIR", base_path.as_str()),
    ]);
    let socket = plugin.handshake.socket();
    assert!(
        socket.starts_with(base.path()),
        "{socket:?} not under {base_path}"
    );
    send_signal(plugin.child.id(), "TERM");
    assert!(
        plugin
            .wait_exit(Duration::from_secs(3))
            .expect("exit")
            .success()
    );
    // Only our own directory is removed, not the base.
    assert!(!socket.parent().unwrap().exists());
    assert!(base.path().exists());
}
