//! The one error type of the AWS layer, and its classification.
//!
//! SDK errors are turned into [`AwsError::Api`], which keeps AWS's own error
//! code and message verbatim (users search for them). Errors that never reached
//! AWS (no connection, timeouts, bad requests built locally) get a synthetic
//! code in the same field, so callers need only one shape. The predicates
//! answer the questions the lifecycle asks: is this "not found" (per service
//! conventions), a throttle, an "already exists", or SageMaker's refusal to
//! assume a freshly created role (IAM eventual consistency)?

use aws_sdk_sagemaker::error::{ProvideErrorMetadata, SdkError};
use std::error::Error as StdError;
use std::fmt::Debug;
use std::time::Duration;

/// How deep [`error_chain`] follows `source()`.
const MAX_CHAIN: usize = 16;

/// The readable text of an error: its `Display` and that of each source,
/// joined with ": ". A source whose text is already part of what was said
/// (SDK errors often repeat their cause) is left out, as are empty ones.
/// Unlike the SDK's `DisplayErrorContext`, no `Debug` dump is appended;
/// that goes to the debug log instead.
pub(crate) fn error_chain(err: &(dyn StdError + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(err);
    for _ in 0..MAX_CHAIN {
        let Some(e) = next else { break };
        let text = e.to_string();
        let text = text.trim();
        if !text.is_empty() && !parts.iter().any(|p| p.contains(text)) {
            // A source that restates an earlier part and adds to it replaces it.
            parts.retain(|p| !text.contains(p.as_str()));
            parts.push(text.to_string());
        }
        next = e.source();
    }
    parts.join(": ")
}

/// Everything that can go wrong in the AWS layer.
#[derive(Debug, thiserror::Error)]
pub enum AwsError {
    /// AWS (or the transport on the way) refused the call.
    #[error("{operation}: {code}: {message}")]
    Api {
        operation: &'static str,
        code: String,
        message: String,
    },
    /// A wait ran out of time.
    #[error("timed out after {after:?} waiting for {what} (last status: {last_status})")]
    Timeout {
        what: String,
        after: Duration,
        last_status: String,
    },
    /// A wait was stopped on request (timeout of the caller, or StopProvider).
    #[error("cancelled while waiting for {what}")]
    Cancelled { what: String },
    /// The object reached a terminal failure state.
    #[error("{what} failed: {reason}")]
    Failed { what: String, reason: String },
    /// An object exists under the name we need, without this resource's
    /// ownership mark: nothing was changed.
    #[error("{0}")]
    Foreign(super::owner::Foreign),
    /// An endpoint update ended back on the old configuration.
    #[error("{what} rolled back to endpoint config {live_config}: {reason}")]
    RolledBack {
        what: String,
        live_config: String,
        reason: String,
    },
}

/// Error codes AWS uses for throttling across the services we call.
const THROTTLING_CODES: [&str; 8] = [
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "RequestThrottledException",
    "SlowDown",
];

impl AwsError {
    /// Converts an SDK error of `operation`, keeping AWS's code and message.
    pub(crate) fn from_sdk<E, R>(operation: &'static str, err: SdkError<E, R>) -> AwsError
    where
        E: ProvideErrorMetadata + StdError + 'static,
        R: Debug + 'static,
    {
        // The full structure, for TF_LOG=DEBUG; users see the readable chain.
        tracing::debug!(operation, error = ?err, "AWS SDK error");
        let (code, message) = match &err {
            SdkError::ServiceError(_) => (
                err.code().unwrap_or("Unknown").to_string(),
                err.message()
                    .map(str::to_string)
                    .unwrap_or_else(|| error_chain(&err)),
            ),
            SdkError::TimeoutError(_) => ("RequestTimeout".into(), error_chain(&err)),
            SdkError::DispatchFailure(_) => ("DispatchFailure".into(), error_chain(&err)),
            SdkError::ResponseError(_) => ("ResponseError".into(), error_chain(&err)),
            _ => ("ConstructionFailure".into(), error_chain(&err)),
        };
        AwsError::Api {
            operation,
            code,
            message,
        }
    }

    /// A local error about a request we could not build (missing field, ...).
    pub(crate) fn invalid_request(operation: &'static str, message: impl Into<String>) -> AwsError {
        AwsError::Api {
            operation,
            code: "InvalidRequest".into(),
            message: message.into(),
        }
    }

    /// AWS's error code, for [`AwsError::Api`].
    pub fn code(&self) -> Option<&str> {
        match self {
            AwsError::Api { code, .. } => Some(code),
            _ => None,
        }
    }

    /// AWS's error message, for [`AwsError::Api`].
    pub(crate) fn message(&self) -> Option<&str> {
        match self {
            AwsError::Api { message, .. } => Some(message),
            _ => None,
        }
    }

    /// True for throttling answers (after the SDK's own retries gave up).
    pub(crate) fn is_throttling(&self) -> bool {
        matches!(self.code(), Some(c) if THROTTLING_CODES.contains(&c))
            || matches!(self.message(), Some(m) if m.eq_ignore_ascii_case("Rate exceeded"))
    }

    /// True when the object does not exist: SageMaker's ValidationException
    /// "Could not find ...", IAM's NoSuchEntity, SNS's NotFound, and the
    /// generic ResourceNotFound codes.
    pub(crate) fn is_not_found(&self) -> bool {
        match (self.code(), self.message()) {
            (Some("ValidationException"), Some(m)) => m.starts_with("Could not find"),
            (Some(c), _) => {
                matches!(
                    c,
                    "NoSuchEntity" | "NotFound" | "NotFoundException" | "ResourceNotFound"
                ) || c == "ResourceNotFoundException"
            }
            _ => false,
        }
    }

    /// True when a create found the object already there: SageMaker's
    /// ValidationException "Cannot create already existing ...", IAM's
    /// EntityAlreadyExists.
    pub(crate) fn is_already_exists(&self) -> bool {
        match (self.code(), self.message()) {
            (Some("ValidationException"), Some(m)) => {
                m.starts_with("Cannot create already existing")
            }
            (Some(c), _) => c == "EntityAlreadyExists" || c == "ResourceInUse",
            _ => false,
        }
    }

    /// True for SageMaker's refusal to assume a role it cannot see yet (IAM
    /// eventual consistency), worded by AWS as "Could not assume role <arn>.
    /// Please ensure that the role exists and allows principal
    /// 'sagemaker.amazonaws.com' to assume the role." Every other
    /// ValidationException is final.
    pub fn is_assume_role_propagation(&self) -> bool {
        match (self.code(), self.message()) {
            (Some("ValidationException"), Some(m)) => {
                let m = m.to_ascii_lowercase();
                m.contains("could not assume role")
                    || m.contains("unable to assume role")
                    || m.contains("not able to assume role")
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(code: &str, message: &str) -> AwsError {
        AwsError::Api {
            operation: "Op",
            code: code.into(),
            message: message.into(),
        }
    }

    #[test]
    fn assume_role_wordings_are_recognised() {
        let real = api(
            "ValidationException",
            "Could not assume role arn:aws:iam::123456789012:role/sm-x-us-east-1. Please ensure \
             that the role exists and allows principal 'sagemaker.amazonaws.com' to assume the role.",
        );
        assert!(real.is_assume_role_propagation());
        assert!(!real.is_not_found());
        let other = api(
            "ValidationException",
            "1 validation error detected: Value 'x' at 'instanceType' failed to satisfy constraint",
        );
        assert!(!other.is_assume_role_propagation());
        assert!(!api("AccessDenied", "Could not assume role x").is_assume_role_propagation());
        let timeout = AwsError::Timeout {
            what: "x".into(),
            after: Duration::from_secs(1),
            last_status: "Creating".into(),
        };
        assert!(!timeout.is_assume_role_propagation());
    }

    #[test]
    fn not_found_per_service() {
        assert!(
            api(
                "ValidationException",
                "Could not find endpoint \"arn:...\"."
            )
            .is_not_found()
        );
        assert!(
            !api(
                "ValidationException",
                "Cannot create already existing model"
            )
            .is_not_found()
        );
        assert!(api("NoSuchEntity", "The role with name x cannot be found.").is_not_found());
        assert!(api("NotFound", "Topic does not exist").is_not_found());
        assert!(!api("AccessDenied", "no").is_not_found());
    }

    #[test]
    fn exists_and_throttling() {
        assert!(
            api(
                "ValidationException",
                "Cannot create already existing model \"a\"."
            )
            .is_already_exists()
        );
        assert!(api("EntityAlreadyExists", "Role with name x already exists.").is_already_exists());
        assert!(api("ThrottlingException", "Rate exceeded").is_throttling());
        assert!(api("Throttling", "Rate exceeded").is_throttling());
        assert!(!api("ValidationException", "x").is_throttling());
    }

    #[test]
    fn display_keeps_code_and_message_verbatim() {
        let e = api("ValidationException", "Exact AWS text.");
        assert_eq!(e.to_string(), "Op: ValidationException: Exact AWS text.");
    }

    /// An STS client that has no credentials and points at a closed
    /// loopback port, as a machine without AWS configuration sees it.
    fn sts_without_credentials() -> aws_sdk_sts::Client {
        use aws_credential_types::provider::{
            ProvideCredentials, SharedCredentialsProvider, error::CredentialsError, future,
        };
        #[derive(Debug)]
        struct NoCredentials;
        impl ProvideCredentials for NoCredentials {
            fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
            where
                Self: 'a,
            {
                future::ProvideCredentials::ready(Err(CredentialsError::not_loaded(
                    "no providers in chain provided credentials",
                )))
            }
        }
        let sdk = aws_config::SdkConfig::builder()
            .region(aws_config::Region::new("us-east-1"))
            .credentials_provider(SharedCredentialsProvider::new(NoCredentials))
            .endpoint_url("http://127.0.0.1:1")
            .behavior_version(aws_config::BehaviorVersion::latest())
            .build();
        aws_sdk_sts::Client::new(&sdk)
    }

    fn assert_readable(text: &str) {
        for dump in [
            "DispatchFailure {",
            "ConnectorError {",
            "CredentialsNotLoaded(",
            "kind:",
            "source:",
        ] {
            assert!(!text.contains(dump), "Debug text {dump:?} in {text:?}");
        }
    }

    #[tokio::test]
    async fn missing_credentials_read_as_a_sentence_chain() {
        let sdk_err = sts_without_credentials()
            .get_caller_identity()
            .send()
            .await
            .unwrap_err();
        let e = AwsError::from_sdk("GetCallerIdentity", sdk_err);
        let text = e.to_string();
        eprintln!("{text}");
        assert_eq!(e.code(), Some("DispatchFailure"), "{text}");
        assert_readable(&text);
        assert!(
            text.starts_with("GetCallerIdentity: DispatchFailure: "),
            "{text}"
        );
        assert!(
            text.contains("no providers in chain provided credentials"),
            "the cause is kept: {text}"
        );
    }

    #[tokio::test]
    async fn a_refused_connection_reads_as_a_sentence_chain() {
        let creds = aws_credential_types::Credentials::new("AKID", "secret", None, None, "test");
        let sdk = aws_config::SdkConfig::builder()
            .region(aws_config::Region::new("us-east-1"))
            .credentials_provider(
                aws_credential_types::provider::SharedCredentialsProvider::new(creds),
            )
            .endpoint_url("http://127.0.0.1:1")
            .retry_config(aws_config::retry::RetryConfig::disabled())
            .behavior_version(aws_config::BehaviorVersion::latest())
            .build();
        let sdk_err = aws_sdk_sts::Client::new(&sdk)
            .get_caller_identity()
            .send()
            .await
            .unwrap_err();
        let text = AwsError::from_sdk("GetCallerIdentity", sdk_err).to_string();
        eprintln!("{text}");
        assert_readable(&text);
        assert!(text.to_ascii_lowercase().contains("connect"), "{text}");
    }

    #[test]
    fn chain_leaves_out_repeats() {
        #[derive(Debug)]
        struct E(&'static str, Option<Box<E>>);
        impl std::fmt::Display for E {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.0)
            }
        }
        impl StdError for E {
            fn source(&self) -> Option<&(dyn StdError + 'static)> {
                self.1.as_deref().map(|e| e as &(dyn StdError + 'static))
            }
        }
        let inner = E("connection refused", None);
        let mid = E("io error: connection refused", Some(Box::new(inner)));
        let top = E("dispatch failure", Some(Box::new(mid)));
        assert_eq!(
            error_chain(&top),
            "dispatch failure: io error: connection refused"
        );
        let same = E("x", Some(Box::new(E("x", Some(Box::new(E("", None)))))));
        assert_eq!(error_chain(&same), "x");
    }
}
