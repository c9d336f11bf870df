//! Input validation with SageMaker's own patterns, lengths and messages.

use serde_json::Value;

use super::api::ApiError;

/// The pattern of endpoint, endpoint-config and variant names.
pub const ENDPOINT_NAME_PATTERN: &str = "^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}";
/// The pattern of model names.
pub const MODEL_NAME_PATTERN: &str = "^[a-zA-Z0-9]([\\-a-zA-Z0-9]*[a-zA-Z0-9])?$";

/// The wire (camelCase) name of a member, as AWS quotes it in validation messages.
pub fn wire_name(path: &str) -> String {
    path.split('.')
        .map(|seg| {
            let mut c = seg.chars();
            match c.next() {
                Some(f) => f.to_lowercase().chain(c).collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<String>>()
        .join(".")
}

/// The `1 validation error detected: …` message for member `path` (wire-cased) holding `value`.
pub fn constraint(value: &str, path: &str, what: &str) -> ApiError {
    ApiError::validation(format!(
        "1 validation error detected: Value '{value}' at '{}' failed to satisfy constraint: {what}",
        wire_name(path)
    ))
}

/// A required string member.
pub fn required_str<'a>(input: &'a Value, member: &str) -> Result<&'a str, ApiError> {
    match input.get(member) {
        Some(Value::String(s)) => Ok(s),
        Some(Value::Null) | None => Err(ApiError::validation(format!(
            "1 validation error detected: Value null at '{}' failed to satisfy constraint: Member must not be null",
            wire_name(member)
        ))),
        Some(other) => Err(ApiError::serialization(format!(
            "{member} must be a string, got {other}"
        ))),
    }
}

/// An optional string member.
pub fn optional_str<'a>(input: &'a Value, member: &str) -> Option<&'a str> {
    input.get(member).and_then(Value::as_str)
}

/// The `Value null at '…'` error for a required member at `path` (PascalCase, dotted).
pub fn missing(path: &str) -> ApiError {
    ApiError::validation(format!(
        "1 validation error detected: Value null at '{}' failed to satisfy constraint: Member must not be null",
        wire_name(path)
    ))
}

/// A required string member `member` of `input`, which sits at `path`.
pub fn required_str_at<'a>(
    input: &'a Value,
    member: &str,
    path: &str,
) -> Result<&'a str, ApiError> {
    match input.get(member) {
        Some(Value::String(s)) => Ok(s),
        Some(Value::Null) | None => Err(missing(path)),
        Some(other) => Err(ApiError::serialization(format!(
            "{member} must be a string, got {other}"
        ))),
    }
}

/// An optional integer member (a SerializationException when it is not a whole number).
pub fn optional_int(input: &Value, member: &str) -> Result<Option<i64>, ApiError> {
    match input.get(member) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v.as_i64().map(Some).ok_or_else(|| {
            ApiError::serialization(format!("{member} must be an integer, got {v}"))
        }),
    }
}

/// A required integer member `member` of `input`, which sits at `path`.
pub fn required_int(input: &Value, member: &str, path: &str) -> Result<i64, ApiError> {
    optional_int(input, member)?.ok_or_else(|| missing(path))
}

/// An optional boolean member (a SerializationException when it is not a boolean).
pub fn optional_bool(input: &Value, member: &str) -> Result<Option<bool>, ApiError> {
    match input.get(member) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(other) => Err(ApiError::serialization(format!(
            "{member} must be a boolean, got {other}"
        ))),
    }
}

/// An optional list member (a SerializationException when it is not a list).
pub fn optional_list<'a>(
    input: &'a Value,
    member: &str,
) -> Result<Option<&'a Vec<Value>>, ApiError> {
    match input.get(member) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(list)) => Ok(Some(list)),
        Some(other) => Err(ApiError::serialization(format!(
            "{member} must be a list, got {other}"
        ))),
    }
}

/// An integer range constraint, in AWS's wording.
pub fn int_range(value: i64, path: &str, min: i64, max: i64) -> Result<(), ApiError> {
    if value < min {
        Err(constraint(
            &value.to_string(),
            path,
            &format!("Member must have value greater than or equal to {min}"),
        ))
    } else if value > max {
        Err(constraint(
            &value.to_string(),
            path,
            &format!("Member must have value less than or equal to {max}"),
        ))
    } else {
        Ok(())
    }
}

