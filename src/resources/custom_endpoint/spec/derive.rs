//! Values derived from the configuration that both plan and apply must agree
//! on: the resolved image URI, `tags_all`, the invoke policy, and the derived
//! model and endpoint-config names. Apply must call these same functions, or
//! Terraform reports "Provider produced inconsistent result after apply".
//!
//! Derived names are the endpoint name plus a short hash of everything that
//! makes the object what it is, so a retried apply finds (and adopts) what an
//! interrupted one created, and a changed input gets a fresh name that cannot
//! collide with the object still in service. The hash inputs are:
//! - **model**: region, resolved image URI, `model_data_url`, `environment`,
//!   `vpc_config` (sorted IDs), and `role_arn` (or "generated"), plus, only
//!   when set, the secret key names and `environment_secrets_version` (never
//!   the secret values);
//! - **endpoint config**: model name, `instance_type`, `instance_count`, both
//!   container timeouts, `volume_size_in_gb`, and the `async_inference`
//!   settings, plus, only when set, `kms_key_arn`, `data_capture` and
//!   `serverless` (whose endpoints have no instance settings: those inputs
//!   are then empty);
//! - the model also takes `enable_network_isolation`, only when true.
//!
//! `model_id`, `tags`, `role_managed_policy_arns` and `timeouts` feed neither
//! hash: they change tags, the role or the provider's own waiting, not the
//! SageMaker objects. Changing what feeds a hash (or its `v1` label) renames
//! every deployed object on the next apply, so treat it as a breaking change.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::super::features::secrets;
use super::super::schema::state::{ContainerAttr, DataCaptureAttr, State, sorted_strings};
use super::super::schema::{
    DEFAULT_CAPTURE_MODES, DEFAULT_CONTAINER_TIMEOUT_SECONDS, DEFAULT_INSTANCE_COUNT,
    DEFAULT_MAX_CONCURRENT_INVOCATIONS, DEFAULT_SAMPLING_PERCENTAGE,
};
use super::model::{Container, ImageError};
use crate::aws::names;
use crate::framework::typed::Known;
use crate::tfplugin::{Number, Value};

/// The image URI for a `container` in `region`: unknown while a container
/// field is unknown, null when there is no (complete) container.
pub fn resolve_image_uri(
    container: &Known<ContainerAttr>,
    region: &str,
) -> Result<Known<String>, ImageError> {
    match Container::from_attr(container) {
        Ok(Some(c)) => c.resolve(region).map(Known::Value),
        Ok(None) => Ok(Known::Unknown),
        // An incomplete container is reported by validation, not here.
        Err(_) => Ok(Known::Null),
    }
}

/// `tags_all`: provider default tags overlaid with the resource tags (the
/// resource wins). Unknown when `tags` is unknown; entries whose value is
/// unknown stay unknown; null entries are dropped. Always a map, possibly
/// empty.
pub fn tags_all(tags: &Value, default_tags: &BTreeMap<String, String>) -> Value {
    if tags.is_unknown() {
        return Value::Unknown;
    }
    let mut out: BTreeMap<String, Value> = default_tags
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    for (k, v) in tags.as_object().into_iter().flatten() {
        if !v.is_null() {
            out.insert(k.clone(), v.clone());
        }
    }
    Value::Map(out)
}

/// A policy document allowing both invoke actions on one endpoint.
pub fn invoke_policy_json(endpoint_arn: &str) -> String {
    let resource = Json::String(endpoint_arn.to_string());
    format!(
        "{{\"Version\":\"2012-10-17\",\"Statement\":[{{\"Sid\":\"InvokeEndpoint\",\
         \"Effect\":\"Allow\",\"Action\":[\"sagemaker:InvokeEndpoint\",\
         \"sagemaker:InvokeEndpointAsync\"],\"Resource\":{resource}}}]}}"
    )
}

