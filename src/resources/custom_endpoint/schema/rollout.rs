//! The schema of the rollout attributes of `sagemaker_custom_endpoint`:
//! `autoscaling` and `deployment_config`. Kept apart from `schema` so each
//! file stays readable; descriptions are Markdown, as everywhere.

use super::state::{
    AutoscalingAttr, BlueGreenAttr, CapacityAttr, DeploymentConfigAttr, RollingUpdateAttr, State,
};
use crate::tfplugin::Type;
use crate::tfplugin::schema::{Attribute, Nesting};

fn number(name: &str, desc: &str) -> Attribute {
    Attribute::typed(name, Type::Number, desc)
}

pub fn autoscaling() -> Attribute {
    Attribute::nested(
        State::autoscaling,
        Nesting::Single,
        vec![
            number(
                AutoscalingAttr::min_capacity,
                "Fewest instances autoscaling may leave running (on a serverless endpoint: the \
                 least provisioned concurrency). `0` (scale to zero) is only allowed for \
                 asynchronous endpoints; real-time and serverless endpoints need at least `1`.",
            )
            .required(),
            number(
                AutoscalingAttr::max_capacity,
                "Most instances autoscaling may start; at least `min_capacity` and at least \
                 `instance_count`. On a serverless endpoint, the most provisioned concurrency, \
                 at most `serverless.max_concurrency`.",
            )
            .required(),
            number(
                AutoscalingAttr::target_invocations_per_instance,
                "Real-time endpoints only: the target of the `SageMakerVariantInvocationsPerInstance` \
                 metric (requests per instance per minute) that target tracking holds. \
                 Defaults to `70`.",
            )
            .optional(),
            number(
                AutoscalingAttr::target_backlog_per_instance,
                "Asynchronous endpoints only: the target of the \
                 `ApproximateBacklogSizePerInstance` metric (queued requests per instance) that \
                 target tracking holds. Defaults to `5`.",
            )
            .optional(),
            number(
                AutoscalingAttr::target_provisioned_concurrency_utilization,
                "Serverless endpoints only: the target of the \
                 `SageMakerVariantProvisionedConcurrencyUtilization` metric (the share of the \
                 provisioned concurrency in use, above 0 and at most 1) that target tracking \
                 holds. Defaults to `0.5`.",
            )
            .optional(),
            number(
                AutoscalingAttr::scale_in_cooldown,
                "Seconds after a scale-in before another scale-in may start. Defaults to `300`.",
            )
            .optional(),
            number(
                AutoscalingAttr::scale_out_cooldown,
                "Seconds after a scale-out before another scale-out may start (also the cooldown \
                 of the scale-from-zero policy). Defaults to `60`.",
            )
            .optional(),
        ],
        "Scales the endpoint's instance count with Application Auto Scaling. Omit it for a fixed \
         `instance_count`. The provider registers the variant as a scalable target between \
         `min_capacity` and `max_capacity` and adds a target-tracking policy: on \
         invocations per instance for real-time endpoints, on backlog per instance for \
         asynchronous ones. On a serverless endpoint it scales the provisioned concurrency \
         instead (`sagemaker:variant:DesiredProvisionedConcurrency`), on its utilization, \
         starting from `serverless.provisioned_concurrency`. An asynchronous endpoint with `min_capacity = 0` also gets a \
         CloudWatch alarm on `HasBacklogWithoutCapacity` and a step policy that starts the \
         first instance when requests wait. While autoscaling is on, `instance_count` is only \
         the initial count: the provider never resets the count autoscaling chose, and \
         refreshes do not report it as drift. Removing the attribute removes the policies, \
         the alarm and the scalable target, and sets the endpoint back to `instance_count` \
         instances; they are also removed before the endpoint is \
         deleted, and around an instance type change (Application Auto Scaling refuses that \
         change on a registered variant).",
    )
    .optional()
}

fn string(name: &str, desc: &str) -> Attribute {
    Attribute::typed(name, Type::String, desc)
}

