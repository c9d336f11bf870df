//! The SageMaker control-plane emulator (AWS JSON 1.1, `X-Amz-Target: SageMaker.<Operation>`).
//!
//! State lives in [`State`], keyed by region and lower-cased name (SageMaker names are
//! case-insensitive and its ARNs carry the lower-cased name). Endpoint status is derived from
//! timestamps whenever the state is read, so no background task is needed.

pub mod checks;
pub mod configs;
pub mod endpoints;
pub mod lifecycle;
pub mod models;
pub mod tags;
pub mod validate;

use std::collections::{BTreeMap, HashMap};

use bytes::Bytes;
use http_body_util::Full;
use hyper::Response;
use serde_json::{Value, json};

use crate::app::App;
use crate::protocol::{Protocol, RequestInfo, error_response, response};
use crate::{ACCOUNT_ID, time};

pub use configs::EndpointConfig;
pub use lifecycle::Endpoint;
pub use models::Model;

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

/// Map key: (region, lower-cased name).
pub type Key = (String, String);

/// Builds the map key for `name` in `region`.
pub fn key(region: &str, name: &str) -> Key {
    (region.to_string(), name.to_ascii_lowercase())
}

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
}

/// All SageMaker objects.
#[derive(Debug, Default)]
pub struct State {
    pub models: BTreeMap<Key, Model>,
    pub configs: BTreeMap<Key, EndpointConfig>,
    pub endpoints: BTreeMap<Key, Endpoint>,
    /// Tags by resource ARN.
    pub tags: HashMap<String, Vec<(String, String)>>,
}

impl State {
    /// Every endpoint's status and timing at `now` (sorted by region, then name).
    pub fn endpoint_times(&mut self, now: f64) -> Vec<lifecycle::EndpointTimes> {
        self.advance(now);
        self.endpoints
            .iter()
            .map(|((region, _), e)| e.times(region))
            .collect()
    }

    /// Moves every endpoint's lifecycle forward to `now`, dropping the deleted ones.
    pub fn advance(&mut self, now: f64) {
        let mut gone = Vec::new();
        for (k, e) in self.endpoints.iter_mut() {
            if !e.advance(now) {
                gone.push((k.clone(), e.arn.clone()));
            }
        }
        for (k, arn) in gone {
            self.endpoints.remove(&k);
            self.tags.remove(&arn);
        }
    }

    /// Whether an ARN names an existing model, config or endpoint.
    pub fn arn_exists(&self, arn: &str) -> bool {
        self.models.values().any(|m| m.arn == arn)
            || self.configs.values().any(|c| c.arn == arn)
            || self.endpoints.values().any(|e| e.arn == arn)
    }
}

/// Handles one SageMaker request.
pub async fn handle(
    app: &App,
    info: &RequestInfo,
    body: &Bytes,
    directive: Option<Directive>,
) -> Response<Full<Bytes>> {
    let input: Value = if body.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        match serde_json::from_slice::<Value>(body) {
            Ok(v) if v.is_object() => v,
            _ => {
                return error_response(
                    Protocol::AwsJson("1.1"),
                    400,
                    "SerializationException",
                    "Request body is not a JSON object",
                );
            }
        }
    };
    let region = info.region.as_str();
    let result = match info.operation.as_str() {
        "CreateModel" => models::create(app, region, &input),
        "DescribeModel" => models::describe(app, region, &input),
        "DeleteModel" => models::delete(app, region, &input),
        "ListModels" => models::list(app, region, &input),
        "CreateEndpointConfig" => configs::create(app, region, &input),
        "DescribeEndpointConfig" => configs::describe(app, region, &input),
        "DeleteEndpointConfig" => configs::delete(app, region, &input),
        "ListEndpointConfigs" => configs::list(app, region, &input),
        "CreateEndpoint" => endpoints::create(app, region, &input, directive).await,
        "DescribeEndpoint" => endpoints::describe(app, region, &input),
        "UpdateEndpoint" => endpoints::update(app, region, &input, directive).await,
        "UpdateEndpointWeightsAndCapacities" => endpoints::update_weights(app, region, &input),
        "DeleteEndpoint" => endpoints::delete(app, region, &input),
        "ListEndpoints" => endpoints::list(app, region, &input),
        "AddTags" => tags::add(app, &input),
        "DeleteTags" => tags::delete(app, &input),
        "ListTags" => tags::list(app, &input),
        other => Err(ApiError {
            status: 400,
            code: "UnknownOperationException".into(),
            message: format!("The sandbox does not implement SageMaker operation {other}"),
        }),
    };
    match result {
        Ok(v) => response(
            200,
            "application/x-amz-json-1.1",
            v.to_string().into_bytes(),
        ),
        Err(e) => error_response(Protocol::AwsJson("1.1"), e.status, &e.code, &e.message),
    }
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
