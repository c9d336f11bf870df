//! Unit tests for `validate`: one case per error, each checked for its
//! summary, attribute path and the value quoted back to the user.

use super::testutil::*;
use super::validate;
use crate::tfplugin::{Number, Severity, Value};

const ROLE: &str = "arn:aws:iam::123456789012:role/SageMakerRole";
const POLICY: &str = "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess";

fn image_container() -> Value {
    container(&[("image_uri", s("123456789012.dkr.ecr.us-east-1.amazonaws.com/m:1"))])
}

/// (case name, configuration, expected summary, expected path, quoted value)
fn cases() -> Vec<(&'static str, Value, &'static str, &'static str, Option<String>)> {
    let c = valid_config;
    let long = |n: usize| "a".repeat(n);
    let cont = |f: &[(&str, Value)]| with(c(), &["container"], container(f));
    let asy = |field: &str, v: Value| {
        with(with(c(), &["async_inference"], async_block("s3://out-bucket/r/")), &["async_inference", field], v)
    };
    let timeout = |op: &str, v: &str| {
        with(
            with(c(), &["timeouts"], timeouts(Value::Null, Value::Null, Value::Null)),
            &["timeouts", op],
            s(v),
        )
    };
    let many = |prefix: &str, count: usize| -> Vec<String> {
        (0..count).map(|i| format!("{prefix}{i:04}")).collect()
    };
    let strs = |v: &[String]| Value::Set(v.iter().map(|x| s(x)).collect());
    let dlc = [("repository_name", s("repo")), ("tag", s("t1"))];
    vec![
        ("empty endpoint name", with(c(), &["endpoint_name"], s("")), "Invalid endpoint name", "endpoint_name", Some(String::new())),
        ("endpoint name with leading hyphen", with(c(), &["endpoint_name"], s("-x")), "Invalid endpoint name", "endpoint_name", Some("-x".into())),
        ("endpoint name too long", with(c(), &["endpoint_name"], s(&long(64))), "Invalid endpoint name", "endpoint_name", Some(long(64))),
        ("endpoint name with underscore", with(c(), &["endpoint_name"], s("a_b")), "Invalid endpoint name", "endpoint_name", Some("a_b".into())),
        ("empty model id", with(c(), &["model_id"], s("")), "Invalid model ID", "model_id", None),
        ("model id too long", with(c(), &["model_id"], s(&long(257))), "Invalid model ID", "model_id", None),
        ("model id with a bad character", with(c(), &["model_id"], s("a#b")), "Invalid model ID", "model_id", Some("a#b".into())),
        ("instance type without ml.", with(c(), &["instance_type"], s("g5.xlarge")), "Invalid instance type", "instance_type", Some("g5.xlarge".into())),
        ("instance type without size", with(c(), &["instance_type"], s("ml.g5")), "Invalid instance type", "instance_type", Some("ml.g5".into())),
        ("model data over https", with(c(), &["model_data_url"], s("https://b/m.tar.gz")), "Invalid S3 URI", "model_data_url", Some("https://b/m.tar.gz".into())),
        ("model data bucket too short", with(c(), &["model_data_url"], s("s3://ab/m.tar.gz")), "Invalid S3 URI", "model_data_url", None),
        ("model data bucket uppercase", with(c(), &["model_data_url"], s("s3://My_Bucket/m.tar.gz")), "Invalid S3 URI", "model_data_url", None),
        ("model data without key", with(c(), &["model_data_url"], s("s3://my-models")), "Invalid S3 URI", "model_data_url", Some("s3://my-models".into())),
        ("both container forms", cont(&[("image_uri", s("i:1")), ("repository_name", s("repo")), ("tag", s("t"))]), "Conflicting container forms", "container", None),
        ("no container form", cont(&[]), "Missing container image", "container", None),
        ("repository without tag", cont(&[("repository_name", s("repo"))]), "Incomplete Deep Learning Container", "container.tag", None),
        ("tag without repository", cont(&[("tag", s("t1"))]), "Incomplete Deep Learning Container", "container.repository_name", None),
        ("account id with image uri", cont(&[("image_uri", s("i:1")), ("account_id", s("123456789012"))]), "account_id needs a Deep Learning Container", "container.account_id", None),
        ("short account id", cont(&[dlc[0].clone(), dlc[1].clone(), ("account_id", s("12345"))]), "Invalid AWS account ID", "container.account_id", Some("12345".into())),
        ("empty repository", cont(&[("repository_name", s("")), dlc[1].clone()]), "Invalid repository name", "container.repository_name", None),
        ("empty tag", cont(&[dlc[0].clone(), ("tag", s(""))]), "Invalid image tag", "container.tag", None),
        ("image uri with space", cont(&[("image_uri", s("a b"))]), "Invalid image URI", "container.image_uri", Some("a b".into())),
        ("role name instead of arn", with(c(), &["role_arn"], s("MyRole")), "Invalid IAM role ARN", "role_arn", Some("MyRole".into())),
        ("policy name instead of arn", with(c(), &["role_managed_policy_arns"], set(&["AmazonSageMakerFullAccess"])), "Invalid IAM policy ARN", "role_managed_policy_arns", Some("AmazonSageMakerFullAccess".into())),
        ("policies with own role", with(with(c(), &["role_arn"], s(ROLE)), &["role_managed_policy_arns"], set(&[POLICY])), "Managed policies need a generated role", "role_managed_policy_arns", None),
        ("zero instances", with(c(), &["instance_count"], n(0)), "Value out of range", "instance_count", Some("0".into())),
        ("fractional instances", with(c(), &["instance_count"], Value::Number(Number::Float(1.5))), "Not a whole number", "instance_count", Some("1.5".into())),
        ("huge instance count", with(c(), &["instance_count"], Value::Number(Number::Big("1e400".into()))), "Value out of range", "instance_count", None),
        ("startup timeout too short", with(c(), &["startup_health_check_timeout_in_seconds"], n(59)), "Value out of range", "startup_health_check_timeout_in_seconds", Some("59".into())),
        ("download timeout too long", with(c(), &["model_data_download_timeout_in_seconds"], n(3601)), "Value out of range", "model_data_download_timeout_in_seconds", Some("3601".into())),
        ("zero volume", with(c(), &["volume_size_in_gb"], n(0)), "Value out of range", "volume_size_in_gb", None),
        ("volume too large", with(c(), &["volume_size_in_gb"], n(513)), "Value out of range", "volume_size_in_gb", Some("513".into())),
        ("zero concurrency", asy("max_concurrent_invocations_per_instance", n(0)), "Value out of range", "async_inference.max_concurrent_invocations_per_instance", None),
        ("concurrency too high", asy("max_concurrent_invocations_per_instance", n(1001)), "Value out of range", "async_inference.max_concurrent_invocations_per_instance", Some("1001".into())),
        ("relative output path", asy("output_path", s("results/")), "Invalid S3 URI", "async_inference.output_path", Some("results/".into())),
        ("bad failure bucket", asy("failure_path", s("s3://x/")), "Invalid S3 URI", "async_inference.failure_path", None),
        ("no security groups", with(c(), &["vpc_config"], vpc(&[], &["subnet-1"])), "Missing security groups", "vpc_config.security_group_ids", None),
        ("no subnets", with(c(), &["vpc_config"], vpc(&["sg-1"], &[])), "Missing subnets", "vpc_config.subnets", None),
        ("too many security groups", with(c(), &["vpc_config"], obj(&[("security_group_ids", strs(&many("sg-", 6))), ("subnets", set(&["subnet-1"]))])), "Too many security groups", "vpc_config.security_group_ids", None),
        ("too many subnets", with(c(), &["vpc_config"], obj(&[("security_group_ids", set(&["sg-1"])), ("subnets", strs(&many("subnet-", 17)))])), "Too many subnets", "vpc_config.subnets", None),
        ("security group without sg-", with(c(), &["vpc_config"], vpc(&["abc"], &["subnet-1"])), "Invalid security group ID", "vpc_config.security_group_ids", Some("abc".into())),
        ("subnet given a security group", with(c(), &["vpc_config"], vpc(&["sg-1"], &["sg-2"])), "Invalid subnet ID", "vpc_config.subnets", Some("sg-2".into())),
        ("env name with digit first", with(c(), &["environment"], map(&[("1X", "v")])), "Invalid environment variable name", "environment[\"1X\"]", Some("1X".into())),
        ("env value too long", with(c(), &["environment"], map(&[("X", &long(1025))])), "Environment value too long", "environment[\"X\"]", None),
        ("too many env vars", with(c(), &["environment"], Value::Map((0..101).map(|i| (format!("V{i}"), s("x"))).collect())), "Too many environment variables", "environment", None),
        ("aws: tag key", with(c(), &["tags"], map(&[("aws:owner", "me")])), "Reserved tag key", "tags[\"aws:owner\"]", Some("aws:owner".into())),
        ("tag key too long", with(c(), &["tags"], map(&[(&long(129), "v")])), "Invalid tag key", "tags[\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"]", None),
        ("tag value too long", with(c(), &["tags"], map(&[("k", &long(257))])), "Invalid tag value", "tags[\"k\"]", None),
        ("too many tags", with(c(), &["tags"], Value::Map((0..51).map(|i| (format!("k{i}"), s("v"))).collect())), "Too many tags", "tags", None),
        ("duration in words", timeout("create", "10 minutes"), "Invalid duration", "timeouts.create", Some("10 minutes".into())),
        ("duration without unit", timeout("update", "90"), "Invalid duration", "timeouts.update", Some("90".into())),
        ("zero duration", timeout("delete", "0s"), "Duration must be positive", "timeouts.delete", Some("0s".into())),
        ("negative duration", timeout("update", "-5m"), "Duration must be positive", "timeouts.update", Some("-5m".into())),
    ]
}

