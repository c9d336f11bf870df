//! Bad input is rejected by the real CLI before any AWS call, with a message
//! that names the attribute: each case below runs `terraform validate` (or
//! `plan`, for checks that need the provider's region) and asserts the error
//! summary and that Terraform highlighted the offending attribute.

use crate::support;
use serde_json::Value as Json;
use std::collections::BTreeMap;
use support::Workdir;

/// A valid resource body, as attribute -> HCL expression.
fn base() -> BTreeMap<&'static str, String> {
    BTreeMap::from([
        ("model_id", "\"m1\"".to_string()),
        ("endpoint_name", "\"ep1\"".to_string()),
        ("instance_type", "\"ml.m5.large\"".to_string()),
        (
            "model_data_url",
            "\"s3://bucket-1/model.tar.gz\"".to_string(),
        ),
        (
            "container",
            "{ image_uri = \"123456789012.dkr.ecr.us-east-1.amazonaws.com/repo:tag\" }".to_string(),
        ),
    ])
}

struct Case {
    name: &'static str,
    /// Attribute overrides for the resource (value "" removes the attribute).
    set: Vec<(&'static str, String)>,
    /// Extra lines inside the resource block (e.g. a `timeouts` block).
    extra: &'static str,
    /// Extra lines inside the provider block.
    provider: &'static str,
    /// Whether the error only appears at plan time (needs the provider region).
    at_plan: bool,
    summary: &'static str,
    /// Text that must appear in the source snippet Terraform highlights.
    snippet: &'static str,
}

fn case(name: &'static str, attr: &'static str, hcl: &str, summary: &'static str) -> Case {
    Case {
        name,
        set: vec![(attr, hcl.to_string())],
        extra: "",
        provider: "",
        at_plan: false,
        summary,
        snippet: attr,
    }
}

fn render(c: &Case) -> String {
    let mut attrs = base();
    for (k, v) in &c.set {
        if v.is_empty() {
            attrs.remove(k);
        } else {
            attrs.insert(k, v.clone());
        }
    }
    let region = if c.provider.contains("region") {
        ""
    } else {
        "region = \"us-east-1\""
    };
    let body: String = attrs
        .iter()
        .map(|(k, v)| format!("  {k} = {v}\n"))
        .collect();
    format!(
        "{}\nprovider \"sagemaker\" {{\n  {region}\n  {}\n}}\n\nresource \"sagemaker_custom_endpoint\" \"x\" {{\n{body}{}\n}}\n",
        support::header(),
        c.provider,
        c.extra
    )
}

fn cases() -> Vec<Case> {
    let s = |v: &str| format!("\"{v}\"");
    let dlc = |extra: &str| {
        format!("{{ repository_name = \"pytorch-inference\", tag = \"2.1\"{extra} }}")
    };
    let mut v = vec![
        case(
            "underscore in endpoint name",
            "endpoint_name",
            &s("bad_name"),
            "Invalid endpoint name",
        ),
        case(
            "endpoint name too long",
            "endpoint_name",
            &s(&"e".repeat(64)),
            "Invalid endpoint name",
        ),
        case("empty model id", "model_id", &s(""), "Invalid model ID"),
        case(
            "instance type without ml.",
            "instance_type",
            &s("p3.2xlarge"),
            "Invalid instance type",
        ),
        case(
            "instance type without size",
            "instance_type",
            &s("ml.large"),
            "Invalid instance type",
        ),
        case(
            "https model data",
            "model_data_url",
            &s("https://bucket/model.tar.gz"),
            "Invalid S3 URI",
        ),
        case(
            "model data without key",
            "model_data_url",
            &s("s3://bucket-only"),
            "Invalid S3 URI",
        ),
        case(
            "model data prefix without trailing slash",
            "model_data_url",
            &s("s3://bucket-1/models/bge"),
            "S3 prefix without trailing slash",
        ),
        case(
            "wildcard in model data",
            "model_data_url",
            &s("s3://bucket-1/models/*/"),
            "Character not allowed in a policy resource",
        ),
        case(
            "policy variable in the image repository",
            "container",
            "{ image_uri = \"123456789012.dkr.ecr.us-east-1.amazonaws.com/$${aws:username}:1\" }",
            "Character not allowed in a policy resource",
        ),
        case(
            "model data bad bucket",
            "model_data_url",
            &s("s3://Bad_Bucket/m.tar.gz"),
            "Invalid S3 URI",
        ),
        case(
            "both container forms",
            "container",
            &dlc(", image_uri = \"123456789012.dkr.ecr.us-east-1.amazonaws.com/r:t\""),
            "Conflicting container forms",
        ),
        case(
            "empty container",
            "container",
            "{}",
            "Missing container image",
        ),
        case(
            "repository without tag",
            "container",
            "{ repository_name = \"pytorch-inference\" }",
            "Incomplete Deep Learning Container",
        ),
        case(
            "account_id with image_uri",
            "container",
            "{ image_uri = \"123456789012.dkr.ecr.us-east-1.amazonaws.com/r:t\", account_id = \"123456789012\" }",
            "account_id needs a Deep Learning Container",
        ),
        case(
            "short account id",
            "container",
            &dlc(", account_id = \"12345\""),
            "Invalid AWS account ID",
        ),
        case(
            "image uri with spaces",
            "container",
            "{ image_uri = \"not an image\" }",
            "Invalid image URI",
        ),
        case(
            "role arn with short account",
            "role_arn",
            &s("arn:aws:iam::123:role/x"),
            "Invalid IAM role ARN",
        ),
        case(
            "user instead of role",
            "role_arn",
            &s("arn:aws:iam::123456789012:user/x"),
            "Invalid IAM role ARN",
        ),
        case(
            "policy arn",
            "role_managed_policy_arns",
            "[\"not-an-arn\"]",
            "Invalid IAM policy ARN",
        ),
        case(
            "zero instances",
            "instance_count",
            "0",
            "Value out of range",
        ),
        case(
            "fractional instances",
            "instance_count",
            "1.5",
            "Not a whole number",
        ),
        case(
            "startup timeout too short",
            "startup_health_check_timeout_in_seconds",
            "30",
            "Value out of range",
        ),
        case(
            "download timeout too long",
            "model_data_download_timeout_in_seconds",
            "4000",
            "Value out of range",
        ),
        case(
            "volume too big",
            "volume_size_in_gb",
            "513",
            "Value out of range",
        ),
        case(
            "concurrency zero",
            "async_inference",
            "{ output_path = \"s3://bucket-1/out/\", max_concurrent_invocations_per_instance = 0 }",
            "Value out of range",
        ),
        case(
            "async output not s3",
            "async_inference",
            "{ output_path = \"bucket-1/out/\" }",
            "Invalid S3 URI",
        ),
        case(
            "async failure not s3",
            "async_inference",
            "{ output_path = \"s3://bucket-1/out/\", failure_path = \"ftp://x/y\" }",
            "Invalid S3 URI",
        ),
        case(
            "security group id",
            "vpc_config",
            "{ security_group_ids = [\"abc\"], subnets = [\"subnet-0123abcd\"] }",
            "Invalid security group ID",
        ),
        case(
            "no subnets",
            "vpc_config",
            "{ security_group_ids = [\"sg-0123abcd\"], subnets = [] }",
            "Missing subnets",
        ),
        case(
            "env var name",
            "environment",
            "{ \"1BAD\" = \"x\" }",
            "Invalid environment variable name",
        ),
        case(
            "reserved tag",
            "tags",
            "{ \"aws:owner\" = \"x\" }",
            "Reserved tag key",
        ),
    ];
    let mut managed_with_role = case(
        "managed policies with own role",
        "role_managed_policy_arns",
        "[\"arn:aws:iam::aws:policy/AmazonSageMakerFullAccess\"]",
        "Managed policies need a generated role",
    );
    managed_with_role
        .set
        .push(("role_arn", "\"arn:aws:iam::123456789012:role/mine\"".into()));
    v.push(managed_with_role);
    for (name, extra, summary) in [
        (
            "timeout not a duration",
            "timeouts {\n    create = \"ten minutes\"\n  }",
            "Invalid duration",
        ),
        (
            "zero timeout",
            "timeouts {\n    delete = \"0s\"\n  }",
            "Duration must be positive",
        ),
    ] {
        v.push(Case {
            name,
            set: vec![],
            extra,
            provider: "",
            at_plan: false,
            summary,
            snippet: if name.starts_with("zero") {
                "delete"
            } else {
                "create"
            },
        });
    }
    let asy = "{ output_path = \"s3://bucket-1/out/\" }".to_string();
    for (name, set, summary, snippet) in [
        (
            "scale to zero on a real-time endpoint",
            vec![(
                "autoscaling",
                "{ min_capacity = 0, max_capacity = 2 }".to_string(),
            )],
            "Scale to zero needs an asynchronous endpoint",
            "min_capacity",
        ),
        (
            "max capacity below min capacity",
            vec![(
                "autoscaling",
                "{ min_capacity = 3, max_capacity = 2 }".to_string(),
            )],
            "Invalid capacity range",
            "max_capacity",
        ),
        (
            "instance count above max capacity",
            vec![
                (
                    "autoscaling",
                    "{ min_capacity = 1, max_capacity = 2 }".to_string(),
                ),
                ("instance_count", "5".to_string()),
            ],
            "Instance count outside the autoscaling range",
            "instance_count",
        ),
        (
            "backlog target on a real-time endpoint",
            vec![(
                "autoscaling",
                "{ min_capacity = 1, max_capacity = 2, target_backlog_per_instance = 5 }"
                    .to_string(),
            )],
            "Scaling target does not match the endpoint kind",
            "target_backlog_per_instance",
        ),
        (
            "invocations target on an async endpoint",
            vec![
                (
                    "autoscaling",
                    "{ min_capacity = 0, max_capacity = 2, target_invocations_per_instance = 9 }"
                        .to_string(),
                ),
                ("async_inference", asy.clone()),
            ],
            "Scaling target does not match the endpoint kind",
            "target_invocations_per_instance",
        ),
    ] {
        v.push(Case {
            name,
            set,
            extra: "",
            provider: "",
            at_plan: false,
            summary,
            snippet,
        });
    }
    let bg = |extra: &str| {
        format!(
            "{{ blue_green = {{ traffic_routing_type = \"ALL_AT_ONCE\", \
             maximum_execution_timeout_in_seconds = 3600{extra} }} }}"
        )
    };
    v.push(Case {
        name: "update timeout shorter than the deployment",
        set: vec![("deployment_config", bg(""))],
        extra: "timeouts {\n    update = \"30m\"\n  }",
        provider: "",
        at_plan: false,
        summary: "Update timeout shorter than the deployment",
        snippet: "update",
    });
    v.push(Case {
        name: "canary without a size",
        set: vec![(
            "deployment_config",
            "{ blue_green = { traffic_routing_type = \"CANARY\" } }".to_string(),
        )],
        extra: "",
        provider: "",
        at_plan: false,
        summary: "Missing deployment step size",
        snippet: "deployment_config",
    });
    v.push(Case {
        name: "bad routing type",
        set: vec![(
            "deployment_config",
            "{ blue_green = { traffic_routing_type = \"SLOW\" } }".to_string(),
        )],
        extra: "",
        provider: "",
        at_plan: false,
        summary: "Invalid traffic routing type",
        snippet: "SLOW",
    });
    v.push(Case {
        name: "DLC in a region without a known account",
        set: vec![("container", dlc(""))],
        extra: "",
        provider: "region = \"xx-nowhere-9\"",
        at_plan: true,
        summary: "Unsupported region for Deep Learning Containers",
        snippet: "container",
    });
    for (name, provider, summary, snippet) in [
        (
            "provider region",
            "region = \"Europe\"",
            "Invalid region",
            "region",
        ),
        (
            "provider endpoint",
            "endpoints {\n    sagemaker = \"localhost:4566\"\n  }",
            "Invalid endpoint URL",
            "sagemaker",
        ),
        (
            "provider assume_role arn",
            "assume_role {\n    role_arn = \"arn:aws:iam::123456789012:user/x\"\n  }",
            "Invalid role ARN",
            "role_arn",
        ),
        (
            "provider max_retries",
            "max_retries = -1",
            "Invalid max_retries",
            "max_retries",
        ),
    ] {
        v.push(Case {
            name,
            set: vec![],
            extra: "",
            provider,
            at_plan: false,
            summary,
            snippet,
        });
    }
    v
}

/// Runs one case and returns a description of what went wrong, if anything.
fn check(c: &Case) -> Option<String> {
    let w = Workdir::new(&render(c));
    let diags: Vec<Json> = if c.at_plan {
        let out = w.terraform(&["plan", "-json", "-input=false"]);
        if out.code == 0 {
            return Some(format!("{}: plan succeeded", c.name));
        }
        out.stdout
            .lines()
            .filter_map(|l| serde_json::from_str::<Json>(l).ok())
            .filter(|l| l["type"] == "diagnostic")
            .map(|l| l["diagnostic"].clone())
            .collect()
    } else {
        let out = w.terraform(&["validate", "-json"]);
        let doc: Json = match serde_json::from_str(&out.stdout) {
            Ok(d) => d,
            Err(e) => return Some(format!("{}: bad JSON ({e}): {}", c.name, out.combined())),
        };
        if doc["valid"] != false {
            return Some(format!("{}: configuration was accepted", c.name));
        }
        doc["diagnostics"].as_array().cloned().unwrap_or_default()
    };
    let hit = diags
        .iter()
        .find(|d| d["severity"] == "error" && d["summary"] == c.summary);
    match hit {
        None => Some(format!(
            "{}: no error \"{}\" in {diags:#?}",
            c.name, c.summary
        )),
        Some(d) => {
            let code = d["snippet"]["code"].as_str().unwrap_or("");
            let detail = d["detail"].as_str().unwrap_or("");
            if !code.contains(c.snippet) {
                Some(format!(
                    "{}: snippet {code:?} does not show {}",
                    c.name, c.snippet
                ))
            } else if detail.len() < 20 {
                Some(format!("{}: detail too thin: {detail:?}", c.name))
            } else {
                None
            }
        }
    }
}

#[test]
fn invalid_configurations_fail_naming_the_attribute() {
    let all = cases();
    assert!(all.len() >= 25, "only {} cases", all.len());
    let failures: Vec<String> = std::thread::scope(|scope| {
        let chunks: Vec<&[Case]> = all.chunks(all.len().div_ceil(4)).collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| scope.spawn(move || chunk.iter().filter_map(check).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
}

#[test]
fn the_valid_base_configuration_is_accepted() {
    // Guards the table above: every case differs from a configuration that passes.
    let c = Case {
        name: "base",
        set: vec![],
        extra: "",
        provider: "",
        at_plan: false,
        summary: "",
        snippet: "",
    };
    let w = Workdir::new(&render(&c));
    w.terraform(&["validate", "-no-color"])
        .assert_ok("validate");
    w.terraform(&["plan", "-no-color", "-input=false"])
        .assert_ok("plan");
}
