//! The errors of the SageMaker Runtime API, in its REST-JSON shape: the code in the
//! `x-amzn-ErrorType` header, the text in the body (`message`, or `Message` with the model's
//! own status and text for a `ModelError`).

use bytes::Bytes;
use http_body_util::Full;
use hyper::Response;
use hyper::header::HeaderValue;
use serde_json::json;

use crate::ACCOUNT_ID;
use crate::protocol::{Protocol, error_response, response};
use crate::sagemaker::api::{ApiError, ModelFault};
use crate::sagemaker::log_groups::log_group;

/// Why a runtime call failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RuntimeError {
    /// `ValidationError` (400): bad input, unknown endpoint, endpoint not serving.
    #[error("ValidationError: {0}")]
    Validation(String),
    /// `ModelError` (424 unless a fault rule says otherwise): the container answered an error.
    #[error("ModelError: {message}")]
    Model {
        status: u16,
        message: String,
        original_status: u16,
        original_message: String,
        log_stream_arn: String,
    },
    /// An operation the sandbox recognises but does not serve.
    #[error("UnknownOperationException: {0}")]
    Unsupported(String),
}

/// The control plane's validation messages (names, constraints) apply unchanged; only the
/// code differs (`ValidationError` here, `ValidationException` there).
impl From<ApiError> for RuntimeError {
    fn from(e: ApiError) -> Self {
        RuntimeError::Validation(e.message)
    }
}

impl RuntimeError {
    /// `Endpoint <name> of account <account> not found.`, as SageMaker Runtime words it.
    pub fn endpoint_not_found(name: &str) -> Self {
        RuntimeError::Validation(format!(
            "Endpoint {name} of account {ACCOUNT_ID} not found."
        ))
    }

    /// The `ModelError` for a container of endpoint `endpoint` that answered
    /// `original_status` with `original_message`.
    pub fn model(
        region: &str,
        endpoint: &str,
        status: u16,
        original_status: u16,
        original_message: String,
    ) -> Self {
        let group = log_group(endpoint);
        RuntimeError::Model {
            status,
            message: format!(
                "Received {} error ({original_status}) from primary with message \"{original_message}\". \
                 See https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}#logEventViewer:group={group} \
                 in account {ACCOUNT_ID} for more information.",
                error_side(original_status)
            ),
            original_status,
            original_message,
            log_stream_arn: format!("arn:aws:logs:{region}:{ACCOUNT_ID}:log-group:{group}"),
        }
    }

    /// The `ModelError` a fault rule asks for.
    pub fn from_fault(region: &str, endpoint: &str, fault: &ModelFault) -> Self {
        Self::model(
            region,
            endpoint,
            fault.status,
            fault.original_status,
            original_message(fault),
        )
    }

    /// The error code, as in `x-amzn-ErrorType`.
    pub fn code(&self) -> &'static str {
        match self {
            RuntimeError::Validation(_) => "ValidationError",
            RuntimeError::Model { .. } => "ModelError",
            RuntimeError::Unsupported(_) => "UnknownOperationException",
        }
    }

    /// The answer to send.
    pub fn into_response(self) -> Response<Full<Bytes>> {
        let code = self.code();
        match self {
            RuntimeError::Validation(message) | RuntimeError::Unsupported(message) => {
                error_response(Protocol::RestJson, 400, code, &message)
            }
            RuntimeError::Model {
                status,
                message,
                original_status,
                original_message,
                log_stream_arn,
            } => {
                let body = json!({
                    "Message": message,
                    "OriginalStatusCode": original_status,
                    "OriginalMessage": original_message,
                    "LogStreamArn": log_stream_arn,
                });
                let mut resp = response(status, "application/json", body.to_string().into_bytes());
                resp.headers_mut()
                    .insert("x-amzn-errortype", HeaderValue::from_static("ModelError"));
                resp
            }
        }
    }
}

/// What the emulated container says: the fault rule's text, or a default naming the status.
pub fn original_message(fault: &ModelFault) -> String {
    fault.original_message.clone().unwrap_or_else(|| {
        format!(
            "The model container answered HTTP {} (sandbox fault rule).",
            fault.original_status
        )
    })
}

/// `client` for a 4xx answer of the container, `server` otherwise.
pub fn error_side(status: u16) -> &'static str {
    if (400..500).contains(&status) {
        "client"
    } else {
        "server"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_errors_name_the_log_group() {
        let e = RuntimeError::model("eu-west-1", "ep", 424, 400, "bad input".into());
        let RuntimeError::Model {
            message,
            log_stream_arn,
            ..
        } = &e
        else {
            panic!("not a model error: {e:?}");
        };
        assert!(
            message.starts_with(
                "Received client error (400) from primary with message \"bad input\"."
            ),
            "{message}"
        );
        assert_eq!(
            log_stream_arn,
            "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/sagemaker/Endpoints/ep"
        );
        let resp = e.into_response();
        assert_eq!(resp.status().as_u16(), 424);
        assert_eq!(resp.headers()["x-amzn-errortype"], "ModelError");
    }
}
