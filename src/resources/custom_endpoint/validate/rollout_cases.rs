//! The invalid `autoscaling` and `deployment_config` configurations of the
//! validation table (see `validate_cases`).

use super::super::testutil::*;
use super::cases::Case;
use crate::tfplugin::Value;

/// Every rollout case.
pub fn cases() -> Vec<Case> {
    let mut all = scaling_cases();
    all.extend(deployment_cases());
    all
}

/// `autoscaling` with the given fields set (the rest null).
pub fn scaling(fields: &[(&str, Value)]) -> Value {
    let mut m: std::collections::BTreeMap<String, Value> = [
        "min_capacity",
        "max_capacity",
        "target_invocations_per_instance",
        "target_backlog_per_instance",
        "target_provisioned_concurrency_utilization",
        "scale_in_cooldown",
        "scale_out_cooldown",
    ]
    .iter()
    .map(|f| (f.to_string(), Value::Null))
    .collect();
    for (k, v) in fields {
        m.insert(k.to_string(), v.clone());
    }
    Value::Object(m)
}

/// The `autoscaling` cases.
fn scaling_cases() -> Vec<Case> {
    let rt = |f: &[(&str, Value)]| with(valid_config(), &["autoscaling"], scaling(f));
    let asy = |f: &[(&str, Value)]| {
        with(
            rt(f),
            &["async_inference"],
            async_block("s3://out-bucket/r/"),
        )
    };
    let sls = |f: &[(&str, Value)], provisioned: Option<i64>| {
        let c = with(rt(f), &["instance_type"], Value::Null);
        with(c, &["serverless"], serverless_block(2048, 10, provisioned))
    };
    let bounds = |min: i64, max: i64| vec![("min_capacity", n(min)), ("max_capacity", n(max))];
    let plus = |mut b: Vec<(&'static str, Value)>, k: &'static str, v: Value| {
        b.push((k, v));
        b
    };
    vec![
        (
            "scale to zero on a real-time endpoint",
            rt(&bounds(0, 2)),
            "Scale to zero needs an asynchronous endpoint",
            "autoscaling.min_capacity",
            Some("0".into()),
        ),
        (
            "negative min capacity",
            asy(&bounds(-1, 2)),
            "Value out of range",
            "autoscaling.min_capacity",
            Some("-1".into()),
        ),
        (
            "max below min",
            rt(&bounds(3, 2)),
            "Invalid capacity range",
            "autoscaling.max_capacity",
            Some("2".into()),
        ),
        (
            "instance count above max",
            with(rt(&bounds(1, 2)), &["instance_count"], n(3)),
            "Instance count outside the autoscaling range",
            "instance_count",
            Some("3".into()),
        ),
        (
            "default instance count below min",
            rt(&bounds(2, 4)),
            "Instance count outside the autoscaling range",
            "instance_count",
            Some("1".into()),
        ),
        (
            "backlog target on a real-time endpoint",
            rt(&plus(bounds(1, 2), "target_backlog_per_instance", n(5))),
            "Scaling target does not match the endpoint kind",
            "autoscaling.target_backlog_per_instance",
            Some("5".into()),
        ),
        (
            "invocations target on an async endpoint",
            asy(&plus(
                bounds(0, 2),
                "target_invocations_per_instance",
                n(70),
            )),
            "Scaling target does not match the endpoint kind",
            "autoscaling.target_invocations_per_instance",
            Some("70".into()),
        ),
        (
            "zero target",
            rt(&plus(bounds(1, 2), "target_invocations_per_instance", n(0))),
            "Value out of range",
            "autoscaling.target_invocations_per_instance",
            Some("0".into()),
        ),
        (
            "utilization target on a real-time endpoint",
            rt(&plus(
                bounds(1, 2),
                "target_provisioned_concurrency_utilization",
                Value::Number(crate::tfplugin::Number::Float(0.5)),
            )),
            "Scaling target does not match the endpoint kind",
            "autoscaling.target_provisioned_concurrency_utilization",
            Some("0.5".into()),
        ),
        (
            "invocations target on a serverless endpoint",
            sls(
                &plus(bounds(1, 2), "target_invocations_per_instance", n(70)),
                Some(1),
            ),
            "Scaling target does not match the endpoint kind",
            "autoscaling.target_invocations_per_instance",
            Some("70".into()),
        ),
        (
            "utilization above 1",
            sls(
                &plus(
                    bounds(1, 2),
                    "target_provisioned_concurrency_utilization",
                    n(2),
                ),
                Some(1),
            ),
            "Value out of range",
            "autoscaling.target_provisioned_concurrency_utilization",
            Some("2".into()),
        ),
        (
            "scale to zero on a serverless endpoint",
            sls(&bounds(0, 2), Some(1)),
            "Scale to zero needs an asynchronous endpoint",
            "autoscaling.min_capacity",
            Some("0".into()),
        ),
        (
            "serverless autoscaling without provisioned concurrency",
            sls(&bounds(1, 2), None),
            "Provisioned concurrency required",
            "serverless.provisioned_concurrency",
            None,
        ),
        (
            "provisioned concurrency outside the range",
            sls(&bounds(2, 4), Some(1)),
            "Provisioned concurrency outside the autoscaling range",
            "serverless.provisioned_concurrency",
            Some("1".into()),
        ),
        (
            "autoscaling above the maximum concurrency",
            sls(&bounds(1, 20), Some(1)),
            "Autoscaling range above the maximum concurrency",
            "autoscaling.max_capacity",
            Some("20".into()),
        ),
        (
            "negative cooldown",
            rt(&plus(bounds(1, 2), "scale_in_cooldown", n(-5))),
            "Value out of range",
            "autoscaling.scale_in_cooldown",
            Some("-5".into()),
        ),
    ]
}

/// `deployment_config` with a blue/green policy of the given fields.
fn blue_green(fields: &[(&str, Value)]) -> Value {
    let mut bg: std::collections::BTreeMap<String, Value> = [
        "traffic_routing_type",
        "canary_size",
        "linear_step_size",
        "wait_interval_in_seconds",
        "termination_wait_in_seconds",
        "maximum_execution_timeout_in_seconds",
    ]
    .iter()
    .map(|f| (f.to_string(), Value::Null))
    .collect();
    for (k, v) in fields {
        bg.insert(k.to_string(), v.clone());
    }
    obj(&[
        ("blue_green", Value::Object(bg)),
        ("rolling_update", Value::Null),
        ("auto_rollback_alarms", Value::Null),
    ])
}

fn size(kind: &str, value: i64) -> Value {
    obj(&[("type", s(kind)), ("value", n(value))])
}

/// The `deployment_config` cases.
fn deployment_cases() -> Vec<Case> {
    let dc = |v: Value| with(valid_config(), &["deployment_config"], v);
    let all_at_once = ("traffic_routing_type", s("ALL_AT_ONCE"));
    let with_update = |v: Value, t: &str| {
        with(
            with(
                dc(v),
                &["timeouts"],
                timeouts(Value::Null, Value::Null, Value::Null),
            ),
            &["timeouts", "update"],
            s(t),
        )
    };
    let rolling = obj(&[
        ("maximum_batch_size", size("INSTANCE_COUNT", 1)),
        ("wait_interval_in_seconds", Value::Null),
        ("maximum_execution_timeout_in_seconds", Value::Null),
        ("rollback_maximum_batch_size", Value::Null),
    ]);
    vec![
        (
            "no deployment policy",
            dc(obj(&[
                ("blue_green", Value::Null),
                ("rolling_update", Value::Null),
                ("auto_rollback_alarms", Value::Null),
            ])),
            "Missing deployment policy",
            "deployment_config",
            None,
        ),
        (
            "both deployment policies",
            dc(with(
                blue_green(std::slice::from_ref(&all_at_once)),
                &["rolling_update"],
                rolling,
            )),
            "Conflicting deployment policies",
            "deployment_config",
            None,
        ),
        (
            "unknown traffic routing",
            dc(blue_green(&[("traffic_routing_type", s("GRADUAL"))])),
            "Invalid traffic routing type",
            "deployment_config.blue_green.traffic_routing_type",
            Some("GRADUAL".into()),
        ),
        (
            "canary without a size",
            dc(blue_green(&[("traffic_routing_type", s("CANARY"))])),
            "Missing deployment step size",
            "deployment_config.blue_green.canary_size",
            None,
        ),
        (
            "linear step with canary routing",
            dc(blue_green(&[
                ("traffic_routing_type", s("CANARY")),
                ("canary_size", size("INSTANCE_COUNT", 1)),
                ("linear_step_size", size("INSTANCE_COUNT", 1)),
            ])),
            "Step size does not match the routing type",
            "deployment_config.blue_green.linear_step_size",
            Some("CANARY".into()),
        ),
        (
            "unknown capacity type",
            dc(blue_green(&[
                ("traffic_routing_type", s("LINEAR")),
                ("linear_step_size", size("HALF", 1)),
            ])),
            "Invalid capacity type",
            "deployment_config.blue_green.linear_step_size.type",
            Some("HALF".into()),
        ),
        (
            "percent above 100",
            dc(blue_green(&[
                ("traffic_routing_type", s("CANARY")),
                ("canary_size", size("CAPACITY_PERCENT", 150)),
            ])),
            "Value out of range",
            "deployment_config.blue_green.canary_size.value",
            Some("150".into()),
        ),
        (
            "execution timeout below 600",
            dc(blue_green(&[
                all_at_once.clone(),
                ("maximum_execution_timeout_in_seconds", n(60)),
            ])),
            "Value out of range",
            "deployment_config.blue_green.maximum_execution_timeout_in_seconds",
            Some("60".into()),
        ),
        (
            "update timeout shorter than the deployment",
            with_update(
                blue_green(&[
                    all_at_once.clone(),
                    ("maximum_execution_timeout_in_seconds", n(3600)),
                    ("termination_wait_in_seconds", n(600)),
                ]),
                "70m",
            ),
            "Update timeout shorter than the deployment",
            "timeouts.update",
            Some("70m".into()),
        ),
        (
            "default update timeout shorter than the deployment",
            dc(blue_green(&[
                all_at_once.clone(),
                ("maximum_execution_timeout_in_seconds", n(7200)),
            ])),
            "Update timeout shorter than the deployment",
            "deployment_config.blue_green.maximum_execution_timeout_in_seconds",
            Some("7200".into()),
        ),
        (
            "empty rollback alarm name",
            dc(with(
                blue_green(&[all_at_once]),
                &["auto_rollback_alarms"],
                Value::List(vec![s("")]),
            )),
            "Invalid alarm name",
            "deployment_config.auto_rollback_alarms",
            Some(String::new()),
        ),
    ]
}
