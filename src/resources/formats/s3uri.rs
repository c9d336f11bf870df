//! `s3://bucket/key` URIs: parsing and bucket-name rules. Used to validate
//! `model_data_url` and the async output paths, and later by the generated
//! role to scope its S3 permissions to one bucket and key or prefix.

/// A parsed `s3://bucket/key` URI. The key may be empty (`s3://bucket/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Uri {
    pub bucket: String,
    pub key: String,
}

/// Why a string is not a usable S3 URI.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum S3UriError {
    #[error("expected a URI of the form s3://bucket/key, got {0:?}")]
    NotS3(String),
    #[error("bucket name {bucket:?} is invalid: {reason}")]
    Bucket {
        bucket: String,
        reason: &'static str,
    },
}

impl S3Uri {
    /// Parses `s3://bucket[/key]`. The scheme is matched exactly (lowercase).
    pub fn parse(uri: &str) -> Result<S3Uri, S3UriError> {
        let rest = uri
            .strip_prefix("s3://")
            .ok_or_else(|| S3UriError::NotS3(uri.to_string()))?;
        let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(S3UriError::NotS3(uri.to_string()));
        }
        check_bucket(bucket).map_err(|reason| S3UriError::Bucket {
            bucket: bucket.to_string(),
            reason,
        })?;
        Ok(S3Uri {
            bucket: bucket.to_string(),
            key: key.to_string(),
        })
    }

    /// True when the key names a gzip-compressed tar archive, which SageMaker
    /// takes as `ModelDataUrl`; anything else is an uncompressed S3 prefix.
    pub fn is_tar_gz(&self) -> bool {
        self.key.ends_with(".tar.gz")
    }
}

/// The general-purpose bucket naming rules that matter for a URI.
fn check_bucket(bucket: &str) -> Result<(), &'static str> {
    if bucket.len() < 3 || bucket.len() > 63 {
        return Err("it must be 3 to 63 characters long");
    }
    if !bucket
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
    {
        return Err("only lowercase letters, digits, dots and hyphens are allowed");
    }
    let alnum = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    if !alnum(bucket.bytes().next()) || !alnum(bucket.bytes().last()) {
        return Err("it must begin and end with a letter or a digit");
    }
    if bucket.contains("..") {
        return Err("it must not contain two adjacent dots");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_bucket_and_key() {
        let u = S3Uri::parse("s3://my-bucket/models/m.tar.gz").unwrap();
        assert_eq!(u.bucket, "my-bucket");
        assert_eq!(u.key, "models/m.tar.gz");
        assert!(u.is_tar_gz());
        let p = S3Uri::parse("s3://my.bucket/prefix/").unwrap();
        assert_eq!(p.key, "prefix/");
        assert!(!p.is_tar_gz());
        assert_eq!(S3Uri::parse("s3://abc").unwrap().key, "");
        assert_eq!(S3Uri::parse("s3://abc/").unwrap().key, "");
    }

    #[test]
    fn rejects_other_schemes_and_empty_buckets() {
        for bad in [
            "https://b/k",
            "S3://bucket/k",
            "bucket/key",
            "s3://",
            "s3:///key",
            "",
        ] {
            assert!(
                matches!(S3Uri::parse(bad), Err(S3UriError::NotS3(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn rejects_bad_bucket_names() {
        for bad in [
            "ab",
            "Upper",
            "under_score",
            "-leading",
            "trailing-",
            "two..dots",
            &"x".repeat(64),
        ] {
            let uri = format!("s3://{bad}/k");
            assert!(
                matches!(S3Uri::parse(&uri), Err(S3UriError::Bucket { .. })),
                "{uri}"
            );
        }
        assert!(S3Uri::parse(&format!("s3://{}/k", "x".repeat(63))).is_ok());
    }
}
