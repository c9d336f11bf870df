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

use super::Env;
use super::apply::{Building, StepError, at};
use super::aws;
use super::aws::endpoint::EndpointStatus;
use super::derive::invoke_policy_json;
use super::desired::Desired;
use super::drift;
use super::observed::{describe_found, state_from};
use super::private::{Kind, Pending, PrivateState};
use super::secrets;
use crate::framework::Outcome;
use crate::tfplugin::{AttrPath, Diagnostics, Value};
use std::collections::BTreeMap;

/// Attributes that come from the endpoint config.
const VARIANT_ATTRS: [&str; 5] = [
    "instance_type",
    "instance_count",
    "startup_health_check_timeout_in_seconds",
    "model_data_download_timeout_in_seconds",
    "volume_size_in_gb",
];
/// Attributes that come from the model.
const MODEL_ATTRS: [&str; 3] = ["image_uri", "model_data_url", "environment"];

/// Writes the endpoint's live tags into `tags_all` (without the provider's
/// own tags) and its `modelId` tag into `model_id`, keeping the state's
/// values when they already match.
fn mirror_tags(state: &Value, tags: &BTreeMap<String, String>, st: &mut Building) {
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
    let recorded = state
        .get("tags_all")
        .as_object()
        .cloned()
        .unwrap_or_default();
    if recorded != live {
        st.0.insert("tags_all".into(), Value::Map(live));
    }
    let model_id = tags.get(super::desired::MODEL_ID_TAG).map(String::as_str);
    if state.get("model_id").as_str() != model_id {
        st.set("model_id", model_id.map(str::to_string));
    }
}

/// The desired objects of a state, for the drift checks; `None` for a
/// state too incomplete to say (then nothing is compared).
fn drift_inputs(env: &Env<'_>, state: &Value) -> Option<Desired> {
    Desired::from_state(state, &env.place()).ok()
}

