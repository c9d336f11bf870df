//! The SNS topics of asynchronous inference: encrypted with the AWS-managed
//! key `alias/aws/sns`, with a policy denying `sns:Publish` over plain HTTP.
//! CreateTopic is idempotent for a name with the same attributes, so ensuring
//! a topic twice returns the same ARN.

use super::clients::Clients;
use super::error::AwsError;
use aws_sdk_sns::types::Tag;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The KMS key the topics are encrypted with.
pub const KMS_KEY: &str = "alias/aws/sns";

/// The topic policy: deny publishing unless over TLS.
pub fn topic_policy(arn: &str) -> Value {
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

/// Creates the topic (or finds it, CreateTopic being idempotent), sets its
/// policy and tags; returns its ARN.
pub async fn ensure(
    c: &Clients,
    name: &str,
    tags: &BTreeMap<String, String>,
) -> Result<String, AwsError> {
    tracing::debug!(name, "sns:CreateTopic");
    let out = c
        .sns
        .create_topic()
        .name(name)
        .attributes("KmsMasterKeyId", KMS_KEY)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("CreateTopic", e))?;
    let arn = out
        .topic_arn()
        .map(str::to_string)
        .ok_or_else(|| AwsError::invalid_request("CreateTopic", "no TopicArn in the answer"))?;
    tracing::debug!(arn, "sns:SetTopicAttributes Policy");
    c.sns
        .set_topic_attributes()
        .topic_arn(&arn)
        .attribute_name("Policy")
        .attribute_value(topic_policy(&arn).to_string())
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("SetTopicAttributes", e))?;
    set_tags(c, &arn, &BTreeMap::new(), tags).await?;
    Ok(arn)
}

/// Moves a topic's tags from `old` to `new`: UntagResource for keys that
/// went, TagResource for keys that are new or changed.
pub async fn set_tags(
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
    let changed = changed
        .into_iter()
        .map(|(k, v)| {
            Tag::builder()
                .key(k)
                .value(v)
                .build()
                .map_err(|e| AwsError::invalid_request("TagResource", e.to_string()))
        })
        .collect::<Result<Vec<_>, _>>()?;
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
