//! Name rules for SageMaker, IAM and SNS objects, and the deterministic names
//! the provider derives for the objects it creates.
//!
//! # Validation
//! Endpoint, endpoint config, variant and model names share one rule: 1 to 63
//! characters, letters, digits and hyphens, starting and ending with a letter
//! or digit (SageMaker's `^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$`, and
//! `^[a-zA-Z0-9]([\-a-zA-Z0-9]*[a-zA-Z0-9])?$` for models). The resource
//! validates only the endpoint name a user gives ([`validate_endpoint_name`],
//! a message naming the problem and what was expected); every other name is
//! derived, and the tests check the derived ones against the same rules
//! (and IAM's and SNS's).
//!
//! # Derived names
//! Every derived name is a pure function of its inputs, so a retried apply
//! computes the same names and can adopt what an interrupted one created.
//! - **Model and endpoint config**: `<endpoint>-<h>`, where `h` is the first
//!   8 characters of a [`content_hash`] of the object's content. A new
//!   content gives a new name, which immutable SageMaker objects need. When
//!   the endpoint name must be shortened to fit 63 characters (or contains
//!   characters a SageMaker name cannot hold), the name becomes
//!   `<first 54 characters of the endpoint>-<h'>`, where `h'` hashes the full
//!   endpoint name together with the content hash, so endpoints that share a
//!   long prefix still get distinct names. Hyphens at the cut are trimmed.
//! - **IAM role**: role names are global to the account, so they include the
//!   region: `sm-<endpoint>-<region>`. When that exceeds IAM's 64
//!   characters, the endpoint part is shortened and an 8-character hash of
//!   the full endpoint name and region is added:
//!   `sm-<endpoint prefix>-<region>-<hash>`.
//! - **SNS topics** (asynchronous inference): `sm-<endpoint>-async-success`
//!   and `sm-<endpoint>-async-error`. Topics are regional, like endpoints.
//!
//! - **Autoscaling**: the scalable target is the variant itself,
//!   `endpoint/<endpoint>/variant/AllTraffic`; its policies are
//!   `sm-<endpoint>-target-tracking` and (async endpoints scaling from zero)
//!   `sm-<endpoint>-scale-from-zero`, and the alarm driving the latter is
//!   `sm-<endpoint>-backlog-without-capacity`. Endpoint names are at most 63
//!   characters, so these always fit (policy and alarm names allow 255).
//!
//! [`content_hash`] is SHA-256 over the parts, each preceded by its length,
//! so `["ab", "c"]` and `["a", "bc"]` hash differently.

use sha2::{Digest, Sha256};

/// Longest SageMaker endpoint, endpoint config, variant or model name.
pub(crate) const MAX_SAGEMAKER_NAME: usize = 63;
/// Longest IAM role name.
pub(crate) const MAX_ROLE_NAME: usize = 64;
/// Longest SNS topic name.
pub(crate) const MAX_TOPIC_NAME: usize = 256;
/// Hash characters appended to derived names.
const SUFFIX_LEN: usize = 8;

const SAGEMAKER_RULE: &str = "1 to 63 characters: letters (a-z, A-Z), digits and hyphens, \
                              starting and ending with a letter or digit";

/// Checks a name against the shared SageMaker rule.
fn check_sagemaker_name(kind: &str, name: &str) -> Result<(), String> {
    let problem = if name.is_empty() {
        "it is empty".to_string()
    } else if let Some((i, c)) = name
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '-'))
    {
        format!("it contains {c:?} at position {}", i + 1)
    } else if name.starts_with('-') {
        "it starts with a hyphen".to_string()
    } else if name.ends_with('-') {
        "it ends with a hyphen".to_string()
    } else if name.len() > MAX_SAGEMAKER_NAME {
        format!("it is {} characters long", name.len())
    } else {
        return Ok(());
    };
    Err(format!(
        "{kind} {name:?} is invalid: {problem}; expected {SAGEMAKER_RULE}"
    ))
}

/// Validates a SageMaker endpoint name.
pub(crate) fn validate_endpoint_name(name: &str) -> Result<(), String> {
    check_sagemaker_name("endpoint name", name)
}

fn is_iam_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_+=,.@-".contains(c)
}

