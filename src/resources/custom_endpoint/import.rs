//! Import by endpoint name: DescribeEndpoint, then its config, then its
//! model, and every attribute filled from what AWS reports. A role or topics
//! that we would have named and that carry our ownership tag are treated as
//! managed; anything else is left unmanaged (`role_arn` set to it).
//!
//! The AWS layer's finds return only names and ARNs, so the detailed
//! describes here call the SDK clients directly.

use std::collections::BTreeMap;

use aws_sdk_sagemaker::error::ProvideErrorMetadata;

use super::apply::{StepError, at};
use super::aws;
use super::aws::error::AwsError;
use super::aws::names;
use super::derive::{invoke_policy_json, tags_all};
use super::desired::{MODEL_ID_TAG, REGION_ENV};
use super::private::{Kind, Pending, PrivateState};
use super::schema::schema;
use super::secrets;
use super::{Env, ReadResult};
use crate::aws::dlc;
use crate::tfplugin::{Diagnostics, Value};

/// Everything import learns from AWS.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Described {
    pub endpoint_name: String,
    pub endpoint_arn: String,
    pub endpoint_status: String,
    pub config_name: String,
    pub config_arn: String,
    pub instance_type: String,
    pub instance_count: Option<i32>,
    pub startup_timeout: Option<i32>,
    pub download_timeout: Option<i32>,
    pub volume_size_in_gb: Option<i32>,
    pub async_inference: Option<DescribedAsync>,
    pub model_name: String,
    pub model_arn: String,
    pub image: String,
    pub model_data_url: String,
    pub environment: BTreeMap<String, String>,
    pub vpc: Option<(Vec<String>, Vec<String>)>,
    pub execution_role_arn: String,
    /// The endpoint's tags.
    pub tags: BTreeMap<String, String>,
    /// The role is the one we generate for this endpoint.
    pub role_managed: bool,
    pub managed_policy_arns: Vec<String>,
}

/// The async settings of an imported config.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DescribedAsync {
    pub output_path: String,
    pub failure_path: Option<String>,
    pub success_topic: Option<String>,
    pub error_topic: Option<String>,
    pub max_concurrent: Option<i32>,
}

fn api<E: ProvideErrorMetadata>(operation: &'static str) -> impl FnOnce(E) -> AwsError {
    move |e| AwsError::Api {
        operation,
        code: e.code().unwrap_or("Unknown").to_string(),
        message: e.message().unwrap_or("no message").to_string(),
    }
}

