//! CloudWatch metric alarms: the `HasBacklogWithoutCapacity` alarm that
//! drives an async endpoint's scale-from-zero step policy, and the lookup of
//! alarms named by `deployment_config.auto_rollback_alarms`.
//!
//! One find (DescribeAlarms by name), an idempotent put (PutMetricAlarm
//! creates or replaces) and a delete that treats "not found" as done.

use super::clients::Clients;
use super::error::AwsError;
use super::scaling::SAGEMAKER_NAMESPACE;
use aws_sdk_cloudwatch::types::{ComparisonOperator, Dimension, Statistic, Tag};
use std::collections::BTreeMap;

/// The metric that is 1 while requests wait and no instance runs.
pub(crate) const BACKLOG_WITHOUT_CAPACITY_METRIC: &str = "HasBacklogWithoutCapacity";

/// The scale-from-zero alarm of one endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct BacklogAlarmSpec {
    pub name: String,
    pub endpoint: String,
    /// The step policy the alarm triggers.
    pub action_arn: String,
    pub tags: BTreeMap<String, String>,
}

/// What DescribeAlarms says about one alarm.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Alarm {
    pub name: String,
    pub arn: String,
    pub metric_name: Option<String>,
    pub actions: Vec<String>,
    /// `OK`, `ALARM` or `INSUFFICIENT_DATA`.
    pub state: Option<String>,
}

/// DescribeAlarms for one metric alarm; `Ok(None)` when it does not exist.
pub(crate) async fn find(c: &Clients, name: &str) -> Result<Option<Alarm>, AwsError> {
    tracing::debug!(name, "cloudwatch:DescribeAlarms");
    let out = c
        .cloudwatch
        .describe_alarms()
        .alarm_names(name)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("DescribeAlarms", e))?;
    Ok(out
        .metric_alarms()
        .iter()
        .find(|a| a.alarm_name() == Some(name))
        .map(|a| Alarm {
            name: name.to_string(),
            arn: a.alarm_arn().unwrap_or_default().to_string(),
            metric_name: a.metric_name().map(str::to_string),
            actions: a.alarm_actions().to_vec(),
            state: a.state_value().map(|s| s.as_str().to_string()),
        }))
}

/// PutMetricAlarm: alarm when the endpoint has a backlog but no instance
/// (average of `HasBacklogWithoutCapacity` >= 1 over one minute), firing
/// the step policy that adds an instance.
pub(crate) async fn put_backlog_without_capacity(
    c: &Clients,
    spec: &BacklogAlarmSpec,
) -> Result<(), AwsError> {
    tracing::debug!(name = spec.name, "cloudwatch:PutMetricAlarm");
    let tags: Vec<Tag> = spec
        .tags
        .iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect();
    c.cloudwatch
        .put_metric_alarm()
        .alarm_name(&spec.name)
        .alarm_description(format!(
            "Scales endpoint {} up from zero instances when requests are queued.",
            spec.endpoint
        ))
        .namespace(SAGEMAKER_NAMESPACE)
        .metric_name(BACKLOG_WITHOUT_CAPACITY_METRIC)
        .dimensions(
            Dimension::builder()
                .name("EndpointName")
                .value(&spec.endpoint)
                .build(),
        )
        .statistic(Statistic::Average)
        .period(60)
        .evaluation_periods(2)
        .datapoints_to_alarm(2)
        .threshold(1.0)
        .comparison_operator(ComparisonOperator::GreaterThanOrEqualToThreshold)
        .treat_missing_data("missing")
        .alarm_actions(&spec.action_arn)
        .set_tags((!tags.is_empty()).then_some(tags))
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("PutMetricAlarm", e))?;
    Ok(())
}

/// DeleteAlarms for one alarm; a missing alarm counts as deleted.
pub(crate) async fn delete(c: &Clients, name: &str) -> Result<(), AwsError> {
    tracing::debug!(name, "cloudwatch:DeleteAlarms");
    match c.cloudwatch.delete_alarms().alarm_names(name).send().await {
        Ok(_) => Ok(()),
        Err(e) => {
            let e = AwsError::from_sdk("DeleteAlarms", e);
            if e.is_not_found() { Ok(()) } else { Err(e) }
        }
    }
}
