//! The schema of the rollout attributes of `sagemaker_custom_endpoint`:
//! `autoscaling`. Kept apart from `schema` so each
//! file stays readable; descriptions are Markdown, as everywhere.

use crate::tfplugin::Type;
use crate::tfplugin::schema::{Attribute, Nesting};

fn number(name: &str, desc: &str) -> Attribute {
    Attribute::typed(name, Type::Number, desc)
}

pub fn autoscaling() -> Attribute {
    Attribute::nested(
        "autoscaling",
        Nesting::Single,
        vec![
            number(
                "min_capacity",
                "Fewest instances autoscaling may leave running. `0` (scale to zero) is only \
                 allowed for asynchronous endpoints; real-time endpoints need at least `1`.",
            )
            .required(),
            number(
                "max_capacity",
                "Most instances autoscaling may start; at least `min_capacity` and at least \
                 `instance_count`.",
            )
            .required(),
            number(
                "target_invocations_per_instance",
                "Real-time endpoints only: the target of the `SageMakerVariantInvocationsPerInstance` \
                 metric (requests per instance per minute) that target tracking holds. \
                 Defaults to `70`.",
            )
            .optional(),
            number(
                "target_backlog_per_instance",
                "Asynchronous endpoints only: the target of the \
                 `ApproximateBacklogSizePerInstance` metric (queued requests per instance) that \
                 target tracking holds. Defaults to `5`.",
            )
            .optional(),
            number(
                "scale_in_cooldown",
                "Seconds after a scale-in before another scale-in may start. Defaults to `300`.",
            )
            .optional(),
            number(
                "scale_out_cooldown",
                "Seconds after a scale-out before another scale-out may start (also the cooldown \
                 of the scale-from-zero policy). Defaults to `60`.",
            )
            .optional(),
        ],
        "Scales the endpoint's instance count with Application Auto Scaling. Omit it for a fixed \
         `instance_count`. The provider registers the variant as a scalable target between \
         `min_capacity` and `max_capacity` and adds a target-tracking policy: on \
         invocations per instance for real-time endpoints, on backlog per instance for \
         asynchronous ones. An asynchronous endpoint with `min_capacity = 0` also gets a \
         CloudWatch alarm on `HasBacklogWithoutCapacity` and a step policy that starts the \
         first instance when requests wait. While autoscaling is on, `instance_count` is only \
         the initial count: the provider never resets the count autoscaling chose, and \
         refreshes do not report it as drift. Removing the attribute removes the policies, \
         the alarm and the scalable target; they are also removed before the endpoint is \
         deleted, and around an instance type change (Application Auto Scaling refuses that \
         change on a registered variant).",
    )
    .optional()
}
