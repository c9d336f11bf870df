//! A typed view of a fully known configuration or state, for the apply side:
//! defaults applied, sets sorted, durations parsed. Planning works on raw
//! [`Value`] trees instead, because plan-time values may still be unknown.

use std::collections::BTreeMap;
use std::time::Duration;

use super::super::features::deploy_model;
use super::super::features::scaling_model::{Autoscaling, EndpointKind};
use super::super::schema::state::{ContainerAttr, ServerlessAttr, State, TimeoutsAttr};
use super::super::schema::{
    DEFAULT_CAPTURE_MODES, DEFAULT_CONTAINER_TIMEOUT_SECONDS, DEFAULT_CREATE_TIMEOUT,
    DEFAULT_DELETE_TIMEOUT, DEFAULT_INSTANCE_COUNT, DEFAULT_MAX_CONCURRENT_INVOCATIONS,
    DEFAULT_SAMPLING_PERCENTAGE, DEFAULT_UPDATE_TIMEOUT,
};
use crate::aws::deployment::DeploymentSpec;
use crate::aws::dlc;
use crate::aws::endpoint::Capacity;
use crate::framework::typed::{DecodeError, Known};
use crate::resources::formats::duration::{DurationError, parse_go_duration};
use crate::resources::formats::s3uri::{S3Uri, S3UriError};
use crate::tfplugin::{Number, Value};

/// Why a value could not be read as a complete configuration.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("{0} is not known yet")]
    Unknown(String),
    #[error("{0} is required but null")]
    Missing(String),
    #[error("{path} should be {expected}")]
    Type {
        path: String,
        expected: &'static str,
    },
    #[error("{path}: {reason}")]
    Invalid { path: String, reason: String },
    #[error("timeouts.{op}: {source}")]
    Duration {
        op: &'static str,
        #[source]
        source: DurationError,
    },
    #[error("{path}: {source}")]
    S3 {
        path: String,
        #[source]
        source: S3UriError,
    },
}

/// Resolving the container image failed.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    #[error(
        "cannot resolve the Deep Learning Container image {repository}:{tag}: \
         {source}"
    )]
    Dlc {
        repository: String,
        tag: String,
        region: String,
        #[source]
        source: dlc::DlcError,
    },
}

impl ImageError {
    /// True when the region has no DLC account and none was configured.
    pub fn is_unknown_region(&self) -> bool {
        matches!(
            self,
            ImageError::Dlc {
                source: dlc::DlcError::UnknownRegion { .. },
                ..
            }
        )
    }
}

/// The container image, in one of its two forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Container {
    /// A complete image URI, used as given.
    Image(String),
    /// An AWS Deep Learning Container resolved for the region.
    Dlc {
        repository: String,
        tag: String,
        account_id: Option<String>,
    },
}

impl Container {
    /// The image URI to deploy in `region`.
    pub fn resolve(&self, region: &str) -> Result<String, ImageError> {
        match self {
            Container::Image(uri) => Ok(uri.clone()),
            Container::Dlc {
                repository,
                tag,
                account_id,
            } => dlc::image_uri(repository, tag, region, account_id.as_deref()).map_err(|source| {
                ImageError::Dlc {
                    repository: repository.clone(),
                    tag: tag.clone(),
                    region: region.to_string(),
                    source,
                }
            }),
        }
    }

    /// Reads the `container` object; `Ok(None)` while a field is unknown.
    pub fn from_attr(v: &Known<ContainerAttr>) -> Result<Option<Container>, ModelError> {
        let c = match v {
            Known::Unknown => return Ok(None),
            Known::Null => return Err(ModelError::Missing("container".into())),
            Known::Value(c) => c,
        };
        let fields = [&c.image_uri, &c.repository_name, &c.tag, &c.account_id];
        if fields.iter().any(|f| f.is_unknown()) {
            return Ok(None);
        }
        if let Some(uri) = c.image_uri.get() {
            return Ok(Some(Container::Image(uri.clone())));
        }
        match (c.repository_name.get(), c.tag.get()) {
            (Some(repository), Some(tag)) => Ok(Some(Container::Dlc {
                repository: repository.clone(),
                tag: tag.clone(),
                account_id: c.account_id.get().cloned(),
            })),
            _ => Err(ModelError::Invalid {
                path: "container".into(),
                reason: "set image_uri, or repository_name and tag".into(),
            }),
        }
    }
}