/// A list length constraint.
pub fn list_length(len: usize, path: &str, min: usize, max: usize) -> Result<(), ApiError> {
    if (min..=max).contains(&len) {
        Ok(())
    } else {
        Err(ApiError::validation(format!(
            "1 validation error detected: Value at '{}' failed to satisfy constraint: Member must have length between {min} and {max}",
            wire_name(path)
        )))
    }
}

/// An enum constraint: `value` must be one of `allowed`.
pub fn one_of(value: &str, path: &str, allowed: &[&str]) -> Result<(), ApiError> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(constraint(
            value,
            path,
            &format!(
                "Member must satisfy enum value set: [{}]",
                allowed.join(", ")
            ),
        ))
    }
}

fn alnum_dash_name(name: &str) -> bool {
    let b = name.as_bytes();
    !b.is_empty()
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
}

/// Endpoint, endpoint config and variant names.
pub fn endpoint_style_name(name: &str, path: &str) -> Result<(), ApiError> {
    if name.len() > 63 {
        return Err(constraint(
            name,
            path,
            "Member must have length less than or equal to 63",
        ));
    }
    if !alnum_dash_name(name) {
        return Err(constraint(
            name,
            path,
            &format!("Member must satisfy regular expression pattern: {ENDPOINT_NAME_PATTERN}"),
        ));
    }
    Ok(())
}

/// Model names.
pub fn model_name(name: &str, path: &str) -> Result<(), ApiError> {
    if name.len() > 63 {
        return Err(constraint(
            name,
            path,
            "Member must have length less than or equal to 63",
        ));
    }
    if !alnum_dash_name(name) {
        return Err(constraint(
            name,
            path,
            &format!("Member must satisfy regular expression pattern: {MODEL_NAME_PATTERN}"),
        ));
    }
    Ok(())
}

/// IAM role ARNs (`arn:aws:iam::123456789012:role/Name`).
pub fn role_arn(arn: &str, path: &str) -> Result<(), ApiError> {
    let ok = arn.len() >= 20
        && arn.len() <= 2048
        && arn.starts_with("arn:aws")
        && arn.split(':').nth(2) == Some("iam")
        && arn
            .split(':')
            .nth(4)
            .is_some_and(|acct| acct.len() == 12 && acct.bytes().all(|c| c.is_ascii_digit()))
        && arn
            .split(':')
            .nth(5)
            .is_some_and(|r| r.starts_with("role/") && r.len() > 5);
    if ok {
        Ok(())
    } else {
        Err(constraint(
            arn,
            path,
            "Member must satisfy regular expression pattern: ^arn:aws[a-z\\-]*:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+$",
        ))
    }
}

/// `s3://` or `https://` URLs of model data.
pub fn data_url(url: &str, path: &str) -> Result<(), ApiError> {
    s3_or_https_url(url, path, 1024)
}

/// `s3://` or `https://` URLs of at most `max` characters (1024 for model data, 512 for
/// output and capture destinations).
pub fn s3_or_https_url(url: &str, path: &str, max: usize) -> Result<(), ApiError> {
    if url.len() > max {
        return Err(constraint(
            url,
            path,
            &format!("Member must have length less than or equal to {max}"),
        ));
    }
    let rest = url
        .strip_prefix("s3://")
        .or_else(|| url.strip_prefix("https://"));
    if rest.is_some_and(|r| !r.is_empty() && !r.starts_with('/')) {
        Ok(())
    } else {
        Err(constraint(
            url,
            path,
            "Member must satisfy regular expression pattern: ^(https|s3)://([^/]+)/?(.*)$",
        ))
    }
}

/// The pattern of the MIME types data capture recognises (`CsvContentTypes`, `JsonContentTypes`).
pub const CONTENT_TYPE_PATTERN: &str = "[a-zA-Z0-9](-*[a-zA-Z0-9])*\\/[a-zA-Z0-9](-*[a-zA-Z0-9.])*";

/// Whether `t` is `type/subtype` in the shape [`CONTENT_TYPE_PATTERN`] allows: letters and
/// digits with inner dashes before the slash, and also dots after it.
pub fn is_content_type(t: &str) -> bool {
    let Some((kind, sub)) = t.split_once('/') else {
        return false;
    };
    let part_ok = |p: &str, extra: u8| {
        let b = p.as_bytes();
        !b.is_empty()
            && b[0].is_ascii_alphanumeric()
            && b[b.len() - 1] != b'-'
            && b.iter()
                .all(|c| c.is_ascii_alphanumeric() || *c == b'-' || *c == extra)
    };
    part_ok(kind, b'-') && part_ok(sub, b'.')
}

