//! SageMaker models: one container in SingleModel mode, created with the IAM
//! propagation retry, found, described (for import) and deleted.
//!
//! Model data ending in `.tar.gz` is an archive (`ModelDataUrl`); anything
//! else is an uncompressed S3 prefix (`ModelDataSource.S3DataSource` with
//! `S3DataType=S3Prefix`, `CompressionType=None`).

use super::clients::Clients;
use super::endpoint::sagemaker_tags;
use super::error::AwsError;
use super::owner::Deleted;
use super::wait::{Cancel, Probe, wait_until};
use aws_sdk_sagemaker::types::{
    ContainerDefinition, ContainerMode, ModelCompressionType, ModelDataSource, S3ModelDataSource,
    S3ModelDataType, VpcConfig,
};
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::Duration;

/// Where the model artefacts are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ModelData {
    /// An `s3://.../model.tar.gz` archive, given as `ModelDataUrl`.
    Archive(String),
    /// An `s3://.../prefix/` of uncompressed files, given as `ModelDataSource`.
    Prefix(String),
}

impl ModelData {
    /// Classifies a user's `model_data_url` the way the original construct did.
    pub(crate) fn from_url(url: &str) -> ModelData {
        if url.ends_with(".tar.gz") {
            ModelData::Archive(url.to_string())
        } else {
            ModelData::Prefix(url.to_string())
        }
    }

    /// The S3 URI, whichever form.
    pub fn url(&self) -> &str {
        match self {
            ModelData::Archive(u) | ModelData::Prefix(u) => u,
        }
    }
}

/// Subnets and security groups of a model in a VPC.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VpcSpec {
    pub security_group_ids: Vec<String>,
    pub subnets: Vec<String>,
}

/// Everything CreateModel needs. Its `Debug` shows environment keys only:
/// some values are secrets (`environment_secrets`).
#[derive(Clone, PartialEq, Eq)]
pub struct ModelSpec {
    pub name: String,
    pub execution_role_arn: String,
    pub image: String,
    pub model_data: ModelData,
    /// The final environment (`SAGEMAKER_REGION` already merged in).
    pub environment: BTreeMap<String, String>,
    pub vpc: Option<VpcSpec>,
    /// `EnableNetworkIsolation`.
    pub network_isolation: bool,
    pub tags: BTreeMap<String, String>,
}

impl std::fmt::Debug for ModelSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModelSpec")
            .field("name", &self.name)
            .field("execution_role_arn", &self.execution_role_arn)
            .field("image", &self.image)
            .field("model_data", &self.model_data)
            .field("environment_keys", &self.environment.keys())
            .field("vpc", &self.vpc)
            .field("network_isolation", &self.network_isolation)
            .field("tags", &self.tags)
            .finish()
    }
}

/// A model that exists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Model {
    pub name: String,
    pub arn: String,
}

/// What DescribeModel says about a model (for import and drift checks).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelDescription {
    pub name: String,
    pub arn: String,
    pub execution_role_arn: String,
    pub image: String,
    pub model_data: Option<ModelData>,
    pub environment: BTreeMap<String, String>,
    pub vpc: Option<VpcSpec>,
    pub network_isolation: bool,
}

/// DescribeModel; `Ok(None)` when it does not exist.
pub async fn describe(c: &Clients, name: &str) -> Result<Option<ModelDescription>, AwsError> {
    tracing::debug!(name, "sagemaker:DescribeModel");
    let out = match c.sagemaker.describe_model().model_name(name).send().await {
        Ok(o) => o,
        Err(e) => {
            let e = AwsError::from_sdk("DescribeModel", e);
            return if e.is_not_found() { Ok(None) } else { Err(e) };
        }
    };
    let container = out.primary_container().or_else(|| out.containers().first());
    let model_data = container.and_then(|ct| {
        if let Some(u) = ct.model_data_url() {
            return Some(ModelData::Archive(u.to_string()));
        }
        let src = ct.model_data_source()?.s3_data_source()?;
        let uri = src.s3_uri()?.to_string();
        Some(match src.s3_data_type() {
            Some(S3ModelDataType::S3Object) => ModelData::Archive(uri),
            _ => ModelData::Prefix(uri),
        })
    });
    Ok(Some(ModelDescription {
        name: out.model_name().unwrap_or(name).to_string(),
        arn: out.model_arn().unwrap_or_default().to_string(),
        execution_role_arn: out.execution_role_arn().unwrap_or_default().to_string(),
        image: container
            .and_then(|ct| ct.image())
            .unwrap_or_default()
            .to_string(),
        model_data,
        environment: container
            .and_then(|ct| ct.environment())
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default(),
        vpc: out.vpc_config().map(|v| VpcSpec {
            security_group_ids: v.security_group_ids().to_vec(),
            subnets: v.subnets().to_vec(),
        }),
        network_isolation: out.enable_network_isolation().unwrap_or(false),
    }))
}

