//! TEMPORARY compile-time stand-in for `crate::aws` (the contract in
//! notes/aws_api.md) while the AWS layer is being written. Every call fails
//! with "not implemented". Its error, clients and wait modules are already
//! the real ones. Deleted as soon as the rest of `src/aws` lands.
#![allow(dead_code, unused_variables, clippy::all)]

pub use crate::aws::names;
pub const OWNERSHIP_TAG: &str = "tfsm:endpoint";

pub use crate::aws::{clients, error, wait};

fn ni<T>(operation: &'static str) -> Result<T, error::AwsError> {
    Err(error::AwsError::Api {
        operation,
        code: "NotImplemented".into(),
        message: "stub".into(),
    })
}

pub mod endpoint {
    use super::clients::Clients;
    use super::error::AwsError;
    use super::wait::Cancel;
    use std::collections::BTreeMap;
    use std::time::Duration;
    pub struct Endpoint {
        pub name: String,
        pub arn: String,
        pub status: String,
        pub config_name: String,
        pub failure_reason: Option<String>,
        pub current_instance_count: Option<i32>,
        pub desired_instance_count: Option<i32>,
    }
    pub async fn find(c: &Clients, name: &str) -> Result<Option<Endpoint>, AwsError> {
        super::ni("find")
    }
    pub async fn create(
        c: &Clients,
        name: &str,
        config_name: &str,
        tags: &BTreeMap<String, String>,
    ) -> Result<String, AwsError> {
        super::ni("create")
    }
    pub async fn update(
        c: &Clients,
        name: &str,
        config_name: &str,
        retain: bool,
    ) -> Result<(), AwsError> {
        super::ni("update")
    }
    pub async fn delete(c: &Clients, name: &str) -> Result<(), AwsError> {
        super::ni("delete")
    }
    pub async fn wait_in_service(
        c: &Clients,
        name: &str,
        expected_config: Option<&str>,
        timeout: Duration,
        cancel: &Cancel,
    ) -> Result<Endpoint, AwsError> {
        super::ni("wait")
    }
    pub async fn wait_deleted(
        c: &Clients,
        name: &str,
        timeout: Duration,
        cancel: &Cancel,
    ) -> Result<(), AwsError> {
        super::ni("wait")
    }
    pub async fn set_tags(
        c: &Clients,
        arn: &str,
        old: &BTreeMap<String, String>,
        new: &BTreeMap<String, String>,
    ) -> Result<(), AwsError> {
        super::ni("tags")
    }
}

pub mod model {
    use super::clients::Clients;
    use super::error::AwsError;
    use super::wait::Cancel;
    use std::collections::BTreeMap;
    use std::time::Duration;
    pub enum ModelData {
        Archive(String),
        Prefix(String),
    }
    pub struct VpcSpec {
        pub security_group_ids: Vec<String>,
        pub subnets: Vec<String>,
    }
    pub struct ModelSpec {
        pub name: String,
        pub execution_role_arn: String,
        pub image: String,
        pub model_data: ModelData,
        pub environment: BTreeMap<String, String>,
        pub vpc: Option<VpcSpec>,
        pub tags: BTreeMap<String, String>,
    }
    pub struct Model {
        pub name: String,
        pub arn: String,
    }
    pub async fn find(c: &Clients, name: &str) -> Result<Option<Model>, AwsError> {
        super::ni("find")
    }
    pub async fn create(
        c: &Clients,
        spec: &ModelSpec,
        bound: Duration,
        cancel: &Cancel,
    ) -> Result<Model, AwsError> {
        super::ni("create")
    }
    pub async fn delete(c: &Clients, name: &str) -> Result<(), AwsError> {
        super::ni("delete")
    }
}

pub mod endpoint_config {
    use super::clients::Clients;
    use super::error::AwsError;
    use std::collections::BTreeMap;
    pub struct AsyncSpec {
        pub output_path: String,
        pub failure_path: Option<String>,
        pub success_topic_arn: String,
        pub error_topic_arn: String,
        pub max_concurrent_invocations_per_instance: i32,
    }
    pub struct EndpointConfigSpec {
        pub name: String,
        pub model_name: String,
        pub instance_type: String,
        pub instance_count: i32,
        pub startup_health_check_timeout: i32,
        pub model_data_download_timeout: i32,
        pub volume_size_in_gb: Option<i32>,
        pub async_inference: Option<AsyncSpec>,
        pub tags: BTreeMap<String, String>,
    }
    pub struct EndpointConfig {
        pub name: String,
        pub arn: String,
        pub model_name: String,
    }
    pub async fn find(c: &Clients, name: &str) -> Result<Option<EndpointConfig>, AwsError> {
        super::ni("find")
    }
    pub async fn create(
        c: &Clients,
        spec: &EndpointConfigSpec,
    ) -> Result<EndpointConfig, AwsError> {
        super::ni("create")
    }
    pub async fn delete(c: &Clients, name: &str) -> Result<(), AwsError> {
        super::ni("delete")
    }
}

pub mod policy {
    use super::model::ModelData;
    pub struct PolicyInputs<'a> {
        pub partition: &'a str,
        pub region: &'a str,
        pub account_id: &'a str,
        pub endpoint_name: &'a str,
        pub model_data: &'a ModelData,
        pub image_uri: &'a str,
        pub async_output: Option<&'a str>,
        pub async_failure: Option<&'a str>,
        pub topic_arns: &'a [String],
        pub vpc: bool,
    }
    pub fn trust_policy() -> serde_json::Value {
        serde_json::Value::Null
    }
    pub fn execution_role_policy(i: &PolicyInputs) -> serde_json::Value {
        serde_json::Value::Null
    }
}

pub mod role {
    use super::clients::Clients;
    use super::error::AwsError;
    use std::collections::BTreeMap;
    pub struct RoleSpec {
        pub name: String,
        pub trust_policy: serde_json::Value,
        pub inline_policy: serde_json::Value,
        pub managed_policy_arns: Vec<String>,
        pub tags: BTreeMap<String, String>,
    }
    pub struct Role {
        pub name: String,
        pub arn: String,
    }
    pub async fn find(c: &Clients, name: &str) -> Result<Option<Role>, AwsError> {
        super::ni("find")
    }
    pub async fn ensure(c: &Clients, spec: &RoleSpec) -> Result<Role, AwsError> {
        super::ni("ensure")
    }
    pub async fn delete(c: &Clients, name: &str) -> Result<(), AwsError> {
        super::ni("delete")
    }
}

pub mod topic {
    use super::clients::Clients;
    use super::error::AwsError;
    use std::collections::BTreeMap;
    pub async fn ensure(
        c: &Clients,
        name: &str,
        tags: &BTreeMap<String, String>,
    ) -> Result<String, AwsError> {
        super::ni("ensure")
    }
    pub async fn exists(c: &Clients, arn: &str) -> Result<bool, AwsError> {
        super::ni("exists")
    }
    pub async fn delete(c: &Clients, arn: &str) -> Result<(), AwsError> {
        super::ni("delete")
    }
}
