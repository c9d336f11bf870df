//! Acceptance: `autoscaling` with the real CLI on the sandbox. The scaling
//! objects exist with the right settings, are removed and re-added with the
//! attribute, survive an instance type change, never fight the live count,
//! show drift, and leave nothing behind on destroy.

use crate::acc_support;
use acc_support::{Acc, endpoint_hcl};
use aws_sdk_applicationautoscaling::types::{ScalableDimension, ServiceNamespace};
use aws_sdk_sagemaker::types::DesiredWeightAndCapacity;
use std::time::{Duration, Instant};

const RID: &str = "endpoint/scaled/variant/AllTraffic";

fn realtime(extra: &str) -> String {
    endpoint_hcl(
        "s",
        "scaled",
        &format!(
            "  instance_count = 2\n  autoscaling = {{\n    min_capacity = 1\n    max_capacity = 4\n    \
             target_invocations_per_instance = 120\n  }}\n{extra}"
        ),
    )
}

/// (min, max) of the registered target, if any.
fn target(acc: &Acc) -> Option<(i32, i32)> {
    let out = acc
        .block_on(
            acc.autoscaling()
                .describe_scalable_targets()
                .service_namespace(ServiceNamespace::Sagemaker)
                .send(),
        )
        .unwrap();
    out.scalable_targets()
        .iter()
        .find(|t| t.resource_id() == RID)
        .map(|t| {
            assert_eq!(
                t.scalable_dimension(),
                &ScalableDimension::SageMakerVariantDesiredInstanceCount
            );
            (t.min_capacity(), t.max_capacity())
        })
}

fn policies(acc: &Acc) -> Vec<aws_sdk_applicationautoscaling::types::ScalingPolicy> {
    acc.block_on(
        acc.autoscaling()
            .describe_scaling_policies()
            .service_namespace(ServiceNamespace::Sagemaker)
            .send(),
    )
    .unwrap()
    .scaling_policies()
    .to_vec()
}

fn desired_count(acc: &Acc, name: &str) -> i32 {
    let ep = acc
        .block_on(
            acc.sagemaker()
                .describe_endpoint()
                .endpoint_name(name)
                .send(),
        )
        .unwrap();
    ep.production_variants()[0]
        .desired_instance_count()
        .unwrap()
}

