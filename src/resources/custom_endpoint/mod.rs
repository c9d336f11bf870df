//! `sagemaker_custom_endpoint`: deploys a custom model (container image plus
//! model artifacts in S3) to a SageMaker endpoint.
//!
//! The resource is split by concern:
//! - [`schema`](schema()): the Terraform schema and its documented defaults;
//! - `validate`: static checks for `ValidateResourceConfig`;
//! - `plan`: `PlanResourceChange` (defaults, computed values, replacement);
//! - `derive`: values computed from the configuration (resolved image URI,
//!   merged tags, derived object names, invoke policy), shared with apply;
//! - `model`: a typed view of a fully known configuration, for apply;
//! - `checks`, `s3uri`, `duration`: small format parsers;
//! - `scaling_model` (the typed `autoscaling` attribute and the names and
//!   specs of its objects) and `scaling` (registering, updating, reading
//!   and removing them); `deploy_model` (the typed `deployment_config`)
//!   and `switch` (UpdateEndpoint with it, and rollback reporting);
//! - the apply side, as plain async functions over the AWS layer: `apply`
//!   (dispatch and shared error handling), `create`, `update`, `delete`,
//!   `read`, `import`, with `desired` (the objects a state asks for) and
//!   `private` (pending cleanups kept in Terraform's private state);
//! - `secrets`: the write-only `environment_secrets`, kept out of every
//!   state the provider returns;
//! - `drift`: what refresh compares on the owned objects that no other
//!   attribute shows (`out_of_band_changes`), repaired by the next apply.

mod apply;
mod checks;
mod create;
mod delete;
mod deploy_model;
mod derive;
mod desired;
mod drift;
mod duration;
mod import;
mod model;
mod observed;
mod plan;
mod private;
mod read;
mod s3uri;
mod scaling;
mod scaling_model;
mod schema;
mod schema_rollout;
mod secrets;
mod switch;
mod update;
mod validate;
mod validate_rollout;

use std::collections::BTreeMap;
use std::time::Duration;

use crate::tfplugin::schema::Schema;
use crate::tfplugin::{AttrPath, Diagnostics, Value};

pub use derive::{
    ConfigInputs, DerivedNames, ModelInputs, derived_names, invoke_policy_json, resolve_image_uri,
    tags_all,
};
pub use duration::{DurationError, parse_go_duration};
pub use model::{
    AsyncInference, Container, EndpointSpec, ImageError, ModelError, Timeouts, VpcConfig,
};
pub use private::{Kind as PendingKind, Pending, PrivateState};
pub use s3uri::{S3Uri, S3UriError};
pub use schema::{
    DEFAULT_CONTAINER_TIMEOUT_SECONDS, DEFAULT_CREATE_TIMEOUT, DEFAULT_DELETE_TIMEOUT,
    DEFAULT_INSTANCE_COUNT, DEFAULT_MAX_CONCURRENT_INVOCATIONS, DEFAULT_UPDATE_TIMEOUT,
};

/// The resource type name Terraform uses.
pub const TYPE_NAME: &str = "sagemaker_custom_endpoint";

/// The resource schema (version 0), built once.
pub fn schema() -> &'static Schema {
    schema::schema()
}

/// Static checks for ValidateResourceConfig (no provider config available
/// yet). Unknown values are skipped. `write_only_allowed` is Terraform's
/// client capability of the same name.
pub fn validate(config: &Value, write_only_allowed: bool) -> Diagnostics {
    let mut d = validate::write_only_allowed(config, write_only_allowed);
    d.extend(validate::validate(config));
    d
}

/// What planning needs from the provider configuration.
#[derive(Debug, Clone, Default)]
pub struct ProviderContext {
    pub region: String,
    pub default_tags: BTreeMap<String, String>,
}

/// The inputs of PlanResourceChange, already decoded.
pub struct PlanRequest<'a> {
    pub prior_state: &'a Value,
    pub proposed_new_state: &'a Value,
    pub config: &'a Value,
    pub ctx: &'a ProviderContext,
}

/// The result of PlanResourceChange.
#[derive(Debug, Clone)]
pub struct PlanResponse {
    pub planned_state: Value,
    pub requires_replace: Vec<AttrPath>,
    pub diagnostics: Diagnostics,
}

/// PlanResourceChange. prior Null = create; proposed Null = destroy (return
/// Null planned state).
pub fn plan(req: PlanRequest<'_>) -> PlanResponse {
    plan::plan(req)
}

// The AWS layer the apply side is written against (see notes/aws_api.md).
use crate::aws;

/// What the apply side needs from the configured provider.
pub struct Env<'a> {
    pub clients: &'a aws::clients::Clients,
    pub region: &'a str,
    pub account_id: &'a str,
    pub default_tags: &'a BTreeMap<String, String>,
    /// Set by StopProvider (Ctrl-C): waits stop promptly, state is kept.
    pub cancel: &'a aws::wait::Cancel,
    /// How long CreateModel is retried while a new role propagates (90 s in
    /// production).
    pub iam_propagation_bound: Duration,
}

/// The result of ApplyResourceChange.
#[derive(Debug, Clone)]
pub struct ApplyResult {
    /// Null only after a successful destroy, or when creation failed before
    /// any object could exist. Never contains unknown values.
    pub new_state: Value,
    pub private: Vec<u8>,
    pub diagnostics: Diagnostics,
}

/// The result of ReadResource and ImportResourceState.
#[derive(Debug, Clone)]
pub struct ReadResult {
    /// Null when the endpoint is gone (the next plan recreates it).
    pub new_state: Value,
    pub private: Vec<u8>,
    pub diagnostics: Diagnostics,
}

/// ApplyResourceChange: prior Null = create, planned Null = destroy,
/// otherwise an in-place update (replacement is Terraform's delete+create).
pub async fn apply(
    env: &Env<'_>,
    prior: &Value,
    planned: &Value,
    config: &Value,
    private: &[u8],
) -> ApplyResult {
    apply::apply(env, prior, planned, config, private).await
}

/// ReadResource (refresh).
pub async fn read(env: &Env<'_>, state: &Value, private: &[u8]) -> ReadResult {
    read::read(env, state, private).await
}

/// ImportResourceState: `id` is the endpoint name.
pub async fn import(env: &Env<'_>, id: &str) -> ReadResult {
    import::import(env, id).await
}

#[cfg(test)]
mod import_tests;
#[cfg(test)]
mod plan_tests;
#[cfg(test)]
mod plan_update_tests;
#[cfg(test)]
mod testutil;
#[cfg(test)]
mod update_tests;
#[cfg(test)]
mod validate_cases;
#[cfg(test)]
mod validate_rollout_cases;
#[cfg(test)]
mod validate_tests;
