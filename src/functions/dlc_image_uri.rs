//! `provider::sagemaker::dlc_image_uri(repository, tag, region[, account_id])`:
//! the URI of an AWS Deep Learning Container image, from the same region
//! table and with the same checks and messages as the resource's
//! `container { repository_name, tag, account_id }` form ([`crate::aws::dlc`]).
//!
//! The account is an optional trailing (variadic) argument rather than an
//! object: HCL has no named or optional arguments, so an object parameter
//! would force every caller to write `{}` for the common case, while a
//! variadic one keeps that call at three arguments and reads like the
//! resource's attributes in the same order.

use super::{Function, FunctionError, FunctionSpec, Param};
use crate::aws::dlc::{self, Input};
use crate::tfplugin::{Type, Value};

const REPOSITORY: usize = 0;
const TAG: usize = 1;
const REGION: usize = 2;
const ACCOUNT: usize = 3;

/// The function, with its spec built once.
pub struct DlcImageUri(FunctionSpec);

impl DlcImageUri {
    pub fn new() -> Self {
        DlcImageUri(spec())
    }
}

impl Function for DlcImageUri {
    fn spec(&self) -> &FunctionSpec {
        &self.0
    }

    fn call(&self, args: &[Value]) -> Result<Value, FunctionError> {
        call(args)
    }
}

fn spec() -> FunctionSpec {
    FunctionSpec {
        name: "dlc_image_uri",
        summary: "The image URI of an AWS Deep Learning Container in a region",
        description: "Builds `<account>.dkr.ecr.<region>.<dns suffix>/<repository>:<tag>` for an \
             AWS Deep Learning Container, looking the registry account up in the same \
             region table that `sagemaker_custom_endpoint` uses for `container.repository_name` \
             and `container.tag`. China regions get the `amazonaws.com.cn` suffix. For a region \
             the table does not know, pass the registry account as a fourth argument; an \
             account given this way is used in any region.",
        params: vec![
            Param {
                name: "repository",
                ty: Type::String,
                description: "The Deep Learning Container repository, for example \
                     `huggingface-pytorch-tgi-inference`: 2 to 256 lowercase letters, digits, \
                     `.`, `_`, `-` or `/`.",
            },
            Param {
                name: "tag",
                ty: Type::String,
                description: "The image tag, for example \
                     `2.3.0-tgi2.2.0-gpu-py310-cu121-ubuntu22.04`: 1 to 128 letters, digits, \
                     `_`, `.` or `-`, not starting with `.` or `-`.",
            },
            Param {
                name: "region",
                ty: Type::String,
                description: "The AWS region the image is pulled in, for example `us-east-1`. \
                     Use the region the endpoint is deployed to.",
            },
        ],
        variadic: Some(Param {
            name: "account_id",
            ty: Type::String,
            description: "Optional, at most once: the 12-digit account that hosts the images. \
                 Required for regions the provider's table does not know; overrides the table \
                 everywhere else.",
        }),
        returns: Type::String,
    }
}

/// Runs the function on decoded, known, non-null string arguments.
fn call(args: &[Value]) -> Result<Value, FunctionError> {
    let text = |i: usize| -> Result<&str, FunctionError> {
        args.get(i)
            .and_then(Value::as_str)
            .ok_or_else(|| FunctionError::at(i, "expected a string"))
    };
    let (repository, tag, region) = (text(REPOSITORY)?, text(TAG)?, text(REGION)?);
    let account = match args.len() {
        n if n <= ACCOUNT => None,
        n if n == ACCOUNT + 1 => Some(text(ACCOUNT)?),
        n => {
            return Err(FunctionError::at(
                ACCOUNT + 1,
                format!(
                    "at most one account ID may follow the region; got {} extra arguments",
                    n - ACCOUNT
                ),
            ));
        }
    };
    dlc::image_uri(repository, tag, region, account)
        .map(Value::String)
        .map_err(|e| {
            let index = match e.input() {
                Input::Repository => REPOSITORY,
                Input::Tag => TAG,
                Input::Region => REGION,
                Input::Account => ACCOUNT,
            };
            let text = match e {
                dlc::DlcError::UnknownRegion { .. } => format!(
                    "{e}. Pass the 12-digit account that hosts the images in that region as a \
                     fourth argument."
                ),
                _ => e.to_string(),
            };
            FunctionError::at(index, text)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Result<String, FunctionError> {
        let values: Vec<Value> = args.iter().map(|a| Value::string(*a)).collect();
        call(&values).map(|v| v.as_str().unwrap().to_string())
    }

    #[test]
    fn same_uris_as_the_resource_table() {
        for region in ["us-east-1", "cn-north-1", "me-south-1", "ap-southeast-6"] {
            assert_eq!(
                run(&["repo", "1.0", region]).unwrap(),
                dlc::image_uri("repo", "1.0", region, None).unwrap()
            );
        }
        assert_eq!(
            run(&["repo", "1.0", "il-central-1", "780543022126"]).unwrap(),
            "780543022126.dkr.ecr.il-central-1.amazonaws.com/repo:1.0"
        );
    }

    #[test]
    fn each_error_names_its_argument_with_the_shared_message() {
        let cases: [(&[&str], usize, dlc::DlcError); 6] = [
            (&["", "t", "us-east-1"], 0, dlc::DlcError::EmptyRepository),
            (
                &["Bad", "t", "us-east-1"],
                0,
                dlc::DlcError::InvalidRepository,
            ),
            (&["repo", "", "us-east-1"], 1, dlc::DlcError::EmptyTag),
            (&["repo", "a:b", "us-east-1"], 1, dlc::DlcError::InvalidTag),
            (&["repo", "t", ""], 2, dlc::DlcError::EmptyRegion),
            (
                &["repo", "t", "us-east-1", "12"],
                3,
                dlc::DlcError::InvalidAccount,
            ),
        ];
        for (args, index, expected) in cases {
            let e = run(args).unwrap_err();
            assert_eq!(e.argument, Some(index), "{args:?}");
            assert_eq!(e.text, expected.to_string(), "{args:?}");
        }
        let e = run(&["repo", "t", "xx-nowhere-1"]).unwrap_err();
        assert_eq!(e.argument, Some(2));
        assert!(
            e.text.starts_with(
                &dlc::DlcError::UnknownRegion {
                    region: "xx-nowhere-1".into()
                }
                .to_string()
            ),
            "{}",
            e.text
        );
        let e = run(&["repo", "t", "us-east-1", "123456789012", "123456789012"]).unwrap_err();
        assert_eq!(e.argument, Some(4));
    }
}