pub async fn import(env: &Env<'_>, id: &str) -> ReadResult {
    let mut diagnostics = Diagnostics::new();
    let mut private = PrivateState::default();
    let found = match adopt(env, id).await {
        Ok(None) => adopt_leftovers(env, id, &mut private).await,
        other => other,
    };
    let new_state = match found {
        Ok(Some(v)) => v,
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
    ReadResult {
        new_state,
        private: private.encode(),
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
) -> Result<Option<Value>, StepError> {
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

    let b = &schema().block;
    let mut m: BTreeMap<String, Value> = b
        .attributes
        .iter()
        .map(|a| (a.name.clone(), Value::Null))
        .chain(b.blocks.iter().map(|b| (b.type_name.clone(), Value::Null)))
        .collect();
    let mut put = |k: &str, v: &str| {
        m.insert(k.to_string(), Value::string(v));
    };
    put("id", id);
    put("endpoint_name", id);
    put("ownership_id", &owner);
    if let Some(r) = &role {
        put("execution_role_arn", &r.arn);
    }
    for (slot, (kind, list)) in [
        (("model_name", "model_arn"), (Kind::Model, &models)),
        (
            ("endpoint_config_name", "endpoint_config_arn"),
            (Kind::EndpointConfig, &configs),
        ),
    ] {
        for (i, (name, arn)) in list.iter().enumerate() {
            if i == 0 {
                put(slot.0, name);
                put(slot.1, arn);
            } else {
                private.add(Pending::new(kind, name));
            }
        }
    }
    for (kind, arn, _) in &topics {
        let attr = match kind {
            names::TopicKind::Success => "success_topic_arn",
            names::TopicKind::Error => "error_topic_arn",
        };
        put(attr, arn);
    }
    Ok(Some(Value::Object(m)))
}

/// Describes the endpoint and puts this new instance's ownership mark on
/// everything it adopts: the endpoint, its config and model, and the role
/// and topics when they are the ones this provider generates for the name.
/// A role or topics made elsewhere are recorded but not adopted.
async fn adopt(env: &Env<'_>, id: &str) -> Result<Option<Value>, StepError> {
    let Some(d) = describe(env, id).await? else {
        return Ok(None);
    };
    let owner = aws::owner::new_ownership_id().map_err(StepError::Other)?;
    let mark = BTreeMap::from([
        (aws::OWNERSHIP_TAG.to_string(), id.to_string()),
        (aws::owner::OWNER_TAG.to_string(), owner.clone()),
    ]);
    let c = env.clients;
    let mut secret_keys = Vec::new();
    for arn in [&d.endpoint_arn, &d.config_arn, &d.model_arn] {
        if arn.is_empty() {
            continue;
        }
        if arn == &d.model_arn {
            let current = aws::endpoint::list_tags(c, arn)
                .await
                .map_err(at(format!("read the tags of {arn}")))?;
            if let Some(keys) = current.get(secrets::KEYS_TAG) {
                secret_keys = secrets::keys_from_tag(keys);
            }
        }
        mark_sagemaker(env, arn, &mark).await?;
    }
    let mut state = state_from(&d, env.region, env.default_tags);
    if !secret_keys.is_empty()
        && let Value::Object(m) = &mut state
    {
        // The model says which variables are secret: their values stay out
        // of the state, and their names are recorded as configured.
        let env_value = m.remove("environment").unwrap_or(Value::Null);
        let keys = Value::Set(secret_keys.iter().map(Value::string).collect());
        m.insert(secrets::KEYS.into(), keys);
        let probe = Value::Object(BTreeMap::from([(
            secrets::KEYS.to_string(),
            m[secrets::KEYS].clone(),
        )]));
        m.insert(
            "environment".into(),
            secrets::without_secret_keys(env_value, &probe),
        );
    }
    if d.role_managed
        && let Some(role) = aws::role::name_of_arn(&d.execution_role_arn)
    {
        aws::role::add_tags(c, role, &mark)
            .await
            .map_err(at(format!(
                "mark the role {role} as owned by this resource"
            )))?;
    }
    let derived = [names::TopicKind::Success, names::TopicKind::Error]
        .map(|k| env.place().topic_arn(&names::topic_name(id, k)));
    for attr in ["success_topic_arn", "error_topic_arn"] {
        let Some(arn) = state.get(attr).as_str().map(str::to_string) else {
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
    if let Some(m) = state.get_mut("ownership_id") {
        *m = Value::String(owner);
    }
    Ok(Some(state))
}

pub(super) async fn describe(env: &Env<'_>, id: &str) -> Result<Option<Described>, StepError> {
    let c = env.clients;
    let Some(ep) = aws::endpoint::find(c, id)
        .await
        .map_err(at(format!("read the endpoint {id}")))?
    else {
        return Ok(None);
    };
    let mut d = Described {
        endpoint_name: ep.name.clone(),
        endpoint_arn: ep.arn.clone(),
        endpoint_status: ep.status.to_string(),
        config_name: ep.config_name.clone(),
        ..Described::default()
    };
    let step = format!("read the endpoint configuration {}", ep.config_name);
    let cfg = c
        .sagemaker
        .describe_endpoint_config()
        .endpoint_config_name(&ep.config_name)
        .send()
        .await
        .map_err(|e| at(step)(api("DescribeEndpointConfig")(e)))?;
    d.config_arn = cfg.endpoint_config_arn().unwrap_or_default().to_string();
    let Some(variant) = cfg.production_variants().first() else {
        return Err(StepError::Other(format!(
            "endpoint configuration {} has no production variant",
            ep.config_name
        )));
    };
    d.instance_type = variant
        .instance_type()
        .map(|t| t.as_str().to_string())
        .unwrap_or_default();
    d.instance_count = variant.initial_instance_count();
    d.startup_timeout = variant.container_startup_health_check_timeout_in_seconds();
    d.download_timeout = variant.model_data_download_timeout_in_seconds();
    d.volume_size_in_gb = variant.volume_size_in_gb();
    d.async_inference = cfg.async_inference_config().map(|a| {
        let out = a.output_config();
        let note = out.and_then(|o| o.notification_config());
        DescribedAsync {
            output_path: out
                .and_then(|o| o.s3_output_path())
                .unwrap_or_default()
                .to_string(),
            failure_path: out.and_then(|o| o.s3_failure_path()).map(str::to_string),
            success_topic: note.and_then(|n| n.success_topic()).map(str::to_string),
            error_topic: note.and_then(|n| n.error_topic()).map(str::to_string),
            max_concurrent: a
                .client_config()
                .and_then(|c| c.max_concurrent_invocations_per_instance()),
        }
    });
    d.model_name = variant.model_name().unwrap_or_default().to_string();

    let step = format!("read the model {}", d.model_name);
    let model = c
        .sagemaker
        .describe_model()
        .model_name(&d.model_name)
        .send()
        .await
        .map_err(|e| at(step)(api("DescribeModel")(e)))?;
    d.model_arn = model.model_arn().unwrap_or_default().to_string();
    d.execution_role_arn = model.execution_role_arn().unwrap_or_default().to_string();
    let container = model.primary_container().or(model.containers().first());
    if let Some(k) = container {
        d.image = k.image().unwrap_or_default().to_string();
        d.model_data_url = k
            .model_data_url()
            .or_else(|| {
                k.model_data_source()
                    .and_then(|s| s.s3_data_source())
                    .and_then(|s| s.s3_uri())
            })
            .unwrap_or_default()
            .to_string();
        d.environment = k
            .environment()
            .into_iter()
            .flatten()
            .map(|(a, b)| (a.clone(), b.clone()))
            .collect();
    }
    d.vpc = model
        .vpc_config()
        .map(|v| (v.security_group_ids().to_vec(), v.subnets().to_vec()));

    let tags = c
        .sagemaker
        .list_tags()
        .resource_arn(&ep.arn)
        .max_results(100)
        .send()
        .await
        .map_err(|e| at("read the endpoint tags")(api("ListTags")(e)))?;
    d.tags = tags
        .tags()
        .iter()
        .filter_map(|t| {
            Some((
                t.key()?.to_string(),
                t.value().unwrap_or_default().to_string(),
            ))
        })
        .collect();

    let ours = names::role_name(id, env.region);
    if role_name_of(&d.execution_role_arn) == Some(ours.as_str()) {
        let tags = c
            .iam
            .list_role_tags()
            .role_name(&ours)
            .send()
            .await
            .map_err(|e| at("read the role tags")(api("ListRoleTags")(e)))?;
        d.role_managed = tags
            .tags()
            .iter()
            .any(|t| t.key() == aws::OWNERSHIP_TAG && t.value() == id);
        if d.role_managed {
            let attached = c
                .iam
                .list_attached_role_policies()
                .role_name(&ours)
                .send()
                .await
                .map_err(|e| at("read the role policies")(api("ListAttachedRolePolicies")(e)))?;
            d.managed_policy_arns = attached
                .attached_policies()
                .iter()
                .filter_map(|p| p.policy_arn().map(str::to_string))
                .collect();
        }
    }
    Ok(Some(d))
}

/// The role name at the end of a role ARN (`arn:...:role/path/name`).
pub(super) fn role_name_of(arn: &str) -> Option<&str> {
    arn.split_once(":role/")
        .map(|(_, rest)| rest.rsplit('/').next().unwrap_or(rest))
}

/// The `container` object for an image: the Deep Learning Container form
/// when the image is the region's DLC registry, a plain `image_uri`
/// otherwise.
fn container_of(image: &str, region: &str) -> Value {
    let mut m: BTreeMap<String, Value> = ["image_uri", "repository_name", "tag", "account_id"]
        .iter()
        .map(|f| (f.to_string(), Value::Null))
        .collect();
    let dlc_prefix = dlc::account_for(region)
        .map(|acct| format!("{acct}.dkr.ecr.{region}.{}/", dlc::dns_suffix(region)));
    let dlc = dlc_prefix
        .and_then(|p| image.strip_prefix(&p).map(str::to_string))
        .and_then(|rest| {
            rest.split_once(':')
                .map(|(r, t)| (r.to_string(), t.to_string()))
        });
    match dlc {
        Some((repo, tag)) if !repo.is_empty() && !tag.is_empty() => {
            m.insert("repository_name".into(), Value::String(repo));
            m.insert("tag".into(), Value::String(tag));
        }
        _ => {
            m.insert("image_uri".into(), Value::String(image.to_string()));
        }
    }
    Value::Object(m)
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

fn opt_int(v: Option<i32>) -> Value {
    v.map_or(Value::Null, |i| Value::int(i64::from(i)))
}

fn opt_str(v: Option<&str>) -> Value {
    v.map_or(Value::Null, Value::string)
}

/// The state for what was described: every schema attribute present.
pub fn state_from(d: &Described, region: &str, default_tags: &BTreeMap<String, String>) -> Value {
    let b = &schema().block;
    let mut m: BTreeMap<String, Value> = b
        .attributes
        .iter()
        .map(|a| (a.name.clone(), Value::Null))
        .chain(b.blocks.iter().map(|b| (b.type_name.clone(), Value::Null)))
        .collect();
    let mut put = |k: &str, v: Value| {
        m.insert(k.to_string(), v);
    };
    put("id", Value::string(&d.endpoint_name));
    put("endpoint_name", Value::string(&d.endpoint_name));
    put(
        "model_id",
        opt_str(d.tags.get(MODEL_ID_TAG).map(String::as_str)),
    );
    put("instance_type", Value::string(&d.instance_type));
    put("instance_count", opt_int(d.instance_count));
    put("model_data_url", Value::string(&d.model_data_url));
    put("container", container_of(&d.image, region));
    put("image_uri", Value::string(&d.image));
    let mut env = d.environment.clone();
    if env.get(REGION_ENV).map(String::as_str) == Some(region) {
        env.remove(REGION_ENV);
    }
    put("environment", str_map(&env));
    put(
        "vpc_config",
        d.vpc.as_ref().map_or(Value::Null, |(sgs, subnets)| {
            Value::Object(BTreeMap::from([
                ("security_group_ids".to_string(), str_set(sgs)),
                ("subnets".to_string(), str_set(subnets)),
            ]))
        }),
    );
    put(
        "startup_health_check_timeout_in_seconds",
        opt_int(d.startup_timeout),
    );
    put(
        "model_data_download_timeout_in_seconds",
        opt_int(d.download_timeout),
    );
    put("volume_size_in_gb", opt_int(d.volume_size_in_gb));
    if let Some(a) = &d.async_inference {
        put(
            "async_inference",
            Value::Object(BTreeMap::from([
                ("output_path".to_string(), Value::string(&a.output_path)),
                (
                    "failure_path".to_string(),
                    opt_str(a.failure_path.as_deref()),
                ),
                (
                    "max_concurrent_invocations_per_instance".to_string(),
                    opt_int(a.max_concurrent),
                ),
            ])),
        );
        put("success_topic_arn", opt_str(a.success_topic.as_deref()));
        put("error_topic_arn", opt_str(a.error_topic.as_deref()));
    }
    if d.role_managed {
        put(
            "role_managed_policy_arns",
            if d.managed_policy_arns.is_empty() {
                Value::Null
            } else {
                str_set(&d.managed_policy_arns)
            },
        );
    } else {
        put("role_arn", Value::string(&d.execution_role_arn));
    }
    put("execution_role_arn", Value::string(&d.execution_role_arn));
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
    put("tags_all", tags_all(&tags, default_tags));
    put("tags", tags);
    put("endpoint_arn", Value::string(&d.endpoint_arn));
    put("endpoint_status", Value::string(&d.endpoint_status));
    put(
        "invoke_policy_json",
        Value::String(invoke_policy_json(&d.endpoint_arn)),
    );
    put("model_name", Value::string(&d.model_name));
    put("model_arn", Value::string(&d.model_arn));
    put("endpoint_config_name", Value::string(&d.config_name));
    put("endpoint_config_arn", Value::string(&d.config_arn));
    Value::Object(m)
}
