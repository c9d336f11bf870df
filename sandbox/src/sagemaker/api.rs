//! What the SageMaker operation handlers share: the AWS error type, ARNs, the fault-rule
//! directives, the common List* pagination and the clock.

use serde_json::Value;

use crate::{ACCOUNT_ID, time};

/// An AWS error answer.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ApiError {
    pub status: u16,
    pub code: String,
    pub message: String,
}

impl ApiError {
    pub fn validation(message: String) -> Self {
        ApiError {
            status: 400,
            code: "ValidationException".into(),
            message,
        }
    }

    pub fn serialization(message: String) -> Self {
        ApiError {
            status: 400,
            code: "SerializationException".into(),
            message,
        }
    }

    /// `Could not find <kind> "<arn>".`
    pub fn not_found(kind: &str, arn: &str) -> Self {
        Self::validation(format!("Could not find {kind} \"{arn}\"."))
    }

    /// `Cannot create already existing <kind> "<arn>".`
    pub fn exists(kind: &str, arn: &str) -> Self {
        Self::validation(format!("Cannot create already existing {kind} \"{arn}\"."))
    }
}

/// Result of one operation: the response document or an AWS error.
pub type ApiResult = Result<Value, ApiError>;

/// A SageMaker ARN; the resource name is lower-cased as AWS does.
pub fn arn(region: &str, kind: &str, name: &str) -> String {
    format!(
        "arn:aws:sagemaker:{region}:{ACCOUNT_ID}:{kind}/{}",
        name.to_ascii_lowercase()
    )
}

/// Lifecycle instructions coming from fault rules.
#[derive(Clone, Debug, PartialEq)]
pub enum Directive {
    /// UpdateEndpoint should roll back, with this reason (or a default one).
    Rollback(Option<String>),
    /// CreateEndpoint should end in Failed, with this reason (or a default one).
    Fail(Option<String>),
    /// InvokeEndpoint / InvokeEndpointAsync: the model container fails.
    ModelError(ModelFault),
}

/// How an emulated model container fails (from a fault rule).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelFault {
    /// HTTP status of the `ModelError` answer (424 unless a rule says otherwise).
    pub status: u16,
    /// The status the container answered with.
    pub original_status: u16,
    /// What the container said, if the rule gave it.
    pub original_message: Option<String>,
}

/// One row of a List* answer, with the fields sorting and filtering look at.
pub struct Row {
    pub name: String,
    pub creation_time: f64,
    pub last_modified: f64,
    pub status: Option<String>,
    pub summary: Value,
}

/// Applies the common List* parameters (NameContains, time filters, StatusEquals, SortBy,
/// SortOrder, MaxResults, NextToken) and returns the page plus the next token.
pub fn paginate(
    mut rows: Vec<Row>,
    input: &Value,
) -> Result<(Vec<Value>, Option<String>), ApiError> {
    if let Some(s) = input.get("NameContains").and_then(Value::as_str) {
        let s = s.to_ascii_lowercase();
        rows.retain(|r| r.name.to_ascii_lowercase().contains(&s));
    }
    let num = |k: &str| input.get(k).and_then(Value::as_f64);
    if let Some(t) = num("CreationTimeBefore") {
        rows.retain(|r| r.creation_time < t);
    }
    if let Some(t) = num("CreationTimeAfter") {
        rows.retain(|r| r.creation_time > t);
    }
    if let Some(t) = num("LastModifiedTimeBefore") {
        rows.retain(|r| r.last_modified < t);
    }
    if let Some(t) = num("LastModifiedTimeAfter") {
        rows.retain(|r| r.last_modified > t);
    }
    if let Some(s) = input.get("StatusEquals").and_then(Value::as_str) {
        rows.retain(|r| r.status.as_deref() == Some(s));
    }
    match input
        .get("SortBy")
        .and_then(Value::as_str)
        .unwrap_or("CreationTime")
    {
        "Name" => rows.sort_by(|a, b| a.name.cmp(&b.name)),
        "Status" => rows.sort_by(|a, b| a.status.cmp(&b.status)),
        _ => rows.sort_by(|a, b| {
            a.creation_time
                .total_cmp(&b.creation_time)
                .then(a.name.cmp(&b.name))
        }),
    }
    if input
        .get("SortOrder")
        .and_then(Value::as_str)
        .unwrap_or("Descending")
        == "Descending"
    {
        rows.reverse();
    }
    let max = input
        .get("MaxResults")
        .and_then(Value::as_u64)
        .unwrap_or(10);
    if !(1..=100).contains(&max) {
        return Err(ApiError::validation(format!(
            "1 validation error detected: Value '{max}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 100"
        )));
    }
    let start = match input.get("NextToken").and_then(Value::as_str) {
        Some(t) => t
            .parse::<usize>()
            .map_err(|_| ApiError::validation(format!("Invalid pagination token \"{t}\".")))?,
        None => 0,
    };
    let end = (start + max as usize).min(rows.len());
    let next = (end < rows.len()).then(|| end.to_string());
    let page = rows
        .into_iter()
        .skip(start)
        .take(end.saturating_sub(start))
        .map(|r| r.summary)
        .collect();
    Ok((page, next))
}

/// Current time for state transitions.
pub fn now() -> f64 {
    time::now()
}
