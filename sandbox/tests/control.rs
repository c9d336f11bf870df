//! The control API: seeding, reset, durations, error answers, `--moto-url` reuse and the
//! missing-venv message.

mod common;

use aws_sdk_s3::primitives::ByteStream;
use common::*;
use sagemaker_sandbox::{
    Durations, DurationsPatch, FaultRule, Sandbox, SandboxError, SandboxOptions,
};

#[tokio::test]
async fn seeds_reset_and_durations() {
    require_venv();
    let durations = Durations {
        endpoint_create_ms: 250,
        endpoint_update_ms: 260,
        endpoint_delete_ms: 270,
        iam_propagation_ms: 0,
    };
    let opts = SandboxOptions {
        durations,
        seed_objects: vec!["s3://seed-bucket/model/model.tar.gz".into()],
        ..SandboxOptions::default()
    };
    let sb = Sandbox::start(opts).await.unwrap();
    let ctl = sb.control();
    assert_eq!(ctl.health().await.unwrap()["ok"], true);
    assert_eq!(ctl.durations().await.unwrap(), durations);
    let inv = ctl.inventory().await.unwrap();
    assert!(inv.empty, "seeded content does not count: {inv:?}");
    assert_eq!(inv.s3.seeded, vec!["s3://seed-bucket/model/model.tar.gz"]);
    assert_eq!(inv.s3.objects, inv.s3.seeded);

    // Control-API seeding with a body, readable through the S3 SDK.
    ctl.seed_object("s3://extra-bucket/a/b.bin", Some("hello"))
        .await
        .unwrap();
    let s3 = s3(sb.url()).await;
    let got = s3
        .get_object()
        .bucket("extra-bucket")
        .key("a/b.bin")
        .send()
        .await
        .unwrap();
    assert_eq!(
        got.body.collect().await.unwrap().into_bytes().as_ref(),
        b"hello"
    );
    assert!(ctl.inventory().await.unwrap().empty);
    // Anything else in a seeded bucket is an orphan.
    s3.put_object()
        .bucket("seed-bucket")
        .key("stray")
        .body(ByteStream::from_static(b"x"))
        .send()
        .await
        .unwrap();
    let inv = ctl.inventory().await.unwrap();
    assert!(!inv.empty);
    assert!(
        inv.s3
            .objects
            .contains(&"s3://seed-bucket/stray".to_string())
    );

    // Durations can be changed at run time.
    let changed = ctl
        .set_durations(DurationsPatch {
            endpoint_create_ms: Some(5),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        changed,
        Durations {
            endpoint_create_ms: 5,
            ..durations
        }
    );

    // Make a mess, then reset.
    let sm = sagemaker(sb.url()).await;
    create_model(&sm, "m1", "arn:aws:iam::123456789012:role/r", "s3://b/k").await;
    create_role(sb.url(), "r1").await;
    ctl.add_fault(&FaultRule::error(
        "sts",
        "GetCallerIdentity",
        "Throttling",
        400,
    ))
    .await
    .unwrap();
    assert!(!ctl.log().await.unwrap().is_empty());
    ctl.reset().await.unwrap();
    assert!(ctl.log().await.unwrap().is_empty());
    assert!(ctl.faults().await.unwrap().is_empty());
    assert_eq!(ctl.durations().await.unwrap(), durations);
    let inv = ctl.inventory().await.unwrap();
    assert!(inv.empty, "{inv:?}");
    assert!(inv.iam.roles.is_empty() && inv.sagemaker.models.is_empty());
    assert_eq!(
        inv.s3.objects,
        vec!["s3://seed-bucket/model/model.tar.gz"],
        "start-up seeds come back"
    );
    let err = sm
        .describe_model()
        .model_name("m1")
        .send()
        .await
        .unwrap_err();
    assert!(code_message(&err).1.starts_with("Could not find model"));
}

#[tokio::test]
async fn control_api_rejects_bad_input() {
    let sb = shared().await;
    let ctl = sb.control();
    let err = ctl.seed_object("not-an-s3-uri", None).await.unwrap_err();
    assert!(err.to_string().contains("HTTP 400"), "{err}");
    let mut rule = FaultRule::error("sagemaker", "ListModels", "X", 400);
    rule.probability = Some(2.0);
    let err = ctl.add_fault(&rule).await.unwrap_err();
    assert!(err.to_string().contains("probability"), "{err}");
    let err = ctl.remove_fault(999_999).await.unwrap_err();
    assert!(err.to_string().contains("HTTP 404"), "{err}");
}

#[tokio::test]
async fn moto_url_reuses_a_running_moto() {
    let first = start().await;
    let second = Sandbox::start(SandboxOptions {
        moto_url: Some(first.moto_url().to_string()),
        ..SandboxOptions::fast()
    })
    .await
    .unwrap();
    assert_eq!(second.moto_pid(), None);
    assert_eq!(second.moto_url(), first.moto_url());
    s3(second.url())
        .await
        .create_bucket()
        .bucket("shared-bucket")
        .send()
        .await
        .unwrap();
    let names: Vec<String> = s3(first.url())
        .await
        .list_buckets()
        .send()
        .await
        .unwrap()
        .buckets()
        .iter()
        .filter_map(|b| b.name().map(str::to_string))
        .collect();
    assert_eq!(names, vec!["shared-bucket"]);
    second.stop();
    // The first sandbox's moto is still there.
    s3(first.url()).await.list_buckets().send().await.unwrap();
}

#[tokio::test]
async fn missing_venv_is_reported_clearly() {
    let err = Sandbox::start(SandboxOptions {
        venv: Some("/nonexistent/sandbox-venv".into()),
        ..SandboxOptions::default()
    })
    .await
    .unwrap_err();
    assert!(matches!(err, SandboxError::VenvMissing { .. }));
    assert!(err.to_string().contains("scripts/sandbox-venv.sh"), "{err}");
}

/// Sends one raw HTTP/1.1 request with the given `Host` header (none when
/// `None`) and returns the status code and body.
async fn raw(url: &str, host: Option<&str>, head: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = url.trim_start_matches("http://");
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let host = host.map_or(String::new(), |h| format!("Host: {h}\r\n"));
    let req = format!("{head} HTTP/1.1\r\n{host}Connection: close\r\n\r\n");
    s.write_all(req.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).await.unwrap();
    let text = String::from_utf8_lossy(&out).to_string();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, text)
}

