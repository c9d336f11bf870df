//! The SageMaker Runtime API through aws-sdk-sagemakerruntime: the echo model and its headers,
//! the ValidationErrors for unknown and not-serving endpoints, ModelError / 5xx / latency fault
//! rules, and asynchronous inference writing to moto's S3 and notifying moto's SNS (read back
//! through an SQS queue subscribed to the topics).

mod common;

use std::time::{Duration, Instant};

use aws_config::retry::RetryConfig;
use aws_sdk_sagemaker::types::{
    AsyncInferenceConfig, AsyncInferenceNotificationConfig, AsyncInferenceOutputConfig,
    ProductionVariant, ProductionVariantInstanceType,
};
use aws_sdk_sagemakerruntime::primitives::Blob;
use common::*;
use sagemaker_sandbox::{FaultAction, FaultRule, Sandbox};
use serde_json::{Value, json};

async fn runtime(url: &str) -> aws_sdk_sagemakerruntime::Client {
    aws_sdk_sagemakerruntime::Client::new(&config(url).await)
}

async fn runtime_with_retry(url: &str, attempts: u32) -> aws_sdk_sagemakerruntime::Client {
    let retry = RetryConfig::standard()
        .with_max_attempts(attempts)
        .with_initial_backoff(Duration::from_millis(5));
    aws_sdk_sagemakerruntime::Client::new(&config_with_retry(url, retry).await)
}

async fn sqs(url: &str) -> aws_sdk_sqs::Client {
    aws_sdk_sqs::Client::new(&config(url).await)
}

async fn sns(url: &str) -> aws_sdk_sns::Client {
    aws_sdk_sns::Client::new(&config(url).await)
}

/// A one-shot `model_error` rule: the container of `operation` answers `status` with `message`.
fn model_error(operation: &str, status: u16, message: &str) -> FaultRule {
    FaultRule::new(
        "sagemaker",
        operation,
        FaultAction::ModelError {
            status: 424,
            original_status: status,
            original_message: Some(message.into()),
        },
    )
    .times(1)
}

fn weighted(name: &str, model: &str, weight: f32) -> ProductionVariant {
    ProductionVariant::builder()
        .variant_name(name)
        .model_name(model)
        .instance_type(ProductionVariantInstanceType::MlM5Large)
        .initial_instance_count(1)
        .initial_variant_weight(weight)
        .build()
}

/// Creates endpoint `name` on `config` and waits until it is InService.
async fn in_service(sb: &Sandbox, name: &str, config: &str) {
    let sm = sagemaker(sb.url()).await;
    create_endpoint(&sm, name, config).await;
    wait_for(&sm, name, "InService").await;
}

/// A real-time endpoint on the common fixture; returns its name.
async fn realtime_endpoint(sb: &Sandbox, prefix: &str) -> String {
    let (_, config) = fixture(sb, prefix).await;
    let name = unique(&format!("{prefix}-ep"));
    in_service(sb, &name, &config).await;
    name
}

async fn invoke_text(
    rt: &aws_sdk_sagemakerruntime::Client,
    endpoint: &str,
    text: &str,
) -> Result<
    aws_sdk_sagemakerruntime::operation::invoke_endpoint::InvokeEndpointOutput,
    aws_sdk_sagemakerruntime::error::SdkError<
        aws_sdk_sagemakerruntime::operation::invoke_endpoint::InvokeEndpointError,
    >,
> {
    rt.invoke_endpoint()
        .endpoint_name(endpoint)
        .content_type("text/plain")
        .body(Blob::new(text.as_bytes().to_vec()))
        .send()
        .await
}

fn body_json(
    out: &aws_sdk_sagemakerruntime::operation::invoke_endpoint::InvokeEndpointOutput,
) -> Value {
    let bytes = out.body().map(|b| b.as_ref().to_vec()).unwrap_or_default();
    serde_json::from_slice(&bytes).expect("the echo model answers JSON")
}

