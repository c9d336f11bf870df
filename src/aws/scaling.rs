//! Application Auto Scaling of an endpoint variant: the scalable target
//! (`endpoint/<name>/variant/AllTraffic` on
//! `sagemaker:variant:DesiredInstanceCount`, or on
//! `sagemaker:variant:DesiredProvisionedConcurrency` for a serverless
//! variant) and its scaling policies.
//!
//! Each object has one find (one Describe call, `Ok(None)` when missing),
//! an idempotent put (RegisterScalableTarget and PutScalingPolicy create or
//! update in place) and a delete that treats "not found" as done. None of
//! them has a status to wait for: the calls take effect when they return.

use super::clients::Clients;
use super::error::AwsError;
use aws_sdk_applicationautoscaling::operation::put_scaling_policy::builders::PutScalingPolicyFluentBuilder;
use aws_sdk_applicationautoscaling::types::{
    AdjustmentType, CustomizedMetricSpecification, MetricAggregationType, MetricDimension,
    MetricStatistic, MetricType, PolicyType, PredefinedMetricSpecification, ScalableDimension,
    ServiceNamespace, StepAdjustment, StepScalingPolicyConfiguration,
    TargetTrackingScalingPolicyConfiguration,
};
use std::collections::BTreeMap;

/// The SageMaker metric the backlog policy tracks (async endpoints only).
pub(crate) const BACKLOG_METRIC: &str = "ApproximateBacklogSizePerInstance";
/// The namespace of SageMaker's endpoint metrics.
pub(crate) const SAGEMAKER_NAMESPACE: &str = "AWS/SageMaker";

/// What is scaled on the variant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dimension {
    /// The instance count of an instance-backed variant.
    InstanceCount,
    /// The provisioned concurrency of a serverless variant.
    ProvisionedConcurrency,
}

impl Dimension {
    fn sdk(self) -> ScalableDimension {
        match self {
            Dimension::InstanceCount => ScalableDimension::SageMakerVariantDesiredInstanceCount,
            Dimension::ProvisionedConcurrency => {
                ScalableDimension::SageMakerVariantDesiredProvisionedConcurrency
            }
        }
    }
}

/// Application Auto Scaling answers ObjectNotFoundException for a missing
/// target or policy on delete (and moto a ValidationException "No ... found").
fn is_missing(e: &AwsError) -> bool {
    e.is_not_found()
        || e.code() == Some("ObjectNotFoundException")
        || matches!(
            (e.code(), e.message()),
            (Some("ValidationException"), Some(m)) if m.starts_with("No scal")
        )
}

/// What the scalable target should be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TargetSpec {
    pub resource_id: String,
    pub dimension: Dimension,
    pub min_capacity: i32,
    pub max_capacity: i32,
    pub tags: BTreeMap<String, String>,
}

/// A registered scalable target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Target {
    pub resource_id: String,
    pub min_capacity: i32,
    pub max_capacity: i32,
}

/// DescribeScalableTargets for one resource; `Ok(None)` when unregistered.
pub(crate) async fn find_target(
    c: &Clients,
    resource_id: &str,
    dimension: Dimension,
) -> Result<Option<Target>, AwsError> {
    tracing::debug!(
        resource_id,
        "application-autoscaling:DescribeScalableTargets"
    );
    let out = c
        .autoscaling
        .describe_scalable_targets()
        .service_namespace(ServiceNamespace::Sagemaker)
        .resource_ids(resource_id)
        .scalable_dimension(dimension.sdk())
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("DescribeScalableTargets", e))?;
    Ok(out
        .scalable_targets()
        .iter()
        .find(|t| t.resource_id() == resource_id)
        .map(|t| Target {
            resource_id: t.resource_id().to_string(),
            min_capacity: t.min_capacity(),
            max_capacity: t.max_capacity(),
        }))
}

/// RegisterScalableTarget: registers the variant, or updates the bounds of
/// a target that is already registered. Tags apply on first registration.
pub(crate) async fn register_target(c: &Clients, spec: &TargetSpec) -> Result<(), AwsError> {
    tracing::debug!(
        resource_id = spec.resource_id,
        "application-autoscaling:RegisterScalableTarget"
    );
    let mut req = c
        .autoscaling
        .register_scalable_target()
        .service_namespace(ServiceNamespace::Sagemaker)
        .resource_id(&spec.resource_id)
        .scalable_dimension(spec.dimension.sdk())
        .min_capacity(spec.min_capacity)
        .max_capacity(spec.max_capacity);
    for (k, v) in &spec.tags {
        req = req.tags(k, v);
    }
    req.send()
        .await
        .map_err(|e| AwsError::from_sdk("RegisterScalableTarget", e))?;
    Ok(())
}