/// The model's name and ARN; `Ok(None)` when it does not exist. This uses
/// ListModels, not DescribeModel: a description carries the container's
/// environment, secret values included, and SDK trace logs would show it.
pub async fn find(c: &Clients, name: &str) -> Result<Option<Model>, AwsError> {
    Ok(list_containing(c, name)
        .await?
        .into_iter()
        .find(|m| m.name == name))
}

fn container(spec: &ModelSpec) -> ContainerDefinition {
    let env: HashMap<String, String> = spec
        .environment
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let b = ContainerDefinition::builder()
        .image(&spec.image)
        .mode(ContainerMode::SingleModel)
        .set_environment((!env.is_empty()).then_some(env));
    match &spec.model_data {
        ModelData::Archive(url) => b.model_data_url(url),
        ModelData::Prefix(url) => b.model_data_source(
            ModelDataSource::builder()
                .s3_data_source(
                    S3ModelDataSource::builder()
                        .s3_uri(url)
                        .s3_data_type(S3ModelDataType::S3Prefix)
                        .compression_type(ModelCompressionType::None)
                        .build(),
                )
                .build(),
        ),
    }
    .build()
}

/// One CreateModel call; adopts an existing model of the same name when it
/// carries the ownership mark of `spec.tags`.
async fn create_once(c: &Clients, spec: &ModelSpec) -> Result<Model, AwsError> {
    tracing::debug!(name = %spec.name, "sagemaker:CreateModel");
    let vpc = spec.vpc.as_ref().map(|v| {
        VpcConfig::builder()
            .set_security_group_ids(Some(v.security_group_ids.clone()))
            .set_subnets(Some(v.subnets.clone()))
            .build()
    });
    let res = c
        .sagemaker
        .create_model()
        .model_name(&spec.name)
        .execution_role_arn(&spec.execution_role_arn)
        .primary_container(container(spec))
        .set_vpc_config(vpc)
        .set_enable_network_isolation(spec.network_isolation.then_some(true))
        .set_tags(sagemaker_tags(&spec.tags))
        .send()
        .await;
    match res {
        Ok(out) => Ok(Model {
            name: spec.name.clone(),
            arn: out.model_arn().unwrap_or_default().to_string(),
        }),
        Err(e) => {
            let e = AwsError::from_sdk("CreateModel", e);
            if e.is_already_exists()
                && let Some(m) = find(c, &spec.name).await?
            {
                super::endpoint::adopt_if_owned(c, "model", &spec.name, &m.arn, &spec.tags).await?;
                tracing::debug!(name = %spec.name, "adopting our own existing model");
                return Ok(m);
            }
            Err(e)
        }
    }
}

