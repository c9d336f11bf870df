//! What AWS says exists for one endpoint, as resource state: the endpoint,
//! the config it serves, that config's model, the endpoint's tags and (when
//! the model runs as the role this provider generates for the name) that
//! role. [`describe`] gathers it through the AWS layer's describes, and
//! [`state_from`] is the one mapping from those descriptions to attributes.
//! Import uses it for every attribute; refresh, after the endpoint moved to
//! another config, for the settings of what really serves. Neither depends
//! on the other. The capacity (instance count or serverless concurrency)
//! is read and written here too, for refresh and update.

use std::collections::BTreeMap;

use super::super::Env;
use super::super::aws;
use super::super::aws::dlc;
use super::super::aws::endpoint::{Capacity, Endpoint};
use super::super::aws::endpoint_config::EndpointConfigDescription;
use super::super::aws::model::ModelDescription;
use super::super::aws::names;
use super::super::schema::state::{
    AsyncInferenceAttr, ContainerAttr, DataCaptureAttr, ServerlessAttr, State, VpcConfigAttr,
};
use super::super::spec::derive::{invoke_policy_json, tags_all};
use super::desired::{MODEL_ID_TAG, REGION_ENV};
use super::{StepError, at};
use crate::framework::typed::Known;
use crate::tfplugin::{Number, Value};

/// Everything known about a live endpoint, as the AWS layer describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Described {
    pub endpoint: Endpoint,
    /// The config the endpoint serves.
    pub config: EndpointConfigDescription,
    /// The model of that config's variant.
    pub model: ModelDescription,
    /// The endpoint's tags.
    pub tags: BTreeMap<String, String>,
    /// The execution role is the one this provider generates for the
    /// endpoint name, and carries its endpoint tag.
    pub role_managed: bool,
    /// The managed policies attached to that role (empty when not managed).
    pub managed_policy_arns: Vec<String>,
    /// Settings only that role's inline policy records.
    pub recalled: aws::policy::Recalled,
}

/// DescribeEndpoint, then [`describe_found`]; `Ok(None)` when there is no
/// endpoint named `name`.
pub(super) async fn describe(env: &Env<'_>, name: &str) -> Result<Option<Described>, StepError> {
    let found = aws::endpoint::find(env.clients, name)
        .await
        .map_err(at(format!("read the endpoint {name}")))?;
    match found {
        Some(ep) => describe_found(env, name, ep).await.map(Some),
        None => Ok(None),
    }
}

/// The config, model, tags and generated role of the endpoint `ep`, found
/// under `name`. A config or model that vanished between the calls, or a
/// config without a production variant, is an error: there is nothing
/// coherent to record.
pub(super) async fn describe_found(
    env: &Env<'_>,
    name: &str,
    ep: Endpoint,
) -> Result<Described, StepError> {
    let c = env.clients;
    let gone =
        |what: String| StepError::Other(format!("{what} does not exist (deleted meanwhile?)"));
    let what = format!("the endpoint configuration {}", ep.config_name);
    let config = aws::endpoint_config::describe(c, &ep.config_name)
        .await
        .map_err(at(format!("read {what}")))?
        .ok_or_else(|| gone(what))?;
    let Some(variant) = &config.variant else {
        return Err(StepError::Other(format!(
            "endpoint configuration {} has no production variant",
            ep.config_name
        )));
    };
    let what = format!("the model {}", variant.model_name);
    let model = aws::model::describe(c, &variant.model_name)
        .await
        .map_err(at(format!("read {what}")))?
        .ok_or_else(|| gone(what))?;
    let tags = aws::endpoint::list_tags(c, &ep.arn)
        .await
        .map_err(at("read the endpoint tags"))?;

    // The role is ours when it has the name we derive for this endpoint and
    // carries its endpoint tag; only then are its policies recorded. A role
    // of that name that is gone stops the describe, as a gone config or model
    // does (import failed the same way when it read the role's tags itself).
    let ours = names::role_name(name, env.region);
    let mut role_managed = false;
    let mut managed_policy_arns = Vec::new();
    let mut recalled = aws::policy::Recalled::default();
    if aws::role::name_of_arn(&model.execution_role_arn) == Some(ours.as_str()) {
        let what = format!("the role {ours}");
        let role = aws::role::describe(c, &ours)
            .await
            .map_err(at("read the role tags"))?
            .ok_or_else(|| gone(what))?;
        role_managed = role.tags.get(aws::OWNERSHIP_TAG).map(String::as_str) == Some(name);
        if role_managed {
            managed_policy_arns = aws::role::attached_policies(c, &ours)
                .await
                .map_err(at("read the role policies"))?
                .into_iter()
                .collect();
            if let Some(doc) = aws::role::inline_policy(c, &ours, aws::role::INLINE_POLICY_NAME)
                .await
                .map_err(at("read the role's inline policy"))?
            {
                recalled = aws::policy::recall(&doc);
            }
        }
    }
    Ok(Described {
        endpoint: ep,
        config,
        model,
        tags,
        role_managed,
        managed_policy_arns,
        recalled,
    })
}

