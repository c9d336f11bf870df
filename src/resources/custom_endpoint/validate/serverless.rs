//! Static checks of `serverless` on the typed [`State`], run by `validate`:
//! the ranges SageMaker accepts, and the settings a serverless variant does
//! not have (the instance ones, and the features SageMaker offers only on
//! instances). Without `serverless`, `instance_type` is required.

use super::super::schema::state::{ServerlessAttr, State};
use super::validator::{Validator, root};
use crate::framework::typed::Known;

/// The memory sizes SageMaker offers a serverless worker: 1 GB steps.
const MEMORY_STEP_MB: i64 = 1024;
const MEMORY_MIN_MB: i64 = 1024;
const MEMORY_MAX_MB: i64 = 6144;
/// Most concurrent requests (and provisioned workers) of a variant.
const MAX_CONCURRENCY: i64 = 200;

/// Checks `serverless`, or that `instance_type` is set without it.
pub(super) fn serverless(v: &mut Validator, c: &State) {
    let sv = match &c.serverless {
        Known::Unknown => return,
        Known::Null => {
            if c.instance_type.is_null() {
                v.diags.attr_error(
                    root(State::instance_type),
                    "Missing instance type",
                    "instance_type: set the SageMaker instance type (for example \
                     \"ml.g5.2xlarge\"), or add a serverless block for a serverless endpoint."
                        .to_string(),
                );
            }
            return;
        }
        Known::Value(sv) => sv,
    };
    ranges(v, sv);
    // What only an instance-backed variant has, or SageMaker does not offer
    // serverless: each configured one is an error of its own.
    let not_allowed = [
        (State::instance_type, !c.instance_type.is_null()),
        (State::instance_count, !c.instance_count.is_null()),
        (State::volume_size_in_gb, !c.volume_size_in_gb.is_null()),
        (
            State::startup_health_check_timeout_in_seconds,
            !c.startup_health_check_timeout_in_seconds.is_null(),
        ),
        (
            State::model_data_download_timeout_in_seconds,
            !c.model_data_download_timeout_in_seconds.is_null(),
        ),
        (State::kms_key_arn, !c.kms_key_arn.is_null()),
        (State::data_capture, !c.data_capture.is_null()),
        (State::vpc_config, !c.vpc_config.is_null()),
        (State::async_inference, !c.async_inference.is_null()),
        (State::deployment_config, !c.deployment_config.is_null()),
        (
            State::enable_network_isolation,
            c.enable_network_isolation.get() == Some(&true),
        ),
    ];
    for (attr, configured) in not_allowed {
        if configured {
            v.diags.attr_error(
                root(attr),
                "Not available on a serverless endpoint",
                format!(
                    "{attr}: SageMaker does not offer this on a serverless variant. Remove \
                     {attr}, or remove the serverless block to run the endpoint on instances."
                ),
            );
        }
    }
}

fn ranges(v: &mut Validator, sv: &ServerlessAttr) {
    let path = root(State::serverless);
    let memory = path.attr(ServerlessAttr::memory_size_in_mb);
    v.int_range(
        memory.clone(),
        &sv.memory_size_in_mb,
        MEMORY_MIN_MB,
        Some(MEMORY_MAX_MB),
    );
    if let Some(mb) = sv.memory_size_in_mb.as_i64()
        && (MEMORY_MIN_MB..=MEMORY_MAX_MB).contains(&mb)
        && mb % MEMORY_STEP_MB != 0
    {
        v.error(
            memory,
            "Invalid memory size",
            "expected one of 1024, 2048, 3072, 4096, 5120 or 6144",
            &mb.to_string(),
        );
    }
    v.int_range(
        path.attr(ServerlessAttr::max_concurrency),
        &sv.max_concurrency,
        1,
        Some(MAX_CONCURRENCY),
    );
    let provisioned = path.attr(ServerlessAttr::provisioned_concurrency);
    v.int_range(
        provisioned.clone(),
        &sv.provisioned_concurrency,
        1,
        Some(MAX_CONCURRENCY),
    );
    if let (Some(p), Some(max)) = (
        sv.provisioned_concurrency.as_i64(),
        sv.max_concurrency.as_i64(),
    ) && p > max
    {
        v.error(
            provisioned,
            "Provisioned concurrency above the maximum",
            format!("expected at most serverless.max_concurrency ({max})"),
            &p.to_string(),
        );
    }
}
