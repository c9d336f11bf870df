//! Endpoints and their lifecycle: CreateEndpoint, DescribeEndpoint, UpdateEndpoint,
//! UpdateEndpointWeightsAndCapacities, DeleteEndpoint, ListEndpoints.
//! The lifecycle state itself lives in [`crate::store::lifecycle`].

use std::sync::Arc;

use serde_json::{Map, Value, json};

use super::api::{ApiError, ApiResult, Directive, Row, arn, now, paginate};
use super::checks::deployment_failure;
use super::validate::{self, optional_str, required_str};
use super::{data_capture, log_groups, serverless};
use crate::app::App;
use crate::store::lifecycle::{Deployment, Endpoint, Phase, Variant, image_digest};
use crate::store::{Key, Model, State, key};
use crate::time::plus_ms;

fn variant_json(v: &Variant, resolved_at: f64) -> Value {
    let mut o = Map::new();
    o.insert("VariantName".into(), json!(v.name));
    let images: Vec<Value> = v
        .images
        .iter()
        .map(|i| json!({"SpecifiedImage": i, "ResolvedImage": image_digest(i), "ResolutionTime": resolved_at}))
        .collect();
    o.insert("DeployedImages".into(), json!(images));
    o.insert("CurrentWeight".into(), json!(v.current_weight));
    o.insert("DesiredWeight".into(), json!(v.desired_weight));
    if let Some(desired) = &v.desired_serverless {
        let current = v.serverless.as_ref().unwrap_or(desired);
        o.insert("CurrentServerlessConfig".into(), current.clone());
        o.insert("DesiredServerlessConfig".into(), desired.clone());
    } else {
        o.insert("CurrentInstanceCount".into(), json!(v.current_count));
        o.insert("DesiredInstanceCount".into(), json!(v.desired_count));
    }
    Value::Object(o)
}

fn not_found(region: &str, name: &str) -> ApiError {
    ApiError::not_found("endpoint", &arn(region, "endpoint", name))
}

/// Which live properties UpdateEndpoint keeps.
struct Retain {
    count: bool,
    weight: bool,
    data_capture: bool,
}

/// Builds the deployment of config `config_name`, snapshotting its models.
fn plan(
    st: &State,
    region: &str,
    config_name: &str,
    old: Option<&Deployment>,
    retain: &Retain,
) -> Result<(Deployment, Vec<Model>), ApiError> {
    let cfg = st.configs.get(&key(region, config_name)).ok_or_else(|| {
        ApiError::not_found(
            "endpoint configuration",
            &arn(region, "endpoint-config", config_name),
        )
    })?;
    let mut variants = Vec::new();
    let mut models = Vec::new();
    for v in cfg.variants() {
        let vname = optional_str(&v, "VariantName")
            .unwrap_or_default()
            .to_string();
        let mname = optional_str(&v, "ModelName").unwrap_or_default();
        let model = st
            .models
            .get(&key(region, mname))
            .ok_or_else(|| ApiError::not_found("model", &arn(region, "model", mname)))?;
        let images = model
            .containers()
            .iter()
            .filter_map(|c| c.get("Image").and_then(Value::as_str).map(str::to_string))
            .collect();
        models.push(model.clone());
        let prev = old.and_then(|o| {
            o.variants
                .iter()
                .find(|p| p.name.eq_ignore_ascii_case(&vname))
        });
        let mut count = v
            .get("InitialInstanceCount")
            .and_then(Value::as_i64)
            .unwrap_or(0);
        let mut weight = v
            .get("InitialVariantWeight")
            .and_then(Value::as_f64)
            .unwrap_or(1.0);
        if let Some(p) = prev {
            if retain.count {
                count = p.desired_count;
            }
            if retain.weight {
                weight = p.desired_weight;
            }
        }
        variants.push(Variant {
            name: vname,
            instance_type: optional_str(&v, "InstanceType").map(str::to_string),
            serverless: v.get("ServerlessConfig").cloned(),
            desired_serverless: v.get("ServerlessConfig").cloned(),
            current_count: 0,
            desired_count: count,
            current_weight: weight,
            desired_weight: weight,
            images,
        });
    }
    let mut data_capture = cfg.spec.get("DataCaptureConfig").cloned();
    if retain.data_capture
        && let Some(o) = old
    {
        data_capture = o.data_capture.clone();
    }
    let deployment = Deployment {
        config_name: cfg.name.clone(),
        variants,
        data_capture,
        async_config: cfg.spec.get("AsyncInferenceConfig").cloned(),
    };
    Ok((deployment, models))
}