/// `vpc_config`, with both ID lists sorted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VpcConfig {
    pub security_group_ids: Vec<String>,
    pub subnets: Vec<String>,
}

/// `async_inference`, with its default applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AsyncInference {
    pub output_path: String,
    pub failure_path: Option<String>,
    pub max_concurrent_invocations_per_instance: i64,
    /// Where callers put requests (for the generated role only).
    pub input_path: Option<String>,
}

/// `data_capture`, with its defaults applied and the lists sorted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataCapture {
    pub destination_s3_uri: String,
    pub initial_sampling_percentage: i64,
    /// `Input`, `Output`, sorted.
    pub capture_modes: Vec<String>,
    pub json_content_types: Vec<String>,
    pub csv_content_types: Vec<String>,
}

/// `serverless`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Serverless {
    pub memory_size_in_mb: i64,
    pub max_concurrency: i64,
    pub provisioned_concurrency: Option<i64>,
}

/// What the endpoint runs on, with the settings only that kind has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Compute {
    /// Instances (`instance_type` and the rest), defaults applied.
    Instances {
        instance_type: String,
        instance_count: i64,
        volume_size_in_gb: Option<i64>,
        startup_health_check_timeout_in_seconds: i64,
        model_data_download_timeout_in_seconds: i64,
    },
    /// A serverless variant.
    Serverless(Serverless),
}

impl Compute {
    /// The instance type; `None` on a serverless endpoint.
    pub fn instance_type(&self) -> Option<&str> {
        match self {
            Compute::Instances { instance_type, .. } => Some(instance_type),
            Compute::Serverless(_) => None,
        }
    }

    /// The capacity the configuration asks the live variant to have.
    pub fn capacity(&self) -> Result<Capacity, ModelError> {
        let int = |path: &str, v: i64| {
            i32::try_from(v).map_err(|_| ModelError::Invalid {
                path: path.to_string(),
                reason: "is out of range".into(),
            })
        };
        Ok(match self {
            Compute::Instances { instance_count, .. } => {
                Capacity::Instances(int("instance_count", (*instance_count).max(1))?)
            }
            Compute::Serverless(s) => Capacity::Serverless {
                max_concurrency: int("serverless.max_concurrency", s.max_concurrency)?,
                provisioned_concurrency: s
                    .provisioned_concurrency
                    .map(|p| int("serverless.provisioned_concurrency", p))
                    .transpose()?,
            },
        })
    }

    fn from_state(v: &State) -> Result<Compute, ModelError> {
        match &v.serverless {
            Known::Unknown => Err(ModelError::Unknown("serverless".into())),
            Known::Value(sv) => Ok(Compute::Serverless(Serverless::from_attr(sv)?)),
            Known::Null => Ok(Compute::Instances {
                instance_type: req_str(&v.instance_type, "instance_type")?,
                instance_count: opt_int(&v.instance_count, "instance_count")?
                    .unwrap_or(DEFAULT_INSTANCE_COUNT),
                volume_size_in_gb: opt_int(&v.volume_size_in_gb, "volume_size_in_gb")?,
                startup_health_check_timeout_in_seconds: opt_int(
                    &v.startup_health_check_timeout_in_seconds,
                    "startup_health_check_timeout_in_seconds",
                )?
                .unwrap_or(DEFAULT_CONTAINER_TIMEOUT_SECONDS),
                model_data_download_timeout_in_seconds: opt_int(
                    &v.model_data_download_timeout_in_seconds,
                    "model_data_download_timeout_in_seconds",
                )?
                .unwrap_or(DEFAULT_CONTAINER_TIMEOUT_SECONDS),
            }),
        }
    }
}

