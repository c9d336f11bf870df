//! The registry of the provider's objects, and the RPC dispatch through it.
//!
//! Each object is added with one line ([`Registry::resource`],
//! [`Registry::list`], [`Registry::action`], [`Registry::function`]). The
//! `Provider` service hands every RPC to the registry, which finds the
//! object by type name, decodes the request with that object's schema,
//! calls the typed trait and applies the protocol rules ([`super::rules`])
//! to the result before encoding the reply. Behind `dyn`, each trait is
//! wrapped in an adapter that owns this work, so implementations never see
//! protocol messages.

use std::collections::HashMap;
use std::sync::Arc;

use super::Cancel;
use tokio::sync::mpsc;

use super::action::{self, Action, AnyAction, TypedAction};
use super::function::{self, Function, FunctionError};
use super::list::{self, AnyList, ListResource, Target, TypedList};
use super::resource::{
    ApplyRequest, IdentitySchema, ImportRequest, ManagedResource, Op, PlanRequest,
};
use super::rules;
use super::wire::{self, Private};
use crate::proto::tfplugin6 as pb;
use crate::tfplugin::schema::Schema;
use crate::tfplugin::{Diagnostics, Value, codec};

/// The provider's configured data, or why it is not available.
pub type Configured<P> = Result<Arc<P>, Diagnostics>;

/// Every object of a provider whose configured data has type `P`.
pub struct Registry<P> {
    resources: Vec<Box<dyn AnyResource<P>>>,
    lists: Vec<Box<dyn AnyList<P>>>,
    actions: Vec<Box<dyn AnyAction<P>>>,
    functions: Vec<Box<dyn Function>>,
}

impl<P> Default for Registry<P> {
    fn default() -> Self {
        Registry {
            resources: Vec::new(),
            lists: Vec::new(),
            actions: Vec::new(),
            functions: Vec::new(),
        }
    }
}

impl<P: Send + Sync + 'static> Registry<P> {
    /// Adds a managed resource type.
    pub fn resource<R: ManagedResource<P>>(&mut self, r: R) -> &mut Self {
        self.resources.push(Box::new(Typed(r)));
        self
    }

    /// Adds a list resource type.
    pub fn list<L: ListResource<P>>(&mut self, l: L) -> &mut Self {
        self.lists.push(Box::new(TypedList(l)));
        self
    }

    /// Adds an action type.
    pub fn action<A: Action<P>>(&mut self, a: A) -> &mut Self {
        self.actions.push(Box::new(TypedAction(a)));
        self
    }

    /// Adds a provider-defined function.
    pub fn function(&mut self, f: Box<dyn Function>) -> &mut Self {
        self.functions.push(f);
        self
    }
}

impl<P> Registry<P> {
    /// The managed resource type names, in registration order.
    pub fn resource_types(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.resources.iter().map(|r| r.type_name())
    }

