//! Pure format checks on single values (ARNs, instance types, tags, ...).
//! Each returns `Err(reason)` with a sentence saying what was expected; the
//! validator adds the attribute path and the value that was given.

use crate::aws::dlc;

/// `ml.<family>.<size>`, e.g. `ml.g5.2xlarge` or `ml.inf2.xlarge`.
pub fn instance_type(t: &str) -> Result<(), String> {
    let Some(rest) = t.strip_prefix("ml.") else {
        return Err("SageMaker instance types start with \"ml.\", for example \
                    \"ml.g5.2xlarge\""
            .into());
    };
    let parts: Vec<&str> = rest.split('.').collect();
    let family_ok = |f: &str| {
        f.starts_with(|c: char| c.is_ascii_lowercase())
            && f.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    };
    let size_ok = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    };
    if parts.len() == 2 && family_ok(parts[0]) && size_ok(parts[1]) {
        Ok(())
    } else {
        Err(
            "expected the form ml.<family>.<size> in lowercase, for example \
             \"ml.inf2.xlarge\""
                .into(),
        )
    }
}

/// Instance families with local NVMe instance storage. SageMaker encrypts
/// that storage with a hardware key and refuses a volume `KmsKeyId` for
/// them.
const INSTANCE_STORAGE_FAMILIES: &[&str] = &[
    "c5d", "m5d", "r5d", "g4dn", "g5", "g6", "g6e", "p3dn", "p4d", "p4de", "p5", "p5e", "p5en",
    "trn1", "trn1n", "trn2", "dl1",
];

/// True when `t` (`ml.<family>.<size>`) has local NVMe instance storage.
pub fn has_instance_storage(t: &str) -> bool {
    let family = t
        .strip_prefix("ml.")
        .and_then(|r| r.split('.').next())
        .unwrap_or("");
    INSTANCE_STORAGE_FAMILIES.contains(&family)
}

/// `arn:<partition>:kms:<region>:<12 digits>:key/<id>`: a key, not an
/// alias (a grant on an alias ARN does not cover the key behind it).
pub fn kms_key_arn(arn: &str) -> Result<(), String> {
    let ok = match arn_parts(arn) {
        Some(["arn", partition, "kms", region, account, res]) => {
            partition_ok(partition)
                && !region.is_empty()
                && region
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && account_id(account).is_ok()
                && res.strip_prefix("key/").is_some_and(|id| {
                    !id.is_empty()
                        && id.len() <= 128
                        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                })
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err("expected a KMS key ARN such as \
             \"arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab\" \
             (a key ARN, not an alias)"
            .into())
    }
}

/// A MIME type as SageMaker takes it in a data capture header: `type/subtype`
/// of letters, digits and `-.+`, at most 256 characters.
pub fn content_type(t: &str) -> Result<(), String> {
    let ok_part = |p: &str| {
        !p.is_empty()
            && p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-.+".contains(&b))
    };
    match t.split_once('/') {
        Some((a, b)) if t.len() <= 256 && ok_part(a) && ok_part(b) => Ok(()),
        _ => Err("expected a content type such as \"application/json\" or \"text/csv\"".into()),
    }
}

/// The six `:`-separated parts of an ARN (the last one may hold more `:`).
fn arn_parts(arn: &str) -> Option<[&str; 6]> {
    let mut it = arn.splitn(6, ':');
    Some([
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
    ])
}

/// The partition part of an ARN: `aws`, `aws-cn`, `aws-us-gov`, `aws-iso-b`, ...
fn partition_ok(p: &str) -> bool {
    p == "aws"
        || p.strip_prefix("aws-").is_some_and(|s| {
            !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
        })
}

fn iam_path_and_name_ok(rest: &str, max_name: usize) -> bool {
    let name = rest.rsplit('/').next().unwrap_or("");
    !name.is_empty()
        && name.len() <= max_name
        && rest
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-/".contains(&b))
}

/// `arn:<partition>:iam::<account>:<kind>/<path/name>`; returns the account.
fn iam_arn<'a>(arn: &'a str, kind: &str, max_name: usize) -> Option<&'a str> {
    let ["arn", partition, "iam", "", account, res] = arn_parts(arn)? else {
        return None;
    };
    let rest = res.strip_prefix(kind)?.strip_prefix('/')?;
    (partition_ok(partition) && iam_path_and_name_ok(rest, max_name)).then_some(account)
}