/// The `container` object for an image: the Deep Learning Container form
/// when the image is the region's DLC registry, a plain `image_uri`
/// otherwise.
fn container_of(image: &str, region: &str) -> Known<ContainerAttr> {
    let dlc_prefix = dlc::account_for(region)
        .map(|acct| format!("{acct}.dkr.ecr.{region}.{}/", dlc::dns_suffix(region)));
    let dlc = dlc_prefix
        .and_then(|p| image.strip_prefix(&p).map(str::to_string))
        .and_then(|rest| {
            rest.split_once(':')
                .map(|(r, t)| (r.to_string(), t.to_string()))
        });
    Known::Value(match dlc {
        Some((repo, tag)) if !repo.is_empty() && !tag.is_empty() => ContainerAttr {
            repository_name: Known::Value(repo),
            tag: Known::Value(tag),
            ..Default::default()
        },
        _ => ContainerAttr {
            image_uri: Known::string(image),
            ..Default::default()
        },
    })
}

fn str_map(m: &BTreeMap<String, String>) -> Value {
    if m.is_empty() {
        return Value::Null;
    }
    Value::Map(
        m.iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect(),
    )
}

fn str_set(v: &[String]) -> Value {
    let mut v = v.to_vec();
    v.sort();
    Value::Set(v.into_iter().map(Value::String).collect())
}

/// A set of strings, null when empty (optional sets the user left out).
fn str_set_or_null(v: &[String]) -> Value {
    if v.is_empty() {
        Value::Null
    } else {
        str_set(v)
    }
}

fn opt_int(v: Option<i32>) -> Known<Number> {
    Known::from_option(v.map(|i| Number::from(i64::from(i))))
}

fn opt_str(v: Option<&str>) -> Known<String> {
    Known::from_option(v.map(str::to_string))
}

/// The capacity a state records: the serverless concurrency, else the
/// instance count; `None` when it records none (or an unreadable one).
pub fn capacity_of(st: &State) -> Option<Capacity> {
    let int = |v: &Known<Number>| v.as_i64().and_then(|n| i32::try_from(n).ok());
    match &st.serverless {
        Known::Value(sv) => Some(Capacity::Serverless {
            max_concurrency: int(&sv.max_concurrency)?,
            provisioned_concurrency: match &sv.provisioned_concurrency {
                Known::Null => None,
                v => Some(int(v)?),
            },
        }),
        Known::Unknown => None,
        Known::Null => int(&st.instance_count).map(Capacity::Instances),
    }
}

/// Records `c` (what the live variant has) in the state, in the attributes
/// of its kind; a kind the state does not have is left alone.
pub fn set_capacity(st: &mut State, c: Capacity) {
    let int = |n: i32| Known::int(i64::from(n));
    match (c, st.serverless.get_mut()) {
        (Capacity::Instances(n), None) => st.instance_count = int(n),
        (
            Capacity::Serverless {
                max_concurrency,
                provisioned_concurrency,
            },
            Some(sv),
        ) => {
            sv.max_concurrency = int(max_concurrency);
            sv.provisioned_concurrency = opt_int(provisioned_concurrency);
        }
        _ => {}
    }
}

