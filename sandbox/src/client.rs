//! A typed client for the control API, for tests in this and other crates.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Method, Request};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::error::SandboxError;
use crate::faults::{FaultRule, FaultRuleStatus};
use crate::inventory::Inventory;
use crate::log::LogEntry;
use crate::options::{Durations, DurationsPatch};
use crate::store::lifecycle::EndpointTimes;

/// Talks to `/_sandbox/…` of one sandbox. Needs a Tokio runtime.
#[derive(Clone, Debug)]
pub struct ControlClient {
    base: String,
}

impl ControlClient {
    /// A client for the sandbox at `url` (e.g. `http://127.0.0.1:41234`).
    pub fn new(url: &str) -> ControlClient {
        ControlClient {
            base: url.trim_end_matches('/').to_string(),
        }
    }

    async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<T, SandboxError> {
        // A fresh connection per call: the client may be shared across test runtimes.
        let http = Client::builder(TokioExecutor::new())
            .pool_max_idle_per_host(0)
            .build_http();
        let payload = body.map(|b| b.to_string()).unwrap_or_default();
        let req = Request::builder()
            .method(method.clone())
            .uri(format!("{}/_sandbox/{path}", self.base))
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from(payload)))
            .map_err(|e| SandboxError::Control(e.to_string()))?;
        let resp = http
            .request(req)
            .await
            .map_err(|e| SandboxError::Control(format!("{method} {path}: {e}")))?;
        let status = resp.status();
        let bytes = resp
            .into_body()
            .collect()
            .await
            .map_err(|e| SandboxError::Control(e.to_string()))?
            .to_bytes();
        if !status.is_success() {
            return Err(SandboxError::Control(format!(
                "{method} {path}: HTTP {status}: {}",
                String::from_utf8_lossy(&bytes)
            )));
        }
        Ok(serde_json::from_slice(&bytes)?)
    }

    /// `GET /_sandbox/health`.
    pub async fn health(&self) -> Result<Value, SandboxError> {
        self.call(Method::GET, "health", None).await
    }

    pub async fn durations(&self) -> Result<Durations, SandboxError> {
        self.call(Method::GET, "durations", None).await
    }

    /// Changes some durations; returns the new set.
    pub async fn set_durations(&self, patch: DurationsPatch) -> Result<Durations, SandboxError> {
        self.call(Method::PUT, "durations", Some(json!(patch)))
            .await
    }

    /// Adds a fault rule; returns its id.
    pub async fn add_fault(&self, rule: &FaultRule) -> Result<u64, SandboxError> {
        let v: Value = self.call(Method::POST, "faults", Some(json!(rule))).await?;
        v["id"]
            .as_u64()
            .ok_or_else(|| SandboxError::Control(format!("no id in {v}")))
    }

    pub async fn faults(&self) -> Result<Vec<FaultRuleStatus>, SandboxError> {
        self.call(Method::GET, "faults", None).await
    }

    pub async fn remove_fault(&self, id: u64) -> Result<(), SandboxError> {
        self.call::<Value>(Method::DELETE, &format!("faults/{id}"), None)
            .await
            .map(|_| ())
    }

    pub async fn clear_faults(&self) -> Result<(), SandboxError> {
        self.call::<Value>(Method::DELETE, "faults", None)
            .await
            .map(|_| ())
    }

    /// The whole request log.
    pub async fn log(&self) -> Result<Vec<LogEntry>, SandboxError> {
        self.call(Method::GET, "log", None).await
    }

    /// Log entries for one service, optionally one operation.
    pub async fn log_for(
        &self,
        service: &str,
        operation: Option<&str>,
    ) -> Result<Vec<LogEntry>, SandboxError> {
        let query = {
            let mut q = form_urlencoded::Serializer::new(String::new());
            q.append_pair("service", service);
            if let Some(op) = operation {
                q.append_pair("operation", op);
            }
            q.finish()
        };
        self.call(Method::GET, &format!("log?{query}"), None).await
    }

    /// How many calls of `service` `operation` were logged.
    pub async fn count(&self, service: &str, operation: &str) -> Result<usize, SandboxError> {
        Ok(self.log_for(service, Some(operation)).await?.len())
    }

    pub async fn clear_log(&self) -> Result<(), SandboxError> {
        self.call::<Value>(Method::DELETE, "log", None)
            .await
            .map(|_| ())
    }

    /// Every endpoint's status and when it entered it (`GET /_sandbox/endpoints`).
    pub async fn endpoints(&self) -> Result<Vec<EndpointTimes>, SandboxError> {
        self.call(Method::GET, "endpoints", None).await
    }

    pub async fn inventory(&self) -> Result<Inventory, SandboxError> {
        self.call(Method::GET, "inventory", None).await
    }

    /// Resets SageMaker state, moto, rules, log and durations (start-up seeds are re-created).
    pub async fn reset(&self) -> Result<(), SandboxError> {
        self.call::<Value>(Method::POST, "reset", None)
            .await
            .map(|_| ())
    }

    /// Creates `s3://bucket/key` (and its bucket); `body` defaults to placeholder bytes.
    pub async fn seed_object(&self, uri: &str, body: Option<&str>) -> Result<(), SandboxError> {
        let mut req = json!({ "uri": uri });
        if let Some(b) = body {
            req["body"] = json!(b);
        }
        self.call::<Value>(Method::POST, "seed", Some(req))
            .await
            .map(|_| ())
    }
}
