//! Create: first a check that no object it would make exists yet (any that
//! does belongs to someone else: the ownership mark is new), then the role
//! (unless given) and the topics (when asynchronous) at the
//! same time, then the model, the endpoint config and the endpoint, then a
//! wait for InService, then the autoscaling objects. Each object is written into the state as soon as it
//! exists, so any failure returns a state naming everything created.

use super::Env;
use super::apply::{Building, StepError, at};
use super::aws;
use super::aws::endpoint::EndpointStatus;
use super::aws::error::AwsError;
use super::derive::invoke_policy_json;
use super::desired::Desired;
use super::private::PrivateState;
use super::scaling;
use super::scaling_model::ScalingNames;
use crate::framework::Outcome;
use crate::tfplugin::{Diagnostics, Value};

pub async fn create(
    env: &Env<'_>,
    planned: &Value,
    config: &Value,
    pending: PrivateState,
) -> Outcome<PrivateState> {
    let mut diagnostics = Diagnostics::new();
    let d = match prepare(env, planned, config).await {
        Ok(d) => d,
        Err(e) => {
            // Nothing exists yet: a null state loses nothing.
            e.report(&mut diagnostics);
            return Outcome {
                state: Value::Null,
                private: pending,
                diagnostics,
            };
        }
    };
    let mut st = Building::from(planned);
    fill_computed(&mut st, &d);
    st.set("ownership_id", Some(d.ownership_id.clone()));
    st.0.insert("out_of_band_changes".into(), Value::Null);
    // Nothing of the autoscaling exists yet; `scaling` lists it as it comes.
    scaling::clear(&mut st);
    if let Err(e) = build(env, &d, &mut st).await {
        e.report(&mut diagnostics);
    }
    Outcome {
        state: st.finish(),
        private: pending,
        diagnostics,
    }
}

/// Everything before the first object is made: the desired objects with a
/// fresh ownership mark, and the check that none of their names is taken
/// (by someone else: our mark is brand new).
async fn prepare(env: &Env<'_>, planned: &Value, config: &Value) -> Result<Desired, StepError> {
    let mut d = Desired::from_state(planned, &env.place())?.with_secrets(config);
    not_cancelled(env, "create the endpoint")?;
    if d.ownership_id.is_empty() {
        d.ownership_id = aws::owner::new_ownership_id().map_err(StepError::Other)?;
    }
    preflight(env, &d).await?;
    Ok(d)
}

/// Looks up every object create would make under a derived name, all at
/// once; any that exists is not ours (this instance's mark is new), so the
/// create stops before changing anything, naming them all.
async fn preflight(env: &Env<'_>, d: &Desired) -> Result<(), StepError> {
    use aws::owner::Foreign;
    let c = env.clients;
    let place = env.place();
    let name = d.endpoint_name();
    let sagemaker = |kind: &'static str, name: String, arn: Option<String>| async move {
        let Some(arn) = arn else {
            return Ok::<_, AwsError>(None);
        };
        let tags = aws::endpoint::list_tags(c, &arn).await?;
        Ok(Some(Foreign { kind, name, tags }))
    };
    let endpoint = async {
        let ep = aws::endpoint::find(c, name).await?;
        sagemaker("endpoint", name.to_string(), ep.map(|e| e.arn)).await
    };
    let config = async {
        let cfg = aws::endpoint_config::find(c, &d.config_name).await?;
        let arn = cfg.map(|x| x.arn);
        sagemaker("endpoint configuration", d.config_name.clone(), arn).await
    };
    let model = async {
        let m = aws::model::find(c, &d.model_name).await?;
        sagemaker("model", d.model_name.clone(), m.map(|x| x.arn)).await
    };
    let role = async {
        if !d.role_is_managed() {
            return Ok(None);
        }
        let r = aws::role::describe(c, &d.role_name(&place)).await?;
        Ok::<_, AwsError>(r.map(|r| Foreign {
            kind: "IAM role",
            name: r.name,
            tags: r.tags,
        }))
    };
    let topics = async {
        let mut found = Vec::new();
        for arn in d
            .topic_arns(&place)
            .map(|(s, e)| [s, e])
            .into_iter()
            .flatten()
        {
            if let Some(tags) = aws::topic::tags_of(c, &arn).await? {
                found.push(Foreign {
                    kind: "SNS topic",
                    name: arn,
                    tags,
                });
            }
        }
        Ok::<_, AwsError>(found)
    };
    let step = format!("check that the names of endpoint {name} are free");
    let (endpoint, config, model, role, topics) =
        tokio::join!(endpoint, config, model, role, topics);
    let mut found: Vec<Foreign> = [endpoint, config, model, role]
        .into_iter()
        .collect::<Result<Vec<_>, _>>()
        .map_err(at(&step))?
        .into_iter()
        .flatten()
        .collect();
    found.extend(topics.map_err(at(step))?);
    if found.is_empty() {
        Ok(())
    } else {
        Err(StepError::Taken {
            endpoint: name.to_string(),
            found,
        })
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
    let place = env.place();
    let (success_arn, error_arn) = (place.topic_arn(&success), place.topic_arn(&error));
    let tags = d.base_tags();
    let c = env.clients;
    let (s, e) = tokio::join!(
        aws::topic::ensure(c, &success, &success_arn, &tags),
        aws::topic::ensure(c, &error, &error_arn, &tags)
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
        Some(AwsError::Failed { .. }) => {
            st.set("endpoint_status", Some(EndpointStatus::Failed.to_string()))
        }
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
    st.set(
        "endpoint_status",
        Some(EndpointStatus::Creating.to_string()),
    );

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
        Ok(ep) => st.set("endpoint_status", Some(ep.status.to_string())),
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
