//! SageMaker endpoints: find, create (adopting), update to a new config,
//! delete, the two waits (InService, gone) and tags. The tag helpers work for
//! any SageMaker ARN (models and configs too).

use super::clients::Clients;
use super::deployment::DeploymentSpec;
use super::error::AwsError;
use super::owner::{self, Foreign};
use super::wait::{Cancel, Probe, wait_until};
use aws_sdk_sagemaker::types::{
    DesiredWeightAndCapacity, ProductionVariantServerlessConfig,
    ProductionVariantServerlessUpdateConfig, Tag,
};
use std::collections::BTreeMap;
use std::time::Duration;

/// The SDK's endpoint status, re-exported: the resource compares statuses
/// as this enum and spells them (`as_str`, `Display`) only where a user
/// sees them. A status this SDK does not know is `Unknown` and reads back
/// as AWS spelled it.
pub use aws_sdk_sagemaker::types::EndpointStatus;

/// Statuses that end by themselves: an update or delete waits them out.
pub(crate) fn is_transitional(status: &EndpointStatus) -> bool {
    matches!(
        status,
        EndpointStatus::Creating
            | EndpointStatus::Updating
            | EndpointStatus::SystemUpdating
            | EndpointStatus::RollingBack
    )
}

/// A variant's `ServerlessConfig`, of a config (CreateEndpointConfig) or of
/// a live endpoint (DescribeEndpoint).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ServerlessSpec {
    pub memory_size_in_mb: i32,
    pub max_concurrency: i32,
    pub provisioned_concurrency: Option<i32>,
}

/// A `ServerlessConfig` as AWS describes it.
pub(crate) fn serverless_of(s: &ProductionVariantServerlessConfig) -> ServerlessSpec {
    ServerlessSpec {
        memory_size_in_mb: s.memory_size_in_mb().unwrap_or_default(),
        max_concurrency: s.max_concurrency().unwrap_or_default(),
        provisioned_concurrency: s.provisioned_concurrency(),
    }
}

/// What DescribeEndpoint says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    pub name: String,
    pub arn: String,
    /// AWS always sends one; a missing one reads as `Unknown("")`.
    pub status: EndpointStatus,
    /// The config the endpoint is serving (or moving to).
    pub config_name: String,
    pub failure_reason: Option<String>,
    /// Of the first (only) variant.
    pub current_instance_count: Option<i32>,
    pub desired_instance_count: Option<i32>,
    /// The serverless config asked for (else the one in effect) of a
    /// serverless variant.
    pub serverless: Option<ServerlessSpec>,
}

/// The capacity of the variant, as UpdateEndpointWeightsAndCapacities sets
/// it without a new config.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Capacity {
    /// The instance count of an instance-backed variant.
    Instances(i32),
    /// The concurrency of a serverless variant.
    Serverless {
        max_concurrency: i32,
        provisioned_concurrency: Option<i32>,
    },
}

impl Endpoint {
    /// The capacity the variant is asked to have: its serverless
    /// concurrency, else its desired (or current) instance count.
    pub fn capacity(&self) -> Option<Capacity> {
        match &self.serverless {
            Some(s) => Some(Capacity::Serverless {
                max_concurrency: s.max_concurrency,
                provisioned_concurrency: s.provisioned_concurrency,
            }),
            None => self
                .desired_instance_count
                .or(self.current_instance_count)
                .map(Capacity::Instances),
        }
    }
}

/// Our tags as SageMaker `Tag`s; `None` when there are none.
pub(crate) fn sagemaker_tags(tags: &BTreeMap<String, String>) -> Option<Vec<Tag>> {
    (!tags.is_empty()).then(|| {
        tags.iter()
            .map(|(k, v)| Tag::builder().key(k).value(v).build())
            .collect()
    })
}

