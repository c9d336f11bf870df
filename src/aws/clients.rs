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
}

impl Clients {
    /// Builds the clients; makes no network call.
    pub fn new(ctx: &AwsContext) -> Clients {
        let sdk = &ctx.sdk;
        let sagemaker = {
            let mut b = aws_sdk_sagemaker::config::Builder::from(sdk);
            if let Some(url) = ctx.endpoint("sagemaker") {
                b = b.endpoint_url(url);
            }
            aws_sdk_sagemaker::Client::from_conf(b.build())
        };
        let iam = {
            let mut b = aws_sdk_iam::config::Builder::from(sdk);
            if let Some(url) = ctx.endpoint("iam") {
                b = b.endpoint_url(url);
            }
            aws_sdk_iam::Client::from_conf(b.build())
        };
        let sns = {
            let mut b = aws_sdk_sns::config::Builder::from(sdk);
            if let Some(url) = ctx.endpoint("sns") {
                b = b.endpoint_url(url);
            }
            aws_sdk_sns::Client::from_conf(b.build())
        };
        let sts = {
            let mut b = aws_sdk_sts::config::Builder::from(sdk);
            if let Some(url) = ctx.endpoint("sts") {
                b = b.endpoint_url(url);
            }
            aws_sdk_sts::Client::from_conf(b.build())
        };
        let autoscaling = {
            let mut b = aws_sdk_applicationautoscaling::config::Builder::from(sdk);
            if let Some(url) = ctx.endpoint("applicationautoscaling") {
                b = b.endpoint_url(url);
            }
            aws_sdk_applicationautoscaling::Client::from_conf(b.build())
        };
        let cloudwatch = {
            let mut b = aws_sdk_cloudwatch::config::Builder::from(sdk);
            if let Some(url) = ctx.endpoint("cloudwatch") {
                b = b.endpoint_url(url);
            }
            aws_sdk_cloudwatch::Client::from_conf(b.build())
        };
        Clients {
            sagemaker,
            iam,
            sns,
            sts,
            autoscaling,
            cloudwatch,
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
