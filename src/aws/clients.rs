//! The SDK clients the resource uses, built once from the provider's
//! [`AwsContext`], with the per-service endpoint overrides of the provider's
//! `endpoints` block applied (a sandbox, or a VPC endpoint).

use super::error::AwsError;
use crate::provider::config::AwsContext;

/// One client per AWS service we call. Cheap to clone (the SDK clients share
/// their connection pools).
#[derive(Clone, Debug)]
pub struct Clients {
    pub sagemaker: aws_sdk_sagemaker::Client,
    pub iam: aws_sdk_iam::Client,
    pub sns: aws_sdk_sns::Client,
    pub sts: aws_sdk_sts::Client,
    pub autoscaling: aws_sdk_applicationautoscaling::Client,
    pub cloudwatch: aws_sdk_cloudwatch::Client,
    /// The SageMaker runtime (InvokeEndpoint), for the action.
    pub runtime: aws_sdk_sagemakerruntime::Client,
    /// S3, for the action's asynchronous requests and answers.
    pub s3: aws_sdk_s3::Client,
    /// CloudWatch Logs, for the endpoint's log group.
    pub logs: aws_sdk_cloudwatchlogs::Client,
    /// The Resource Groups Tagging API, for the tags refresh reads.
    pub tagging: aws_sdk_resourcegroupstagging::Client,
}

impl Clients {
    /// Builds the clients; makes no network call.
    pub fn new(ctx: &AwsContext) -> Clients {
        let sdk = &ctx.sdk;
        // One client of an SDK crate, at the URL the `endpoints` block gives
        // for `$service`, if any.
        macro_rules! client {
            ($krate:ident, $service:literal) => {{
                let mut b = $krate::config::Builder::from(sdk);
                if let Some(url) = ctx.endpoint($service) {
                    b = b.endpoint_url(url);
                }
                b
            }};
        }
        let mut s3 = client!(aws_sdk_s3, "s3");
        if ctx.endpoint("s3").is_some() {
            // An S3 look-alike at a URL of its own (a sandbox, a proxy)
            // cannot serve bucket names as host names.
            s3 = s3.force_path_style(true);
        }
        // The tags it reads are SageMaker's: without a URL of its own, it
        // goes where SageMaker does.
        let mut tagging = client!(aws_sdk_resourcegroupstagging, "tagging");
        if ctx.endpoint("tagging").is_none()
            && let Some(url) = ctx.endpoint("sagemaker")
        {
            tagging = tagging.endpoint_url(url);
        }
        Clients {
            sagemaker: aws_sdk_sagemaker::Client::from_conf(
                client!(aws_sdk_sagemaker, "sagemaker").build(),
            ),
            iam: aws_sdk_iam::Client::from_conf(client!(aws_sdk_iam, "iam").build()),
            sns: aws_sdk_sns::Client::from_conf(client!(aws_sdk_sns, "sns").build()),
            sts: aws_sdk_sts::Client::from_conf(client!(aws_sdk_sts, "sts").build()),
            autoscaling: aws_sdk_applicationautoscaling::Client::from_conf(
                client!(aws_sdk_applicationautoscaling, "applicationautoscaling").build(),
            ),
            cloudwatch: aws_sdk_cloudwatch::Client::from_conf(
                client!(aws_sdk_cloudwatch, "cloudwatch").build(),
            ),
            runtime: aws_sdk_sagemakerruntime::Client::from_conf(
                client!(aws_sdk_sagemakerruntime, "sagemakerruntime").build(),
            ),
            s3: aws_sdk_s3::Client::from_conf(s3.build()),
            logs: aws_sdk_cloudwatchlogs::Client::from_conf(
                client!(aws_sdk_cloudwatchlogs, "logs").build(),
            ),
            tagging: aws_sdk_resourcegroupstagging::Client::from_conf(tagging.build()),
        }
    }

    /// Every client from one SDK configuration, whose endpoint URL (if any)
    /// serves every service: a sandbox, or a test double. S3 then uses
    /// path-style addressing.
    pub fn from_sdk_config(sdk: &aws_types::SdkConfig) -> Clients {
        let s3 = aws_sdk_s3::config::Builder::from(sdk)
            .force_path_style(sdk.endpoint_url().is_some())
            .build();
        Clients {
            sagemaker: aws_sdk_sagemaker::Client::new(sdk),
            iam: aws_sdk_iam::Client::new(sdk),
            sns: aws_sdk_sns::Client::new(sdk),
            sts: aws_sdk_sts::Client::new(sdk),
            autoscaling: aws_sdk_applicationautoscaling::Client::new(sdk),
            cloudwatch: aws_sdk_cloudwatch::Client::new(sdk),
            runtime: aws_sdk_sagemakerruntime::Client::new(sdk),
            s3: aws_sdk_s3::Client::from_conf(s3),
            logs: aws_sdk_cloudwatchlogs::Client::new(sdk),
            tagging: aws_sdk_resourcegroupstagging::Client::new(sdk),
        }
    }

    /// The account the credentials belong to (STS GetCallerIdentity).
    pub async fn account_id(&self) -> Result<String, AwsError> {
        tracing::debug!("sts:GetCallerIdentity");
        let out = self
            .sts
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("GetCallerIdentity", e))?;
        out.account().map(str::to_string).ok_or_else(|| {
            AwsError::invalid_request("GetCallerIdentity", "no Account in the answer")
        })
    }
}
