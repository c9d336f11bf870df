//! Drift of the owned objects that no other attribute shows: the tags of
//! the model, the endpoint configuration, the generated role and the topics,
//! the generated role's trust policy, inline policy and managed attachments,
//! each topic's policy and encryption, and the log group's retention and
//! key. The tags and the role come through `aws::shared_reads`, so the
//! refreshes of one plan share their calls. Refresh compares what AWS
//! reports with what the state asks for and writes one line per differing
//! object into `out_of_band_changes`; planning sets that attribute back to
//! null, so `plan -refresh-only` shows the change and `apply` repairs the
//! objects named by its keys.

use std::collections::{BTreeMap, BTreeSet};

use super::super::Env;
use super::super::aws;
use super::super::schema::state::State;
use super::desired::Desired;
use super::{StepError, at};
use crate::tfplugin::Value;

/// Keys of `out_of_band_changes`, one per kind of object.
pub const MODEL: &str = "model";
pub const CONFIG: &str = "endpoint_config";
pub const ROLE: &str = "execution_role";
pub const SUCCESS_TOPIC: &str = "success_topic";
pub const ERROR_TOPIC: &str = "error_topic";
pub const LOG_GROUP: &str = "log_group";

/// The drift found, object key -> what differs.
pub type Report = BTreeMap<String, String>;

/// The report as a state value (null when empty).
pub fn to_value(r: &Report) -> Value {
    if r.is_empty() {
        return Value::Null;
    }
    Value::Map(
        r.iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect(),
    )
}

