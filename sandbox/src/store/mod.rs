//! The SageMaker object store: every model, endpoint config, endpoint and tag the emulator
//! holds, keyed by region and lower-cased name (SageMaker names are case-insensitive and its
//! ARNs carry the lower-cased name). `App` keeps one [`State`] behind a lock and the handlers in
//! `sagemaker/` read and change it; this module depends on neither.

pub mod lifecycle;

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

pub use lifecycle::Endpoint;

/// Map key: (region, lower-cased name).
pub type Key = (String, String);

/// Builds the map key for `name` in `region`.
pub fn key(region: &str, name: &str) -> Key {
    (region.to_string(), name.to_ascii_lowercase())
}

/// A stored model: the request as given (minus tags) plus identity.
#[derive(Clone, Debug)]
pub struct Model {
    pub name: String,
    pub arn: String,
    pub creation_time: f64,
    /// The CreateModel input without `Tags` and `ModelName`.
    pub spec: Value,
}

impl Model {
    /// Containers of the model: `PrimaryContainer` or `Containers`.
    pub fn containers(&self) -> Vec<&Value> {
        let mut out = Vec::new();
        if let Some(c) = self.spec.get("PrimaryContainer") {
            out.push(c);
        }
        if let Some(list) = self.spec.get("Containers").and_then(Value::as_array) {
            out.extend(list.iter());
        }
        out
    }

    pub fn role_arn(&self) -> Option<&str> {
        self.spec.get("ExecutionRoleArn").and_then(Value::as_str)
    }

    /// Whether the model was created with `EnableNetworkIsolation: true`.
    pub fn network_isolation(&self) -> bool {
        self.spec
            .get("EnableNetworkIsolation")
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }
}

/// A stored endpoint config: the request as given (minus tags and name) plus identity.
#[derive(Clone, Debug)]
pub struct EndpointConfig {
    pub name: String,
    pub arn: String,
    pub creation_time: f64,
    pub spec: Value,
}

impl EndpointConfig {
    /// The `ProductionVariants` list.
    pub fn variants(&self) -> Vec<Value> {
        self.spec
            .get("ProductionVariants")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    }
}

/// All SageMaker objects.
#[derive(Debug, Default)]
pub struct State {
    pub models: BTreeMap<Key, Model>,
    pub configs: BTreeMap<Key, EndpointConfig>,
    pub endpoints: BTreeMap<Key, Endpoint>,
    /// Tags by resource ARN.
    pub tags: HashMap<String, Vec<(String, String)>>,
}

impl State {
    /// Every endpoint's status and timing at `now` (sorted by region, then name).
    pub fn endpoint_times(&mut self, now: f64) -> Vec<lifecycle::EndpointTimes> {
        self.advance(now);
        self.endpoints
            .iter()
            .map(|((region, _), e)| e.times(region))
            .collect()
    }

    /// Moves every endpoint's lifecycle forward to `now`, dropping the deleted ones.
    pub fn advance(&mut self, now: f64) {
        let mut gone = Vec::new();
        for (k, e) in self.endpoints.iter_mut() {
            if !e.advance(now) {
                gone.push((k.clone(), e.arn.clone()));
            }
        }
        for (k, arn) in gone {
            self.endpoints.remove(&k);
            self.tags.remove(&arn);
        }
    }

    /// Whether an ARN names an existing model, config or endpoint.
    pub fn arn_exists(&self, arn: &str) -> bool {
        self.models.values().any(|m| m.arn == arn)
            || self.configs.values().any(|c| c.arn == arn)
            || self.endpoints.values().any(|e| e.arn == arn)
    }
}