    /// The schema of a managed resource type.
    pub fn resource_schema(&self, type_name: &str) -> Option<&'static Schema> {
        self.find(type_name).ok().map(|r| r.schema())
    }

    /// The list resource type names.
    pub fn list_types(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.lists.iter().map(|l| l.type_name())
    }

    /// The action type names.
    pub fn action_types(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.actions.iter().map(|a| a.type_name())
    }

    /// The resource schemas of GetProviderSchema.
    pub fn resource_schemas(&self) -> HashMap<String, pb::Schema> {
        self.resources
            .iter()
            .map(|r| (r.type_name().to_string(), r.schema().to_proto()))
            .collect()
    }

    /// The identity schemas of GetResourceIdentitySchemas.
    pub fn identity_schemas(&self) -> HashMap<String, pb::ResourceIdentitySchema> {
        self.resources
            .iter()
            .filter_map(|r| {
                r.identity_schema()
                    .map(|s| (r.type_name().to_string(), s.to_proto()))
            })
            .collect()
    }

    /// The function names of GetMetadata.
    pub fn function_names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.functions.iter().map(|f| f.spec().name)
    }

    /// The functions of GetFunctions and GetProviderSchema.
    pub fn function_definitions(&self) -> HashMap<String, pb::Function> {
        self.functions
            .iter()
            .map(|f| (f.spec().name.to_string(), f.spec().to_proto()))
            .collect()
    }

    fn find(&self, type_name: &str) -> Result<&dyn AnyResource<P>, Diagnostics> {
        if let Some(r) = self.resources.iter().find(|r| r.type_name() == type_name) {
            return Ok(r.as_ref());
        }
        let offered: Vec<String> = self.resource_types().map(|t| format!("\"{t}\"")).collect();
        let mut d = Diagnostics::new();
        d.error(
            "Unknown resource type",
            format!(
                "This provider has no resource type \"{type_name}\"; it offers {}.",
                offered.join(", ")
            ),
        );
        Err(d)
    }

    pub fn validate_resource_config(
        &self,
        req: pb::validate_resource_config::Request,
    ) -> pb::validate_resource_config::Response {
        let write_only = req
            .client_capabilities
            .as_ref()
            .is_some_and(|caps| caps.write_only_attributes_allowed);
        let diags = self
            .find(&req.type_name)
            .map(|r| r.validate(req.config.as_ref(), write_only))
            .unwrap_or_else(|d| d);
        pb::validate_resource_config::Response {
            diagnostics: diags.to_proto(),
        }
    }

    pub fn upgrade_resource_state(
        &self,
        req: pb::upgrade_resource_state::Request,
    ) -> pb::upgrade_resource_state::Response {
        let result = self.find(&req.type_name).and_then(|r| {
            let ty = r.schema().value_type();
            let raw = req.raw_state.unwrap_or_default();
            if raw.json.is_empty() {
                let mut d = Diagnostics::new();
                d.error(
                    "Unsupported state format",
                    "The stored state is in the legacy flatmap format, which this provider \
                     never wrote.",
                );
                return Err(d);
            }
            let value = codec::decode_json_state(&raw.json, &ty).map_err(|e| {
                let mut d = Diagnostics::new();
                d.error(
                    "Unreadable stored state",
                    format!("The stored state does not match the schema: {e}"),
                );
                d
            })?;
            wire::encode(&value, &ty, "upgraded state")
        });
        match result {
            Ok(state) => pb::upgrade_resource_state::Response {
                upgraded_state: Some(state),
                diagnostics: vec![],
            },
            Err(d) => pb::upgrade_resource_state::Response {
                upgraded_state: None,
                diagnostics: d.to_proto(),
            },
        }
    }

    pub fn upgrade_resource_identity(
        &self,
        req: pb::upgrade_resource_identity::Request,
    ) -> pb::upgrade_resource_identity::Response {
        let result = self.find(&req.type_name).and_then(|r| {
            let Some(schema) = r.identity_schema() else {
                let mut d = Diagnostics::new();
                d.error(
                    "Resource has no identity",
                    format!("{} has no resource identity to upgrade.", req.type_name),
                );
                return Err(d);
            };
            if req.version > schema.version {
                let mut d = Diagnostics::new();
                d.error(
                    "Identity from a newer provider",
                    format!(
                        "The stored identity has version {}, newer than this provider's {}; \
                         use the provider version that wrote it.",
                        req.version, schema.version
                    ),
                );
                return Err(d);
            }
            let ty = schema.value_type();
            let raw = req.raw_identity.unwrap_or_default();
            let value = codec::decode_json_state(&raw.json, &ty).map_err(|e| {
                let mut d = Diagnostics::new();
                d.error(
                    "Unreadable stored identity",
                    format!("The stored identity does not match the identity schema: {e}"),
                );
                d
            })?;
            wire::encode(&value, &ty, "upgraded identity")
        });
        match result {
            Ok(data) => pb::upgrade_resource_identity::Response {
                upgraded_identity: Some(pb::ResourceIdentityData {
                    identity_data: Some(data),
                }),
                diagnostics: vec![],
            },
            Err(d) => pb::upgrade_resource_identity::Response {
                upgraded_identity: None,
                diagnostics: d.to_proto(),
            },
        }
    }

    pub fn plan_resource_change(
        &self,
        provider: Configured<P>,
        req: pb::plan_resource_change::Request,
    ) -> pb::plan_resource_change::Response {
        let result = self
            .find(&req.type_name)
            .and_then(|r| r.plan(provider, &req));
        result.unwrap_or_else(|d| pb::plan_resource_change::Response {
            diagnostics: d.to_proto(),
            ..Default::default()
        })
    }

    pub async fn apply_resource_change(
        &self,
        provider: Configured<P>,
        cancel: &Cancel,
        req: pb::apply_resource_change::Request,
    ) -> pb::apply_resource_change::Response {
        let result = match self.find(&req.type_name) {
            Ok(r) => r.apply(provider, cancel, &req).await,
            Err(d) => Err(d),
        };
        // Before anything was touched, an error keeps the prior state as it was.
        result.unwrap_or_else(|d| pb::apply_resource_change::Response {
            new_state: req.prior_state.clone(),
            private: req.planned_private.clone(),
            diagnostics: d.to_proto(),
            ..Default::default()
        })
    }

    pub async fn read_resource(
        &self,
        provider: Configured<P>,
        cancel: &Cancel,
        req: pb::read_resource::Request,
    ) -> pb::read_resource::Response {
        let result = match self.find(&req.type_name) {
            Ok(r) => r.read(provider, cancel, &req).await,
            Err(d) => Err(d),
        };
        result.unwrap_or_else(|d| pb::read_resource::Response {
            new_state: req.current_state.clone(),
            private: req.private.clone(),
            diagnostics: d.to_proto(),
            ..Default::default()
        })
    }

    pub async fn import_resource_state(
        &self,
        provider: Configured<P>,
        cancel: &Cancel,
        req: pb::import_resource_state::Request,
    ) -> pb::import_resource_state::Response {
        let result = match self.find(&req.type_name) {
            Ok(r) => r.import(provider, cancel, &req).await,
            Err(d) => Err(d),
        };
        result.unwrap_or_else(|d| pb::import_resource_state::Response {
            diagnostics: d.to_proto(),
            ..Default::default()
        })
    }

    pub fn call_function(&self, req: &pb::call_function::Request) -> pb::call_function::Response {
        match self.functions.iter().find(|f| f.spec().name == req.name) {
            Some(f) => function::call(f.as_ref(), &req.arguments),
            None => function::response(Err(FunctionError {
                text: format!("this provider has no function named {:?}", req.name),
                argument: None,
            })),
        }
    }

    /// GenerateResourceConfig: a resource object turned into configuration.
    pub fn generate_resource_config(
        &self,
        req: pb::generate_resource_config::Request,
    ) -> pb::generate_resource_config::Response {
        match self
            .find(&req.type_name)
            .and_then(|r| r.generate(req.state.as_ref()))
        {
            Ok(config) => pb::generate_resource_config::Response {
                config: Some(config),
                diagnostics: vec![],
            },
            Err(d) => pb::generate_resource_config::Response {
                config: None,
                diagnostics: d.to_proto(),
            },
        }
    }

    /// The list resource schemas of GetProviderSchema (each the schema of
    /// the `config` block).
    pub fn list_schemas(&self) -> HashMap<String, pb::Schema> {
        self.lists
            .iter()
            .map(|l| (l.type_name().to_string(), l.config_schema().to_proto()))
            .collect()
    }

    /// The action schemas of GetProviderSchema.
    pub fn action_schemas(&self) -> HashMap<String, pb::ActionSchema> {
        self.actions
            .iter()
            .map(|a| {
                let schema = Some(a.schema().to_proto());
                (a.type_name().to_string(), pb::ActionSchema { schema })
            })
            .collect()
    }

    fn find_list(&self, type_name: &str) -> Result<(&dyn AnyList<P>, Target), Diagnostics> {
        let mut d = Diagnostics::new();
        let Some(l) = self.lists.iter().find(|l| l.type_name() == type_name) else {
            d.error(
                "Unknown list resource type",
                format!("This provider has no list resource type \"{type_name}\"."),
            );
            return Err(d);
        };
        let r = self.find(type_name)?;
        let Some(identity) = r.identity_schema() else {
            d.error(
                "List resource without identity",
                format!(
                    "This is a provider bug: the list resource \"{type_name}\" lists a \
                     resource type without an identity schema."
                ),
            );
            return Err(d);
        };
        let target = Target {
            schema: r.schema(),
            identity,
        };
        Ok((l.as_ref(), target))
    }

    /// ValidateListResourceConfig: the `config` block's static checks.
    pub fn validate_list_resource_config(
        &self,
        req: pb::validate_list_resource_config::Request,
    ) -> pb::validate_list_resource_config::Response {
        let d = match self.find_list(&req.type_name) {
            Ok((l, _)) => l.validate(req.config.as_ref()),
            Err(d) => d,
        };
        pb::validate_list_resource_config::Response {
            diagnostics: d.to_proto(),
        }
    }

    fn find_action(&self, type_name: &str) -> Result<&dyn AnyAction<P>, Diagnostics> {
        self.actions
            .iter()
            .find(|a| a.type_name() == type_name)
            .map(|a| a.as_ref())
            .ok_or_else(|| {
                let mut d = Diagnostics::new();
                d.error(
                    "Unknown action type",
                    format!("This provider has no action type \"{type_name}\"."),
                );
                d
            })
    }

    /// ValidateActionConfig: the action's static checks.
    pub fn validate_action_config(
        &self,
        req: pb::validate_action_config::Request,
    ) -> pb::validate_action_config::Response {
        let d = match self.find_action(&req.type_name) {
            Ok(a) => a.validate(req.config.as_ref()),
            Err(d) => d,
        };
        pb::validate_action_config::Response {
            diagnostics: d.to_proto(),
        }
    }

    /// PlanAction: the static checks again, with the configuration as it
    /// stands at plan time (unknown values are skipped).
    pub fn plan_action(&self, req: pb::plan_action::Request) -> pb::plan_action::Response {
        let d = match self.find_action(&req.action_type) {
            Ok(a) => a.validate(req.config.as_ref()),
            Err(d) => d,
        };
        pb::plan_action::Response {
            diagnostics: d.to_proto(),
            deferred: None,
        }
    }
}

