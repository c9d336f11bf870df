//! Static checks of `autoscaling` and `deployment_config`, run by
//! `validate`. Like the rest of validation
//! they skip unknown values and point every error at its attribute.

use super::duration::parse_go_duration;
use super::scaling_model::target_attr;
use super::schema::{DEFAULT_INSTANCE_COUNT, DEFAULT_UPDATE_TIMEOUT};
use super::validate::{Validator, root};
use crate::tfplugin::{AttrPath, Value};

/// Longest cooldown Application Auto Scaling accepts, in seconds.
const MAX_COOLDOWN: i64 = 86_400;

/// Checks `autoscaling` against itself, the endpoint kind and
/// `instance_count`.
pub(super) fn autoscaling(v: &mut Validator, c: &Value) {
    let a = c.get("autoscaling");
    if a.as_object().is_none() {
        return;
    }
    let path = root("autoscaling");
    v.int_range(path.attr("min_capacity"), a.get("min_capacity"), 0, None);
    v.int_range(path.attr("max_capacity"), a.get("max_capacity"), 1, None);
    for cd in ["scale_in_cooldown", "scale_out_cooldown"] {
        v.int_range(path.attr(cd), a.get(cd), 0, Some(MAX_COOLDOWN));
    }
    for t in [
        "target_invocations_per_instance",
        "target_backlog_per_instance",
    ] {
        if let Value::Number(n) = a.get(t)
            && !n.as_f64().is_some_and(|f| f > 0.0)
        {
            v.error(
                path.attr(t),
                "Value out of range",
                "expected a number greater than 0",
                &n.to_string(),
            );
        }
    }
    let asyn = c.get("async_inference");
    let min = a.get("min_capacity").as_i64();
    let max = a.get("max_capacity").as_i64();
    if !asyn.is_unknown() {
        let is_async = !asyn.is_null();
        let wrong = target_attr(!is_async);
        if let Value::Number(n) = a.get(wrong) {
            let (kind, right) = if is_async {
                ("asynchronous", target_attr(true))
            } else {
                ("real-time", target_attr(false))
            };
            v.error(
                path.attr(wrong),
                "Scaling target does not match the endpoint kind",
                format!(
                    "{wrong} only applies to {} endpoints, and this endpoint is {kind}; use \
                     {right} instead",
                    if is_async {
                        "real-time"
                    } else {
                        "asynchronous"
                    }
                ),
                &n.to_string(),
            );
        }
        if !is_async && min == Some(0) {
            v.error(
                path.attr("min_capacity"),
                "Scale to zero needs an asynchronous endpoint",
                "a real-time endpoint must keep at least 1 instance to answer requests; \
                 min_capacity = 0 is only allowed together with async_inference",
                "0",
            );
        }
    }
    let (Some(min), Some(max)) = (min, max) else {
        return;
    };
    if min > max {
        v.error(
            path.attr("max_capacity"),
            "Invalid capacity range",
            format!("max_capacity must be at least min_capacity ({min})"),
            &max.to_string(),
        );
        return;
    }
    let count = match c.get("instance_count") {
        Value::Null => Some(DEFAULT_INSTANCE_COUNT),
        other => other.as_i64(),
    };
    if let Some(count) = count
        && (count < min || count > max)
        && count >= 1
    {
        v.error(
            root("instance_count"),
            "Instance count outside the autoscaling range",
            format!(
                "with autoscaling, instance_count (default {DEFAULT_INSTANCE_COUNT}) is the \
                 initial count and must lie between autoscaling.min_capacity ({min}) and \
                 autoscaling.max_capacity ({max})"
            ),
            &count.to_string(),
        );
    }
}

/// Traffic routing types of a blue/green deployment.
const ROUTING: [&str; 3] = ["ALL_AT_ONCE", "CANARY", "LINEAR"];
/// Kinds of deployment step size.
const CAPACITY_TYPES: [&str; 2] = ["INSTANCE_COUNT", "CAPACITY_PERCENT"];
/// Most alarms an automatic rollback may watch.
const MAX_ROLLBACK_ALARMS: usize = 10;
/// Longest CloudWatch alarm name.
const MAX_ALARM_NAME: usize = 255;

/// Checks a `{ type, value }` step size.
fn capacity(v: &mut Validator, path: AttrPath, c: &Value) {
    if c.as_object().is_none() {
        return;
    }
    let kind = c.get("type").as_str();
    if let Some(t) = kind
        && !CAPACITY_TYPES.contains(&t)
    {
        v.error(
            path.attr("type"),
            "Invalid capacity type",
            "expected INSTANCE_COUNT or CAPACITY_PERCENT",
            t,
        );
    }
    let max = (kind == Some("CAPACITY_PERCENT")).then_some(100);
    v.int_range(path.attr("value"), c.get("value"), 1, max);
}

/// The update timeout in seconds (configured or default), with its path
/// when configured; `None` while unknown or invalid (reported elsewhere).
fn update_timeout(c: &Value) -> Option<(u64, Option<(AttrPath, String)>)> {
    match c.get("timeouts").get("update") {
        Value::String(s) => parse_go_duration(s).ok().map(|d| {
            (
                d.as_secs(),
                Some((root("timeouts").attr("update"), s.clone())),
            )
        }),
        Value::Null => parse_go_duration(DEFAULT_UPDATE_TIMEOUT)
            .ok()
            .map(|d| (d.as_secs(), None)),
        _ => None,
    }
}

