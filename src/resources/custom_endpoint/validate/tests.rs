//! Unit tests for `validate`: one case per error, each checked for its
//! summary, attribute path and the value quoted back to the user.

use super::super::schema::schema;
use super::super::testutil::*;
use crate::framework::rules;
use crate::tfplugin::{Diagnostics, Number, Severity, Value};

/// The static checks, as a client with write-only support runs them.
fn validate(config: &Value) -> Diagnostics {
    super::super::validate(config, true)
}

use super::cases::{POLICY, ROLE, cases};

fn image_container() -> Value {
    container(&[(
        "image_uri",
        s("123456789012.dkr.ecr.us-east-1.amazonaws.com/m:1"),
    )])
}

#[test]
fn each_invalid_configuration_gives_one_precise_error() {
    let mut all = cases();
    all.extend(super::rollout_cases::cases());
    assert!(all.len() >= 50, "{} cases", all.len());
    for (name, cfg, summary, path, given) in all {
        let diags = validate(&cfg);
        let errors: Vec<_> = diags
            .0
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        assert_eq!(errors.len(), 1, "{name}: {errors:#?}");
        let e = errors[0];
        assert_eq!(e.summary, summary, "{name}");
        let got_path = e.path.as_ref().map(|p| p.to_string());
        assert_eq!(got_path.as_deref(), Some(path), "{name}");
        assert!(
            e.detail.starts_with(path),
            "{name}: detail should name the path: {}",
            e.detail
        );
        if let Some(given) = given {
            assert!(
                e.detail.contains(&format!("{given:?}")),
                "{name}: {}",
                e.detail
            );
        }
    }
}

#[test]
fn valid_configurations_pass() {
    let full = with(
        with(
            with(
                with(
                    with(
                        with(
                            valid_config(),
                            &["role_managed_policy_arns"],
                            set(&[POLICY]),
                        ),
                        &["environment"],
                        map(&[("HF_MODEL_ID", "x"), ("_A1", "")]),
                    ),
                    &["vpc_config"],
                    vpc(&["sg-0123abcd"], &["subnet-1", "subnet-2"]),
                ),
                &["tags"],
                map(&[("team", "ml"), ("cost center", "a/b")]),
            ),
            &["async_inference"],
            obj(&[
                ("output_path", s("s3://out-bucket/")),
                ("failure_path", s("s3://out-bucket/failures")),
                ("max_concurrent_invocations_per_instance", n(1000)),
            ]),
        ),
        &["timeouts"],
        timeouts(s("1h30m"), s("90s"), Value::Null),
    );
    let bounds = with(
        with(
            with(
                with(full.clone(), &["instance_count"], n(1)),
                &["volume_size_in_gb"],
                n(512),
            ),
            &["startup_health_check_timeout_in_seconds"],
            n(60),
        ),
        &["model_data_download_timeout_in_seconds"],
        Value::Number(Number::Float(3600.0)),
    );
    let own_role = with(
        with(valid_config(), &["role_arn"], s(ROLE)),
        &["container"],
        image_container(),
    );
    for cfg in [valid_config(), full, bounds, own_role] {
        let d = validate(&cfg);
        assert!(d.is_empty(), "{d:#?}");
    }
}

#[test]
fn uncompressed_prefix_needs_a_trailing_slash() {
    // Without the "/", `llama` would also cover `llama-secret/...`.
    let cfg = with(
        valid_config(),
        &["model_data_url"],
        s("s3://my-models/llama"),
    );
    let d = validate(&cfg);
    assert!(d.has_errors(), "{d:#?}");
    assert_eq!(d.0.len(), 1);
    assert_eq!(d.0[0].severity, Severity::Error);
    assert_eq!(d.0[0].summary, "S3 prefix without trailing slash");
    assert_eq!(d.0[0].path.as_ref().unwrap().to_string(), "model_data_url");
    assert!(
        d.0[0].detail.starts_with("model_data_url: "),
        "{}",
        d.0[0].detail
    );
    assert!(
        d.0[0].detail.contains("s3://my-models/llama/"),
        "the detail shows the expected form: {}",
        d.0[0].detail
    );
    let ok = with(
        valid_config(),
        &["model_data_url"],
        s("s3://my-models/llama/"),
    );
    assert!(validate(&ok).is_empty());
}

