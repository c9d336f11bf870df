//! Data capture: the `DataCaptureConfig` of CreateEndpointConfig, checked against SageMaker's
//! constraints (stored and described verbatim by the config), and the summary
//! DescribeEndpoint shows for the capture of the live deployment.

use std::collections::HashSet;

use serde_json::{Value, json};

use super::api::ApiError;
use super::validate::{self, optional_list, optional_str};

/// The capture modes SageMaker accepts in `CaptureOptions[].CaptureMode`.
pub const CAPTURE_MODES: &[&str] = &["Input", "Output", "InputAndOutput"];

const PATH: &str = "DataCaptureConfig";

/// Validates a `DataCaptureConfig` (its `KmsKeyId` is checked with the other KMS keys).
pub fn validate(dc: &Value) -> Result<(), ApiError> {
    if !dc.is_object() {
        return Err(ApiError::serialization(
            "DataCaptureConfig must be an object".into(),
        ));
    }
    validate::optional_bool(dc, "EnableCapture")?;
    let pct_path = format!("{PATH}.InitialSamplingPercentage");
    let pct = validate::required_int(dc, "InitialSamplingPercentage", &pct_path)?;
    validate::int_range(pct, &pct_path, 0, 100)?;
    let dest_path = format!("{PATH}.DestinationS3Uri");
    let dest = validate::required_str_at(dc, "DestinationS3Uri", &dest_path)?;
    validate::s3_or_https_url(dest, &dest_path, 512)?;
    capture_options(dc)?;
    if let Some(header) = dc.get("CaptureContentTypeHeader") {
        for member in ["CsvContentTypes", "JsonContentTypes"] {
            content_types(header, member)?;
        }
    }
    Ok(())
}

/// `CaptureOptions`: 1 to 32 entries, each with a known `CaptureMode`, none repeated.
fn capture_options(dc: &Value) -> Result<(), ApiError> {
    let path = format!("{PATH}.CaptureOptions");
    let list = optional_list(dc, "CaptureOptions")?.ok_or_else(|| validate::missing(&path))?;
    validate::list_length(list.len(), &path, 1, 32)?;
    let mut seen = HashSet::new();
    for (i, option) in list.iter().enumerate() {
        let mode_path = format!("{path}.{}.member.CaptureMode", i + 1);
        let mode = validate::required_str_at(option, "CaptureMode", &mode_path)?;
        validate::one_of(mode, &mode_path, CAPTURE_MODES)?;
        if !seen.insert(mode) {
            return Err(ApiError::validation(format!(
                "Invalid DataCaptureConfig: CaptureMode {mode} is listed more than once in CaptureOptions."
            )));
        }
    }
    Ok(())
}

/// `CaptureContentTypeHeader.<member>`: 1 to 10 MIME types of at most 256 characters.
fn content_types(header: &Value, member: &str) -> Result<(), ApiError> {
    let Some(list) = optional_list(header, member)? else {
        return Ok(());
    };
    let path = format!("{PATH}.CaptureContentTypeHeader.{member}");
    validate::list_length(list.len(), &path, 1, 10)?;
    for (i, t) in list.iter().enumerate() {
        let item_path = format!("{path}.{}.member", i + 1);
        let Some(t) = t.as_str() else {
            return Err(ApiError::serialization(format!(
                "{member} must hold strings, got {t}"
            )));
        };
        if t.is_empty() || t.chars().count() > 256 {
            return Err(validate::constraint(
                t,
                &item_path,
                "Member must have length between 1 and 256",
            ));
        }
        if !validate::is_content_type(t) {
            return Err(validate::constraint(
                t,
                &item_path,
                &format!(
                    "Member must satisfy regular expression pattern: {}",
                    validate::CONTENT_TYPE_PATTERN
                ),
            ));
        }
    }
    Ok(())
}

/// DescribeEndpoint's `DataCaptureConfig` summary of a deployment's capture settings.
pub fn summary(dc: &Value) -> Value {
    let enabled = dc
        .get("EnableCapture")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let mut o = json!({
        "EnableCapture": enabled,
        "CaptureStatus": if enabled { "Started" } else { "Stopped" },
        "CurrentSamplingPercentage": dc.get("InitialSamplingPercentage").cloned().unwrap_or(json!(100)),
        "DestinationS3Uri": optional_str(dc, "DestinationS3Uri").unwrap_or_default(),
    });
    if let Some(k) = dc.get("KmsKeyId") {
        o["KmsKeyId"] = k.clone();
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Value {
        json!({
            "EnableCapture": true,
            "InitialSamplingPercentage": 20,
            "DestinationS3Uri": "s3://capture/ep",
            "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}],
            "CaptureContentTypeHeader": {"JsonContentTypes": ["application/json"]}
        })
    }

    fn refused(patch: impl FnOnce(&mut Value)) -> String {
        let mut dc = config();
        patch(&mut dc);
        validate(&dc).expect_err("refused").message
    }

    #[test]
    fn accepts_a_full_config() {
        assert!(validate(&config()).is_ok());
    }

    #[test]
    fn refuses_bad_members() {
        assert!(
            refused(|d| d["InitialSamplingPercentage"] = json!(101))
                .contains("at 'dataCaptureConfig.initialSamplingPercentage'")
        );
        assert!(
            refused(|d| d["DestinationS3Uri"] = json!("capture/ep"))
                .contains("at 'dataCaptureConfig.destinationS3Uri'")
        );
        assert!(refused(|d| d["CaptureOptions"] = json!([])).contains("length between 1 and 32"));
        assert!(
            refused(|d| d["CaptureOptions"] = json!([{"CaptureMode": "Both"}]))
                .contains("at 'dataCaptureConfig.captureOptions.1.member.captureMode'")
        );
        assert!(
            refused(|d| d["CaptureOptions"] =
                json!([{"CaptureMode": "Input"}, {"CaptureMode": "Input"}]))
            .contains("more than once")
        );
        assert!(
            refused(|d| d["CaptureContentTypeHeader"]["CsvContentTypes"] = json!(["csv"]))
                .contains("captureContentTypeHeader.csvContentTypes.1.member")
        );
        assert!(
            refused(|d| {
                d.as_object_mut().map(|o| o.remove("DestinationS3Uri"));
            })
            .contains("Value null at 'dataCaptureConfig.destinationS3Uri'")
        );
    }

    #[test]
    fn summary_reports_status() {
        let s = summary(
            &json!({"EnableCapture": false, "InitialSamplingPercentage": 5, "DestinationS3Uri": "s3://b", "KmsKeyId": "k"}),
        );
        assert_eq!(
            s,
            json!({"EnableCapture": false, "CaptureStatus": "Stopped", "CurrentSamplingPercentage": 5, "DestinationS3Uri": "s3://b", "KmsKeyId": "k"})
        );
    }
}
