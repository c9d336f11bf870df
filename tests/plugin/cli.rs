//! The binary run by hand: without Terraform's cookie, with `--version`, and
//! in `--debug` mode with its `TF_REATTACH_PROVIDERS` line.

use crate::plugin_support;
use plugin_support::*;
use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::Duration;
use tfsm::proto::plugin::Empty;
use tfsm::proto::plugin::grpc_controller_client::GrpcControllerClient;

#[test]
fn without_cookie_prints_help_and_exits_1() {
    for cookie in [None, Some("wrong")] {
        let mut cmd = command();
        if let Some(c) = cookie {
            cmd.env("TF_PLUGIN_MAGIC_COOKIE", c);
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(1), "cookie {cookie:?}");
        assert!(out.stdout.is_empty());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("is a Terraform provider plugin"),
            "{stderr}"
        );
        assert!(stderr.contains("source = \"tfsm/sagemaker\""), "{stderr}");
        assert!(stderr.contains("--debug"), "{stderr}");
    }
}

#[test]
fn version_flag() {
    let out = command().arg("--version").output().unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        stdout.trim(),
        format!("terraform-provider-sagemaker {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn unknown_argument_fails() {
    let out = command()
        .env("TF_PLUGIN_MAGIC_COOKIE", COOKIE)
        .arg("--bogus")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--bogus"));
}

#[tokio::test]
async fn debug_mode_prints_reattach_line_and_serves_plaintext() {
    let mut child = ChildGuard(
        command()
            .arg("--debug")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let reattach = loop {
        let line = match rx.recv_timeout(Duration::from_secs(20)) {
            Ok(line) => line,
            Err(e) => panic!("no TF_REATTACH_PROVIDERS line: {e}"),
        };
        if let Some(rest) = line.trim().strip_prefix("TF_REATTACH_PROVIDERS='") {
            break rest.strip_suffix('\'').expect("closing quote").to_string();
        }
    };
    let value: serde_json::Value = serde_json::from_str(&reattach).unwrap();
    let entry = &value["registry.terraform.io/tfsm/sagemaker"];
    assert_eq!(entry["Protocol"], "grpc");
    assert_eq!(entry["ProtocolVersion"], 6);
    assert_eq!(entry["Pid"], child.id());
    assert_eq!(entry["Test"], true);
    assert_eq!(entry["Addr"]["Network"], "unix");
    let socket = std::path::PathBuf::from(entry["Addr"]["String"].as_str().unwrap());

    // Plaintext gRPC works; a Shutdown request does not end debug mode.
    let ch = channel(socket.clone(), None)
        .await
        .expect("plaintext in debug mode");
    assert_eq!(health(ch.clone()).await.unwrap(), SERVING);
    GrpcControllerClient::new(ch.clone())
        .shutdown(Empty {})
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        child.try_wait().unwrap().is_none(),
        "debug mode must keep serving"
    );
    assert_eq!(health(ch).await.unwrap(), SERVING);

    // Ctrl-C (SIGINT) stops it and removes the socket.
    send_signal(child.id(), "INT");
    let status = child
        .wait_exit(Duration::from_secs(3))
        .expect("debug mode exits on Ctrl-C");
    assert!(status.success(), "{status:?}");
    assert!(!socket.exists());
}
