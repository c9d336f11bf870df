//! Models: CreateModel, DescribeModel, DeleteModel, ListModels.

use serde_json::{Value, json};

use super::api::{ApiError, ApiResult, Row, arn, now, paginate};
use super::validate::{self, optional_str, required_str};
use crate::app::App;
use crate::store::{Model, key};

fn validate_container(c: &Value, path: &str) -> Result<(), ApiError> {
    if c.get("ModelPackageName").is_none() {
        let image = required_str(c, "Image").map_err(|_| {
            ApiError::validation(format!(
                "Image must be specified in {path} when no model package is given."
            ))
        })?;
        if image.is_empty() || image.len() > 255 || image.chars().any(char::is_whitespace) {
            return Err(ApiError::validation(format!(
                "1 validation error detected: Value '{image}' at '{}.image' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\S]+",
                validate::wire_name(path)
            )));
        }
    }
    if let Some(url) = optional_str(c, "ModelDataUrl") {
        validate::data_url(url, &format!("{path}.ModelDataUrl"))?;
    }
    if let Some(src) = c.get("ModelDataSource").and_then(|s| s.get("S3DataSource")) {
        let uri = required_str(src, "S3Uri")?;
        validate::data_url(uri, &format!("{path}.ModelDataSource.S3DataSource.S3Uri"))?;
        let kind = required_str(src, "S3DataType")?;
        if kind != "S3Prefix" && kind != "S3Object" {
            return Err(ApiError::validation(format!(
                "1 validation error detected: Value '{kind}' at '{}.modelDataSource.s3DataSource.s3DataType' failed to satisfy constraint: Member must satisfy enum value set: [S3Prefix, S3Object]",
                validate::wire_name(path)
            )));
        }
        required_str(src, "CompressionType")?;
    }
    Ok(())
}

/// The "could not assume role" error that IAM eventual consistency produces.
pub fn assume_role_error(role_arn: &str) -> String {
    format!(
        "Could not assume role {role_arn}. Please ensure that the role exists and allows principal \
         'sagemaker.amazonaws.com' to assume the role."
    )
}

pub fn create(app: &App, region: &str, input: &Value) -> ApiResult {
    let name = required_str(input, "ModelName")?;
    validate::model_name(name, "ModelName")?;
    let role = required_str(input, "ExecutionRoleArn")?;
    validate::role_arn(role, "ExecutionRoleArn")?;
    validate::optional_bool(input, "EnableNetworkIsolation")?;
    let primary = input.get("PrimaryContainer");
    let containers = input.get("Containers").and_then(Value::as_array);
    match (primary, containers) {
        (None, None) => {
            return Err(ApiError::validation(
                "Either PrimaryContainer or Containers must be specified.".into(),
            ));
        }
        (Some(_), Some(_)) => {
            return Err(ApiError::validation(
                "PrimaryContainer and Containers cannot both be specified.".into(),
            ));
        }
        (Some(p), None) => validate_container(p, "PrimaryContainer")?,
        (None, Some(list)) => {
            if list.is_empty() || list.len() > 15 {
                return Err(ApiError::validation(
                    "1 validation error detected: Value at 'containers' failed to satisfy constraint: Member must have length between 1 and 15".into(),
                ));
            }
            for (i, c) in list.iter().enumerate() {
                validate_container(c, &format!("Containers.{}.member", i + 1))?;
            }
        }
    }
    let tags = validate::tags(input.get("Tags"))?;
    let model_arn = arn(region, "model", name);
    let role_name = role.rsplit('/').next().unwrap_or_default();
    if let Some(created) = app.role_created_at(role_name) {
        let delay = app.durations().iam_propagation_ms;
        if now() < crate::time::plus_ms(created, delay) {
            return Err(ApiError::validation(assume_role_error(role)));
        }
    }
    let mut st = app.sagemaker();
    let k = key(region, name);
    if st.models.contains_key(&k) {
        return Err(ApiError::exists("model", &model_arn));
    }
    let mut spec = input.clone();
    if let Some(obj) = spec.as_object_mut() {
        obj.remove("Tags");
        obj.remove("ModelName");
    }
    st.models.insert(
        k,
        Model {
            name: name.to_string(),
            arn: model_arn.clone(),
            creation_time: now(),
            spec,
        },
    );
    if !tags.is_empty() {
        st.tags.insert(model_arn.clone(), tags);
    }
    Ok(json!({ "ModelArn": model_arn }))
}

pub fn describe(app: &App, region: &str, input: &Value) -> ApiResult {
    let name = required_str(input, "ModelName")?;
    let st = app.sagemaker();
    let m = st
        .models
        .get(&key(region, name))
        .ok_or_else(|| ApiError::not_found("model", &arn(region, "model", name)))?;
    let mut out = m.spec.clone();
    if let Some(obj) = out.as_object_mut() {
        obj.insert("ModelName".into(), json!(m.name));
        obj.insert("ModelArn".into(), json!(m.arn));
        obj.insert("CreationTime".into(), json!(m.creation_time));
        obj.entry("EnableNetworkIsolation").or_insert(json!(false));
    }
    Ok(out)
}

pub fn delete(app: &App, region: &str, input: &Value) -> ApiResult {
    let name = required_str(input, "ModelName")?;
    let mut st = app.sagemaker();
    let m = st
        .models
        .remove(&key(region, name))
        .ok_or_else(|| ApiError::not_found("model", &arn(region, "model", name)))?;
    st.tags.remove(&m.arn);
    Ok(json!({}))
}

pub fn list(app: &App, region: &str, input: &Value) -> ApiResult {
    let st = app.sagemaker();
    let rows = st
        .models
        .iter()
        .filter(|((r, _), _)| r == region)
        .map(|(_, m)| Row {
            name: m.name.clone(),
            creation_time: m.creation_time,
            last_modified: m.creation_time,
            status: None,
            summary: json!({"ModelName": m.name, "ModelArn": m.arn, "CreationTime": m.creation_time}),
        })
        .collect();
    let (page, next) = paginate(rows, input)?;
    let mut out = json!({ "Models": page });
    if let Some(t) = next {
        out["NextToken"] = json!(t);
    }
    Ok(out)
}