/// `arn:<partition>:iam::<12 digits>:role/[path/]name`.
pub fn role_arn(arn: &str) -> Result<(), String> {
    match iam_arn(arn, "role", 64) {
        Some(account) if account_id(account).is_ok() => Ok(()),
        _ => Err("expected an IAM role ARN such as \
                  \"arn:aws:iam::123456789012:role/MySageMakerRole\""
            .into()),
    }
}

/// `arn:<partition>:iam::(aws|<12 digits>):policy/[path/]name`.
pub fn policy_arn(arn: &str) -> Result<(), String> {
    match iam_arn(arn, "policy", 128) {
        Some(account) if account == "aws" || account_id(account).is_ok() => Ok(()),
        _ => Err("expected an IAM managed policy ARN such as \
                  \"arn:aws:iam::aws:policy/AmazonSageMakerFullAccess\""
            .into()),
    }
}

/// A 12-digit AWS account ID (the same rule as the DLC image table's).
pub fn account_id(id: &str) -> Result<(), String> {
    dlc::check_account(id).map_err(|e| e.to_string())
}

/// An ECR repository name, checked as [`dlc::check_repository`] does, so the
/// resource and the `dlc_image_uri` function give the same reason.
pub fn repository_name(name: &str) -> Result<(), String> {
    dlc::check_repository(name).map_err(|e| e.to_string())
}

/// A Docker image tag, checked as [`dlc::check_tag`] does.
pub fn image_tag(tag: &str) -> Result<(), String> {
    dlc::check_tag(tag).map_err(|e| e.to_string())
}

/// A direct image URI as SageMaker accepts it: 1-255 non-space characters.
pub fn image_uri(uri: &str) -> Result<(), String> {
    if uri.is_empty() {
        Err("the image URI must not be empty".into())
    } else if uri.len() > 255 {
        Err(format!(
            "the image URI is at most 255 characters; this one has {}",
            uri.len()
        ))
    } else if uri.chars().any(char::is_whitespace) {
        Err("the image URI must not contain spaces".into())
    } else {
        Ok(())
    }
}

/// Characters SageMaker allows in tag keys and values: letters, numbers,
/// spaces and `_.:/=+-@`.
fn tag_chars_ok(s: &str) -> bool {
    s.chars().all(|c| {
        c.is_alphanumeric() || (c.is_whitespace() && !c.is_control()) || "_.:/=+-@".contains(c)
    })
}

/// A tag key: 1-128 allowed characters.
pub fn tag_key(key: &str) -> Result<(), String> {
    let n = key.chars().count();
    if n == 0 || n > 128 {
        Err(format!(
            "tag keys are 1 to 128 characters; this one has {n}"
        ))
    } else if !tag_chars_ok(key) {
        Err("tag keys may only contain letters, numbers, spaces and _.:/=+-@".into())
    } else {
        Ok(())
    }
}

/// A tag value: at most 256 allowed characters (may be empty).
pub fn tag_value(value: &str) -> Result<(), String> {
    let n = value.chars().count();
    if n > 256 {
        Err(format!(
            "tag values are at most 256 characters; this one has {n}"
        ))
    } else if !tag_chars_ok(value) {
        Err("tag values may only contain letters, numbers, spaces and _.:/=+-@".into())
    } else {
        Ok(())
    }
}

