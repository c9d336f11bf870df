//! The background half of an asynchronous inference. [`PROCESSING_DELAY`] after the 202 the
//! job reads the input object from moto's S3, runs the echo model on it and writes the result
//! to the output location, then publishes a notification to the success topic. When the input
//! cannot be read, a fault rule makes the model fail, or the result cannot be written, it writes
//! a failure object to the failure location (if the config has one) and notifies the error
//! topic. Work started before a sandbox reset is dropped.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};

use super::errors::{error_side, original_message};
use super::model::{Inference, MODEL_CONTENT_TYPE, echo};
use crate::app::App;
use crate::moto::parse_s3_uri;
use crate::sagemaker::api::{ModelFault, now};
use crate::time::iso8601;

/// How long after the 202 reply the inference runs.
pub const PROCESSING_DELAY: Duration = Duration::from_millis(100);

/// One accepted asynchronous inference.
#[derive(Clone, Debug)]
pub struct Job {
    pub region: String,
    pub endpoint: String,
    pub variant: String,
    pub inference_id: String,
    pub input_location: String,
    pub content_type: String,
    pub accept: Option<String>,
    pub output_location: Option<String>,
    pub failure_location: Option<String>,
    pub success_topic: Option<String>,
    pub error_topic: Option<String>,
    pub fault: Option<ModelFault>,
    /// Epoch seconds when the call was accepted.
    pub received: f64,
}

/// Why an inference failed, for the failure object and the error notification.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Failure {
    reason: String,
    original_status: Option<u16>,
    original_message: Option<String>,
}

impl Failure {
    fn plain(reason: String) -> Self {
        Failure {
            reason,
            original_status: None,
            original_message: None,
        }
    }
}

/// Runs `job` on the sandbox's runtime, after [`PROCESSING_DELAY`].
pub fn spawn(app: Arc<App>, job: Job) {
    let generation = app.generation();
    tokio::spawn(async move {
        tokio::time::sleep(PROCESSING_DELAY).await;
        if app.generation() == generation {
            run(&app, &job, generation).await;
        }
    });
}

async fn run(app: &App, job: &Job, generation: u64) {
    let result = match infer(app, job).await {
        Ok(output) => deliver(app, job, output).await,
        Err(f) => Err(f),
    };
    if app.generation() != generation {
        return;
    }
    match result {
        Ok(()) => {
            notify(
                app,
                job.success_topic.as_deref(),
                &success_event(job, now()),
            )
            .await
        }
        Err(failure) => {
            if let Some(loc) = &job.failure_location {
                let doc = failure_object(job, &failure);
                if let Err(e) = write(app, loc, doc).await {
                    tracing::warn!(inference = %job.inference_id, "failure object not written: {e}");
                }
            }
            notify(
                app,
                job.error_topic.as_deref(),
                &failure_event(job, &failure, now()),
            )
            .await;
        }
    }
}

/// Reads the input and runs the model (or the fault rule's failure).
async fn infer(app: &App, job: &Job) -> Result<Vec<u8>, Failure> {
    let unreadable = || {
        Failure::plain(format!(
            "ClientError: Could not download the input from {}. Check that the object exists \
             and that the endpoint's execution role may read it.",
            job.input_location
        ))
    };
    let (bucket, key) = parse_s3_uri(&job.input_location)
        .filter(|(_, k)| !k.is_empty())
        .ok_or_else(unreadable)?;
    let input = match app.moto.s3_get_object(&bucket, &key).await {
        Ok(Some(body)) => body,
        Ok(None) => return Err(unreadable()),
        Err(e) => {
            tracing::warn!(inference = %job.inference_id, "reading the input failed: {e}");
            return Err(unreadable());
        }
    };
    if let Some(fault) = &job.fault {
        let status = fault.original_status;
        return Err(Failure {
            reason: format!(
                "ClientError: Received {} error ({status}) from model. See the SageMaker \
                 Endpoint logs in your account for more information.",
                error_side(status)
            ),
            original_status: Some(status),
            original_message: Some(original_message(fault)),
        });
    }
    Ok(echo(&Inference {
        endpoint: &job.endpoint,
        variant: &job.variant,
        content_type: &job.content_type,
        accept: job.accept.as_deref(),
        body: &input,
    }))
}

