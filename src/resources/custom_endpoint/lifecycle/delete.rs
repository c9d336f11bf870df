//! Destroy, in the order DESIGN section 5 gives: the autoscaling alarms,
//! policies and scalable target, the endpoint (waiting until
//! it is gone), the config, the model, pending cleanups, the topics, the
//! generated role, and the log group last (deleted with
//! `delete_logs_on_destroy`, released otherwise). A role the user supplied is never touched. On error
//! the prior state minus what was deleted is returned, so nothing is lost.
//! Also the runner that retries pending cleanups.

use std::collections::BTreeSet;
use std::time::Duration;

use super::super::Env;
use super::super::aws;
use super::super::aws::endpoint::EndpointStatus;
use super::super::aws::error::AwsError;
use super::super::aws::owner::{Deleted, Foreign};
use super::super::schema::DEFAULT_DELETE_TIMEOUT;
use super::super::schema::state::State;
use super::private::{Kind, PrivateState};
use super::{StepError, at};
use crate::framework::Outcome;
use crate::framework::typed::Known;
use crate::resources::formats::duration::parse_go_duration;
use crate::tfplugin::{Diagnostics, Value};

pub async fn delete(
    env: &Env<'_>,
    prior: &State,
    mut pending: PrivateState,
) -> Outcome<PrivateState> {
    let mut diagnostics = Diagnostics::new();
    let mut st = State::clone(prior);
    let mut errors = Vec::new();
    let mut skipped = Vec::new();
    if let Err(e) = teardown(env, prior, &mut st, &mut pending, &mut skipped).await {
        errors.push(e);
    }
    report_skipped(&skipped, &mut diagnostics);
    if errors.is_empty() && !pending.is_empty() {
        errors.push(StepError::Other(format!(
            "These objects could not be deleted and are kept for the next destroy: {}",
            pending
                .pending_cleanup
                .iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    for e in &errors {
        e.report(&mut diagnostics);
    }
    Outcome {
        state: if errors.is_empty() {
            Value::Null
        } else {
            st.encode()
        },
        private: pending,
        diagnostics,
    }
}

/// The delete timeout of a state's `timeouts` block.
fn delete_timeout(state: &State) -> Duration {
    let configured = state.timeouts.get().and_then(|t| t.delete.as_str());
    parse_go_duration(configured.unwrap_or(DEFAULT_DELETE_TIMEOUT))
        .or_else(|_| parse_go_duration(DEFAULT_DELETE_TIMEOUT))
        .unwrap_or(Duration::from_secs(1800))
}

/// Deletes the endpoint, when it carries the mark `owner`, and waits until
/// DescribeEndpoint no longer finds it. An endpoint still being created or
/// updated is waited for first. Someone else's endpoint is left alone.
pub async fn delete_endpoint(
    env: &Env<'_>,
    name: &str,
    owner: &str,
    timeout: Duration,
) -> Result<Deleted, StepError> {
    let c = env.clients;
    let step = format!("delete the endpoint {name}");
    let Some(ep) = aws::endpoint::find(c, name).await.map_err(at(&step))? else {
        return Ok(Deleted::Gone);
    };
    if let Err(f) = aws::endpoint::check_owned(c, "endpoint", name, &ep.arn, owner)
        .await
        .map_err(at(&step))?
    {
        return Ok(Deleted::NotOurs(f));
    }
    if aws::endpoint::is_transitional(&ep.status) {
        match aws::endpoint::wait_in_service(c, name, None, timeout, env.cancel).await {
            Ok(_) | Err(AwsError::Failed { .. }) | Err(AwsError::RolledBack { .. }) => {}
            Err(e) => return Err(at(&step)(e)),
        }
    }
    if ep.status != EndpointStatus::Deleting {
        aws::endpoint::delete(c, name).await.map_err(at(&step))?;
    }
    aws::endpoint::wait_deleted(c, name, timeout, env.cancel)
        .await
        .map_err(at(format!("wait for the endpoint {name} to be deleted")))?;
    Ok(Deleted::Done)
}

/// Deletes one object the state names, only when it carries the mark
/// `owner`; someone else's object goes to `skipped`.
async fn delete_one(
    env: &Env<'_>,
    kind: Kind,
    name: &str,
    owner: &str,
    skipped: &mut Vec<Foreign>,
) -> Result<(), AwsError> {
    if let Deleted::NotOurs(f) = delete_owned(env, kind, name, owner).await? {
        skipped.push(f);
    }
    Ok(())
}

/// The owned delete of one object of `kind` (the ARN for topics).
pub async fn delete_owned(
    env: &Env<'_>,
    kind: Kind,
    name: &str,
    owner: &str,
) -> Result<Deleted, AwsError> {
    let c = env.clients;
    match kind {
        Kind::EndpointConfig => aws::endpoint_config::delete_owned(c, name, owner).await,
        Kind::Model => aws::model::delete_owned(c, name, owner).await,
        Kind::Topic => aws::topic::delete_owned(c, name, owner).await,
        Kind::Role => aws::role::delete_owned(c, name, owner).await,
    }
}

async fn teardown(
    env: &Env<'_>,
    prior: &State,
    st: &mut State,
    pending: &mut PrivateState,
    skipped: &mut Vec<Foreign>,
) -> Result<(), StepError> {
    let Some(name) = prior.endpoint_name.as_str() else {
        return Err(StepError::Other("the state has no endpoint_name".into()));
    };
    let owner = prior.ownership_id.as_str().unwrap_or_default();
    // Autoscaling first (a registered variant would scale a dying
    // endpoint), but only on an endpoint that is ours.
    let c = env.clients;
    let ours = match aws::endpoint::find(c, name)
        .await
        .map_err(at(format!("read the endpoint {name}")))?
    {
        Some(ep) => aws::endpoint::check_owned(c, "endpoint", name, &ep.arn, owner)
            .await
            .map_err(at(format!("read the tags of endpoint {name}")))?
            .is_ok(),
        None => true,
    };
    if ours {
        super::scaling::remove_all(env, prior, st).await?;
    }
    if let Deleted::NotOurs(f) = delete_endpoint(env, name, owner, delete_timeout(prior)).await? {
        skipped.push(f);
    }
    st.forget_endpoint();

    if let Some(cfg) = prior.endpoint_config_name.as_str() {
        delete_one(env, Kind::EndpointConfig, cfg, owner, skipped)
            .await
            .map_err(at(format!("delete the endpoint configuration {cfg}")))?;
    }
    st.endpoint_config_name = Known::Null;
    st.endpoint_config_arn = Known::Null;
    if let Some(model) = prior.model_name.as_str() {
        delete_one(env, Kind::Model, model, owner, skipped)
            .await
            .map_err(at(format!("delete the model {model}")))?;
    }
    st.model_name = Known::Null;
    st.model_arn = Known::Null;

    run_pending(env, owner, pending, &BTreeSet::new()).await;

    // Topics and the role: exactly those the state names, never names
    // derived again; each only with our mark.
    for arn in [&prior.success_topic_arn, &prior.error_topic_arn] {
        if let Some(arn) = arn.as_str() {
            delete_one(env, Kind::Topic, arn, owner, skipped)
                .await
                .map_err(at(format!("delete the topic {arn}")))?;
        }
    }
    st.success_topic_arn = Known::Null;
    st.error_topic_arn = Known::Null;
    if prior.role_arn.is_null()
        && let Some(role) = prior
            .execution_role_arn
            .as_str()
            .and_then(aws::role::name_of_arn)
    {
        delete_one(env, Kind::Role, role, owner, skipped)
            .await
            .map_err(at(format!("delete the execution role {role}")))?;
    }
    st.execution_role_arn = Known::Null;

    // The log group outlives the endpoint it logged: deleted when asked,
    // otherwise released (our mark comes off, the logs stay).
    if prior.log_group_arn.as_str().is_some() {
        let group = aws::names::log_group_name(name);
        let step = at(format!("delete or release the log group {group}"));
        if prior.delete_logs_on_destroy.get() == Some(&true) {
            if let Deleted::NotOurs(f) = aws::logs::delete_owned(c, &group, owner)
                .await
                .map_err(step)?
            {
                skipped.push(f);
            }
        } else {
            aws::logs::release(c, &group, owner).await.map_err(step)?;
        }
    }
    st.log_group_arn = Known::Null;
    Ok(())
}

/// A warning naming the objects a delete left alone because they are not
/// this resource's.
pub fn report_skipped(skipped: &[Foreign], diags: &mut Diagnostics) {
    if skipped.is_empty() {
        return;
    }
    let list: String = skipped.iter().map(|f| format!("\n  - {f}")).collect();
    diags.warning(
        "Objects not owned by this resource were left in place",
        format!(
            "The state named these objects, but they do not carry this resource's ownership \
             mark (tag {} = this resource's ownership_id), so they were neither changed nor \
             deleted:{list}",
            aws::owner::OWNER_TAG
        ),
    );
}

/// Retries the pending cleanups, except objects named in `keep` (what the
/// state or the live endpoint still uses). Only objects with the mark
/// `owner` are deleted; others leave the list untouched (never ours).
/// Successes leave the list; failures stay for the next time and are logged.
pub async fn run_pending(
    env: &Env<'_>,
    owner: &str,
    pending: &mut PrivateState,
    keep: &BTreeSet<String>,
) {
    let mut left = PrivateState::default();
    for item in std::mem::take(&mut pending.pending_cleanup) {
        if keep.contains(&item.name) {
            left.add(item);
            continue;
        }
        let result = delete_owned(env, item.kind, &item.name, owner).await;
        if let Ok(Deleted::NotOurs(f)) = &result {
            tracing::warn!("not cleaning up {f}");
        }
        if let Err(e) = result {
            tracing::warn!(
                "cleanup of {:?} {} failed, kept for later: {e}",
                item.kind,
                item.name
            );
            left.add(item);
        }
    }
    *pending = left;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::custom_endpoint::testutil::*;

    #[test]
    fn delete_timeout_comes_from_the_state_with_the_default() {
        let st = with(
            valid_config(),
            &["timeouts"],
            timeouts(Value::Null, Value::Null, s("90s")),
        );
        assert_eq!(
            delete_timeout(&crate::resources::custom_endpoint::testutil::st(&st)),
            Duration::from_secs(90)
        );
        assert_eq!(
            delete_timeout(&crate::resources::custom_endpoint::testutil::st(
                &valid_config()
            )),
            Duration::from_secs(1800)
        );
        let bad = with(
            valid_config(),
            &["timeouts"],
            timeouts(Value::Null, Value::Null, s("x")),
        );
        assert_eq!(
            delete_timeout(&crate::resources::custom_endpoint::testutil::st(&bad)),
            Duration::from_secs(1800)
        );
    }
}
