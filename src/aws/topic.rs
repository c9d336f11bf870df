//! The SNS topics of asynchronous inference: encrypted with the AWS-managed
//! key `alias/aws/sns`, with a policy denying `sns:Publish` over plain HTTP.
//! CreateTopic is idempotent for a name with the same attributes, so it would
//! silently hand back somebody else's topic: ensuring a topic therefore
//! looks at the existing one's tags first and adopts only our own.

use super::clients::Clients;
use super::error::AwsError;
use super::owner::{self, Deleted, Foreign};
use aws_sdk_sns::types::Tag;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The KMS key the topics are encrypted with.
pub(crate) const KMS_KEY: &str = "alias/aws/sns";

/// The topic policy: deny publishing unless over TLS.
pub(crate) fn topic_policy(arn: &str) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "DenyPublishWithoutTls",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "sns:Publish",
            "Resource": arn,
            "Condition": { "Bool": { "aws:SecureTransport": "false" } }
        }]
    })
}

/// Creates the topic `name` (whose ARN is `arn`) encrypted with
/// [`KMS_KEY`], with its tags, then sets its policy; returns its ARN. A topic
/// that already exists is adopted only when it carries the ownership mark of
/// `tags`: then its encryption, policy and tags are put back as they should
/// be (a repair). Without the mark it is [`AwsError::Foreign`] and untouched.
pub async fn ensure(
    c: &Clients,
    name: &str,
    arn: &str,
    tags: &BTreeMap<String, String>,
) -> Result<String, AwsError> {
    let arn = match tags_of(c, arn).await? {
        Some(existing) => {
            if !owner::is_owned(&existing, owner::mark_of(tags)) {
                return Err(AwsError::Foreign(Foreign {
                    kind: "SNS topic",
                    name: arn.to_string(),
                    tags: existing,
                }));
            }
            set_attribute(c, arn, "KmsMasterKeyId", KMS_KEY).await?;
            set_tags(c, arn, &existing, tags).await?;
            arn.to_string()
        }
        None => {
            tracing::debug!(name, "sns:CreateTopic");
            let out = c
                .sns
                .create_topic()
                .name(name)
                .attributes("KmsMasterKeyId", KMS_KEY)
                .set_tags(Some(sns_tags(tags)?).filter(|t| !t.is_empty()))
                .send()
                .await
                .map_err(|e| AwsError::from_sdk("CreateTopic", e))?;
            out.topic_arn().map(str::to_string).ok_or_else(|| {
                AwsError::invalid_request("CreateTopic", "no TopicArn in the answer")
            })?
        }
    };
    set_attribute(c, &arn, "Policy", &topic_policy(&arn).to_string()).await?;
    Ok(arn)
}

async fn set_attribute(c: &Clients, arn: &str, name: &str, value: &str) -> Result<(), AwsError> {
    tracing::debug!(arn, name, "sns:SetTopicAttributes");
    c.sns
        .set_topic_attributes()
        .topic_arn(arn)
        .attribute_name(name)
        .attribute_value(value)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("SetTopicAttributes", e))?;
    Ok(())
}

fn sns_tags(tags: &BTreeMap<String, String>) -> Result<Vec<Tag>, AwsError> {
    tags.iter()
        .map(|(k, v)| {
            Tag::builder()
                .key(k)
                .value(v)
                .build()
                .map_err(|e| AwsError::invalid_request("TagResource", e.to_string()))
        })
        .collect()
}

/// The topic's tags (ListTagsForResource); `Ok(None)` when it does not exist.
pub(crate) async fn tags_of(
    c: &Clients,
    arn: &str,
) -> Result<Option<BTreeMap<String, String>>, AwsError> {
    tracing::debug!(arn, "sns:ListTagsForResource");
    match c
        .sns
        .list_tags_for_resource()
        .resource_arn(arn)
        .send()
        .await
    {
        Ok(out) => Ok(Some(
            out.tags()
                .iter()
                .map(|t| (t.key().to_string(), t.value().to_string()))
                .collect(),
        )),
        Err(e) => {
            let e = AwsError::from_sdk("ListTagsForResource", e);
            if e.is_not_found() { Ok(None) } else { Err(e) }
        }
    }
}