fn wait_in_service(acc: &Acc, name: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let ep = acc
            .block_on(
                acc.sagemaker()
                    .describe_endpoint()
                    .endpoint_name(name)
                    .send(),
            )
            .unwrap();
        if ep.endpoint_status().map(|s| s.as_str()) == Some("InService") {
            return;
        }
        assert!(Instant::now() < deadline, "endpoint never InService");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Changes the live desired count as autoscaling would, and waits for it.
fn set_live_count(acc: &Acc, count: i32) {
    acc.block_on(
        acc.sagemaker()
            .update_endpoint_weights_and_capacities()
            .endpoint_name("scaled")
            .desired_weights_and_capacities(
                DesiredWeightAndCapacity::builder()
                    .variant_name("AllTraffic")
                    .desired_instance_count(count)
                    .build(),
            )
            .send(),
    )
    .unwrap();
    wait_in_service(acc, "scaled");
}

#[test]
fn real_time_autoscaling_keeps_the_live_count_and_cleans_up() {
    let acc = Acc::new();
    acc.config(&realtime(""));
    acc.apply_ok();
    assert_eq!(target(&acc), Some((1, 4)));
    let ps = policies(&acc);
    assert_eq!(ps.len(), 1, "{ps:#?}");
    let p = &ps[0];
    assert_eq!(p.policy_name(), "sm-scaled-target-tracking");
    assert_eq!(p.resource_id(), RID);
    assert_eq!(
        p.scalable_dimension(),
        &ScalableDimension::SageMakerVariantDesiredInstanceCount
    );
    let tt = p.target_tracking_scaling_policy_configuration().unwrap();
    assert_eq!(tt.target_value(), 120.0);
    assert_eq!(tt.scale_in_cooldown(), Some(300));
    assert_eq!(tt.scale_out_cooldown(), Some(60));
    assert_eq!(
        tt.predefined_metric_specification()
            .unwrap()
            .predefined_metric_type()
            .as_str(),
        "SageMakerVariantInvocationsPerInstance"
    );
    let st = acc.resource("s");
    assert_eq!(st["scalable_target_resource_id"], RID);
    assert_eq!(
        st["scaling_policy_names"],
        serde_json::json!(["sm-scaled-target-tracking"])
    );
    assert_eq!(st["scaling_alarm_names"], serde_json::json!([]));
    acc.assert_plan_empty();

    // Autoscaling moves the live count (simulated out of band): refresh
    // reports no drift.
    set_live_count(&acc, 3);
    acc.assert_plan_empty();

    // Another setting changes: the update keeps the live count.
    acc.config(&realtime("  environment = { MODE = \"fast\" }\n"));
    acc.apply_ok();
    assert_eq!(desired_count(&acc, "scaled"), 3, "the live count was reset");
    acc.assert_plan_empty();

    // A policy changed out of band is drift, and apply restores it.
    acc.block_on(
        acc.autoscaling()
            .register_scalable_target()
            .service_namespace(ServiceNamespace::Sagemaker)
            .resource_id(RID)
            .scalable_dimension(ScalableDimension::SageMakerVariantDesiredInstanceCount)
            .min_capacity(2)
            .max_capacity(9)
            .send(),
    )
    .unwrap();
    let plan = acc.terraform(&["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(plan.code, 2, "{}", plan.combined());
    assert!(plan.stdout.contains("max_capacity"), "{}", plan.stdout);
    acc.apply_ok();
    assert_eq!(target(&acc), Some((1, 4)));

    acc.destroy_and_assert_no_orphans();
    let log = acc.block_on(acc.control().log()).unwrap();
    let pos = |op: &str| log.iter().rposition(|e| e.operation == op).unwrap();
    assert!(
        pos("DeregisterScalableTarget") < pos("DeleteEndpoint"),
        "scaling must be removed before the endpoint"
    );
}

#[test]
fn async_scale_to_zero_has_backlog_tracking_alarm_and_step_policy() {
    let acc = Acc::new();
    let hcl = endpoint_hcl(
        "s",
        "scaled",
        "  async_inference = {\n    output_path = \"s3://acc-models/async/out/\"\n  }\n  \
         autoscaling = {\n    min_capacity = 0\n    max_capacity = 2\n  }",
    );
    acc.config(&hcl);
    acc.apply_ok();
    assert_eq!(target(&acc), Some((0, 2)));
    let ps = policies(&acc);
    let find = |n: &str| ps.iter().find(|p| p.policy_name() == n).cloned().unwrap();
    let tt = find("sm-scaled-target-tracking");
    let cfg = tt.target_tracking_scaling_policy_configuration().unwrap();
    assert_eq!(cfg.target_value(), 5.0);
    let m = cfg.customized_metric_specification().unwrap();
    assert_eq!(m.metric_name(), Some("ApproximateBacklogSizePerInstance"));
    assert_eq!(m.namespace(), Some("AWS/SageMaker"));
    assert_eq!(m.dimensions()[0].value(), "scaled");
    let step = find("sm-scaled-scale-from-zero");
    let sc = step.step_scaling_policy_configuration().unwrap();
    assert_eq!(sc.step_adjustments()[0].scaling_adjustment(), 1);

    let alarms = acc
        .block_on(
            acc.cloudwatch()
                .describe_alarms()
                .alarm_names("sm-scaled-backlog-without-capacity")
                .send(),
        )
        .unwrap();
    let alarm = &alarms.metric_alarms()[0];
    assert_eq!(alarm.metric_name(), Some("HasBacklogWithoutCapacity"));
    assert_eq!(alarm.alarm_actions(), [step.policy_arn().to_string()]);
    let st = acc.resource("s");
    assert_eq!(
        st["scaling_alarm_names"],
        serde_json::json!(["sm-scaled-backlog-without-capacity"])
    );
    assert_eq!(st["scaling_policy_names"].as_array().unwrap().len(), 2);
    acc.assert_plan_empty();

    // Import records the target, both policies and the alarm, and the
    // settings: the plan afterwards is empty.
    let imported = acc.reimport("s", "scaled");
    for k in [
        "autoscaling",
        "scalable_target_resource_id",
        "scaling_policy_names",
        "scaling_alarm_names",
    ] {
        assert_eq!(imported[k], st[k], "{k}");
    }
    acc.assert_plan_empty();

    // min_capacity 1: the scale-from-zero path goes, the rest stays.
    acc.config(&hcl.replace("min_capacity = 0", "min_capacity = 1"));
    acc.apply_ok();
    assert_eq!(target(&acc), Some((1, 2)));
    let names: Vec<String> = policies(&acc)
        .iter()
        .map(|p| p.policy_name().to_string())
        .collect();
    assert_eq!(names, ["sm-scaled-target-tracking"]);
    let inv = acc.block_on(acc.control().inventory()).unwrap();
    assert!(inv.cloudwatch.alarms.is_empty(), "{inv:#?}");
    acc.assert_plan_empty();
    acc.destroy_and_assert_no_orphans();
}

#[test]
fn removing_and_adding_autoscaling_and_changing_the_instance_type() {
    let acc = Acc::new();
    acc.config(&realtime(""));
    acc.apply_ok();
    assert!(target(&acc).is_some());

    // Removing the attribute deregisters everything, and the count
    // autoscaling left behind goes back to instance_count.
    set_live_count(&acc, 3);
    acc.config(&endpoint_hcl("s", "scaled", "  instance_count = 2"));
    acc.apply_ok();
    assert_eq!(desired_count(&acc, "scaled"), 2);
    let inv = acc.block_on(acc.control().inventory()).unwrap();
    assert!(
        inv.application_autoscaling.scalable_targets.is_empty()
            && inv.application_autoscaling.scaling_policies.is_empty(),
        "{inv:#?}"
    );
    let st = acc.resource("s");
    assert!(st["scalable_target_resource_id"].is_null(), "{st:#}");
    assert!(st["scaling_policy_names"].is_null(), "{st:#}");
    acc.assert_plan_empty();

    // Adding it back registers again.
    acc.config(&realtime(""));
    acc.apply_ok();
    assert_eq!(target(&acc), Some((1, 4)));
    assert_eq!(policies(&acc).len(), 1);
    acc.assert_plan_empty();

    // An instance type change: deregister, update, register again.
    acc.block_on(acc.control().clear_log()).unwrap();
    acc.config(&realtime("").replace("ml.inf2.xlarge", "ml.g5.2xlarge"));
    acc.apply_ok();
    assert_eq!(target(&acc), Some((1, 4)));
    let ep = acc
        .block_on(
            acc.sagemaker()
                .describe_endpoint()
                .endpoint_name("scaled")
                .send(),
        )
        .unwrap();
    let cfg = acc
        .block_on(
            acc.sagemaker()
                .describe_endpoint_config()
                .endpoint_config_name(ep.endpoint_config_name().unwrap())
                .send(),
        )
        .unwrap();
    assert_eq!(
        cfg.production_variants()[0]
            .instance_type()
            .map(|t| t.as_str()),
        Some("ml.g5.2xlarge")
    );
    let log = acc.block_on(acc.control().log()).unwrap();
    let ops: Vec<&str> = log
        .iter()
        .map(|e| e.operation.as_str())
        .filter(|o| {
            matches!(
                *o,
                "DeregisterScalableTarget" | "UpdateEndpoint" | "RegisterScalableTarget"
            )
        })
        .collect();
    assert_eq!(
        ops,
        [
            "DeregisterScalableTarget",
            "UpdateEndpoint",
            "RegisterScalableTarget"
        ]
    );
    acc.assert_plan_empty();
    acc.destroy_and_assert_no_orphans();
}

/// The target's (min, max) and its policies' (name, type), sorted.
type ScalingSnapshot = (Option<(i32, i32)>, Vec<(String, String)>);

/// The other tool's scaling objects as Application Auto Scaling describes them.
fn scaling_snapshot(acc: &Acc) -> ScalingSnapshot {
    let mut p: Vec<(String, String)> = policies(acc)
        .iter()
        .map(|p| {
            (
                p.policy_name().to_string(),
                p.policy_type().as_str().to_string(),
            )
        })
        .collect();
    p.sort();
    (target(acc), p)
}

/// A scalable target another tool registered on the variant is not this
/// resource's: import leaves it out (and the plan after it is empty),
/// turning `autoscaling` on is refused before any change, naming the
/// target, and destroy deletes the endpoint but leaves that target and its
/// policy exactly as they were.
#[test]
fn a_scalable_target_of_another_tool_is_never_adopted_or_changed() {
    let acc = Acc::new();
    let plain = endpoint_hcl("s", "scaled", "  instance_count = 2");
    acc.config(&plain);
    acc.apply_ok();
    acc.scale_like_another_tool(RID, 3, "StackScalingPolicy9F8E7D");
    let theirs = scaling_snapshot(&acc);
    assert_eq!(theirs.0, Some((1, 3)));

    let st = acc.reimport("s", "scaled");
    for attr in [
        "autoscaling",
        "scalable_target_resource_id",
        "scaling_policy_names",
        "scaling_alarm_names",
    ] {
        assert!(st[attr].is_null(), "import adopted {attr}: {st:#}");
    }
    acc.assert_plan_empty();

    acc.config(&realtime(""));
    acc.block_on(acc.control().clear_log()).unwrap();
    let out = acc.apply();
    assert_ne!(out.code, 0, "{}", out.combined());
    let flat = out.flat();
    for needle in [
        "Endpoint scaled is already scaled by something else",
        "endpoint/scaled/variant/AllTraffic",
        "Deregister that target",
    ] {
        assert!(flat.contains(needle), "{needle:?} not in {flat}");
    }
    let log = acc.block_on(acc.control().log()).unwrap();
    let writes: Vec<&str> = log
        .iter()
        .map(|e| e.operation.as_str())
        .filter(|o| !o.starts_with("Describe") && !o.starts_with("List") && !o.starts_with("Get"))
        .collect();
    assert!(writes.is_empty(), "the refused apply changed {writes:?}");
    assert_eq!(scaling_snapshot(&acc), theirs);
    let st = acc.resource("s");
    assert!(st["autoscaling"].is_null(), "{st:#}");

    acc.config(&plain);
    acc.assert_plan_empty();
    acc.terraform(&["destroy", "-auto-approve", "-input=false", "-no-color"])
        .assert_ok("destroy");
    assert_eq!(scaling_snapshot(&acc), theirs, "destroy touched them");
    acc.block_on(
        acc.autoscaling()
            .deregister_scalable_target()
            .service_namespace(ServiceNamespace::Sagemaker)
            .resource_id(RID)
            .scalable_dimension(ScalableDimension::SageMakerVariantDesiredInstanceCount)
            .send(),
    )
    .expect("DeregisterScalableTarget");
    acc.assert_no_orphans();
}
