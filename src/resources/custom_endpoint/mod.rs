//! `sagemaker_custom_endpoint`: deploys a custom model (container image plus
//! model artifacts in S3) to a SageMaker endpoint.
//!
//! This file is the resource as the framework sees it ([`CustomEndpoint`])
//! and its in-process API for tests. The rest is grouped by concept; each
//! folder depends only on folders above it in this list, never back:
//! - [`schema`](schema()) (`schema/`): the Terraform schema, its documented
//!   defaults, and the one typed [`State`](schema::state::State) every other
//!   part reads and writes;
//! - `formats/`: checks of names, ARNs, tags and images (the shared parsers
//!   of S3 URIs and Go durations are in [`crate::resources::formats`]);
//! - `features/`: the typed parts of the configuration that are features of
//!   their own: `secrets` (write-only variables), `scaling_model`
//!   (autoscaling and the names and specs of its objects), `deploy_model`
//!   (`deployment_config`);
//! - `spec/`: what a configuration asks for: `model` (the fully known
//!   [`EndpointSpec`]) and `derive` (image URI, `tags_all`, the derived
//!   object names and their content hashes);
//! - `validate/`: ValidateResourceConfig;
//! - `plan/`: PlanResourceChange;
//! - `lifecycle/`: the apply side over the AWS layer: dispatch and step
//!   errors, `create`, `update` (with `switch`), `delete`, `read`
//!   (refresh, with `drift` and `observed`), `import`, `scaling` (the
//!   autoscaling objects over their lifecycle), `desired` (the AWS objects
//!   a state asks for) and `private` (pending cleanups).

mod features;
mod formats;
mod lifecycle;
mod list;
mod plan;
mod schema;
mod spec;
mod validate;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use super::Session;
use crate::framework::typed::Known;
use crate::framework::wire::Private;
use crate::framework::{
    self, ApplyRequest, IdentitySchema, ImportRequest, ManagedResource, Op, Outcome, Planned, rules,
};
use crate::tfplugin::schema::Schema;
use crate::tfplugin::{AttrPath, Diagnostics, Value};
use schema::identity::Identity;
use schema::state::State;

pub use super::formats::duration::{DurationError, parse_go_duration};
pub use super::formats::s3uri::{S3Uri, S3UriError};
pub use lifecycle::private::{Kind as PendingKind, Pending, PrivateState};
pub use list::{CustomEndpointList, config_schema as list_config_schema};
pub use schema::{
    DEFAULT_CONTAINER_TIMEOUT_SECONDS, DEFAULT_CREATE_TIMEOUT, DEFAULT_DELETE_TIMEOUT,
    DEFAULT_INSTANCE_COUNT, DEFAULT_MAX_CONCURRENT_INVOCATIONS, DEFAULT_UPDATE_TIMEOUT,
};
pub use spec::derive::{
    ConfigInputs, DerivedNames, ModelInputs, derived_names, invoke_policy_json, resolve_image_uri,
    tags_all,
};
pub use spec::model::{
    AsyncInference, Container, EndpointSpec, ImageError, ModelError, Timeouts, VpcConfig,
};

/// The resource type name Terraform uses.
pub const TYPE_NAME: &str = "sagemaker_custom_endpoint";

/// The resource schema (version 0), built once.
pub fn schema() -> &'static Schema {
    schema::schema()
}

