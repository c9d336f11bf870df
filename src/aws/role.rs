//! The generated SageMaker execution role: create or adopt it, keep its
//! trust policy, inline least-privilege policy and managed attachments in
//! line with the spec, and delete it (detaching and removing policies first,
//! as IAM requires). A role the user supplied never comes here.

use super::clients::Clients;
use super::error::AwsError;
use super::owner::{self, Deleted, Foreign};
use aws_sdk_iam::types::Tag;
use std::collections::{BTreeMap, BTreeSet};

/// Name of the inline policy we put on the role.
pub const INLINE_POLICY_NAME: &str = "tfsm-execution";

/// What the role should look like.
#[derive(Clone, Debug, PartialEq)]
pub struct RoleSpec {
    pub name: String,
    pub trust_policy: serde_json::Value,
    pub inline_policy: serde_json::Value,
    pub managed_policy_arns: Vec<String>,
    pub tags: BTreeMap<String, String>,
}

/// A role that exists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Role {
    pub name: String,
    pub arn: String,
}

/// What GetRole says about a role: enough to check ownership and the trust
/// policy.
#[derive(Clone, Debug, PartialEq)]
pub struct RoleDescription {
    pub name: String,
    pub arn: String,
    /// The trust policy, parsed (IAM returns it URL-encoded).
    pub trust_policy: Option<serde_json::Value>,
    pub tags: BTreeMap<String, String>,
}

/// A policy document as IAM returns it (URL-encoded JSON, or plain JSON from
/// some emulators), parsed.
pub(crate) fn parse_document(text: &str) -> Option<serde_json::Value> {
    serde_json::from_str(text).ok().or_else(|| {
        let decoded = percent_encoding::percent_decode_str(text)
            .decode_utf8()
            .ok()?;
        serde_json::from_str(&decoded).ok()
    })
}

/// IAM tags as a map.
pub(crate) fn tag_map(tags: &[aws_sdk_iam::types::Tag]) -> BTreeMap<String, String> {
    tags.iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect()
}

/// GetRole; `Ok(None)` when it does not exist.
pub(crate) async fn describe(c: &Clients, name: &str) -> Result<Option<RoleDescription>, AwsError> {
    tracing::debug!(name, "iam:GetRole");
    match c.iam.get_role().role_name(name).send().await {
        Ok(out) => Ok(out.role().map(|r| RoleDescription {
            name: r.role_name().to_string(),
            arn: r.arn().to_string(),
            trust_policy: r.assume_role_policy_document().and_then(parse_document),
            tags: tag_map(r.tags()),
        })),
        Err(e) => {
            let e = AwsError::from_sdk("GetRole", e);
            if e.is_not_found() { Ok(None) } else { Err(e) }
        }
    }
}

/// GetRole reduced to name and ARN; `Ok(None)` when it does not exist.
pub async fn find(c: &Clients, name: &str) -> Result<Option<Role>, AwsError> {
    Ok(describe(c, name).await?.map(|r| Role {
        name: r.name,
        arn: r.arn,
    }))
}

/// The document of one inline policy (GetRolePolicy); `Ok(None)` when the
/// role or the policy does not exist.
pub(crate) async fn inline_policy(
    c: &Clients,
    role: &str,
    policy: &str,
) -> Result<Option<serde_json::Value>, AwsError> {
    tracing::debug!(role, policy, "iam:GetRolePolicy");
    match c
        .iam
        .get_role_policy()
        .role_name(role)
        .policy_name(policy)
        .send()
        .await
    {
        Ok(out) => Ok(parse_document(out.policy_document())),
        Err(e) => {
            let e = AwsError::from_sdk("GetRolePolicy", e);
            if e.is_not_found() { Ok(None) } else { Err(e) }
        }
    }
}

/// The role name at the end of a role ARN (`arn:...:role/path/name`).
pub(crate) fn name_of_arn(arn: &str) -> Option<&str> {
    arn.split_once(":role/")
        .map(|(_, rest)| rest.rsplit('/').next().unwrap_or(rest))
}