const NO_RETAIN: Retain = Retain {
    count: false,
    weight: false,
    data_capture: false,
};

pub async fn create(
    app: &Arc<App>,
    region: &str,
    input: &Value,
    directive: Option<Directive>,
) -> ApiResult {
    let name = required_str(input, "EndpointName")?;
    validate::endpoint_style_name(name, "EndpointName")?;
    let config_name = required_str(input, "EndpointConfigName")?;
    validate::endpoint_style_name(config_name, "EndpointConfigName")?;
    let tags = validate::tags(input.get("Tags"))?;
    let endpoint_arn = arn(region, "endpoint", name);
    let k: Key = key(region, name);
    let (deployment, models) = {
        let mut st = app.sagemaker();
        st.advance(now());
        if st.endpoints.contains_key(&k) {
            return Err(ApiError::exists("endpoint", &endpoint_arn));
        }
        plan(&st, region, config_name, None, &NO_RETAIN)?
    };
    let mut failure = deployment_failure(app, &models).await;
    if let Some(Directive::Fail(reason)) = directive {
        failure = Some(reason.unwrap_or_else(|| {
            "The primary container for production variant failed to pass the ping health check."
                .into()
        }));
    }
    let durations = app.durations();
    let mut st = app.sagemaker();
    let t = now();
    st.advance(t);
    if st.endpoints.contains_key(&k) {
        return Err(ApiError::exists("endpoint", &endpoint_arn));
    }
    log_groups::watch(app, region, name, t);
    st.endpoints.insert(
        k,
        Endpoint {
            name: name.to_string(),
            arn: endpoint_arn.clone(),
            creation_time: t,
            last_modified: t,
            steady_status: "InService",
            failure_reason: None,
            live: deployment,
            deployment_config: input.get("DeploymentConfig").cloned(),
            phase: Phase::Creating {
                ends: plus_ms(t, durations.endpoint_create_ms),
                failure,
            },
        },
    );
    if !tags.is_empty() {
        st.tags.insert(endpoint_arn.clone(), tags);
    }
    Ok(json!({ "EndpointArn": endpoint_arn }))
}

pub fn describe(app: &App, region: &str, input: &Value) -> ApiResult {
    let name = required_str(input, "EndpointName")?;
    let mut st = app.sagemaker();
    st.advance(now());
    let e = st
        .endpoints
        .get(&key(region, name))
        .ok_or_else(|| not_found(region, name))?;
    let status = e.status();
    let mut out = json!({
        "EndpointName": e.name,
        "EndpointArn": e.arn,
        "EndpointConfigName": e.live.config_name,
        "EndpointStatus": status,
        "CreationTime": e.creation_time,
        "LastModifiedTime": e.last_modified,
    });
    if !matches!(status, "Creating" | "Failed") {
        let vs: Vec<Value> = e
            .live
            .variants
            .iter()
            .map(|v| variant_json(v, e.creation_time))
            .collect();
        out["ProductionVariants"] = json!(vs);
    }
    if let Some(reason) = &e.failure_reason {
        out["FailureReason"] = json!(reason.chars().take(1024).collect::<String>());
    }
    if let Some(dc) = &e.live.data_capture {
        out["DataCaptureConfig"] = data_capture::summary(dc);
    }
    if let Some(a) = &e.live.async_config {
        out["AsyncInferenceConfig"] = a.clone();
    }
    if let Some(d) = &e.deployment_config {
        out["LastDeploymentConfig"] = d.clone();
    }
    if let Phase::Updating { target, .. } = &e.phase {
        let vs: Vec<Value> = target
            .variants
            .iter()
            .map(|v| {
                let mut j = variant_json(v, e.last_modified);
                if let Some(t) = &v.instance_type {
                    j["InstanceType"] = json!(t);
                    j["CurrentInstanceCount"] = json!(0);
                }
                j
            })
            .collect();
        out["PendingDeploymentSummary"] = json!({
            "EndpointConfigName": target.config_name,
            "ProductionVariants": vs,
            "StartTime": e.last_modified,
        });
    }
    Ok(out)
}