/// Creates the model (or adopts it). Retries only SageMaker's "could not
/// assume role" ValidationException, for at most `iam_propagation_bound`,
/// then fails with AWS's own error; every other error fails at once.
pub async fn create(
    c: &Clients,
    spec: &ModelSpec,
    iam_propagation_bound: Duration,
    cancel: &Cancel,
) -> Result<Model, AwsError> {
    let last = Mutex::new(None::<AwsError>);
    let what = format!("model {} (IAM role propagation)", spec.name);
    let res = wait_until(&what, iam_propagation_bound, cancel, || {
        let last = &last;
        async move {
            match create_once(c, spec).await {
                Ok(m) => Ok(Probe::Ready(m)),
                Err(e) if e.is_assume_role_propagation() => {
                    let status = e.to_string();
                    if let Ok(mut l) = last.lock() {
                        *l = Some(e);
                    }
                    Ok(Probe::Pending { status })
                }
                Err(e) => Err(e),
            }
        }
    })
    .await;
    match res {
        Err(AwsError::Timeout { .. }) => match last.into_inner().ok().flatten() {
            Some(aws) => Err(aws),
            None => res,
        },
        other => other,
    }
}

/// (name, ARN) of every model whose name contains `fragment` (all pages).
pub(crate) async fn list_containing(c: &Clients, fragment: &str) -> Result<Vec<Model>, AwsError> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    let mut pages = super::paging::Pager::new("ListModels");
    loop {
        tracing::debug!(fragment, "sagemaker:ListModels");
        let page = c
            .sagemaker
            .list_models()
            .name_contains(fragment)
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("ListModels", e))?;
        out.extend(page.models().iter().map(|m| Model {
            name: m.model_name().unwrap_or_default().to_string(),
            arn: m.model_arn().unwrap_or_default().to_string(),
        }));
        match pages.next(page.next_token())? {
            Some(t) => token = Some(t),
            None => return Ok(out),
        }
    }
}

/// Deletes the model only when it carries the mark `owner_id`.
pub(crate) async fn delete_owned(
    c: &Clients,
    name: &str,
    owner_id: &str,
) -> Result<Deleted, AwsError> {
    let Some(m) = find(c, name).await? else {
        return Ok(Deleted::Gone);
    };
    if let Err(f) = super::endpoint::check_owned(c, "model", name, &m.arn, owner_id).await? {
        return Ok(Deleted::NotOurs(f));
    }
    delete(c, name).await?;
    Ok(Deleted::Done)
}

/// DeleteModel; a missing model counts as deleted.
pub async fn delete(c: &Clients, name: &str) -> Result<(), AwsError> {
    tracing::debug!(name, "sagemaker:DeleteModel");
    match c.sagemaker.delete_model().model_name(name).send().await {
        Ok(_) => Ok(()),
        Err(e) => {
            let e = AwsError::from_sdk("DeleteModel", e);
            if e.is_not_found() { Ok(()) } else { Err(e) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(data: ModelData) -> ModelSpec {
        ModelSpec {
            name: "ep-12345678".into(),
            execution_role_arn: "arn:aws:iam::123456789012:role/r".into(),
            image: "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.1".into(),
            model_data: data,
            environment: [("SAGEMAKER_REGION".to_string(), "us-east-1".to_string())].into(),
            vpc: None,
            network_isolation: false,
            tags: BTreeMap::new(),
        }
    }

    #[test]
    fn model_data_forms() {
        assert_eq!(
            ModelData::from_url("s3://b/m/model.tar.gz"),
            ModelData::Archive("s3://b/m/model.tar.gz".into())
        );
        assert_eq!(
            ModelData::from_url("s3://b/m/"),
            ModelData::Prefix("s3://b/m/".into())
        );
        let ct = container(&spec(ModelData::Archive("s3://b/model.tar.gz".into())));
        assert_eq!(ct.model_data_url(), Some("s3://b/model.tar.gz"));
        assert!(ct.model_data_source().is_none());
        assert_eq!(ct.mode(), Some(&ContainerMode::SingleModel));
        let ct = container(&spec(ModelData::Prefix("s3://b/m/".into())));
        assert!(ct.model_data_url().is_none());
        let src = ct
            .model_data_source()
            .and_then(|s| s.s3_data_source())
            .unwrap();
        assert_eq!(src.s3_uri(), Some("s3://b/m/"));
        assert_eq!(src.s3_data_type(), Some(&S3ModelDataType::S3Prefix));
        assert_eq!(src.compression_type(), Some(&ModelCompressionType::None));
        assert_eq!(ct.environment().unwrap()["SAGEMAKER_REGION"], "us-east-1");
    }
}
