//! TEMPORARY stand-in for `crate::aws::{dlc, names}` while they are being
//! written by another engineer. Same signatures; deleted once theirs land.

pub mod dlc {
    #[derive(Debug, thiserror::Error)]
    #[error("region {0:?} has no known Deep Learning Containers account; set account_id")]
    pub struct DlcError(pub String);

    pub fn image_uri(
        repository: &str,
        tag: &str,
        region: &str,
        account: Option<&str>,
    ) -> Result<String, DlcError> {
        let account = match account {
            Some(a) => a,
            None => match region {
                "us-east-1" | "us-west-2" | "eu-west-1" => "763104351884",
                "cn-north-1" => "727897471807",
                _ => return Err(DlcError(region.to_string())),
            },
        };
        let suffix = if region.starts_with("cn-") {
            "amazonaws.com.cn"
        } else {
            "amazonaws.com"
        };
        Ok(format!(
            "{account}.dkr.ecr.{region}.{suffix}/{repository}:{tag}"
        ))
    }
}

pub mod names {
    use sha2::{Digest, Sha256};

    fn check(name: &str, what: &str) -> Result<(), String> {
        let ok = !name.is_empty()
            && name.len() <= 63
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !name.starts_with('-')
            && !name.ends_with('-');
        if ok {
            Ok(())
        } else {
            Err(format!("{what} must be 1-63 letters, digits or hyphens"))
        }
    }

    pub fn validate_endpoint_name(name: &str) -> Result<(), String> {
        check(name, "an endpoint name")
    }

    pub fn content_hash(parts: &[&str]) -> String {
        let mut h = Sha256::new();
        for p in parts {
            h.update(p.len().to_le_bytes());
            h.update(p.as_bytes());
        }
        h.finalize()[..4]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    pub fn model_name(endpoint: &str, hash: &str) -> String {
        let base: String = endpoint.chars().take(50).collect();
        format!("{base}-m-{hash}")
    }

    pub fn endpoint_config_name(endpoint: &str, hash: &str) -> String {
        let base: String = endpoint.chars().take(50).collect();
        format!("{base}-c-{hash}")
    }
}