#[tokio::test]
async fn invoke_echoes_the_request_through_the_heaviest_or_targeted_variant() {
    let sb = start().await;
    let ctl = sb.control();
    let (model, _) = fixture(&sb, "echo").await;
    let sm = sagemaker(sb.url()).await;
    let config = unique("echo-two");
    sm.create_endpoint_config()
        .endpoint_config_name(&config)
        .production_variants(weighted("Blue", &model, 1.0))
        .production_variants(weighted("Green", &model, 3.0))
        .send()
        .await
        .unwrap();
    let name = unique("Echo-Ep");
    in_service(&sb, &name, &config).await;
    let rt = runtime(sb.url()).await;
    ctl.clear_log().await.unwrap();

    let out = rt
        .invoke_endpoint()
        .endpoint_name(&name)
        .content_type("text/csv")
        .accept("application/json")
        .custom_attributes("trace=abc")
        .body(Blob::new(b"1.5,2,3".to_vec()))
        .send()
        .await
        .expect("InvokeEndpoint");
    assert_eq!(out.content_type(), Some("application/json"));
    assert_eq!(out.invoked_production_variant(), Some("Green"));
    assert_eq!(out.custom_attributes(), Some("trace=abc"));
    assert_eq!(
        body_json(&out),
        json!({"endpoint": name, "variant": "Green", "content_type": "text/csv",
               "accept": "application/json", "body": "1.5,2,3"})
    );

    // The target variant header wins; an unknown one is a ValidationError.
    let out = rt
        .invoke_endpoint()
        .endpoint_name(name.to_lowercase())
        .target_variant("Blue")
        .body(Blob::new(b"{}".to_vec()))
        .send()
        .await
        .expect("targeted InvokeEndpoint");
    assert_eq!(out.invoked_production_variant(), Some("Blue"));
    let doc = body_json(&out);
    assert_eq!(
        (
            doc["variant"].clone(),
            doc["content_type"].clone(),
            doc["accept"].clone()
        ),
        (
            json!("Blue"),
            json!("application/octet-stream"),
            Value::Null
        )
    );
    let err = rt
        .invoke_endpoint()
        .endpoint_name(&name)
        .target_variant("Purple")
        .body(Blob::new(b"{}".to_vec()))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code_message(&err).0, "ValidationError");
    assert!(code_message(&err).1.contains("Purple"), "{err:?}");

    let log = ctl
        .log_for("sagemaker", Some("InvokeEndpoint"))
        .await
        .unwrap();
    let seen: Vec<(u16, &str, bool)> = log
        .iter()
        .map(|e| (e.status, e.outcome.as_str(), e.forwarded))
        .collect();
    assert_eq!(
        seen,
        vec![
            (200, "ok", false),
            (200, "ok", false),
            (400, "error", false)
        ]
    );
    assert_eq!(log[2].error.as_deref(), Some("ValidationError"));
}

#[tokio::test]
async fn unknown_endpoints_and_bad_names_are_validation_errors() {
    let sb = shared().await;
    let rt = runtime(sb.url()).await;
    let name = unique("no-such-endpoint");
    let err = invoke_text(&rt, &name, "x").await.unwrap_err();
    assert_eq!(
        code_message(&err),
        (
            "ValidationError".into(),
            format!("Endpoint {name} of account 123456789012 not found.")
        )
    );
    assert!(err.into_service_error().is_validation_error());
    let err = invoke_text(&rt, "bad_name", "x").await.unwrap_err();
    let (code, message) = code_message(&err);
    assert_eq!(code, "ValidationError");
    assert!(
        message.contains("Value 'bad_name' at 'endpointName'"),
        "{message}"
    );
    let err = rt
        .invoke_endpoint_async()
        .endpoint_name(&name)
        .input_location("s3://b/k")
        .send()
        .await
        .unwrap_err();
    assert!(err.into_service_error().is_validation_error());
}

