//! SageMaker endpoint configs: one variant `AllTraffic` with weight 1, on
//! instances (type, count, the two container timeouts, the volume size when
//! set) or serverless (memory, concurrency), and optionally the
//! asynchronous-inference settings (S3 output and failure paths, SNS topics,
//! concurrency per instance), a KMS key (volume, async results, captured
//! data) and data capture.

use super::clients::Clients;
use super::endpoint::{sagemaker_tags, serverless_of};
use super::error::AwsError;
use super::owner::Deleted;
use aws_sdk_sagemaker::types::{
    AsyncInferenceClientConfig, AsyncInferenceConfig, AsyncInferenceNotificationConfig,
    AsyncInferenceOutputConfig, CaptureContentTypeHeader, CaptureMode, CaptureOption,
    DataCaptureConfig, ProductionVariant, ProductionVariantInstanceType,
    ProductionVariantServerlessConfig,
};
use std::collections::BTreeMap;

/// The only variant's name.
pub(crate) const VARIANT_NAME: &str = "AllTraffic";

/// Asynchronous inference settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AsyncSpec {
    pub output_path: String,
    pub failure_path: Option<String>,
    pub success_topic_arn: String,
    pub error_topic_arn: String,
    pub max_concurrent_invocations_per_instance: i32,
}

/// `DataCaptureConfig` (always enabled when present).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DataCaptureSpec {
    pub destination_s3_uri: String,
    pub initial_sampling_percentage: i32,
    /// `Input`, `Output`, sorted.
    pub capture_modes: Vec<String>,
    pub json_content_types: Vec<String>,
    pub csv_content_types: Vec<String>,
}

/// A variant's `ServerlessConfig` (kept with the endpoint, which reports it
/// too).
pub use super::endpoint::ServerlessSpec;

/// What the variant runs on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VariantCompute {
    /// Instances, with the settings only they have.
    Instances {
        instance_type: String,
        instance_count: i32,
        startup_health_check_timeout: i32,
        model_data_download_timeout: i32,
        volume_size_in_gb: Option<i32>,
    },
    /// A serverless variant.
    Serverless(ServerlessSpec),
}

/// Everything CreateEndpointConfig needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointConfigSpec {
    pub name: String,
    pub model_name: String,
    pub compute: VariantCompute,
    pub async_inference: Option<AsyncSpec>,
    /// Encrypts the volume, the async results and the captured data.
    pub kms_key_id: Option<String>,
    pub data_capture: Option<DataCaptureSpec>,
    pub tags: BTreeMap<String, String>,
}

/// An endpoint config that exists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointConfig {
    pub name: String,
    pub arn: String,
    pub model_name: String,
}

/// What DescribeEndpointConfig says, as AWS says it: a setting AWS leaves
/// out (a config made elsewhere, without a startup timeout, say) stays
/// `None`, so import records it as null rather than as 0.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EndpointConfigDescription {
    pub name: String,
    pub arn: String,
    /// The first production variant (ours have exactly one); `None` when
    /// the config has none.
    pub variant: Option<VariantDescription>,
    pub async_inference: Option<AsyncDescription>,
    pub kms_key_id: Option<String>,
    pub data_capture: Option<DataCaptureSpec>,
}

/// One production variant of a described config.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VariantDescription {
    pub model_name: String,
    pub instance_type: String,
    pub instance_count: Option<i32>,
    pub startup_health_check_timeout: Option<i32>,
    pub model_data_download_timeout: Option<i32>,
    pub volume_size_in_gb: Option<i32>,
    /// Set on a serverless variant (which has no instance settings).
    pub serverless: Option<ServerlessSpec>,
}

/// The asynchronous-inference settings of a described config.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AsyncDescription {
    pub output_path: String,
    pub failure_path: Option<String>,
    pub success_topic_arn: Option<String>,
    pub error_topic_arn: Option<String>,
    pub max_concurrent_invocations_per_instance: Option<i32>,
}

