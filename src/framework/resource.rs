//! Managed resources: the trait a resource type implements, and the decoded
//! requests and results it deals in. The framework ([`super::registry`])
//! turns RPCs into calls of this trait and applies the protocol rules to
//! what comes back, so an implementation works on [`Value`]s of its own
//! schema type and on its own typed private state only.

use std::future::Future;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::Cancel;
use crate::proto::tfplugin6 as pb;
use crate::tfplugin::schema::Schema;
use crate::tfplugin::{AttrPath, Diagnostics, Type, Value};

/// One attribute of a resource identity (Terraform 1.12+).
#[derive(Debug, Clone)]
pub struct IdentityAttribute {
    pub name: &'static str,
    pub ty: Type,
    /// An `import { identity = {...} }` block must set it.
    pub required_for_import: bool,
    /// Markdown.
    pub description: &'static str,
}

/// The identity schema of a resource type: the attributes that name one
/// remote object, stored by Terraform next to the state.
#[derive(Debug, Clone)]
pub struct IdentitySchema {
    pub version: i64,
    pub attributes: Vec<IdentityAttribute>,
}

impl IdentitySchema {
    /// The object type identity values are decoded and encoded with.
    pub fn value_type(&self) -> Type {
        Type::object(self.attributes.iter().map(|a| (a.name, a.ty.clone())))
    }

    pub fn to_proto(&self) -> pb::ResourceIdentitySchema {
        pb::ResourceIdentitySchema {
            version: self.version,
            identity_attributes: self
                .attributes
                .iter()
                .map(|a| pb::resource_identity_schema::IdentityAttribute {
                    name: a.name.to_string(),
                    r#type: a.ty.to_json_bytes(),
                    required_for_import: a.required_for_import,
                    optional_for_import: !a.required_for_import,
                    description: a.description.to_string(),
                })
                .collect(),
        }
    }
}

/// What an import names: the ID of `terraform import` / `import { id }`,
/// or the identity of `import { identity = {...} }` (decoded with the
/// identity schema; the ID is then empty).
pub struct ImportRequest<'a> {
    pub id: &'a str,
    pub identity: Option<&'a Value>,
}

/// What a long-running operation (apply, read, import) runs with.
pub struct Op<'a, P> {
    /// The provider's configured data.
    pub provider: &'a P,
    /// Cancelled by StopProvider or shutdown: waits stop, state is kept.
    pub cancel: &'a Cancel,
}

/// PlanResourceChange, decoded. `proposed` already carries the schema's
/// defaults and no write-only value; a destroy (null `proposed`) never
/// reaches the resource.
pub struct PlanRequest<'a> {
    /// Null when creating.
    pub prior: &'a Value,
    pub proposed: &'a Value,
    pub config: &'a Value,
}

/// A plan. Write-only attributes are nulled by the framework.
#[derive(Debug, Clone)]
pub struct Planned {
    pub state: Value,
    pub requires_replace: Vec<AttrPath>,
    pub diagnostics: Diagnostics,
}

/// ApplyResourceChange, decoded. Prior null = create, planned null =
/// destroy, otherwise an in-place update.
pub struct ApplyRequest<'a, S> {
    pub prior: &'a Value,
    pub planned: &'a Value,
    pub config: &'a Value,
    pub private: S,
}

/// The result of an apply, read or import. `state` null means the object is
/// gone (or, for an import, was not found); unknown values left in it become
/// null and write-only attributes are nulled before Terraform sees it.
#[derive(Debug, Clone)]
pub struct Outcome<S> {
    pub state: Value,
    pub private: S,
    pub diagnostics: Diagnostics,
}

/// A managed resource type.
pub trait ManagedResource<P>: Send + Sync + 'static {
    /// What the resource keeps in Terraform's private state.
    type Private: Serialize + DeserializeOwned + Default + PartialEq + Send + Sync;

    /// The resource type name, such as `sagemaker_custom_endpoint`.
    fn type_name(&self) -> &'static str;

    /// The schema; its value type decodes every value of this resource.
    fn schema(&self) -> &'static Schema;

    /// ValidateResourceConfig: static checks, without provider
    /// configuration. Unknown values must be skipped. (Write-only attributes
    /// on a Terraform that does not support them are refused by the
    /// framework.)
    fn validate(&self, config: &Value) -> Diagnostics;

    /// PlanResourceChange for a create or an update.
    fn plan(&self, provider: &P, req: PlanRequest<'_>) -> Planned;

    /// ApplyResourceChange.
    fn apply(
        &self,
        op: Op<'_, P>,
        req: ApplyRequest<'_, Self::Private>,
    ) -> impl Future<Output = Outcome<Self::Private>> + Send;

    /// ReadResource (refresh).
    fn read(
        &self,
        op: Op<'_, P>,
        state: &Value,
        private: Self::Private,
    ) -> impl Future<Output = Outcome<Self::Private>> + Send;

    /// ImportResourceState, by ID or by identity.
    fn import(
        &self,
        op: Op<'_, P>,
        req: ImportRequest<'_>,
    ) -> impl Future<Output = Outcome<Self::Private>> + Send;

    /// GenerateResourceConfig: a configuration that, imported, plans no
    /// change against `state` (a resource object of this type, from a list).
    /// The default is [`rules::config_from_state`](super::rules::config_from_state).
    fn generate_config(&self, state: Value) -> Result<Value, Diagnostics> {
        Ok(super::rules::config_from_state(&self.schema().block, state))
    }

    /// The identity schema; `None` (the default) for a type without one.
    fn identity_schema(&self) -> Option<&'static IdentitySchema> {
        None
    }

    /// The identity of a (non-null) state, wholly known; `None` when it
    /// cannot be told yet (the framework then keeps the prior identity).
    fn identity(&self, _provider: &P, _state: &Value) -> Option<Value> {
        None
    }
}