/// Adds (or overwrites) tags on the role (TagRole).
pub(crate) async fn add_tags(
    c: &Clients,
    name: &str,
    tags: &BTreeMap<String, String>,
) -> Result<(), AwsError> {
    let Some(tags) = iam_tags(tags)? else {
        return Ok(());
    };
    tracing::debug!(name, "iam:TagRole");
    c.iam
        .tag_role()
        .role_name(name)
        .set_tags(Some(tags))
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("TagRole", e))?;
    Ok(())
}

/// Deletes the role only when it carries the mark `owner_id`.
pub(crate) async fn delete_owned(
    c: &Clients,
    name: &str,
    owner_id: &str,
) -> Result<Deleted, AwsError> {
    let Some(r) = describe(c, name).await? else {
        return Ok(Deleted::Gone);
    };
    if !owner::is_owned(&r.tags, owner_id) {
        return Ok(Deleted::NotOurs(Foreign {
            kind: "IAM role",
            name: name.to_string(),
            tags: r.tags,
        }));
    }
    delete(c, name).await?;
    Ok(Deleted::Done)
}

fn iam_tags(tags: &BTreeMap<String, String>) -> Result<Option<Vec<Tag>>, AwsError> {
    if tags.is_empty() {
        return Ok(None);
    }
    tags.iter()
        .map(|(k, v)| {
            Tag::builder()
                .key(k)
                .value(v)
                .build()
                .map_err(|e| AwsError::invalid_request("CreateRole", e.to_string()))
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// Creates the role, or adopts it when it already exists and carries the
/// ownership mark of `spec.tags` (then its trust policy and tags are brought
/// in line); a role without the mark is [`AwsError::Foreign`] and is left
/// untouched. Then puts the inline policy and makes the managed attachments
/// exactly `spec.managed_policy_arns`.
pub async fn ensure(c: &Clients, spec: &RoleSpec) -> Result<Role, AwsError> {
    let trust = spec.trust_policy.to_string();
    let tags = iam_tags(&spec.tags)?;
    tracing::debug!(name = %spec.name, "iam:CreateRole");
    let res = c
        .iam
        .create_role()
        .role_name(&spec.name)
        .assume_role_policy_document(&trust)
        .description("SageMaker execution role managed by terraform-provider-sagemaker")
        .set_tags(tags.clone())
        .send()
        .await;
    let role = match res {
        Ok(out) => out
            .role()
            .map(|r| Role {
                name: r.role_name().to_string(),
                arn: r.arn().to_string(),
            })
            .ok_or_else(|| AwsError::invalid_request("CreateRole", "no Role in the answer"))?,
        Err(e) => {
            let e = AwsError::from_sdk("CreateRole", e);
            if !e.is_already_exists() {
                return Err(e);
            }
            let Some(existing) = describe(c, &spec.name).await? else {
                return Err(e);
            };
            if !owner::is_owned(&existing.tags, owner::mark_of(&spec.tags)) {
                return Err(AwsError::Foreign(Foreign {
                    kind: "IAM role",
                    name: spec.name.clone(),
                    tags: existing.tags,
                }));
            }
            let role = Role {
                name: existing.name,
                arn: existing.arn,
            };
            let stale: Vec<String> = existing
                .tags
                .keys()
                .filter(|k| !spec.tags.contains_key(*k))
                .cloned()
                .collect();
            if !stale.is_empty() {
                tracing::debug!(name = %spec.name, ?stale, "iam:UntagRole");
                c.iam
                    .untag_role()
                    .role_name(&spec.name)
                    .set_tag_keys(Some(stale))
                    .send()
                    .await
                    .map_err(|e| AwsError::from_sdk("UntagRole", e))?;
            }
            tracing::debug!(name = %spec.name, "adopting our own role; iam:UpdateAssumeRolePolicy");
            c.iam
                .update_assume_role_policy()
                .role_name(&spec.name)
                .policy_document(&trust)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk("UpdateAssumeRolePolicy", e))?;
            if tags.is_some() {
                tracing::debug!(name = %spec.name, "iam:TagRole");
                c.iam
                    .tag_role()
                    .role_name(&spec.name)
                    .set_tags(tags)
                    .send()
                    .await
                    .map_err(|e| AwsError::from_sdk("TagRole", e))?;
            }
            role
        }
    };
    tracing::debug!(name = %spec.name, "iam:PutRolePolicy");
    c.iam
        .put_role_policy()
        .role_name(&spec.name)
        .policy_name(INLINE_POLICY_NAME)
        .policy_document(spec.inline_policy.to_string())
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("PutRolePolicy", e))?;
    let attached = attached_policies(c, &spec.name).await?;
    let wanted: BTreeSet<&String> = spec.managed_policy_arns.iter().collect();
    for arn in wanted.iter().filter(|a| !attached.contains(**a)) {
        tracing::debug!(name = %spec.name, policy = %arn, "iam:AttachRolePolicy");
        c.iam
            .attach_role_policy()
            .role_name(&spec.name)
            .policy_arn(*arn)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("AttachRolePolicy", e))?;
    }
    for arn in attached.iter().filter(|a| !wanted.contains(a)) {
        detach(c, &spec.name, arn).await?;
    }
    Ok(role)
}