#[tokio::test]
async fn control_api_answers_loopback_hosts_only() {
    let sb = start().await;
    let url = sb.url();
    let port = url.rsplit(':').next().unwrap();
    for host in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
        "localhost".to_string(),
    ] {
        let (status, body) = raw(url, Some(&host), "GET /_sandbox/health").await;
        assert_eq!(status, 200, "{host}: {body}");
    }
    // DNS rebinding: a name that resolves to 127.0.0.1 but is not loopback.
    for host in [
        Some(format!("rebind.attacker.example:{port}")),
        Some(format!("localhost.attacker.example:{port}")),
        Some(format!("bucket.localhost:{port}")),
        None,
    ] {
        let (status, body) = raw(url, host.as_deref(), "DELETE /_sandbox/faults").await;
        assert_eq!(status, 403, "{host:?}: {body}");
        assert!(
            body.contains("only answers requests for localhost"),
            "{body}"
        );
        let (status, _) = raw(url, host.as_deref(), "POST /_sandbox/reset").await;
        assert_eq!(status, 403, "{host:?}");
    }

    // AWS API forwarding still takes any host, virtual-host S3 names included.
    let s3 = s3(url).await;
    s3.create_bucket()
        .bucket("vhost-bucket")
        .send()
        .await
        .unwrap();
    sb.control().clear_log().await.unwrap();
    let auth = "Authorization: AWS4-HMAC-SHA256 \
                Credential=AKID/20240101/us-east-1/s3/aws4_request, SignedHeaders=host, \
                Signature=00";
    let (status, body) = raw(
        url,
        Some(&format!("vhost-bucket.localhost:{port}\r\n{auth}")),
        "GET /?list-type=2",
    )
    .await;
    assert!(
        !body.contains("only answers requests for localhost"),
        "{status}: {body}"
    );
    let logged = sb.control().log_for("s3", None).await.unwrap();
    assert!(
        logged.iter().any(|e| e.forwarded),
        "the S3 call was forwarded to moto: {logged:?}"
    );
}
