//! The Resource Groups Tagging API's GetResources (AWS JSON 1.1, signed for `tagging`) for
//! the SageMaker objects the sandbox holds: with `ResourceARNList`, the tags of each endpoint,
//! endpoint config and model named. As in AWS, an ARN that does not exist (or has no tags) is
//! left out of the answer rather than refused. A request that names any other ARN, or none,
//! is not SageMaker's and goes to moto like the rest of the API.

use serde_json::{Value, json};

use super::api::{ApiError, ApiResult, now};
use crate::app::App;

/// Most ARNs one request may name.
const MAX_ARNS: usize = 100;

/// True when `body` is a GetResources request whose `ResourceARNList` names SageMaker ARNs
/// only: the sandbox answers those itself.
pub fn is_for_sagemaker(body: &[u8]) -> bool {
    let Ok(input) = serde_json::from_slice::<Value>(body) else {
        return false;
    };
    let Some(arns) = input.get("ResourceARNList").and_then(Value::as_array) else {
        return false;
    };
    !arns.is_empty()
        && arns.iter().all(|a| {
            a.as_str()
                .is_some_and(|a| a.split(':').nth(2) == Some("sagemaker"))
        })
}

fn invalid(message: String) -> ApiError {
    ApiError {
        status: 400,
        code: "InvalidParameterException".into(),
        message,
    }
}

/// GetResources with `ResourceARNList` (1 to 100 ARNs, no pagination parameters).
pub fn get_resources(app: &App, input: &Value) -> ApiResult {
    let arns: Vec<&str> = input
        .get("ResourceARNList")
        .and_then(Value::as_array)
        .map(|l| l.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if arns.is_empty() || arns.len() > MAX_ARNS {
        return Err(invalid(format!(
            "ResourceARNList must name 1 to {MAX_ARNS} ARNs; it names {}.",
            arns.len()
        )));
    }
    for p in [
        "PaginationToken",
        "ResourcesPerPage",
        "TagsPerPage",
        "TagFilters",
    ] {
        if input.get(p).is_some_and(|v| !v.is_null()) {
            return Err(invalid(format!(
                "{p} cannot be used together with ResourceARNList."
            )));
        }
    }
    let mut st = app.sagemaker();
    st.advance(now());
    let mut mappings = Vec::new();
    for arn in arns {
        if !st.arn_exists(arn) {
            continue;
        }
        let tags: Vec<Value> = st
            .tags
            .get(arn)
            .into_iter()
            .flatten()
            .map(|(k, v)| json!({"Key": k, "Value": v}))
            .collect();
        if !tags.is_empty() {
            mappings.push(json!({"ResourceARN": arn, "Tags": tags}));
        }
    }
    Ok(json!({"ResourceTagMappingList": mappings, "PaginationToken": ""}))
}