impl<P: Send + Sync + 'static> Registry<P> {
    /// ListResource: runs the list in a task of its own and returns its
    /// events as they come. The stream ends when the list is done, the limit
    /// is reached, or (with a last diagnostics event) on an error.
    pub fn list_resource(
        self: &Arc<Self>,
        provider: Configured<P>,
        cancel: Cancel,
        req: pb::list_resource::Request,
    ) -> list::Events {
        let (tx, rx) = mpsc::unbounded_channel();
        let found = self
            .find_list(&req.type_name)
            .map(|(_, target)| target)
            .and_then(|target| provider.map(|p| (p, target)));
        match found {
            Err(d) => {
                let _ = tx.send(list::diagnostics_event(d));
            }
            Ok((provider, target)) => {
                let registry = Arc::clone(self);
                tokio::spawn(async move {
                    if let Ok((l, _)) = registry.find_list(&req.type_name) {
                        l.run(provider, cancel, req, target, tx).await;
                    }
                });
            }
        }
        rx
    }

    /// InvokeAction: runs the action in a task of its own and returns its
    /// progress events as they come, then the `completed` event.
    pub fn invoke_action(
        self: &Arc<Self>,
        provider: Configured<P>,
        cancel: Cancel,
        req: pb::invoke_action::Request,
    ) -> action::Events {
        let (tx, rx) = mpsc::unbounded_channel();
        match self.find_action(&req.action_type).and(provider) {
            Err(d) => {
                let _ = tx.send(action::completed(d));
            }
            Ok(provider) => {
                let registry = Arc::clone(self);
                tokio::spawn(async move {
                    if let Ok(a) = registry.find_action(&req.action_type) {
                        a.run(provider, cancel, req.config, tx).await;
                    }
                });
            }
        }
        rx
    }
}