/// Instance families and sizes SageMaker hosting accepts (current generation included).
const INSTANCE_FAMILIES: &[(&str, &[&str])] = &[
    ("t2", &["medium", "large", "xlarge", "2xlarge"]),
    (
        "m4",
        &["xlarge", "2xlarge", "4xlarge", "10xlarge", "16xlarge"],
    ),
    (
        "m5",
        &[
            "large", "xlarge", "2xlarge", "4xlarge", "12xlarge", "24xlarge",
        ],
    ),
    (
        "m5d",
        &[
            "large", "xlarge", "2xlarge", "4xlarge", "12xlarge", "24xlarge",
        ],
    ),
    (
        "m6i",
        &[
            "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge",
            "32xlarge",
        ],
    ),
    (
        "m7i",
        &[
            "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge",
            "48xlarge",
        ],
    ),
    ("c4", &["large", "xlarge", "2xlarge", "4xlarge", "8xlarge"]),
    (
        "c5",
        &[
            "large", "xlarge", "2xlarge", "4xlarge", "9xlarge", "18xlarge",
        ],
    ),
    (
        "c5d",
        &[
            "large", "xlarge", "2xlarge", "4xlarge", "9xlarge", "18xlarge",
        ],
    ),
    (
        "c6i",
        &[
            "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge",
            "32xlarge",
        ],
    ),
    (
        "c7i",
        &[
            "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge",
            "48xlarge",
        ],
    ),
    (
        "r5",
        &[
            "large", "xlarge", "2xlarge", "4xlarge", "12xlarge", "24xlarge",
        ],
    ),
    (
        "r5d",
        &[
            "large", "xlarge", "2xlarge", "4xlarge", "12xlarge", "24xlarge",
        ],
    ),
    (
        "r6i",
        &[
            "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge",
            "32xlarge",
        ],
    ),
    (
        "r7i",
        &[
            "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge",
            "48xlarge",
        ],
    ),
    (
        "m6g",
        &[
            "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge",
        ],
    ),
    (
        "c6g",
        &[
            "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge",
        ],
    ),
    (
        "c7g",
        &[
            "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge",
        ],
    ),
    (
        "r6g",
        &[
            "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge",
        ],
    ),
    (
        "r7g",
        &[
            "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge",
        ],
    ),
    ("p2", &["xlarge", "8xlarge", "16xlarge"]),
    ("p3", &["2xlarge", "8xlarge", "16xlarge"]),
    ("p3dn", &["24xlarge"]),
    ("p4d", &["24xlarge"]),
    ("p4de", &["24xlarge"]),
    ("p5", &["48xlarge"]),
    ("p5e", &["48xlarge"]),
    ("p5en", &["48xlarge"]),
    (
        "g4dn",
        &[
            "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge",
        ],
    ),
    (
        "g5",
        &[
            "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge",
            "48xlarge",
        ],
    ),
    (
        "g6",
        &[
            "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge",
            "48xlarge",
        ],
    ),
    (
        "g6e",
        &[
            "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge",
            "48xlarge",
        ],
    ),
    ("inf1", &["xlarge", "2xlarge", "6xlarge", "24xlarge"]),
    ("inf2", &["xlarge", "8xlarge", "24xlarge", "48xlarge"]),
    ("trn1", &["2xlarge", "32xlarge"]),
    ("trn1n", &["32xlarge"]),
    ("trn2", &["48xlarge"]),
    ("dl1", &["24xlarge"]),
];

/// Whether `t` is an `ml.*` hosting instance type we know.
pub fn is_instance_type(t: &str) -> bool {
    let Some(rest) = t.strip_prefix("ml.") else {
        return false;
    };
    let Some((family, size)) = rest.split_once('.') else {
        return false;
    };
    INSTANCE_FAMILIES
        .iter()
        .any(|(f, sizes)| *f == family && sizes.contains(&size))
}

/// All known instance types, for error messages.
pub fn instance_types() -> Vec<String> {
    INSTANCE_FAMILIES
        .iter()
        .flat_map(|(f, sizes)| sizes.iter().map(move |s| format!("ml.{f}.{s}")))
        .collect()
}

/// Validates an instance type member.
pub fn instance_type(t: &str, path: &str) -> Result<(), ApiError> {
    if is_instance_type(t) {
        Ok(())
    } else {
        Err(constraint(
            t,
            path,
            &format!(
                "Member must satisfy enum value set: [{}]",
                instance_types().join(", ")
            ),
        ))
    }
}