#[test]
fn unknown_values_are_never_rejected() {
    let u = Value::Unknown;
    assert!(validate(&Value::Unknown).is_empty());
    assert!(validate(&Value::Null).is_empty());
    let mut cfg = valid_config();
    for attr in [
        "endpoint_name",
        "model_id",
        "instance_type",
        "model_data_url",
        "container",
        "role_arn",
        "role_managed_policy_arns",
        "environment",
        "vpc_config",
        "instance_count",
        "volume_size_in_gb",
        "async_inference",
        "tags",
        "timeouts",
    ] {
        cfg = with(cfg, &[attr], u.clone());
    }
    assert!(validate(&cfg).is_empty());
    // Unknown parts inside known objects and collections.
    let parts = [
        with(
            valid_config(),
            &["container"],
            container(&[("image_uri", u.clone())]),
        ),
        with(
            valid_config(),
            &["container"],
            container(&[("repository_name", u.clone()), ("tag", s("t"))]),
        ),
        with(
            valid_config(),
            &["container"],
            container(&[("repository_name", s("repo")), ("tag", u.clone())]),
        ),
        with(
            valid_config(),
            &["vpc_config"],
            obj(&[
                ("security_group_ids", Value::Set(vec![u.clone()])),
                ("subnets", u.clone()),
            ]),
        ),
        with(
            valid_config(),
            &["environment"],
            Value::Map([("X".to_string(), u.clone())].into()),
        ),
        with(
            valid_config(),
            &["tags"],
            Value::Map([("k".to_string(), u.clone())].into()),
        ),
        with(
            valid_config(),
            &["role_managed_policy_arns"],
            Value::Set(vec![u.clone()]),
        ),
        with(
            with(
                valid_config(),
                &["async_inference"],
                async_block("s3://out-bucket/"),
            ),
            &["async_inference", "output_path"],
            u.clone(),
        ),
        with(
            valid_config(),
            &["timeouts"],
            timeouts(u.clone(), u.clone(), u.clone()),
        ),
    ];
    for cfg in parts {
        let d = validate(&cfg);
        assert!(d.is_empty(), "{d:#?}");
    }
}

#[test]
fn several_mistakes_are_all_reported() {
    let cfg = with(
        with(
            with(valid_config(), &["instance_type"], s("t3.large")),
            &["instance_count"],
            n(0),
        ),
        &["endpoint_name"],
        s("bad_name"),
    );
    let d = validate(&cfg);
    let mut paths: Vec<String> =
        d.0.iter()
            .map(|d| d.path.as_ref().unwrap().to_string())
            .collect();
    paths.sort();
    assert_eq!(paths, ["endpoint_name", "instance_count", "instance_type"]);
}

#[test]
fn secret_problems_name_the_attribute_and_never_the_value() {
    let long = "v".repeat(1025);
    let cfg = with(valid_config(), &["environment"], map(&[("TOKEN", "plain")]));
    let cfg = with(
        cfg,
        &["environment_secrets"],
        map(&[("TOKEN", "hunter2"), ("9X", "hunter3"), ("BIG", &long)]),
    );
    let diags = validate(&cfg);
    let found: Vec<(String, String)> = diags
        .0
        .iter()
        .map(|d| (d.summary.clone(), d.path.as_ref().unwrap().to_string()))
        .collect();
    for (summary, path) in [
        (
            "Variable in both environment maps",
            "environment_secrets[\"TOKEN\"]",
        ),
        (
            "Invalid environment variable name",
            "environment_secrets[\"9X\"]",
        ),
        ("Environment value too long", "environment_secrets[\"BIG\"]"),
    ] {
        assert!(
            found.contains(&(summary.to_string(), path.to_string())),
            "{summary} at {path} in {found:?}"
        );
    }
    for d in &diags.0 {
        for secret in ["hunter2", "hunter3", long.as_str()] {
            assert!(!d.detail.contains(secret), "{}", d.detail);
        }
    }
    let bad_version = with(valid_config(), &["environment_secrets_version"], n(-1));
    assert_eq!(validate(&bad_version).0[0].summary, "Value out of range");
}

#[test]
fn write_only_secrets_need_the_client_capability() {
    let cfg = with(valid_config(), &["environment_secrets"], map(&[("T", "x")]));
    let refused = rules::write_only_allowed(&schema().block, &cfg, false);
    assert_eq!(
        refused.0[0].path.as_ref().unwrap().to_string(),
        "environment_secrets"
    );
    assert!(rules::write_only_allowed(&schema().block, &cfg, true).is_empty());
    assert!(rules::write_only_allowed(&schema().block, &valid_config(), false).is_empty());
}