impl EndpointConfigDescription {
    /// The spec CreateEndpointConfig would be given to make this config
    /// again, settings AWS left out as 0 and without tags: what the
    /// round-trip tests compare (tests/life/aws_objects.rs).
    pub fn spec(&self) -> EndpointConfigSpec {
        let v = self.variant.clone().unwrap_or_default();
        let compute = match v.serverless {
            Some(s) => VariantCompute::Serverless(s),
            None => VariantCompute::Instances {
                instance_type: v.instance_type,
                instance_count: v.instance_count.unwrap_or_default(),
                startup_health_check_timeout: v.startup_health_check_timeout.unwrap_or_default(),
                model_data_download_timeout: v.model_data_download_timeout.unwrap_or_default(),
                volume_size_in_gb: v.volume_size_in_gb,
            },
        };
        EndpointConfigSpec {
            name: self.name.clone(),
            model_name: v.model_name,
            compute,
            async_inference: self.async_inference.as_ref().map(|a| AsyncSpec {
                output_path: a.output_path.clone(),
                failure_path: a.failure_path.clone(),
                success_topic_arn: a.success_topic_arn.clone().unwrap_or_default(),
                error_topic_arn: a.error_topic_arn.clone().unwrap_or_default(),
                max_concurrent_invocations_per_instance: a
                    .max_concurrent_invocations_per_instance
                    .unwrap_or_default(),
            }),
            kms_key_id: self.kms_key_id.clone(),
            data_capture: self.data_capture.clone(),
            tags: BTreeMap::new(),
        }
    }
}

/// DescribeEndpointConfig; `Ok(None)` when it does not exist.
pub async fn describe(
    c: &Clients,
    name: &str,
) -> Result<Option<EndpointConfigDescription>, AwsError> {
    tracing::debug!(name, "sagemaker:DescribeEndpointConfig");
    let res = c
        .sagemaker
        .describe_endpoint_config()
        .endpoint_config_name(name)
        .send()
        .await;
    let out = match res {
        Ok(o) => o,
        Err(e) => {
            let e = AwsError::from_sdk("DescribeEndpointConfig", e);
            return if e.is_not_found() { Ok(None) } else { Err(e) };
        }
    };
    let variant = out
        .production_variants()
        .first()
        .map(|v| VariantDescription {
            model_name: v.model_name().unwrap_or_default().to_string(),
            instance_type: v
                .instance_type()
                .map(|t| t.as_str().to_string())
                .unwrap_or_default(),
            instance_count: v.initial_instance_count(),
            startup_health_check_timeout: v.container_startup_health_check_timeout_in_seconds(),
            model_data_download_timeout: v.model_data_download_timeout_in_seconds(),
            volume_size_in_gb: v.volume_size_in_gb(),
            serverless: v.serverless_config().map(serverless_of),
        });
    let async_inference = out.async_inference_config().map(|a| {
        let o = a.output_config();
        let n = o.and_then(|o| o.notification_config());
        AsyncDescription {
            output_path: o
                .and_then(|o| o.s3_output_path())
                .unwrap_or_default()
                .to_string(),
            failure_path: o.and_then(|o| o.s3_failure_path()).map(str::to_string),
            success_topic_arn: n.and_then(|n| n.success_topic()).map(str::to_string),
            error_topic_arn: n.and_then(|n| n.error_topic()).map(str::to_string),
            max_concurrent_invocations_per_instance: a
                .client_config()
                .and_then(|c| c.max_concurrent_invocations_per_instance()),
        }
    });
    let data_capture = out
        .data_capture_config()
        .filter(|d| d.enable_capture().unwrap_or(true))
        .map(|d| {
            let mut modes: Vec<String> = d
                .capture_options()
                .iter()
                .filter_map(|o| o.capture_mode().map(|m| m.as_str().to_string()))
                .collect();
            modes.sort();
            let sorted = |v: &[String]| {
                let mut v = v.to_vec();
                v.sort();
                v
            };
            let h = d.capture_content_type_header();
            DataCaptureSpec {
                destination_s3_uri: d.destination_s3_uri().unwrap_or_default().to_string(),
                initial_sampling_percentage: d.initial_sampling_percentage().unwrap_or_default(),
                capture_modes: modes,
                json_content_types: sorted(h.map(|h| h.json_content_types()).unwrap_or_default()),
                csv_content_types: sorted(h.map(|h| h.csv_content_types()).unwrap_or_default()),
            }
        });
    Ok(Some(EndpointConfigDescription {
        name: out.endpoint_config_name().unwrap_or(name).to_string(),
        arn: out.endpoint_config_arn().unwrap_or_default().to_string(),
        variant,
        async_inference,
        kms_key_id: out.kms_key_id().map(str::to_string),
        data_capture,
    }))
}