/// Validates a `Tags` list (at most 50, key 1..=128, value 0..=256 characters).
pub fn tags(tags: Option<&Value>) -> Result<Vec<(String, String)>, ApiError> {
    let Some(list) = tags else {
        return Ok(Vec::new());
    };
    let Some(list) = list.as_array() else {
        return Err(ApiError::serialization("Tags must be a list".into()));
    };
    if list.len() > 50 {
        return Err(ApiError::validation(
            "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50".into(),
        ));
    }
    let mut out = Vec::new();
    for (i, t) in list.iter().enumerate() {
        let key = required_str(t, "Key")?;
        let value = optional_str(t, "Value").unwrap_or_default();
        if key.is_empty() || key.chars().count() > 128 {
            return Err(constraint(
                key,
                &format!("tags.{}.member.key", i + 1),
                "Member must have length between 1 and 128",
            ));
        }
        if value.chars().count() > 256 {
            return Err(constraint(
                value,
                &format!("tags.{}.member.value", i + 1),
                "Member must have length less than or equal to 256",
            ));
        }
        out.push((key.to_string(), value.to_string()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(endpoint_style_name("my-endpoint-1", "EndpointName").is_ok());
        assert!(endpoint_style_name("a--b", "EndpointName").is_ok());
        assert!(endpoint_style_name("-a", "EndpointName").is_err());
        assert!(endpoint_style_name("a_b", "EndpointName").is_err());
        assert!(endpoint_style_name(&"a".repeat(64), "EndpointName").is_err());
        assert!(endpoint_style_name(&"a".repeat(63), "EndpointName").is_ok());
        let e = model_name("bad.name", "ModelName").unwrap_err();
        assert!(e.message.contains("at 'modelName'"), "{}", e.message);
        assert_eq!(
            wire_name("PrimaryContainer.ModelDataUrl"),
            "primaryContainer.modelDataUrl"
        );
    }

    #[test]
    fn instance_types_include_current_generations() {
        for t in [
            "ml.inf2.xlarge",
            "ml.g5.2xlarge",
            "ml.g6.xlarge",
            "ml.m5.large",
            "ml.p5.48xlarge",
        ] {
            assert!(is_instance_type(t), "{t}");
        }
        for t in ["m5.large", "ml.m5.huge", "ml.zz.large", "ml.t2"] {
            assert!(!is_instance_type(t), "{t}");
        }
    }

    #[test]
    fn role_arns_and_urls() {
        assert!(role_arn("arn:aws:iam::123456789012:role/x", "ExecutionRoleArn").is_ok());
        assert!(role_arn("arn:aws:iam::123:role/x", "ExecutionRoleArn").is_err());
        assert!(data_url("s3://b/k.tar.gz", "ModelDataUrl").is_ok());
        assert!(data_url("ftp://b/k", "ModelDataUrl").is_err());
        let long = format!("s3://b/{}", "k".repeat(600));
        assert!(s3_or_https_url(&long, "DestinationS3Uri", 512).is_err());
        assert!(s3_or_https_url(&long, "ModelDataUrl", 1024).is_ok());
    }

    #[test]
    fn ranges_lists_enums_and_content_types() {
        let e = int_range(101, "DataCaptureConfig.InitialSamplingPercentage", 0, 100).unwrap_err();
        assert_eq!(
            e.message,
            "1 validation error detected: Value '101' at 'dataCaptureConfig.initialSamplingPercentage' failed to satisfy constraint: Member must have value less than or equal to 100"
        );
        assert!(int_range(0, "x", 0, 100).is_ok());
        assert!(
            int_range(-1, "x", 0, 100)
                .unwrap_err()
                .message
                .contains("greater than or equal to 0")
        );
        assert!(
            list_length(0, "A.B", 1, 10)
                .unwrap_err()
                .message
                .contains("at 'a.b'")
        );
        assert!(one_of("Both", "M", &["Input", "Output"]).is_err());
        for ok in [
            "text/csv",
            "application/json",
            "application/x-ndjson",
            "application/vnd.api.v1",
        ] {
            assert!(is_content_type(ok), "{ok}");
        }
        for bad in [
            "csv",
            "text/",
            "/csv",
            "text/csv; charset=utf-8",
            "-a/b",
            "a-/b",
            "a/b-",
            "a b/c",
        ] {
            assert!(!is_content_type(bad), "{bad}");
        }
    }
}
