//! Actions (Terraform 1.14+): the trait an action type implements. An
//! action does something once, when a lifecycle trigger or `terraform apply
//! -invoke` runs it, reports progress while it runs, and keeps no state.
//!
//! The registry keeps actions next to the resources; the action RPCs
//! themselves are served once the protocol file of this crate includes them
//! (tfplugin6 6.10).

use std::future::Future;

use super::resource::Op;
use crate::tfplugin::Diagnostics;
use crate::tfplugin::Value;
use crate::tfplugin::schema::Schema;

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

    /// Static checks, without provider configuration.
    fn validate(&self, config: &Value) -> Diagnostics;

    /// Runs the action with a fully known configuration.
    fn invoke(
        &self,
        op: Op<'_, P>,
        config: &Value,
        progress: &mut dyn Progress,
    ) -> impl Future<Output = Diagnostics> + Send;
}
