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

/// `s3://` or `https://` URLs of model data and output paths.
pub fn data_url(url: &str, path: &str) -> Result<(), ApiError> {
    let rest = url
        .strip_prefix("s3://")
        .or_else(|| url.strip_prefix("https://"));
    let ok = url.len() <= 1024 && rest.is_some_and(|r| !r.is_empty() && !r.starts_with('/'));
    if ok {
        Ok(())
    } else {
        Err(constraint(
            url,
            path,
            "Member must satisfy regular expression pattern: ^(https|s3)://([^/]+)/?(.*)$",
        ))
    }
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
    }
}