#[tokio::test]
async fn only_a_serving_endpoint_answers_and_an_update_keeps_the_old_config_serving() {
    let sb = start().await;
    let ctl = sb.control();
    let sm = sagemaker(sb.url()).await;
    let rt = runtime(sb.url()).await;
    let (model, config) = fixture(&sb, "life").await;
    let name = unique("life-ep");
    create_endpoint(&sm, &name, &config).await;
    let err = invoke_text(&rt, &name, "early").await.unwrap_err();
    let (code, message) = code_message(&err);
    assert_eq!(code, "ValidationError");
    assert!(message.contains(" is Creating"), "{message}");
    wait_for(&sm, &name, "InService").await;
    let out = invoke_text(&rt, &name, "now")
        .await
        .expect("InService serves");
    assert_eq!(out.invoked_production_variant(), Some("AllTraffic"));

    // Updating: the old config (variant AllTraffic) answers until the new one (Canary) is live.
    let next = unique("life-next");
    sm.create_endpoint_config()
        .endpoint_config_name(&next)
        .production_variants(weighted("Canary", &model, 1.0))
        .send()
        .await
        .unwrap();
    sm.update_endpoint()
        .endpoint_name(&name)
        .endpoint_config_name(&next)
        .send()
        .await
        .unwrap();
    let during = invoke_text(&rt, &name, "during")
        .await
        .expect("Updating serves");
    assert_eq!(during.invoked_production_variant(), Some("AllTraffic"));
    wait_for(&sm, &name, "InService").await;
    let after = invoke_text(&rt, &name, "after").await.unwrap();
    assert_eq!(after.invoked_production_variant(), Some("Canary"));

    sm.delete_endpoint()
        .endpoint_name(&name)
        .send()
        .await
        .unwrap();
    let err = invoke_text(&rt, &name, "gone").await.unwrap_err();
    assert!(code_message(&err).1.contains(" is Deleting"), "{err:?}");
    wait_for(&sm, &name, "Gone").await;
    let err = invoke_text(&rt, &name, "gone").await.unwrap_err();
    assert!(code_message(&err).1.ends_with("not found."), "{err:?}");

    // Failed endpoints do not serve either.
    ctl.add_fault(&FaultRule::new(
        "sagemaker",
        "CreateEndpoint",
        FaultAction::Fail { reason: None },
    ))
    .await
    .unwrap();
    let failed = unique("life-failed");
    create_endpoint(&sm, &failed, &config).await;
    wait_for(&sm, &failed, "Failed").await;
    let err = invoke_text(&rt, &failed, "x").await.unwrap_err();
    let (code, message) = code_message(&err);
    assert_eq!(code, "ValidationError");
    assert!(message.contains(" is Failed"), "{message}");
}

#[tokio::test]
async fn model_error_faults_carry_the_containers_status_and_message() {
    let sb = start().await;
    let ctl = sb.control();
    let name = realtime_endpoint(&sb, "merr").await;
    let rt = runtime(sb.url()).await;
    ctl.clear_log().await.unwrap();
    ctl.add_fault(&FaultRule {
        action: FaultAction::Error {
            code: "ModelError".into(),
            status: 424,
            message: Some("tensor shape mismatch".into()),
        },
        count: Some(1),
        ..FaultRule::error("sagemaker", "InvokeEndpoint", "ModelError", 424)
    })
    .await
    .unwrap();
    let err = invoke_text(&rt, &name, "x").await.unwrap_err();
    let service = err.into_service_error();
    let aws_sdk_sagemakerruntime::operation::invoke_endpoint::InvokeEndpointError::ModelError(m) =
        service
    else {
        panic!("expected a ModelError, got {service:?}");
    };
    assert_eq!(m.original_status_code(), Some(500));
    assert_eq!(m.original_message(), Some("tensor shape mismatch"));
    assert_eq!(
        m.log_stream_arn(),
        Some(
            format!(
                "arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/{name}"
            )
            .as_str()
        )
    );
    let message = m.message().unwrap_or_default();
    assert!(
        message.starts_with(
            "Received server error (500) from primary with message \"tensor shape mismatch\"."
        ),
        "{message}"
    );
    // Count 1: the next call is served.
    invoke_text(&rt, &name, "y").await.expect("rule used up");

    // The model_error action picks the container's status.
    ctl.add_fault(&model_error("InvokeEndpoint", 400, "bad input"))
        .await
        .unwrap();
    let err = invoke_text(&rt, &name, "z").await.unwrap_err();
    let (code, message) = code_message(&err);
    assert_eq!(code, "ModelError");
    assert!(
        message.starts_with("Received client error (400) from primary"),
        "{message}"
    );

    // A ModelError still needs an endpoint: an unknown one is reported first.
    ctl.add_fault(&FaultRule::error(
        "sagemaker",
        "InvokeEndpoint",
        "ModelError",
        424,
    ))
    .await
    .unwrap();
    let err = invoke_text(&rt, "missing-ep", "x").await.unwrap_err();
    assert_eq!(code_message(&err).0, "ValidationError");
    ctl.clear_faults().await.unwrap();

    let log = ctl
        .log_for("sagemaker", Some("InvokeEndpoint"))
        .await
        .unwrap();
    let seen: Vec<(u16, &str, Option<&str>)> = log
        .iter()
        .map(|e| (e.status, e.outcome.as_str(), e.error.as_deref()))
        .collect();
    assert_eq!(
        seen,
        vec![
            (424, "fault", Some("ModelError")),
            (200, "ok", None),
            (424, "fault", Some("ModelError")),
            (400, "fault", Some("ValidationError")),
        ]
    );
}

