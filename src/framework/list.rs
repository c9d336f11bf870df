//! List resources (`terraform query`, Terraform 1.14+): the trait a list
//! resource type implements, and the adapter that serves it.
//!
//! A list resource finds existing objects of a managed resource type from a
//! filter configuration and sends them as they are found, each with its
//! identity and a display name, and the whole resource object when asked
//! for it. The adapter validates the configuration first, encodes each find
//! into a `ListResource` event (the identity with the managed type's
//! identity schema, the object with its resource schema and the rules of a
//! finished state), stops at Terraform's `limit`, and ends the stream with
//! the list's diagnostics when it has any.

use std::future::Future;
use std::sync::Arc;

use tokio::sync::mpsc;

use super::resource::{IdentitySchema, Op};
use super::{Cancel, rules, wire};
use crate::proto::tfplugin6 as pb;
use crate::tfplugin::schema::Schema;
use crate::tfplugin::{Diagnostics, Value};

/// One object a list found.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// An object of the managed type's identity schema.
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
    /// The managed resource type it lists (which must have an identity).
    fn type_name(&self) -> &'static str;

    /// The schema of the `config` block of a `list` block.
    fn config_schema(&self) -> &'static Schema;

    /// Static checks of the `config` block; unknown values are skipped.
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

/// The managed resource type a list finds objects of: how they are encoded.
#[derive(Clone, Copy)]
pub struct Target {
    pub schema: &'static Schema,
    pub identity: &'static IdentitySchema,
}

/// The events of one ListResource call, as they are produced.
pub type Events = mpsc::UnboundedReceiver<pb::list_resource::Event>;

/// A list resource behind `dyn`.
#[tonic::async_trait]
pub(super) trait AnyList<P>: Send + Sync {
    fn type_name(&self) -> &'static str;
    fn config_schema(&self) -> &'static Schema;
    fn validate(&self, config: Option<&pb::DynamicValue>) -> Diagnostics;
    async fn run(
        &self,
        provider: Arc<P>,
        cancel: Cancel,
        req: pb::list_resource::Request,
        target: Target,
        out: mpsc::UnboundedSender<pb::list_resource::Event>,
    );
}

pub(super) struct TypedList<L>(pub L);

/// Encodes finds into events and counts them against the limit.
struct EventSink {
    out: mpsc::UnboundedSender<pb::list_resource::Event>,
    target: Target,
    limit: Option<u64>,
    sent: u64,
}

impl EventSink {
    fn event(&self, found: Found) -> pb::list_resource::Event {
        let mut d = Diagnostics::new();
        let identity = wire::encode(
            &found.identity,
            &self.target.identity.value_type(),
            "identity",
        )
        .map_err(|e| d.extend(e))
        .ok();
        let resource_object = found.resource.and_then(|r| {
            let r = rules::finished(&self.target.schema.block, r);
            wire::encode(&r, &self.target.schema.value_type(), "resource object")
                .map_err(|e| d.extend(e))
                .ok()
        });
        pb::list_resource::Event {
            identity: identity.map(|dv| pb::ResourceIdentityData {
                identity_data: Some(dv),
            }),
            display_name: found.display_name,
            resource_object,
            diagnostic: d.to_proto(),
        }
    }

    fn full(&self) -> bool {
        self.limit.is_some_and(|l| self.sent >= l)
    }
}

impl Sink for EventSink {
    fn send(&mut self, found: Found) -> bool {
        if self.full() {
            return false;
        }
        let event = self.event(found);
        if self.out.send(event).is_err() {
            return false;
        }
        self.sent += 1;
        !self.full()
    }
}

/// Terraform places the paths of a list's diagnostics in the whole `list`
/// block, whose `config` block holds the attributes of the config schema.
fn in_config_block(mut d: Diagnostics) -> Diagnostics {
    for diag in &mut d.0 {
        if let Some(p) = &mut diag.path {
            p.0.insert(
                0,
                crate::tfplugin::diag::PathStep::Attr(CONFIG_BLOCK.into()),
            );
        }
    }
    d
}

/// The block of a `list` block that holds the filters.
const CONFIG_BLOCK: &str = "config";

/// The last event of a stream: diagnostics only.
pub(super) fn diagnostics_event(d: Diagnostics) -> pb::list_resource::Event {
    pb::list_resource::Event {
        diagnostic: d.to_proto(),
        ..Default::default()
    }
}

#[tonic::async_trait]
impl<P, L> AnyList<P> for TypedList<L>
where
    P: Send + Sync + 'static,
    L: ListResource<P>,
{
    fn type_name(&self) -> &'static str {
        self.0.type_name()
    }

    fn config_schema(&self) -> &'static Schema {
        self.0.config_schema()
    }

    fn validate(&self, config: Option<&pb::DynamicValue>) -> Diagnostics {
        let schema = self.0.config_schema();
        match wire::decode(config, &schema.value_type(), "list configuration") {
            Ok(c) => in_config_block(rules::locatable(&schema.block, self.0.validate(&c))),
            Err(d) => d,
        }
    }

    async fn run(
        &self,
        provider: Arc<P>,
        cancel: Cancel,
        req: pb::list_resource::Request,
        target: Target,
        out: mpsc::UnboundedSender<pb::list_resource::Event>,
    ) {
        let schema = self.0.config_schema();
        let config = match wire::decode(
            req.config.as_ref(),
            &schema.value_type(),
            "list configuration",
        ) {
            Ok(c) => c,
            Err(d) => {
                let _ = out.send(diagnostics_event(d));
                return;
            }
        };
        let d = rules::locatable(&schema.block, self.0.validate(&config));
        if d.has_errors() {
            let _ = out.send(diagnostics_event(d));
            return;
        }
        let mut sink = EventSink {
            out: out.clone(),
            target,
            limit: u64::try_from(req.limit).ok().filter(|l| *l > 0),
            sent: 0,
        };
        let op = Op {
            provider: &*provider,
            cancel: &cancel,
        };
        let mut diags = d;
        diags.extend(
            self.0
                .list(op, &config, req.include_resource_object, &mut sink)
                .await,
        );
        if !diags.is_empty() {
            // Nobody may be listening any more; that is not an error.
            let _ = out.send(diagnostics_event(diags));
        }
    }
}