impl Serverless {
    fn from_attr(v: &ServerlessAttr) -> Result<Serverless, ModelError> {
        Ok(Serverless {
            memory_size_in_mb: opt_int(&v.memory_size_in_mb, "serverless.memory_size_in_mb")?
                .ok_or_else(|| ModelError::Missing("serverless.memory_size_in_mb".into()))?,
            max_concurrency: opt_int(&v.max_concurrency, "serverless.max_concurrency")?
                .ok_or_else(|| ModelError::Missing("serverless.max_concurrency".into()))?,
            provisioned_concurrency: opt_int(
                &v.provisioned_concurrency,
                "serverless.provisioned_concurrency",
            )?,
        })
    }
}

/// The `timeouts` block, with the documented defaults applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    pub create: Duration,
    pub update: Duration,
    pub delete: Duration,
}

/// Everything the apply side needs, read from a fully known configuration
/// or planned state.
#[derive(Debug, Clone, PartialEq)]
pub struct EndpointSpec {
    pub endpoint_name: String,
    pub model_id: String,
    pub compute: Compute,
    pub model_data_url: String,
    pub container: Container,
    pub role_arn: Option<String>,
    pub role_managed_policy_arns: Vec<String>,
    pub environment: BTreeMap<String, String>,
    pub vpc_config: Option<VpcConfig>,
    pub enable_network_isolation: bool,
    /// Volume, async results and captured data.
    pub kms_key_arn: Option<String>,
    /// The key of the model data's bucket (for the generated role only).
    pub model_data_kms_key_arn: Option<String>,
    pub data_capture: Option<DataCapture>,
    /// The log group is the provider's while this is set.
    pub log_retention_in_days: Option<i64>,
    pub delete_logs_on_destroy: bool,
    pub async_inference: Option<AsyncInference>,
    pub autoscaling: Option<Autoscaling>,
    pub deployment: Option<DeploymentSpec>,
    pub tags: BTreeMap<String, String>,
    pub timeouts: Timeouts,
}

impl EndpointSpec {
    /// Reads a configuration or planned state. Fails on unknown values.
    pub fn from_state(v: &State) -> Result<EndpointSpec, ModelError> {
        let container = Container::from_attr(&v.container)?
            .ok_or_else(|| ModelError::Unknown("container".into()))?;
        let vpc_config = match &v.vpc_config {
            Known::Null => None,
            Known::Unknown => return Err(ModelError::Unknown("vpc_config".into())),
            Known::Value(vpc) => Some(VpcConfig {
                security_group_ids: str_set(
                    &vpc.security_group_ids,
                    "vpc_config.security_group_ids",
                )?,
                subnets: str_set(&vpc.subnets, "vpc_config.subnets")?,
            }),
        };
        let async_inference = match &v.async_inference {
            Known::Null => None,
            Known::Unknown => return Err(ModelError::Unknown("async_inference".into())),
            Known::Value(a) => Some(AsyncInference {
                output_path: req_str(&a.output_path, "async_inference.output_path")?,
                failure_path: opt_str(&a.failure_path, "async_inference.failure_path")?,
                max_concurrent_invocations_per_instance: opt_int(
                    &a.max_concurrent_invocations_per_instance,
                    "async_inference.max_concurrent_invocations_per_instance",
                )?
                .unwrap_or(DEFAULT_MAX_CONCURRENT_INVOCATIONS),
                input_path: opt_str(&a.input_path, "async_inference.input_path")?,
            }),
        };
        let data_capture = match &v.data_capture {
            Known::Null => None,
            Known::Unknown => return Err(ModelError::Unknown("data_capture".into())),
            Known::Value(c) => {
                let mut modes = str_set(&c.capture_modes, "data_capture.capture_modes")?;
                if modes.is_empty() {
                    modes = DEFAULT_CAPTURE_MODES
                        .iter()
                        .map(|m| m.to_string())
                        .collect();
                }
                Some(DataCapture {
                    destination_s3_uri: req_str(
                        &c.destination_s3_uri,
                        "data_capture.destination_s3_uri",
                    )?,
                    initial_sampling_percentage: opt_int(
                        &c.initial_sampling_percentage,
                        "data_capture.initial_sampling_percentage",
                    )?
                    .unwrap_or(DEFAULT_SAMPLING_PERCENTAGE),
                    capture_modes: modes,
                    json_content_types: str_set(
                        &c.json_content_types,
                        "data_capture.json_content_types",
                    )?,
                    csv_content_types: str_set(
                        &c.csv_content_types,
                        "data_capture.csv_content_types",
                    )?,
                })
            }
        };
        let autoscaling = Autoscaling::from_attr(&v.autoscaling, EndpointKind::of_known(v))
            .map_err(|e| ModelError::Invalid {
                path: format!("autoscaling.{}", e.field),
                reason: e.reason.to_string(),
            })?;
        Ok(EndpointSpec {
            endpoint_name: req_str(&v.endpoint_name, "endpoint_name")?,
            model_id: req_str(&v.model_id, "model_id")?,
            compute: Compute::from_state(v)?,
            model_data_url: req_str(&v.model_data_url, "model_data_url")?,
            container,
            role_arn: opt_str(&v.role_arn, "role_arn")?,
            role_managed_policy_arns: str_set(
                &v.role_managed_policy_arns,
                "role_managed_policy_arns",
            )?,
            environment: str_map(&v.environment, "environment")?,
            vpc_config,
            enable_network_isolation: match &v.enable_network_isolation {
                Known::Value(b) => *b,
                Known::Null => false,
                Known::Unknown => {
                    return Err(ModelError::Unknown("enable_network_isolation".into()));
                }
            },
            kms_key_arn: opt_str(&v.kms_key_arn, "kms_key_arn")?,
            model_data_kms_key_arn: opt_str(&v.model_data_kms_key_arn, "model_data_kms_key_arn")?,
            data_capture,
            log_retention_in_days: opt_int(&v.log_retention_in_days, "log_retention_in_days")?,
            delete_logs_on_destroy: v.delete_logs_on_destroy.get() == Some(&true),
            async_inference,
            autoscaling,
            deployment: deploy_model::from_attr(&v.deployment_config).map_err(|e| {
                ModelError::Invalid {
                    path: format!("deployment_config.{}", e.path),
                    reason: e.reason.to_string(),
                }
            })?,
            tags: str_map(&v.tags, "tags")?,
            timeouts: read_timeouts(&v.timeouts)?,
        })
    }