/// What the model is made of (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelInputs {
    pub endpoint_name: String,
    pub region: String,
    pub image_uri: String,
    pub model_data_url: String,
    pub environment: BTreeMap<String, String>,
    /// Names of the write-only secret variables (sorted), never values.
    pub secret_keys: Vec<String>,
    /// `environment_secrets_version`, as written.
    pub secrets_version: Option<String>,
    pub vpc: Option<(Vec<String>, Vec<String>)>,
    pub role_arn: Option<String>,
    pub network_isolation: bool,
}

/// What the endpoint config is made of (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigInputs {
    pub endpoint_name: String,
    pub model_name: String,
    pub instance_type: String,
    pub instance_count: i64,
    pub startup_timeout: i64,
    pub download_timeout: i64,
    pub volume_size_in_gb: Option<i64>,
    /// (output_path, failure_path, max concurrent invocations)
    pub async_inference: Option<(String, Option<String>, i64)>,
    pub kms_key_arn: Option<String>,
    /// `data_capture` with defaults applied and lists sorted, as JSON.
    pub data_capture: Option<String>,
    /// `serverless` (memory, max and provisioned concurrency), as JSON.
    pub serverless: Option<String>,
}

/// The two derived object names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DerivedNames {
    pub model_name: String,
    pub endpoint_config_name: String,
}

fn known_str(v: &Known<String>) -> Option<Option<String>> {
    match v {
        Known::Null => Some(None),
        Known::Value(s) => Some(Some(s.clone())),
        Known::Unknown => None,
    }
}

fn req_str(v: &Known<String>) -> Option<String> {
    known_str(v).flatten()
}

/// A whole number, with `default` for null; `None` when unknown.
fn int_or(v: &Known<Number>, default: Option<i64>) -> Option<Option<i64>> {
    match v {
        Known::Null => Some(default),
        Known::Value(n) => n.as_i64().map(Some),
        Known::Unknown => None,
    }
}

impl ModelInputs {
    /// Reads the inputs from a state (prior or planned, with the top-level
    /// `image_uri` resolved). `None` while any is unknown.
    pub fn from_state(state: &State, region: &str) -> Option<ModelInputs> {
        let environment = match &state.environment {
            Value::Null => BTreeMap::new(),
            Value::Map(m) | Value::Object(m) => {
                let mut out = BTreeMap::new();
                for (k, v) in m {
                    let v = match v {
                        Value::Null => None,
                        Value::String(s) => Some(s.clone()),
                        _ => return None,
                    };
                    if let Some(s) = v {
                        out.insert(k.clone(), s);
                    }
                }
                out
            }
            _ => return None,
        };
        let vpc = match &state.vpc_config {
            Known::Null => None,
            Known::Value(v) => Some((
                sorted_strings(&v.security_group_ids)?,
                sorted_strings(&v.subnets)?,
            )),
            Known::Unknown => return None,
        };
        let secrets_version = match &state.environment_secrets_version {
            Known::Null => None,
            Known::Value(n) => Some(n.as_i64().map_or_else(|| n.to_string(), |i| i.to_string())),
            Known::Unknown => return None,
        };
        Some(ModelInputs {
            endpoint_name: req_str(&state.endpoint_name)?,
            region: region.to_string(),
            image_uri: req_str(&state.image_uri)?,
            model_data_url: req_str(&state.model_data_url)?,
            environment,
            secret_keys: secrets::keys_in(state)?,
            secrets_version,
            vpc,
            role_arn: known_str(&state.role_arn)?,
            network_isolation: match &state.enable_network_isolation {
                Known::Value(b) => *b,
                Known::Null => false,
                Known::Unknown => return None,
            },
        })
    }