/// The state for what was described.
pub fn state_from(d: &Described, region: &str, default_tags: &BTreeMap<String, String>) -> State {
    let mut st = State::default();
    let ep = &d.endpoint;
    let model = &d.model;
    let variant = d.config.variant.clone().unwrap_or_default();
    st.id = Known::string(&ep.name);
    st.endpoint_name = Known::string(&ep.name);
    st.model_id = opt_str(d.tags.get(MODEL_ID_TAG).map(String::as_str));
    st.serverless = Known::from_option(variant.serverless.map(|sv| ServerlessAttr {
        memory_size_in_mb: Known::int(i64::from(sv.memory_size_in_mb)),
        max_concurrency: Known::int(i64::from(sv.max_concurrency)),
        provisioned_concurrency: opt_int(sv.provisioned_concurrency),
    }));
    st.instance_type = if variant.instance_type.is_empty() {
        Known::Null
    } else {
        Known::string(&variant.instance_type)
    };
    st.instance_count = opt_int(variant.instance_count);
    st.model_data_url = Known::string(model.model_data.as_ref().map_or("", |m| m.url()));
    st.container = container_of(&model.image, region);
    st.image_uri = Known::string(&model.image);
    let mut env = model.environment.clone();
    if env.get(REGION_ENV).map(String::as_str) == Some(region) {
        env.remove(REGION_ENV);
    }
    st.environment = str_map(&env);
    st.vpc_config = Known::from_option(model.vpc.as_ref().map(|v| VpcConfigAttr {
        security_group_ids: str_set(&v.security_group_ids),
        subnets: str_set(&v.subnets),
    }));
    st.enable_network_isolation = Known::Value(model.network_isolation);
    // Nothing in AWS records it; an imported group is kept on destroy
    // unless the configuration says otherwise.
    st.delete_logs_on_destroy = Known::Value(false);
    st.kms_key_arn = opt_str(d.config.kms_key_id.as_deref());
    st.model_data_kms_key_arn = opt_str(d.recalled.model_data_kms_key.as_deref());
    st.data_capture = Known::from_option(d.config.data_capture.as_ref().map(|c| DataCaptureAttr {
        destination_s3_uri: Known::string(&c.destination_s3_uri),
        initial_sampling_percentage: Known::int(i64::from(c.initial_sampling_percentage)),
        capture_modes: str_set(&c.capture_modes),
        json_content_types: str_set_or_null(&c.json_content_types),
        csv_content_types: str_set_or_null(&c.csv_content_types),
    }));
    st.startup_health_check_timeout_in_seconds = opt_int(variant.startup_health_check_timeout);
    st.model_data_download_timeout_in_seconds = opt_int(variant.model_data_download_timeout);
    st.volume_size_in_gb = opt_int(variant.volume_size_in_gb);
    if let Some(a) = &d.config.async_inference {
        st.async_inference = Known::Value(AsyncInferenceAttr {
            output_path: Known::string(&a.output_path),
            failure_path: opt_str(a.failure_path.as_deref()),
            max_concurrent_invocations_per_instance: opt_int(
                a.max_concurrent_invocations_per_instance,
            ),
            // SageMaker does not record where callers put requests; the
            // generated role's policy does.
            input_path: opt_str(d.recalled.async_input.as_deref()),
        });
        st.success_topic_arn = opt_str(a.success_topic_arn.as_deref());
        st.error_topic_arn = opt_str(a.error_topic_arn.as_deref());
    }
    if d.role_managed {
        st.role_managed_policy_arns = if d.managed_policy_arns.is_empty() {
            Value::Null
        } else {
            str_set(&d.managed_policy_arns)
        };
    } else {
        st.role_arn = Known::string(&model.execution_role_arn);
    }
    st.execution_role_arn = Known::string(&model.execution_role_arn);
    // Tags: what is not ours and not a provider default with the same value.
    let tags: BTreeMap<String, String> = d
        .tags
        .iter()
        .filter(|(k, v)| {
            k.as_str() != aws::OWNERSHIP_TAG
                && k.as_str() != aws::owner::OWNER_TAG
                && !k.starts_with("aws:")
                && k.as_str() != MODEL_ID_TAG
                && default_tags.get(k.as_str()) != Some(v)
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let tags = str_map(&tags);
    st.tags_all = tags_all(&tags, default_tags);
    st.tags = tags;
    st.endpoint_arn = Known::string(&ep.arn);
    st.endpoint_status = Known::string(ep.status.as_str());
    st.invoke_policy_json = Known::Value(invoke_policy_json(&ep.arn));
    st.model_name = Known::string(&variant.model_name);
    st.model_arn = Known::string(&model.arn);
    st.endpoint_config_name = Known::string(&ep.config_name);
    st.endpoint_config_arn = Known::string(&d.config.arn);
    st
}