/// Static checks for ValidateResourceConfig (no provider config available
/// yet). Unknown values are skipped. `write_only_allowed` is Terraform's
/// client capability of the same name (checked by the framework's rule).
pub fn validate(config: &Value, write_only_allowed: bool) -> Diagnostics {
    let mut d = rules::write_only_allowed(&schema().block, config, write_only_allowed);
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

/// PlanResourceChange as Terraform gets it through the framework: prior
/// Null = create; proposed Null = destroy (Null planned state). For callers
/// in the same process (tests); the gRPC path goes through
/// [`CustomEndpoint`].
pub fn plan(req: PlanRequest<'_>) -> PlanResponse {
    if req.proposed_new_state.is_null() {
        return PlanResponse {
            planned_state: Value::Null,
            requires_replace: Vec::new(),
            diagnostics: Diagnostics::new(),
        };
    }
    let block = &schema().block;
    let proposed = rules::proposed(block, req.config, req.proposed_new_state.clone());
    let mut r = plan::plan(PlanRequest {
        proposed_new_state: &proposed,
        ..req
    });
    r.planned_state = rules::without_write_only(block, r.planned_state);
    r
}

// The AWS layer the apply side is written against (see notes/aws_api.md).
use crate::aws;

/// What the apply side needs from the configured provider.
pub struct Env<'a> {
    pub clients: &'a aws::clients::Clients,
    /// Reads shared with the other refreshes of the process.
    pub shared: &'a Arc<aws::shared_reads::SharedReads>,
    pub region: &'a str,
    pub account_id: &'a str,
    pub default_tags: &'a BTreeMap<String, String>,
    /// Set by StopProvider (Ctrl-C): waits stop promptly, state is kept.
    pub cancel: &'a aws::wait::Cancel,
    /// How long CreateModel is retried while a new role propagates (90 s in
    /// production).
    pub iam_propagation_bound: Duration,
}

impl<'a> Env<'a> {
    /// The environment of one operation on a configured provider.
    pub fn of(session: &'a Session, account_id: &'a str, cancel: &'a aws::wait::Cancel) -> Self {
        Env {
            clients: &session.clients,
            shared: &session.shared,
            region: &session.region,
            account_id,
            default_tags: &session.default_tags,
            cancel,
            iam_propagation_bound: session.iam_propagation_bound,
        }
    }
}

/// The result of ApplyResourceChange, ReadResource or ImportResourceState
/// as Terraform receives it (private state as bytes), for callers in the
/// same process (tests).
#[derive(Debug, Clone)]
pub struct ApplyResult {
    /// Null only after a successful destroy, or when creation failed before
    /// any object could exist (or, for a read, when the endpoint is gone).
    /// Never contains unknown values.
    pub new_state: Value,
    pub private: Vec<u8>,
    pub diagnostics: Diagnostics,
}

/// ReadResource and ImportResourceState results have the same shape.
pub type ReadResult = ApplyResult;

impl ApplyResult {
    fn wire(out: Outcome<PrivateState>) -> ApplyResult {
        ApplyResult {
            new_state: rules::finished(&schema().block, out.state),
            private: Private::encode(&out.private),
            diagnostics: out.diagnostics,
        }
    }
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
    ApplyResult::wire(lifecycle::apply(env, prior, planned, config, Private::decode(private)).await)
}

/// ReadResource (refresh).
pub async fn read(env: &Env<'_>, state: &Value, private: &[u8]) -> ReadResult {
    ApplyResult::wire(lifecycle::read::read(env, state, Private::decode(private)).await)
}

/// ImportResourceState: `id` is the endpoint name.
pub async fn import(env: &Env<'_>, id: &str) -> ReadResult {
    ApplyResult::wire(lifecycle::import::import(env, id).await)
}

/// The resource type, as registered with the framework.
pub struct CustomEndpoint;

impl CustomEndpoint {
    /// The environment of an operation, once the account is known; on
    /// failure, the outcome that keeps `state` as it was.
    async fn env<'a>(
        op: &Op<'a, Session>,
        state: &Value,
        private: &PrivateState,
    ) -> Result<(&'a Session, &'a str), Outcome<PrivateState>> {
        match op.provider.account_id().await {
            Ok(account) => Ok((op.provider, account)),
            Err(diagnostics) => Err(Outcome {
                state: state.clone(),
                private: private.clone(),
                diagnostics,
            }),
        }
    }
}