#[test]
fn each_invalid_configuration_gives_one_precise_error() {
    let all = cases();
    assert!(all.len() >= 50, "{} cases", all.len());
    for (name, cfg, summary, path, given) in all {
        let diags = validate(&cfg);
        let errors: Vec<_> = diags.0.iter().filter(|d| d.severity == Severity::Error).collect();
        assert_eq!(errors.len(), 1, "{name}: {errors:#?}");
        let e = errors[0];
        assert_eq!(e.summary, summary, "{name}");
        let got_path = e.path.as_ref().map(|p| p.to_string());
        assert_eq!(got_path.as_deref(), Some(path), "{name}");
        assert!(e.detail.starts_with(path), "{name}: detail should name the path: {}", e.detail);
        if let Some(given) = given {
            assert!(e.detail.contains(&format!("{given:?}")), "{name}: {}", e.detail);
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
                        with(valid_config(), &["role_managed_policy_arns"], set(&[POLICY])),
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
            with(with(full.clone(), &["instance_count"], n(1)), &["volume_size_in_gb"], n(512)),
            &["startup_health_check_timeout_in_seconds"],
            n(60),
        ),
        &["model_data_download_timeout_in_seconds"],
        Value::Number(Number::Float(3600.0)),
    );
    let own_role = with(with(valid_config(), &["role_arn"], s(ROLE)), &["container"], image_container());
    for cfg in [valid_config(), full, bounds, own_role] {
        let d = validate(&cfg);
        assert!(d.is_empty(), "{d:#?}");
    }
}