#[tokio::test]
async fn server_error_faults_are_retried_then_surface_typed() {
    let sb = start().await;
    let ctl = sb.control();
    let name = realtime_endpoint(&sb, "five").await;
    ctl.clear_log().await.unwrap();

    // One 503: the standard retry strategy gets through on the second attempt.
    ctl.add_fault(
        &FaultRule::error("sagemaker", "InvokeEndpoint", "ServiceUnavailable", 503).times(1),
    )
    .await
    .unwrap();
    let rt = runtime_with_retry(sb.url(), 3).await;
    invoke_text(&rt, &name, "x")
        .await
        .expect("retried after 503");
    assert_eq!(
        outcomes(&ctl, "InvokeEndpoint").await,
        vec![(503, "fault".into()), (200, "ok".into())]
    );
    let log = ctl
        .log_for("sagemaker", Some("InvokeEndpoint"))
        .await
        .unwrap();
    assert_eq!(log[0].error.as_deref(), Some("ServiceUnavailable"));

    // More 503s than attempts: a typed ServiceUnavailable after exactly 2 calls.
    ctl.clear_log().await.unwrap();
    ctl.add_fault(
        &FaultRule::error("sagemaker", "InvokeEndpoint", "ServiceUnavailable", 503).times(5),
    )
    .await
    .unwrap();
    let two = runtime_with_retry(sb.url(), 2).await;
    let err = invoke_text(&two, &name, "x").await.unwrap_err();
    assert!(err.into_service_error().is_service_unavailable());
    assert_eq!(ctl.count("sagemaker", "InvokeEndpoint").await.unwrap(), 2);
    ctl.clear_faults().await.unwrap();

    // InternalFailure 500 maps to its own type.
    ctl.add_fault(&FaultRule::error(
        "sagemaker",
        "InvokeEndpoint",
        "InternalFailure",
        500,
    ))
    .await
    .unwrap();
    let one = runtime_with_retry(sb.url(), 1).await;
    let err = invoke_text(&one, &name, "x").await.unwrap_err();
    assert!(err.into_service_error().is_internal_failure());
}