impl ManagedResource<Session> for CustomEndpoint {
    type Private = PrivateState;

    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> &'static Schema {
        schema()
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        validate::validate(config)
    }

    fn plan(&self, session: &Session, req: framework::PlanRequest<'_>) -> Planned {
        let ctx = ProviderContext {
            region: session.region.clone(),
            default_tags: session.default_tags.clone(),
        };
        let r = plan::plan(PlanRequest {
            prior_state: req.prior,
            proposed_new_state: req.proposed,
            config: req.config,
            ctx: &ctx,
        });
        Planned {
            state: r.planned_state,
            requires_replace: r.requires_replace,
            diagnostics: r.diagnostics,
        }
    }

    async fn apply(
        &self,
        op: Op<'_, Session>,
        req: ApplyRequest<'_, PrivateState>,
    ) -> Outcome<PrivateState> {
        let (session, account) = match Self::env(&op, req.prior, &req.private).await {
            Ok(x) => x,
            Err(kept) => return kept,
        };
        let env = Env::of(session, account, op.cancel);
        lifecycle::apply(&env, req.prior, req.planned, req.config, req.private).await
    }

    async fn read(
        &self,
        op: Op<'_, Session>,
        state: &Value,
        private: PrivateState,
    ) -> Outcome<PrivateState> {
        let (session, account) = match Self::env(&op, state, &private).await {
            Ok(x) => x,
            Err(kept) => return kept,
        };
        let env = Env::of(session, account, op.cancel);
        lifecycle::read::read(&env, state, private).await
    }

    async fn import(&self, op: Op<'_, Session>, req: ImportRequest<'_>) -> Outcome<PrivateState> {
        let none = PrivateState::default();
        let (session, account) = match Self::env(&op, &Value::Null, &none).await {
            Ok(x) => x,
            Err(failed) => return failed,
        };
        let id = match req
            .identity
            .map(|v| identity_import_id(v, session, account))
        {
            None => req.id.to_string(),
            Some(Ok(name)) => name,
            Some(Err(diagnostics)) => {
                return Outcome {
                    state: Value::Null,
                    private: none,
                    diagnostics,
                };
            }
        };
        let env = Env::of(session, account, op.cancel);
        lifecycle::import::import(&env, &id).await
    }

    fn identity_schema(&self) -> Option<&'static IdentitySchema> {
        Some(schema::identity::schema())
    }

    fn identity(&self, session: &Session, state: &Value) -> Option<Value> {
        let state = State::decode(state).ok()?;
        let account = session.known_account_id()?;
        Identity::of(&state, &session.region, account).map(|i| i.encode())
    }
}

/// The endpoint an `import { identity = {...} }` names, after checking that
/// its region and account (when given) are the provider's: the import
/// reads through the provider's own credentials and region.
fn identity_import_id(v: &Value, session: &Session, account: &str) -> Result<String, Diagnostics> {
    let mut d = Diagnostics::new();
    let identity = match Identity::decode(v) {
        Ok(i) => i,
        Err(e) => {
            d.error("Invalid import identity", format!("{e}."));
            return Err(d);
        }
    };
    let wrong = |given: &Known<String>, have: &str| given.as_str().is_some_and(|g| g != have);
    if wrong(&identity.region, &session.region) {
        d.attr_error(
            AttrPath::root(Identity::region),
            "Identity in another region",
            format!(
                "identity.region is {:?}, but this provider works in {:?}. Import with a \
                 provider configured for that region.",
                identity.region.as_str().unwrap_or_default(),
                session.region
            ),
        );
    }
    if wrong(&identity.account_id, account) {
        d.attr_error(
            AttrPath::root(Identity::account_id),
            "Identity in another account",
            format!(
                "identity.account_id is {:?}, but the provider's credentials are for account \
                 {account}.",
                identity.account_id.as_str().unwrap_or_default()
            ),
        );
    }
    match identity.endpoint_name.as_str() {
        _ if d.has_errors() => Err(d),
        Some(name) if !name.is_empty() => Ok(name.to_string()),
        _ => {
            d.attr_error(
                AttrPath::root(Identity::endpoint_name),
                "Missing endpoint name",
                "identity.endpoint_name is required to import an endpoint.",
            );
            Err(d)
        }
    }
}

#[cfg(test)]
mod testutil;
