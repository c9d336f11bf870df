//! The switch of an in-place update: UpdateEndpoint to the new config,
//! rolled out as `deployment_config` says and keeping the live instance
//! count when autoscaling owns it, then the wait until the endpoint serves
//! the new config. A rollback (the endpoint back on the old config) is an
//! error naming the reason and, when `auto_rollback_alarms` are set, the
//! alarms that were firing.

use super::super::Env;
use super::super::aws;
use super::super::aws::endpoint::EndpointStatus;
use super::super::aws::error::AwsError;
use super::super::schema::state::State;
use super::create::not_cancelled;
use super::desired::Desired;
use super::private::{Kind, Pending};
use super::scaling;
use super::update::Run;
use super::{StepError, at};
use crate::framework::typed::Known;

impl Run<'_> {
    /// UpdateEndpoint to the new config and the wait for it. On a rollback
    /// the new objects are deleted (or kept pending); on any other wait
    /// error both generations are kept pending, since either may be live.
    pub(super) async fn switch(&mut self, prior: &State, new: &Desired) -> Result<(), StepError> {
        let env = self.env;
        let c = env.clients;
        let name = new.endpoint_name();
        not_cancelled(env, "update the endpoint")?;
        let step = format!("update the endpoint {name}");
        // An endpoint still busy (say, an earlier update that timed out)
        // refuses UpdateEndpoint: let it settle first. If it already serves
        // the new config, there is nothing to switch.
        let mut current = aws::endpoint::find(c, name).await.map_err(at(&step))?;
        if let Some(ep) = &current
            && aws::endpoint::is_transitional(&ep.status)
        {
            let settled =
                aws::endpoint::wait_in_service(c, name, None, new.spec.timeouts.update, env.cancel)
                    .await;
            match settled {
                Ok(ep) => current = Some(ep),
                Err(AwsError::Failed { .. }) | Err(AwsError::RolledBack { .. }) => {}
                Err(e) => return Err(at(&step)(e)),
            }
        }
        let already = current.as_ref().is_some_and(|ep| {
            ep.config_name == new.config_name && ep.status == EndpointStatus::InService
        });
        if already {
            self.target.endpoint_status = Known::Value(EndpointStatus::InService.to_string());
            return Ok(());
        }
        let retain = scaling::retain_live_count(prior, &new.spec);
        let deployment = new.spec.deployment.as_ref();
        aws::endpoint::update_with(c, name, &new.config_name, retain, deployment)
            .await
            .map_err(at(&step))?;
        self.live.endpoint_status = Known::Value(EndpointStatus::Updating.to_string());
        let waited = aws::endpoint::wait_in_service(
            c,
            name,
            Some(&new.config_name),
            new.spec.timeouts.update,
            env.cancel,
        )
        .await;
        let waited = match waited {
            Err(AwsError::RolledBack {
                what,
                live_config,
                reason,
            }) => Err(AwsError::RolledBack {
                what,
                live_config,
                reason: with_firing_alarms(env, new, reason).await,
            }),
            other => other,
        };
        match waited {
            Ok(ep) => {
                self.target.endpoint_status = Known::from_option(Some(ep.status.to_string()));
                Ok(())
            }
            Err(e) => {
                match &e {
                    AwsError::RolledBack { .. } => {
                        self.live.endpoint_status =
                            Known::Value(EndpointStatus::InService.to_string());
                        for item in std::mem::take(&mut self.created) {
                            if matches!(item.kind, Kind::Model | Kind::EndpointConfig) {
                                self.delete_now(item).await;
                            } else {
                                self.created.push(item);
                            }
                        }
                    }
                    _ => {
                        if let AwsError::Timeout { last_status, .. } = &e {
                            self.live.endpoint_status =
                                Known::from_option(Some(last_status.clone()));
                        }
                        if let AwsError::Failed { .. } = &e {
                            self.live.endpoint_status =
                                Known::from_option(Some(EndpointStatus::Failed.to_string()));
                        }
                        for (kind, before, after) in [
                            (
                                Kind::EndpointConfig,
                                &prior.endpoint_config_name,
                                &self.target.endpoint_config_name,
                            ),
                            (Kind::Model, &prior.model_name, &self.target.model_name),
                        ] {
                            if let Some(n) = before.as_str()
                                && after.as_str() != Some(n)
                            {
                                self.pending.add(Pending::new(kind, n));
                            }
                        }
                    }
                }
                Err(at(format!(
                    "wait for endpoint {name} to be InService on {}",
                    new.config_name
                ))(e))
            }
        }
    }
}

/// The rollback reason, completed with the `auto_rollback_alarms` that are
/// in ALARM (when SageMaker's reason does not already name them). A failed
/// alarm lookup only loses the addition, never the error.
async fn with_firing_alarms(env: &Env<'_>, new: &Desired, reason: String) -> String {
    let Some(d) = &new.spec.deployment else {
        return reason;
    };
    let mut firing = Vec::new();
    for name in &d.rollback_alarms {
        match aws::alarm::find(env.clients, name).await {
            Ok(Some(a)) if a.state.as_deref() == Some("ALARM") && !reason.contains(name) => {
                firing.push(name.as_str())
            }
            Ok(_) => {}
            Err(e) => tracing::warn!("could not read rollback alarm {name}: {e}"),
        }
    }
    if firing.is_empty() {
        reason
    } else {
        format!(
            "{reason} (auto-rollback alarm in ALARM state: {})",
            firing.join(", ")
        )
    }
}
