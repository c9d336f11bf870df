//! Ownership marks: how the provider tells its own objects from everyone
//! else's.
//!
//! Every object a `sagemaker_custom_endpoint` creates carries two tags: the
//! endpoint name ([`ENDPOINT_TAG`], for people reading the console) and the
//! resource instance's random `ownership_id` ([`OWNER_TAG`]). Two Terraform
//! states that declare the same `endpoint_name` derive the same object
//! names, but never the same `ownership_id`, so the second one can tell that
//! the objects are not its own. Creates adopt an existing object only when
//! it carries this instance's [`OWNER_TAG`]; owned deletes refuse objects
//! without it.

use std::collections::BTreeMap;

/// Tag naming the endpoint an object was made for (informational).
pub(crate) const ENDPOINT_TAG: &str = "tfsm:endpoint";
/// Tag holding the `ownership_id` of the resource instance that owns the
/// object: the mark every create, update and delete checks.
pub const OWNER_TAG: &str = "tfsm:owner";

/// An object that exists under a name we wanted but is not ours.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Foreign {
    /// What kind of object: "endpoint", "model", "IAM role", ...
    pub kind: &'static str,
    /// Its name (the ARN for topics).
    pub name: String,
    /// Its tags, as AWS reports them (who appears to own it).
    pub tags: BTreeMap<String, String>,
}

impl Foreign {
    /// Who the tags say owns the object, in words.
    pub(crate) fn owner_hint(&self) -> String {
        match (self.tags.get(OWNER_TAG), self.tags.get(ENDPOINT_TAG)) {
            (Some(id), _) => format!(
                "another sagemaker_custom_endpoint resource (ownership_id {id}), in another \
                 Terraform state or from an apply whose state was lost"
            ),
            (None, Some(_)) => "an earlier version of this provider".to_string(),
            (None, None)
                if self
                    .tags
                    .keys()
                    .any(|k| k.starts_with("aws:cloudformation:")) =>
            {
                "a CloudFormation or CDK stack".to_string()
            }
            (None, None) => "something outside this Terraform configuration".to_string(),
        }
    }

    /// The tags as `k=v, ...` (or "no tags").
    pub(crate) fn tag_list(&self) -> String {
        tag_list(&self.tags)
    }
}

impl std::fmt::Display for Foreign {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} already exists and is not owned by this resource (tags: {}); it appears to \
             belong to {}",
            self.kind,
            self.name,
            self.tag_list(),
            self.owner_hint()
        )
    }
}

/// Tags as `k=v, ...` (or "no tags"), for messages.
pub(crate) fn tag_list(tags: &BTreeMap<String, String>) -> String {
    if tags.is_empty() {
        return "no tags".to_string();
    }
    tags.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// True when `tags` carry the mark `owner`. An empty owner owns nothing.
pub(crate) fn is_owned(tags: &BTreeMap<String, String>, owner: &str) -> bool {
    !owner.is_empty() && tags.get(OWNER_TAG).map(String::as_str) == Some(owner)
}

/// The owner mark a set of tags to be written carries ("" when none).
pub(crate) fn mark_of(tags: &BTreeMap<String, String>) -> &str {
    tags.get(OWNER_TAG).map(String::as_str).unwrap_or_default()
}

/// What an owned delete did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Deleted {
    /// It was ours and is deleted (or being deleted).
    Done,
    /// It did not exist.
    Gone,
    /// It exists without our mark: left alone.
    NotOurs(Foreign),
}

/// A fresh `ownership_id`: 16 random bytes from the system's secure
/// generator, as 32 hex digits.
pub(crate) fn new_ownership_id() -> Result<String, String> {
    let mut bytes = [0u8; 16];
    rustls::crypto::aws_lc_rs::default_provider()
        .secure_random
        .fill(&mut bytes)
        .map_err(|_| "the system's random number generator failed".to_string())?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn only_the_exact_mark_owns() {
        let t = tags(&[(OWNER_TAG, "abc"), (ENDPOINT_TAG, "e")]);
        assert!(is_owned(&t, "abc"));
        assert!(!is_owned(&t, "abd"));
        assert!(!is_owned(&t, ""));
        assert!(!is_owned(&tags(&[(ENDPOINT_TAG, "e")]), "abc"));
        assert!(!is_owned(&BTreeMap::new(), ""));
    }

    #[test]
    fn ownership_ids_are_random_hex() {
        let a = new_ownership_id().unwrap();
        let b = new_ownership_id().unwrap();
        assert_eq!(a.len(), 32);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    #[test]
    fn foreign_objects_say_who_seems_to_own_them() {
        let f = Foreign {
            kind: "endpoint",
            name: "prod-llm".into(),
            tags: tags(&[(OWNER_TAG, "x1"), ("team", "a")]),
        };
        let text = f.to_string();
        assert!(text.contains("endpoint prod-llm"), "{text}");
        assert!(text.contains("team=a, tfsm:owner=x1"), "{text}");
        assert!(text.contains("ownership_id x1"), "{text}");
        let cdk = Foreign {
            kind: "model",
            name: "m".into(),
            tags: tags(&[("aws:cloudformation:stack-name", "s")]),
        };
        assert!(cdk.owner_hint().contains("CDK"));
        let bare = Foreign {
            kind: "model",
            name: "m".into(),
            tags: BTreeMap::new(),
        };
        assert!(bare.to_string().contains("no tags"));
    }
}
