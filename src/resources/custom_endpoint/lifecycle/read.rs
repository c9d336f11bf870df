//! Read (refresh). Models and configs are immutable, so while the endpoint
//! still points at the config in state one DescribeEndpoint covers the
//! SageMaker side; when it points elsewhere (a rollback, an out-of-band
//! change) that config is described to learn its model, and what the state
//! named before goes to the pending cleanups. A generated role and
//! the topics are checked for existence: a missing one becomes null, which
//! planning turns into a repair. A missing endpoint drops the resource only
//! when nothing it used is left; otherwise the state keeps naming what
//! remains, with a null endpoint status that planning turns into a
//! replacement.

use super::super::Env;
use super::super::aws;
use super::super::aws::endpoint::EndpointStatus;
use super::super::features::secrets;
use super::super::schema::state::State;
use super::super::spec::derive::invoke_policy_json;
use super::desired::Desired;
use super::drift;
use super::observed::{self, describe_found, state_from};
use super::private::{Kind, Pending, PrivateState};
use super::{StepError, at};
use crate::framework::Outcome;
use crate::framework::typed::Known;
use crate::tfplugin::{AttrPath, Diagnostics, Value};
use std::collections::BTreeMap;

/// Copies the attributes that come from the endpoint config.
fn copy_variant(from: &State, to: &mut State) {
    to.instance_type = from.instance_type.clone();
    to.instance_count = from.instance_count.clone();
    to.serverless = from.serverless.clone();
    to.startup_health_check_timeout_in_seconds =
        from.startup_health_check_timeout_in_seconds.clone();
    to.model_data_download_timeout_in_seconds = from.model_data_download_timeout_in_seconds.clone();
    to.volume_size_in_gb = from.volume_size_in_gb.clone();
    to.kms_key_arn = from.kms_key_arn.clone();
    to.data_capture = from.data_capture.clone();
}

/// Copies the attributes that come from the model; secret variables are not
/// drift of `environment`, and their values never enter the state.
fn copy_model(from: &State, to: &mut State, state: &State) {
    to.image_uri = from.image_uri.clone();
    to.model_data_url = from.model_data_url.clone();
    to.enable_network_isolation = from.enable_network_isolation.clone();
    to.environment = secrets::without_secret_keys(from.environment.clone(), state);
}

/// Writes the endpoint's live tags into `tags_all` (without the provider's
/// own tags) and its `modelId` tag into `model_id`, keeping the state's
/// values when they already match.
fn mirror_tags(state: &State, tags: &BTreeMap<String, String>, st: &mut State) {
    let system = [
        aws::OWNERSHIP_TAG,
        aws::owner::OWNER_TAG,
        super::desired::MODEL_ID_TAG,
    ];
    let live: BTreeMap<String, Value> = tags
        .iter()
        .filter(|(k, _)| !system.contains(&k.as_str()) && !k.starts_with("aws:"))
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    let recorded = state.tags_all.as_object().cloned().unwrap_or_default();
    if recorded != live {
        st.tags_all = Value::Map(live);
    }
    let model_id = tags.get(super::desired::MODEL_ID_TAG).map(String::as_str);
    if state.model_id.as_str() != model_id {
        st.model_id = Known::from_option(model_id.map(str::to_string));
    }
}

/// The desired objects of a state, for the drift checks; `None` for a
/// state too incomplete to say (then nothing is compared).
fn drift_inputs(env: &Env<'_>, state: &State) -> Option<Desired> {
    Desired::of(state, &env.place()).ok()
}

/// True when no object the state names (model, config, our role and topics)
/// exists any more and no cleanup is pending.
async fn nothing_left(
    env: &Env<'_>,
    state: &State,
    pending: &PrivateState,
) -> Result<bool, StepError> {
    let c = env.clients;
    if !pending.is_empty() {
        return Ok(false);
    }
    if !super::scaling::nothing_left(env, state).await? {
        return Ok(false);
    }
    if let Some(model) = state.model_name.as_str()
        && aws::model::find(c, model)
            .await
            .map_err(at("read the model"))?
            .is_some()
    {
        return Ok(false);
    }
    if let Some(cfg) = state.endpoint_config_name.as_str()
        && aws::endpoint_config::find(c, cfg)
            .await
            .map_err(at("read the endpoint configuration"))?
            .is_some()
    {
        return Ok(false);
    }
    if state.role_arn.is_null()
        && let Some(role) = state
            .execution_role_arn
            .as_str()
            .and_then(aws::role::name_of_arn)
        && aws::role::find(c, role)
            .await
            .map_err(at("read the execution role"))?
            .is_some()
    {
        return Ok(false);
    }
    for arn in [&state.success_topic_arn, &state.error_topic_arn] {
        if let Some(arn) = arn.as_str()
            && aws::topic::exists(c, arn)
                .await
                .map_err(at("read a topic"))?
        {
            return Ok(false);
        }
    }
    Ok(true)
}

pub async fn read(
    env: &Env<'_>,
    state: &Value,
    mut pending: PrivateState,
) -> Outcome<PrivateState> {
    let mut diagnostics = Diagnostics::new();
    let typed = match State::decode(state) {
        Ok(st) => st,
        Err(e) => {
            diagnostics.error("Unreadable state", format!("This is a provider bug: {e}."));
            return Outcome {
                state: state.clone(),
                private: pending,
                diagnostics,
            };
        }
    };
    let new_state = match refresh(env, &typed, &mut pending, &mut diagnostics).await {
        Ok(v) => v,
        Err(e) => {
            e.report(&mut diagnostics);
            state.clone()
        }
    };
    Outcome {
        state: new_state,
        private: pending,
        diagnostics,
    }
}

