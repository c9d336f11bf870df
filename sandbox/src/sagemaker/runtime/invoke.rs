//! `InvokeEndpoint`: a real-time inference. The serving variant runs the echo model and the
//! answer carries the model's JSON, the variant in `x-Amzn-Invoked-Production-Variant` and the
//! caller's custom attributes back in `X-Amzn-SageMaker-Custom-Attributes`.

use bytes::Bytes;
use http_body_util::Full;
use hyper::Response;
use hyper::header::{HeaderMap, HeaderValue};

use super::errors::RuntimeError;
use super::model::{
    DEFAULT_CONTENT_TYPE, Inference, MODEL_CONTENT_TYPE, constraint, echo, header, serving,
};
use crate::app::App;
use crate::protocol::response;
use crate::sagemaker::api::ModelFault;

/// Largest real-time request payload SageMaker accepts (6 MB).
pub const MAX_PAYLOAD: usize = 6 * 1024 * 1024;

/// Header with the caller's custom attributes (echoed back).
pub const CUSTOM_ATTRIBUTES: &str = "x-amzn-sagemaker-custom-attributes";

/// Serves one InvokeEndpoint call; `fault` makes the container fail.
pub fn invoke(
    app: &App,
    region: &str,
    endpoint: &str,
    headers: &HeaderMap,
    body: &Bytes,
    fault: Option<&ModelFault>,
) -> Result<Response<Full<Bytes>>, RuntimeError> {
    let live = serving(app, region, endpoint)?;
    if live.async_config.is_some() {
        return Err(RuntimeError::Validation(format!(
            "Endpoint {} of account {} is an asynchronous inference endpoint; call \
             InvokeEndpointAsync instead.",
            live.name,
            crate::ACCOUNT_ID
        )));
    }
    if body.len() > MAX_PAYLOAD {
        return Err(constraint(
            &format!("<{} bytes>", body.len()),
            "Body",
            &format!("Member must have length less than or equal to {MAX_PAYLOAD}"),
        ));
    }
    let variant = live.pick_variant(header(headers, "x-amzn-sagemaker-target-variant"))?;
    if let Some(f) = fault {
        return Err(RuntimeError::from_fault(region, &live.name, f));
    }
    let out = echo(&Inference {
        endpoint: &live.name,
        variant: &variant,
        content_type: header(headers, "content-type").unwrap_or(DEFAULT_CONTENT_TYPE),
        accept: header(headers, "accept"),
        body,
    });
    let mut resp = response(200, MODEL_CONTENT_TYPE, out);
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&variant) {
        h.insert("x-amzn-invoked-production-variant", v);
    }
    if let Some(v) = headers.get(CUSTOM_ATTRIBUTES) {
        h.insert(CUSTOM_ATTRIBUTES, v.clone());
    }
    Ok(resp)
}