fn in_progress(e: &Endpoint, verb: &str) -> Option<ApiError> {
    match e.status() {
        "InService" => None,
        "Failed" if verb == "delete" => None,
        "Failed" => Some(ApiError::validation(format!(
            "Cannot {verb} endpoint \"{}\" because it is in Failed status. Delete it and create it again.",
            e.arn
        ))),
        _ => Some(ApiError::validation(format!(
            "Cannot {verb} in-progress endpoint \"{}\".",
            e.arn
        ))),
    }
}

pub async fn update(
    app: &Arc<App>,
    region: &str,
    input: &Value,
    directive: Option<Directive>,
) -> ApiResult {
    let name = required_str(input, "EndpointName")?;
    let config_name = required_str(input, "EndpointConfigName")?;
    validate::endpoint_style_name(config_name, "EndpointConfigName")?;
    let retain_all = input
        .get("RetainAllVariantProperties")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let excluded: Vec<String> = input
        .get("ExcludeRetainedVariantProperties")
        .and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .filter_map(|p| optional_str(p, "VariantPropertyType").map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let keep = |p: &str| retain_all && !excluded.iter().any(|x| x == p);
    let retain = Retain {
        count: keep("DesiredInstanceCount"),
        weight: keep("DesiredWeight"),
        data_capture: keep("DataCaptureConfig"),
    };
    let k = key(region, name);
    let (target, models, live_types) = {
        let mut st = app.sagemaker();
        st.advance(now());
        let e = st
            .endpoints
            .get(&k)
            .ok_or_else(|| not_found(region, name))?;
        if let Some(err) = in_progress(e, "update") {
            return Err(err);
        }
        let live = e.live.clone();
        let (target, models) = plan(&st, region, config_name, Some(&live), &retain)?;
        let types: Vec<(String, Option<String>)> = live
            .variants
            .iter()
            .map(|v| (v.name.clone(), v.instance_type.clone()))
            .collect();
        (target, models, types)
    };
    if let Some(err) = scaling_conflict(app, region, name, &live_types, &target).await {
        return Err(err);
    }
    let mut failure = deployment_failure(app, &models).await;
    if let Some(Directive::Rollback(reason)) = directive {
        // Without a reason, a deployment that watches alarms is rolled back by the first one.
        let alarm = input
            .pointer("/DeploymentConfig/AutoRollbackConfiguration/Alarms/0/AlarmName")
            .and_then(Value::as_str);
        failure = Some(reason.unwrap_or_else(|| match alarm {
            Some(a) => format!(
                "The update to endpoint configuration \"{}\" was rolled back because CloudWatch \
                 alarm \"{a}\" went into ALARM during the deployment.",
                target.config_name
            ),
            None => format!(
                "The update to endpoint configuration \"{}\" failed its health checks and was rolled back.",
                target.config_name
            ),
        }));
    }
    let durations = app.durations();
    let mut st = app.sagemaker();
    let t = now();
    st.advance(t);
    let e = st
        .endpoints
        .get_mut(&k)
        .ok_or_else(|| not_found(region, name))?;
    if let Some(err) = in_progress(e, "update") {
        return Err(err);
    }
    let retain_deploy = input
        .get("RetainDeploymentConfig")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if let Some(d) = input.get("DeploymentConfig") {
        e.deployment_config = Some(d.clone());
    } else if !retain_deploy {
        e.deployment_config = None;
    }
    e.last_modified = t;
    e.phase = Phase::Updating {
        ends: plus_ms(t, durations.endpoint_update_ms),
        rollback_ms: durations.endpoint_update_ms,
        target: Box::new(target),
        failure,
    };
    log_groups::watch(app, region, &e.name, e.creation_time);
    Ok(json!({ "EndpointArn": e.arn }))
}

/// Like SageMaker, refuse an update that changes the instance type of a variant registered with
/// Application Auto Scaling (the caller must deregister it first).
async fn scaling_conflict(
    app: &App,
    region: &str,
    endpoint: &str,
    live: &[(String, Option<String>)],
    target: &Deployment,
) -> Option<ApiError> {
    for v in &target.variants {
        let Some((_, old_type)) = live.iter().find(|(n, _)| n.eq_ignore_ascii_case(&v.name)) else {
            continue;
        };
        if old_type == &v.instance_type {
            continue;
        }
        let resource = format!("endpoint/{endpoint}/variant/{}", v.name);
        match app.moto.scalable_target_exists(region, &resource).await {
            Ok(true) => {
                return Some(ApiError::validation(format!(
                    "The instance type of variant \"{}\" cannot change while it is registered \
                     as a scalable target with Application Auto Scaling ({resource}). Deregister \
                     the scalable target, update the endpoint, then register it again.",
                    v.name
                )));
            }
            Ok(false) => {}
            Err(e) => tracing::warn!("autoscaling check for {resource} skipped: {e}"),
        }
    }
    None
}

/// One checked entry of `DesiredWeightsAndCapacities`: the live variant it changes and its
/// new desired values.
struct CapacityChange {
    index: usize,
    count: Option<i64>,
    weight: Option<f64>,
    serverless: Option<Value>,
}

/// Checks entry `n` (1-based) against the live variants: instance counts only for instance
/// variants, `ServerlessUpdateConfig` only for serverless ones.
fn plan_capacity(variants: &[Variant], c: &Value, n: usize) -> Result<CapacityChange, ApiError> {
    let path = format!("DesiredWeightsAndCapacities.{n}.member");
    let vname = validate::required_str_at(c, "VariantName", &format!("{path}.VariantName"))?;
    let index = variants
        .iter()
        .position(|v| v.name.eq_ignore_ascii_case(vname))
        .ok_or_else(|| ApiError::validation(format!("Variant \"{vname}\" not found.")))?;
    let live = &variants[index];
    let count = validate::optional_int(c, "DesiredInstanceCount")?;
    if count.is_some_and(|n| n < 0) {
        return Err(ApiError::validation(format!(
            "Invalid DesiredInstanceCount for variant \"{vname}\": must be at least 0."
        )));
    }
    let weight = c.get("DesiredWeight").and_then(Value::as_f64);
    let update = c.get("ServerlessUpdateConfig").filter(|u| !u.is_null());
    let serverless = match (&live.desired_serverless, update) {
        (Some(_), _) if count.is_some() => {
            return Err(ApiError::validation(format!(
                "DesiredInstanceCount cannot be set for serverless variant \"{vname}\"; use ServerlessUpdateConfig."
            )));
        }
        (Some(current), Some(u)) => Some(serverless::apply_update(
            current,
            u,
            vname,
            &format!("{path}.ServerlessUpdateConfig"),
        )?),
        (None, Some(_)) => {
            return Err(ApiError::validation(format!(
                "ServerlessUpdateConfig can only be set for a serverless variant; variant \"{vname}\" runs on instances."
            )));
        }
        (_, None) => None,
    };
    if count.is_none() && weight.is_none() && serverless.is_none() {
        return Err(ApiError::validation(format!(
            "Either DesiredWeight, DesiredInstanceCount or ServerlessUpdateConfig must be specified for variant \"{vname}\"."
        )));
    }
    Ok(CapacityChange {
        index,
        count,
        weight,
        serverless,
    })
}

pub fn update_weights(app: &App, region: &str, input: &Value) -> ApiResult {
    let name = required_str(input, "EndpointName")?;
    let changes = input.get("DesiredWeightsAndCapacities").and_then(Value::as_array).ok_or_else(|| {
        ApiError::validation(
            "1 validation error detected: Value null at 'desiredWeightsAndCapacities' failed to satisfy constraint: Member must not be null".into(),
        )
    })?;
    if changes.is_empty() || changes.len() > 10 {
        return Err(ApiError::validation(
            "1 validation error detected: Value at 'desiredWeightsAndCapacities' failed to satisfy constraint: Member must have length between 1 and 10".into(),
        ));
    }
    let ms = app.durations().endpoint_update_ms;
    let mut st = app.sagemaker();
    let t = now();
    st.advance(t);
    let e = st
        .endpoints
        .get_mut(&key(region, name))
        .ok_or_else(|| not_found(region, name))?;
    if let Some(err) = in_progress(e, "update") {
        return Err(err);
    }
    let missing: Vec<&str> = changes
        .iter()
        .filter_map(|c| optional_str(c, "VariantName"))
        .filter(|n| {
            !e.live
                .variants
                .iter()
                .any(|v| v.name.eq_ignore_ascii_case(n))
        })
        .collect();
    if !missing.is_empty() {
        return Err(ApiError::validation(format!(
            "The variant(s) \"[{}]\" is/are not present in the endpoint \"{}\".",
            missing.join(", "),
            e.arn
        )));
    }
    let mut planned = Vec::new();
    for (n, c) in changes.iter().enumerate() {
        planned.push(plan_capacity(&e.live.variants, c, n + 1)?);
    }
    for change in planned {
        if let Some(v) = e.live.variants.get_mut(change.index) {
            if let Some(n) = change.count {
                v.desired_count = n;
            }
            if let Some(w) = change.weight {
                v.desired_weight = w;
            }
            if let Some(sc) = change.serverless {
                v.desired_serverless = Some(sc);
            }
        }
    }
    e.last_modified = t;
    e.phase = Phase::Scaling {
        ends: plus_ms(t, ms),
    };
    Ok(json!({ "EndpointArn": e.arn }))
}

pub fn delete(app: &App, region: &str, input: &Value) -> ApiResult {
    let name = required_str(input, "EndpointName")?;
    let ms = app.durations().endpoint_delete_ms;
    let mut st = app.sagemaker();
    let t = now();
    st.advance(t);
    let e = st
        .endpoints
        .get_mut(&key(region, name))
        .ok_or_else(|| not_found(region, name))?;
    if let Some(err) = in_progress(e, "delete") {
        return Err(err);
    }
    e.last_modified = t;
    e.phase = Phase::Deleting {
        ends: plus_ms(t, ms),
    };
    st.advance(t);
    Ok(json!({}))
}

pub fn list(app: &App, region: &str, input: &Value) -> ApiResult {
    let mut st = app.sagemaker();
    st.advance(now());
    let rows = st
        .endpoints
        .iter()
        .filter(|((r, _), _)| r == region)
        .map(|(_, e)| Row {
            name: e.name.clone(),
            creation_time: e.creation_time,
            last_modified: e.last_modified,
            status: Some(e.status().to_string()),
            summary: json!({
                "EndpointName": e.name,
                "EndpointArn": e.arn,
                "CreationTime": e.creation_time,
                "LastModifiedTime": e.last_modified,
                "EndpointStatus": e.status(),
            }),
        })
        .collect();
    let (page, next) = paginate(rows, input)?;
    let mut out = json!({ "Endpoints": page });
    if let Some(t) = next {
        out["NextToken"] = json!(t);
    }
    Ok(out)
}
