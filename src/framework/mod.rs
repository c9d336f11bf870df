//! The layer between the protocol ([`crate::tfplugin`]) and the provider's
//! objects ([`crate::resources`], [`crate::functions`]).
//!
//! A provider object implements one trait — [`ManagedResource`],
//! [`ListResource`], [`Action`] or [`Function`] — and is added to the
//! [`Registry`] with one line. The `Provider` gRPC service dispatches every
//! RPC through the registry, and the rules of the protocol are applied here,
//! once, for every object:
//! - values are decoded and encoded with the object's schema type, and a
//!   value that does not match it becomes a diagnostic ([`wire`]);
//! - an unknown type name is a diagnostic naming what the provider offers;
//! - a state handed back to Terraform never holds unknown values, and never
//!   a write-only value ([`rules`]);
//! - the schema's defaults of optional+computed attributes are filled while
//!   planning ([`rules::fill_defaults`]);
//! - private state is a typed value, decoded leniently and encoded empty
//!   when it holds nothing ([`wire::Private`]);
//! - diagnostic paths are cut back to what Terraform can point at in the
//!   configuration source;
//! - a resource with an identity schema (Terraform 1.12+) gets its identity
//!   returned next to every state, and imports by identity.
//!
//! Nothing here knows about AWS: the provider's configured data is the type
//! parameter `P` of every trait.

pub mod action;
pub mod function;
pub mod list;
pub mod registry;
pub mod resource;
pub mod rules;
pub mod typed;
pub mod wire;

pub use action::Action;
pub use function::{Function, FunctionError, FunctionSpec, Param};
pub use list::ListResource;
pub use registry::Registry;
pub use resource::{
    ApplyRequest, IdentityAttribute, IdentitySchema, ImportRequest, ManagedResource, Op, Outcome,
    PlanRequest, Planned,
};

/// Stops the waits of an operation (StopProvider, plugin shutdown).
pub use tokio_util::sync::CancellationToken as Cancel;

#[cfg(test)]
mod registry_tests;