/// Checks `deployment_config`: one policy, valid routing and sizes, ranges,
/// rollback alarm names, and an update timeout longer than the deployment
/// may last.
pub(super) fn deployment_config(v: &mut Validator, c: &Value) {
    let d = c.get("deployment_config");
    if d.as_object().is_none() {
        return;
    }
    let path = root("deployment_config");
    let (bg, ru) = (d.get("blue_green"), d.get("rolling_update"));
    if !bg.is_unknown() && !ru.is_unknown() && bg.is_null() == ru.is_null() {
        let (summary, what) = if bg.is_null() {
            ("Missing deployment policy", "neither is set")
        } else {
            ("Conflicting deployment policies", "both are set")
        };
        v.diags.attr_error(
            path.clone(),
            summary,
            format!("deployment_config: set exactly one of blue_green or rolling_update; {what}."),
        );
    }
    let mut longest: Option<(i64, AttrPath, i64)> = None;
    if bg.as_object().is_some() {
        let p = path.attr("blue_green");
        if let Some(t) = bg.get("traffic_routing_type").as_str() {
            if !ROUTING.contains(&t) {
                v.error(
                    p.attr("traffic_routing_type"),
                    "Invalid traffic routing type",
                    "expected ALL_AT_ONCE, CANARY or LINEAR",
                    t,
                );
            }
            for (attr, wants) in [("canary_size", "CANARY"), ("linear_step_size", "LINEAR")] {
                let size = bg.get(attr);
                if t == wants && size.is_null() {
                    v.diags.attr_error(
                        p.attr(attr),
                        "Missing deployment step size",
                        format!(
                            "{}: {wants} routing needs {attr} = {{ type, value }}.",
                            p.attr(attr)
                        ),
                    );
                } else if t != wants && ROUTING.contains(&t) && size.as_object().is_some() {
                    v.error(
                        p.attr(attr),
                        "Step size does not match the routing type",
                        format!("{attr} only applies to {wants} routing"),
                        t,
                    );
                }
            }
        }
        capacity(v, p.attr("canary_size"), bg.get("canary_size"));
        capacity(v, p.attr("linear_step_size"), bg.get("linear_step_size"));
        let wait = "wait_interval_in_seconds";
        v.int_range(p.attr(wait), bg.get(wait), 0, Some(3600));
        let term = "termination_wait_in_seconds";
        v.int_range(p.attr(term), bg.get(term), 0, Some(3600));
        let max = "maximum_execution_timeout_in_seconds";
        v.int_range(p.attr(max), bg.get(max), 600, Some(14_400));
        if let Some(m) = bg.get(max).as_i64() {
            let t = bg.get(term).as_i64().unwrap_or(0).max(0);
            longest = Some((m + t, p.attr(max), m));
        }
    }
    if ru.as_object().is_some() {
        let p = path.attr("rolling_update");
        capacity(
            v,
            p.attr("maximum_batch_size"),
            ru.get("maximum_batch_size"),
        );
        let rb = "rollback_maximum_batch_size";
        capacity(v, p.attr(rb), ru.get(rb));
        let wait = "wait_interval_in_seconds";
        v.int_range(p.attr(wait), ru.get(wait), 0, Some(3600));
        let max = "maximum_execution_timeout_in_seconds";
        v.int_range(p.attr(max), ru.get(max), 600, Some(28_800));
        if let Some(m) = ru.get(max).as_i64() {
            longest = Some((m, p.attr(max), m));
        }
    }
    let alarms = d.get("auto_rollback_alarms");
    let p = path.attr("auto_rollback_alarms");
    if let Some(list) = alarms.as_elements() {
        if list.len() > MAX_ROLLBACK_ALARMS {
            v.diags.attr_error(
                p.clone(),
                "Too many rollback alarms",
                format!(
                    "{p}: SageMaker watches at most {MAX_ROLLBACK_ALARMS} alarms; got {}.",
                    list.len()
                ),
            );
        }
        for name in list.iter().filter_map(Value::as_str) {
            if name.is_empty() || name.chars().count() > MAX_ALARM_NAME {
                v.error(
                    p.clone(),
                    "Invalid alarm name",
                    format!("CloudWatch alarm names are 1 to {MAX_ALARM_NAME} characters"),
                    name,
                );
            }
        }
    }
    // Giving up before SageMaker does would leave a deployment running (and
    // possibly rolling back) with the apply already failed.
    if let (Some((limit, max_path, max_value)), Some((secs, configured))) =
        (longest, update_timeout(c))
        && i64::try_from(secs).is_ok_and(|s| s <= limit)
    {
        let why = format!(
            "the update timeout must be longer than the longest the deployment may take \
             ({limit}s from {max_path}, including the termination wait), or the provider \
             gives up while SageMaker is still deploying"
        );
        match configured {
            Some((path, given)) => v.error(path, "Update timeout shorter than the deployment", why, &given),
            None => v.error(
                max_path,
                "Update timeout shorter than the deployment",
                format!("{why}; timeouts.update is unset and defaults to {DEFAULT_UPDATE_TIMEOUT}: raise it"),
                &max_value.to_string(),
            ),
        }
    }
}