async fn refresh(
    env: &Env<'_>,
    state: &State,
    pending: &mut PrivateState,
    diags: &mut Diagnostics,
) -> Result<Value, StepError> {
    let c = env.clients;
    let Some(name) = state.endpoint_name.as_str() else {
        return Ok(state.encode());
    };
    let Some(ep) = aws::endpoint::find(c, name)
        .await
        .map_err(at(format!("read the endpoint {name}")))?
    else {
        if nothing_left(env, state, pending).await? {
            // Gone with everything it used: planning creates it again.
            return Ok(Value::Null);
        }
        // Gone, but objects it used remain (a failed create, or an endpoint
        // deleted out of band). Keep tracking them so nothing is orphaned;
        // a null status makes the next plan replace the resource.
        let mut st = State::clone(state);
        st.forget_endpoint();
        return Ok(st.encode());
    };
    let mut st = State::clone(state);
    if st.endpoint_arn.as_str() != Some(ep.arn.as_str()) {
        st.invoke_policy_json = Known::from_option(Some(invoke_policy_json(&ep.arn)));
        st.endpoint_arn = Known::from_option(Some(ep.arn.clone()));
    }
    st.endpoint_status = Known::from_option(Some(ep.status.to_string()));
    if ep.status == EndpointStatus::Failed {
        diags.attr_warning(
            AttrPath::root(State::endpoint_status),
            "Endpoint failed",
            format!(
                "SageMaker reports endpoint {name} as Failed: {}. The next apply replaces it.",
                ep.failure_reason.as_deref().unwrap_or("no reason given")
            ),
        );
    }
    // The endpoint's tags: our mark, `tags_all` and `model_id` as they are.
    let owner = state.ownership_id.as_str().unwrap_or_default();
    let tags = aws::shared_reads::sagemaker_tags(c, env.shared, &ep.arn)
        .await
        .map_err(at(format!("read the tags of endpoint {name}")))?;
    if let Some(tags) = &tags {
        if !owner.is_empty() && !aws::owner::is_owned(tags, owner) {
            // Same name, but not ours (deleted and made again elsewhere,
            // or imported into another state): this resource has lost its
            // endpoint. Planning replaces it, and create then explains.
            diags.attr_warning(
                AttrPath::root(State::endpoint_arn),
                "Endpoint is no longer owned by this resource",
                format!(
                    "Endpoint {name} exists but does not carry this resource's ownership mark \
                     ({} = {owner}); its tags are: {}. It is not read, changed or deleted \
                     by this resource.",
                    aws::owner::OWNER_TAG,
                    aws::owner::tag_list(tags)
                ),
            );
            st.forget_endpoint();
            return Ok(st.encode());
        }
        mirror_tags(state, tags, &mut st);
    }
    // Without autoscaling, the capacity (instance count or serverless
    // concurrency) is ours to keep.
    if state.autoscaling.is_null()
        && ep.status == EndpointStatus::InService
        && let Some(live) = ep.capacity()
        && observed::capacity_of(state) != Some(live)
    {
        observed::set_capacity(&mut st, live);
    }
    let switched =
        !ep.config_name.is_empty() && state.endpoint_config_name.as_str() != Some(&ep.config_name);
    if switched {
        // What the state named is out of service now: cleaned up by the next
        // apply or destroy (which never delete what is in use).
        if let Some(old) = state.endpoint_config_name.as_str() {
            pending.add(Pending::new(Kind::EndpointConfig, old));
        }
        let step = format!("read the endpoint configuration {}", ep.config_name);
        match aws::endpoint_config::find(c, &ep.config_name)
            .await
            .map_err(at(step))?
        {
            Some(cfg) => {
                st.endpoint_config_name = Known::from_option(Some(cfg.name));
                st.endpoint_config_arn = Known::from_option(Some(cfg.arn));
                let step = format!("read the model {}", cfg.model_name);
                let model = aws::model::find(c, &cfg.model_name)
                    .await
                    .map_err(at(step))?;
                if let Some(old) = state.model_name.as_str()
                    && old != cfg.model_name
                {
                    pending.add(Pending::new(Kind::Model, old));
                }
                let model_changed = state.model_name.as_str() != Some(&cfg.model_name);
                st.model_arn = Known::from_option(model.map(|m| m.arn));
                st.model_name = Known::from_option(Some(cfg.model_name));
                // The settings of what is really serving, so that planning
                // shows the drift and the next apply restores the
                // configuration.
                let live = describe_found(env, name, ep.clone()).await?;
                let live = state_from(&live, env.region, env.default_tags);
                copy_variant(&live, &mut st);
                if model_changed {
                    copy_model(&live, &mut st, state);
                }
            }
            None => {
                st.endpoint_config_name = Known::from_option(Some(ep.config_name.clone()));
                st.endpoint_config_arn = Known::Null;
            }
        }
    }

    if let Some(d) = drift_inputs(env, state) {
        let found = drift::read(env, state, &d, !switched).await?;
        if found.model_gone {
            st.model_arn = Known::Null;
        }
        if found.config_gone {
            st.endpoint_config_arn = Known::Null;
        }
        if found.role_gone {
            st.execution_role_arn = Known::Null;
        }
        if found.success_topic_gone {
            st.success_topic_arn = Known::Null;
        }
        if found.error_topic_gone {
            st.error_topic_arn = Known::Null;
        }
        if found.log_group_gone {
            st.log_group_arn = Known::Null;
        }
        st.out_of_band_changes = drift::to_value(&found.report);
    }
    super::scaling::read(env, state, &mut st).await?;
    Ok(st.encode())
}