/// DescribeEndpoint; `Ok(None)` when it does not exist.
pub async fn find(c: &Clients, name: &str) -> Result<Option<Endpoint>, AwsError> {
    tracing::debug!(name, "sagemaker:DescribeEndpoint");
    let out = match c
        .sagemaker
        .describe_endpoint()
        .endpoint_name(name)
        .send()
        .await
    {
        Ok(o) => o,
        Err(e) => {
            let e = AwsError::from_sdk("DescribeEndpoint", e);
            return if e.is_not_found() { Ok(None) } else { Err(e) };
        }
    };
    let variant = out.production_variants().first();
    Ok(Some(Endpoint {
        name: out.endpoint_name().unwrap_or(name).to_string(),
        arn: out.endpoint_arn().unwrap_or_default().to_string(),
        status: out
            .endpoint_status()
            .cloned()
            .unwrap_or_else(|| EndpointStatus::from("")),
        config_name: out.endpoint_config_name().unwrap_or_default().to_string(),
        failure_reason: out.failure_reason().map(str::to_string),
        current_instance_count: variant.and_then(|v| v.current_instance_count()),
        desired_instance_count: variant.and_then(|v| v.desired_instance_count()),
        serverless: variant
            .and_then(|v| {
                v.desired_serverless_config()
                    .or(v.current_serverless_config())
            })
            .map(serverless_of),
    }))
}

/// CreateEndpoint; returns the ARN. An endpoint that already exists under
/// this name is adopted (its ARN returned, the caller then waits on it) only
/// when it carries the ownership mark of `tags`; otherwise the answer is
/// [`AwsError::Foreign`] and nothing is changed.
pub async fn create(
    c: &Clients,
    name: &str,
    config_name: &str,
    tags: &BTreeMap<String, String>,
) -> Result<String, AwsError> {
    tracing::debug!(name, config_name, "sagemaker:CreateEndpoint");
    let res = c
        .sagemaker
        .create_endpoint()
        .endpoint_name(name)
        .endpoint_config_name(config_name)
        .set_tags(sagemaker_tags(tags))
        .send()
        .await;
    match res {
        Ok(out) => Ok(out.endpoint_arn().unwrap_or_default().to_string()),
        Err(e) => {
            let e = AwsError::from_sdk("CreateEndpoint", e);
            if e.is_already_exists()
                && let Some(ep) = find(c, name).await?
            {
                adopt_if_owned(c, "endpoint", name, &ep.arn, tags).await?;
                tracing::debug!(name, "adopting our own existing endpoint");
                return Ok(ep.arn);
            }
            Err(e)
        }
    }
}

/// UpdateEndpoint to `config_name` (traffic moves without downtime).
pub async fn update(
    c: &Clients,
    name: &str,
    config_name: &str,
    retain_variant_properties: bool,
) -> Result<(), AwsError> {
    update_with(c, name, config_name, retain_variant_properties, None).await
}

/// UpdateEndpoint to `config_name`, rolled out as `deployment` says (else
/// SageMaker's default). `retain_variant_properties` keeps the live
/// instance count and weight (RetainAllVariantProperties) instead of the
/// new config's initial values: what an autoscaled endpoint needs.
pub(crate) async fn update_with(
    c: &Clients,
    name: &str,
    config_name: &str,
    retain_variant_properties: bool,
    deployment: Option<&DeploymentSpec>,
) -> Result<(), AwsError> {
    tracing::debug!(name, config_name, "sagemaker:UpdateEndpoint");
    c.sagemaker
        .update_endpoint()
        .endpoint_name(name)
        .endpoint_config_name(config_name)
        .retain_all_variant_properties(retain_variant_properties)
        .set_deployment_config(deployment.map(DeploymentSpec::to_sdk))
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("UpdateEndpoint", e))?;
    Ok(())
}

