//! ApplyResourceChange dispatch and what create, update and delete share:
//! the state being built, turning step errors into diagnostics, and making
//! sure a returned state never holds unknown values.

pub(super) mod create;
pub(super) mod delete;
pub(super) mod desired;
pub(super) mod drift;
pub(super) mod import;
#[cfg(test)]
mod import_tests;
pub(super) mod observed;
pub(super) mod private;
pub(super) mod read;
pub(super) mod scaling;
pub(super) mod switch;
pub(super) mod update;
#[cfg(test)]
mod update_tests;

use self::desired::{DesiredError, Place};
use self::private::PrivateState;
use super::Env;
use super::aws;
use super::aws::error::AwsError;
use super::features::secrets;
use super::schema::state::State;
use crate::framework::Outcome;
use crate::framework::typed::DecodeError;
use crate::tfplugin::{Diagnostics, Value};

/// One failed step of an apply, read or import.
#[derive(Debug, thiserror::Error)]
pub enum StepError {
    #[error(transparent)]
    Desired(#[from] DesiredError),
    #[error("{step}: {source}")]
    Aws {
        step: String,
        #[source]
        source: AwsError,
    },
    /// Create found objects under the names it needs that are not its own.
    #[error("objects for endpoint {endpoint} already exist")]
    Taken {
        endpoint: String,
        found: Vec<aws::owner::Foreign>,
    },
    /// Autoscaling was asked for, but the variant is already registered
    /// with Application Auto Scaling by something else.
    #[error("the scalable target {resource_id} is not this resource's")]
    ScaledElsewhere {
        endpoint: String,
        resource_id: String,
    },
    #[error("{0}")]
    Other(String),
}

/// Wraps an AWS error with the step it happened in.
pub fn at(step: impl Into<String>) -> impl FnOnce(AwsError) -> StepError {
    let step = step.into();
    move |source| StepError::Aws { step, source }
}

impl StepError {
    /// Adds this error to `diags`, with a summary saying what failed and a
    /// detail carrying AWS's own words.
    pub fn report(&self, diags: &mut Diagnostics) {
        match self {
            StepError::Desired(e) => {
                diags.error("Invalid configuration for apply", e.to_string());
            }
            StepError::Other(m) => diags.error("Operation failed", m.clone()),
            StepError::Taken { endpoint, found } => diags.error(
                format!("Endpoint {endpoint} already exists outside this resource"),
                taken_detail(endpoint, found),
            ),
            StepError::ScaledElsewhere {
                endpoint,
                resource_id,
            } => diags.error(
                format!("Endpoint {endpoint} is already scaled by something else"),
                format!(
                    "`autoscaling` would register the scalable target {resource_id}, but it \
                     is registered already and carries none of this resource's scaling \
                     policies: another tool owns it (an endpoint made by the CDK construct \
                     comes with one). This resource does not take over or change objects it \
                     did not create, so autoscaling was not set up. Deregister that target \
                     (its policies go with it) and apply again, or leave `autoscaling` out. \
                     {KEPT}"
                ),
            ),
            StepError::Aws { step, source } => {
                let (summary, detail) = describe(step, source);
                diags.error(summary, detail);
            }
        }
    }