/// True when no object the state names (model, config, our role and topics)
/// exists any more and no cleanup is pending.
async fn nothing_left(
    env: &Env<'_>,
    state: &Value,
    pending: &PrivateState,
) -> Result<bool, StepError> {
    let c = env.clients;
    if !pending.is_empty() {
        return Ok(false);
    }
    if !super::scaling::nothing_left(env, state).await? {
        return Ok(false);
    }
    if let Some(model) = state.get("model_name").as_str()
        && aws::model::find(c, model)
            .await
            .map_err(at("read the model"))?
            .is_some()
    {
        return Ok(false);
    }
    if let Some(cfg) = state.get("endpoint_config_name").as_str()
        && aws::endpoint_config::find(c, cfg)
            .await
            .map_err(at("read the endpoint configuration"))?
            .is_some()
    {
        return Ok(false);
    }
    if state.get("role_arn").is_null()
        && let Some(role) = state
            .get("execution_role_arn")
            .as_str()
            .and_then(aws::role::name_of_arn)
        && aws::role::find(c, role)
            .await
            .map_err(at("read the execution role"))?
            .is_some()
    {
        return Ok(false);
    }
    for attr in ["success_topic_arn", "error_topic_arn"] {
        if let Some(arn) = state.get(attr).as_str()
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
    let new_state = match refresh(env, state, &mut pending, &mut diagnostics).await {
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
    state: &Value,
    pending: &mut PrivateState,
    diags: &mut Diagnostics,
) -> Result<Value, StepError> {
    let c = env.clients;
    let Some(name) = state.get("endpoint_name").as_str() else {
        return Ok(state.clone());
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
        let mut st = Building::from(state);
        for attr in ["endpoint_arn", "endpoint_status", "invoke_policy_json"] {
            st.set(attr, None);
        }
        return Ok(st.finish());
    };
    let mut st = Building::from(state);
    if st.get("endpoint_arn").as_str() != Some(ep.arn.as_str()) {
        st.set("invoke_policy_json", Some(invoke_policy_json(&ep.arn)));
        st.set("endpoint_arn", Some(ep.arn.clone()));
    }
    st.set("endpoint_status", Some(ep.status.to_string()));
    if ep.status == EndpointStatus::Failed {
        diags.attr_warning(
            AttrPath::root("endpoint_status"),
            "Endpoint failed",
            format!(
                "SageMaker reports endpoint {name} as Failed: {}. The next apply replaces it.",
                ep.failure_reason.as_deref().unwrap_or("no reason given")
            ),
        );
    }
    // The endpoint's tags: our mark, `tags_all` and `model_id` as they are.
    let owner = state.get("ownership_id").as_str().unwrap_or_default();
    let tags = aws::endpoint::tags_if_exists(c, &ep.arn)
        .await
        .map_err(at(format!("read the tags of endpoint {name}")))?;
    if let Some(tags) = &tags {
        if !owner.is_empty() && !aws::owner::is_owned(tags, owner) {
            // Same name, but not ours (deleted and made again elsewhere,
            // or imported into another state): this resource has lost its
            // endpoint. Planning replaces it, and create then explains.
            diags.attr_warning(
                AttrPath::root("endpoint_arn"),
                "Endpoint is no longer owned by this resource",
                format!(
                    "Endpoint {name} exists but does not carry this resource's ownership mark \
                     ({} = {owner}); its tags are: {}. It is not read, changed or deleted \
                     by this resource.",
                    aws::owner::OWNER_TAG,
                    aws::owner::tag_list(tags)
                ),
            );
            for attr in ["endpoint_arn", "endpoint_status", "invoke_policy_json"] {
                st.set(attr, None);
            }
            return Ok(st.finish());
        }
        mirror_tags(state, tags, &mut st);
    }
    // Without autoscaling, the instance count is ours to keep.
    if state.get("autoscaling").is_null()
        && ep.status == EndpointStatus::InService
        && let Some(n) = ep.desired_instance_count.or(ep.current_instance_count)
        && state.get("instance_count").as_i64() != Some(i64::from(n))
    {
        st.0.insert("instance_count".into(), Value::int(i64::from(n)));
    }
    let switched = !ep.config_name.is_empty()
        && state.get("endpoint_config_name").as_str() != Some(&ep.config_name);
    if switched {
        // What the state named is out of service now: cleaned up by the next
        // apply or destroy (which never delete what is in use).
        if let Some(old) = state.get("endpoint_config_name").as_str() {
            pending.add(Pending::new(Kind::EndpointConfig, old));
        }
        let step = format!("read the endpoint configuration {}", ep.config_name);
        match aws::endpoint_config::find(c, &ep.config_name)
            .await
            .map_err(at(step))?
        {
            Some(cfg) => {
                st.set("endpoint_config_name", Some(cfg.name));
                st.set("endpoint_config_arn", Some(cfg.arn));
                let step = format!("read the model {}", cfg.model_name);
                let model = aws::model::find(c, &cfg.model_name)
                    .await
                    .map_err(at(step))?;
                if let Some(old) = state.get("model_name").as_str()
                    && old != cfg.model_name
                {
                    pending.add(Pending::new(Kind::Model, old));
                }
                let model_changed = state.get("model_name").as_str() != Some(&cfg.model_name);
                st.set("model_arn", model.map(|m| m.arn));
                st.set("model_name", Some(cfg.model_name));
                // The settings of what is really serving, so that planning
                // shows the drift and the next apply restores the
                // configuration.
                let live = describe_found(env, name, ep.clone()).await?;
                let live = state_from(&live, env.region, env.default_tags);
                let mut attrs = VARIANT_ATTRS.to_vec();
                if model_changed {
                    attrs.extend(MODEL_ATTRS);
                }
                for attr in attrs {
                    let mut v = live.get(attr).clone();
                    if attr == "environment" {
                        // Secret variables are not drift of `environment`,
                        // and their values never enter the state.
                        v = secrets::without_secret_keys(v, state);
                    }
                    st.0.insert(attr.to_string(), v);
                }
            }
            None => {
                st.set("endpoint_config_name", Some(ep.config_name.clone()));
                st.set("endpoint_config_arn", None);
            }
        }
    }

    if let Some(d) = drift_inputs(env, state) {
        let found = drift::read(env, state, &d, !switched).await?;
        if found.model_gone {
            st.set("model_arn", None);
        }
        if found.config_gone {
            st.set("endpoint_config_arn", None);
        }
        if found.role_gone {
            st.set("execution_role_arn", None);
        }
        for attr in found.topics_gone {
            st.set(attr, None);
        }
        st.0.insert(drift::ATTR.into(), drift::to_value(&found.report));
    }
    super::scaling::read(env, state, &mut st).await?;
    Ok(st.finish())
}
