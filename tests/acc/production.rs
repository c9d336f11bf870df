//! Acceptance: the settings production endpoints need, with the real CLI on
//! the sandbox. One asynchronous endpoint with customer KMS keys (moto's
//! KMS), network isolation, data capture and a log group that goes with it:
//! SageMaker gets every field (checked with the SDK on the model and the
//! configuration), the generated role's grants are scoped to the keys and
//! paths, the log group has the retention and the key, the plan afterwards
//! is empty, a new sampling percentage is an in-place update, an import
//! reads every setting back (bar `delete_logs_on_destroy`, which AWS does
//! not record: one apply sets it back, and the plan is then empty), and
//! destroy leaves nothing, the log group included. (Serverless endpoints, which
//! cannot have most of these, are in `serverless`.) A volume key on an instance type with NVMe storage is
//! refused at plan time, naming the attribute.

use crate::acc_support::{Acc, MODEL_ARCHIVE};
use serde_json::{Value as Json, json};

const BUCKET: &str = "prod-io";

fn key(acc: &Acc, what: &str) -> String {
    acc.block_on(acc.kms().create_key().description(what).send())
        .expect("CreateKey")
        .key_metadata()
        .map(|m| m.arn().unwrap_or_default().to_string())
        .expect("key ARN")
}

fn config(acc: &Acc, key: &str, data_key: &str, sampling: u32) {
    acc.config(&format!(
        r#"
resource "sagemaker_custom_endpoint" "prod" {{
  model_id       = "prod-model"
  endpoint_name  = "prod-ep"
  instance_type  = "ml.m5.xlarge"
  model_data_url = "{MODEL_ARCHIVE}"
  container = {{
    image_uri = "123456789012.dkr.ecr.us-east-1.amazonaws.com/prod:1"
  }}
  enable_network_isolation = true
  kms_key_arn              = "{key}"
  model_data_kms_key_arn   = "{data_key}"
  data_capture = {{
    destination_s3_uri          = "s3://{BUCKET}/capture/"
    initial_sampling_percentage = {sampling}
    capture_modes               = ["Input"]
    json_content_types          = ["application/json"]
  }}
  async_inference = {{
    output_path  = "s3://{BUCKET}/output/"
    failure_path = "s3://{BUCKET}/failure/"
    input_path   = "s3://{BUCKET}/requests/"
  }}
  log_retention_in_days  = 14
  delete_logs_on_destroy = true
}}
"#
    ));
}

/// The generated role's inline policy, as IAM returns it.
fn role_policy(acc: &Acc, role_arn: &str) -> Json {
    let role = role_arn.rsplit('/').next().expect("role name");
    let out = acc
        .block_on(
            acc.iam()
                .get_role_policy()
                .role_name(role)
                .policy_name(tfsm::aws::role::INLINE_POLICY_NAME)
                .send(),
        )
        .expect("GetRolePolicy");
    let doc = percent_encoding::percent_decode_str(out.policy_document())
        .decode_utf8()
        .expect("utf-8")
        .to_string();
    serde_json::from_str(&doc).expect("policy JSON")
}

fn statement<'a>(doc: &'a Json, sid: &str) -> &'a Json {
    doc["Statement"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|s| s["Sid"] == sid)
        .unwrap_or_else(|| panic!("no statement {sid}: {doc:#}"))
}

fn live_config(
    acc: &Acc,
    name: &str,
) -> aws_sdk_sagemaker::operation::describe_endpoint_config::DescribeEndpointConfigOutput {
    acc.block_on(
        acc.sagemaker()
            .describe_endpoint_config()
            .endpoint_config_name(name)
            .send(),
    )
    .expect("DescribeEndpointConfig")
}