/// The object keys a state's report names.
pub fn keys(state: &State) -> BTreeSet<String> {
    state
        .out_of_band_changes
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

/// How `actual` tags differ from `expected`, in words; `None` when equal.
pub fn tag_changes(
    actual: &BTreeMap<String, String>,
    expected: &BTreeMap<String, String>,
) -> Option<String> {
    let mut parts = Vec::new();
    // `aws:` tags belong to AWS (CloudFormation, ...); nobody can change them.
    let mine = |k: &String| !k.starts_with("aws:");
    for (k, v) in actual.iter().filter(|(k, _)| mine(k)) {
        match expected.get(k) {
            None => parts.push(format!("tag {k} added")),
            Some(want) if want != v => parts.push(format!("tag {k} changed from {want:?}")),
            _ => {}
        }
    }
    for k in expected
        .keys()
        .filter(|k| mine(k) && !actual.contains_key(*k))
    {
        parts.push(format!("tag {k} removed"));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

fn push(parts: &mut Vec<String>, part: Option<String>) {
    parts.extend(part);
}

/// Model and config tags. Skipped for an object that is gone (its ARN
/// then becomes null, which planning turns into a repair).
async fn sagemaker_tags(
    env: &Env<'_>,
    arn: Option<&str>,
    expected: BTreeMap<String, String>,
) -> Result<Option<Option<String>>, StepError> {
    let Some(arn) = arn else {
        return Ok(Some(None));
    };
    let tags = aws::shared_reads::sagemaker_tags(env.clients, env.shared, arn)
        .await
        .map_err(at(format!("read the tags of {arn}")))?;
    Ok(tags.map(|t| tag_changes(&t, &expected)))
}

/// What the generated role differs in; `Ok(None)` when the role is gone.
async fn role(env: &Env<'_>, name: &str, d: &Desired) -> Result<Option<Vec<String>>, StepError> {
    let c = env.clients;
    let spec = d.role_spec(&env.place());
    let step = at(format!("read the execution role {name}"));
    let Some(facts) = aws::shared_reads::role_facts(c, env.shared, name)
        .await
        .map_err(step)?
    else {
        return Ok(None);
    };
    let described = facts.description;
    let mut parts = Vec::new();
    if described.trust_policy.as_ref() != Some(&spec.trust_policy) {
        parts.push("trust policy changed".to_string());
    }
    match facts.inline {
        None => parts.push(format!(
            "inline policy {} removed",
            aws::role::INLINE_POLICY_NAME
        )),
        Some(doc) if doc != spec.inline_policy => parts.push(format!(
            "inline policy {} changed",
            aws::role::INLINE_POLICY_NAME
        )),
        Some(_) => {}
    }
    let attached = facts.attached;
    let wanted: BTreeSet<String> = spec.managed_policy_arns.iter().cloned().collect();
    for arn in attached.difference(&wanted) {
        parts.push(format!("managed policy {arn} attached"));
    }
    for arn in wanted.difference(&attached) {
        parts.push(format!("managed policy {arn} detached"));
    }
    push(&mut parts, tag_changes(&described.tags, &spec.tags));
    Ok(Some(parts))
}

/// What a topic differs in; `Ok(None)` when it is gone.
async fn topic(env: &Env<'_>, arn: &str, d: &Desired) -> Result<Option<Vec<String>>, StepError> {
    let c = env.clients;
    let step = || at(format!("read the topic {arn}"));
    let (live, tags) = tokio::join!(aws::topic::describe(c, arn), aws::topic::tags_of(c, arn));
    let (Some(live), Some(tags)) = (live.map_err(step())?, tags.map_err(step())?) else {
        return Ok(None);
    };
    let mut parts = Vec::new();
    if live.kms_key.as_deref() != Some(aws::topic::KMS_KEY) {
        parts.push(format!(
            "encryption changed (KmsMasterKeyId is {:?}, not {})",
            live.kms_key.as_deref().unwrap_or(""),
            aws::topic::KMS_KEY
        ));
    }
    if live.policy.as_ref() != Some(&aws::topic::topic_policy(arn)) {
        parts.push("access policy changed".to_string());
    }
    push(&mut parts, tag_changes(&tags, &d.base_tags()));
    Ok(Some(parts))
}

/// What refresh learns about the owned objects besides the endpoint.
#[derive(Debug, Default)]
pub struct Found {
    pub report: Report,
    pub model_gone: bool,
    pub config_gone: bool,
    pub role_gone: bool,
    pub success_topic_gone: bool,
    pub error_topic_gone: bool,
    pub log_group_gone: bool,
}

/// The log group's retention and key against what `d` asks for; `None`
/// when it is gone.
async fn log_group(env: &Env<'_>, d: &Desired) -> Result<Option<Vec<String>>, StepError> {
    let Some(spec) = d.log_group_spec()? else {
        return Ok(Some(Vec::new()));
    };
    let Some(g) = aws::logs::find(env.clients, &spec.name)
        .await
        .map_err(at(format!("read the log group {}", spec.name)))?
    else {
        return Ok(None);
    };
    let days = |n: i32| {
        if n == 1 {
            "1 day".to_string()
        } else {
            format!("{n} days")
        }
    };
    let mut parts = Vec::new();
    if g.retention_in_days != Some(spec.retention_in_days) {
        let now = g.retention_in_days.map_or("never expire".to_string(), days);
        parts.push(format!(
            "retention is {now}, not {}",
            days(spec.retention_in_days)
        ));
    }
    if g.kms_key_id != spec.kms_key_id {
        parts.push("encryption key changed".to_string());
    }
    Ok(Some(parts))
}

/// Reads every owned object of `state` (its own names, as recorded) and
/// compares it with what `d` asks for. `check_model_and_config` is false
/// when the endpoint serves other objects than the state named (those are
/// then not ours to compare).
pub async fn read(
    env: &Env<'_>,
    state: &State,
    d: &Desired,
    check_model_and_config: bool,
) -> Result<Found, StepError> {
    let model = async {
        if check_model_and_config {
            sagemaker_tags(env, state.model_arn.as_str(), d.model_only_tags()).await
        } else {
            Ok(Some(None))
        }
    };
    let config = async {
        if check_model_and_config {
            sagemaker_tags(env, state.endpoint_config_arn.as_str(), d.base_tags()).await
        } else {
            Ok(Some(None))
        }
    };
    let role_name = state
        .execution_role_arn
        .as_str()
        .and_then(aws::role::name_of_arn);
    let role = async {
        match role_name {
            Some(name) if state.role_arn.is_null() => role(env, name, d).await,
            _ => Ok(Some(Vec::new())),
        }
    };
    let success = async {
        match state.success_topic_arn.as_str() {
            Some(arn) if owned_topic(arn, d, &env.place(), 0) => topic(env, arn, d).await,
            _ => Ok(Some(Vec::new())),
        }
    };
    let error = async {
        match state.error_topic_arn.as_str() {
            Some(arn) if owned_topic(arn, d, &env.place(), 1) => topic(env, arn, d).await,
            _ => Ok(Some(Vec::new())),
        }
    };
    let logs = async {
        match state.log_group_arn.as_str() {
            Some(_) => log_group(env, d).await,
            None => Ok(Some(Vec::new())),
        }
    };
    let (model, config, role, success, error, logs) =
        tokio::join!(model, config, role, success, error, logs);
    let mut found = Found::default();
    match model? {
        None => found.model_gone = true,
        Some(Some(t)) => {
            found.report.insert(MODEL.into(), t);
        }
        Some(None) => {}
    }
    match config? {
        None => found.config_gone = true,
        Some(Some(t)) => {
            found.report.insert(CONFIG.into(), t);
        }
        Some(None) => {}
    }
    let objects = [
        (ROLE, role?, &mut found.role_gone),
        (SUCCESS_TOPIC, success?, &mut found.success_topic_gone),
        (ERROR_TOPIC, error?, &mut found.error_topic_gone),
        (LOG_GROUP, logs?, &mut found.log_group_gone),
    ];
    let mut report = Report::new();
    for (key, parts, gone) in objects {
        match parts {
            None => *gone = true,
            Some(parts) if !parts.is_empty() => {
                report.insert(key.into(), parts.join("; "));
            }
            _ => {}
        }
    }
    found.report.extend(report);
    Ok(found)
}

/// True when `arn` is the topic this resource derives for slot `i` (0 =
/// success, 1 = error): imported topics under other names are not ours.
fn owned_topic(arn: &str, d: &Desired, place: &super::desired::Place<'_>, i: usize) -> bool {
    d.topic_arns(place)
        .is_some_and(|(s, e)| [s, e].get(i).is_some_and(|want| want == arn))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn tag_changes_name_every_key() {
        let expected = t(&[("a", "1"), ("b", "2")]);
        assert_eq!(tag_changes(&expected, &expected), None);
        let actual = t(&[("a", "1"), ("b", "3"), ("c", "4")]);
        assert_eq!(
            tag_changes(&actual, &expected).as_deref(),
            Some("tag b changed from \"2\", tag c added")
        );
        assert_eq!(
            tag_changes(&t(&[]), &t(&[("x", "1")])).as_deref(),
            Some("tag x removed")
        );
    }

    #[test]
    fn reports_are_null_when_empty_and_keys_come_back() {
        assert_eq!(to_value(&Report::new()), Value::Null);
        let r = Report::from([(ROLE.to_string(), "trust policy changed".to_string())]);
        let state = State {
            out_of_band_changes: to_value(&r),
            ..Default::default()
        };
        assert_eq!(keys(&state), BTreeSet::from([ROLE.to_string()]));
        assert!(keys(&State::default()).is_empty());
    }
}
