//! Acceptance: failures part-way never lose track of anything. Each fault
//! ends with a destroy that leaves the sandbox empty.

use crate::acc_support;
use acc_support::{Acc, endpoint_hcl};
use sagemaker_sandbox::{DurationsPatch, FaultAction, FaultRule, SandboxOptions};
use std::time::{Duration, Instant};

fn options(patch: impl FnOnce(&mut sagemaker_sandbox::Durations)) -> SandboxOptions {
    let mut o = SandboxOptions::fast();
    patch(&mut o.durations);
    o
}

#[test]
fn missing_model_data_fails_with_the_reason_and_taints() {
    let acc = Acc::new();
    let hcl = endpoint_hcl("bad", "no-model-data", "").replace(
        "s3://acc-models/bge/model.tar.gz",
        "s3://acc-models/missing/model.tar.gz",
    );
    acc.config(&hcl);
    let out = acc.apply();
    assert_ne!(out.code, 0);
    let text = out.flat();
    assert!(text.contains("Failed"), "{text}");
    assert!(
        text.contains("acc-models/missing/model.tar.gz"),
        "FailureReason must be shown: {text}"
    );
    assert!(
        acc.tainted("bad"),
        "the half-built endpoint must stay in state, tainted"
    );
    let state = acc.resource("bad");
    assert!(
        state["model_name"].is_string() && state["endpoint_arn"].is_string(),
        "{state:#}"
    );
    assert_eq!(state["endpoint_status"], "Failed");
    // Refresh shows the reason again, and the next plan replaces the endpoint.
    let plan = acc.terraform(&["plan", "-no-color", "-input=false"]);
    let text = plan.flat();
    assert!(text.contains("acc-models/missing/model.tar.gz"), "{text}");
    assert!(text.contains("must be replaced"), "{text}");
    acc.destroy_and_assert_no_orphans();
}

#[test]
fn create_timeout_is_reported_and_state_kept() {
    let acc = Acc::with_options(options(|d| d.endpoint_create_ms = 15_000));
    acc.config(&endpoint_hcl(
        "slow",
        "slow-endpoint",
        "  timeouts {\n    create = \"2s\"\n  }",
    ));
    let started = Instant::now();
    let out = acc.apply();
    assert_ne!(out.code, 0);
    assert!(
        started.elapsed() < Duration::from_secs(12),
        "timeout not honoured"
    );
    let text = out.flat().to_lowercase();
    assert!(
        text.contains("timed out") || text.contains("timeout"),
        "{text}"
    );
    assert!(acc.tainted("slow"));
    acc.destroy_and_assert_no_orphans();
}

#[test]
fn iam_propagation_delay_is_retried_until_success() {
    let acc = Acc::with_options(options(|d| d.iam_propagation_ms = 10_000));
    acc.config(&endpoint_hcl("iam", "iam-delay", ""));
    acc.apply_ok();
    assert_eq!(acc.resource("iam")["endpoint_status"], "InService");
    let log = acc
        .block_on(acc.control().log_for("sagemaker", Some("CreateModel")))
        .unwrap();
    assert!(
        log.len() > 1,
        "CreateModel should have been retried: {log:?}"
    );
    acc.destroy_and_assert_no_orphans();
}

#[test]
fn other_validation_errors_fail_fast() {
    let acc = Acc::new();
    let rule = FaultRule::new(
        "sagemaker",
        "CreateModel",
        FaultAction::Error {
            code: "ValidationException".into(),
            status: 400,
            message: Some("Requested image is not in an allowed registry.".into()),
        },
    );
    acc.block_on(acc.control().add_fault(&rule)).unwrap();
    acc.config(&endpoint_hcl("v", "validation", ""));
    let started = Instant::now();
    let out = acc.apply();
    let elapsed = started.elapsed();
    assert_ne!(out.code, 0);
    assert!(
        out.flat()
            .contains("Requested image is not in an allowed registry."),
        "{}",
        out.combined()
    );
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
    let calls = acc
        .block_on(acc.control().count("sagemaker", "CreateModel"))
        .unwrap();
    assert_eq!(
        calls, 1,
        "a non-propagation ValidationException must not be retried"
    );
    acc.block_on(acc.control().clear_faults()).unwrap();
    acc.destroy_and_assert_no_orphans();
}

