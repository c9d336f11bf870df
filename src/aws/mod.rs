//! The AWS layer: everything the provider's resources and actions ask of
//! AWS, one module per kind of object, over the SDK clients in [`clients`].
//!
//! - [`error`]: the [`error::AwsError`] type and its classification;
//! - [`wait`]: the one adaptive wait loop, with cancellation;
//! - [`endpoint`], [`endpoint_config`], [`model`]: SageMaker objects;
//!   [`deployment`]: how UpdateEndpoint rolls a new config out;
//! - [`role`] and [`policy`]: the generated execution role and its
//!   least-privilege policy; [`topic`]: the async-inference SNS topics;
//! - [`scaling`] (Application Auto Scaling target and policies) and
//!   [`alarm`] (CloudWatch alarms): the endpoint's autoscaling; [`logs`]:
//!   the endpoint's log group;
//! - [`runtime`] (InvokeEndpoint, InvokeEndpointAsync) and [`object`] (S3
//!   objects of asynchronous requests): what the action
//!   `sagemaker_invoke_endpoint` calls;
//! - [`dlc`] and [`names`]: pure helpers (DLC image table, partitions, name
//!   rules and deterministic derived names); [`paging`]: the bound on every
//!   pagination loop.
//!
//! Finds are one API call and answer `Ok(None)` for a missing object; deletes
//! treat "not found" as done. Creates adopt an object that already exists
//! under the same (deterministic) name only when it carries the caller's
//! ownership mark ([`owner`]); otherwise they fail with
//! [`error::AwsError::Foreign`] and change nothing. The `*_owned` deletes
//! check the mark the same way.
//!
//! Only the SDK is called here: the resource reads AWS through these
//! modules' typed descriptions and [`error::AwsError`], never SDK types
//! (bar [`endpoint::EndpointStatus`], the SDK's enum re-exported).
//!
//! Visibility: `pub` is kept for what code outside the crate uses, which is
//! the integration tests (tests/life, tests/sim, tests/aws_common driving
//! finds, creates, waits and deletes against the sandbox) and the types the
//! resource's public `EndpointSpec` and `ImageError` carry
//! (`deployment::DeploymentSpec`, `dlc::DlcError`). Everything else is
//! `pub(crate)`, so that rustc reports what nothing uses.

pub(crate) mod alarm;
pub mod clients;
pub mod deployment;
pub mod dlc;
pub mod endpoint;
pub mod endpoint_config;
pub mod error;
pub mod logs;
pub mod model;
pub mod names;
pub mod object;
pub mod owner;
pub mod policy;
pub mod role;
pub mod runtime;
pub(crate) mod scaling;
pub mod shared_reads;
pub mod topic;
pub mod wait;

pub mod paging;

use std::collections::BTreeMap;

/// Tag put on every object the provider creates; its value is the endpoint
/// name. The mark that decides ownership is [`owner::OWNER_TAG`].
pub const OWNERSHIP_TAG: &str = owner::ENDPOINT_TAG;

/// What moving an object's tags from `old` to `new` takes: the keys to
/// remove, and the tags to add or overwrite. Shared by every tagging API.
pub(crate) fn tag_diff<'a>(
    old: &BTreeMap<String, String>,
    new: &'a BTreeMap<String, String>,
) -> (Vec<String>, Vec<(&'a String, &'a String)>) {
    let removed = old
        .keys()
        .filter(|k| !new.contains_key(*k))
        .cloned()
        .collect();
    let changed = new.iter().filter(|(k, v)| old.get(*k) != Some(v)).collect();
    (removed, changed)
}

#[cfg(test)]
mod tests {
    use super::clients::Clients;
    use super::wait::Cancel;
    use std::collections::BTreeMap;
    use std::time::Duration;

    #[test]
    fn tag_diff_lists_removed_keys_and_new_or_changed_tags() {
        let t = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let old = t(&[("a", "1"), ("b", "2"), ("c", "3")]);
        let new = t(&[("b", "2"), ("c", "30"), ("d", "4")]);
        let (removed, changed) = super::tag_diff(&old, &new);
        assert_eq!(removed, vec!["a".to_string()]);
        let changed: Vec<(&str, &str)> = changed
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(changed, vec![("c", "30"), ("d", "4")]);
    }

    /// Compile-time check: the futures of the AWS layer are `Send`, so the
    /// gRPC handlers (and `tokio::spawn`) can hold them.
    #[allow(dead_code)]
    fn futures_are_send(
        c: &Clients,
        cancel: &Cancel,
        m: &super::model::ModelSpec,
        e: &super::endpoint_config::EndpointConfigSpec,
        r: &super::role::RoleSpec,
    ) {
        fn send<T: Send>(_: T) {}
        let tags = BTreeMap::new();
        let t = Duration::from_secs(1);
        send(c.account_id());
        send(super::model::create(c, m, t, cancel));
        send(super::model::describe(c, "m"));
        send(super::endpoint_config::create(c, e));
        send(super::endpoint_config::describe(c, "e"));
        send(super::endpoint::create(c, "e", "c", &tags));
        send(super::endpoint::wait_in_service(
            c,
            "e",
            Some("c"),
            t,
            cancel,
        ));
        send(super::endpoint::wait_deleted(c, "e", t, cancel));
        send(super::endpoint::set_tags(c, "arn", &tags, &tags));
        send(super::role::ensure(c, r));
        send(super::role::delete(c, "r"));
        send(super::topic::ensure(c, "t", "arn", &tags));
        send(super::topic::delete(c, "arn"));
    }
}
