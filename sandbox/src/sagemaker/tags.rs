//! Tags on SageMaker resources: AddTags, DeleteTags, ListTags (keyed by resource ARN).

use serde_json::{Value, json};

use super::api::{ApiError, ApiResult, now};
use super::validate::{self, required_str};
use crate::app::App;

fn resource_missing(arn: &str) -> ApiError {
    ApiError {
        status: 400,
        code: "ResourceNotFound".into(),
        message: format!("Resource \"{arn}\" does not exist."),
    }
}

pub fn add(app: &App, input: &Value) -> ApiResult {
    let arn = required_str(input, "ResourceArn")?;
    let new = validate::tags(input.get("Tags"))?;
    let mut st = app.sagemaker();
    st.advance(now());
    if !st.arn_exists(arn) {
        return Err(resource_missing(arn));
    }
    let list = st.tags.entry(arn.to_string()).or_default();
    for (k, v) in new {
        match list.iter_mut().find(|(ek, _)| *ek == k) {
            Some(slot) => slot.1 = v,
            None => list.push((k, v)),
        }
    }
    if list.len() > 50 {
        return Err(ApiError::validation(format!(
            "Resource \"{arn}\" would have more than 50 tags."
        )));
    }
    let tags: Vec<Value> = list
        .iter()
        .map(|(k, v)| json!({"Key": k, "Value": v}))
        .collect();
    Ok(json!({ "Tags": tags }))
}

pub fn delete(app: &App, input: &Value) -> ApiResult {
    let arn = required_str(input, "ResourceArn")?;
    let keys: Vec<String> = input
        .get("TagKeys")
        .and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let mut st = app.sagemaker();
    st.advance(now());
    if !st.arn_exists(arn) {
        return Err(resource_missing(arn));
    }
    if let Some(list) = st.tags.get_mut(arn) {
        list.retain(|(k, _)| !keys.contains(k));
    }
    Ok(json!({}))
}

pub fn list(app: &App, input: &Value) -> ApiResult {
    let arn = required_str(input, "ResourceArn")?;
    let mut st = app.sagemaker();
    st.advance(now());
    if !st.arn_exists(arn) {
        return Err(resource_missing(arn));
    }
    let all = st.tags.get(arn).cloned().unwrap_or_default();
    let max = input
        .get("MaxResults")
        .and_then(Value::as_u64)
        .unwrap_or(50) as usize;
    let start = input
        .get("NextToken")
        .and_then(Value::as_str)
        .and_then(|t| t.parse().ok())
        .unwrap_or(0usize);
    let end = (start + max.max(1)).min(all.len());
    let page: Vec<Value> = all
        .get(start..end)
        .unwrap_or_default()
        .iter()
        .map(|(k, v)| json!({"Key": k, "Value": v}))
        .collect();
    let mut out = json!({ "Tags": page });
    if end < all.len() {
        out["NextToken"] = json!(end.to_string());
    }
    Ok(out)
}