    /// The parsed `model_data_url`.
    pub fn model_data(&self) -> Result<S3Uri, ModelError> {
        S3Uri::parse(&self.model_data_url).map_err(|source| ModelError::S3 {
            path: "model_data_url".into(),
            source,
        })
    }
}

fn read_timeouts(t: &Known<TimeoutsAttr>) -> Result<Timeouts, ModelError> {
    let none = TimeoutsAttr::default();
    let t = match t {
        Known::Unknown => return Err(ModelError::Unknown("timeouts".into())),
        Known::Null => &none,
        Known::Value(t) => t,
    };
    let one =
        |op: &'static str, v: &Known<String>, default: &str| -> Result<Duration, ModelError> {
            let s = match v {
                Known::Null => default,
                Known::Value(s) => s.as_str(),
                Known::Unknown => return Err(ModelError::Unknown(format!("timeouts.{op}"))),
            };
            parse_go_duration(s).map_err(|source| ModelError::Duration { op, source })
        };
    Ok(Timeouts {
        create: one("create", &t.create, DEFAULT_CREATE_TIMEOUT)?,
        update: one("update", &t.update, DEFAULT_UPDATE_TIMEOUT)?,
        delete: one("delete", &t.delete, DEFAULT_DELETE_TIMEOUT)?,
    })
}

fn opt_str(v: &Known<String>, path: &str) -> Result<Option<String>, ModelError> {
    match v {
        Known::Null => Ok(None),
        Known::Value(s) => Ok(Some(s.clone())),
        Known::Unknown => Err(ModelError::Unknown(path.to_string())),
    }
}

fn req_str(v: &Known<String>, path: &str) -> Result<String, ModelError> {
    opt_str(v, path)?.ok_or_else(|| ModelError::Missing(path.to_string()))
}

fn opt_int(v: &Known<Number>, path: &str) -> Result<Option<i64>, ModelError> {
    match v {
        Known::Null => Ok(None),
        Known::Unknown => Err(ModelError::Unknown(path.to_string())),
        Known::Value(n) => n.as_i64().map(Some).ok_or_else(|| ModelError::Type {
            path: path.to_string(),
            expected: "a whole number",
        }),
    }
}

