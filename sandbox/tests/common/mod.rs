//! Shared helpers for the sandbox integration tests: starting sandboxes, SDK clients pointed
//! at them, and small fixtures (roles, model data, models, configs, endpoints).
#![allow(dead_code)]

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_sdk_sagemaker::error::ProvideErrorMetadata;
use aws_sdk_sagemaker::types::{
    ContainerDefinition, ProductionVariant, ProductionVariantInstanceType,
};
use sagemaker_sandbox::{ControlClient, Sandbox, SandboxOptions};
use tokio::sync::OnceCell;

/// Fails with a clear message when the moto venv is missing.
pub fn require_venv() {
    let venv = SandboxOptions::default().resolved_venv();
    assert!(
        venv.join("bin").join("python").exists(),
        "moto venv not found at {}: run scripts/sandbox-venv.sh first (or set SANDBOX_VENV)",
        venv.display()
    );
}

/// A fresh sandbox with short lifecycle durations (use when the test changes global state:
/// fault rules, durations, reset, exact log or inventory checks).
pub async fn start() -> Sandbox {
    require_venv();
    Sandbox::start(SandboxOptions::fast())
        .await
        .expect("sandbox starts")
}

static SHARED: OnceCell<Sandbox> = OnceCell::const_new();

/// One sandbox shared by the tests of a test binary that only create uniquely named objects.
pub async fn shared() -> &'static Sandbox {
    SHARED.get_or_init(start).await
}

/// A name unique within this test process.
pub fn unique(prefix: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    format!(
        "{prefix}-{}-{}",
        std::process::id() % 100_000,
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// SDK configuration for the sandbox: static test credentials, us-east-1, fast retries.
pub async fn config(url: &str) -> SdkConfig {
    config_with_retry(
        url,
        RetryConfig::standard().with_initial_backoff(Duration::from_millis(5)),
    )
    .await
}

pub async fn config_with_retry(url: &str, retry: RetryConfig) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(url)
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(
            "AKIDSANDBOXTEST",
            "sandbox-secret",
            None,
            None,
            "test",
        ))
        .retry_config(retry)
        .load()
        .await
}

pub async fn sagemaker(url: &str) -> aws_sdk_sagemaker::Client {
    aws_sdk_sagemaker::Client::new(&config(url).await)
}

pub async fn iam(url: &str) -> aws_sdk_iam::Client {
    aws_sdk_iam::Client::new(&config(url).await)
}

pub async fn s3(url: &str) -> aws_sdk_s3::Client {
    let conf = aws_sdk_s3::config::Builder::from(&config(url).await)
        .force_path_style(true)
        .build();
    aws_sdk_s3::Client::from_conf(conf)
}

pub const TRUST_SAGEMAKER: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

/// Creates an IAM role SageMaker may assume; returns its ARN.
pub async fn create_role(url: &str, name: &str) -> String {
    let out = iam(url)
        .await
        .create_role()
        .role_name(name)
        .assume_role_policy_document(TRUST_SAGEMAKER)
        .send()
        .await
        .expect("CreateRole");
    out.role().expect("role").arn().to_string()
}

/// The message SageMaker gives for a role it cannot assume.
pub fn assume_role_message(arn: &str) -> String {
    format!(
        "Could not assume role {arn}. Please ensure that the role exists and allows principal 'sagemaker.amazonaws.com' to assume the role."
    )
}

pub const IMAGE: &str =
    "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.1.0-gpu-py310";

/// A container with model data at `data_url`.
pub fn container(data_url: &str) -> ContainerDefinition {
    ContainerDefinition::builder()
        .image(IMAGE)
        .model_data_url(data_url)
        .build()
}

/// Creates a model whose data is `data_url` and whose role is `role_arn`.
pub async fn create_model(
    sm: &aws_sdk_sagemaker::Client,
    name: &str,
    role_arn: &str,
    data_url: &str,
) {
    sm.create_model()
        .model_name(name)
        .execution_role_arn(role_arn)
        .primary_container(container(data_url))
        .send()
        .await
        .expect("CreateModel");
}

/// A single-variant production variant.
pub fn variant(model: &str, count: i32) -> ProductionVariant {
    ProductionVariant::builder()
        .variant_name("AllTraffic")
        .model_name(model)
        .instance_type(ProductionVariantInstanceType::MlInf2Xlarge)
        .initial_instance_count(count)
        .initial_variant_weight(1.0)
        .build()
}

pub async fn create_config(sm: &aws_sdk_sagemaker::Client, name: &str, model: &str, count: i32) {
    sm.create_endpoint_config()
        .endpoint_config_name(name)
        .production_variants(variant(model, count))
        .send()
        .await
        .expect("CreateEndpointConfig");
}

/// Role + seeded model data + model + config: everything an endpoint needs. Returns
/// (model, config) names.
pub async fn fixture(sb: &Sandbox, prefix: &str) -> (String, String) {
    let role = create_role(sb.url(), &unique(&format!("{prefix}-role"))).await;
    let data = format!("s3://{}/model/model.tar.gz", unique("data").to_lowercase());
    sb.control().seed_object(&data, None).await.expect("seed");
    let sm = sagemaker(sb.url()).await;
    let model = unique(&format!("{prefix}-model"));
    let config = unique(&format!("{prefix}-cfg"));
    create_model(&sm, &model, &role, &data).await;
    create_config(&sm, &config, &model, 1).await;
    (model, config)
}

/// Creates endpoint `name` on `config` (no wait).
pub async fn create_endpoint(sm: &aws_sdk_sagemaker::Client, name: &str, config: &str) {
    sm.create_endpoint()
        .endpoint_name(name)
        .endpoint_config_name(config)
        .send()
        .await
        .expect("CreateEndpoint");
}

/// `(status, outcome)` of every logged call of SageMaker operation `operation`, in order.
pub async fn outcomes(ctl: &ControlClient, operation: &str) -> Vec<(u16, String)> {
    ctl.log_for("sagemaker", Some(operation))
        .await
        .expect("log")
        .iter()
        .map(|e| (e.status, e.outcome.clone()))
        .collect()
}

/// The AWS error code and message of an SDK error.
pub fn code_message<E: ProvideErrorMetadata>(e: &E) -> (String, String) {
    (
        e.code().unwrap_or_default().to_string(),
        e.message().unwrap_or_default().to_string(),
    )
}

/// Polls DescribeEndpoint until `want` (or the endpoint is gone when `want` is "Gone"),
/// returning every distinct status seen, in order.
pub async fn wait_for(sm: &aws_sdk_sagemaker::Client, name: &str, want: &str) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut seen: Vec<String> = Vec::new();
    loop {
        let status = match sm.describe_endpoint().endpoint_name(name).send().await {
            Ok(out) => out
                .endpoint_status()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            Err(e) => {
                let (_, msg) = code_message(&e);
                assert!(
                    msg.contains("Could not find endpoint"),
                    "unexpected error {msg}"
                );
                "Gone".to_string()
            }
        };
        if seen.last() != Some(&status) {
            seen.push(status.clone());
        }
        if status == want {
            return seen;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {want}; saw {seen:?}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}
