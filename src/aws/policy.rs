//! The IAM policy documents of the generated execution role (pure functions).
//!
//! The original construct attached `AmazonSageMakerFullAccess` and granted no
//! S3 access at all, so a model in a private bucket could not be loaded. The
//! inline policy built here grants only what one endpoint needs:
//! - S3 read of the model data: `s3:GetObject` on the archive, or, for an
//!   uncompressed prefix, `s3:ListBucket` limited to that prefix and
//!   `s3:GetObject` below it;
//! - S3 write (`s3:PutObject`) below the async output and failure paths and
//!   the data capture destination, and S3 read below the async input path;
//! - KMS on the customer keys given, each only through S3 in the region
//!   (`kms:ViaService`): `kms:Decrypt` on the model data's key, and
//!   `kms:Encrypt`, `kms:Decrypt`, `kms:GenerateDataKey*` on the endpoint's
//!   key when something is written to S3 with it;
//! - ECR pull on the image's repository (derived from an ECR image URI), and
//!   `ecr:GetAuthorizationToken`, which only works on `*`;
//! - CloudWatch Logs on the endpoint's log group
//!   `/aws/sagemaker/Endpoints/<endpoint>`, and `cloudwatch:PutMetricData`;
//! - `sns:Publish` on the async topics;
//! - the ENI actions SageMaker needs to attach the endpoint to a VPC, which
//!   AWS only supports on `*`.

use super::model::ModelData;
use serde_json::{Value, json};

/// What the execution policy depends on.
#[derive(Clone, Debug)]
pub struct PolicyInputs<'a> {
    pub partition: &'a str,
    pub region: &'a str,
    pub account_id: &'a str,
    pub endpoint_name: &'a str,
    pub model_data: &'a ModelData,
    pub image_uri: &'a str,
    pub async_output: Option<&'a str>,
    pub async_failure: Option<&'a str>,
    /// Where callers put async requests: read below it.
    pub async_input: Option<&'a str>,
    /// Where data capture writes: write below it.
    pub capture_destination: Option<&'a str>,
    /// The endpoint's key (async results, captured data).
    pub kms_key: Option<&'a str>,
    /// The key of the model data's bucket.
    pub model_data_kms_key: Option<&'a str>,
    pub topic_arns: &'a [String],
    pub vpc: bool,
}

/// The trust policy letting SageMaker assume the role, only on behalf of
/// this account's SageMaker resources in this region. The two conditions
/// guard against the confused deputy: without them SageMaker acting for
/// another account could be made to assume the role.
pub fn trust_policy(partition: &str, region: &str, account_id: &str) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": { "Service": "sagemaker.amazonaws.com" },
            "Action": "sts:AssumeRole",
            "Condition": {
                "StringEquals": { "aws:SourceAccount": account_id },
                "ArnLike": {
                    "aws:SourceArn": format!("arn:{partition}:sagemaker:{region}:{account_id}:*")
                }
            }
        }]
    })
}

/// The first sequence in `s` that IAM would not take literally in a
/// resource ARN or a `StringLike` condition: `*` and `?` are wildcards and
/// `${` opens a policy variable. A user value carrying one would widen the
/// generated policy, so configuration containing one is refused before any
/// document is built.
pub(crate) fn iam_special(s: &str) -> Option<&'static str> {
    if s.contains('*') {
        Some("*")
    } else if s.contains('?') {
        Some("?")
    } else if s.contains("${") {
        Some("${")
    } else {
        None
    }
}

/// Splits `s3://bucket/key` into bucket and key (the key may be empty).
pub(crate) fn parse_s3_uri(uri: &str) -> Option<(&str, &str)> {
    let rest = uri.strip_prefix("s3://")?;
    let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
    (!bucket.is_empty()).then_some((bucket, key))
}

/// The repository of an ECR image URI
/// `<account>.dkr.ecr[-fips].<region>.<suffix>/<repository>[:tag|@digest]`:
/// `(account, region, repository)`. `None` for any other registry.
pub(crate) fn ecr_repository(image: &str) -> Option<(&str, &str, &str)> {
    let (host, path) = image.split_once('/')?;
    let mut labels = host.split('.');
    let account = labels.next()?;
    if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if labels.next()? != "dkr" || !matches!(labels.next()?, "ecr" | "ecr-fips") {
        return None;
    }
    let region = labels.next()?;
    if region.is_empty() || labels.next() != Some("amazonaws") {
        return None;
    }
    let repo = match path.split_once('@') {
        Some((r, _)) => r,
        None => match path.rsplit_once(':') {
            Some((r, _)) => r,
            None => path,
        },
    };
    (!repo.is_empty()).then_some((account, region, repo))
}

fn statement(sid: &str, actions: &[&str], resources: Value) -> Value {
    json!({ "Sid": sid, "Effect": "Allow", "Action": actions, "Resource": resources })
}

/// ARN of every object below an S3 path (`s3://b/p/` -> `arn:...:b/p/*`).
fn objects_below(partition: &str, uri: &str) -> Option<String> {
    let (bucket, key) = parse_s3_uri(uri)?;
    let key = key.trim_end_matches('/');
    Some(if key.is_empty() {
        format!("arn:{partition}:s3:::{bucket}/*")
    } else {
        format!("arn:{partition}:s3:::{bucket}/{key}/*")
    })
}