/// Writes the model's output to the output location, if the config has one.
async fn deliver(app: &App, job: &Job, output: Vec<u8>) -> Result<(), Failure> {
    let Some(loc) = &job.output_location else {
        return Ok(());
    };
    write(app, loc, output).await.map_err(|e| {
        tracing::warn!(inference = %job.inference_id, "output not written: {e}");
        Failure::plain(format!(
            "ServerError: Could not upload the output to {loc}. Check that the bucket exists \
             and that the endpoint's execution role may write to it."
        ))
    })
}

/// Writes a JSON object to `s3://bucket/key` (the bucket must exist, as in AWS).
async fn write(app: &App, location: &str, body: Vec<u8>) -> Result<(), String> {
    let (bucket, key) = parse_s3_uri(location)
        .filter(|(_, k)| !k.is_empty())
        .ok_or_else(|| format!("not an s3://bucket/key location: {location}"))?;
    app.moto
        .s3_write_object(&bucket, &key, MODEL_CONTENT_TYPE, body)
        .await
        .map_err(|e| e.to_string())
}

/// Publishes `event` to `topic`, if there is one; a missing topic only logs a warning.
async fn notify(app: &App, topic: Option<&str>, event: &Value) {
    let Some(topic) = topic else {
        return;
    };
    if let Err(e) = app.moto.sns_publish(topic, &event.to_string()).await {
        tracing::warn!(topic, "async inference notification not published: {e}");
    }
}

/// The fields every notification shares.
fn event(job: &Job, status: &str, at: f64) -> Value {
    json!({
        "awsRegion": job.region,
        "eventTime": iso8601(at),
        "receivedTime": iso8601(job.received),
        "invocationStatus": status,
        "requestParameters": {
            "contentType": job.content_type,
            "endpointName": job.endpoint,
            "inputLocation": job.input_location,
        },
        "inferenceId": job.inference_id,
        "eventVersion": "1.0",
        "eventSource": "aws:sagemaker",
        "eventName": "InferenceResult",
    })
}

/// The success topic's message.
fn success_event(job: &Job, at: f64) -> Value {
    let mut e = event(job, "Completed", at);
    let mut response = json!({ "contentType": MODEL_CONTENT_TYPE });
    if let Some(loc) = &job.output_location {
        response["outputLocation"] = json!(loc);
    }
    e["responseParameters"] = response;
    e
}

/// The error topic's message.
fn failure_event(job: &Job, failure: &Failure, at: f64) -> Value {
    let mut e = event(job, "Failed", at);
    e["failureReason"] = json!(failure.reason);
    if let Some(loc) = &job.failure_location {
        e["responseParameters"] = json!({
            "contentType": MODEL_CONTENT_TYPE,
            "failureLocation": loc,
        });
    }
    e
}

/// The failure object's content.
fn failure_object(job: &Job, failure: &Failure) -> Vec<u8> {
    json!({
        "inference_id": job.inference_id,
        "endpoint": job.endpoint,
        "failure_reason": failure.reason,
        "original_status_code": failure.original_status,
        "original_message": failure.original_message,
    })
    .to_string()
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job() -> Job {
        Job {
            region: "us-east-1".into(),
            endpoint: "ep".into(),
            variant: "AllTraffic".into(),
            inference_id: "id-1".into(),
            input_location: "s3://in/x.json".into(),
            content_type: "application/json".into(),
            accept: None,
            output_location: Some("s3://out/id-1.out".into()),
            failure_location: None,
            success_topic: None,
            error_topic: None,
            fault: None,
            received: 0.0,
        }
    }

    #[test]
    fn notifications_name_the_locations() {
        let ok = success_event(&job(), 1.0);
        assert_eq!(ok["invocationStatus"], "Completed");
        assert_eq!(
            ok["responseParameters"]["outputLocation"],
            "s3://out/id-1.out"
        );
        assert_eq!(ok["requestParameters"]["inputLocation"], "s3://in/x.json");
        assert_eq!(ok["eventTime"], "1970-01-01T00:00:01.000Z");
        let mut j = job();
        j.failure_location = Some("s3://err/id-1-error.out".into());
        let failed = failure_event(&j, &Failure::plain("ClientError: x".into()), 1.0);
        assert_eq!(failed["invocationStatus"], "Failed");
        assert_eq!(failed["failureReason"], "ClientError: x");
        assert_eq!(
            failed["responseParameters"]["failureLocation"],
            "s3://err/id-1-error.out"
        );
        assert!(
            failure_event(&job(), &Failure::plain("r".into()), 1.0)
                .get("responseParameters")
                .is_none()
        );
    }
}
