//! Shared helpers for the AWS-layer tests: sandboxes, an `AwsContext` whose
//! every endpoint points at a sandbox, and small spec builders.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, Ordering};

use sagemaker_sandbox::{Sandbox, SandboxOptions};
use tfsm::aws::clients::Clients;
use tfsm::aws::endpoint_config::{EndpointConfigSpec, VariantCompute};
use tfsm::aws::model::{ModelData, ModelSpec};
use tfsm::aws::policy::{PolicyInputs, execution_role_policy, trust_policy};
use tfsm::aws::role::{self, Role, RoleSpec};
use tfsm::aws::{OWNERSHIP_TAG, names};
use tfsm::provider::config::{self, AwsContext, ENDPOINT_SERVICES, ProviderSettings};
use tokio::sync::OnceCell;

pub const REGION: &str = "us-east-1";
pub const ACCOUNT: &str = "123456789012";
pub const IMAGE: &str = "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.1.0-gpu";

/// Fails with a clear message when the moto venv is missing.
fn require_venv() {
    let venv = SandboxOptions::default().resolved_venv();
    assert!(
        venv.join("bin").join("python").exists(),
        "moto venv not found at {}: run scripts/sandbox-venv.sh first",
        venv.display()
    );
}

/// A fresh sandbox with short lifecycle phases, for tests that change global
/// sandbox state (faults, durations, inventory checks).
pub async fn start() -> Sandbox {
    require_venv();
    Sandbox::start(SandboxOptions::fast())
        .await
        .expect("sandbox starts")
}

static SHARED: OnceCell<Sandbox> = OnceCell::const_new();

/// One sandbox for the tests of this binary that only use unique names.
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

/// The provider's AWS context with every service endpoint on the sandbox,
/// static credentials and region us-east-1.
pub async fn context(url: &str) -> AwsContext {
    let endpoints = ENDPOINT_SERVICES
        .iter()
        .map(|s| (s.to_string(), url.to_string()))
        .collect();
    config::build(ProviderSettings {
        region: REGION.into(),
        profile: None,
        shared_config_files: vec![],
        shared_credentials_files: vec![],
        access_key: Some("AKIDSANDBOXTEST".into()),
        secret_key: Some("sandbox-secret".into()),
        max_retries: 5,
        assume_role: None,
        endpoints,
        default_tags: BTreeMap::new(),
    })
    .await
}

pub async fn clients(sb: &Sandbox) -> Clients {
    Clients::new(&context(sb.url()).await)
}

/// The ownership tags of a test object: the endpoint tag and a mark that
/// is the same for every call with the same endpoint.
pub fn owner(endpoint: &str) -> BTreeMap<String, String> {
    [
        (OWNERSHIP_TAG.to_string(), endpoint.to_string()),
        (
            tfsm::aws::owner::OWNER_TAG.to_string(),
            format!("test-{endpoint}"),
        ),
    ]
    .into()
}

/// The ARN of the sandbox topic `name`.
pub async fn topic_arn(c: &Clients, name: &str) -> String {
    let account = c.account_id().await.expect("account id");
    format!("arn:aws:sns:us-east-1:{account}:{name}")
}

/// Creates the generated role for `endpoint` (least-privilege policy only).
pub async fn ensure_role(c: &Clients, endpoint: &str, data: &ModelData) -> Role {
    let inline = execution_role_policy(&PolicyInputs {
        partition: "aws",
        region: REGION,
        account_id: ACCOUNT,
        endpoint_name: endpoint,
        model_data: data,
        image_uri: IMAGE,
        async_output: None,
        async_failure: None,
        async_input: None,
        capture_destination: None,
        kms_key: None,
        model_data_kms_key: None,
        topic_arns: &[],
        vpc: false,
    });
    role::ensure(
        c,
        &RoleSpec {
            name: names::role_name(endpoint, REGION),
            trust_policy: trust_policy("aws", REGION, ACCOUNT),
            inline_policy: inline,
            managed_policy_arns: vec![],
            tags: owner(endpoint),
        },
    )
    .await
    .expect("role ensure")
}

pub fn model_spec(name: &str, role_arn: &str, data: ModelData, endpoint: &str) -> ModelSpec {
    ModelSpec {
        name: name.into(),
        execution_role_arn: role_arn.into(),
        image: IMAGE.into(),
        model_data: data,
        environment: [
            ("SAGEMAKER_REGION".to_string(), REGION.to_string()),
            ("HF_TASK".to_string(), "text-generation".to_string()),
        ]
        .into(),
        vpc: None,
        network_isolation: false,
        tags: owner(endpoint),
    }
}

pub fn config_spec(name: &str, model: &str, count: i32, endpoint: &str) -> EndpointConfigSpec {
    EndpointConfigSpec {
        name: name.into(),
        model_name: model.into(),
        compute: VariantCompute::Instances {
            instance_type: "ml.g5.xlarge".into(),
            instance_count: count,
            startup_health_check_timeout: 600,
            model_data_download_timeout: 600,
            volume_size_in_gb: None,
        },
        async_inference: None,
        kms_key_id: None,
        data_capture: None,
        tags: owner(endpoint),
    }
}
