//! Create: the role (unless given) and the topics (when asynchronous) at the
//! same time, then the model, the endpoint config and the endpoint, then a
//! wait for InService, then the autoscaling objects. Each object is written into the state as soon as it
//! exists, so any failure returns a state naming everything created.

use super::ApplyResult;
use super::Env;
use super::apply::{Building, StepError, at};
use super::aws;
use super::aws::error::AwsError;
use super::derive::invoke_policy_json;
use super::desired::Desired;
use super::private::PrivateState;
use super::scaling;
use super::scaling_model::ScalingNames;
use crate::tfplugin::{Diagnostics, Value};

pub async fn create(
    env: &Env<'_>,
    planned: &Value,
    config: &Value,
    pending: PrivateState,
) -> ApplyResult {
    let mut diagnostics = Diagnostics::new();
    let d = match Desired::from_state(planned, &env.place()) {
        Ok(d) => d.with_secrets(config),
        Err(e) => {
            // Nothing exists yet: a null state loses nothing.
            StepError::from(e).report(&mut diagnostics);
            return ApplyResult {
                new_state: Value::Null,
                private: pending.encode(),
                diagnostics,
            };
        }
    };
    if let Err(e) = not_cancelled(env, "create the endpoint") {
        e.report(&mut diagnostics);
        return ApplyResult {
            new_state: Value::Null,
            private: pending.encode(),
            diagnostics,
        };
    }
    let mut st = Building::from(planned);
    fill_computed(&mut st, &d);
    // Nothing of the autoscaling exists yet; `scaling` lists it as it comes.
    scaling::clear(&mut st);
    if let Err(e) = build(env, &d, &mut st).await {
        e.report(&mut diagnostics);
    }
    ApplyResult {
        new_state: st.finish(),
        private: pending.encode(),
        diagnostics,
    }
}

/// Sets the computed values that are knowable without AWS when planning
/// could not know them yet (planned known values are never changed).
pub fn fill_computed(st: &mut Building, d: &Desired) {
    let fills = [
        ("id", d.spec.endpoint_name.clone()),
        ("image_uri", d.image_uri.clone()),
        ("model_name", d.model_name.clone()),
        ("endpoint_config_name", d.config_name.clone()),
    ];
    for (name, v) in fills {
        if st.get(name).is_unknown() {
            st.set(name, Some(v));
        }
    }
    if st.get("tags_all").is_unknown() {
        let all = d
            .tags_all
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect();
        st.0.insert("tags_all".into(), Value::Map(all));
    }
}

/// An error when Terraform asked us to stop.
pub fn not_cancelled(env: &Env<'_>, step: &str) -> Result<(), StepError> {
    if env.cancel.is_cancelled() {
        return Err(at(step)(AwsError::Cancelled {
            what: step.to_string(),
        }));
    }
    Ok(())
}

/// The (success, error) topics, each created or adopted; `None` for a
/// real-time endpoint.
pub async fn ensure_topics(
    env: &Env<'_>,
    d: &Desired,
) -> Option<(Result<String, StepError>, Result<String, StepError>)> {
    let (success, error) = d.topic_names()?;
    let tags = d.base_tags();
    let c = env.clients;
    let (s, e) = tokio::join!(
        aws::topic::ensure(c, &success, &tags),
        aws::topic::ensure(c, &error, &tags)
    );
    Some((
        s.map_err(at("create the success topic")),
        e.map_err(at("create the error topic")),
    ))
}

/// Records both topic results in the state; returns the ARNs or the first
/// error.
pub fn record_topics(
    st: &mut Building,
    topics: Option<(Result<String, StepError>, Result<String, StepError>)>,
) -> Result<Option<(String, String)>, StepError> {
    let Some((s, e)) = topics else {
        return Ok(None);
    };
    if let Ok(arn) = &s {
        st.set("success_topic_arn", Some(arn.clone()));
    }
    if let Ok(arn) = &e {
        st.set("error_topic_arn", Some(arn.clone()));
    }
    Ok(Some((s?, e?)))
}