/// DeregisterScalableTarget; an unregistered target counts as done.
pub(crate) async fn deregister_target(
    c: &Clients,
    resource_id: &str,
    dimension: Dimension,
) -> Result<(), AwsError> {
    tracing::debug!(
        resource_id,
        "application-autoscaling:DeregisterScalableTarget"
    );
    match c
        .autoscaling
        .deregister_scalable_target()
        .service_namespace(ServiceNamespace::Sagemaker)
        .resource_id(resource_id)
        .scalable_dimension(dimension.sdk())
        .send()
        .await
    {
        Ok(_) => Ok(()),
        Err(e) => {
            let e = AwsError::from_sdk("DeregisterScalableTarget", e);
            if is_missing(&e) { Ok(()) } else { Err(e) }
        }
    }
}

/// The metric a target-tracking policy follows.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum TrackedMetric {
    /// `SageMakerVariantInvocationsPerInstance` (real-time endpoints).
    InvocationsPerInstance,
    /// `ApproximateBacklogSizePerInstance` of this endpoint (async only).
    BacklogPerInstance { endpoint: String },
    /// `SageMakerVariantProvisionedConcurrencyUtilization` (serverless only).
    ProvisionedConcurrencyUtilization,
}

/// A target-tracking policy.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct TargetTrackingSpec {
    pub name: String,
    pub resource_id: String,
    pub dimension: Dimension,
    pub metric: TrackedMetric,
    pub target_value: f64,
    pub scale_in_cooldown: i32,
    pub scale_out_cooldown: i32,
}

/// A step policy that adds one instance whenever its alarm fires: the
/// scale-from-zero path of an async endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct StepSpec {
    pub name: String,
    pub resource_id: String,
    pub cooldown: i32,
}

/// What DescribeScalingPolicies says about one policy.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Policy {
    pub name: String,
    pub arn: String,
    /// `TargetTrackingScaling` or `StepScaling`.
    pub policy_type: String,
    /// The predefined metric type, or the custom metric's name.
    pub metric: Option<String>,
    pub target_value: Option<f64>,
    pub scale_in_cooldown: Option<i32>,
    pub scale_out_cooldown: Option<i32>,
}

/// DescribeScalingPolicies for one policy of a resource; `Ok(None)` when
/// it does not exist.
pub(crate) async fn find_policy(
    c: &Clients,
    resource_id: &str,
    dimension: Dimension,
    name: &str,
) -> Result<Option<Policy>, AwsError> {
    tracing::debug!(
        resource_id,
        name,
        "application-autoscaling:DescribeScalingPolicies"
    );
    let out = c
        .autoscaling
        .describe_scaling_policies()
        .service_namespace(ServiceNamespace::Sagemaker)
        .resource_id(resource_id)
        .scalable_dimension(dimension.sdk())
        .policy_names(name)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("DescribeScalingPolicies", e))?;
    let found = out
        .scaling_policies()
        .iter()
        .find(|p| p.policy_name() == name && p.resource_id() == resource_id);
    Ok(found.map(|p| {
        let tt = p.target_tracking_scaling_policy_configuration();
        let metric = tt.and_then(|t| {
            t.predefined_metric_specification()
                .map(|m| m.predefined_metric_type().as_str().to_string())
                .or_else(|| {
                    t.customized_metric_specification()
                        .and_then(|m| m.metric_name())
                        .map(str::to_string)
                })
        });
        Policy {
            name: p.policy_name().to_string(),
            arn: p.policy_arn().to_string(),
            policy_type: p.policy_type().as_str().to_string(),
            metric,
            target_value: tt.map(|t| t.target_value()),
            scale_in_cooldown: tt.and_then(|t| t.scale_in_cooldown()),
            scale_out_cooldown: tt.and_then(|t| t.scale_out_cooldown()),
        }
    }))
}

fn build_error(
    op: &'static str,
) -> impl Fn(aws_sdk_applicationautoscaling::error::BuildError) -> AwsError {
    move |e| AwsError::invalid_request(op, e.to_string())
}