/// A `{ type, value }` step size.
fn capacity(name: &str, desc: &str) -> Attribute {
    Attribute::nested(
        name,
        Nesting::Single,
        vec![
            string(
                CapacityAttr::r#type,
                "`INSTANCE_COUNT` (a number of instances) or `CAPACITY_PERCENT` (a percentage \
                 of the fleet).",
            )
            .required(),
            number(
                CapacityAttr::value,
                "The size: at least `1`; at most `100` for `CAPACITY_PERCENT`.",
            )
            .required(),
        ],
        desc,
    )
}

fn blue_green() -> Attribute {
    Attribute::nested(
        DeploymentConfigAttr::blue_green,
        Nesting::Single,
        vec![
            string(
                BlueGreenAttr::traffic_routing_type,
                "How traffic moves to the new fleet: `ALL_AT_ONCE`, `CANARY` (a canary share \
                 first, then the rest) or `LINEAR` (equal steps).",
            )
            .required(),
            capacity(
                BlueGreenAttr::canary_size,
                "Required with `CANARY`: the share of traffic the canary receives first.",
            )
            .optional(),
            capacity(
                BlueGreenAttr::linear_step_size,
                "Required with `LINEAR`: the share of traffic moved at each step.",
            )
            .optional(),
            number(
                BlueGreenAttr::wait_interval_in_seconds,
                "Seconds to watch each traffic step (and the alarms) before the next one, 0 to \
                 3600. Defaults to `300`.",
            )
            .optional(),
            number(
                BlueGreenAttr::termination_wait_in_seconds,
                "Seconds the old fleet is kept after all traffic moved, 0 to 3600 (a quick \
                 rollback stays possible meanwhile). Defaults to `0`.",
            )
            .optional(),
            number(
                BlueGreenAttr::maximum_execution_timeout_in_seconds,
                "Longest the whole deployment may take, 600 to 14400; SageMaker rolls back \
                 after that. `timeouts.update` must be longer than this plus \
                 `termination_wait_in_seconds`.",
            )
            .optional(),
        ],
        "Blue/green deployment: SageMaker starts a new fleet next to the old one and shifts \
         traffic to it as configured.",
    )
    .optional()
}

fn rolling_update() -> Attribute {
    Attribute::nested(
        DeploymentConfigAttr::rolling_update,
        Nesting::Single,
        vec![
            capacity(
                RollingUpdateAttr::maximum_batch_size,
                "How many instances (or what share of the fleet) are replaced per batch.",
            )
            .required(),
            number(
                RollingUpdateAttr::wait_interval_in_seconds,
                "Seconds to watch each batch (and the alarms) before the next one, 0 to 3600. \
                 Defaults to `300`.",
            )
            .optional(),
            number(
                RollingUpdateAttr::maximum_execution_timeout_in_seconds,
                "Longest the whole deployment may take, 600 to 28800; SageMaker rolls back \
                 after that. `timeouts.update` must be longer than this.",
            )
            .optional(),
            capacity(
                RollingUpdateAttr::rollback_maximum_batch_size,
                "Batch size used when rolling back; the whole fleet at once when unset.",
            )
            .optional(),
        ],
        "Rolling deployment: SageMaker replaces the fleet in batches instead of starting a \
         full second fleet.",
    )
    .optional()
}

pub fn deployment_config() -> Attribute {
    Attribute::nested(
        State::deployment_config,
        Nesting::Single,
        vec![
            blue_green(),
            rolling_update(),
            Attribute::typed(
                DeploymentConfigAttr::auto_rollback_alarms,
                Type::list(Type::String),
                "Names of existing CloudWatch alarms (at most 10) that SageMaker watches \
                 during a deployment; if one goes into `ALARM`, the deployment is rolled back \
                 and the apply fails naming the alarm.",
            )
            .optional(),
        ],
        "How an in-place update moves traffic to the new endpoint configuration, as \
         SageMaker's `DeploymentConfig`: set exactly one of `blue_green` or \
         `rolling_update`, optionally with `auto_rollback_alarms`. Used by every update \
         that deploys a new configuration; omitted means SageMaker's default blue/green \
         all-at-once deployment. A rolled-back update fails the apply with the reason, and \
         the state keeps the configuration that is really in service, so the next plan \
         proposes the update again.",
    )
    .optional()
}