/// UpdateEndpointWeightsAndCapacities: sets the desired instance count or
/// serverless concurrency of one variant without a new config (as
/// autoscaling does). Follow with [`wait_in_service`].
pub(crate) async fn set_capacity(
    c: &Clients,
    name: &str,
    variant: &str,
    capacity: Capacity,
) -> Result<(), AwsError> {
    tracing::debug!(
        name,
        variant,
        ?capacity,
        "sagemaker:UpdateEndpointWeightsAndCapacities"
    );
    let desired = DesiredWeightAndCapacity::builder().variant_name(variant);
    let desired = match capacity {
        Capacity::Instances(count) => desired.desired_instance_count(count),
        Capacity::Serverless {
            max_concurrency,
            provisioned_concurrency,
        } => desired.serverless_update_config(
            ProductionVariantServerlessUpdateConfig::builder()
                .max_concurrency(max_concurrency)
                .set_provisioned_concurrency(provisioned_concurrency)
                .build(),
        ),
    };
    c.sagemaker
        .update_endpoint_weights_and_capacities()
        .endpoint_name(name)
        .desired_weights_and_capacities(desired.build())
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("UpdateEndpointWeightsAndCapacities", e))?;
    Ok(())
}

/// DeleteEndpoint; a missing endpoint counts as deleted. Deletion is
/// asynchronous: follow with [`wait_deleted`].
pub async fn delete(c: &Clients, name: &str) -> Result<(), AwsError> {
    tracing::debug!(name, "sagemaker:DeleteEndpoint");
    match c
        .sagemaker
        .delete_endpoint()
        .endpoint_name(name)
        .send()
        .await
    {
        Ok(_) => Ok(()),
        Err(e) => {
            let e = AwsError::from_sdk("DeleteEndpoint", e);
            if e.is_not_found() { Ok(()) } else { Err(e) }
        }
    }
}

/// Maps one DescribeEndpoint answer to a step of [`wait_in_service`].
fn in_service_probe(
    what: &str,
    ep: Option<Endpoint>,
    expected_config: Option<&str>,
) -> Result<Probe<Endpoint>, AwsError> {
    let Some(ep) = ep else {
        return Ok(Probe::Failed {
            reason: "the endpoint does not exist (was it deleted?)".into(),
        });
    };
    match &ep.status {
        EndpointStatus::InService => match expected_config {
            Some(want) if !ep.config_name.eq_ignore_ascii_case(want) => Err(AwsError::RolledBack {
                what: what.to_string(),
                reason: ep.failure_reason.clone().unwrap_or_else(|| {
                    format!(
                        "the endpoint is in service on {} instead of {want}",
                        ep.config_name
                    )
                }),
                live_config: ep.config_name,
            }),
            _ => Ok(Probe::Ready(ep)),
        },
        EndpointStatus::Failed => Ok(Probe::Failed {
            reason: ep
                .failure_reason
                .unwrap_or_else(|| "status Failed (no FailureReason given)".into()),
        }),
        EndpointStatus::UpdateRollbackFailed => Ok(Probe::Failed {
            reason: format!(
                "UpdateRollbackFailed (a mix of the old and new config may be serving): {}",
                ep.failure_reason
                    .as_deref()
                    .unwrap_or("no FailureReason given")
            ),
        }),
        EndpointStatus::Deleting => Ok(Probe::Failed {
            reason: "the endpoint is being deleted".into(),
        }),
        other => Ok(Probe::Pending {
            status: other.to_string(),
        }),
    }
}

/// Waits until the endpoint is InService. Failed gives [`AwsError::Failed`]
/// with the FailureReason; InService on another config than
/// `expected_config` (a rollback) gives [`AwsError::RolledBack`].
pub async fn wait_in_service(
    c: &Clients,
    name: &str,
    expected_config: Option<&str>,
    timeout: Duration,
    cancel: &Cancel,
) -> Result<Endpoint, AwsError> {
    let what = format!("endpoint {name}");
    wait_until(&what, timeout, cancel, || {
        let what = &what;
        async move { in_service_probe(what, find(c, name).await?, expected_config) }
    })
    .await
}

