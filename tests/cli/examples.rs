//! The seed construct's two examples, written as HCL under `examples/`, must
//! validate and plan with the real Terraform CLI: the plan shows the resolved
//! image URI, the defaults, and the AWS-assigned values as unknown.

use crate::support;
use serde_json::Value as Json;
use support::Workdir;

/// The planned change for the single resource in a plan JSON document.
fn only_change(plan: &Json) -> &Json {
    let changes = plan["resource_changes"]
        .as_array()
        .expect("resource_changes");
    assert_eq!(changes.len(), 1, "{plan:#}");
    &changes[0]["change"]
}

#[test]
fn realtime_example_validates_and_plans() {
    let w = Workdir::from_example("realtime");
    w.terraform(&["validate", "-no-color"])
        .assert_ok("validate");
    let plan = w.plan_json(&[]);
    let change = only_change(&plan);
    assert_eq!(change["actions"], serde_json::json!(["create"]));
    let after = &change["after"];
    assert_eq!(
        after["image_uri"],
        "763104351884.dkr.ecr.eu-west-1.amazonaws.com/huggingface-pytorch-inference-neuronx:\
         1.13.1-transformers4.34.1-neuronx-py310-sdk2.15.0-ubuntu20.04"
    );
    assert_eq!(after["instance_count"], 1);
    assert_eq!(after["volume_size_in_gb"], 100);
    assert_eq!(after["startup_health_check_timeout_in_seconds"], 600);
    assert_eq!(after["model_data_download_timeout_in_seconds"], 600);
    assert_eq!(after["id"], "testbgebase");
    assert!(after["async_inference"].is_null());
    let unknown = &change["after_unknown"];
    for attr in [
        "endpoint_arn",
        "endpoint_status",
        "execution_role_arn",
        "model_arn",
        "endpoint_config_arn",
        "invoke_policy_json",
    ] {
        assert_eq!(
            unknown[attr], true,
            "{attr} should be known after apply: {unknown:#}"
        );
    }
    // The human-readable plan says the same thing.
    let text = w
        .terraform(&["show", "-no-color", "tfplan"])
        .assert_ok("show");
    assert!(text.stdout.contains("endpoint_arn"), "{}", text.stdout);
    assert!(
        text.stdout.contains("(known after apply)"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout
            .contains("763104351884.dkr.ecr.eu-west-1.amazonaws.com")
    );
}

#[test]
fn async_example_validates_and_plans() {
    let w = Workdir::from_example("async");
    w.terraform(&["validate", "-no-color"])
        .assert_ok("validate");
    let plan = w.plan_json(&[]);
    let change = only_change(&plan);
    let after = &change["after"];
    assert_eq!(
        after["image_uri"],
        "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-inference:\
         2.1.0-transformers4.37.0-gpu-py310-cu118-ubuntu20.04"
    );
    assert_eq!(after["instance_count"], 1);
    let async_cfg = &after["async_inference"];
    assert_eq!(
        async_cfg["output_path"],
        "s3://my-model-artifacts/async/output/"
    );
    assert_eq!(
        async_cfg["failure_path"],
        "s3://my-model-artifacts/async/failure/"
    );
    assert_eq!(async_cfg["max_concurrent_invocations_per_instance"], 10);
    assert_eq!(after["environment"]["HF_TASK"], "summarization");
    let unknown = &change["after_unknown"];
    assert_eq!(unknown["success_topic_arn"], true, "{unknown:#}");
    assert_eq!(unknown["error_topic_arn"], true, "{unknown:#}");
}

#[test]
fn dlc_account_follows_the_region() {
    let w = Workdir::from_example("realtime");
    let plan = w.plan_json(&["-var", "region=ap-east-1"]);
    let uri = only_change(&plan)["after"]["image_uri"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        uri.starts_with("871362719292.dkr.ecr.ap-east-1.amazonaws.com/"),
        "{uri}"
    );
    let plan = w.plan_json(&["-var", "region=cn-north-1"]);
    let uri = only_change(&plan)["after"]["image_uri"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        uri.starts_with("727897471807.dkr.ecr.cn-north-1.amazonaws.com.cn/"),
        "{uri}"
    );
}

#[test]
fn region_from_environment_is_required() {
    // No region attribute and (the harness clears AWS_*) no AWS_REGION.
    let w = Workdir::new(&format!(
        "{}\nprovider \"sagemaker\" {{}}\n{}",
        support::header(),
        r#"
resource "sagemaker_custom_endpoint" "x" {
  model_id       = "m"
  endpoint_name  = "e"
  instance_type  = "ml.m5.large"
  model_data_url = "s3://bucket/model.tar.gz"
  container      = { image_uri = "123456789012.dkr.ecr.us-east-1.amazonaws.com/r:t" }
}
"#
    ));
    let out = w.terraform(&["plan", "-no-color"]);
    assert_ne!(out.code, 0);
    assert!(
        out.combined().contains("No AWS region"),
        "{}",
        out.combined()
    );
    assert!(out.combined().contains("AWS_REGION"), "{}", out.combined());
}

/// Every directory under `examples/`, sorted.
fn example_names() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn the_documented_examples_exist() {
    let names = example_names();
    for want in [
        "async",
        "autoscaling",
        "existing-role",
        "import",
        "migrate-from-cdk",
        "prefix-model-data",
        "quickstart",
        "production",
        "realtime",
        "serverless",
        "smoke-test",
        "vpc",
    ] {
        assert!(
            names.iter().any(|n| n == want),
            "examples/{want} is missing: {names:?}"
        );
    }
}

#[test]
fn examples_are_formatted() {
    let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let w = Workdir::new("");
    let out = w.terraform(&[
        "fmt",
        "-check",
        "-recursive",
        "-diff",
        "-no-color",
        examples.to_str().unwrap(),
    ]);
    assert_eq!(
        out.code,
        0,
        "`terraform fmt -check -recursive examples` found unformatted files \
         (run `terraform fmt -recursive examples`):\n{}",
        out.combined()
    );
}

#[test]
fn every_example_validates_without_warnings() {
    for name in example_names() {
        let w = Workdir::from_example(&name);
        // Newer examples are refused here and proven on their version by
        // the matrix (tests/matrix).
        if w.refuses_newer_example(&name) {
            continue;
        }
        let out = w.terraform(&["validate", "-json", "-no-color"]);
        let doc: Json = serde_json::from_str(&out.stdout)
            .unwrap_or_else(|e| panic!("examples/{name}: validate JSON: {e}\n{}", out.combined()));
        assert_eq!(doc["valid"], true, "examples/{name} is invalid: {doc:#}");
        // Only the warning every dev_overrides run gets is expected.
        let warnings: Vec<_> = doc["diagnostics"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|d| d["summary"] != "Provider development overrides are in effect")
            .collect();
        assert!(
            warnings.is_empty(),
            "examples/{name} has diagnostics: {doc:#}"
        );
        assert_eq!(out.code, 0, "examples/{name}: {}", out.combined());
    }
}

/// Validation sees unknown variables; a plan with the examples' defaults also
/// checks the values themselves (ranges, URIs, durations) offline. The
/// import examples are left out: planning them reads endpoints from AWS.
#[test]
fn every_example_plans_offline_with_its_defaults() {
    for name in example_names()
        .into_iter()
        .filter(|n| !support::READS_AWS_EXAMPLES.contains(&n.as_str()))
    {
        let w = Workdir::from_example(&name);
        if w.refuses_newer_example(&name) {
            continue;
        }
        // The quickstart has no default for the sandbox URL; planning a create
        // makes no AWS call, so any URL does.
        let extra: &[&str] = if name == "quickstart" {
            &["-var", "sandbox_url=http://127.0.0.1:9"]
        } else {
            &[]
        };
        let plan = w.plan_json(extra);
        let changes = plan["resource_changes"]
            .as_array()
            .expect("resource_changes");
        assert!(!changes.is_empty(), "examples/{name} plans nothing");
        for change in changes {
            assert_eq!(
                change["change"]["actions"],
                serde_json::json!(["create"]),
                "examples/{name}: {change:#}"
            );
        }
    }
}