/// ARNs of the managed policies attached to the role (all pages).
pub async fn attached_policies(c: &Clients, name: &str) -> Result<BTreeSet<String>, AwsError> {
    let mut out = BTreeSet::new();
    let mut marker: Option<String> = None;
    let mut pages = super::paging::Pager::new("ListAttachedRolePolicies");
    loop {
        tracing::debug!(name, "iam:ListAttachedRolePolicies");
        let page = c
            .iam
            .list_attached_role_policies()
            .role_name(name)
            .set_marker(marker.take())
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("ListAttachedRolePolicies", e))?;
        out.extend(
            page.attached_policies()
                .iter()
                .filter_map(|p| p.policy_arn().map(str::to_string)),
        );
        match pages.next(page.marker().filter(|_| page.is_truncated()))? {
            Some(m) => marker = Some(m),
            None => return Ok(out),
        }
    }
}

/// Names of the role's inline policies (all pages).
async fn inline_policies(c: &Clients, name: &str) -> Result<Vec<String>, AwsError> {
    let mut out = Vec::new();
    let mut marker: Option<String> = None;
    let mut pages = super::paging::Pager::new("ListRolePolicies");
    loop {
        tracing::debug!(name, "iam:ListRolePolicies");
        let page = c
            .iam
            .list_role_policies()
            .role_name(name)
            .set_marker(marker.take())
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("ListRolePolicies", e))?;
        out.extend(page.policy_names().iter().cloned());
        match pages.next(page.marker().filter(|_| page.is_truncated()))? {
            Some(m) => marker = Some(m),
            None => return Ok(out),
        }
    }
}

async fn detach(c: &Clients, name: &str, arn: &str) -> Result<(), AwsError> {
    tracing::debug!(name, policy = arn, "iam:DetachRolePolicy");
    match c
        .iam
        .detach_role_policy()
        .role_name(name)
        .policy_arn(arn)
        .send()
        .await
    {
        Ok(_) => Ok(()),
        Err(e) => {
            let e = AwsError::from_sdk("DetachRolePolicy", e);
            if e.is_not_found() { Ok(()) } else { Err(e) }
        }
    }
}

/// Detaches the managed policies, deletes the inline ones, then the role. A
/// missing role counts as deleted.
pub async fn delete(c: &Clients, name: &str) -> Result<(), AwsError> {
    let gone = |e: AwsError| if e.is_not_found() { Ok(()) } else { Err(e) };
    let attached = match attached_policies(c, name).await {
        Ok(a) => a,
        Err(e) => return gone(e),
    };
    for arn in &attached {
        detach(c, name, arn).await?;
    }
    let inline = match inline_policies(c, name).await {
        Ok(p) => p,
        Err(e) => return gone(e),
    };
    for policy in &inline {
        tracing::debug!(name, policy, "iam:DeleteRolePolicy");
        if let Err(e) = c
            .iam
            .delete_role_policy()
            .role_name(name)
            .policy_name(policy)
            .send()
            .await
        {
            gone(AwsError::from_sdk("DeleteRolePolicy", e))?;
        }
    }
    tracing::debug!(name, "iam:DeleteRole");
    match c.iam.delete_role().role_name(name).send().await {
        Ok(_) => Ok(()),
        Err(e) => gone(AwsError::from_sdk("DeleteRole", e)),
    }
}