/// Waits until DescribeEndpoint says the endpoint does not exist.
pub async fn wait_deleted(
    c: &Clients,
    name: &str,
    timeout: Duration,
    cancel: &Cancel,
) -> Result<(), AwsError> {
    let what = format!("deletion of endpoint {name}");
    wait_until(&what, timeout, cancel, || async move {
        Ok(match find(c, name).await? {
            None => Probe::Ready(()),
            Some(ep) => Probe::Pending {
                status: ep.status.to_string(),
            },
        })
    })
    .await
}

/// After an "already exists": Ok when the SageMaker object at `arn` carries
/// the ownership mark of `wanted` (the tags we would have created it with),
/// [`AwsError::Foreign`] with its tags otherwise.
pub(crate) async fn adopt_if_owned(
    c: &Clients,
    kind: &'static str,
    name: &str,
    arn: &str,
    wanted: &BTreeMap<String, String>,
) -> Result<(), AwsError> {
    let existing = list_tags(c, arn).await?;
    if owner::is_owned(&existing, owner::mark_of(wanted)) {
        Ok(())
    } else {
        Err(AwsError::Foreign(Foreign {
            kind,
            name: name.to_string(),
            tags: existing,
        }))
    }
}

/// The tags of a SageMaker object at `arn` when it is ours (`Ok(Ok)`), or
/// the [`Foreign`] description of it.
pub(crate) async fn check_owned(
    c: &Clients,
    kind: &'static str,
    name: &str,
    arn: &str,
    owner_id: &str,
) -> Result<Result<BTreeMap<String, String>, Foreign>, AwsError> {
    let tags = list_tags(c, arn).await?;
    Ok(if owner::is_owned(&tags, owner_id) {
        Ok(tags)
    } else {
        Err(Foreign {
            kind,
            name: name.to_string(),
            tags,
        })
    })
}

/// ListTags of any SageMaker ARN; `Ok(None)` when the object is gone.
pub(crate) async fn tags_if_exists(
    c: &Clients,
    arn: &str,
) -> Result<Option<BTreeMap<String, String>>, AwsError> {
    match list_tags(c, arn).await {
        Ok(t) => Ok(Some(t)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// One endpoint as ListEndpoints shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointSummary {
    pub name: String,
    pub arn: String,
    pub status: EndpointStatus,
}

/// ListEndpoints, one page at a time, filtered by AWS on a name fragment
/// and a status, newest first. Bounded like every listing (a repeated page
/// token or too many pages is an error).
pub struct EndpointPages {
    name_contains: Option<String>,
    status: Option<EndpointStatus>,
    token: Option<String>,
    pager: super::paging::Pager,
    done: bool,
}

impl EndpointPages {
    pub fn new(name_contains: Option<String>, status: Option<EndpointStatus>) -> Self {
        EndpointPages {
            name_contains,
            status,
            token: None,
            pager: super::paging::Pager::new("ListEndpoints"),
            done: false,
        }
    }

    /// The next page; `Ok(None)` after the last one.
    pub async fn next(&mut self, c: &Clients) -> Result<Option<Vec<EndpointSummary>>, AwsError> {
        if self.done {
            return Ok(None);
        }
        tracing::debug!(name_contains = ?self.name_contains, "sagemaker:ListEndpoints");
        let out = c
            .sagemaker
            .list_endpoints()
            .set_name_contains(self.name_contains.clone())
            .set_status_equals(self.status.clone())
            .set_next_token(self.token.take())
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("ListEndpoints", e))?;
        let page = out
            .endpoints()
            .iter()
            .map(|e| EndpointSummary {
                name: e.endpoint_name().unwrap_or_default().to_string(),
                arn: e.endpoint_arn().unwrap_or_default().to_string(),
                status: e
                    .endpoint_status()
                    .cloned()
                    .unwrap_or_else(|| EndpointStatus::from("")),
            })
            .collect();
        match self.pager.next(out.next_token())? {
            Some(t) => self.token = Some(t),
            None => self.done = true,
        }
        Ok(Some(page))
    }
}

/// ListTags of any SageMaker ARN (all pages).
pub async fn list_tags(c: &Clients, arn: &str) -> Result<BTreeMap<String, String>, AwsError> {
    let mut tags = BTreeMap::new();
    let mut token: Option<String> = None;
    let mut pages = super::paging::Pager::new("ListTags");
    loop {
        tracing::debug!(arn, "sagemaker:ListTags");
        let out = c
            .sagemaker
            .list_tags()
            .resource_arn(arn)
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("ListTags", e))?;
        for t in out.tags() {
            if let (Some(k), Some(v)) = (t.key(), t.value()) {
                tags.insert(k.to_string(), v.to_string());
            }
        }
        match pages.next(out.next_token())? {
            Some(t) => token = Some(t),
            None => return Ok(tags),
        }
    }
}

