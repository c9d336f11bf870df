//! Acceptance: serverless endpoints with the real CLI on the sandbox. A
//! serverless variant reaches SageMaker without instance settings (checked
//! with the SDK), autoscaling registers its provisioned concurrency (not an
//! instance count) with a utilization policy, a new memory size is an
//! in-place update, an import reads it all back with an empty plan
//! afterwards, the plan after each apply is empty and destroy leaves
//! nothing. Without autoscaling, provisioned concurrency changed behind
//! Terraform's back is seen by `plan -refresh-only` and put back by apply.
//! Instance-only settings next to `serverless` are refused at plan time,
//! before any AWS call.

use crate::acc_support::{Acc, MODEL_ARCHIVE};
use aws_sdk_applicationautoscaling::types::{ScalableDimension, ServiceNamespace};
use aws_sdk_sagemaker::types::{DesiredWeightAndCapacity, ProductionVariantServerlessUpdateConfig};
use serde_json::json;

const IMAGE: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com/sls:1";

fn config(acc: &Acc, memory: u32, provisioned: u32, extra: &str) {
    acc.config(&format!(
        r#"
resource "sagemaker_custom_endpoint" "sls" {{
  model_id       = "sls-model"
  endpoint_name  = "sls-ep"
  model_data_url = "{MODEL_ARCHIVE}"
  container = {{
    image_uri = "{IMAGE}"
  }}
  serverless = {{
    memory_size_in_mb       = {memory}
    max_concurrency         = 10
    provisioned_concurrency = {provisioned}
  }}
{extra}
}}
"#
    ));
}

const AUTOSCALING: &str = r#"  autoscaling = {
    min_capacity                               = 1
    max_capacity                               = 5
    target_provisioned_concurrency_utilization = 0.6
  }"#;

/// The serverless settings of the config the endpoint serves.
fn live_variant(acc: &Acc, config_name: &str) -> aws_sdk_sagemaker::types::ProductionVariant {
    let cfg = acc
        .block_on(
            acc.sagemaker()
                .describe_endpoint_config()
                .endpoint_config_name(config_name)
                .send(),
        )
        .expect("DescribeEndpointConfig");
    cfg.production_variants()[0].clone()
}

#[test]
fn a_serverless_endpoint_autoscales_its_provisioned_concurrency() {
    let acc = Acc::new();
    config(&acc, 2048, 2, AUTOSCALING);
    acc.apply_ok();
    let st = acc.resource("sls");
    for attr in [
        "instance_type",
        "instance_count",
        "volume_size_in_gb",
        "startup_health_check_timeout_in_seconds",
        "model_data_download_timeout_in_seconds",
    ] {
        assert!(st[attr].is_null(), "{attr} = {}", st[attr]);
    }
    let v = live_variant(&acc, st["endpoint_config_name"].as_str().unwrap());
    assert_eq!(v.instance_type(), None);
    assert_eq!(v.initial_instance_count(), None);
    assert_eq!(v.container_startup_health_check_timeout_in_seconds(), None);
    let sc = v.serverless_config().expect("ServerlessConfig");
    assert_eq!(sc.memory_size_in_mb(), Some(2048));
    assert_eq!(sc.max_concurrency(), Some(10));
    assert_eq!(sc.provisioned_concurrency(), Some(2));

    // Autoscaling works on provisioned concurrency.
    let rid = "endpoint/sls-ep/variant/AllTraffic";
    assert_eq!(st["scalable_target_resource_id"], json!(rid));
    let aas = acc.autoscaling();
    let targets = acc
        .block_on(
            aas.describe_scalable_targets()
                .service_namespace(ServiceNamespace::Sagemaker)
                .resource_ids(rid)
                .send(),
        )
        .expect("DescribeScalableTargets");
    let dims: Vec<_> = targets
        .scalable_targets()
        .iter()
        .map(|t| {
            (
                t.scalable_dimension().clone(),
                t.min_capacity(),
                t.max_capacity(),
            )
        })
        .collect();
    assert_eq!(
        dims,
        [(
            ScalableDimension::SageMakerVariantDesiredProvisionedConcurrency,
            1,
            5
        )]
    );
    let policies = acc
        .block_on(
            aas.describe_scaling_policies()
                .service_namespace(ServiceNamespace::Sagemaker)
                .resource_id(rid)
                .send(),
        )
        .expect("DescribeScalingPolicies");
    let p = &policies.scaling_policies()[0];
    assert_eq!(
        p.scalable_dimension(),
        &ScalableDimension::SageMakerVariantDesiredProvisionedConcurrency
    );
    let tt = p
        .target_tracking_scaling_policy_configuration()
        .expect("target tracking");
    assert_eq!(tt.target_value(), 0.6);
    assert_eq!(
        tt.predefined_metric_specification()
            .map(|m| m.predefined_metric_type().as_str()),
        Some("SageMakerVariantProvisionedConcurrencyUtilization")
    );
    acc.assert_plan_empty();

    // More memory: a new configuration, rolled out in place.
    config(&acc, 4096, 2, AUTOSCALING);
    let plan = acc.plan_json();
    let change = &plan["resource_changes"][0]["change"]["actions"];
    assert_eq!(change, &json!(["update"]), "{plan:#}");
    acc.apply_ok();
    let after = acc.resource("sls");
    assert_eq!(after["endpoint_arn"], st["endpoint_arn"], "not replaced");
    assert_ne!(after["endpoint_config_name"], st["endpoint_config_name"]);
    let v = live_variant(&acc, after["endpoint_config_name"].as_str().unwrap());
    assert_eq!(
        v.serverless_config().and_then(|s| s.memory_size_in_mb()),
        Some(4096)
    );
    acc.assert_plan_empty();

    // Import reads the serverless variant and its autoscaling back.
    reimport(&acc, &after);
    acc.destroy_and_assert_no_orphans();
}

