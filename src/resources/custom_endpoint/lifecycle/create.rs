//! Create: first a check that no object it would make exists yet (any that
//! does belongs to someone else: the ownership mark is new), then the role
//! (unless given) and the topics (when asynchronous) at the
//! same time, then the model, the endpoint config and the endpoint, then a
//! wait for InService, then the autoscaling objects. Each object is written into the state as soon as it
//! exists, so any failure returns a state naming everything created.

use super::super::Env;
use super::super::aws;
use super::super::aws::endpoint::EndpointStatus;
use super::super::aws::error::AwsError;
use super::super::aws::names;
use super::super::features::scaling_model::ScalingNames;
use super::super::schema::state::State;
use super::super::spec::derive::invoke_policy_json;
use super::desired::Desired;
use super::private::PrivateState;
use super::scaling;
use super::{StepError, at};
use crate::framework::Outcome;
use crate::framework::typed::Known;
use crate::tfplugin::{Diagnostics, Value};

pub async fn create(
    env: &Env<'_>,
    planned: &State,
    config: &State,
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
    let mut st = State::clone(planned);
    fill_computed(&mut st, &d);
    st.ownership_id = Known::Value(d.ownership_id.clone());
    st.out_of_band_changes = Value::Null;
    // Nothing of the autoscaling exists yet; `scaling` lists it as it comes.
    scaling::clear(&mut st);
    if let Err(e) = build(env, &d, &mut st).await {
        e.report(&mut diagnostics);
    }
    Outcome {
        state: st.encode(),
        private: pending,
        diagnostics,
    }
}

/// Everything before the first object is made: the desired objects with a
/// fresh ownership mark, and the check that none of their names is taken
/// (by someone else: our mark is brand new).
async fn prepare(env: &Env<'_>, planned: &State, config: &State) -> Result<Desired, StepError> {
    let mut d = Desired::of(planned, &env.place())?.with_secrets(config);
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
    let log_group = async {
        if d.spec.log_retention_in_days.is_none() {
            return Ok(None);
        }
        let group = names::log_group_name(name);
        let Some(g) = aws::logs::find(c, &group).await? else {
            return Ok::<_, AwsError>(None);
        };
        let tags = aws::logs::tags_of(c, &g.arn).await?;
        Ok(Some(Foreign {
            kind: "log group",
            name: group,
            tags,
        }))
    };
    let step = format!("check that the names of endpoint {name} are free");
    let (endpoint, config, model, role, topics, log_group) =
        tokio::join!(endpoint, config, model, role, topics, log_group);
    let mut found: Vec<Foreign> = [endpoint, config, model, role, log_group]
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
pub fn fill_computed(st: &mut State, d: &Desired) {
    let fills = [
        (&mut st.id, &d.spec.endpoint_name),
        (&mut st.image_uri, &d.image_uri),
        (&mut st.model_name, &d.model_name),
        (&mut st.endpoint_config_name, &d.config_name),
    ];
    for (field, v) in fills {
        if field.is_unknown() {
            *field = Known::Value(v.clone());
        }
    }
    if st.tags_all.is_unknown() {
        let all = d
            .tags_all
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect();
        st.tags_all = Value::Map(all);
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
    st: &mut State,
    topics: Option<(Result<String, StepError>, Result<String, StepError>)>,
) -> Result<Option<(String, String)>, StepError> {
    let Some((s, e)) = topics else {
        return Ok(None);
    };
    if let Ok(arn) = &s {
        st.success_topic_arn = Known::from_option(Some(arn.clone()));
    }
    if let Ok(arn) = &e {
        st.error_topic_arn = Known::from_option(Some(arn.clone()));
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
    st: &mut State,
) -> Result<(), StepError> {
    not_cancelled(env, "create the model")?;
    let spec = d.model_spec(&env.place(), role_arn);
    let model = aws::model::create(env.clients, &spec, env.iam_propagation_bound, env.cancel)
        .await
        .map_err(at(format!("create the model {}", d.model_name)))?;
    st.model_name = Known::from_option(Some(model.name));
    st.model_arn = Known::from_option(Some(model.arn));
    Ok(())
}

/// Creates the endpoint config; records it.
pub async fn create_config(
    env: &Env<'_>,
    d: &Desired,
    topics: Option<&(String, String)>,
    st: &mut State,
) -> Result<(), StepError> {
    not_cancelled(env, "create the endpoint configuration")?;
    let spec = d.config_spec(topics.map(|(s, e)| (s.as_str(), e.as_str())))?;
    let cfg = aws::endpoint_config::create(env.clients, &spec)
        .await
        .map_err(at(format!(
            "create the endpoint configuration {}",
            d.config_name
        )))?;
    st.endpoint_config_name = Known::from_option(Some(cfg.name));
    st.endpoint_config_arn = Known::from_option(Some(cfg.arn));
    Ok(())
}

/// Records the endpoint status an error leaves behind.
pub fn record_wait_error(st: &mut State, e: &StepError) {
    match e.aws() {
        Some(AwsError::Failed { .. }) => {
            st.endpoint_status = Known::from_option(Some(EndpointStatus::Failed.to_string()))
        }
        Some(AwsError::Timeout { last_status, .. }) if !last_status.is_empty() => {
            st.endpoint_status = Known::from_option(Some(last_status.clone()))
        }
        _ => {}
    }
}

/// Creates (or puts back) the log group the state asks for and records
/// its ARN; nothing without `log_retention_in_days`.
pub async fn ensure_log_group(env: &Env<'_>, d: &Desired, st: &mut State) -> Result<(), StepError> {
    let Some(spec) = d.log_group_spec()? else {
        st.log_group_arn = Known::Null;
        return Ok(());
    };
    let g = aws::logs::ensure(env.clients, &spec)
        .await
        .map_err(at(format!("create the log group {}", spec.name)))?;
    st.log_group_arn = Known::Value(g.arn);
    Ok(())
}

async fn build(env: &Env<'_>, d: &Desired, st: &mut State) -> Result<(), StepError> {
    let c = env.clients;
    let name = d.endpoint_name();
    let (role, topics) = tokio::join!(ensure_role(env, d), ensure_topics(env, d));
    let role = role.inspect(|arn| st.execution_role_arn = Known::from_option(Some(arn.clone())));
    let topics = record_topics(st, topics);
    let role = role?;
    let topics = topics?;

    create_model(env, d, &role, st).await?;
    create_config(env, d, topics.as_ref(), st).await?;
    // Before the endpoint: SageMaker then logs into this group.
    ensure_log_group(env, d, st).await?;

    not_cancelled(env, "create the endpoint")?;
    let arn = aws::endpoint::create(c, name, &d.config_name, &d.model_tags())
        .await
        .map_err(at(format!("create the endpoint {name}")))?;
    st.invoke_policy_json = Known::from_option(Some(invoke_policy_json(&arn)));
    st.endpoint_arn = Known::from_option(Some(arn));
    st.endpoint_status = Known::Value(EndpointStatus::Creating.to_string());

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
        Ok(ep) => st.endpoint_status = Known::from_option(Some(ep.status.to_string())),
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
