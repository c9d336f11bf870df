//! CloudWatch Logs: the endpoint's log group
//! `/aws/sagemaker/Endpoints/<endpoint>`, made before the endpoint so that
//! SageMaker writes into a group with the configured retention (and key)
//! instead of creating one that never expires. One find, an ensure that
//! adopts only a group carrying the caller's ownership mark, retention and
//! key settings, a release that takes our mark off (the logs stay), and an
//! owned delete.

use super::clients::Clients;
use super::error::AwsError;
use super::owner::{self, Deleted, Foreign};
use std::collections::BTreeMap;

/// What the group should be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogGroupSpec {
    pub name: String,
    pub retention_in_days: i32,
    pub kms_key_id: Option<String>,
    pub tags: BTreeMap<String, String>,
}

/// What DescribeLogGroups says about a group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogGroup {
    pub name: String,
    /// Without the `:*` suffix DescribeLogGroups adds.
    pub arn: String,
    pub retention_in_days: Option<i32>,
    pub kms_key_id: Option<String>,
}

/// DescribeLogGroups by prefix, then the exact name; `Ok(None)` when
/// there is no such group.
pub async fn find(c: &Clients, name: &str) -> Result<Option<LogGroup>, AwsError> {
    tracing::debug!(name, "logs:DescribeLogGroups");
    let out = c
        .logs
        .describe_log_groups()
        .log_group_name_prefix(name)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("DescribeLogGroups", e))?;
    Ok(out
        .log_groups()
        .iter()
        .find(|g| g.log_group_name() == Some(name))
        .map(|g| LogGroup {
            name: name.to_string(),
            arn: g
                .arn()
                .unwrap_or_default()
                .trim_end_matches(":*")
                .to_string(),
            retention_in_days: g.retention_in_days(),
            kms_key_id: g.kms_key_id().map(str::to_string),
        }))
}

/// The group's tags (ListTagsForResource).
pub async fn tags_of(c: &Clients, arn: &str) -> Result<BTreeMap<String, String>, AwsError> {
    tracing::debug!(arn, "logs:ListTagsForResource");
    let out = c
        .logs
        .list_tags_for_resource()
        .resource_arn(arn)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("ListTagsForResource", e))?;
    Ok(out
        .tags()
        .map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default())
}

/// Creates the group with its retention, key and tags, or puts them back
/// on a group of that name that carries the ownership mark of
/// `spec.tags`; a group without the mark is [`AwsError::Foreign`] and
/// untouched. Returns the group as it now is.
pub async fn ensure(c: &Clients, spec: &LogGroupSpec) -> Result<LogGroup, AwsError> {
    match mine(c, &spec.name, owner::mark_of(&spec.tags)).await? {
        Some((_, Err(f))) => return Err(AwsError::Foreign(f)),
        Some((g, Ok(()))) => {
            tag(c, &g.arn, &spec.tags).await?;
            if g.kms_key_id != spec.kms_key_id {
                set_key(c, &spec.name, spec.kms_key_id.as_deref()).await?;
            }
        }
        None => {
            tracing::debug!(name = %spec.name, "logs:CreateLogGroup");
            c.logs
                .create_log_group()
                .log_group_name(&spec.name)
                .set_kms_key_id(spec.kms_key_id.clone())
                .set_tags((!spec.tags.is_empty()).then(|| spec.tags.clone().into_iter().collect()))
                .send()
                .await
                .map_err(|e| AwsError::from_sdk("CreateLogGroup", e))?;
        }
    }
    set_retention(c, &spec.name, spec.retention_in_days).await?;
    find(c, &spec.name).await?.ok_or_else(|| {
        AwsError::invalid_request(
            "CreateLogGroup",
            "the log group is not there after creation",
        )
    })
}

/// PutRetentionPolicy.
pub async fn set_retention(c: &Clients, name: &str, days: i32) -> Result<(), AwsError> {
    tracing::debug!(name, days, "logs:PutRetentionPolicy");
    c.logs
        .put_retention_policy()
        .log_group_name(name)
        .retention_in_days(days)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("PutRetentionPolicy", e))?;
    Ok(())
}

/// AssociateKmsKey, or DisassociateKmsKey for `None`.
pub async fn set_key(c: &Clients, name: &str, key: Option<&str>) -> Result<(), AwsError> {
    match key {
        Some(k) => {
            tracing::debug!(name, "logs:AssociateKmsKey");
            c.logs
                .associate_kms_key()
                .log_group_name(name)
                .kms_key_id(k)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk("AssociateKmsKey", e))?;
        }
        None => {
            tracing::debug!(name, "logs:DisassociateKmsKey");
            c.logs
                .disassociate_kms_key()
                .log_group_name(name)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk("DisassociateKmsKey", e))?;
        }
    }
    Ok(())
}

/// TagResource (adds or overwrites `tags`).
pub(crate) async fn tag(
    c: &Clients,
    arn: &str,
    tags: &BTreeMap<String, String>,
) -> Result<(), AwsError> {
    if tags.is_empty() {
        return Ok(());
    }
    tracing::debug!(arn, "logs:TagResource");
    c.logs
        .tag_resource()
        .resource_arn(arn)
        .set_tags(Some(tags.clone().into_iter().collect()))
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("TagResource", e))?;
    Ok(())
}

/// The group `name` and whether it carries the mark `owner_id` (`Err`
/// naming it and its tags when not); `Ok(None)` when there is none.
async fn mine(
    c: &Clients,
    name: &str,
    owner_id: &str,
) -> Result<Option<(LogGroup, Result<(), Foreign>)>, AwsError> {
    let Some(g) = find(c, name).await? else {
        return Ok(None);
    };
    let tags = tags_of(c, &g.arn).await?;
    let verdict = if owner::is_owned(&tags, owner_id) {
        Ok(())
    } else {
        Err(Foreign {
            kind: "log group",
            name: name.to_string(),
            tags,
        })
    };
    Ok(Some((g, verdict)))
}

/// Stops owning the group `name` when it carries the mark `owner_id`: our
/// ownership tags come off and the logs stay. A group without the mark, or
/// none, is left as it is.
pub async fn release(c: &Clients, name: &str, owner_id: &str) -> Result<(), AwsError> {
    let Some((g, Ok(()))) = mine(c, name, owner_id).await? else {
        return Ok(());
    };
    tracing::debug!(name, "logs:UntagResource");
    c.logs
        .untag_resource()
        .resource_arn(&g.arn)
        .tag_keys(owner::OWNER_TAG)
        .tag_keys(owner::ENDPOINT_TAG)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("UntagResource", e))?;
    Ok(())
}

/// Deletes the group only when it carries the mark `owner_id`.
pub(crate) async fn delete_owned(
    c: &Clients,
    name: &str,
    owner_id: &str,
) -> Result<Deleted, AwsError> {
    match mine(c, name, owner_id).await? {
        None => return Ok(Deleted::Gone),
        Some((_, Err(f))) => return Ok(Deleted::NotOurs(f)),
        Some((_, Ok(()))) => {}
    }
    tracing::debug!(name, "logs:DeleteLogGroup");
    match c.logs.delete_log_group().log_group_name(name).send().await {
        Ok(_) => Ok(Deleted::Done),
        Err(e) => {
            let e = AwsError::from_sdk("DeleteLogGroup", e);
            if e.is_not_found() {
                Ok(Deleted::Gone)
            } else {
                Err(e)
            }
        }
    }
}
