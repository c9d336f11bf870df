//! Endpoint configs: CreateEndpointConfig, DescribeEndpointConfig, DeleteEndpointConfig,
//! ListEndpointConfigs. Deleting a config that a live endpoint uses is allowed, as in AWS.
//!
//! CreateEndpointConfig validates every variant (instance-backed or serverless), the data
//! capture settings, the async inference output and the KMS keys, then stores the request as
//! given, so DescribeEndpointConfig returns it verbatim.

use std::collections::HashSet;

use serde_json::{Value, json};

use super::api::{ApiError, ApiResult, Row, arn, now, paginate};
use super::validate::{self, optional_str, required_str};
use super::{data_capture, kms, serverless};
use crate::app::App;
use crate::store::{EndpointConfig, Model, State, key};

/// Config-wide settings that constrain the variants.
struct ConfigWide {
    /// A top-level `KmsKeyId` (storage-volume key) is given.
    volume_key: bool,
    /// A `DataCaptureConfig` is given.
    data_capture: bool,
}

fn validate_variant(
    st: &State,
    region: &str,
    v: &Value,
    i: usize,
    wide: &ConfigWide,
) -> Result<(), ApiError> {
    let path = format!("ProductionVariants.{i}.member");
    let name = validate::required_str_at(v, "VariantName", &format!("{path}.VariantName"))?;
    validate::endpoint_style_name(name, &format!("{path}.VariantName"))?;
    let model_name = validate::required_str_at(v, "ModelName", &format!("{path}.ModelName"))?;
    validate::model_name(model_name, &format!("{path}.ModelName"))?;
    let model = st
        .models
        .get(&key(region, model_name))
        .ok_or_else(|| ApiError::not_found("model", &arn(region, "model", model_name)))?;
    if let Some(sc) = v.get("ServerlessConfig").filter(|sc| !sc.is_null()) {
        return serverless_variant(v, sc, name, &path, model, wide);
    }
    let t = validate::required_str_at(v, "InstanceType", &format!("{path}.InstanceType"))?;
    validate::instance_type(t, &format!("{path}.InstanceType"))?;
    match validate::optional_int(v, "InitialInstanceCount")? {
        Some(n) => validate::int_range(n, &format!("{path}.InitialInstanceCount"), 1, i64::MAX)?,
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
    if let Some(size) = validate::optional_int(v, "VolumeSizeInGB")? {
        validate::int_range(size, &format!("{path}.VolumeSizeInGB"), 1, 512)?;
    }
    if wide.volume_key && kms::has_instance_storage(t) {
        return Err(kms::instance_storage_error(name, t));
    }
    Ok(())
}

/// A variant with `ServerlessConfig`: no instance settings, a valid serverless config, and
/// none of the features serverless endpoints lack (volume key, data capture, network isolation).
fn serverless_variant(
    v: &Value,
    sc: &Value,
    name: &str,
    path: &str,
    model: &Model,
    wide: &ConfigWide,
) -> Result<(), ApiError> {
    for member in ["InstanceType", "InitialInstanceCount", "VolumeSizeInGB"] {
        if v.get(member).is_some_and(|x| !x.is_null()) {
            return Err(ApiError::validation(format!(
                "Invalid ProductionVariant \"{name}\": {member} cannot be specified together with ServerlessConfig."
            )));
        }
    }
    serverless::validate_config(sc, name, &format!("{path}.ServerlessConfig"))?;
    let unsupported = |what: &str| {
        ApiError::validation(format!(
            "{what} is not supported with serverless production variant \"{name}\"."
        ))
    };
    if wide.volume_key {
        return Err(unsupported("KmsKeyId (storage volume encryption)"));
    }
    if wide.data_capture {
        return Err(unsupported("DataCaptureConfig"));
    }
    if model.network_isolation() {
        return Err(unsupported(&format!(
            "Model \"{}\" with EnableNetworkIsolation",
            model.name
        )));
    }
    Ok(())
}

/// Validates the config-wide members and returns the KMS keys given, as `(member, key)`.
fn validate_settings(input: &Value) -> Result<Vec<(String, String)>, ApiError> {
    let mut keys = Vec::new();
    let mut key_at = |holder: &Value, path: &str| -> Result<(), ApiError> {
        if let Some(k) = optional_str(holder, "KmsKeyId") {
            let member = format!("{path}KmsKeyId");
            kms::check_format(k, &member)?;
            keys.push((member, k.to_string()));
        }
        Ok(())
    };
    key_at(input, "")?;
    if let Some(dc) = input.get("DataCaptureConfig").filter(|v| !v.is_null()) {
        data_capture::validate(dc)?;
        key_at(dc, "DataCaptureConfig.")?;
    }
    if let Some(out) = input
        .get("AsyncInferenceConfig")
        .and_then(|a| a.get("OutputConfig"))
    {
        for member in ["S3OutputPath", "S3FailurePath"] {
            if let Some(p) = optional_str(out, member) {
                let path = format!("AsyncInferenceConfig.OutputConfig.{member}");
                validate::s3_or_https_url(p, &path, 512)?;
            }
        }
        key_at(out, "AsyncInferenceConfig.OutputConfig.")?;
    }
    Ok(keys)
}

pub async fn create(app: &App, region: &str, input: &Value) -> ApiResult {
    let name = required_str(input, "EndpointConfigName")?;
    validate::endpoint_style_name(name, "EndpointConfigName")?;
    let variants = input
        .get("ProductionVariants")
        .and_then(Value::as_array)
        .ok_or_else(|| validate::missing("ProductionVariants"))?;
    validate::list_length(variants.len(), "ProductionVariants", 1, 10)?;
    let keys = validate_settings(input)?;
    let wide = ConfigWide {
        volume_key: input.get("KmsKeyId").is_some_and(|k| !k.is_null()),
        data_capture: input.get("DataCaptureConfig").is_some_and(|d| !d.is_null()),
    };
    let tags = validate::tags(input.get("Tags"))?;
    let config_arn = arn(region, "endpoint-config", name);
    let k = key(region, name);
    {
        let st = app.sagemaker();
        let mut seen = HashSet::new();
        for (i, v) in variants.iter().enumerate() {
            validate_variant(&st, region, v, i + 1, &wide)?;
            let vname = optional_str(v, "VariantName")
                .unwrap_or_default()
                .to_ascii_lowercase();
            if !seen.insert(vname) {
                return Err(ApiError::validation(format!(
                    "Variant names must be unique within endpoint configuration \"{config_arn}\"."
                )));
            }
        }
        if st.configs.contains_key(&k) {
            return Err(ApiError::exists("endpoint configuration", &config_arn));
        }
    }
    kms::check_keys(app, region, &keys).await?;
    let mut st = app.sagemaker();
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