/// Moves the tags of any SageMaker ARN from `old` to `new`: DeleteTags for
/// keys that went away, AddTags for keys added or changed.
pub async fn set_tags(
    c: &Clients,
    arn: &str,
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
) -> Result<(), AwsError> {
    let (removed, changed) = super::tag_diff(old, new);
    let changed: BTreeMap<String, String> = changed
        .into_iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if !removed.is_empty() {
        tracing::debug!(arn, ?removed, "sagemaker:DeleteTags");
        c.sagemaker
            .delete_tags()
            .resource_arn(arn)
            .set_tag_keys(Some(removed))
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("DeleteTags", e))?;
    }
    if let Some(tags) = sagemaker_tags(&changed) {
        tracing::debug!(arn, "sagemaker:AddTags");
        c.sagemaker
            .add_tags()
            .resource_arn(arn)
            .set_tags(Some(tags))
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("AddTags", e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ep(status: EndpointStatus, config: &str, reason: Option<&str>) -> Option<Endpoint> {
        Some(Endpoint {
            name: "ep".into(),
            arn: "arn".into(),
            status,
            config_name: config.into(),
            failure_reason: reason.map(str::to_string),
            current_instance_count: Some(1),
            desired_instance_count: Some(1),
            serverless: None,
        })
    }

    #[test]
    fn probe_outcomes() {
        assert!(matches!(
            in_service_probe("e", ep(EndpointStatus::Creating, "c1", None), None),
            Ok(Probe::Pending { status }) if status == "Creating"
        ));
        assert!(matches!(
            in_service_probe("e", ep(EndpointStatus::InService, "C1", None), Some("c1")),
            Ok(Probe::Ready(_))
        ));
        assert!(matches!(
            in_service_probe("e", ep(EndpointStatus::Failed, "c1", Some("no data")), None),
            Ok(Probe::Failed { reason }) if reason == "no data"
        ));
        assert!(matches!(
            in_service_probe("e", ep(EndpointStatus::InService, "old", Some("bad")), Some("new")),
            Err(AwsError::RolledBack { live_config, reason, .. }) if live_config == "old" && reason == "bad"
        ));
        assert!(matches!(
            in_service_probe("e", None, None),
            Ok(Probe::Failed { .. })
        ));
        assert!(matches!(
            in_service_probe("e", ep(EndpointStatus::UpdateRollbackFailed, "c", Some("x")), None),
            Ok(Probe::Failed { reason }) if reason.contains("UpdateRollbackFailed") && reason.ends_with(": x")
        ));
        // A status newer than this SDK keeps the wait going, spelled as AWS does.
        assert!(matches!(
            in_service_probe("e", ep("Resizing".into(), "c", None), None),
            Ok(Probe::Pending { status }) if status == "Resizing"
        ));
    }

    #[test]
    fn transitional_statuses_are_the_ones_that_end_by_themselves() {
        assert!(is_transitional(&EndpointStatus::Creating));
        assert!(is_transitional(&EndpointStatus::SystemUpdating));
        assert!(!is_transitional(&EndpointStatus::InService));
        assert!(!is_transitional(&EndpointStatus::Failed));
        assert!(!is_transitional(&EndpointStatus::Deleting));
    }
}
