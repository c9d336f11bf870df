//! The SageMaker runtime: InvokeEndpoint and InvokeEndpointAsync, for the
//! action `sagemaker_invoke_endpoint`. An answer of the model, even an error
//! answer (SageMaker's `ModelError` carries the container's own status and
//! message), is an [`Answer`] the caller judges against its expectations;
//! only calls that got no answer at all are errors.

use super::clients::Clients;
use super::error::AwsError;
use aws_sdk_sagemakerruntime::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_sagemakerruntime::operation::invoke_endpoint::InvokeEndpointError;
use aws_sdk_sagemakerruntime::primitives::Blob;

/// What to send to an endpoint.
#[derive(Debug, Clone)]
pub struct Invocation<'a> {
    pub endpoint_name: &'a str,
    pub body: &'a [u8],
    pub content_type: &'a str,
    pub accept: Option<&'a str>,
}

/// What came back: an HTTP status and a body, from the model (or from
/// SageMaker, for its own refusals, with `error_code` set).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
    pub content_type: Option<String>,
    /// The variant that served it.
    pub variant: Option<String>,
    /// SageMaker's error code when the call was refused (`ModelError`,
    /// `ValidationError`, ...).
    pub error_code: Option<String>,
}

/// InvokeEndpoint. A refusal that came with an HTTP answer is an
/// [`Answer`]; `Err` only when there was no answer (network, timeout).
pub async fn invoke(c: &Clients, call: &Invocation<'_>) -> Result<Answer, AwsError> {
    tracing::debug!(
        endpoint = call.endpoint_name,
        "sagemaker-runtime:InvokeEndpoint"
    );
    let sent = c
        .runtime
        .invoke_endpoint()
        .endpoint_name(call.endpoint_name)
        .body(Blob::new(call.body.to_vec()))
        .content_type(call.content_type)
        .set_accept(call.accept.map(str::to_string))
        .send()
        .await;
    match sent {
        Ok(out) => Ok(Answer {
            status: 200,
            body: out.body().map(|b| b.as_ref().to_vec()).unwrap_or_default(),
            content_type: out.content_type().map(str::to_string),
            variant: out.invoked_production_variant().map(str::to_string),
            error_code: None,
        }),
        Err(SdkError::ServiceError(ctx)) => {
            let status = ctx.raw().status().as_u16();
            let err = ctx.err();
            let code = err.code().map(str::to_string);
            let answer = match err {
                InvokeEndpointError::ModelError(m) => Answer {
                    status: m
                        .original_status_code()
                        .and_then(|s| u16::try_from(s).ok())
                        .unwrap_or(status),
                    body: m
                        .original_message()
                        .or(m.message())
                        .unwrap_or_default()
                        .as_bytes()
                        .to_vec(),
                    content_type: None,
                    variant: None,
                    error_code: code,
                },
                other => Answer {
                    status,
                    body: other.message().unwrap_or_default().as_bytes().to_vec(),
                    content_type: None,
                    variant: None,
                    error_code: code,
                },
            };
            Ok(answer)
        }
        Err(e) => Err(AwsError::from_sdk("InvokeEndpoint", e)),
    }
}

/// Where an asynchronous request will be answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queued {
    pub inference_id: String,
    pub output_location: String,
    pub failure_location: Option<String>,
}

/// InvokeEndpointAsync of the request stored at `input_location` (an
/// `s3://` URI).
pub async fn invoke_async(
    c: &Clients,
    endpoint_name: &str,
    input_location: &str,
    content_type: &str,
    accept: Option<&str>,
) -> Result<Queued, AwsError> {
    tracing::debug!(
        endpoint = endpoint_name,
        "sagemaker-runtime:InvokeEndpointAsync"
    );
    let out = c
        .runtime
        .invoke_endpoint_async()
        .endpoint_name(endpoint_name)
        .input_location(input_location)
        .content_type(content_type)
        .set_accept(accept.map(str::to_string))
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("InvokeEndpointAsync", e))?;
    let output_location = out.output_location().unwrap_or_default().to_string();
    if output_location.is_empty() {
        return Err(AwsError::invalid_request(
            "InvokeEndpointAsync",
            "the answer names no output location",
        ));
    }
    Ok(Queued {
        inference_id: out.inference_id().unwrap_or_default().to_string(),
        output_location,
        failure_location: out.failure_location().map(str::to_string),
    })
}
