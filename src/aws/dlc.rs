//! AWS Deep Learning Containers (DLC): which account hosts the prebuilt
//! images in each region, and how an image URI is spelled there.
//!
//! An image URI is `<account>.dkr.ecr.<region>.<dns suffix>/<repository>:<tag>`.
//! Most commercial regions share one account; newer opt-in regions and the
//! China regions each have their own. For a region missing from the table
//! the user must name the account explicitly (`container.account_id`), and an
//! explicit account always wins over the table.

/// The account that hosts DLC images in most commercial regions.
pub const DEFAULT_ACCOUNT: &str = "763104351884";

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

/// Why no image URI could be formed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DlcError {
    #[error(
        "no Deep Learning Containers account is known for region {region:?}; set \
         `account_id` in `container` to the AWS account that hosts the image in that region"
    )]
    UnknownRegion { region: String },
    #[error("`account_id` must be a 12-digit AWS account ID, got {account:?}")]
    InvalidAccount { account: String },
    #[error("the image {field} must not be empty")]
    Empty { field: &'static str },
}

/// The DLC account for `region`, when the table knows it.
pub fn account_for(region: &str) -> Option<&'static str> {
    if DEFAULT_ACCOUNT_REGIONS.contains(&region) {
        return Some(DEFAULT_ACCOUNT);
    }
    OTHER_ACCOUNTS
        .iter()
        .find(|(r, _)| *r == region)
        .map(|(_, account)| *account)
}

/// True when the DLC table has an account for `region`.
pub fn known_region(region: &str) -> bool {
    account_for(region).is_some()
}

/// The AWS partition of a region: `aws-cn` for `cn-*`, `aws-us-gov` for
/// `us-gov-*`, `aws` otherwise.
pub fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

/// The DNS suffix of service endpoints in a region's partition.
pub fn dns_suffix(region: &str) -> &'static str {
    if partition(region) == "aws-cn" {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    }
}

/// The URI of a DLC image: `<account>.dkr.ecr.<region>.<suffix>/<repository>:<tag>`.
/// `account` overrides the table; without it the region must be in the table.
pub fn image_uri(
    repository: &str,
    tag: &str,
    region: &str,
    account: Option<&str>,
) -> Result<String, DlcError> {
    if repository.is_empty() {
        return Err(DlcError::Empty {
            field: "repository name",
        });
    }
    if tag.is_empty() {
        return Err(DlcError::Empty { field: "tag" });
    }
    if region.is_empty() {
        return Err(DlcError::Empty { field: "region" });
    }
    let account = match account {
        Some(a) if a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()) => a,
        Some(a) => {
            return Err(DlcError::InvalidAccount {
                account: a.to_string(),
            });
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
        assert!(
            msg.contains("\"il-central-1\"") && msg.contains("account_id"),
            "{msg}"
        );
        assert!(matches!(
            image_uri("repo", "t", "us-east-1", Some("12345")),
            Err(DlcError::InvalidAccount { .. })
        ));
        assert!(matches!(
            image_uri("repo", "t", "us-east-1", Some("12345678901a")),
            Err(DlcError::InvalidAccount { .. })
        ));
        assert_eq!(
            image_uri("", "t", "us-east-1", None),
            Err(DlcError::Empty {
                field: "repository name"
            })
        );
        assert_eq!(
            image_uri("r", "", "us-east-1", None),
            Err(DlcError::Empty { field: "tag" })
        );
        assert!(image_uri("r", "t", "", Some("123456789012")).is_err());
    }
}
