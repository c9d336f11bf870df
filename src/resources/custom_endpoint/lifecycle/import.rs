//! Import by endpoint name: what [`observed`](super::observed) describes
//! becomes the state, and every object it adopts gets this new instance's
//! ownership mark. A role or topics that we would have named and that carry
//! our ownership tag are treated as managed; anything else is left
//! unmanaged (`role_arn` set to it). When there is no endpoint but an
//! interrupted create left objects behind, those are adopted instead.

use std::collections::BTreeMap;

use super::super::Env;
use super::super::aws;
use super::super::aws::names;
use super::super::features::secrets;
use super::super::schema::state::State;
use super::observed::{self, state_from};
use super::private::{Kind, Pending, PrivateState};
use super::{StepError, at};
use crate::framework::Outcome;
use crate::framework::typed::Known;
use crate::tfplugin::{Diagnostics, Value};

pub async fn import(env: &Env<'_>, id: &str) -> Outcome<PrivateState> {
    let mut diagnostics = Diagnostics::new();
    let mut private = PrivateState::default();
    let found = match adopt(env, id).await {
        Ok(None) => adopt_leftovers(env, id, &mut private).await,
        other => other,
    };
    let new_state = match found {
        Ok(Some(st)) => st.encode(),
        Ok(None) => {
            diagnostics.error(
                "Cannot import: endpoint not found",
                format!(
                    "No SageMaker endpoint named {id:?} exists in {}. The import ID is the \
                     endpoint name.",
                    env.region
                ),
            );
            Value::Null
        }
        Err(e) => {
            e.report(&mut diagnostics);
            Value::Null
        }
    };
    Outcome {
        state: new_state,
        private,
        diagnostics,
    }
}

/// Adds the ownership tags `mark` to a SageMaker object (AddTags only; its
/// other tags stay as they are).
async fn mark_sagemaker(
    env: &Env<'_>,
    arn: &str,
    mark: &BTreeMap<String, String>,
) -> Result<(), StepError> {
    aws::endpoint::set_tags(env.clients, arn, &BTreeMap::new(), mark)
        .await
        .map_err(at(format!("mark {arn} as owned by this resource")))
}

/// Import when the endpoint does not exist but an interrupted create left
/// objects under the names this provider derives for it, tagged with its
/// endpoint name: they are marked and recorded (extra models or configs as
/// pending cleanups), and the state has no endpoint, so the next plan
/// replaces the resource: the leftovers are deleted and the endpoint made.
async fn adopt_leftovers(
    env: &Env<'_>,
    id: &str,
    private: &mut PrivateState,
) -> Result<Option<State>, StepError> {
    let c = env.clients;
    let place = env.place();
    let ours = |tags: &BTreeMap<String, String>| {
        tags.get(aws::OWNERSHIP_TAG).map(String::as_str) == Some(id)
    };
    let step = |what: &str| at(format!("look for leftovers of endpoint {id}: {what}"));
    let mut models = Vec::new();
    for m in aws::model::list_containing(c, id)
        .await
        .map_err(step("models"))?
    {
        if ours(
            &aws::endpoint::list_tags(c, &m.arn)
                .await
                .map_err(step("model tags"))?,
        ) {
            models.push((m.name, m.arn));
        }
    }
    let mut configs = Vec::new();
    for cfg in aws::endpoint_config::list_containing(c, id)
        .await
        .map_err(step("endpoint configurations"))?
    {
        let tags = aws::endpoint::list_tags(c, &cfg.arn)
            .await
            .map_err(step("configuration tags"))?;
        if ours(&tags) {
            configs.push((cfg.name, cfg.arn));
        }
    }
    let role = aws::role::describe(c, &names::role_name(id, env.region))
        .await
        .map_err(step("role"))?
        .filter(|r| ours(&r.tags));
    let mut topics = Vec::new();
    for kind in [names::TopicKind::Success, names::TopicKind::Error] {
        let arn = place.topic_arn(&names::topic_name(id, kind));
        if let Some(tags) = aws::topic::tags_of(c, &arn).await.map_err(step("topics"))?
            && ours(&tags)
        {
            topics.push((kind, arn, tags));
        }
    }
    if models.is_empty() && configs.is_empty() && role.is_none() && topics.is_empty() {
        return Ok(None);
    }

    let owner = aws::owner::new_ownership_id().map_err(StepError::Other)?;
    let mark = BTreeMap::from([(aws::owner::OWNER_TAG.to_string(), owner.clone())]);
    for (_, arn) in models.iter().chain(&configs) {
        mark_sagemaker(env, arn, &mark).await?;
    }
    if let Some(r) = &role {
        aws::role::add_tags(c, &r.name, &mark)
            .await
            .map_err(at(format!(
                "mark the role {} as owned by this resource",
                r.name
            )))?;
    }
    for (_, arn, _) in &topics {
        aws::topic::set_tags(c, arn, &BTreeMap::new(), &mark)
            .await
            .map_err(at(format!(
                "mark the topic {arn} as owned by this resource"
            )))?;
    }

    let mut st = State {
        id: Known::string(id),
        endpoint_name: Known::string(id),
        ownership_id: Known::Value(owner),
        execution_role_arn: Known::from_option(role.as_ref().map(|r| r.arn.clone())),
        ..Default::default()
    };
    for (i, (name, arn)) in models.iter().enumerate() {
        if i == 0 {
            st.model_name = Known::string(name);
            st.model_arn = Known::string(arn);
        } else {
            private.add(Pending::new(Kind::Model, name));
        }
    }
    for (i, (name, arn)) in configs.iter().enumerate() {
        if i == 0 {
            st.endpoint_config_name = Known::string(name);
            st.endpoint_config_arn = Known::string(arn);
        } else {
            private.add(Pending::new(Kind::EndpointConfig, name));
        }
    }
    for (kind, arn, _) in &topics {
        let field = match kind {
            names::TopicKind::Success => &mut st.success_topic_arn,
            names::TopicKind::Error => &mut st.error_topic_arn,
        };
        *field = Known::string(arn);
    }
    Ok(Some(st))
}