/// Imports the endpoint again and checks that the import recorded what
/// the apply did and that the plan afterwards is empty.
fn reimport(acc: &Acc, applied: &serde_json::Value) {
    let imported = acc.reimport("sls", "sls-ep");
    for k in [
        "serverless",
        "instance_type",
        "instance_count",
        "endpoint_config_name",
        "execution_role_arn",
        "scalable_target_resource_id",
    ] {
        assert_eq!(imported[k], applied[k], "{k}");
    }
    acc.assert_plan_empty();
}

#[test]
fn provisioned_concurrency_changed_out_of_band_is_put_back() {
    let acc = Acc::new();
    config(&acc, 1024, 1, "");
    acc.apply_ok();
    acc.assert_plan_empty();
    let sm = acc.sagemaker();
    acc.block_on(
        sm.update_endpoint_weights_and_capacities()
            .endpoint_name("sls-ep")
            .desired_weights_and_capacities(
                DesiredWeightAndCapacity::builder()
                    .variant_name("AllTraffic")
                    .serverless_update_config(
                        ProductionVariantServerlessUpdateConfig::builder()
                            .provisioned_concurrency(3)
                            .build(),
                    )
                    .build(),
            )
            .send(),
    )
    .expect("UpdateEndpointWeightsAndCapacities");
    acc.wait_in_service("sls-ep");

    acc.refresh_only_shows(&["provisioned_concurrency", "1 -> 3"]);
    acc.apply_ok();
    let ep = acc
        .block_on(sm.describe_endpoint().endpoint_name("sls-ep").send())
        .expect("DescribeEndpoint");
    let v = &ep.production_variants()[0];
    let live = v
        .desired_serverless_config()
        .or(v.current_serverless_config())
        .and_then(|s| s.provisioned_concurrency());
    assert_eq!(
        live,
        Some(1),
        "the provisioned concurrency must be put back"
    );
    acc.assert_plan_empty();
    acc.destroy_and_assert_no_orphans();
}

#[test]
fn instance_settings_next_to_serverless_are_refused_at_plan_time() {
    let acc = Acc::new();
    config(
        &acc,
        2048,
        1,
        "  instance_type = \"ml.m5.large\"\n  data_capture = {\n    destination_s3_uri = \"s3://b/capture/\"\n  }",
    );
    acc.assert_plan_refused(&[
        "Not available on a serverless endpoint",
        "instance_type: SageMaker does not offer this on a serverless variant",
        "data_capture: SageMaker does not offer this on a serverless variant",
    ]);
}