/// PutScalingPolicy with a target-tracking configuration; returns its ARN.
pub(crate) async fn put_target_tracking(
    c: &Clients,
    spec: &TargetTrackingSpec,
) -> Result<String, AwsError> {
    const OP: &str = "PutScalingPolicy";
    let mut cfg = TargetTrackingScalingPolicyConfiguration::builder()
        .target_value(spec.target_value)
        .scale_in_cooldown(spec.scale_in_cooldown)
        .scale_out_cooldown(spec.scale_out_cooldown);
    cfg = match &spec.metric {
        TrackedMetric::InvocationsPerInstance => cfg.predefined_metric_specification(
            PredefinedMetricSpecification::builder()
                .predefined_metric_type(MetricType::SageMakerVariantInvocationsPerInstance)
                .build()
                .map_err(build_error(OP))?,
        ),
        TrackedMetric::BacklogPerInstance { endpoint } => cfg.customized_metric_specification(
            CustomizedMetricSpecification::builder()
                .metric_name(BACKLOG_METRIC)
                .namespace(SAGEMAKER_NAMESPACE)
                .dimensions(
                    MetricDimension::builder()
                        .name("EndpointName")
                        .value(endpoint)
                        .build()
                        .map_err(build_error(OP))?,
                )
                .statistic(MetricStatistic::Average)
                .build(),
        ),
        TrackedMetric::ProvisionedConcurrencyUtilization => cfg.predefined_metric_specification(
            PredefinedMetricSpecification::builder()
                .predefined_metric_type(
                    MetricType::SageMakerVariantProvisionedConcurrencyUtilization,
                )
                .build()
                .map_err(build_error(OP))?,
        ),
    };
    let cfg = cfg.build().map_err(build_error(OP))?;
    put_policy(c, &spec.name, &spec.resource_id, spec.dimension, |r| {
        r.policy_type(PolicyType::TargetTrackingScaling)
            .target_tracking_scaling_policy_configuration(cfg)
    })
    .await
}

/// PutScalingPolicy on the variant, with the type and configuration set by
/// `configure`; returns the policy ARN.
async fn put_policy(
    c: &Clients,
    name: &str,
    resource_id: &str,
    dimension: Dimension,
    configure: impl FnOnce(PutScalingPolicyFluentBuilder) -> PutScalingPolicyFluentBuilder,
) -> Result<String, AwsError> {
    tracing::debug!(name, "application-autoscaling:PutScalingPolicy");
    let req = c
        .autoscaling
        .put_scaling_policy()
        .policy_name(name)
        .service_namespace(ServiceNamespace::Sagemaker)
        .resource_id(resource_id)
        .scalable_dimension(dimension.sdk());
    let out = configure(req)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("PutScalingPolicy", e))?;
    Ok(out.policy_arn().to_string())
}

/// PutScalingPolicy with a step configuration adding one instance when its
/// alarm is at or above its threshold; returns its ARN.
pub(crate) async fn put_step(c: &Clients, spec: &StepSpec) -> Result<String, AwsError> {
    const OP: &str = "PutScalingPolicy";
    let cfg = StepScalingPolicyConfiguration::builder()
        .adjustment_type(AdjustmentType::ChangeInCapacity)
        .metric_aggregation_type(MetricAggregationType::Average)
        .cooldown(spec.cooldown)
        .step_adjustments(
            StepAdjustment::builder()
                .metric_interval_lower_bound(0.0)
                .scaling_adjustment(1)
                .build()
                .map_err(build_error(OP))?,
        )
        .build();
    // Only async endpoints scale from zero, and they run on instances.
    let dimension = Dimension::InstanceCount;
    put_policy(c, &spec.name, &spec.resource_id, dimension, |r| {
        r.policy_type(PolicyType::StepScaling)
            .step_scaling_policy_configuration(cfg)
    })
    .await
}

/// DeleteScalingPolicy; a missing policy counts as deleted.
pub(crate) async fn delete_policy(
    c: &Clients,
    resource_id: &str,
    dimension: Dimension,
    name: &str,
) -> Result<(), AwsError> {
    tracing::debug!(
        resource_id,
        name,
        "application-autoscaling:DeleteScalingPolicy"
    );
    match c
        .autoscaling
        .delete_scaling_policy()
        .policy_name(name)
        .service_namespace(ServiceNamespace::Sagemaker)
        .resource_id(resource_id)
        .scalable_dimension(dimension.sdk())
        .send()
        .await
    {
        Ok(_) => Ok(()),
        Err(e) => {
            let e = AwsError::from_sdk("DeleteScalingPolicy", e);
            if is_missing(&e) { Ok(()) } else { Err(e) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(code: &str, message: &str) -> AwsError {
        AwsError::Api {
            operation: "Op",
            code: code.into(),
            message: message.into(),
        }
    }

    #[test]
    fn missing_targets_and_policies_are_recognised() {
        assert!(is_missing(&api(
            "ObjectNotFoundException",
            "No scalable target"
        )));
        assert!(is_missing(&api(
            "ValidationException",
            "No scalable target found for service namespace: sagemaker"
        )));
        assert!(is_missing(&api(
            "ValidationException",
            "No scaling policy found for service namespace: sagemaker"
        )));
        assert!(!is_missing(&api(
            "ValidationException",
            "Unsupported service namespace"
        )));
        assert!(!is_missing(&api("ConcurrentUpdateException", "busy")));
    }
}
