//! AWS Deep Learning Containers (DLC): which account hosts the prebuilt
//! images in each region, and how an image URI is spelled there.
//!
//! An image URI is `<account>.dkr.ecr.<region>.<dns suffix>/<repository>:<tag>`.
//! Most commercial regions share one account; newer opt-in regions and the
//! China regions each have their own. For a region missing from the table
//! the user must name the account explicitly (`container.account_id`), and an
//! explicit account always wins over the table.

/// The account that hosts DLC images in most commercial regions.
pub(crate) const DEFAULT_ACCOUNT: &str = "763104351884";

/// Regions served by [`DEFAULT_ACCOUNT`].
const DEFAULT_ACCOUNT_REGIONS: &[&str] = &[
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ca-central-1",
    "eu-central-1",
    "eu-north-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

/// Regions with their own DLC account.
const OTHER_ACCOUNTS: &[(&str, &str)] = &[
    ("ap-east-1", "871362719292"),
    ("ap-east-2", "975050140332"),
    ("ap-south-2", "772153158452"),
    ("ap-southeast-3", "907027046896"),
    ("ap-southeast-4", "457447274322"),
    ("ap-southeast-6", "633930458069"),
    ("cn-north-1", "727897471807"),
    ("cn-northwest-1", "727897471807"),
    ("eu-central-2", "380420809688"),
    ("eu-south-1", "692866216735"),
    ("eu-south-2", "503227376785"),
    ("me-central-1", "914824155844"),
    ("me-south-1", "217643126080"),
];

/// Which input of an image URI a [`DlcError`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Input {
    Repository,
    Tag,
    Region,
    Account,
}

/// Why no image URI could be formed. The messages name no attribute or
/// argument: the resource and the provider function each say where the value
/// came from, so both report the same problem in the same words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DlcError {
    #[error("the repository name must not be empty")]
    EmptyRepository,
    #[error(
        "an ECR repository name is 2 to 256 lowercase letters, digits, '.', '_', '-' or '/', \
         starting and ending with a letter or digit"
    )]
    InvalidRepository,
    #[error("the image tag must not be empty")]
    EmptyTag,
    #[error(
        "an image tag is 1 to 128 letters, digits, '_', '.' or '-', not starting with '.' or '-'"
    )]
    InvalidTag,
    #[error("the region must not be empty")]
    EmptyRegion,
    #[error("an AWS account ID is exactly 12 digits")]
    InvalidAccount,
    #[error("the provider has no Deep Learning Containers registry account for region {region:?}")]
    UnknownRegion { region: String },
}

impl DlcError {
    /// The input the error is about.
    pub(crate) fn input(&self) -> Input {
        match self {
            DlcError::EmptyRepository | DlcError::InvalidRepository => Input::Repository,
            DlcError::EmptyTag | DlcError::InvalidTag => Input::Tag,
            DlcError::EmptyRegion | DlcError::UnknownRegion { .. } => Input::Region,
            DlcError::InvalidAccount => Input::Account,
        }
    }
}

/// An ECR repository name: 2-256 characters of lowercase letters, digits and
/// `._-/`, starting and ending with a letter or digit.
pub(crate) fn check_repository(name: &str) -> Result<(), DlcError> {
    let alnum = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    if name.is_empty() {
        return Err(DlcError::EmptyRepository);
    }
    let ok = (2..=256).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-/".contains(&b))
        && alnum(name.bytes().next())
        && alnum(name.bytes().last());
    ok.then_some(()).ok_or(DlcError::InvalidRepository)
}

/// A Docker image tag: 1-128 characters of `[A-Za-z0-9_.-]`, not starting
/// with `.` or `-`.
pub(crate) fn check_tag(tag: &str) -> Result<(), DlcError> {
    if tag.is_empty() {
        return Err(DlcError::EmptyTag);
    }
    let ok = tag.len() <= 128
        && tag
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
        && !tag.starts_with(['.', '-']);
    ok.then_some(()).ok_or(DlcError::InvalidTag)
}

/// A 12-digit AWS account ID.
pub(crate) fn check_account(account: &str) -> Result<(), DlcError> {
    let ok = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit());
    ok.then_some(()).ok_or(DlcError::InvalidAccount)
}

/// The DLC account for `region`, when the table knows it.
pub(crate) fn account_for(region: &str) -> Option<&'static str> {
    if DEFAULT_ACCOUNT_REGIONS.contains(&region) {
        return Some(DEFAULT_ACCOUNT);
    }
    OTHER_ACCOUNTS
        .iter()
        .find(|(r, _)| *r == region)
        .map(|(_, account)| *account)
}

/// True when the DLC table has an account for `region`.
pub(crate) fn known_region(region: &str) -> bool {
    account_for(region).is_some()
}

/// The AWS partition of a region: `aws-cn` for `cn-*`, `aws-us-gov` for
/// `us-gov-*`, `aws` otherwise.
pub(crate) fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

/// The DNS suffix of service endpoints in a region's partition.
pub(crate) fn dns_suffix(region: &str) -> &'static str {
    if partition(region) == "aws-cn" {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    }
}