#[test]
fn throttling_on_every_operation_is_absorbed() {
    let acc = Acc::new();
    for (svc, op) in [
        ("sts", "GetCallerIdentity"),
        ("iam", "CreateRole"),
        ("iam", "PutRolePolicy"),
        ("sagemaker", "CreateModel"),
        ("sagemaker", "CreateEndpointConfig"),
        ("sagemaker", "CreateEndpoint"),
        ("sagemaker", "DescribeEndpoint"),
    ] {
        let code = if svc == "iam" || svc == "sts" {
            "Throttling"
        } else {
            "ThrottlingException"
        };
        acc.block_on(
            acc.control()
                .add_fault(&FaultRule::error(svc, op, code, 400).times(3)),
        )
        .unwrap();
    }
    acc.config(&endpoint_hcl("th", "throttled", ""));
    acc.apply_ok();
    assert_eq!(acc.resource("th")["endpoint_status"], "InService");
    let fired: u64 = acc
        .block_on(acc.control().faults())
        .unwrap()
        .iter()
        .map(|f| f.fired as u64)
        .sum();
    assert!(
        fired >= 15,
        "the throttling rules should have fired: {fired}"
    );
    acc.assert_plan_empty();
    acc.destroy_and_assert_no_orphans();
}

#[test]
fn update_rollback_is_an_error_and_state_holds_the_live_config() {
    let acc = Acc::new();
    acc.config(&endpoint_hcl("rb", "rolling-back", ""));
    acc.apply_ok();
    let before = acc.resource("rb");
    let rule = FaultRule::new(
        "sagemaker",
        "UpdateEndpoint",
        FaultAction::Rollback {
            reason: Some("Alarm latency-high went off".into()),
        },
    )
    .times(1);
    acc.block_on(acc.control().add_fault(&rule)).unwrap();
    acc.config(&endpoint_hcl("rb", "rolling-back", "  instance_count = 2"));
    let out = acc.apply();
    assert_ne!(out.code, 0);
    assert!(out.flat().contains("latency-high"), "{}", out.combined());
    let after = acc.resource("rb");
    assert_eq!(
        after["endpoint_config_name"], before["endpoint_config_name"],
        "state must show the live config"
    );
    let live = acc
        .block_on(
            acc.sagemaker()
                .describe_endpoint()
                .endpoint_name("rolling-back")
                .send(),
        )
        .unwrap();
    assert_eq!(
        live.endpoint_config_name(),
        before["endpoint_config_name"].as_str()
    );
    // The update is proposed again.
    let plan = acc.terraform(&["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(plan.code, 2, "{}", plan.combined());
    acc.destroy_and_assert_no_orphans();
}

#[test]
fn interrupted_apply_keeps_state_and_destroys_cleanly() {
    let acc = Acc::with_options(options(|d| d.endpoint_create_ms = 20_000));
    acc.config(&endpoint_hcl("int", "interrupted", ""));
    let mut child =
        acc.work
            .spawn_terraform(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    // Wait for the endpoint to be requested, then press Ctrl-C.
    let deadline = Instant::now() + Duration::from_secs(60);
    while acc
        .block_on(acc.control().count("sagemaker", "CreateEndpoint"))
        .unwrap()
        == 0
    {
        assert!(Instant::now() < deadline, "CreateEndpoint never called");
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(500));
    let kill = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let started = Instant::now();
    let status = child.wait().unwrap();
    assert!(!status.success());
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "Ctrl-C was not prompt"
    );
    let state = acc.resource("int");
    assert!(
        state["endpoint_arn"].is_string(),
        "state must track the endpoint: {state:#}"
    );
    acc.block_on(acc.control().set_durations(DurationsPatch {
        endpoint_create_ms: Some(300),
        ..Default::default()
    }))
    .unwrap();
    acc.destroy_and_assert_no_orphans();
}
