//! Endpoint configs: CreateEndpointConfig, DescribeEndpointConfig, DeleteEndpointConfig,
//! ListEndpointConfigs. Deleting a config that a live endpoint uses is allowed, as in AWS.

use std::collections::HashSet;

use serde_json::{Value, json};

use super::api::{ApiError, ApiResult, Row, arn, now, paginate};
use super::validate::{self, optional_str, required_str};
use crate::app::App;
use crate::store::{EndpointConfig, key};

fn validate_variant(
    app_models: &dyn Fn(&str) -> bool,
    region: &str,
    v: &Value,
    i: usize,
) -> Result<(), ApiError> {
    let path = format!("ProductionVariants.{i}.member");
    let name = required_str(v, "VariantName")?;
    validate::endpoint_style_name(name, &format!("{path}.VariantName"))?;
    let model = required_str(v, "ModelName")?;
    validate::model_name(model, &format!("{path}.ModelName"))?;
    if !app_models(model) {
        return Err(ApiError::not_found("model", &arn(region, "model", model)));
    }
    if v.get("ServerlessConfig").is_some() {
        if v.get("InstanceType").is_some() {
            return Err(ApiError::validation(format!(
                "Invalid ProductionVariant \"{name}\": specify either InstanceType or ServerlessConfig, not both."
            )));
        }
        return Ok(());
    }
    let t = required_str(v, "InstanceType")?;
    validate::instance_type(t, &format!("{path}.InstanceType"))?;
    match v.get("InitialInstanceCount").and_then(Value::as_i64) {
        Some(n) if n >= 1 => {}
        Some(n) => {
            return Err(ApiError::validation(format!(
                "1 validation error detected: Value '{n}' at '{}.initialInstanceCount' failed to satisfy constraint: Member must have value greater than or equal to 1",
                validate::wire_name(&path)
            )));
        }
        None => {
            return Err(ApiError::validation(format!(
                "Invalid ProductionVariant \"{name}\": InitialInstanceCount is required when InstanceType is set."
            )));
        }
    }
    if let Some(w) = v.get("InitialVariantWeight").and_then(Value::as_f64)
        && w < 0.0
    {
        return Err(ApiError::validation(format!(
            "1 validation error detected: Value '{w}' at '{}.initialVariantWeight' failed to satisfy constraint: Member must have value greater than or equal to 0",
            validate::wire_name(&path)
        )));
    }
    Ok(())
}

pub fn create(app: &App, region: &str, input: &Value) -> ApiResult {
    let name = required_str(input, "EndpointConfigName")?;
    validate::endpoint_style_name(name, "EndpointConfigName")?;
    let variants = input
        .get("ProductionVariants")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            ApiError::validation(
                "1 validation error detected: Value null at 'productionVariants' failed to satisfy constraint: Member must not be null".into(),
            )
        })?;
    if variants.is_empty() || variants.len() > 10 {
        return Err(ApiError::validation(
            "1 validation error detected: Value at 'productionVariants' failed to satisfy constraint: Member must have length between 1 and 10".into(),
        ));
    }
    if let Some(out) = input
        .get("AsyncInferenceConfig")
        .and_then(|a| a.get("OutputConfig"))
    {
        if let Some(p) = optional_str(out, "S3OutputPath") {
            validate::data_url(p, "AsyncInferenceConfig.OutputConfig.S3OutputPath")?;
        }
        if let Some(p) = optional_str(out, "S3FailurePath") {
            validate::data_url(p, "AsyncInferenceConfig.OutputConfig.S3FailurePath")?;
        }
    }
    let tags = validate::tags(input.get("Tags"))?;
    let config_arn = arn(region, "endpoint-config", name);
    let mut st = app.sagemaker();
    let exists = |m: &str| st.models.contains_key(&key(region, m));
    let mut seen = HashSet::new();
    for (i, v) in variants.iter().enumerate() {
        validate_variant(&exists, region, v, i + 1)?;
        let vname = optional_str(v, "VariantName")
            .unwrap_or_default()
            .to_ascii_lowercase();
        if !seen.insert(vname) {
            return Err(ApiError::validation(format!(
                "Variant names must be unique within endpoint configuration \"{config_arn}\"."
            )));
        }
    }
    let k = key(region, name);
    if st.configs.contains_key(&k) {
        return Err(ApiError::exists("endpoint configuration", &config_arn));
    }
    let mut spec = input.clone();
    if let Some(obj) = spec.as_object_mut() {
        obj.remove("Tags");
        obj.remove("EndpointConfigName");
    }
    st.configs.insert(
        k,
        EndpointConfig {
            name: name.to_string(),
            arn: config_arn.clone(),
            creation_time: now(),
            spec,
        },
    );
    if !tags.is_empty() {
        st.tags.insert(config_arn.clone(), tags);
    }
    Ok(json!({ "EndpointConfigArn": config_arn }))
}

pub fn describe(app: &App, region: &str, input: &Value) -> ApiResult {
    let name = required_str(input, "EndpointConfigName")?;
    let st = app.sagemaker();
    let c = st.configs.get(&key(region, name)).ok_or_else(|| {
        ApiError::not_found(
            "endpoint configuration",
            &arn(region, "endpoint-config", name),
        )
    })?;
    let mut out = c.spec.clone();
    if let Some(obj) = out.as_object_mut() {
        obj.insert("EndpointConfigName".into(), json!(c.name));
        obj.insert("EndpointConfigArn".into(), json!(c.arn));
        obj.insert("CreationTime".into(), json!(c.creation_time));
    }
    Ok(out)
}

pub fn delete(app: &App, region: &str, input: &Value) -> ApiResult {
    let name = required_str(input, "EndpointConfigName")?;
    let mut st = app.sagemaker();
    let c = st.configs.remove(&key(region, name)).ok_or_else(|| {
        ApiError::not_found(
            "endpoint configuration",
            &arn(region, "endpoint-config", name),
        )
    })?;
    st.tags.remove(&c.arn);
    Ok(json!({}))
}

pub fn list(app: &App, region: &str, input: &Value) -> ApiResult {
    let st = app.sagemaker();
    let rows = st
        .configs
        .iter()
        .filter(|((r, _), _)| r == region)
        .map(|(_, c)| Row {
            name: c.name.clone(),
            creation_time: c.creation_time,
            last_modified: c.creation_time,
            status: None,
            summary: json!({
                "EndpointConfigName": c.name,
                "EndpointConfigArn": c.arn,
                "CreationTime": c.creation_time,
            }),
        })
        .collect();
    let (page, next) = paginate(rows, input)?;
    let mut out = json!({ "EndpointConfigs": page });
    if let Some(t) = next {
        out["NextToken"] = json!(t);
    }
    Ok(out)
}
