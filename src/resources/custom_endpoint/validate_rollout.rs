//! Static checks of the rollout attributes (`autoscaling`), run by
//! `validate`. Like the rest of validation
//! they skip unknown values and point every error at its attribute.

use super::scaling_model::target_attr;
use super::schema::DEFAULT_INSTANCE_COUNT;
use super::validate::{Validator, root};
use crate::tfplugin::Value;

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
