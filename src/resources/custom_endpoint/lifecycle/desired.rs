//! What the AWS objects of one endpoint should look like, computed from a
//! fully known planned (or prior) state: names, tags and the specs handed to
//! the AWS layer. Pure; shared by create, update and delete.

use std::collections::BTreeMap;

use super::super::aws;
use super::super::aws::endpoint_config::{
    AsyncSpec, DataCaptureSpec, EndpointConfigSpec, ServerlessSpec, VariantCompute,
};
use super::super::aws::logs::LogGroupSpec;
use super::super::aws::model::{ModelData, ModelSpec, VpcSpec};
use super::super::aws::names::{self, TopicKind};
use super::super::aws::policy::{self, PolicyInputs};
use super::super::aws::role::RoleSpec;
use super::super::features::secrets::Secrets;
use super::super::schema::state::State;
use super::super::spec::derive::{derived_names, tags_all};
use super::super::spec::model::{Compute, EndpointSpec, ImageError, ModelError};
use crate::aws::dlc;
use crate::tfplugin::Value;

/// The environment variable the model always receives (unless overridden).
pub const REGION_ENV: &str = "SAGEMAKER_REGION";
/// The tag naming the served model, on the model and the endpoint.
pub const MODEL_ID_TAG: &str = "modelId";

/// Why the desired objects could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum DesiredError {
    #[error(transparent)]
    Input(#[from] ModelError),
    #[error(transparent)]
    Image(#[from] ImageError),
    #[error("{field} = {value} does not fit the range SageMaker accepts")]
    OutOfRange { field: &'static str, value: i64 },
    #[error("the derived model and endpoint configuration names could not be computed")]
    Names,
}

/// Where the provider runs: what names and ARNs are derived from.
#[derive(Debug, Clone, Copy)]
pub struct Place<'a> {
    pub region: &'a str,
    pub account_id: &'a str,
    pub default_tags: &'a BTreeMap<String, String>,
}

impl Place<'_> {
    pub fn partition(&self) -> &'static str {
        dlc::partition(self.region)
    }

    /// The ARN a topic of this name has (topic ARNs are deterministic).
    pub fn topic_arn(&self, name: &str) -> String {
        format!(
            "arn:{}:sns:{}:{}:{name}",
            self.partition(),
            self.region,
            self.account_id
        )
    }
}

/// The desired objects of one endpoint.
#[derive(Debug, Clone)]
pub struct Desired {
    pub spec: EndpointSpec,
    pub image_uri: String,
    pub model_name: String,
    pub config_name: String,
    pub tags_all: BTreeMap<String, String>,
    /// Write-only secret variables, from the configuration of this apply
    /// (empty when reading a prior state: values are never stored).
    pub secrets: Secrets,
    /// This resource instance's ownership mark ("" until create picks it).
    pub ownership_id: String,
    /// The names of the secret variables (from `environment_secret_keys`).
    pub secret_keys: Vec<String>,
}

fn string_map(v: &Value) -> BTreeMap<String, String> {
    v.as_object()
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
        .collect()
}

fn to_i32(field: &'static str, value: i64) -> Result<i32, DesiredError> {
    i32::try_from(value).map_err(|_| DesiredError::OutOfRange { field, value })
}

impl Desired {
    /// Reads a planned or prior state. Computed values that are still
    /// unknown (image URI, derived names, `tags_all`) are derived exactly as
    /// planning derives them.
    pub fn of(state: &State, place: &Place<'_>) -> Result<Desired, DesiredError> {
        let spec = EndpointSpec::from_state(state)?;
        let image_uri = match state.image_uri.as_str() {
            Some(uri) => uri.to_string(),
            None => spec.container.resolve(place.region)?,
        };
        let derived = || derived_names(state, place.region).ok_or(DesiredError::Names);
        let model_name = match state.model_name.as_str() {
            Some(n) => n.to_string(),
            None => derived()?.model_name,
        };
        let config_name = match state.endpoint_config_name.as_str() {
            Some(n) => n.to_string(),
            None => derived()?.endpoint_config_name,
        };
        let all = match &state.tags_all {
            v @ Value::Map(_) if v.is_wholly_known() => v.clone(),
            _ => tags_all(&state.tags, place.default_tags),
        };
        Ok(Desired {
            spec,
            image_uri,
            model_name,
            config_name,
            tags_all: string_map(&all),
            secrets: Secrets::default(),
            ownership_id: state.ownership_id.as_str().unwrap_or_default().to_string(),
            secret_keys: super::super::features::secrets::keys_in(state).unwrap_or_default(),
        })
    }

