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
//! - `checks`, `s3uri`, `duration`: small format parsers.

mod checks;
mod derive;
mod duration;
mod model;
mod plan;
mod s3uri;
mod schema;
mod validate;

use std::collections::BTreeMap;

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
/// yet). Unknown values are skipped.
pub fn validate(config: &Value) -> Diagnostics {
    validate::validate(config)
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

#[cfg(test)]
mod plan_tests;
#[cfg(test)]
mod plan_update_tests;
#[cfg(test)]
mod testutil;
#[cfg(test)]
mod validate_cases;
#[cfg(test)]
mod validate_tests;