#[test]
fn keys_isolation_and_data_capture_reach_sagemaker_and_the_role_is_scoped() {
    let acc = Acc::new();
    acc.block_on(acc.s3().create_bucket().bucket(BUCKET).send())
        .expect("CreateBucket");
    let key = key(&acc, "endpoint");
    let data_key = key_for_data(&acc);
    config(&acc, &key, &data_key, 50);
    acc.apply_ok();
    let st = acc.resource("prod");

    let model = acc
        .block_on(
            acc.sagemaker()
                .describe_model()
                .model_name(st["model_name"].as_str().unwrap())
                .send(),
        )
        .expect("DescribeModel");
    assert_eq!(model.enable_network_isolation(), Some(true));

    let cfg = live_config(&acc, st["endpoint_config_name"].as_str().unwrap());
    assert_eq!(cfg.kms_key_id(), Some(key.as_str()));
    let out = cfg
        .async_inference_config()
        .and_then(|a| a.output_config())
        .expect("async output");
    assert_eq!(out.kms_key_id(), Some(key.as_str()));
    let dc = cfg.data_capture_config().expect("data capture");
    assert_eq!(dc.enable_capture(), Some(true));
    assert_eq!(dc.initial_sampling_percentage(), Some(50));
    assert_eq!(dc.destination_s3_uri(), Some("s3://prod-io/capture/"));
    assert_eq!(dc.kms_key_id(), Some(key.as_str()));
    let modes: Vec<&str> = dc
        .capture_options()
        .iter()
        .filter_map(|o| o.capture_mode().map(|m| m.as_str()))
        .collect();
    assert_eq!(modes, ["Input"]);
    assert_eq!(
        dc.capture_content_type_header()
            .map(|h| h.json_content_types().to_vec()),
        Some(vec!["application/json".to_string()])
    );

    let policy = role_policy(&acc, st["execution_role_arn"].as_str().unwrap());
    let via = json!({ "StringEquals": { "kms:ViaService": "s3.us-east-1.amazonaws.com" } });
    let use_key = statement(&policy, "UseEndpointKey");
    assert_eq!(use_key["Resource"], json!(key));
    assert_eq!(use_key["Condition"], via);
    let decrypt = statement(&policy, "DecryptModelData");
    assert_eq!(decrypt["Resource"], json!(data_key));
    assert_eq!(decrypt["Action"], json!(["kms:Decrypt"]));
    assert_eq!(
        statement(&policy, "WriteCapturedData")["Resource"],
        json!("arn:aws:s3:::prod-io/capture/*")
    );
    assert_eq!(
        statement(&policy, "ReadAsyncRequests")["Resource"],
        json!("arn:aws:s3:::prod-io/requests/*")
    );
    let keys_granted: Vec<&Json> = policy["Statement"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|s| s["Action"].to_string().contains("kms:"))
        .map(|s| &s["Resource"])
        .collect();
    assert_eq!(
        keys_granted.len(),
        2,
        "KMS only on the two keys: {policy:#}"
    );
    // The log group exists before the endpoint, with the retention and
    // the endpoint's key.
    let group = log_group(&acc).expect("the log group exists");
    assert_eq!(group.retention_in_days(), Some(14));
    assert_eq!(group.kms_key_id(), Some(key.as_str()));
    assert_eq!(
        st["log_group_arn"]
            .as_str()
            .map(|a| a.trim_end_matches(":*")),
        group.arn().map(|a| a.trim_end_matches(":*"))
    );
    acc.assert_plan_empty();

    // A new sampling percentage: a new configuration, rolled out in place.
    config(&acc, &key, &data_key, 75);
    let plan = acc.plan_json();
    let change = &plan["resource_changes"][0]["change"]["actions"];
    assert_eq!(change, &json!(["update"]), "{plan:#}");
    acc.apply_ok();
    let after = acc.resource("prod");
    assert_eq!(after["endpoint_arn"], st["endpoint_arn"], "not replaced");
    assert_ne!(after["endpoint_config_name"], st["endpoint_config_name"]);
    let cfg = live_config(&acc, after["endpoint_config_name"].as_str().unwrap());
    assert_eq!(
        cfg.data_capture_config()
            .and_then(|d| d.initial_sampling_percentage()),
        Some(75)
    );
    acc.assert_plan_empty();

    // Import reads every setting back, the two SageMaker does not record
    // (the model bucket's key, the async input path) from the role policy.
    let imported = acc.reimport("prod", "prod-ep");
    for k in [
        "kms_key_arn",
        "model_data_kms_key_arn",
        "enable_network_isolation",
        "data_capture",
        "async_inference",
        "endpoint_config_name",
        "log_retention_in_days",
        "log_group_arn",
    ] {
        assert_eq!(imported[k], after[k], "{k}");
    }
    // Nothing in AWS records delete_logs_on_destroy: the import reads it
    // as false, and the plan sets it back, changing nothing else.
    let plan = acc.plan_json();
    let change = &plan["resource_changes"][0]["change"];
    assert_eq!(change["actions"], json!(["update"]), "{plan:#}");
    let (before, after_plan) = (&change["before"], &change["after"]);
    let changed: Vec<&String> = after_plan
        .as_object()
        .unwrap()
        .keys()
        .filter(|k| before[k.as_str()] != after_plan[k.as_str()])
        .collect();
    assert_eq!(changed, ["delete_logs_on_destroy"], "{plan:#}");
    acc.apply_ok();
    acc.assert_plan_empty();
    acc.terraform(&["destroy", "-auto-approve", "-input=false", "-no-color"])
        .assert_ok("destroy");
    assert!(log_group(&acc).is_none(), "delete_logs_on_destroy");
    acc.block_on(acc.s3().delete_bucket().bucket(BUCKET).send())
        .expect("DeleteBucket");
    acc.assert_no_orphans();
}

/// The endpoint's log group, as CloudWatch Logs describes it.
fn log_group(acc: &Acc) -> Option<aws_sdk_cloudwatchlogs::types::LogGroup> {
    const GROUP: &str = "/aws/sagemaker/Endpoints/prod-ep";
    let out = acc
        .block_on(
            acc.logs()
                .describe_log_groups()
                .log_group_name_prefix(GROUP)
                .send(),
        )
        .expect("DescribeLogGroups");
    out.log_groups()
        .iter()
        .find(|g| g.log_group_name() == Some(GROUP))
        .cloned()
}

fn key_for_data(acc: &Acc) -> String {
    key(acc, "model data bucket")
}

#[test]
fn a_volume_key_on_nvme_instance_storage_is_refused_at_plan_time() {
    let acc = Acc::new();
    let key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    acc.config(&format!(
        r#"
resource "sagemaker_custom_endpoint" "nvme" {{
  model_id       = "m"
  endpoint_name  = "nvme-ep"
  instance_type  = "ml.g5.2xlarge"
  model_data_url = "{MODEL_ARCHIVE}"
  container = {{
    image_uri = "123456789012.dkr.ecr.us-east-1.amazonaws.com/prod:1"
  }}
  kms_key_arn = "{key}"
}}
"#
    ));
    acc.assert_plan_refused(&[
        "KMS key not supported by the instance type",
        "kms_key_arn",
        "ml.g5.2xlarge has local NVMe instance storage",
    ]);
}