fn model_data_statements(p: &str, data: &ModelData) -> Vec<Value> {
    match data {
        ModelData::Archive(uri) => match parse_s3_uri(uri) {
            Some((bucket, key)) => vec![statement(
                "ReadModelData",
                &["s3:GetObject"],
                json!(format!("arn:{p}:s3:::{bucket}/{key}")),
            )],
            None => vec![],
        },
        ModelData::Prefix(uri) => match parse_s3_uri(uri) {
            Some((bucket, prefix)) => {
                let mut list = statement(
                    "ListModelData",
                    &["s3:ListBucket"],
                    json!(format!("arn:{p}:s3:::{bucket}")),
                );
                list["Condition"] = json!({
                    "StringLike": { "s3:prefix": [prefix, format!("{prefix}*")] }
                });
                let read = statement(
                    "ReadModelData",
                    &["s3:GetObject"],
                    json!(format!("arn:{p}:s3:::{bucket}/{prefix}*")),
                );
                vec![list, read]
            }
            None => vec![],
        },
    }
}

/// What the generated role's policy says about settings SageMaker itself
/// does not record: the async input path and the model data's key. Import
/// reads them back from the policy this provider wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Recalled {
    /// `s3://bucket/prefix/`.
    pub async_input: Option<String>,
    pub model_data_kms_key: Option<String>,
}

/// Reads [`Recalled`] settings back from an execution policy document.
pub fn recall(doc: &Value) -> Recalled {
    let by_sid = |sid: &str| {
        doc["Statement"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|s| s["Sid"] == sid)
            .and_then(|s| s["Resource"].as_str())
    };
    let async_input = by_sid("ReadAsyncRequests").and_then(|arn| {
        // arn:<partition>:s3:::<bucket>/<prefix>/*
        let path = arn.split_once(":s3:::")?.1.strip_suffix('*')?;
        Some(format!("s3://{path}"))
    });
    Recalled {
        async_input,
        model_data_kms_key: by_sid("DecryptModelData").map(str::to_string),
    }
}

/// The least-privilege inline policy of the generated execution role.
pub fn execution_role_policy(i: &PolicyInputs) -> Value {
    let p = i.partition;
    let mut statements = model_data_statements(p, i.model_data);
    let outputs: Vec<String> = [i.async_output, i.async_failure]
        .into_iter()
        .flatten()
        .filter_map(|u| objects_below(p, u))
        .collect();
    if !outputs.is_empty() {
        let mut outputs = outputs;
        outputs.dedup();
        statements.push(statement(
            "WriteAsyncResults",
            &["s3:PutObject"],
            json!(outputs),
        ));
    }
    if let Some(input) = i.async_input.and_then(|u| objects_below(p, u)) {
        statements.push(statement(
            "ReadAsyncRequests",
            &["s3:GetObject"],
            json!(input),
        ));
    }
    if let Some(dest) = i.capture_destination.and_then(|u| objects_below(p, u)) {
        statements.push(statement(
            "WriteCapturedData",
            &["s3:PutObject"],
            json!(dest),
        ));
    }
    let via_s3 = json!({
        "StringEquals": { "kms:ViaService": format!("s3.{}.{}", i.region, super::dlc::dns_suffix(i.region)) }
    });
    if let Some(key) = i.model_data_kms_key {
        let mut s = statement("DecryptModelData", &["kms:Decrypt"], json!(key));
        s["Condition"] = via_s3.clone();
        statements.push(s);
    }
    let writes_with_key = i.async_output.is_some() || i.capture_destination.is_some();
    if let Some(key) = i.kms_key.filter(|_| writes_with_key) {
        let mut s = statement(
            "UseEndpointKey",
            &["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*"],
            json!(key),
        );
        s["Condition"] = via_s3;
        statements.push(s);
    }
    if let Some((account, region, repo)) = ecr_repository(i.image_uri) {
        let partition = super::dlc::partition(region);
        statements.push(statement(
            "PullImage",
            &[
                "ecr:BatchCheckLayerAvailability",
                "ecr:GetDownloadUrlForLayer",
                "ecr:BatchGetImage",
            ],
            json!(format!(
                "arn:{partition}:ecr:{region}:{account}:repository/{repo}"
            )),
        ));
    }
    statements.push(statement(
        "EcrLogin",
        &["ecr:GetAuthorizationToken"],
        json!("*"),
    ));
    let group = format!(
        "arn:{p}:logs:{}:{}:log-group:{}",
        i.region,
        i.account_id,
        super::names::log_group_name(i.endpoint_name)
    );
    statements.push(statement(
        "EndpointLogs",
        &[
            "logs:CreateLogGroup",
            "logs:CreateLogStream",
            "logs:PutLogEvents",
            "logs:DescribeLogStreams",
        ],
        json!([group.clone(), format!("{group}:*")]),
    ));
    statements.push(statement(
        "Metrics",
        &["cloudwatch:PutMetricData"],
        json!("*"),
    ));
    if !i.topic_arns.is_empty() {
        statements.push(statement("Notify", &["sns:Publish"], json!(i.topic_arns)));
    }
    if i.vpc {
        statements.push(statement(
            "VpcNetworkInterfaces",
            &[
                "ec2:CreateNetworkInterface",
                "ec2:CreateNetworkInterfacePermission",
                "ec2:DeleteNetworkInterface",
                "ec2:DeleteNetworkInterfacePermission",
                "ec2:DescribeNetworkInterfaces",
                "ec2:DescribeVpcs",
                "ec2:DescribeDhcpOptions",
                "ec2:DescribeSubnets",
                "ec2:DescribeSecurityGroups",
            ],
            json!("*"),
        ));
    }
    json!({ "Version": "2012-10-17", "Statement": statements })
}

#[cfg(test)]
#[path = "policy_tests.rs"]
mod tests;