/// A set or list of strings, sorted; null is empty.
fn str_set(v: &Value, path: &str) -> Result<Vec<String>, ModelError> {
    if v.is_null() {
        return Ok(Vec::new());
    }
    if !v.is_wholly_known() {
        return Err(ModelError::Unknown(path.to_string()));
    }
    let elems = v.as_elements().ok_or_else(|| ModelError::Type {
        path: path.to_string(),
        expected: "a set of strings",
    })?;
    let mut out = elems
        .iter()
        .filter_map(|e| e.as_str().map(str::to_string))
        .collect::<Vec<_>>();
    out.sort();
    Ok(out)
}

/// A map of strings; null is empty and null entries are dropped.
fn str_map(v: &Value, path: &str) -> Result<BTreeMap<String, String>, ModelError> {
    if v.is_null() {
        return Ok(BTreeMap::new());
    }
    if !v.is_wholly_known() {
        return Err(ModelError::Unknown(path.to_string()));
    }
    let m = v.as_object().ok_or_else(|| ModelError::Type {
        path: path.to_string(),
        expected: "a map of strings",
    })?;
    Ok(m.iter()
        .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
        .collect())
}

impl From<DecodeError> for ModelError {
    fn from(e: DecodeError) -> Self {
        ModelError::Type {
            path: e.path,
            expected: e.expected,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::typed;
    use crate::resources::custom_endpoint::testutil::*;

    impl EndpointSpec {
        fn from_value(v: &Value) -> Result<EndpointSpec, ModelError> {
            if v.is_unknown() {
                return Err(ModelError::Unknown("the configuration".into()));
            }
            EndpointSpec::from_state(&State::decode(v)?)
        }
    }

    impl Container {
        fn from_value(v: &Value) -> Result<Option<Container>, ModelError> {
            Container::from_attr(&typed::decode(v)?)
        }
    }

    #[test]
    fn reads_a_minimal_configuration_with_defaults() {
        let spec = EndpointSpec::from_value(&valid_config()).unwrap();
        assert_eq!(spec.endpoint_name, "llm-endpoint");
        let Compute::Instances {
            instance_count,
            startup_health_check_timeout_in_seconds,
            model_data_download_timeout_in_seconds,
            volume_size_in_gb,
            ..
        } = &spec.compute
        else {
            panic!("not on instances: {:?}", spec.compute)
        };
        assert_eq!(*instance_count, 1);
        assert_eq!(*startup_health_check_timeout_in_seconds, 600);
        assert_eq!(*model_data_download_timeout_in_seconds, 600);
        assert_eq!(*volume_size_in_gb, None);
        assert_eq!(spec.compute.capacity().unwrap(), Capacity::Instances(1));
        assert_eq!(spec.role_arn, None);
        assert!(spec.environment.is_empty() && spec.tags.is_empty());
        assert!(spec.vpc_config.is_none() && spec.async_inference.is_none());
        assert!(matches!(
            &spec.container,
            Container::Dlc {
                account_id: None,
                ..
            }
        ));
        assert_eq!(spec.timeouts.create, Duration::from_secs(3600));
        assert_eq!(spec.timeouts.update, Duration::from_secs(3600));
        assert_eq!(spec.timeouts.delete, Duration::from_secs(1800));
        assert!(spec.model_data().unwrap().is_tar_gz());
    }

    #[test]
    fn reads_every_optional_part() {
        let c = with(valid_config(), &["instance_count"], n(3));
        let c = with(c, &["vpc_config"], vpc(&["sg-b", "sg-a"], &["subnet-1"]));
        let c = with(c, &["environment"], map(&[("A", "1")]));
        let c = with(c, &["volume_size_in_gb"], n(30));
        let c = with(c, &["async_inference"], async_block("s3://out-bucket/r/"));
        let c = with(c, &["timeouts"], timeouts(s("90s"), Value::Null, s("1h")));
        let c = with(c, &["container"], container(&[("image_uri", s("img:1"))]));
        let spec = EndpointSpec::from_value(&c).unwrap();
        assert_eq!(spec.compute.capacity().unwrap(), Capacity::Instances(3));
        assert!(matches!(
            spec.compute,
            Compute::Instances {
                volume_size_in_gb: Some(30),
                ..
            }
        ));
        assert_eq!(
            spec.vpc_config.unwrap().security_group_ids,
            ["sg-a", "sg-b"]
        );
        assert_eq!(spec.environment["A"], "1");
        let a = spec.async_inference.unwrap();
        assert_eq!(a.max_concurrent_invocations_per_instance, 10);
        assert_eq!(a.failure_path, None);
        assert_eq!(spec.timeouts.create, Duration::from_secs(90));
        assert_eq!(spec.timeouts.update, Duration::from_secs(3600));
        assert_eq!(spec.timeouts.delete, Duration::from_secs(3600));
        assert_eq!(spec.container, Container::Image("img:1".into()));
    }

    #[test]
    fn a_serverless_endpoint_has_no_instance_settings() {
        let c = with(valid_config(), &["instance_type"], Value::Null);
        let c = with(c, &["instance_count"], Value::Null);
        let c = with(c, &["serverless"], serverless_block(2048, 10, Some(2)));
        let spec = EndpointSpec::from_value(&c).unwrap();
        assert_eq!(
            spec.compute,
            Compute::Serverless(Serverless {
                memory_size_in_mb: 2048,
                max_concurrency: 10,
                provisioned_concurrency: Some(2),
            })
        );
        assert_eq!(spec.compute.instance_type(), None);
        assert_eq!(
            spec.compute.capacity().unwrap(),
            Capacity::Serverless {
                max_concurrency: 10,
                provisioned_concurrency: Some(2),
            }
        );
        let half = with(c, &["serverless", "max_concurrency"], Value::Null);
        assert!(matches!(
            EndpointSpec::from_value(&half),
            Err(ModelError::Missing(p)) if p == "serverless.max_concurrency"
        ));
    }

    #[test]
    fn unknown_missing_and_malformed_values_are_typed_errors() {
        let unknown = with(valid_config(), &["instance_type"], Value::Unknown);
        assert!(matches!(
            EndpointSpec::from_value(&unknown),
            Err(ModelError::Unknown(p)) if p == "instance_type"
        ));
        let missing = with(valid_config(), &["model_id"], Value::Null);
        assert!(matches!(
            EndpointSpec::from_value(&missing),
            Err(ModelError::Missing(_))
        ));
        let bad = with(valid_config(), &["instance_count"], s("two"));
        assert!(matches!(
            EndpointSpec::from_value(&bad),
            Err(ModelError::Type { .. })
        ));
        let bad = with(
            valid_config(),
            &["timeouts"],
            timeouts(s("soon"), Value::Null, Value::Null),
        );
        assert!(matches!(
            EndpointSpec::from_value(&bad),
            Err(ModelError::Duration { op: "create", .. })
        ));
        let half = with(
            valid_config(),
            &["container"],
            container(&[("tag", s("t"))]),
        );
        assert!(matches!(
            EndpointSpec::from_value(&half),
            Err(ModelError::Invalid { .. })
        ));
        let c = with(
            valid_config(),
            &["container"],
            container(&[("tag", Value::Unknown)]),
        );
        assert!(matches!(
            Container::from_value(c.get("container")),
            Ok(None)
        ));
    }

    #[test]
    fn containers_resolve_per_region() {
        let direct = Container::Image("x/y:1".into());
        assert_eq!(direct.resolve("anywhere-1").unwrap(), "x/y:1");
        let dlc = Container::Dlc {
            repository: "repo".into(),
            tag: "t".into(),
            account_id: None,
        };
        let uri = dlc.resolve("us-east-1").unwrap();
        assert!(
            uri.ends_with("/repo:t") && uri.contains("us-east-1"),
            "{uri}"
        );
        let cn = dlc.resolve("cn-north-1").unwrap();
        assert!(cn.contains(".amazonaws.com.cn/"), "{cn}");
        let err = dlc.resolve("xx-nowhere-1").unwrap_err().to_string();
        assert!(err.contains("xx-nowhere-1"), "{err}");
    }
}
