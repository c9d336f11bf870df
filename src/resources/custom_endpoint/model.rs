//! A typed view of a fully known configuration or state, for the apply side:
//! defaults applied, sets sorted, durations parsed. Planning works on raw
//! [`Value`] trees instead, because plan-time values may still be unknown.

use std::collections::BTreeMap;
use std::time::Duration;

use super::aws_shim::dlc;
use super::duration::{DurationError, parse_go_duration};
use super::s3uri::{S3Uri, S3UriError};
use super::schema::{
    DEFAULT_CONTAINER_TIMEOUT_SECONDS, DEFAULT_CREATE_TIMEOUT, DEFAULT_DELETE_TIMEOUT,
    DEFAULT_INSTANCE_COUNT, DEFAULT_MAX_CONCURRENT_INVOCATIONS, DEFAULT_UPDATE_TIMEOUT,
};
use crate::tfplugin::Value;

/// Why a value could not be read as a complete configuration.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("{0} is not known yet")]
    Unknown(String),
    #[error("{0} is required but null")]
    Missing(String),
    #[error("{path} should be {expected}")]
    Type { path: String, expected: &'static str },
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
        "cannot resolve the Deep Learning Container {repository}:{tag} in region {region:?}: \
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
            } => dlc::image_uri(repository, tag, region, account_id.as_deref()).map_err(
                |source| ImageError::Dlc {
                    repository: repository.clone(),
                    tag: tag.clone(),
                    region: region.to_string(),
                    source,
                },
            ),
        }
    }

    /// Reads the `container` object; `Ok(None)` while a field is unknown.
    pub fn from_value(v: &Value) -> Result<Option<Container>, ModelError> {
        let r = Reader("container");
        if v.is_unknown() {
            return Ok(None);
        }
        if v.is_null() {
            return Err(ModelError::Missing("container".into()));
        }
        let fields = ["image_uri", "repository_name", "tag", "account_id"];
        if fields.iter().any(|f| v.get(f).is_unknown()) {
            return Ok(None);
        }
        if let Some(uri) = r.opt_str(v, "image_uri")? {
            return Ok(Some(Container::Image(uri)));
        }
        match (r.opt_str(v, "repository_name")?, r.opt_str(v, "tag")?) {
            (Some(repository), Some(tag)) => Ok(Some(Container::Dlc {
                repository,
                tag,
                account_id: r.opt_str(v, "account_id")?,
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointSpec {
    pub endpoint_name: String,
    pub model_id: String,
    pub instance_type: String,
    pub instance_count: i64,
    pub model_data_url: String,
    pub container: Container,
    pub role_arn: Option<String>,
    pub role_managed_policy_arns: Vec<String>,
    pub environment: BTreeMap<String, String>,
    pub vpc_config: Option<VpcConfig>,
    pub startup_health_check_timeout_in_seconds: i64,
    pub model_data_download_timeout_in_seconds: i64,
    pub volume_size_in_gb: Option<i64>,
    pub async_inference: Option<AsyncInference>,
    pub tags: BTreeMap<String, String>,
    pub timeouts: Timeouts,
}

impl EndpointSpec {
    /// Reads a configuration or state object. Fails on unknown values.
    pub fn from_value(v: &Value) -> Result<EndpointSpec, ModelError> {
        let r = Reader("");
        if v.is_unknown() {
            return Err(ModelError::Unknown("the configuration".into()));
        }
        let container = Container::from_value(v.get("container"))?
            .ok_or_else(|| ModelError::Unknown("container".into()))?;
        let vpc = v.get("vpc_config");
        let vpc_config = if vpc.is_null() {
            None
        } else {
            let r = Reader("vpc_config");
            Some(VpcConfig {
                security_group_ids: r.str_set(vpc, "security_group_ids")?,
                subnets: r.str_set(vpc, "subnets")?,
            })
        };
        let a = v.get("async_inference");
        let async_inference = if a.is_null() {
            None
        } else {
            let r = Reader("async_inference");
            Some(AsyncInference {
                output_path: r.req_str(a, "output_path")?,
                failure_path: r.opt_str(a, "failure_path")?,
                max_concurrent_invocations_per_instance: r
                    .opt_int(a, "max_concurrent_invocations_per_instance")?
                    .unwrap_or(DEFAULT_MAX_CONCURRENT_INVOCATIONS),
            })
        };
        Ok(EndpointSpec {
            endpoint_name: r.req_str(v, "endpoint_name")?,
            model_id: r.req_str(v, "model_id")?,
            instance_type: r.req_str(v, "instance_type")?,
            instance_count: r
                .opt_int(v, "instance_count")?
                .unwrap_or(DEFAULT_INSTANCE_COUNT),
            model_data_url: r.req_str(v, "model_data_url")?,
            container,
            role_arn: r.opt_str(v, "role_arn")?,
            role_managed_policy_arns: r.str_set(v, "role_managed_policy_arns")?,
            environment: r.str_map(v, "environment")?,
            vpc_config,
            startup_health_check_timeout_in_seconds: r
                .opt_int(v, "startup_health_check_timeout_in_seconds")?
                .unwrap_or(DEFAULT_CONTAINER_TIMEOUT_SECONDS),
            model_data_download_timeout_in_seconds: r
                .opt_int(v, "model_data_download_timeout_in_seconds")?
                .unwrap_or(DEFAULT_CONTAINER_TIMEOUT_SECONDS),
            volume_size_in_gb: r.opt_int(v, "volume_size_in_gb")?,
            async_inference,
            tags: r.str_map(v, "tags")?,
            timeouts: read_timeouts(v.get("timeouts"))?,
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

fn read_timeouts(t: &Value) -> Result<Timeouts, ModelError> {
    let one = |op: &'static str, default: &str| -> Result<Duration, ModelError> {
        let s = match t.get(op) {
            Value::Null => default,
            Value::String(s) => s.as_str(),
            Value::Unknown => return Err(ModelError::Unknown(format!("timeouts.{op}"))),
            _ => {
                return Err(ModelError::Type {
                    path: format!("timeouts.{op}"),
                    expected: "a string",
                });
            }
        };
        parse_go_duration(s).map_err(|source| ModelError::Duration { op, source })
    };
    Ok(Timeouts {
        create: one("create", DEFAULT_CREATE_TIMEOUT)?,
        update: one("update", DEFAULT_UPDATE_TIMEOUT)?,
        delete: one("delete", DEFAULT_DELETE_TIMEOUT)?,
    })
}

/// Reads typed fields of one object, naming `prefix.field` in errors.
struct Reader(&'static str);

impl Reader {
    fn path(&self, field: &str) -> String {
        if self.0.is_empty() {
            field.to_string()
        } else {
            format!("{}.{field}", self.0)
        }
    }

    fn opt_str(&self, obj: &Value, field: &str) -> Result<Option<String>, ModelError> {
        match obj.get(field) {
            Value::Null => Ok(None),
            Value::String(s) => Ok(Some(s.clone())),
            Value::Unknown => Err(ModelError::Unknown(self.path(field))),
            _ => Err(ModelError::Type {
                path: self.path(field),
                expected: "a string",
            }),
        }
    }

    fn req_str(&self, obj: &Value, field: &str) -> Result<String, ModelError> {
        self.opt_str(obj, field)?
            .ok_or_else(|| ModelError::Missing(self.path(field)))
    }

    fn opt_int(&self, obj: &Value, field: &str) -> Result<Option<i64>, ModelError> {
        match obj.get(field) {
            Value::Null => Ok(None),
            Value::Unknown => Err(ModelError::Unknown(self.path(field))),
            v => v.as_i64().map(Some).ok_or_else(|| ModelError::Type {
                path: self.path(field),
                expected: "a whole number",
            }),
        }
    }

    /// A set or list of strings, sorted; null is empty.
    fn str_set(&self, obj: &Value, field: &str) -> Result<Vec<String>, ModelError> {
        let v = obj.get(field);
        if v.is_null() {
            return Ok(Vec::new());
        }
        if !v.is_wholly_known() {
            return Err(ModelError::Unknown(self.path(field)));
        }
        let elems = v.as_elements().ok_or_else(|| ModelError::Type {
            path: self.path(field),
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
    fn str_map(&self, obj: &Value, field: &str) -> Result<BTreeMap<String, String>, ModelError> {
        let v = obj.get(field);
        if v.is_null() {
            return Ok(BTreeMap::new());
        }
        if !v.is_wholly_known() {
            return Err(ModelError::Unknown(self.path(field)));
        }
        let m = v.as_object().ok_or_else(|| ModelError::Type {
            path: self.path(field),
            expected: "a map of strings",
        })?;
        Ok(m.iter()
            .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
            .collect())
    }
}