    /// The short content hash of these inputs.
    pub fn hash(&self) -> String {
        let env: serde_json::Map<String, Json> = self
            .environment
            .iter()
            .map(|(k, v)| (k.clone(), Json::String(v.clone())))
            .collect();
        let env = Json::Object(env).to_string();
        let vpc = match &self.vpc {
            Some((sgs, subnets)) => serde_json::json!([sgs, subnets]).to_string(),
            None => String::new(),
        };
        let role = self.role_arn.as_deref().unwrap_or("generated");
        let mut parts = vec![
            "model-v1",
            &self.region,
            &self.image_uri,
            &self.model_data_url,
            &env,
            &vpc,
            role,
        ];
        // Appended only when used, so models without secrets keep the names
        // they were deployed under.
        let used = !self.secret_keys.is_empty() || self.secrets_version.is_some();
        let secret_part = used.then(|| {
            let version = self.secrets_version.as_deref().unwrap_or("");
            serde_json::json!([self.secret_keys, version]).to_string()
        });
        if let Some(part) = &secret_part {
            parts.extend(["secrets", part.as_str()]);
        }
        if self.network_isolation {
            parts.push("network-isolation");
        }
        names::content_hash(&parts)
    }

    /// The derived model name.
    pub fn model_name(&self) -> String {
        names::model_name(&self.endpoint_name, &self.hash())
    }
}

/// `data_capture` as a hash input: `Some(None)` when unset, `None` while
/// unknown.
fn data_capture_part(v: &Known<DataCaptureAttr>) -> Option<Option<String>> {
    let c = match v {
        Known::Null => return Some(None),
        Known::Unknown => return None,
        Known::Value(c) => c,
    };
    let sorted_or = |v: &Value, default: &[&str]| -> Option<Vec<String>> {
        if v.is_null() {
            return Some(default.iter().map(|s| s.to_string()).collect());
        }
        sorted_strings(v)
    };
    let part = serde_json::json!([
        req_str(&c.destination_s3_uri)?,
        int_or(
            &c.initial_sampling_percentage,
            Some(DEFAULT_SAMPLING_PERCENTAGE)
        )??,
        sorted_or(&c.capture_modes, &DEFAULT_CAPTURE_MODES)?,
        sorted_or(&c.json_content_types, &[])?,
        sorted_or(&c.csv_content_types, &[])?,
    ]);
    Some(Some(part.to_string()))
}

impl ConfigInputs {
    /// Reads the inputs from a state, for the given model name. `None`
    /// while any is unknown.
    pub fn from_state(state: &State, model_name: &str) -> Option<ConfigInputs> {
        let timeout = Some(DEFAULT_CONTAINER_TIMEOUT_SECONDS);
        let async_inference = match &state.async_inference {
            Known::Null => None,
            Known::Value(a) => Some((
                req_str(&a.output_path)?,
                known_str(&a.failure_path)?,
                int_or(
                    &a.max_concurrent_invocations_per_instance,
                    Some(DEFAULT_MAX_CONCURRENT_INVOCATIONS),
                )??,
            )),
            Known::Unknown => return None,
        };
        let serverless = match &state.serverless {
            Known::Null => None,
            Known::Unknown => return None,
            Known::Value(sv) => Some(
                serde_json::json!([
                    int_or(&sv.memory_size_in_mb, None)??,
                    int_or(&sv.max_concurrency, None)??,
                    int_or(&sv.provisioned_concurrency, None)?,
                ])
                .to_string(),
            ),
        };
        // A serverless variant has none of the instance settings.
        let (instance_type, instance_count, startup_timeout, download_timeout, volume_size_in_gb) =
            if serverless.is_some() {
                (String::new(), 0, 0, 0, None)
            } else {
                (
                    req_str(&state.instance_type)?,
                    int_or(&state.instance_count, Some(DEFAULT_INSTANCE_COUNT))??,
                    int_or(&state.startup_health_check_timeout_in_seconds, timeout)??,
                    int_or(&state.model_data_download_timeout_in_seconds, timeout)??,
                    int_or(&state.volume_size_in_gb, None)?,
                )
            };
        Some(ConfigInputs {
            endpoint_name: req_str(&state.endpoint_name)?,
            model_name: model_name.to_string(),
            instance_type,
            instance_count,
            startup_timeout,
            download_timeout,
            volume_size_in_gb,
            async_inference,
            kms_key_arn: known_str(&state.kms_key_arn)?,
            data_capture: data_capture_part(&state.data_capture)?,
            serverless,
        })
    }

