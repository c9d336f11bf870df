//! The action `sagemaker_invoke_endpoint` (Terraform 1.14+): sends one
//! request to an endpoint and checks the answer, as a smoke test after a
//! deploy (`action_trigger` on `after_create` / `after_update`) or alone
//! (`terraform apply -invoke=action.sagemaker_invoke_endpoint.<name>`).
//!
//! Synchronous endpoints get InvokeEndpoint. With `input_location`, the
//! body is written to a new object under that S3 prefix, the endpoint gets
//! InvokeEndpointAsync, and the action waits for the output or the failure
//! object. The answer's status must be `expect_status` and its body must
//! contain `expect_body_contains`; otherwise the action fails, quoting the
//! status and the start of the answer. It keeps no state and changes
//! nothing but the request object it writes, which it deletes again.

mod config;
mod run;

use super::Session;
use crate::framework::Op;
use crate::framework::action::{Action, Progress};
use crate::tfplugin::schema::Schema;
use crate::tfplugin::{Diagnostics, Value};

pub use config::{DEFAULT_CONTENT_TYPE, DEFAULT_EXPECT_STATUS, DEFAULT_TIMEOUT, schema};

/// The action type name Terraform uses.
pub const TYPE_NAME: &str = "sagemaker_invoke_endpoint";

/// The action, as registered with the framework.
pub struct InvokeEndpoint;

impl Action<Session> for InvokeEndpoint {
    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> &'static Schema {
        config::schema()
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        config::check(config).err().unwrap_or_default()
    }

    async fn invoke(
        &self,
        op: Op<'_, Session>,
        config: &Value,
        progress: &mut dyn Progress,
    ) -> Diagnostics {
        match config::check(config) {
            Ok(Some(request)) => run::run(op, &request, progress).await,
            Ok(None) => {
                let mut d = Diagnostics::new();
                d.error(
                    "Action configuration not known",
                    "The configuration holds values that are only known after apply.",
                );
                d
            }
            Err(d) => d,
        }
    }
}
