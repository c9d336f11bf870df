//! Static checks of `autoscaling` and `deployment_config` on the typed
//! [`State`], run by `validate`. Like the rest of validation they skip
//! unknown values and point every error at its attribute.

use super::super::features::scaling_model::EndpointKind;
use super::super::schema::state::{
    AutoscalingAttr, BlueGreenAttr, CapacityAttr, DeploymentConfigAttr, RollingUpdateAttr,
    ServerlessAttr, State, TimeoutsAttr,
};
use super::super::schema::{DEFAULT_INSTANCE_COUNT, DEFAULT_UPDATE_TIMEOUT};
use super::validator::{Validator, root, strings};
use crate::framework::typed::Known;
use crate::resources::formats::duration::parse_go_duration;
use crate::tfplugin::{AttrPath, Number};

/// Longest cooldown Application Auto Scaling accepts, in seconds.
const MAX_COOLDOWN: i64 = 86_400;

/// Checks `autoscaling` against itself, the endpoint kind and
/// `instance_count` (or `serverless`).
pub(super) fn autoscaling(v: &mut Validator, c: &State) {
    let Some(a) = c.autoscaling.get() else { return };
    let path = root(State::autoscaling);
    v.int_range(
        path.attr(AutoscalingAttr::min_capacity),
        &a.min_capacity,
        0,
        None,
    );
    v.int_range(
        path.attr(AutoscalingAttr::max_capacity),
        &a.max_capacity,
        1,
        None,
    );
    for (cd, secs) in [
        ("scale_in_cooldown", &a.scale_in_cooldown),
        ("scale_out_cooldown", &a.scale_out_cooldown),
    ] {
        v.int_range(path.attr(cd), secs, 0, Some(MAX_COOLDOWN));
    }
    for k in EndpointKind::ALL {
        let Known::Value(n) = k.target_of(a) else {
            continue;
        };
        let f = n.as_f64();
        let (ok, expected) = match k {
            EndpointKind::Serverless => (
                f.is_some_and(|f| f > 0.0 && f <= 1.0),
                "expected a share above 0 and at most 1",
            ),
            _ => (
                f.is_some_and(|f| f > 0.0),
                "expected a number greater than 0",
            ),
        };
        if !ok {
            v.error(
                path.attr(k.target_attr()),
                "Value out of range",
                expected,
                &n.to_string(),
            );
        }
    }
    let min = a.min_capacity.as_i64();
    let max = a.max_capacity.as_i64();
    let kind = EndpointKind::of(c);
    if let Some(kind) = kind {
        kind_checks(v, a, kind, min);
    }
    if kind == Some(EndpointKind::Serverless) {
        serverless_bounds(v, c, min, max);
        return;
    }
    let (Some(min), Some(max)) = (min, max) else {
        return;
    };
    if min > max {
        v.error(
            path.attr(AutoscalingAttr::max_capacity),
            "Invalid capacity range",
            format!("max_capacity must be at least min_capacity ({min})"),
            &max.to_string(),
        );
        return;
    }
    let count = match &c.instance_count {
        Known::Null => Some(DEFAULT_INSTANCE_COUNT),
        other => other.as_i64(),
    };
    if let Some(count) = count
        && (count < min || count > max)
        && count >= 1
    {
        v.error(
            root(State::instance_count),
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

/// The checks that depend on the endpoint kind: the target attribute of
/// another kind, and scale to zero (async only).
fn kind_checks(v: &mut Validator, a: &AutoscalingAttr, kind: EndpointKind, min: Option<i64>) {
    let path = root(State::autoscaling);
    for other in EndpointKind::ALL.into_iter().filter(|k| *k != kind) {
        if let Known::Value(n) = other.target_of(a) {
            let wrong = other.target_attr();
            v.error(
                path.attr(wrong),
                "Scaling target does not match the endpoint kind",
                format!(
                    "{wrong} only applies to {} endpoints, and this endpoint is {}; use {} \
                     instead",
                    other.describe(),
                    kind.describe(),
                    kind.target_attr()
                ),
                &n.to_string(),
            );
        }
    }
    if kind != EndpointKind::Async && min == Some(0) {
        v.error(
            path.attr(AutoscalingAttr::min_capacity),
            "Scale to zero needs an asynchronous endpoint",
            format!(
                "a {} endpoint must keep at least 1 {} to answer requests; min_capacity = 0 \
                 is only allowed together with async_inference",
                kind.describe(),
                if kind == EndpointKind::Serverless {
                    "provisioned worker"
                } else {
                    "instance"
                }
            ),
            "0",
        );
    }
}

/// A serverless endpoint scales its provisioned concurrency: it needs an
/// initial one within the range, and the range within `max_concurrency`.
fn serverless_bounds(v: &mut Validator, c: &State, min: Option<i64>, max: Option<i64>) {
    let Some(sv) = c.serverless.get() else { return };
    let provisioned_path = root(State::serverless).attr(ServerlessAttr::provisioned_concurrency);
    match &sv.provisioned_concurrency {
        Known::Null => v.diags.attr_error(
            provisioned_path,
            "Provisioned concurrency required",
            "serverless.provisioned_concurrency: autoscaling of a serverless endpoint scales \
             its provisioned concurrency, so set the initial one (between \
             autoscaling.min_capacity and autoscaling.max_capacity)."
                .to_string(),
        ),
        Known::Value(_) => {
            if let (Some(p), Some(min), Some(max)) = (sv.provisioned_concurrency.as_i64(), min, max)
                && min <= max
                && (p < min || p > max)
            {
                v.error(
                    provisioned_path,
                    "Provisioned concurrency outside the autoscaling range",
                    format!(
                        "with autoscaling, serverless.provisioned_concurrency is the initial \
                         value and must lie between autoscaling.min_capacity ({min}) and \
                         autoscaling.max_capacity ({max})"
                    ),
                    &p.to_string(),
                );
            }
        }
        Known::Unknown => {}
    }
    if let (Some(max), Some(most)) = (max, sv.max_concurrency.as_i64())
        && max > most
    {
        v.error(
            root(State::autoscaling).attr(AutoscalingAttr::max_capacity),
            "Autoscaling range above the maximum concurrency",
            format!(
                "on a serverless endpoint, max_capacity is provisioned concurrency, at most \
                 serverless.max_concurrency ({most})"
            ),
            &max.to_string(),
        );
    }
    if let (Some(min), Some(max)) = (min, max)
        && min > max
    {
        v.error(
            root(State::autoscaling).attr(AutoscalingAttr::max_capacity),
            "Invalid capacity range",
            format!("max_capacity must be at least min_capacity ({min})"),
            &max.to_string(),
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
fn capacity(v: &mut Validator, path: AttrPath, c: &Known<CapacityAttr>) {
    let Some(c) = c.get() else { return };
    let kind = c.r#type.as_str();
    if let Some(t) = kind
        && !CAPACITY_TYPES.contains(&t)
    {
        v.error(
            path.attr(CapacityAttr::r#type),
            "Invalid capacity type",
            "expected INSTANCE_COUNT or CAPACITY_PERCENT",
            t,
        );
    }
    let max = (kind == Some("CAPACITY_PERCENT")).then_some(100);
    v.int_range(path.attr(CapacityAttr::value), &c.value, 1, max);
}

/// Checks a policy's `maximum_execution_timeout_in_seconds` (600 to
/// `most`); its path and value when known.
fn execution_limit(
    v: &mut Validator,
    policy: &AttrPath,
    limit: &Known<Number>,
    most: i64,
) -> Option<(AttrPath, i64)> {
    // Both policies name it alike.
    let path = policy.attr(BlueGreenAttr::maximum_execution_timeout_in_seconds);
    v.int_range(path.clone(), limit, 600, Some(most));
    limit.as_i64().map(|m| (path, m))
}

/// The update timeout in seconds (configured or default), with its path
/// when configured; `None` while unknown or invalid (reported elsewhere).
/// A null or unknown `timeouts` block leaves the default.
fn update_timeout(c: &State) -> Option<(u64, Option<(AttrPath, String)>)> {
    match c.timeouts.get().map(|t| &t.update) {
        Some(Known::Value(s)) => parse_go_duration(s).ok().map(|d| {
            (
                d.as_secs(),
                Some((root(State::timeouts).attr(TimeoutsAttr::update), s.clone())),
            )
        }),
        Some(Known::Null) | None => parse_go_duration(DEFAULT_UPDATE_TIMEOUT)
            .ok()
            .map(|d| (d.as_secs(), None)),
        Some(Known::Unknown) => None,
    }
}

/// Checks `deployment_config`: one policy, valid routing and sizes, ranges,
/// rollback alarm names, and an update timeout longer than the deployment
/// may last.
pub(super) fn deployment_config(v: &mut Validator, c: &State) {
    let Some(d) = c.deployment_config.get() else {
        return;
    };
    let path = root(State::deployment_config);
    let (bg, ru) = (&d.blue_green, &d.rolling_update);
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
    if let Some(bg) = bg.get() {
        let p = path.attr(DeploymentConfigAttr::blue_green);
        if let Some(t) = bg.traffic_routing_type.as_str() {
            if !ROUTING.contains(&t) {
                v.error(
                    p.attr(BlueGreenAttr::traffic_routing_type),
                    "Invalid traffic routing type",
                    "expected ALL_AT_ONCE, CANARY or LINEAR",
                    t,
                );
            }
            for (attr, wants, size) in [
                ("canary_size", "CANARY", &bg.canary_size),
                ("linear_step_size", "LINEAR", &bg.linear_step_size),
            ] {
                if t == wants && size.is_null() {
                    v.diags.attr_error(
                        p.attr(attr),
                        "Missing deployment step size",
                        format!(
                            "{}: {wants} routing needs {attr} = {{ type, value }}.",
                            p.attr(attr)
                        ),
                    );
                } else if t != wants && ROUTING.contains(&t) && size.get().is_some() {
                    v.error(
                        p.attr(attr),
                        "Step size does not match the routing type",
                        format!("{attr} only applies to {wants} routing"),
                        t,
                    );
                }
            }
        }
        capacity(v, p.attr(BlueGreenAttr::canary_size), &bg.canary_size);
        capacity(
            v,
            p.attr(BlueGreenAttr::linear_step_size),
            &bg.linear_step_size,
        );
        let wait = &bg.wait_interval_in_seconds;
        let wait_path = p.attr(BlueGreenAttr::wait_interval_in_seconds);
        v.int_range(wait_path, wait, 0, Some(3600));
        let term = &bg.termination_wait_in_seconds;
        v.int_range(
            p.attr(BlueGreenAttr::termination_wait_in_seconds),
            term,
            0,
            Some(3600),
        );
        let limit = &bg.maximum_execution_timeout_in_seconds;
        if let Some((max, m)) = execution_limit(v, &p, limit, 14_400) {
            let t = term.as_i64().unwrap_or(0).max(0);
            longest = Some((m + t, max, m));
        }
    }
    if let Some(ru) = ru.get() {
        let p = path.attr(DeploymentConfigAttr::rolling_update);
        let batch = &ru.maximum_batch_size;
        capacity(v, p.attr(RollingUpdateAttr::maximum_batch_size), batch);
        let rb = &ru.rollback_maximum_batch_size;
        capacity(
            v,
            p.attr(RollingUpdateAttr::rollback_maximum_batch_size),
            rb,
        );
        let wait = &ru.wait_interval_in_seconds;
        let wait_path = p.attr(RollingUpdateAttr::wait_interval_in_seconds);
        v.int_range(wait_path, wait, 0, Some(3600));
        let limit = &ru.maximum_execution_timeout_in_seconds;
        if let Some((max, m)) = execution_limit(v, &p, limit, 28_800) {
            longest = Some((m, max, m));
        }
    }
    let alarms = &d.auto_rollback_alarms;
    let p = path.attr(DeploymentConfigAttr::auto_rollback_alarms);
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
        for name in strings(alarms) {
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