    /// The AWS error inside, if any.
    pub fn aws(&self) -> Option<&AwsError> {
        match self {
            StepError::Aws { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// How to adopt an endpoint made elsewhere, for error details. Terraform
/// does not tell providers the resource address, so the commands use a
/// placeholder and say where to find it.
pub fn import_advice(endpoint: &str) -> String {
    format!(
        "To manage it with this resource, import it; replace ADDRESS with this resource's \
         address from the \"with\" line above (for example sagemaker_custom_endpoint.main):\n\n  \
         terraform import ADDRESS {endpoint}\n\nor add this block to the configuration and \
         apply again:\n\n  import {{\n    to = ADDRESS\n    id = \"{endpoint}\"\n  }}\n\n\
         Otherwise choose another endpoint_name."
    )
}

fn taken_detail(endpoint: &str, found: &[aws::owner::Foreign]) -> String {
    let list: String = found
        .iter()
        .map(|f| {
            format!(
                "  - {} {} (tags: {}): appears to belong to {}\n",
                f.kind,
                f.name,
                f.tag_list(),
                f.owner_hint()
            )
        })
        .collect();
    format!(
        "These objects already exist under the names this resource needs, and do not carry \
         its ownership mark:\n{list}\nNothing was created or changed: this resource never \
         takes over, changes or deletes objects it did not create. {}",
        import_advice(endpoint)
    )
}

const KEPT: &str = "Every object created so far is recorded in the state, so the next apply or \
                    destroy takes over from here.";

fn describe(step: &str, e: &AwsError) -> (String, String) {
    match e {
        AwsError::Api {
            operation,
            code,
            message,
        } => (
            format!("Failed to {step}"),
            format!("AWS {operation} returned {code}: {message}"),
        ),
        AwsError::Timeout {
            what,
            after,
            last_status,
        } => (
            format!("Timed out: {step}"),
            format!(
                "{what} was still {last_status} after {}. Raise the matching value in the \
                 timeouts block if the model needs longer. {KEPT}",
                human(*after)
            ),
        ),
        AwsError::Cancelled { what } => (
            format!("Interrupted: {step}"),
            format!("Stopped waiting for {what} because Terraform was interrupted. {KEPT}"),
        ),
        AwsError::Failed { what, reason } => (
            format!("{what} failed"),
            format!("While trying to {step}, SageMaker reported: {reason}"),
        ),
        AwsError::Foreign(f) => (
            format!("{} {} is not owned by this resource", f.kind, f.name),
            format!(
                "While trying to {step}: {f}. It was left exactly as it is. Delete or rename \
                 it if it is a leftover, or remove it from the other configuration that \
                 manages it."
            ),
        ),
        AwsError::RolledBack {
            what,
            live_config,
            reason,
        } => (
            "Endpoint update rolled back".to_string(),
            format!(
                "{what} went back to endpoint configuration {live_config}: {}. The state \
                 records the configuration that is really in service.",
                reason.trim_end_matches('.')
            ),
        ),
    }
}

fn human(d: std::time::Duration) -> String {
    let s = d.as_secs();
    match (s / 3600, s % 3600 / 60, s % 60) {
        (0, 0, s) => format!("{s}s"),
        (0, m, 0) => format!("{m}m"),
        (0, m, s) => format!("{m}m{s}s"),
        (h, m, s) => format!("{h}h{m}m{s}s"),
    }
}

impl Env<'_> {
    pub fn place(&self) -> Place<'_> {
        Place {
            region: self.region,
            account_id: self.account_id,
            default_tags: self.default_tags,
        }
    }
}

pub async fn apply(
    env: &Env<'_>,
    prior: &Value,
    planned: &Value,
    config: &Value,
    pending: PrivateState,
) -> Outcome<PrivateState> {
    let decoded = (|| {
        Ok::<_, DecodeError>((
            State::decode(prior)?,
            State::decode(planned)?,
            State::decode(config)?,
        ))
    })();
    let (prior_st, mut planned_st, config) = match decoded {
        Ok(x) => x,
        Err(e) => {
            let mut diagnostics = Diagnostics::new();
            diagnostics.error(
                "Unreadable apply request",
                format!("This is a provider bug: {e}."),
            );
            return Outcome {
                state: prior.clone(),
                private: pending,
                diagnostics,
            };
        }
    };
    // The key names of the secrets are known now even if they were not at
    // plan time; their values come from `config` only.
    secrets::fill_keys(&mut planned_st, &config);
    match (prior.is_null(), planned.is_null()) {
        (true, true) => Outcome {
            state: Value::Null,
            private: pending,
            diagnostics: Diagnostics::new(),
        },
        (true, false) => self::create::create(env, &planned_st, &config, pending).await,
        (false, true) => self::delete::delete(env, &prior_st, pending).await,
        (false, false) => self::update::update(env, &prior_st, &planned_st, &config, pending).await,
    }
}

/// The gRPC service runs these futures on a multi-threaded runtime, so they
/// must be `Send`; this fails to compile otherwise.
#[allow(dead_code)]
fn futures_are_send(env: &Env<'_>, v: &Value) {
    fn is_send<T: Send>(_: T) {}
    is_send(apply(env, v, v, v, PrivateState::default()));
    is_send(self::read::read(env, v, PrivateState::default()));
    is_send(self::import::import(env, ""));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tfplugin::diag::Severity;

    #[test]
    fn aws_errors_become_diagnostics_with_aws_words() {
        let mut d = Diagnostics::new();
        let e = at("create the model")(AwsError::Api {
            operation: "CreateModel",
            code: "ValidationException".into(),
            message: "Image does not exist".into(),
        });
        e.report(&mut d);
        let t = at("wait for the endpoint")(AwsError::Timeout {
            what: "endpoint e".into(),
            after: std::time::Duration::from_secs(90),
            last_status: "Creating".into(),
        });
        t.report(&mut d);
        assert_eq!(d.0.len(), 2);
        assert!(d.0.iter().all(|x| x.severity == Severity::Error));
        assert_eq!(d.0[0].summary, "Failed to create the model");
        assert!(
            d.0[0]
                .detail
                .contains("ValidationException: Image does not exist")
        );
        assert!(
            d.0[1].detail.contains("still Creating after 1m30s"),
            "{}",
            d.0[1].detail
        );
    }

    #[test]
    fn durations_read_like_go() {
        assert_eq!(human(std::time::Duration::from_secs(5)), "5s");
        assert_eq!(human(std::time::Duration::from_secs(3600)), "1h0m0s");
        assert_eq!(human(std::time::Duration::from_secs(600)), "10m");
    }
}
