//! KMS keys named by endpoint configs (`KmsKeyId`, `DataCaptureConfig.KmsKeyId`,
//! `AsyncInferenceConfig.OutputConfig.KmsKeyId`): their accepted form, the rule that a
//! storage-volume key cannot be used with instance types that have local NVMe storage (or with
//! serverless variants), and the check that a key of the sandbox account exists in moto's KMS
//! and is enabled.

use super::api::ApiError;
use super::validate;
use crate::ACCOUNT_ID;
use crate::app::App;

/// Instance families (`ml.<family>.<size>`) whose instances carry local NVMe instance storage,
/// which the instance's own hardware encrypts: SageMaker takes no volume key for them.
pub const INSTANCE_STORAGE_FAMILIES: &[&str] = &[
    "m5d", "c5d", "r5d", "g4dn", "g5", "g6", "g6e", "p3dn", "p4d", "p4de", "p5", "p5e", "p5en",
    "trn1", "trn1n", "trn2", "dl1",
];

/// Whether instance type `t` (`ml.g5.xlarge`) has local NVMe instance storage.
pub fn has_instance_storage(t: &str) -> bool {
    t.strip_prefix("ml.")
        .and_then(|rest| rest.split_once('.'))
        .is_some_and(|(family, _)| INSTANCE_STORAGE_FAMILIES.contains(&family))
}

/// The `KmsKeyId` shape: at most 2048 characters of `[a-zA-Z0-9:/_-]`.
pub fn check_format(key: &str, path: &str) -> Result<(), ApiError> {
    if key.len() > 2048 {
        return Err(validate::constraint(
            key,
            path,
            "Member must have length less than or equal to 2048",
        ));
    }
    if !key
        .bytes()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, b':' | b'/' | b'_' | b'-'))
    {
        return Err(validate::constraint(
            key,
            path,
            "Member must satisfy regular expression pattern: [a-zA-Z0-9:/_-]*",
        ));
    }
    Ok(())
}

/// The refusal of a volume key for variant `variant` on instance type `t` with instance storage.
pub fn instance_storage_error(variant: &str, t: &str) -> ApiError {
    ApiError::validation(format!(
        "KmsKeyId cannot be used with instance type {t} of production variant \"{variant}\": \
         its local NVMe instance storage is encrypted by the instance itself. Remove KmsKeyId or \
         choose an instance type without instance storage."
    ))
}

/// Where to ask about `key` given in `region`: the key's region, or `None` when the key
/// belongs to another account (the sandbox only knows its own).
fn key_region(key: &str, region: &str) -> Option<String> {
    let Some(rest) = key.strip_prefix("arn:") else {
        return Some(region.to_string());
    };
    // arn:<partition>:kms:<region>:<account>:key/<id> or …:alias/<name>
    let parts: Vec<&str> = rest.splitn(5, ':').collect();
    match parts.as_slice() {
        [_, "kms", key_region, account, _] if *account == ACCOUNT_ID => Some(
            if key_region.is_empty() {
                region
            } else {
                key_region
            }
            .to_string(),
        ),
        _ => None,
    }
}

/// Checks that every `(member, key)` names an enabled key of moto's KMS. Keys of other
/// accounts are not checked; when moto cannot be asked, the check is skipped with a warning.
pub async fn check_keys(
    app: &App,
    region: &str,
    keys: &[(String, String)],
) -> Result<(), ApiError> {
    for (member, key) in keys {
        let Some(key_region) = key_region(key, region) else {
            continue;
        };
        match app.moto.kms_key_state(&key_region, key).await {
            Ok(Some(state)) if state == "Enabled" => {}
            Ok(Some(state)) => {
                return Err(ApiError::validation(format!(
                    "KMS key \"{key}\" given in {member} cannot be used: its state is {state}, \
                     not Enabled."
                )));
            }
            Ok(None) => {
                return Err(ApiError::validation(format!(
                    "KMS key \"{key}\" given in {member} does not exist in account {ACCOUNT_ID} \
                     (region {key_region})."
                )));
            }
            Err(e) => tracing::warn!("KMS check of {key} skipped: {e}"),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instance_storage_families() {
        for t in [
            "ml.g5.xlarge",
            "ml.g4dn.2xlarge",
            "ml.p4d.24xlarge",
            "ml.m5d.large",
            "ml.g6e.xlarge",
        ] {
            assert!(has_instance_storage(t), "{t}");
        }
        for t in [
            "ml.m5.large",
            "ml.inf2.xlarge",
            "ml.p3.2xlarge",
            "ml.c5.xlarge",
            "g5.xlarge",
        ] {
            assert!(!has_instance_storage(t), "{t}");
        }
    }

    #[test]
    fn key_forms() {
        assert!(
            check_format(
                "arn:aws:kms:us-east-1:123456789012:alias/my_key-1",
                "KmsKeyId"
            )
            .is_ok()
        );
        assert!(check_format("alias/a b", "KmsKeyId").is_err());
        assert_eq!(
            key_region("1234abcd", "eu-west-1").as_deref(),
            Some("eu-west-1")
        );
        assert_eq!(
            key_region("alias/x", "eu-west-1").as_deref(),
            Some("eu-west-1")
        );
        assert_eq!(
            key_region("arn:aws:kms:us-west-2:123456789012:key/abc", "eu-west-1").as_deref(),
            Some("us-west-2")
        );
        assert_eq!(
            key_region("arn:aws:kms:us-west-2:111122223333:key/abc", "eu-west-1"),
            None
        );
    }
}