/// Moves the topic's tags to `new` only when it carries the mark
/// `owner_id` (read first, so the change starts from what is really
/// there); `Ok(false)` when it is gone or not ours, which is left alone.
pub(crate) async fn retag_owned(
    c: &Clients,
    arn: &str,
    owner_id: &str,
    new: &BTreeMap<String, String>,
) -> Result<bool, AwsError> {
    match tags_of(c, arn).await? {
        Some(current) if owner::is_owned(&current, owner_id) => {
            set_tags(c, arn, &current, new).await?;
            Ok(true)
        }
        _ => Ok(false),
    }
}

/// Deletes the topic only when it carries the mark `owner_id`.
pub(crate) async fn delete_owned(
    c: &Clients,
    arn: &str,
    owner_id: &str,
) -> Result<Deleted, AwsError> {
    let Some(tags) = tags_of(c, arn).await? else {
        return Ok(Deleted::Gone);
    };
    if !owner::is_owned(&tags, owner_id) {
        return Ok(Deleted::NotOurs(Foreign {
            kind: "SNS topic",
            name: arn.to_string(),
            tags,
        }));
    }
    delete(c, arn).await?;
    Ok(Deleted::Done)
}

/// Moves a topic's tags from `old` to `new`: UntagResource for keys that
/// went, TagResource for keys that are new or changed.
pub(crate) async fn set_tags(
    c: &Clients,
    arn: &str,
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
) -> Result<(), AwsError> {
    let (removed, changed) = super::tag_diff(old, new);
    if !removed.is_empty() {
        tracing::debug!(arn, ?removed, "sns:UntagResource");
        c.sns
            .untag_resource()
            .resource_arn(arn)
            .set_tag_keys(Some(removed))
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("UntagResource", e))?;
    }
    let changed: BTreeMap<String, String> = changed
        .into_iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let changed = sns_tags(&changed)?;
    if !changed.is_empty() {
        tracing::debug!(arn, "sns:TagResource");
        c.sns
            .tag_resource()
            .resource_arn(arn)
            .set_tags(Some(changed))
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("TagResource", e))?;
    }
    Ok(())
}

/// The topic's attributes (GetTopicAttributes); `Ok(None)` when it does not exist.
pub async fn attributes(
    c: &Clients,
    arn: &str,
) -> Result<Option<BTreeMap<String, String>>, AwsError> {
    tracing::debug!(arn, "sns:GetTopicAttributes");
    match c.sns.get_topic_attributes().topic_arn(arn).send().await {
        Ok(out) => Ok(Some(
            out.attributes()
                .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default(),
        )),
        Err(e) => {
            let e = AwsError::from_sdk("GetTopicAttributes", e);
            if e.is_not_found() { Ok(None) } else { Err(e) }
        }
    }
}

/// What drift compares on a topic.
#[derive(Debug, Clone, PartialEq)]
pub struct TopicDescription {
    /// `KmsMasterKeyId`: the key that encrypts the topic, if any.
    pub kms_key: Option<String>,
    /// The access policy, parsed; `None` when absent or unreadable.
    pub policy: Option<serde_json::Value>,
}

/// The topic's encryption key and access policy (GetTopicAttributes);
/// `Ok(None)` when it does not exist.
pub async fn describe(c: &Clients, arn: &str) -> Result<Option<TopicDescription>, AwsError> {
    Ok(attributes(c, arn).await?.map(|mut attrs| TopicDescription {
        kms_key: attrs.remove("KmsMasterKeyId"),
        policy: attrs
            .remove("Policy")
            .and_then(|p| super::role::parse_document(&p)),
    }))
}

/// Whether the topic exists (GetTopicAttributes).
pub async fn exists(c: &Clients, arn: &str) -> Result<bool, AwsError> {
    Ok(attributes(c, arn).await?.is_some())
}

/// DeleteTopic; a missing topic counts as deleted.
pub async fn delete(c: &Clients, arn: &str) -> Result<(), AwsError> {
    tracing::debug!(arn, "sns:DeleteTopic");
    match c.sns.delete_topic().topic_arn(arn).send().await {
        Ok(_) => Ok(()),
        Err(e) => {
            let e = AwsError::from_sdk("DeleteTopic", e);
            if e.is_not_found() { Ok(()) } else { Err(e) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_denies_plain_http_publish_on_this_topic() {
        let p = topic_policy("arn:aws:sns:us-east-1:123456789012:t");
        let s = &p["Statement"][0];
        assert_eq!(s["Effect"], "Deny");
        assert_eq!(s["Action"], "sns:Publish");
        assert_eq!(s["Resource"], "arn:aws:sns:us-east-1:123456789012:t");
        assert_eq!(s["Condition"]["Bool"]["aws:SecureTransport"], "false");
    }
}