    /// The short content hash of these inputs.
    pub fn hash(&self) -> String {
        let opt = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
        let async_part = match &self.async_inference {
            Some((out, fail, n)) => serde_json::json!([out, fail, n]).to_string(),
            None => String::new(),
        };
        let (count, startup, download) = (
            self.instance_count.to_string(),
            self.startup_timeout.to_string(),
            self.download_timeout.to_string(),
        );
        let volume = opt(self.volume_size_in_gb);
        let mut parts = vec![
            "config-v1",
            &self.model_name,
            &self.instance_type,
            &count,
            &startup,
            &download,
            &volume,
            &async_part,
        ];
        // Appended only when set, so configs without them keep their names.
        if let Some(k) = &self.kms_key_arn {
            parts.extend(["kms", k.as_str()]);
        }
        if let Some(c) = &self.data_capture {
            parts.extend(["data-capture", c.as_str()]);
        }
        if let Some(sv) = &self.serverless {
            parts.extend(["serverless", sv.as_str()]);
        }
        names::content_hash(&parts)
    }

    /// The derived endpoint config name.
    pub fn endpoint_config_name(&self) -> String {
        names::endpoint_config_name(&self.endpoint_name, &self.hash())
    }
}

/// Both derived names for a state-shaped value (typically the planned state
/// with every input known, as apply sees it). `None` while an input is
/// unknown. Apply should prefer the planned `model_name` and
/// `endpoint_config_name` when they are known (planning keeps prior names
/// while their inputs are unchanged, e.g. after an import) and call this only
/// when they are unknown.
/// When the value's `image_uri` is not a known string (a config, or a planned
/// state whose container was unknown at plan time), the image is resolved
/// from `container` first.
pub fn derived_names(state: &State, region: &str) -> Option<DerivedNames> {
    let resolved;
    let mut state = state;
    if state.image_uri.as_str().is_none() {
        let image = resolve_image_uri(&state.container, region).ok()?;
        resolved = State {
            image_uri: image,
            ..state.clone()
        };
        state = &resolved;
    }
    let model_name = ModelInputs::from_state(state, region)?.model_name();
    let endpoint_config_name = ConfigInputs::from_state(state, &model_name)?.endpoint_config_name();
    Some(DerivedNames {
        model_name,
        endpoint_config_name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::custom_endpoint::testutil::*;

    #[test]
    fn invoke_policy_is_valid_json_naming_both_actions() {
        let arn = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/e\"x";
        let doc: Json = serde_json::from_str(&invoke_policy_json(arn)).unwrap();
        assert_eq!(doc["Version"], "2012-10-17");
        let st = &doc["Statement"][0];
        assert_eq!(st["Effect"], "Allow");
        assert_eq!(st["Resource"], arn);
        assert_eq!(
            st["Action"],
            serde_json::json!(["sagemaker:InvokeEndpoint", "sagemaker:InvokeEndpointAsync"])
        );
    }

    #[test]
    fn tags_all_merges_with_resource_tags_winning() {
        let defaults: BTreeMap<String, String> =
            [("a".into(), "1".into()), ("b".into(), "2".into())].into();
        let tags = Value::Map(
            [
                ("b".to_string(), s("x")),
                ("c".to_string(), Value::Unknown),
                ("d".to_string(), Value::Null),
            ]
            .into(),
        );
        let all = tags_all(&tags, &defaults);
        let m = all.as_object().unwrap();
        assert_eq!(m["a"], s("1"));
        assert_eq!(m["b"], s("x"));
        assert_eq!(m["c"], Value::Unknown);
        assert!(!m.contains_key("d"));
        assert_eq!(
            tags_all(&Value::Null, &BTreeMap::new()),
            Value::Map(BTreeMap::new())
        );
        assert_eq!(tags_all(&Value::Unknown, &defaults), Value::Unknown);
    }

    #[test]
    fn each_model_input_changes_the_model_hash() {
        let base = with(valid_config(), &["image_uri"], s("img:1"));
        let h = |v: &Value| {
            ModelInputs::from_state(&State::decode(v).unwrap(), "us-east-1")
                .unwrap()
                .hash()
        };
        let h0 = h(&base);
        assert_eq!(h0, h(&base.clone()), "stable");
        let changes = [
            with(base.clone(), &["image_uri"], s("img:2")),
            with(base.clone(), &["model_data_url"], s("s3://my-models/x/")),
            with(base.clone(), &["environment"], map(&[("A", "")])),
            with(base.clone(), &["vpc_config"], vpc(&["sg-1"], &["subnet-1"])),
            with(
                base.clone(),
                &["role_arn"],
                s("arn:aws:iam::123456789012:role/R"),
            ),
        ];
        for c in &changes {
            assert_ne!(h(c), h0, "{c:?}");
        }
        let tags_only = with(base.clone(), &["tags"], map(&[("a", "b")]));
        assert_eq!(h(&tags_only), h0);
        let moved = vpc(&["sg-1", "subnet-1"], &[]);
        let swapped = with(base, &["vpc_config"], moved);
        assert_ne!(h(&swapped), h(&changes[3]), "list boundaries matter");
    }

    #[test]
    fn each_config_input_changes_the_config_hash() {
        let base = valid_config();
        let inputs = |v: &Value, m: &str| ConfigInputs::from_state(&State::decode(v).unwrap(), m);
        let h = |v: &Value| inputs(v, "m").unwrap().hash();
        let h0 = h(&base);
        assert_ne!(inputs(&base, "m2").unwrap().hash(), h0);
        let explicit_defaults = with(
            with(base.clone(), &["instance_count"], n(1)),
            &["startup_health_check_timeout_in_seconds"],
            n(600),
        );
        assert_eq!(h(&explicit_defaults), h0, "null means the default");
        for (attr, v) in [
            ("instance_type", s("ml.g5.xlarge")),
            ("instance_count", n(2)),
            ("startup_health_check_timeout_in_seconds", n(601)),
            ("model_data_download_timeout_in_seconds", n(601)),
            ("volume_size_in_gb", n(5)),
            ("async_inference", async_block("s3://out-bucket/")),
        ] {
            assert_ne!(h(&with(base.clone(), &[attr], v)), h0, "{attr}");
        }
    }

    #[test]
    fn serverless_configs_hash_their_own_settings_only() {
        let inputs = |v: &Value| ConfigInputs::from_state(&State::decode(v).unwrap(), "m");
        let h = |v: &Value| inputs(v).unwrap().hash();
        let base = with(valid_config(), &["instance_type"], Value::Null);
        assert!(
            inputs(&base).is_none(),
            "no instance type and no serverless"
        );
        let sv = with(base, &["serverless"], serverless_block(2048, 10, None));
        let h0 = h(&sv);
        assert_ne!(h0, h(&valid_config()));
        // The schema defaults of the instance settings do not matter.
        assert_eq!(h(&with(sv.clone(), &["instance_count"], n(1))), h0);
        for (field, v) in [
            ("memory_size_in_mb", n(3072)),
            ("max_concurrency", n(11)),
            ("provisioned_concurrency", n(1)),
        ] {
            assert_ne!(
                h(&with(sv.clone(), &["serverless", field], v)),
                h0,
                "{field}"
            );
        }
        let unknown = with(sv, &["serverless", "max_concurrency"], Value::Unknown);
        assert!(inputs(&unknown).is_none());
    }
}