/// A managed resource behind `dyn`: the protocol work around the typed calls.
#[tonic::async_trait]
trait AnyResource<P>: Send + Sync {
    fn type_name(&self) -> &'static str;
    fn schema(&self) -> &'static Schema;
    fn identity_schema(&self) -> Option<&'static IdentitySchema>;
    fn validate(&self, config: Option<&pb::DynamicValue>, write_only: bool) -> Diagnostics;
    fn generate(&self, state: Option<&pb::DynamicValue>) -> Result<pb::DynamicValue, Diagnostics>;
    fn plan(
        &self,
        provider: Configured<P>,
        req: &pb::plan_resource_change::Request,
    ) -> Result<pb::plan_resource_change::Response, Diagnostics>;
    async fn apply(
        &self,
        provider: Configured<P>,
        cancel: &Cancel,
        req: &pb::apply_resource_change::Request,
    ) -> Result<pb::apply_resource_change::Response, Diagnostics>;
    async fn read(
        &self,
        provider: Configured<P>,
        cancel: &Cancel,
        req: &pb::read_resource::Request,
    ) -> Result<pb::read_resource::Response, Diagnostics>;
    async fn import(
        &self,
        provider: Configured<P>,
        cancel: &Cancel,
        req: &pb::import_resource_state::Request,
    ) -> Result<pb::import_resource_state::Response, Diagnostics>;
}