/// The state an import of the endpoint `ep` would record, before anything
/// is marked and without an ownership ID: what a list resource shows
/// (`terraform query`), and what [`adopt`] starts from. Reads only.
pub(in super::super) async fn as_imported(
    env: &Env<'_>,
    ep: aws::endpoint::Endpoint,
) -> Result<State, StepError> {
    let name = ep.name.clone();
    let d = observed::describe_found(env, &name, ep).await?;
    state_of(env, &d).await
}

/// [`state_from`] the description, with the secret variables of the model
/// (its secrets tag) kept out of the state and named as configured.
async fn state_of(env: &Env<'_>, d: &observed::Described) -> Result<State, StepError> {
    let mut secret_keys = Vec::new();
    if !d.model.arn.is_empty() {
        let arn = &d.model.arn;
        let current = aws::endpoint::list_tags(env.clients, arn)
            .await
            .map_err(at(format!("read the tags of {arn}")))?;
        if let Some(keys) = current.get(secrets::KEYS_TAG) {
            secret_keys = secrets::keys_from_tag(keys);
        }
    }
    let mut state = state_from(d, env.region, env.default_tags);
    // A log group this provider made for the endpoint (its endpoint tag) is
    // recorded with its retention; any other is SageMaker's or someone
    // else's, and stays out of the state.
    let group = names::log_group_name(&d.endpoint.name);
    let step = || at(format!("read the log group {group}"));
    if let Some(g) = aws::logs::find(env.clients, &group).await.map_err(step())?
        && let Some(days) = g.retention_in_days
    {
        let tags = aws::logs::tags_of(env.clients, &g.arn)
            .await
            .map_err(step())?;
        if tags.get(aws::OWNERSHIP_TAG) == Some(&d.endpoint.name) {
            state.log_retention_in_days = Known::int(i64::from(days));
            state.log_group_arn = Known::Value(g.arn);
        }
    }
    // Autoscaling of the variant: the target and this provider's policies.
    super::scaling::import(env, &mut state).await?;
    if !secret_keys.is_empty() {
        // The model says which variables are secret: their values stay out
        // of the state, and their names are recorded as configured.
        state.environment_secret_keys = Value::Set(secret_keys.iter().map(Value::string).collect());
        let environment = std::mem::take(&mut state.environment);
        state.environment = secrets::without_secret_keys(environment, &state);
    }
    Ok(state)
}

/// Describes the endpoint and puts this new instance's ownership mark on
/// everything it adopts: the endpoint, its config and model, and the role
/// and topics when they are the ones this provider generates for the name.
/// A role or topics made elsewhere are recorded but not adopted.
async fn adopt(env: &Env<'_>, id: &str) -> Result<Option<State>, StepError> {
    let Some(d) = observed::describe(env, id).await? else {
        return Ok(None);
    };
    let mut state = state_of(env, &d).await?;
    let owner = aws::owner::new_ownership_id().map_err(StepError::Other)?;
    let mark = BTreeMap::from([
        (aws::OWNERSHIP_TAG.to_string(), id.to_string()),
        (aws::owner::OWNER_TAG.to_string(), owner.clone()),
    ]);
    let c = env.clients;
    for arn in [&d.endpoint.arn, &d.config.arn, &d.model.arn] {
        if !arn.is_empty() {
            mark_sagemaker(env, arn, &mark).await?;
        }
    }
    if d.role_managed
        && let Some(role) = aws::role::name_of_arn(&d.model.execution_role_arn)
    {
        aws::role::add_tags(c, role, &mark)
            .await
            .map_err(at(format!(
                "mark the role {role} as owned by this resource"
            )))?;
    }
    let derived = [names::TopicKind::Success, names::TopicKind::Error]
        .map(|k| env.place().topic_arn(&names::topic_name(id, k)));
    for arn in [&state.success_topic_arn, &state.error_topic_arn] {
        let Some(arn) = arn.as_str().map(str::to_string) else {
            continue;
        };
        if !derived.contains(&arn) {
            continue;
        }
        let step = || at(format!("mark the topic {arn} as owned by this resource"));
        let Some(current) = aws::topic::tags_of(c, &arn).await.map_err(step())? else {
            continue;
        };
        if current.get(aws::OWNERSHIP_TAG).map(String::as_str) != Some(id) {
            continue;
        }
        aws::topic::set_tags(c, &arn, &BTreeMap::new(), &mark)
            .await
            .map_err(step())?;
    }
    if let Some(arn) = state.log_group_arn.as_str() {
        aws::logs::tag(c, arn, &mark).await.map_err(at(format!(
            "mark the log group {arn} as owned by this resource"
        )))?;
    }
    state.ownership_id = Known::Value(owner);
    Ok(Some(state))
}
