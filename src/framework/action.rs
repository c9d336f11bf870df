//! Actions (Terraform 1.14+): the trait an action type implements, and the
//! adapter that serves it.
//!
//! An action does something once, when a lifecycle trigger or `terraform
//! apply -invoke` runs it, reports progress while it runs, and keeps no
//! state. The adapter decodes the configuration with the action's schema,
//! validates it, turns each progress message into an `InvokeAction` event as
//! it is reported, and ends the stream with a `completed` event carrying
//! the action's diagnostics.

use std::future::Future;
use std::sync::Arc;

use tokio::sync::mpsc;

use super::resource::Op;
use super::{Cancel, rules, wire};
use crate::proto::tfplugin6 as pb;
use crate::tfplugin::schema::Schema;
use crate::tfplugin::{Diagnostics, Value};

/// Where an action reports progress.
pub trait Progress: Send {
    fn progress(&mut self, message: String);
}

/// An action type.
pub trait Action<P>: Send + Sync + 'static {
    /// The action type name, such as `sagemaker_invoke_endpoint`.
    fn type_name(&self) -> &'static str;

    /// The schema of the action's configuration.
    fn schema(&self) -> &'static Schema;

    /// Static checks, without provider configuration; unknown values are
    /// skipped.
    fn validate(&self, config: &Value) -> Diagnostics;

    /// Runs the action with a fully known configuration.
    fn invoke(
        &self,
        op: Op<'_, P>,
        config: &Value,
        progress: &mut dyn Progress,
    ) -> impl Future<Output = Diagnostics> + Send;
}

/// The events of one InvokeAction call, as they are produced.
pub type Events = mpsc::UnboundedReceiver<pb::invoke_action::Event>;

/// An action behind `dyn`.
#[tonic::async_trait]
pub(super) trait AnyAction<P>: Send + Sync {
    fn type_name(&self) -> &'static str;
    fn schema(&self) -> &'static Schema;
    fn validate(&self, config: Option<&pb::DynamicValue>) -> Diagnostics;
    async fn run(
        &self,
        provider: Arc<P>,
        cancel: Cancel,
        config: Option<pb::DynamicValue>,
        out: mpsc::UnboundedSender<pb::invoke_action::Event>,
    );
}

pub(super) struct TypedAction<A>(pub A);

/// Sends each progress message as it comes.
struct ProgressEvents(mpsc::UnboundedSender<pb::invoke_action::Event>);

impl Progress for ProgressEvents {
    fn progress(&mut self, message: String) {
        tracing::info!("{message}");
        let event = pb::invoke_action::event::Type::Progress(pb::invoke_action::event::Progress {
            message,
        });
        // A caller that went away still lets the action finish.
        let _ = self.0.send(pb::invoke_action::Event {
            r#type: Some(event),
        });
    }
}

/// The last event of an invocation.
pub(super) fn completed(d: Diagnostics) -> pb::invoke_action::Event {
    pb::invoke_action::Event {
        r#type: Some(pb::invoke_action::event::Type::Completed(
            pb::invoke_action::event::Completed {
                diagnostics: d.to_proto(),
            },
        )),
    }
}

impl<A> TypedAction<A> {
    fn decode<P>(&self, config: Option<&pb::DynamicValue>) -> Result<Value, Diagnostics>
    where
        A: Action<P>,
    {
        wire::decode(
            config,
            &self.0.schema().value_type(),
            "action configuration",
        )
    }
}

#[tonic::async_trait]
impl<P, A> AnyAction<P> for TypedAction<A>
where
    P: Send + Sync + 'static,
    A: Action<P>,
{
    fn type_name(&self) -> &'static str {
        self.0.type_name()
    }

    fn schema(&self) -> &'static Schema {
        self.0.schema()
    }

    fn validate(&self, config: Option<&pb::DynamicValue>) -> Diagnostics {
        match self.decode(config) {
            Ok(c) => rules::locatable(&self.0.schema().block, self.0.validate(&c)),
            Err(d) => d,
        }
    }

    async fn run(
        &self,
        provider: Arc<P>,
        cancel: Cancel,
        config: Option<pb::DynamicValue>,
        out: mpsc::UnboundedSender<pb::invoke_action::Event>,
    ) {
        let config = match self.decode(config.as_ref()) {
            Ok(c) => c,
            Err(d) => {
                let _ = out.send(completed(d));
                return;
            }
        };
        let mut d = rules::locatable(&self.0.schema().block, self.0.validate(&config));
        if d.has_errors() {
            let _ = out.send(completed(d));
            return;
        }
        if !config.is_wholly_known() {
            d.error(
                "Action configuration not known",
                "Terraform invoked the action with values that are only known after apply; \
                 this is a bug in the caller.",
            );
            let _ = out.send(completed(d));
            return;
        }
        let op = Op {
            provider: &*provider,
            cancel: &cancel,
        };
        let mut progress = ProgressEvents(out.clone());
        d.extend(self.0.invoke(op, &config, &mut progress).await);
        let _ = out.send(completed(d));
    }
}