/// An environment variable name: `[a-zA-Z_][a-zA-Z0-9_]*`, at most 1024.
pub fn env_name(name: &str) -> Result<(), String> {
    let first_ok = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_');
    if first_ok
        && name.len() <= 1024
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        Ok(())
    } else {
        Err(
            "environment variable names match [a-zA-Z_][a-zA-Z0-9_]* and are at most 1024 \
             characters"
                .into(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instance_types() {
        for ok in [
            "ml.g5.2xlarge",
            "ml.inf2.xlarge",
            "ml.p4d.24xlarge",
            "ml.m5.large",
        ] {
            assert!(instance_type(ok).is_ok(), "{ok}");
        }
        for bad in [
            "g5.2xlarge",
            "ml.",
            "ml.g5",
            "ml.g5.",
            "ml..large",
            "ml.G5.xlarge",
            "ml.5g.large",
            "ml.g5.2xlarge.x",
            "ML.g5.large",
            "",
        ] {
            assert!(instance_type(bad).is_err(), "{bad}");
        }
        assert!(
            instance_type("c5.large")
                .unwrap_err()
                .contains("start with")
        );
        assert!(instance_type("ml.c5").unwrap_err().contains("<family>"));
    }

    #[test]
    fn role_and_policy_arns() {
        for ok in [
            "arn:aws:iam::123456789012:role/R",
            "arn:aws-cn:iam::123456789012:role/service-role/My.Role_1",
            "arn:aws-us-gov:iam::123456789012:role/a+b=c,d@e-f",
        ] {
            assert!(role_arn(ok).is_ok(), "{ok}");
        }
        for bad in [
            "arn:aws:iam::12345678901:role/R",
            "arn:aws:iam::123456789012:user/R",
            "arn:aws:iam::123456789012:role/",
            "arn:aws:iam::123456789012:role",
            "arn:aws:iam:us-east-1:123456789012:role/R",
            "arn:gcp:iam::123456789012:role/R",
            "arn:aws:s3::123456789012:role/R",
            "MyRole",
            &format!("arn:aws:iam::123456789012:role/{}", "r".repeat(65)),
        ] {
            assert!(role_arn(bad).is_err(), "{bad}");
        }
        assert!(policy_arn("arn:aws:iam::aws:policy/AmazonSageMakerFullAccess").is_ok());
        assert!(policy_arn("arn:aws:iam::123456789012:policy/team/P").is_ok());
        assert!(policy_arn("arn:aws:iam::aws:role/AmazonSageMakerFullAccess").is_err());
        assert!(policy_arn("AmazonSageMakerFullAccess").is_err());
        assert!(policy_arn("arn:aws:iam::amazon:policy/P").is_err());
    }

    #[test]
    fn ids_repositories_tags_and_uris() {
        assert!(account_id("763104351884").is_ok());
        assert!(account_id("76310435188").is_err());
        assert!(account_id("76310435188x").is_err());
        assert!(repository_name("huggingface-pytorch-tgi-inference").is_ok());
        assert!(repository_name("team/model").is_ok());
        assert!(repository_name("Upper").is_err());
        assert!(repository_name("x").is_err());
        assert!(repository_name("").unwrap_err().contains("empty"));
        assert!(repository_name("trailing/").is_err());
        assert!(image_tag("2.1.1-tgi1.4.0-gpu-py310-cu121-ubuntu22.04").is_ok());
        assert!(image_tag("").unwrap_err().contains("empty"));
        assert!(image_tag("-x").is_err());
        assert!(image_tag("a:b").is_err());
        assert!(image_tag(&"t".repeat(129)).is_err());
        assert!(image_uri("1.dkr.ecr.us-east-1.amazonaws.com/r:t").is_ok());
        assert!(image_uri("").is_err());
        assert!(image_uri("a b").is_err());
        assert!(image_uri(&"a".repeat(256)).is_err());
    }

    #[test]
    fn tags_and_environment() {
        assert!(tag_key("team").is_ok());
        assert!(tag_key("cost center:a/b=c+d-e@f_g.h").is_ok());
        assert!(tag_key("").is_err());
        assert!(tag_key(&"k".repeat(129)).is_err());
        assert!(tag_key("bad#key").is_err());
        assert!(tag_value("").is_ok());
        assert!(tag_value("meta-llama/Llama-2-7b-chat-hf").is_ok());
        assert!(tag_value(&"v".repeat(257)).is_err());
        assert!(tag_value("a\tb").is_err());
        assert!(env_name("HF_MODEL_ID").is_ok());
        assert!(env_name("_x1").is_ok());
        assert!(env_name("1X").is_err());
        assert!(env_name("A-B").is_err());
        assert!(env_name("").is_err());
        assert!(env_name(&"A".repeat(1025)).is_err());
    }
}