#[test]
fn uncompressed_prefix_without_slash_only_warns() {
    let cfg = with(valid_config(), &["model_data_url"], s("s3://my-models/llama"));
    let d = validate(&cfg);
    assert!(!d.has_errors());
    assert_eq!(d.0.len(), 1);
    assert_eq!(d.0[0].severity, Severity::Warning);
    assert_eq!(d.0[0].summary, "S3 prefix without trailing slash");
    assert_eq!(d.0[0].path.as_ref().unwrap().to_string(), "model_data_url");
    let ok = with(valid_config(), &["model_data_url"], s("s3://my-models/llama/"));
    assert!(validate(&ok).is_empty());
}

#[test]
fn unknown_values_are_never_rejected() {
    let u = Value::Unknown;
    assert!(validate(&Value::Unknown).is_empty());
    assert!(validate(&Value::Null).is_empty());
    let mut cfg = valid_config();
    for attr in [
        "endpoint_name", "model_id", "instance_type", "model_data_url", "container", "role_arn",
        "role_managed_policy_arns", "environment", "vpc_config", "instance_count",
        "volume_size_in_gb", "async_inference", "tags", "timeouts",
    ] {
        cfg = with(cfg, &[attr], u.clone());
    }
    assert!(validate(&cfg).is_empty());
    // Unknown parts inside known objects and collections.
    let parts = [
        with(valid_config(), &["container"], container(&[("image_uri", u.clone())])),
        with(valid_config(), &["container"], container(&[("repository_name", u.clone()), ("tag", s("t"))])),
        with(valid_config(), &["container"], container(&[("repository_name", s("repo")), ("tag", u.clone())])),
        with(valid_config(), &["vpc_config"], obj(&[("security_group_ids", Value::Set(vec![u.clone()])), ("subnets", u.clone())])),
        with(valid_config(), &["environment"], Value::Map([("X".to_string(), u.clone())].into())),
        with(valid_config(), &["tags"], Value::Map([("k".to_string(), u.clone())].into())),
        with(valid_config(), &["role_managed_policy_arns"], Value::Set(vec![u.clone()])),
        with(with(valid_config(), &["async_inference"], async_block("s3://out-bucket/")), &["async_inference", "output_path"], u.clone()),
        with(valid_config(), &["timeouts"], timeouts(u.clone(), u.clone(), u.clone())),
    ];
    for cfg in parts {
        let d = validate(&cfg);
        assert!(d.is_empty(), "{d:#?}");
    }
}

#[test]
fn several_mistakes_are_all_reported() {
    let cfg = with(
        with(with(valid_config(), &["instance_type"], s("t3.large")), &["instance_count"], n(0)),
        &["endpoint_name"],
        s("bad_name"),
    );
    let d = validate(&cfg);
    let mut paths: Vec<String> = d.0.iter().map(|d| d.path.as_ref().unwrap().to_string()).collect();
    paths.sort();
    assert_eq!(paths, ["endpoint_name", "instance_count", "instance_type"]);
}
