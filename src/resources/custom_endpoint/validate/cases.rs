//! The table of invalid configurations for `validate_tests`: one entry per
//! distinct error, with the summary, path and quoted value it must produce.

use super::super::testutil::*;
use crate::tfplugin::{Number, Value};

pub const ROLE: &str = "arn:aws:iam::123456789012:role/SageMakerRole";
pub const POLICY: &str = "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess";

/// One invalid configuration and the error it must produce.
pub type Case = (
    &'static str,
    Value,
    &'static str,
    &'static str,
    Option<String>,
);

/// (case name, configuration, expected summary, expected path, quoted value)
pub fn cases() -> Vec<Case> {
    let c = valid_config;
    let long = |n: usize| "a".repeat(n);
    let cont = |f: &[(&str, Value)]| with(c(), &["container"], container(f));
    let asy = |field: &str, v: Value| {
        with(
            with(c(), &["async_inference"], async_block("s3://out-bucket/r/")),
            &["async_inference", field],
            v,
        )
    };
    let timeout = |op: &str, v: &str| {
        with(
            with(
                c(),
                &["timeouts"],
                timeouts(Value::Null, Value::Null, Value::Null),
            ),
            &["timeouts", op],
            s(v),
        )
    };
    let many = |prefix: &str, count: usize| -> Vec<String> {
        (0..count).map(|i| format!("{prefix}{i:04}")).collect()
    };
    let strs = |v: &[String]| Value::Set(v.iter().map(|x| s(x)).collect());
    let dlc = [("repository_name", s("repo")), ("tag", s("t1"))];
    let mut all = Vec::new();
    all.extend(vec![
        (
            "empty endpoint name",
            with(c(), &["endpoint_name"], s("")),
            "Invalid endpoint name",
            "endpoint_name",
            Some(String::new()),
        ),
        (
            "endpoint name with leading hyphen",
            with(c(), &["endpoint_name"], s("-x")),
            "Invalid endpoint name",
            "endpoint_name",
            Some("-x".into()),
        ),
        (
            "endpoint name too long",
            with(c(), &["endpoint_name"], s(&long(64))),
            "Invalid endpoint name",
            "endpoint_name",
            Some(long(64)),
        ),
        (
            "endpoint name with underscore",
            with(c(), &["endpoint_name"], s("a_b")),
            "Invalid endpoint name",
            "endpoint_name",
            Some("a_b".into()),
        ),
        (
            "empty model id",
            with(c(), &["model_id"], s("")),
            "Invalid model ID",
            "model_id",
            None,
        ),
        (
            "model id too long",
            with(c(), &["model_id"], s(&long(257))),
            "Invalid model ID",
            "model_id",
            None,
        ),
        (
            "model id with a bad character",
            with(c(), &["model_id"], s("a#b")),
            "Invalid model ID",
            "model_id",
            Some("a#b".into()),
        ),
        (
            "instance type without ml.",
            with(c(), &["instance_type"], s("g5.xlarge")),
            "Invalid instance type",
            "instance_type",
            Some("g5.xlarge".into()),
        ),
        (
            "instance type without size",
            with(c(), &["instance_type"], s("ml.g5")),
            "Invalid instance type",
            "instance_type",
            Some("ml.g5".into()),
        ),
        (
            "model data over https",
            with(c(), &["model_data_url"], s("https://b/m.tar.gz")),
            "Invalid S3 URI",
            "model_data_url",
            Some("https://b/m.tar.gz".into()),
        ),
        (
            "model data bucket too short",
            with(c(), &["model_data_url"], s("s3://ab/m.tar.gz")),
            "Invalid S3 URI",
            "model_data_url",
            None,
        ),
        (
            "model data bucket uppercase",
            with(c(), &["model_data_url"], s("s3://My_Bucket/m.tar.gz")),
            "Invalid S3 URI",
            "model_data_url",
            None,
        ),
        (
            "model data without key",
            with(c(), &["model_data_url"], s("s3://my-models")),
            "Invalid S3 URI",
            "model_data_url",
            Some("s3://my-models".into()),
        ),
        (
            "model data prefix without trailing slash",
            with(c(), &["model_data_url"], s("s3://my-models/models/bge")),
            "S3 prefix without trailing slash",
            "model_data_url",
            Some("s3://my-models/models/bge".into()),
        ),
        (
            "wildcard in the model data key",
            with(c(), &["model_data_url"], s("s3://my-models/*/model.tar.gz")),
            "Character not allowed in a policy resource",
            "model_data_url",
            Some("s3://my-models/*/model.tar.gz".into()),
        ),
        (
            "question mark in the model data prefix",
            with(c(), &["model_data_url"], s("s3://my-models/v?/")),
            "Character not allowed in a policy resource",
            "model_data_url",
            Some("s3://my-models/v?/".into()),
        ),
        (
            "policy variable in the model data prefix",
            with(c(), &["model_data_url"], s("s3://my-models/${aws:username}/")),
            "Character not allowed in a policy resource",
            "model_data_url",
            Some("s3://my-models/${aws:username}/".into()),
        ),
        (
            "wildcard in the async output path",
            asy("output_path", s("s3://out-bucket/*")),
            "Character not allowed in a policy resource",
            "async_inference.output_path",
            Some("s3://out-bucket/*".into()),
        ),
        (
            "policy variable in the async failure path",
            asy("failure_path", s("s3://out-bucket/${aws:userid}/")),
            "Character not allowed in a policy resource",
            "async_inference.failure_path",
            Some("s3://out-bucket/${aws:userid}/".into()),
        ),
        (
            "wildcard in the repository name",
            cont(&[("repository_name", s("pytorch-*")), dlc[1].clone()]),
            "Character not allowed in a policy resource",
            "container.repository_name",
            Some("pytorch-*".into()),
        ),
        (
            "wildcard in the image repository",
            cont(&[(
                "image_uri",
                s("123456789012.dkr.ecr.us-east-1.amazonaws.com/team/*:1"),
            )]),
            "Character not allowed in a policy resource",
            "container.image_uri",
            Some("123456789012.dkr.ecr.us-east-1.amazonaws.com/team/*:1".into()),
        ),
        (
            "both container forms",
            cont(&[
                ("image_uri", s("i:1")),
                ("repository_name", s("repo")),
                ("tag", s("t")),
            ]),
            "Conflicting container forms",
            "container",
            None,
        ),
        (
            "no container form",
            cont(&[]),
            "Missing container image",
            "container",
            None,
        ),
        (
            "repository without tag",
            cont(&[("repository_name", s("repo"))]),
            "Incomplete Deep Learning Container",
            "container.tag",
            None,
        ),
        (
            "tag without repository",
            cont(&[("tag", s("t1"))]),
            "Incomplete Deep Learning Container",
            "container.repository_name",
            None,
        ),
        (
            "account id with image uri",
            cont(&[("image_uri", s("i:1")), ("account_id", s("123456789012"))]),
            "account_id needs a Deep Learning Container",
            "container.account_id",
            None,
        ),
        (
            "short account id",
            cont(&[dlc[0].clone(), dlc[1].clone(), ("account_id", s("12345"))]),
            "Invalid AWS account ID",
            "container.account_id",
            Some("12345".into()),
        ),
        (
            "empty repository",
            cont(&[("repository_name", s("")), dlc[1].clone()]),
            "Invalid repository name",
            "container.repository_name",
            None,
        ),
        (
            "empty tag",
            cont(&[dlc[0].clone(), ("tag", s(""))]),
            "Invalid image tag",
            "container.tag",
            None,
        ),
        (
            "image uri with space",
            cont(&[("image_uri", s("a b"))]),
            "Invalid image URI",
            "container.image_uri",
            Some("a b".into()),
        ),
        (
            "role name instead of arn",
            with(c(), &["role_arn"], s("MyRole")),
            "Invalid IAM role ARN",
            "role_arn",
            Some("MyRole".into()),
        ),
        (
            "policy name instead of arn",
            with(
                c(),
                &["role_managed_policy_arns"],
                set(&["AmazonSageMakerFullAccess"]),
            ),
            "Invalid IAM policy ARN",
            "role_managed_policy_arns",
            Some("AmazonSageMakerFullAccess".into()),
        ),
        (
            "policies with own role",
            with(
                with(c(), &["role_arn"], s(ROLE)),
                &["role_managed_policy_arns"],
                set(&[POLICY]),
            ),
            "Managed policies need a generated role",
            "role_managed_policy_arns",
            None,
        ),
        (
            "zero instances",
            with(c(), &["instance_count"], n(0)),
            "Value out of range",
            "instance_count",
            Some("0".into()),
        ),
        (
            "fractional instances",
            with(c(), &["instance_count"], Value::Number(Number::Float(1.5))),
            "Not a whole number",
            "instance_count",
            Some("1.5".into()),
        ),
        (
            "huge instance count",
            with(
                c(),
                &["instance_count"],
                Value::Number(Number::Big("1e400".into())),
            ),
            "Value out of range",
            "instance_count",
            None,
        ),
        (
            "startup timeout too short",
            with(c(), &["startup_health_check_timeout_in_seconds"], n(59)),
            "Value out of range",
            "startup_health_check_timeout_in_seconds",
            Some("59".into()),
        ),
        (
            "download timeout too long",
            with(c(), &["model_data_download_timeout_in_seconds"], n(3601)),
            "Value out of range",
            "model_data_download_timeout_in_seconds",
            Some("3601".into()),
        ),
        (
            "zero volume",
            with(c(), &["volume_size_in_gb"], n(0)),
            "Value out of range",
            "volume_size_in_gb",
            None,
        ),
        (
            "volume too large",
            with(c(), &["volume_size_in_gb"], n(513)),
            "Value out of range",
            "volume_size_in_gb",
            Some("513".into()),
        ),
        (
            "zero concurrency",
            asy("max_concurrent_invocations_per_instance", n(0)),
            "Value out of range",
            "async_inference.max_concurrent_invocations_per_instance",
            None,
        ),
        (
            "concurrency too high",
            asy("max_concurrent_invocations_per_instance", n(1001)),
            "Value out of range",
            "async_inference.max_concurrent_invocations_per_instance",
            Some("1001".into()),
        ),
        (
            "relative output path",
            asy("output_path", s("results/")),
            "Invalid S3 URI",
            "async_inference.output_path",
            Some("results/".into()),
        ),
        (
            "bad failure bucket",
            asy("failure_path", s("s3://x/")),
            "Invalid S3 URI",
            "async_inference.failure_path",
            None,
        ),
        (
            "no security groups",
            with(c(), &["vpc_config"], vpc(&[], &["subnet-1"])),
            "Missing security groups",
            "vpc_config.security_group_ids",
            None,
        ),
        (
            "no subnets",
            with(c(), &["vpc_config"], vpc(&["sg-1"], &[])),
            "Missing subnets",
            "vpc_config.subnets",
            None,
        ),
        (
            "too many security groups",
            with(
                c(),
                &["vpc_config"],
                obj(&[
                    ("security_group_ids", strs(&many("sg-", 6))),
                    ("subnets", set(&["subnet-1"])),
                ]),
            ),
            "Too many security groups",
            "vpc_config.security_group_ids",
            None,
        ),
        (
            "too many subnets",
            with(
                c(),
                &["vpc_config"],
                obj(&[
                    ("security_group_ids", set(&["sg-1"])),
                    ("subnets", strs(&many("subnet-", 17))),
                ]),
            ),
            "Too many subnets",
            "vpc_config.subnets",
            None,
        ),
        (
            "security group without sg-",
            with(c(), &["vpc_config"], vpc(&["abc"], &["subnet-1"])),
            "Invalid security group ID",
            "vpc_config.security_group_ids",
            Some("abc".into()),
        ),
        (
            "subnet given a security group",
            with(c(), &["vpc_config"], vpc(&["sg-1"], &["sg-2"])),
            "Invalid subnet ID",
            "vpc_config.subnets",
            Some("sg-2".into()),
        ),
        (
            "env name with digit first",
            with(c(), &["environment"], map(&[("1X", "v")])),
            "Invalid environment variable name",
            "environment[\"1X\"]",
            Some("1X".into()),
        ),
        (
            "env value too long",
            with(c(), &["environment"], map(&[("X", &long(1025))])),
            "Environment value too long",
            "environment[\"X\"]",
            None,
        ),
        (
            "too many env vars",
            with(
                c(),
                &["environment"],
                Value::Map((0..101).map(|i| (format!("V{i}"), s("x"))).collect()),
            ),
            "Too many environment variables",
            "environment",
            None,
        ),
        (
            "aws: tag key",
            with(c(), &["tags"], map(&[("aws:owner", "me")])),
            "Reserved tag key",
            "tags[\"aws:owner\"]",
            Some("aws:owner".into()),
        ),
        (
            "tag key too long",
            with(c(), &["tags"], map(&[(&long(129), "v")])),
            "Invalid tag key",
            "tags[\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"]",
            None,
        ),
        (
            "tag value too long",
            with(c(), &["tags"], map(&[("k", &long(257))])),
            "Invalid tag value",
            "tags[\"k\"]",
            None,
        ),
        (
            "too many tags",
            with(
                c(),
                &["tags"],
                Value::Map((0..51).map(|i| (format!("k{i}"), s("v"))).collect()),
            ),
            "Too many tags",
            "tags",
            None,
        ),
        (
            "duration in words",
            timeout("create", "10 minutes"),
            "Invalid duration",
            "timeouts.create",
            Some("10 minutes".into()),
        ),
        (
            "duration without unit",
            timeout("update", "90"),
            "Invalid duration",
            "timeouts.update",
            Some("90".into()),
        ),
        (
            "zero duration",
            timeout("delete", "0s"),
            "Duration must be positive",
            "timeouts.delete",
            Some("0s".into()),
        ),
        (
            "negative duration",
            timeout("update", "-5m"),
            "Duration must be positive",
            "timeouts.update",
            Some("-5m".into()),
        ),
    ]);
    let key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    let capture = |field: &str, v: Value| {
        with(
            with(
                c(),
                &["data_capture"],
                data_capture_block("s3://capture/ep/"),
            ),
            &["data_capture", field],
            v,
        )
    };
    let set = |v: &[&str]| Value::Set(v.iter().map(|x| s(x)).collect());
    all.extend(vec![
        (
            "alias instead of a key ARN",
            with(
                c(),
                &["kms_key_arn"],
                s("arn:aws:kms:us-east-1:123456789012:alias/ep"),
            ),
            "Invalid KMS key ARN",
            "kms_key_arn",
            Some("arn:aws:kms:us-east-1:123456789012:alias/ep".into()),
        ),
        (
            "model data key that is not an ARN",
            with(c(), &["model_data_kms_key_arn"], s("1234abcd")),
            "Invalid KMS key ARN",
            "model_data_kms_key_arn",
            Some("1234abcd".into()),
        ),
        (
            "wildcard in a key ARN",
            with(
                c(),
                &["kms_key_arn"],
                s("arn:aws:kms:us-east-1:123456789012:key/*"),
            ),
            "Character not allowed in a policy resource",
            "kms_key_arn",
            Some("arn:aws:kms:us-east-1:123456789012:key/*".into()),
        ),
        (
            "volume key on an instance type with NVMe storage",
            with(
                with(c(), &["kms_key_arn"], s(key)),
                &["instance_type"],
                s("ml.g5.2xlarge"),
            ),
            "KMS key not supported by the instance type",
            "kms_key_arn",
            None,
        ),
        (
            "sampling above 100 percent",
            capture("initial_sampling_percentage", n(101)),
            "Value out of range",
            "data_capture.initial_sampling_percentage",
            Some("101".into()),
        ),
        (
            "unknown capture mode",
            capture("capture_modes", set(&["Input", "Everything"])),
            "Invalid capture mode",
            "data_capture.capture_modes",
            Some("Everything".into()),
        ),
        (
            "no capture mode",
            capture("capture_modes", set(&[])),
            "Nothing to capture",
            "data_capture.capture_modes",
            None,
        ),
        (
            "content type without a subtype",
            capture("json_content_types", set(&["json"])),
            "Invalid content type",
            "data_capture.json_content_types",
            Some("json".into()),
        ),
        (
            "capture destination that is not S3",
            capture("destination_s3_uri", s("https://capture/ep/")),
            "Invalid S3 URI",
            "data_capture.destination_s3_uri",
            Some("https://capture/ep/".into()),
        ),
        (
            "log retention CloudWatch does not offer",
            with(c(), &["log_retention_in_days"], n(10)),
            "Invalid log retention",
            "log_retention_in_days",
            Some("10".into()),
        ),
        (
            "deleting logs the provider does not own",
            with(c(), &["delete_logs_on_destroy"], Value::Bool(true)),
            "Log group not managed",
            "delete_logs_on_destroy",
            None,
        ),
        (
            "async input path that is not S3",
            asy("input_path", s("/requests/")),
            "Invalid S3 URI",
            "async_inference.input_path",
            Some("/requests/".into()),
        ),
        (
            "neither an instance type nor serverless",
            with(c(), &["instance_type"], Value::Null),
            "Missing instance type",
            "instance_type",
            None,
        ),
    ]);
    let sls = |memory: i64, max: i64, provisioned: Option<i64>| {
        let cfg = with(c(), &["instance_type"], Value::Null);
        with(
            cfg,
            &["serverless"],
            serverless_block(memory, max, provisioned),
        )
    };
    all.extend(vec![
        (
            "serverless memory off the 1 GB steps",
            sls(1500, 10, None),
            "Invalid memory size",
            "serverless.memory_size_in_mb",
            Some("1500".into()),
        ),
        (
            "serverless memory above 6 GB",
            sls(7168, 10, None),
            "Value out of range",
            "serverless.memory_size_in_mb",
            Some("7168".into()),
        ),
        (
            "serverless concurrency above 200",
            sls(2048, 201, None),
            "Value out of range",
            "serverless.max_concurrency",
            Some("201".into()),
        ),
        (
            "provisioned concurrency above the maximum",
            sls(2048, 4, Some(5)),
            "Provisioned concurrency above the maximum",
            "serverless.provisioned_concurrency",
            Some("5".into()),
        ),
    ]);
    // Each setting a serverless variant does not have, named by its path.
    let instance_only: [(&'static str, &'static str, Value); 11] = [
        (
            "instance type with serverless",
            "instance_type",
            s("ml.m5.large"),
        ),
        ("instance count with serverless", "instance_count", n(2)),
        ("volume size with serverless", "volume_size_in_gb", n(30)),
        (
            "startup timeout with serverless",
            "startup_health_check_timeout_in_seconds",
            n(600),
        ),
        (
            "download timeout with serverless",
            "model_data_download_timeout_in_seconds",
            n(600),
        ),
        (
            "volume key with serverless",
            "kms_key_arn",
            s("arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
        ),
        (
            "data capture with serverless",
            "data_capture",
            data_capture_block("s3://capture/ep/"),
        ),
        (
            "VPC with serverless",
            "vpc_config",
            vpc(&["sg-1"], &["subnet-1"]),
        ),
        (
            "async with serverless",
            "async_inference",
            async_block("s3://out-bucket/r/"),
        ),
        (
            "deployment config with serverless",
            "deployment_config",
            obj(&[
                (
                    "blue_green",
                    obj(&[
                        ("traffic_routing_type", s("ALL_AT_ONCE")),
                        ("canary_size", Value::Null),
                        ("linear_step_size", Value::Null),
                        ("wait_interval_in_seconds", Value::Null),
                        ("termination_wait_in_seconds", Value::Null),
                        ("maximum_execution_timeout_in_seconds", Value::Null),
                    ]),
                ),
                ("rolling_update", Value::Null),
                ("auto_rollback_alarms", Value::Null),
            ]),
        ),
        (
            "network isolation with serverless",
            "enable_network_isolation",
            Value::Bool(true),
        ),
    ];
    for (name, attr, v) in instance_only {
        all.push((
            name,
            with(sls(2048, 10, None), &[attr], v),
            "Not available on a serverless endpoint",
            attr,
            None,
        ));
    }
    all
}
