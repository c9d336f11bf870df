//! List resources (`terraform query`, Terraform 1.14+): the trait a list
//! resource type implements. A list resource finds existing objects of a
//! managed resource type from a filter configuration and streams them as
//! they are found, each with its identity and a display name, and the whole
//! resource object when asked for it.
//!
//! The registry keeps list resources next to the managed ones; the
//! ListResource RPCs themselves are served once the protocol file of this
//! crate includes them (tfplugin6 6.10).

use std::future::Future;

use super::resource::Op;
use crate::tfplugin::schema::Schema;
use crate::tfplugin::{Diagnostics, Value};

/// One object a list found.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub identity: Value,
    pub display_name: String,
    /// The full resource object, when the request asked for it.
    pub resource: Option<Value>,
}

/// Where a list sends what it finds, as it finds it.
pub trait Sink: Send {
    /// Returns false once the receiver is gone or the limit was reached:
    /// the list should stop.
    fn send(&mut self, found: Found) -> bool;
}

/// A list resource type.
pub trait ListResource<P>: Send + Sync + 'static {
    /// The managed resource type it lists.
    fn type_name(&self) -> &'static str;

    /// The schema of the `config` block of a `list` block.
    fn config_schema(&self) -> &'static Schema;

    /// Static checks of the `config` block.
    fn validate(&self, config: &Value) -> Diagnostics;

    /// Finds the objects matching `config`, sending each to `sink`.
    fn list(
        &self,
        op: Op<'_, P>,
        config: &Value,
        include_resource: bool,
        sink: &mut dyn Sink,
    ) -> impl Future<Output = Diagnostics> + Send;
}
