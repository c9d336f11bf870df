//! The SageMaker Runtime API (REST-JSON on the same URL, signed for `sagemaker` like the
//! control plane but without `X-Amz-Target`): `InvokeEndpoint` and `InvokeEndpointAsync`
//! against the endpoints the control plane holds. [`handle`] dispatches; the modules below
//! never import this one.
//!
//! - [`model`]: which endpoint and variant serve a call, and the echo model they run;
//! - [`invoke`]: real-time inference;
//! - [`asynchronous`]: accepting an asynchronous inference, and [`job`]: running it later
//!   against moto's S3 and SNS;
//! - [`errors`]: the runtime's error shapes.

pub mod asynchronous;
pub mod errors;
pub mod invoke;
pub mod job;
pub mod model;

use std::sync::Arc;

use bytes::Bytes;
use http_body_util::Full;
use hyper::Response;
use hyper::http::request::Parts;

use crate::app::App;
use crate::protocol::{RequestInfo, RuntimeOperation, runtime_route};
use crate::sagemaker::api::Directive;
use errors::RuntimeError;

/// Handles one SageMaker Runtime request (the caller has matched its path).
pub fn handle(
    app: &Arc<App>,
    info: &RequestInfo,
    parts: &Parts,
    body: &Bytes,
    directive: Option<Directive>,
) -> Response<Full<Bytes>> {
    let fault = match directive {
        Some(Directive::ModelError(f)) => Some(f),
        _ => None,
    };
    let region = info.region.as_str();
    let result = match runtime_route(&parts.method, parts.uri.path()) {
        Some((RuntimeOperation::InvokeEndpoint, name)) => {
            invoke::invoke(app, region, &name, &parts.headers, body, fault.as_ref())
        }
        Some((RuntimeOperation::InvokeEndpointAsync, name)) => {
            asynchronous::invoke_async(app, region, &name, &parts.headers, fault)
        }
        Some((op, _)) => Err(RuntimeError::Unsupported(format!(
            "The sandbox does not implement SageMaker Runtime operation {}",
            op.name()
        ))),
        None => Err(RuntimeError::Unsupported(format!(
            "No SageMaker Runtime operation at {} {}",
            parts.method,
            parts.uri.path()
        ))),
    };
    result.unwrap_or_else(RuntimeError::into_response)
}