/// DescribeEndpointConfig reduced to name, ARN and model.
pub async fn find(c: &Clients, name: &str) -> Result<Option<EndpointConfig>, AwsError> {
    Ok(describe(c, name).await?.map(|d| EndpointConfig {
        model_name: d.variant.map(|v| v.model_name).unwrap_or_default(),
        name: d.name,
        arn: d.arn,
    }))
}

fn variant(spec: &EndpointConfigSpec) -> ProductionVariant {
    let v = ProductionVariant::builder()
        .variant_name(VARIANT_NAME)
        .model_name(&spec.model_name)
        .initial_variant_weight(1.0);
    match &spec.compute {
        VariantCompute::Instances {
            instance_type,
            instance_count,
            startup_health_check_timeout,
            model_data_download_timeout,
            volume_size_in_gb,
        } => v
            .instance_type(ProductionVariantInstanceType::from(instance_type.as_str()))
            .initial_instance_count(*instance_count)
            .container_startup_health_check_timeout_in_seconds(*startup_health_check_timeout)
            .model_data_download_timeout_in_seconds(*model_data_download_timeout)
            .set_volume_size_in_gb(*volume_size_in_gb),
        VariantCompute::Serverless(s) => v.serverless_config(
            ProductionVariantServerlessConfig::builder()
                .memory_size_in_mb(s.memory_size_in_mb)
                .max_concurrency(s.max_concurrency)
                .set_provisioned_concurrency(s.provisioned_concurrency)
                .build(),
        ),
    }
    .build()
}

fn async_config(a: &AsyncSpec, kms_key_id: Option<&String>) -> AsyncInferenceConfig {
    AsyncInferenceConfig::builder()
        .output_config(
            AsyncInferenceOutputConfig::builder()
                .s3_output_path(&a.output_path)
                .set_s3_failure_path(a.failure_path.clone())
                .set_kms_key_id(kms_key_id.cloned())
                .notification_config(
                    AsyncInferenceNotificationConfig::builder()
                        .success_topic(&a.success_topic_arn)
                        .error_topic(&a.error_topic_arn)
                        .build(),
                )
                .build(),
        )
        .client_config(
            AsyncInferenceClientConfig::builder()
                .max_concurrent_invocations_per_instance(a.max_concurrent_invocations_per_instance)
                .build(),
        )
        .build()
}

fn data_capture_config(d: &DataCaptureSpec, kms_key_id: Option<&String>) -> DataCaptureConfig {
    let header = (!d.json_content_types.is_empty() || !d.csv_content_types.is_empty()).then(|| {
        CaptureContentTypeHeader::builder()
            .set_json_content_types(
                (!d.json_content_types.is_empty()).then(|| d.json_content_types.clone()),
            )
            .set_csv_content_types(
                (!d.csv_content_types.is_empty()).then(|| d.csv_content_types.clone()),
            )
            .build()
    });
    let options = d
        .capture_modes
        .iter()
        .map(|m| {
            CaptureOption::builder()
                .capture_mode(CaptureMode::from(m.as_str()))
                .build()
        })
        .collect();
    DataCaptureConfig::builder()
        .enable_capture(true)
        .initial_sampling_percentage(d.initial_sampling_percentage)
        .destination_s3_uri(&d.destination_s3_uri)
        .set_kms_key_id(kms_key_id.cloned())
        .set_capture_options(Some(options))
        .set_capture_content_type_header(header)
        .build()
}

