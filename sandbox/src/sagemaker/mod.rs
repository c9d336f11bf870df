//! The SageMaker control-plane emulator (AWS JSON 1.1, `X-Amz-Target: SageMaker.<Operation>`):
//! [`handle`] dispatches each operation to its handler module, the tagging API's GetResources
//! for SageMaker ARNs included. The SageMaker Runtime API
//! (REST-JSON, `POST /endpoints/{name}/invocations`, …) lives in [`runtime`].
//!
//! The objects live in [`crate::store::State`] (held by [`App`]). Endpoint status is derived
//! from timestamps whenever the state is read, so no background task is needed. The handlers
//! share the helpers in [`api`] and never import this module.

pub mod api;
pub mod checks;
pub mod configs;
pub mod data_capture;
pub mod endpoints;
pub mod kms;
pub mod log_groups;
pub mod models;
pub mod runtime;
pub mod serverless;
pub mod tagging;
pub mod tags;
pub mod validate;

use std::sync::Arc;

use bytes::Bytes;
use http_body_util::Full;
use hyper::Response;
use serde_json::{Value, json};

use crate::app::App;
use crate::protocol::{Protocol, RequestInfo, error_response, response};

pub use api::{ApiError, Directive, ModelFault, now};

/// Handles one SageMaker request.
pub async fn handle(
    app: &Arc<App>,
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
        "CreateEndpointConfig" => configs::create(app, region, &input).await,
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
        // The tagging API's, for SageMaker ARNs (see `tagging`).
        "GetResources" => tagging::get_resources(app, &input),
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