    pub fn endpoint_name(&self) -> &str {
        &self.spec.endpoint_name
    }

    /// `tags_all` plus the ownership tags: what every object gets.
    pub fn base_tags(&self) -> BTreeMap<String, String> {
        let mut t = self.tags_all.clone();
        t.insert(aws::OWNERSHIP_TAG.into(), self.spec.endpoint_name.clone());
        if !self.ownership_id.is_empty() {
            t.insert(aws::owner::OWNER_TAG.into(), self.ownership_id.clone());
        }
        t
    }

    /// Tags of the model and the endpoint: the base tags plus `modelId`.
    pub fn model_tags(&self) -> BTreeMap<String, String> {
        let mut t = self.base_tags();
        t.insert(MODEL_ID_TAG.into(), self.spec.model_id.clone());
        t
    }

    /// Tags of the model alone: [`Desired::model_tags`] plus the names (never
    /// the values) of its secret variables.
    pub fn model_only_tags(&self) -> BTreeMap<String, String> {
        let mut t = self.model_tags();
        let mut keys = self.secret_keys.clone();
        keys.extend(self.secrets.iter().map(|(k, _)| k.clone()));
        keys.sort();
        keys.dedup();
        if let Some(v) = super::super::features::secrets::keys_tag_value(&keys) {
            t.insert(super::super::features::secrets::KEYS_TAG.into(), v);
        }
        t
    }

    /// The desired objects of a planned state, with the secret values of
    /// the configuration being applied.
    pub fn with_secrets(mut self, config: &State) -> Desired {
        self.secrets = Secrets::from_config(config);
        self
    }

    /// The model's environment: `SAGEMAKER_REGION` merged with the user's
    /// map, where the user's keys win, then the secret variables (validation
    /// keeps their keys apart from `environment`).
    pub fn environment(&self, region: &str) -> BTreeMap<String, String> {
        let mut env = BTreeMap::from([(REGION_ENV.to_string(), region.to_string())]);
        env.extend(self.spec.environment.clone());
        env.extend(self.secrets.iter().map(|(k, v)| (k.clone(), v.clone())));
        env
    }

    /// `.tar.gz` is a compressed archive; anything else an S3 prefix.
    pub fn model_data(&self) -> ModelData {
        ModelData::from_url(&self.spec.model_data_url)
    }

    /// True when the role is generated by the provider.
    pub fn role_is_managed(&self) -> bool {
        self.spec.role_arn.is_none()
    }

    pub fn role_name(&self, place: &Place<'_>) -> String {
        names::role_name(&self.spec.endpoint_name, place.region)
    }

    /// The (success, error) topic names, for asynchronous endpoints.
    pub fn topic_names(&self) -> Option<(String, String)> {
        self.spec.async_inference.as_ref().map(|_| {
            let ep = &self.spec.endpoint_name;
            (
                names::topic_name(ep, TopicKind::Success),
                names::topic_name(ep, TopicKind::Error),
            )
        })
    }

    /// The log group the provider owns, when `log_retention_in_days` is set.
    pub fn log_group_spec(&self) -> Result<Option<LogGroupSpec>, DesiredError> {
        let Some(days) = self.spec.log_retention_in_days else {
            return Ok(None);
        };
        Ok(Some(LogGroupSpec {
            name: names::log_group_name(&self.spec.endpoint_name),
            retention_in_days: to_i32("log_retention_in_days", days)?,
            kms_key_id: self.spec.kms_key_arn.clone(),
            tags: self.base_tags(),
        }))
    }

    /// The (success, error) topic ARNs, for asynchronous endpoints.
    pub fn topic_arns(&self, place: &Place<'_>) -> Option<(String, String)> {
        self.topic_names()
            .map(|(s, e)| (place.topic_arn(&s), place.topic_arn(&e)))
    }

    /// The generated role: trust, least-privilege inline policy, extra
    /// managed policies and tags.
    pub fn role_spec(&self, place: &Place<'_>) -> RoleSpec {
        let data = self.model_data();
        let topics: Vec<String> = self
            .topic_arns(place)
            .map(|(s, e)| vec![s, e])
            .unwrap_or_default();
        let a = self.spec.async_inference.as_ref();
        let inputs = PolicyInputs {
            partition: place.partition(),
            region: place.region,
            account_id: place.account_id,
            endpoint_name: &self.spec.endpoint_name,
            model_data: &data,
            image_uri: &self.image_uri,
            async_output: a.map(|a| a.output_path.as_str()),
            async_failure: a.and_then(|a| a.failure_path.as_deref()),
            async_input: a.and_then(|a| a.input_path.as_deref()),
            capture_destination: self
                .spec
                .data_capture
                .as_ref()
                .map(|d| d.destination_s3_uri.as_str()),
            kms_key: self.spec.kms_key_arn.as_deref(),
            model_data_kms_key: self.spec.model_data_kms_key_arn.as_deref(),
            topic_arns: &topics,
            vpc: self.spec.vpc_config.is_some(),
        };
        RoleSpec {
            name: self.role_name(place),
            trust_policy: policy::trust_policy(place.partition(), place.region, place.account_id),
            inline_policy: policy::execution_role_policy(&inputs),
            managed_policy_arns: self.spec.role_managed_policy_arns.clone(),
            tags: self.base_tags(),
        }
    }