#[tokio::test]
async fn latency_faults_delay_the_answer() {
    let sb = start().await;
    let ctl = sb.control();
    let name = realtime_endpoint(&sb, "slow").await;
    let rt = runtime(sb.url()).await;
    ctl.clear_log().await.unwrap();
    let mut slow = FaultRule::new("sagemaker", "InvokeEndpoint", FaultAction::Delay).times(1);
    slow.delay_ms = Some(600);
    ctl.add_fault(&slow).await.unwrap();
    let started = Instant::now();
    let out = invoke_text(&rt, &name, "late")
        .await
        .expect("served after the delay");
    assert!(
        started.elapsed() >= Duration::from_millis(600),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(body_json(&out)["body"], "late");
    invoke_text(&rt, &name, "soon").await.unwrap();
    let log = ctl
        .log_for("sagemaker", Some("InvokeEndpoint"))
        .await
        .unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!((log[0].status, log[0].outcome.as_str()), (200, "ok"));
    assert!(log[0].duration_ms >= 600, "{:?}", log[0]);
    assert!(log[1].duration_ms < 600, "{:?}", log[1]);
}

/// An async endpoint writing to `s3://<bucket>/results` and `s3://<bucket>/failures`, notifying
/// two topics, each read through its own SQS queue.
struct AsyncSetup {
    endpoint: String,
    bucket: String,
    success_queue: String,
    error_queue: String,
}

async fn topic_with_queue(sb: &Sandbox, name: &str) -> (String, String) {
    let topic = sns(sb.url())
        .await
        .create_topic()
        .name(name)
        .send()
        .await
        .expect("CreateTopic")
        .topic_arn()
        .expect("topic arn")
        .to_string();
    let q = sqs(sb.url()).await;
    let url = q
        .create_queue()
        .queue_name(name)
        .send()
        .await
        .expect("CreateQueue")
        .queue_url()
        .expect("queue url")
        .to_string();
    sns(sb.url())
        .await
        .subscribe()
        .topic_arn(&topic)
        .protocol("sqs")
        .endpoint(format!("arn:aws:sqs:us-east-1:123456789012:{name}"))
        .send()
        .await
        .expect("Subscribe");
    (topic, url)
}

async fn async_endpoint(sb: &Sandbox, prefix: &str) -> AsyncSetup {
    let role = create_role(sb.url(), &unique(&format!("{prefix}-role"))).await;
    let data = format!("s3://{}/model.tar.gz", unique("adata").to_lowercase());
    sb.control().seed_object(&data, None).await.unwrap();
    let sm = sagemaker(sb.url()).await;
    let model = unique(&format!("{prefix}-model"));
    create_model(&sm, &model, &role, &data).await;
    let bucket = unique("async-out").to_lowercase();
    s3(sb.url())
        .await
        .create_bucket()
        .bucket(&bucket)
        .send()
        .await
        .expect("CreateBucket");
    let (success_topic, success_queue) = topic_with_queue(sb, &unique("ok")).await;
    let (error_topic, error_queue) = topic_with_queue(sb, &unique("err")).await;
    let config = unique(&format!("{prefix}-cfg"));
    sm.create_endpoint_config()
        .endpoint_config_name(&config)
        .production_variants(variant(&model, 1))
        .async_inference_config(
            AsyncInferenceConfig::builder()
                .output_config(
                    AsyncInferenceOutputConfig::builder()
                        .s3_output_path(format!("s3://{bucket}/results/"))
                        .s3_failure_path(format!("s3://{bucket}/failures"))
                        .notification_config(
                            AsyncInferenceNotificationConfig::builder()
                                .success_topic(success_topic)
                                .error_topic(error_topic)
                                .build(),
                        )
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .expect("CreateEndpointConfig (async)");
    let endpoint = unique(&format!("{prefix}-ep"));
    in_service(sb, &endpoint, &config).await;
    AsyncSetup {
        endpoint,
        bucket,
        success_queue,
        error_queue,
    }
}

/// Polls `s3://bucket/key` until it exists (up to 10 s).
async fn wait_object(sb: &Sandbox, bucket: &str, key: &str) -> Vec<u8> {
    let client = s3(sb.url()).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Ok(out) = client.get_object().bucket(bucket).key(key).send().await {
            return out.body.collect().await.expect("object body").to_vec();
        }
        assert!(
            Instant::now() < deadline,
            "s3://{bucket}/{key} never appeared"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn object_exists(sb: &Sandbox, bucket: &str, key: &str) -> bool {
    s3(sb.url())
        .await
        .head_object()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .is_ok()
}

/// Waits for one SNS notification in `queue` and returns the SageMaker event it carries.
async fn next_event(sb: &Sandbox, queue: &str) -> Value {
    let q = sqs(sb.url()).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let out = q
            .receive_message()
            .queue_url(queue)
            .max_number_of_messages(1)
            .send()
            .await
            .expect("ReceiveMessage");
        if let Some(m) = out.messages().first() {
            let envelope: Value =
                serde_json::from_str(m.body().unwrap_or_default()).expect("SNS envelope");
            let message = envelope["Message"].as_str().expect("Message string");
            return serde_json::from_str(message).expect("event JSON");
        }
        assert!(Instant::now() < deadline, "no notification in {queue}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn queue_is_empty(sb: &Sandbox, queue: &str) -> bool {
    let out = sqs(sb.url())
        .await
        .receive_message()
        .queue_url(queue)
        .send()
        .await
        .expect("ReceiveMessage");
    out.messages().is_empty()
}

#[tokio::test]
async fn async_inference_writes_the_echo_to_s3_and_notifies_the_success_topic() {
    let sb = start().await;
    let ctl = sb.control();
    let setup = async_endpoint(&sb, "aok").await;
    let input = format!("s3://{}/inputs/req.json", setup.bucket);
    ctl.seed_object(&input, Some(r#"{"x":[1,2]}"#))
        .await
        .unwrap();
    let rt = runtime(sb.url()).await;
    ctl.clear_log().await.unwrap();
    let out = rt
        .invoke_endpoint_async()
        .endpoint_name(&setup.endpoint)
        .input_location(&input)
        .content_type("application/json")
        .inference_id("job-1")
        .request_ttl_seconds(600)
        .send()
        .await
        .expect("InvokeEndpointAsync");
    let bucket = &setup.bucket;
    assert_eq!(out.inference_id(), Some("job-1"));
    assert_eq!(
        out.output_location(),
        Some(format!("s3://{bucket}/results/job-1.out").as_str())
    );
    assert_eq!(
        out.failure_location(),
        Some(format!("s3://{bucket}/failures/job-1-error.out").as_str())
    );

    let written = wait_object(&sb, bucket, "results/job-1.out").await;
    let doc: Value = serde_json::from_slice(&written).unwrap();
    assert_eq!(
        doc,
        json!({"endpoint": setup.endpoint, "variant": "AllTraffic",
               "content_type": "application/json", "accept": null, "body": "{\"x\":[1,2]}"})
    );
    let event = next_event(&sb, &setup.success_queue).await;
    assert_eq!(event["invocationStatus"], "Completed");
    assert_eq!(event["inferenceId"], "job-1");
    assert_eq!(event["eventSource"], "aws:sagemaker");
    assert_eq!(
        event["requestParameters"]["endpointName"],
        json!(setup.endpoint)
    );
    assert_eq!(event["requestParameters"]["inputLocation"], json!(input));
    assert_eq!(
        event["responseParameters"]["outputLocation"],
        json!(format!("s3://{bucket}/results/job-1.out"))
    );
    assert!(queue_is_empty(&sb, &setup.error_queue).await);
    assert!(!object_exists(&sb, bucket, "failures/job-1-error.out").await);

    // Without an inference id the sandbox makes one and the output is named after it.
    let out = rt
        .invoke_endpoint_async()
        .endpoint_name(&setup.endpoint)
        .input_location(&input)
        .send()
        .await
        .unwrap();
    let id = out.inference_id().expect("generated id").to_string();
    assert_eq!(
        out.output_location(),
        Some(format!("s3://{bucket}/results/{id}.out").as_str())
    );
    wait_object(&sb, bucket, &format!("results/{id}.out")).await;
    assert_eq!(
        outcomes(&ctl, "InvokeEndpointAsync").await,
        vec![(202, "ok".into()), (202, "ok".into())]
    );
}

#[tokio::test]
async fn async_inference_failures_write_the_failure_object_and_notify_the_error_topic() {
    let sb = start().await;
    let ctl = sb.control();
    let setup = async_endpoint(&sb, "afail").await;
    let bucket = &setup.bucket;
    let rt = runtime(sb.url()).await;

    // A missing input object.
    let missing = format!("s3://{bucket}/inputs/absent.json");
    let out = rt
        .invoke_endpoint_async()
        .endpoint_name(&setup.endpoint)
        .input_location(&missing)
        .inference_id("miss-1")
        .send()
        .await
        .expect("accepted before the input is read");
    assert_eq!(out.inference_id(), Some("miss-1"));
    let failure = wait_object(&sb, bucket, "failures/miss-1-error.out").await;
    let doc: Value = serde_json::from_slice(&failure).unwrap();
    assert_eq!(doc["inference_id"], "miss-1");
    let reason = doc["failure_reason"].as_str().unwrap_or_default();
    assert!(reason.contains("Could not download the input"), "{reason}");
    let event = next_event(&sb, &setup.error_queue).await;
    assert_eq!(event["invocationStatus"], "Failed");
    assert_eq!(event["inferenceId"], "miss-1");
    assert_eq!(event["failureReason"], json!(reason));
    assert_eq!(
        event["responseParameters"]["failureLocation"],
        json!(format!("s3://{bucket}/failures/miss-1-error.out"))
    );
    assert!(!object_exists(&sb, bucket, "results/miss-1.out").await);

    // A ModelError rule on InvokeEndpointAsync: accepted (202), then the inference fails.
    let input = format!("s3://{bucket}/inputs/ok.json");
    ctl.seed_object(&input, Some("{}")).await.unwrap();
    ctl.clear_log().await.unwrap();
    ctl.add_fault(&model_error(
        "InvokeEndpointAsync",
        503,
        "GPU fell off the bus",
    ))
    .await
    .unwrap();
    rt.invoke_endpoint_async()
        .endpoint_name(&setup.endpoint)
        .input_location(&input)
        .inference_id("model-1")
        .send()
        .await
        .expect("a model failure is not the caller's error");
    let failure = wait_object(&sb, bucket, "failures/model-1-error.out").await;
    let doc: Value = serde_json::from_slice(&failure).unwrap();
    assert_eq!(doc["original_status_code"], 503);
    assert_eq!(doc["original_message"], "GPU fell off the bus");
    let event = next_event(&sb, &setup.error_queue).await;
    assert_eq!(event["inferenceId"], "model-1");
    assert!(
        event["failureReason"]
            .as_str()
            .unwrap_or_default()
            .contains("Received server error (503) from model"),
        "{event}"
    );
    assert!(!object_exists(&sb, bucket, "results/model-1.out").await);
    assert!(queue_is_empty(&sb, &setup.success_queue).await);
    assert_eq!(
        outcomes(&ctl, "InvokeEndpointAsync").await,
        vec![(202, "fault".into())]
    );
}

#[tokio::test]
async fn sync_and_async_calls_need_the_matching_endpoint_kind() {
    let sb = start().await;
    let realtime = realtime_endpoint(&sb, "kind").await;
    let setup = async_endpoint(&sb, "kinda").await;
    let rt = runtime(sb.url()).await;
    let err = rt
        .invoke_endpoint_async()
        .endpoint_name(&realtime)
        .input_location("s3://b/k")
        .send()
        .await
        .unwrap_err();
    let (code, message) = code_message(&err);
    assert_eq!(code, "ValidationError");
    assert!(message.contains("AsyncInferenceConfig"), "{message}");
    let err = invoke_text(&rt, &setup.endpoint, "x").await.unwrap_err();
    let (code, message) = code_message(&err);
    assert_eq!(code, "ValidationError");
    assert!(message.contains("InvokeEndpointAsync"), "{message}");
    // A bad request header is refused before anything is queued.
    let err = rt
        .invoke_endpoint_async()
        .endpoint_name(&setup.endpoint)
        .input_location("s3://b/k")
        .request_ttl_seconds(5)
        .send()
        .await
        .unwrap_err();
    assert!(
        code_message(&err).1.contains("'requestTTLSeconds'"),
        "{err:?}"
    );
}