/// The URI of a DLC image: `<account>.dkr.ecr.<region>.<suffix>/<repository>:<tag>`.
/// `account` overrides the table; without it the region must be in the table.
/// Inputs are checked in argument order, so the first bad one is reported.
pub(crate) fn image_uri(
    repository: &str,
    tag: &str,
    region: &str,
    account: Option<&str>,
) -> Result<String, DlcError> {
    check_repository(repository)?;
    check_tag(tag)?;
    if region.is_empty() {
        return Err(DlcError::EmptyRegion);
    }
    let account = match account {
        Some(a) => {
            check_account(a)?;
            a
        }
        None => account_for(region).ok_or_else(|| DlcError::UnknownRegion {
            region: region.to_string(),
        })?,
    };
    Ok(format!(
        "{account}.dkr.ecr.{region}.{}/{repository}:{tag}",
        dns_suffix(region)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_account_region() {
        for region in [
            "ap-northeast-1",
            "ap-northeast-2",
            "ap-south-1",
            "ap-southeast-1",
            "ap-southeast-2",
            "ca-central-1",
            "eu-central-1",
            "eu-north-1",
            "eu-west-1",
            "eu-west-2",
            "eu-west-3",
            "sa-east-1",
            "us-east-1",
            "us-east-2",
            "us-west-1",
            "us-west-2",
        ] {
            assert_eq!(account_for(region), Some("763104351884"), "{region}");
            assert!(known_region(region));
        }
    }

    #[test]
    fn every_region_with_its_own_account() {
        for (region, account) in [
            ("ap-east-1", "871362719292"),
            ("ap-south-2", "772153158452"),
            ("ap-southeast-3", "907027046896"),
            ("ap-southeast-4", "457447274322"),
            ("cn-north-1", "727897471807"),
            ("cn-northwest-1", "727897471807"),
            ("eu-central-2", "380420809688"),
            ("eu-south-1", "692866216735"),
            ("eu-south-2", "503227376785"),
            ("me-central-1", "914824155844"),
            ("me-south-1", "217643126080"),
            ("ap-east-2", "975050140332"),
            ("ap-southeast-6", "633930458069"),
        ] {
            assert_eq!(account_for(region), Some(account), "{region}");
        }
        assert_eq!(DEFAULT_ACCOUNT_REGIONS.len() + OTHER_ACCOUNTS.len(), 29);
    }

    #[test]
    fn unknown_regions() {
        for region in [
            "",
            "us-east-9",
            "US-EAST-1",
            "us-gov-west-1",
            "il-central-1",
            "moon-1",
        ] {
            assert!(!known_region(region), "{region}");
            assert_eq!(account_for(region), None);
        }
    }

    #[test]
    fn partitions_and_suffixes() {
        assert_eq!(partition("us-east-1"), "aws");
        assert_eq!(partition("eu-west-3"), "aws");
        assert_eq!(partition("cn-north-1"), "aws-cn");
        assert_eq!(partition("cn-northwest-1"), "aws-cn");
        assert_eq!(partition("us-gov-west-1"), "aws-us-gov");
        assert_eq!(partition("us-gov-east-1"), "aws-us-gov");
        assert_eq!(dns_suffix("us-west-2"), "amazonaws.com");
        assert_eq!(dns_suffix("us-gov-west-1"), "amazonaws.com");
        assert_eq!(dns_suffix("cn-north-1"), "amazonaws.com.cn");
    }

    #[test]
    fn image_uris() {
        assert_eq!(
            image_uri(
                "huggingface-pytorch-tgi-inference",
                "2.3.0",
                "us-east-1",
                None
            )
            .unwrap(),
            "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.3.0"
        );
        assert_eq!(
            image_uri("pytorch-inference", "2.1-cpu", "cn-northwest-1", None).unwrap(),
            "727897471807.dkr.ecr.cn-northwest-1.amazonaws.com.cn/pytorch-inference:2.1-cpu"
        );
        assert_eq!(
            image_uri("repo", "t", "me-south-1", None).unwrap(),
            "217643126080.dkr.ecr.me-south-1.amazonaws.com/repo:t"
        );
        // An explicit account wins, in a known region or an unknown one.
        assert_eq!(
            image_uri("repo", "t", "us-east-1", Some("123456789012")).unwrap(),
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/repo:t"
        );
        assert_eq!(
            image_uri("repo", "t", "us-gov-west-1", Some("442386744353")).unwrap(),
            "442386744353.dkr.ecr.us-gov-west-1.amazonaws.com/repo:t"
        );
    }

    #[test]
    fn image_uri_errors() {
        let err = image_uri("repo", "t", "il-central-1", None).unwrap_err();
        assert_eq!(
            err,
            DlcError::UnknownRegion {
                region: "il-central-1".into()
            }
        );
        let msg = err.to_string();
        assert!(msg.contains("\"il-central-1\""), "{msg}");
        assert_eq!(err.input(), Input::Region);
        for bad in ["12345", "12345678901a", "1234567890123"] {
            let err = image_uri("repo", "t", "us-east-1", Some(bad)).unwrap_err();
            assert_eq!(err, DlcError::InvalidAccount, "{bad}");
            assert_eq!(err.input(), Input::Account);
        }
        assert_eq!(
            image_uri("", "t", "us-east-1", None),
            Err(DlcError::EmptyRepository)
        );
        assert_eq!(
            image_uri("Repo", "t", "us-east-1", None),
            Err(DlcError::InvalidRepository)
        );
        assert_eq!(
            image_uri("rr", "", "us-east-1", None),
            Err(DlcError::EmptyTag)
        );
        assert_eq!(
            image_uri("rr", "-t", "us-east-1", None),
            Err(DlcError::InvalidTag)
        );
        assert_eq!(
            image_uri("rr", "t", "", Some("123456789012")),
            Err(DlcError::EmptyRegion)
        );
        // The first bad input, in argument order, is the one reported.
        assert_eq!(
            image_uri("", "", "", Some("x")),
            Err(DlcError::EmptyRepository)
        );
    }
}