    /// The model, running as `execution_role_arn`.
    pub fn model_spec(&self, place: &Place<'_>, execution_role_arn: &str) -> ModelSpec {
        ModelSpec {
            name: self.model_name.clone(),
            execution_role_arn: execution_role_arn.to_string(),
            image: self.image_uri.clone(),
            model_data: self.model_data(),
            environment: self.environment(place.region),
            vpc: self.spec.vpc_config.as_ref().map(|v| VpcSpec {
                security_group_ids: v.security_group_ids.clone(),
                subnets: v.subnets.clone(),
            }),
            network_isolation: self.spec.enable_network_isolation,
            tags: self.model_only_tags(),
        }
    }

    /// The endpoint config; `topics` = (success, error) ARNs when async.
    pub fn config_spec(
        &self,
        topics: Option<(&str, &str)>,
    ) -> Result<EndpointConfigSpec, DesiredError> {
        let s = &self.spec;
        let async_inference = match (&s.async_inference, topics) {
            (Some(a), Some((success, error))) => Some(AsyncSpec {
                output_path: a.output_path.clone(),
                failure_path: a.failure_path.clone(),
                success_topic_arn: success.to_string(),
                error_topic_arn: error.to_string(),
                max_concurrent_invocations_per_instance: to_i32(
                    "max_concurrent_invocations_per_instance",
                    a.max_concurrent_invocations_per_instance,
                )?,
            }),
            _ => None,
        };
        let compute = match &s.compute {
            Compute::Instances {
                instance_type,
                instance_count,
                volume_size_in_gb,
                startup_health_check_timeout_in_seconds,
                model_data_download_timeout_in_seconds,
            } => VariantCompute::Instances {
                instance_type: instance_type.clone(),
                instance_count: to_i32("instance_count", (*instance_count).max(1))?,
                startup_health_check_timeout: to_i32(
                    "startup_health_check_timeout_in_seconds",
                    *startup_health_check_timeout_in_seconds,
                )?,
                model_data_download_timeout: to_i32(
                    "model_data_download_timeout_in_seconds",
                    *model_data_download_timeout_in_seconds,
                )?,
                volume_size_in_gb: volume_size_in_gb
                    .map(|v| to_i32("volume_size_in_gb", v))
                    .transpose()?,
            },
            Compute::Serverless(sv) => VariantCompute::Serverless(ServerlessSpec {
                memory_size_in_mb: to_i32("serverless.memory_size_in_mb", sv.memory_size_in_mb)?,
                max_concurrency: to_i32("serverless.max_concurrency", sv.max_concurrency)?,
                provisioned_concurrency: sv
                    .provisioned_concurrency
                    .map(|p| to_i32("serverless.provisioned_concurrency", p))
                    .transpose()?,
            }),
        };
        Ok(EndpointConfigSpec {
            name: self.config_name.clone(),
            model_name: self.model_name.clone(),
            compute,
            async_inference,
            kms_key_id: s.kms_key_arn.clone(),
            data_capture: s
                .data_capture
                .as_ref()
                .map(|d| -> Result<DataCaptureSpec, DesiredError> {
                    Ok(DataCaptureSpec {
                        destination_s3_uri: d.destination_s3_uri.clone(),
                        initial_sampling_percentage: to_i32(
                            "data_capture.initial_sampling_percentage",
                            d.initial_sampling_percentage,
                        )?,
                        capture_modes: d.capture_modes.clone(),
                        json_content_types: d.json_content_types.clone(),
                        csv_content_types: d.csv_content_types.clone(),
                    })
                })
                .transpose()?,
            tags: self.base_tags(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::custom_endpoint::testutil::*;

    fn place<'a>(defaults: &'a BTreeMap<String, String>) -> Place<'a> {
        Place {
            region: "us-east-1",
            account_id: "123456789012",
            default_tags: defaults,
        }
    }

    #[test]
    fn derives_names_tags_and_environment_like_planning() {
        let defaults = BTreeMap::from([("team".to_string(), "ml".to_string())]);
        let c = with(valid_config(), &["tags"], map(&[("team", "nlp")]));
        let c = with(
            c,
            &["environment"],
            map(&[("SAGEMAKER_REGION", "eu-west-1")]),
        );
        let d = Desired::from_state(&c, &place(&defaults)).unwrap();
        let names = names_of(&c, "us-east-1").unwrap();
        assert_eq!(d.model_name, names.model_name);
        assert_eq!(d.config_name, names.endpoint_config_name);
        assert!(d.image_uri.contains("huggingface-pytorch-tgi-inference"));
        assert_eq!(d.tags_all["team"], "nlp");
        let mt = d.model_tags();
        assert_eq!(mt[aws::OWNERSHIP_TAG], "llm-endpoint");
        assert_eq!(mt[MODEL_ID_TAG], "meta-llama/Llama-2-7b-chat-hf");
        assert!(!d.base_tags().contains_key(MODEL_ID_TAG));
        assert_eq!(d.environment("us-east-1")[REGION_ENV], "eu-west-1");
        assert!(matches!(d.model_data(), ModelData::Archive(_)));
        assert!(d.topic_names().is_none() && d.role_is_managed());
    }

    #[test]
    fn prefers_the_names_in_the_state() {
        let defaults = BTreeMap::new();
        let st = with(valid_config(), &["model_name"], s("imported-model"));
        let st = with(st, &["environment"], map(&[("A", "1")]));
        let d = Desired::from_state(&st, &place(&defaults)).unwrap();
        assert_eq!(d.model_name, "imported-model");
        assert_eq!(d.environment("us-east-1")[REGION_ENV], "us-east-1");
        let spec = d.model_spec(&place(&defaults), "arn:role");
        assert_eq!(spec.name, "imported-model");
        assert_eq!(spec.environment.len(), 2);
    }

    #[test]
    fn async_endpoints_get_topics_with_deterministic_arns() {
        let defaults = BTreeMap::new();
        let c = with(
            valid_config(),
            &["async_inference"],
            async_block("s3://b-out/x/"),
        );
        let c = with(c, &["model_data_url"], s("s3://bucket/prefix/"));
        let p = place(&defaults);
        let d = Desired::from_state(&c, &p).unwrap();
        let (succ, err) = d.topic_arns(&p).unwrap();
        assert_eq!(
            succ,
            "arn:aws:sns:us-east-1:123456789012:sm-llm-endpoint-async-success"
        );
        assert!(err.ends_with(":sm-llm-endpoint-async-error"));
        assert!(matches!(d.model_data(), ModelData::Prefix(_)));
        let cfg = d.config_spec(Some((&succ, &err))).unwrap();
        let a = cfg.async_inference.unwrap();
        assert_eq!(a.max_concurrent_invocations_per_instance, 10);
        assert_eq!(a.success_topic_arn, succ);
        assert!(matches!(
            cfg.compute,
            VariantCompute::Instances {
                instance_count: 1,
                startup_health_check_timeout: 600,
                ..
            }
        ));
        assert_eq!(
            d.role_spec(&p).name,
            names::role_name("llm-endpoint", "us-east-1")
        );
    }

    #[test]
    fn the_model_alone_carries_the_secret_key_names() {
        let defaults = BTreeMap::new();
        let c = with(
            valid_config(),
            &["environment_secret_keys"],
            Value::Set(vec![s("HF_TOKEN")]),
        );
        let d = Desired::from_state(&c, &place(&defaults)).unwrap();
        let tags = d.model_only_tags();
        assert_eq!(tags[super::super::secrets::KEYS_TAG], "HF_TOKEN");
        assert!(!d.model_tags().contains_key(super::super::secrets::KEYS_TAG));
        let spec = d.model_spec(&place(&defaults), "arn:role");
        assert_eq!(spec.tags, tags);
        let plain = Desired::from_state(&valid_config(), &place(&defaults)).unwrap();
        assert_eq!(plain.model_only_tags(), plain.model_tags());
    }

    #[test]
    fn out_of_range_numbers_are_errors() {
        let defaults = BTreeMap::new();
        let c = with(valid_config(), &["volume_size_in_gb"], n(1 << 40));
        let d = Desired::from_state(&c, &place(&defaults)).unwrap();
        assert!(matches!(
            d.config_spec(None),
            Err(DesiredError::OutOfRange {
                field: "volume_size_in_gb",
                ..
            })
        ));
    }
}