/// CreateEndpointConfig; an existing config of the same name is adopted
/// when it carries the ownership mark of `spec.tags`.
pub async fn create(c: &Clients, spec: &EndpointConfigSpec) -> Result<EndpointConfig, AwsError> {
    tracing::debug!(name = %spec.name, "sagemaker:CreateEndpointConfig");
    let res = c
        .sagemaker
        .create_endpoint_config()
        .endpoint_config_name(&spec.name)
        .production_variants(variant(spec))
        .set_async_inference_config(
            spec.async_inference
                .as_ref()
                .map(|a| async_config(a, spec.kms_key_id.as_ref())),
        )
        .set_kms_key_id(spec.kms_key_id.clone())
        .set_data_capture_config(
            spec.data_capture
                .as_ref()
                .map(|d| data_capture_config(d, spec.kms_key_id.as_ref())),
        )
        .set_tags(sagemaker_tags(&spec.tags))
        .send()
        .await;
    match res {
        Ok(out) => Ok(EndpointConfig {
            name: spec.name.clone(),
            arn: out.endpoint_config_arn().unwrap_or_default().to_string(),
            model_name: spec.model_name.clone(),
        }),
        Err(e) => {
            let e = AwsError::from_sdk("CreateEndpointConfig", e);
            if e.is_already_exists()
                && let Some(cfg) = find(c, &spec.name).await?
            {
                super::endpoint::adopt_if_owned(
                    c,
                    "endpoint configuration",
                    &spec.name,
                    &cfg.arn,
                    &spec.tags,
                )
                .await?;
                tracing::debug!(name = %spec.name, "adopting our own existing endpoint config");
                return Ok(cfg);
            }
            Err(e)
        }
    }
}

/// (name, ARN) of every endpoint config whose name contains `fragment` (all
/// pages); the model name is not listed (empty).
pub(crate) async fn list_containing(
    c: &Clients,
    fragment: &str,
) -> Result<Vec<EndpointConfig>, AwsError> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    let mut pages = super::paging::Pager::new("ListEndpointConfigs");
    loop {
        tracing::debug!(fragment, "sagemaker:ListEndpointConfigs");
        let page = c
            .sagemaker
            .list_endpoint_configs()
            .name_contains(fragment)
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("ListEndpointConfigs", e))?;
        out.extend(page.endpoint_configs().iter().map(|e| EndpointConfig {
            name: e.endpoint_config_name().unwrap_or_default().to_string(),
            arn: e.endpoint_config_arn().unwrap_or_default().to_string(),
            model_name: String::new(),
        }));
        match pages.next(page.next_token())? {
            Some(t) => token = Some(t),
            None => return Ok(out),
        }
    }
}

/// Deletes the config only when it carries the mark `owner_id`.
pub(crate) async fn delete_owned(
    c: &Clients,
    name: &str,
    owner_id: &str,
) -> Result<Deleted, AwsError> {
    let Some(cfg) = find(c, name).await? else {
        return Ok(Deleted::Gone);
    };
    let kind = "endpoint configuration";
    if let Err(f) = super::endpoint::check_owned(c, kind, name, &cfg.arn, owner_id).await? {
        return Ok(Deleted::NotOurs(f));
    }
    delete(c, name).await?;
    Ok(Deleted::Done)
}