/// The generated role, created or adopted, with its policy brought up to
/// date; the given role otherwise (never touched).
pub async fn ensure_role(env: &Env<'_>, d: &Desired) -> Result<String, StepError> {
    match &d.spec.role_arn {
        Some(arn) => Ok(arn.clone()),
        None => aws::role::ensure(env.clients, &d.role_spec(&env.place()))
            .await
            .map(|r| r.arn)
            .map_err(at("create the execution role")),
    }
}

/// Creates the model; records it.
pub async fn create_model(
    env: &Env<'_>,
    d: &Desired,
    role_arn: &str,
    st: &mut Building,
) -> Result<(), StepError> {
    not_cancelled(env, "create the model")?;
    let spec = d.model_spec(&env.place(), role_arn);
    let model = aws::model::create(env.clients, &spec, env.iam_propagation_bound, env.cancel)
        .await
        .map_err(at(format!("create the model {}", d.model_name)))?;
    st.set("model_name", Some(model.name));
    st.set("model_arn", Some(model.arn));
    Ok(())
}

/// Creates the endpoint config; records it.
pub async fn create_config(
    env: &Env<'_>,
    d: &Desired,
    topics: Option<&(String, String)>,
    st: &mut Building,
) -> Result<(), StepError> {
    not_cancelled(env, "create the endpoint configuration")?;
    let spec = d.config_spec(topics.map(|(s, e)| (s.as_str(), e.as_str())))?;
    let cfg = aws::endpoint_config::create(env.clients, &spec)
        .await
        .map_err(at(format!(
            "create the endpoint configuration {}",
            d.config_name
        )))?;
    st.set("endpoint_config_name", Some(cfg.name));
    st.set("endpoint_config_arn", Some(cfg.arn));
    Ok(())
}

/// Records the endpoint status an error leaves behind.
pub fn record_wait_error(st: &mut Building, e: &StepError) {
    match e.aws() {
        Some(AwsError::Failed { .. }) => st.set("endpoint_status", Some("Failed".to_string())),
        Some(AwsError::Timeout { last_status, .. }) if !last_status.is_empty() => {
            st.set("endpoint_status", Some(last_status.clone()))
        }
        _ => {}
    }
}

async fn build(env: &Env<'_>, d: &Desired, st: &mut Building) -> Result<(), StepError> {
    let c = env.clients;
    let name = d.endpoint_name();
    let (role, topics) = tokio::join!(ensure_role(env, d), ensure_topics(env, d));
    let role = role.inspect(|arn| st.set("execution_role_arn", Some(arn.clone())));
    let topics = record_topics(st, topics);
    let role = role?;
    let topics = topics?;

    create_model(env, d, &role, st).await?;
    create_config(env, d, topics.as_ref(), st).await?;

    not_cancelled(env, "create the endpoint")?;
    let arn = aws::endpoint::create(c, name, &d.config_name, &d.model_tags())
        .await
        .map_err(at(format!("create the endpoint {name}")))?;
    st.set("invoke_policy_json", Some(invoke_policy_json(&arn)));
    st.set("endpoint_arn", Some(arn));
    st.set("endpoint_status", Some("Creating".to_string()));

    let waited = aws::endpoint::wait_in_service(
        c,
        name,
        Some(&d.config_name),
        d.spec.timeouts.create,
        env.cancel,
    )
    .await
    .map_err(at(format!("wait for endpoint {name} to be InService")));
    match waited {
        Ok(ep) => st.set("endpoint_status", Some(ep.status)),
        Err(e) => {
            record_wait_error(st, &e);
            return Err(e);
        }
    }
    // Autoscaling needs an InService endpoint to register.
    match &d.spec.autoscaling {
        Some(a) => scaling::ensure(env, d, a, ScalingNames::default(), st).await,
        None => Ok(()),
    }
}
