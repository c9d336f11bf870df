//! Serverless variants: the `ServerlessConfig` of a production variant (memory size, maximum
//! and provisioned concurrency) and the `ServerlessUpdateConfig` that
//! UpdateEndpointWeightsAndCapacities applies to a live serverless variant.

use serde_json::{Value, json};

use super::api::ApiError;
use super::validate;

/// The memory sizes SageMaker offers: 1 GB steps from 1024 to 6144 MB.
const MEMORY_STEP_MB: i64 = 1024;
const MEMORY_MIN_MB: i64 = 1024;
const MEMORY_MAX_MB: i64 = 6144;
/// Range of `MaxConcurrency` and `ProvisionedConcurrency`.
const CONCURRENCY_MAX: i64 = 200;

/// Validates `ServerlessConfig` of variant `variant`, found at `path`
/// (`ProductionVariants.<n>.member.ServerlessConfig`).
pub fn validate_config(sc: &Value, variant: &str, path: &str) -> Result<(), ApiError> {
    if !sc.is_object() {
        return Err(ApiError::serialization(
            "ServerlessConfig must be an object".into(),
        ));
    }
    let memory_path = format!("{path}.MemorySizeInMB");
    let memory = validate::required_int(sc, "MemorySizeInMB", &memory_path)?;
    validate::int_range(memory, &memory_path, MEMORY_MIN_MB, MEMORY_MAX_MB)?;
    if memory % MEMORY_STEP_MB != 0 {
        return Err(ApiError::validation(format!(
            "Invalid ServerlessConfig for production variant \"{variant}\": MemorySizeInMB {memory} \
             is not one of 1024, 2048, 3072, 4096, 5120, 6144."
        )));
    }
    let max_path = format!("{path}.MaxConcurrency");
    let max = validate::required_int(sc, "MaxConcurrency", &max_path)?;
    validate::int_range(max, &max_path, 1, CONCURRENCY_MAX)?;
    provisioned(sc, variant, path, max)
}

/// Checks `ProvisionedConcurrency` (optional, 1 to 200, at most `max`).
fn provisioned(sc: &Value, variant: &str, path: &str, max: i64) -> Result<(), ApiError> {
    let Some(p) = validate::optional_int(sc, "ProvisionedConcurrency")? else {
        return Ok(());
    };
    validate::int_range(
        p,
        &format!("{path}.ProvisionedConcurrency"),
        1,
        CONCURRENCY_MAX,
    )?;
    if p > max {
        return Err(ApiError::validation(format!(
            "Invalid ServerlessConfig for production variant \"{variant}\": ProvisionedConcurrency \
             ({p}) must be less than or equal to MaxConcurrency ({max})."
        )));
    }
    Ok(())
}

/// The serverless config `current` with `update` (a `ServerlessUpdateConfig` found at `path`)
/// applied, validated as a whole.
pub fn apply_update(
    current: &Value,
    update: &Value,
    variant: &str,
    path: &str,
) -> Result<Value, ApiError> {
    let max = validate::optional_int(update, "MaxConcurrency")?;
    let prov = validate::optional_int(update, "ProvisionedConcurrency")?;
    if let Some(m) = max {
        validate::int_range(m, &format!("{path}.MaxConcurrency"), 1, CONCURRENCY_MAX)?;
    }
    let mut next = current.clone();
    if let Some(m) = max {
        next["MaxConcurrency"] = json!(m);
    }
    if let Some(p) = prov {
        next["ProvisionedConcurrency"] = json!(p);
    }
    let max = validate::optional_int(&next, "MaxConcurrency")?.unwrap_or(CONCURRENCY_MAX);
    provisioned(&next, variant, path, max)?;
    Ok(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATH: &str = "ProductionVariants.1.member.ServerlessConfig";

    fn check(sc: Value) -> Result<(), String> {
        validate_config(&sc, "v", PATH).map_err(|e| e.message)
    }

    #[test]
    fn config_limits() {
        assert!(
            check(
                json!({"MemorySizeInMB": 2048, "MaxConcurrency": 5, "ProvisionedConcurrency": 5})
            )
            .is_ok()
        );
        let e = check(json!({"MemorySizeInMB": 512, "MaxConcurrency": 5})).unwrap_err();
        assert!(
            e.contains("at 'productionVariants.1.member.serverlessConfig.memorySizeInMB'"),
            "{e}"
        );
        assert!(e.contains("greater than or equal to 1024"), "{e}");
        assert!(
            check(json!({"MemorySizeInMB": 1500, "MaxConcurrency": 5}))
                .unwrap_err()
                .contains("is not one of")
        );
        assert!(
            check(json!({"MemorySizeInMB": 8192, "MaxConcurrency": 5}))
                .unwrap_err()
                .contains("less than or equal to 6144")
        );
        assert!(
            check(json!({"MemorySizeInMB": 1024, "MaxConcurrency": 201}))
                .unwrap_err()
                .contains("less than or equal to 200")
        );
        assert!(
            check(json!({"MemorySizeInMB": 1024}))
                .unwrap_err()
                .contains("Value null at")
        );
        assert!(
            check(
                json!({"MemorySizeInMB": 1024, "MaxConcurrency": 2, "ProvisionedConcurrency": 3})
            )
            .unwrap_err()
            .contains("must be less than or equal to MaxConcurrency (2)")
        );
    }

    #[test]
    fn updates_merge_and_recheck() {
        let cur = json!({"MemorySizeInMB": 2048, "MaxConcurrency": 5});
        let up = apply_update(
            &cur,
            &json!({"MaxConcurrency": 8, "ProvisionedConcurrency": 2}),
            "v",
            "p",
        )
        .unwrap();
        assert_eq!(
            up,
            json!({"MemorySizeInMB": 2048, "MaxConcurrency": 8, "ProvisionedConcurrency": 2})
        );
        assert!(apply_update(&cur, &json!({"ProvisionedConcurrency": 6}), "v", "p").is_err());
        assert!(apply_update(&cur, &json!({"MaxConcurrency": 0}), "v", "p").is_err());
    }
}