struct Typed<R>(R);

impl<R> Typed<R> {
    /// A state as Terraform must receive it after apply, read or import.
    fn finished<P>(&self, state: Value) -> Value
    where
        R: ManagedResource<P>,
    {
        rules::finished(&self.0.schema().block, state)
    }

    /// The identity to return next to `state`: the resource's own for a
    /// non-null state, else `kept` (what Terraform sent); none without an
    /// identity schema or for a null state.
    fn identity_of<P>(
        &self,
        provider: &P,
        state: &Value,
        kept: Option<&pb::ResourceIdentityData>,
    ) -> Result<Option<pb::ResourceIdentityData>, Diagnostics>
    where
        R: ManagedResource<P>,
    {
        let Some(schema) = self.0.identity_schema() else {
            return Ok(None);
        };
        if state.is_null() {
            return Ok(None);
        }
        match self.0.identity(provider, state) {
            Some(v) => Ok(Some(pb::ResourceIdentityData {
                identity_data: Some(wire::encode(&v, &schema.value_type(), "identity")?),
            })),
            None => Ok(kept.cloned()),
        }
    }
}

#[tonic::async_trait]
impl<P, R> AnyResource<P> for Typed<R>
where
    P: Send + Sync + 'static,
    R: ManagedResource<P>,
{
    fn type_name(&self) -> &'static str {
        self.0.type_name()
    }

    fn schema(&self) -> &'static Schema {
        self.0.schema()
    }

    fn identity_schema(&self) -> Option<&'static IdentitySchema> {
        self.0.identity_schema()
    }

    fn generate(&self, state: Option<&pb::DynamicValue>) -> Result<pb::DynamicValue, Diagnostics> {
        let ty = self.0.schema().value_type();
        let state = wire::decode(state, &ty, "resource object")?;
        let config = self.0.generate_config(rules::known(state))?;
        wire::encode(&config, &ty, "generated configuration")
    }

    fn validate(&self, config: Option<&pb::DynamicValue>, write_only: bool) -> Diagnostics {
        let block = &self.0.schema().block;
        let ty = self.0.schema().value_type();
        match wire::decode(config, &ty, "resource configuration") {
            Ok(c) => {
                let mut d = rules::write_only_allowed(block, &c, write_only);
                d.extend(self.0.validate(&c));
                rules::locatable(block, d)
            }
            Err(d) => d,
        }
    }

    fn plan(
        &self,
        provider: Configured<P>,
        req: &pb::plan_resource_change::Request,
    ) -> Result<pb::plan_resource_change::Response, Diagnostics> {
        let schema = self.0.schema();
        let ty = schema.value_type();
        let prior = wire::decode(req.prior_state.as_ref(), &ty, "prior state")?;
        let proposed = wire::decode(req.proposed_new_state.as_ref(), &ty, "proposed state")?;
        let config = wire::decode(req.config.as_ref(), &ty, "resource configuration")?;
        let provider = provider?;
        let planned = if proposed.is_null() {
            // Destroy: nothing to plan.
            super::Planned {
                state: Value::Null,
                requires_replace: Vec::new(),
                diagnostics: Diagnostics::new(),
            }
        } else {
            let proposed = rules::proposed(&schema.block, &config, proposed);
            self.0.plan(
                &provider,
                PlanRequest {
                    prior: &prior,
                    proposed: &proposed,
                    config: &config,
                },
            )
        };
        let (state, identity) = if planned.diagnostics.has_errors() {
            (None, None)
        } else {
            let state = rules::without_write_only(&schema.block, planned.state);
            let identity = self.identity_of(&*provider, &state, req.prior_identity.as_ref())?;
            (Some(wire::encode(&state, &ty, "planned state")?), identity)
        };
        Ok(pb::plan_resource_change::Response {
            planned_state: state,
            requires_replace: planned
                .requires_replace
                .iter()
                .map(|p| p.to_proto())
                .collect(),
            planned_private: req.prior_private.clone(),
            diagnostics: rules::locatable(&schema.block, planned.diagnostics).to_proto(),
            planned_identity: identity,
            ..Default::default()
        })
    }

    async fn apply(
        &self,
        provider: Configured<P>,
        cancel: &Cancel,
        req: &pb::apply_resource_change::Request,
    ) -> Result<pb::apply_resource_change::Response, Diagnostics> {
        let ty = self.0.schema().value_type();
        let prior = wire::decode(req.prior_state.as_ref(), &ty, "prior state")?;
        let planned = wire::decode(req.planned_state.as_ref(), &ty, "planned state")?;
        let config = wire::decode(req.config.as_ref(), &ty, "resource configuration")?;
        let provider = provider?;
        let op = Op {
            provider: &*provider,
            cancel,
        };
        let request = ApplyRequest {
            prior: &prior,
            planned: &planned,
            config: &config,
            private: Private::decode(&req.planned_private),
        };
        let out = self.0.apply(op, request).await;
        let state = self.finished(out.state);
        let identity = self.identity_of(&*provider, &state, req.planned_identity.as_ref())?;
        Ok(pb::apply_resource_change::Response {
            new_state: Some(wire::encode(&state, &ty, "new state")?),
            private: Private::encode(&out.private),
            diagnostics: out.diagnostics.to_proto(),
            new_identity: identity,
            ..Default::default()
        })
    }

    async fn read(
        &self,
        provider: Configured<P>,
        cancel: &Cancel,
        req: &pb::read_resource::Request,
    ) -> Result<pb::read_resource::Response, Diagnostics> {
        let ty = self.0.schema().value_type();
        let state = wire::decode(req.current_state.as_ref(), &ty, "current state")?;
        let provider = provider?;
        let op = Op {
            provider: &*provider,
            cancel,
        };
        let out = self.0.read(op, &state, Private::decode(&req.private)).await;
        let state = self.finished(out.state);
        let identity = self.identity_of(&*provider, &state, req.current_identity.as_ref())?;
        Ok(pb::read_resource::Response {
            new_state: Some(wire::encode(&state, &ty, "refreshed state")?),
            private: Private::encode(&out.private),
            diagnostics: out.diagnostics.to_proto(),
            new_identity: identity,
            ..Default::default()
        })
    }

    async fn import(
        &self,
        provider: Configured<P>,
        cancel: &Cancel,
        req: &pb::import_resource_state::Request,
    ) -> Result<pb::import_resource_state::Response, Diagnostics> {
        let ty = self.0.schema().value_type();
        let identity = match (self.0.identity_schema(), &req.identity) {
            (Some(schema), Some(data)) => Some(wire::decode(
                data.identity_data.as_ref(),
                &schema.value_type(),
                "import identity",
            )?),
            _ => None,
        };
        if req.id.is_empty() && identity.as_ref().is_none_or(Value::is_null) {
            let mut d = Diagnostics::new();
            d.error(
                "Nothing to import",
                format!(
                    "Importing {} needs an ID or, on Terraform 1.12 and later, an identity.",
                    req.type_name
                ),
            );
            return Err(d);
        }
        let provider = provider?;
        let op = Op {
            provider: &*provider,
            cancel,
        };
        let request = ImportRequest {
            id: &req.id,
            identity: identity.as_ref().filter(|v| !v.is_null()),
        };
        let out = self.0.import(op, request).await;
        if out.diagnostics.has_errors() || out.state.is_null() {
            return Ok(pb::import_resource_state::Response {
                diagnostics: out.diagnostics.to_proto(),
                ..Default::default()
            });
        }
        let state = self.finished(out.state);
        let identity = self.identity_of(&*provider, &state, req.identity.as_ref())?;
        Ok(pb::import_resource_state::Response {
            imported_resources: vec![pb::import_resource_state::ImportedResource {
                type_name: req.type_name.clone(),
                state: Some(wire::encode(&state, &ty, "imported state")?),
                private: Private::encode(&out.private),
                identity,
            }],
            diagnostics: out.diagnostics.to_proto(),
            deferred: None,
        })
    }
}