fn is_topic_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// A stable hex digest (16 characters) of `parts`: SHA-256 over the number
/// of parts and each part preceded by its length, so part boundaries count.
pub(crate) fn content_hash(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    h.update((parts.len() as u64).to_be_bytes());
    for part in parts {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    h.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The 8-character suffix taken from a caller's content hash. A hash that is
/// too short or holds characters a name cannot is itself hashed first.
fn suffix_of(hash: &str) -> String {
    if hash.len() >= SUFFIX_LEN && hash.bytes().all(|b| b.is_ascii_alphanumeric()) {
        hash[..SUFFIX_LEN].to_ascii_lowercase()
    } else {
        content_hash(&["suffix", hash])[..SUFFIX_LEN].to_string()
    }
}

/// `name` with every character outside `allowed` replaced by a hyphen.
fn sanitize(name: &str, allowed: fn(char) -> bool) -> String {
    name.chars()
        .map(|c| if allowed(c) { c } else { '-' })
        .collect()
}

/// At most `max` leading characters of an ASCII string, without hyphens at
/// either end.
fn prefix(s: &str, max: usize) -> &str {
    s[..s.len().min(max)].trim_matches('-')
}

/// `<endpoint>-<hash>` within SageMaker's limits (see the module docs).
fn derive_sagemaker_name(endpoint: &str, hash: &str) -> String {
    let budget = MAX_SAGEMAKER_NAME - 1 - SUFFIX_LEN;
    let clean = sanitize(endpoint, |c| c.is_ascii_alphanumeric() || c == '-');
    let base = clean.trim_matches('-');
    if base == endpoint && base.len() <= budget && !base.is_empty() {
        return format!("{base}-{}", suffix_of(hash));
    }
    let suffix = &content_hash(&["shortened", endpoint, hash])[..SUFFIX_LEN];
    match prefix(base, budget) {
        "" => format!("sm-{suffix}"),
        p => format!("{p}-{suffix}"),
    }
}

/// The SageMaker model name for an endpoint and the hash of the model's
/// content (see [`content_hash`]).
pub(crate) fn model_name(endpoint: &str, content_hash: &str) -> String {
    derive_sagemaker_name(endpoint, content_hash)
}

/// The SageMaker endpoint config name for an endpoint and the hash of the
/// config's content (see [`content_hash`]).
pub(crate) fn endpoint_config_name(endpoint: &str, content_hash: &str) -> String {
    derive_sagemaker_name(endpoint, content_hash)
}

/// The IAM execution role created for an endpoint in a region.
pub fn role_name(endpoint: &str, region: &str) -> String {
    let ep = sanitize(endpoint, is_iam_char);
    let rg = sanitize(region, is_iam_char);
    let full = format!("sm-{ep}-{rg}");
    if full.len() <= MAX_ROLE_NAME && ep == endpoint && rg == region {
        return full;
    }
    let hash = &content_hash(&["role", endpoint, region])[..SUFFIX_LEN];
    // "sm-" + "-" + region + "-" + hash around the endpoint prefix.
    let fixed = 3 + 1 + rg.len() + 1 + SUFFIX_LEN;
    match MAX_ROLE_NAME
        .checked_sub(fixed)
        .map(|budget| prefix(&ep, budget))
    {
        Some("") => format!("sm-{rg}-{hash}"),
        Some(p) => format!("sm-{p}-{rg}-{hash}"),
        // An absurdly long region: keep what fits of it.
        None => format!("sm-{hash}-{}", prefix(&rg, MAX_ROLE_NAME - 4 - SUFFIX_LEN)),
    }
}

/// Which notification topic of an asynchronous endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TopicKind {
    Success,
    Error,
}

impl TopicKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            TopicKind::Success => "success",
            TopicKind::Error => "error",
        }
    }
}

/// The SNS topic that receives an asynchronous endpoint's notifications.
pub fn topic_name(endpoint: &str, kind: TopicKind) -> String {
    let ep = sanitize(endpoint, is_topic_char);
    let tail = format!("-async-{}", kind.as_str());
    let full = format!("sm-{ep}{tail}");
    if full.len() <= MAX_TOPIC_NAME && ep == endpoint {
        return full;
    }
    let hash = &content_hash(&["topic", endpoint])[..SUFFIX_LEN];
    let budget = MAX_TOPIC_NAME - 3 - 1 - SUFFIX_LEN - tail.len();
    match prefix(&ep, budget) {
        "" => format!("sm-{hash}{tail}"),
        p => format!("sm-{p}-{hash}{tail}"),
    }
}

/// The Application Auto Scaling resource ID of an endpoint's variant.
pub(crate) fn scaling_resource_id(endpoint: &str, variant: &str) -> String {
    format!("endpoint/{endpoint}/variant/{variant}")
}

/// The scaling policies the provider puts on an endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ScalingPolicyKind {
    /// Target tracking (invocations or backlog per instance).
    TargetTracking,
    /// The step policy adding an instance to an async endpoint at zero.
    ScaleFromZero,
}

/// The name of one of an endpoint's scaling policies.
pub(crate) fn scaling_policy_name(endpoint: &str, kind: ScalingPolicyKind) -> String {
    match kind {
        ScalingPolicyKind::TargetTracking => format!("sm-{endpoint}-target-tracking"),
        ScalingPolicyKind::ScaleFromZero => format!("sm-{endpoint}-scale-from-zero"),
    }
}

/// The log group SageMaker writes an endpoint's container logs to.
pub fn log_group_name(endpoint: &str) -> String {
    format!("/aws/sagemaker/Endpoints/{endpoint}")
}

/// The CloudWatch alarm that scales an async endpoint up from zero.
pub(crate) fn backlog_alarm_name(endpoint: &str) -> String {
    format!("sm-{endpoint}-backlog-without-capacity")
}

#[cfg(test)]
mod tests;