/// DeleteEndpointConfig; a missing config counts as deleted.
pub async fn delete(c: &Clients, name: &str) -> Result<(), AwsError> {
    tracing::debug!(name, "sagemaker:DeleteEndpointConfig");
    let res = c
        .sagemaker
        .delete_endpoint_config()
        .endpoint_config_name(name)
        .send()
        .await;
    match res {
        Ok(_) => Ok(()),
        Err(e) => {
            let e = AwsError::from_sdk("DeleteEndpointConfig", e);
            if e.is_not_found() { Ok(()) } else { Err(e) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_capture_and_its_key() {
        let d = DataCaptureSpec {
            destination_s3_uri: "s3://b/capture/".into(),
            initial_sampling_percentage: 25,
            capture_modes: vec!["Input".into()],
            json_content_types: vec!["application/json".into()],
            csv_content_types: vec![],
        };
        let key = "arn:aws:kms:us-east-1:123456789012:key/k".to_string();
        let c = data_capture_config(&d, Some(&key));
        assert_eq!(c.enable_capture(), Some(true));
        assert_eq!(c.initial_sampling_percentage(), Some(25));
        assert_eq!(c.destination_s3_uri(), Some("s3://b/capture/"));
        assert_eq!(c.kms_key_id(), Some(key.as_str()));
        let modes: Vec<_> = c
            .capture_options()
            .iter()
            .filter_map(|o| o.capture_mode().map(|m| m.as_str().to_string()))
            .collect();
        assert_eq!(modes, ["Input"]);
        let h = c.capture_content_type_header().expect("header");
        assert_eq!(h.json_content_types(), ["application/json"]);
        assert!(
            h.csv_content_types().is_empty(),
            "an empty list is left out"
        );
        let plain = DataCaptureSpec {
            json_content_types: vec![],
            ..d
        };
        assert!(
            data_capture_config(&plain, None)
                .capture_content_type_header()
                .is_none()
        );
    }

    #[test]
    fn variant_and_async_settings() {
        let spec = EndpointConfigSpec {
            name: "ep-cfg".into(),
            model_name: "ep-model".into(),
            compute: VariantCompute::Instances {
                instance_type: "ml.g5.xlarge".into(),
                instance_count: 2,
                startup_health_check_timeout: 600,
                model_data_download_timeout: 900,
                volume_size_in_gb: None,
            },
            async_inference: None,
            kms_key_id: None,
            data_capture: None,
            tags: BTreeMap::new(),
        };
        let v = variant(&spec);
        assert_eq!(v.variant_name(), Some("AllTraffic"));
        assert_eq!(v.initial_variant_weight(), Some(1.0));
        assert_eq!(v.instance_type().map(|t| t.as_str()), Some("ml.g5.xlarge"));
        assert_eq!(v.initial_instance_count(), Some(2));
        assert_eq!(v.model_data_download_timeout_in_seconds(), Some(900));
        assert_eq!(v.volume_size_in_gb(), None);
        assert!(v.serverless_config().is_none());
        let serverless = EndpointConfigSpec {
            compute: VariantCompute::Serverless(ServerlessSpec {
                memory_size_in_mb: 2048,
                max_concurrency: 8,
                provisioned_concurrency: Some(2),
            }),
            ..spec.clone()
        };
        let v = variant(&serverless);
        assert_eq!(v.instance_type(), None);
        assert_eq!(v.initial_instance_count(), None);
        assert_eq!(v.container_startup_health_check_timeout_in_seconds(), None);
        let sc = v.serverless_config().unwrap();
        assert_eq!(
            serverless_of(sc),
            ServerlessSpec {
                memory_size_in_mb: 2048,
                max_concurrency: 8,
                provisioned_concurrency: Some(2),
            }
        );
        let a = async_config(
            &AsyncSpec {
                output_path: "s3://b/out/".into(),
                failure_path: None,
                success_topic_arn: "arn:s".into(),
                error_topic_arn: "arn:e".into(),
                max_concurrent_invocations_per_instance: 10,
            },
            None,
        );
        let o = a.output_config().unwrap();
        assert_eq!(o.s3_output_path(), Some("s3://b/out/"));
        assert_eq!(o.kms_key_id(), None);
        assert_eq!(o.s3_failure_path(), None);
        assert_eq!(
            o.notification_config().unwrap().error_topic(),
            Some("arn:e")
        );
        assert_eq!(
            a.client_config()
                .unwrap()
                .max_concurrent_invocations_per_instance(),
            Some(10)
        );
    }
}
