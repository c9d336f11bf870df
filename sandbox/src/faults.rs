//! Fault injection: rules that match a service and operation and then answer with an error,
//! add a delay, drop the connection, steer the SageMaker lifecycle (rollback / failure), or make
//! the emulated model fail (SageMaker Runtime `ModelError`).

use serde::{Deserialize, Serialize};

/// What a matching rule does to the request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FaultAction {
    /// Answer with an AWS error in the request's protocol.
    Error {
        code: String,
        #[serde(default = "default_status")]
        status: u16,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<String>,
    },
    /// Only wait `delay_ms` (set on the rule), then serve the request normally.
    Delay,
    /// Close the connection without answering.
    Reset,
    /// `UpdateEndpoint` only: accept the update, then roll back to the old config.
    Rollback {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// `CreateEndpoint` only: accept the call, then end in `Failed`.
    Fail {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// `InvokeEndpoint`: the model container answers `original_status`, so the call fails with
    /// a `ModelError` (HTTP `status`). `InvokeEndpointAsync`: the call is accepted and the
    /// background inference fails the same way (failure object and error topic).
    ModelError {
        #[serde(default = "default_model_error_status")]
        status: u16,
        #[serde(default = "default_original_status")]
        original_status: u16,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        original_message: Option<String>,
    },
}

fn default_status() -> u16 {
    400
}

/// HTTP status of SageMaker Runtime's `ModelError`.
pub const MODEL_ERROR_STATUS: u16 = 424;

fn default_model_error_status() -> u16 {
    MODEL_ERROR_STATUS
}

/// Status the emulated container answers with when a rule does not say.
pub const DEFAULT_ORIGINAL_STATUS: u16 = 500;

fn default_original_status() -> u16 {
    DEFAULT_ORIGINAL_STATUS
}

/// A fault rule as submitted to the control API.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FaultRule {
    /// SigV4 service name (`sagemaker`, `iam`, `s3`, `monitoring`, …); `None` or `*` = any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// Operation name (`DescribeEndpoint`, `PutObject`, …); `None` or `*` = any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    pub action: FaultAction,
    /// Extra delay before the action (or before normal handling).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<u64>,
    /// Fire at most this many times; `None` = unlimited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    /// Fire with this probability (0..=1); `None` = always.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<f64>,
}

impl FaultRule {
    /// A rule answering `operation` of `service` with `code` and `status`.
    pub fn error(service: &str, operation: &str, code: &str, status: u16) -> Self {
        FaultRule {
            service: Some(service.to_string()),
            operation: Some(operation.to_string()),
            action: FaultAction::Error {
                code: code.to_string(),
                status,
                message: None,
            },
            delay_ms: None,
            count: None,
            probability: None,
        }
    }

    /// Limits the rule to `n` firings.
    pub fn times(mut self, n: u32) -> Self {
        self.count = Some(n);
        self
    }

    /// A rule applying `action` to `operation` of `service`.
    pub fn new(service: &str, operation: &str, action: FaultAction) -> Self {
        FaultRule {
            service: Some(service.to_string()),
            operation: Some(operation.to_string()),
            action,
            delay_ms: None,
            count: None,
            probability: None,
        }
    }
}

/// A stored rule with its id and counters, as listed by the control API.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FaultRuleStatus {
    pub id: u64,
    #[serde(flatten)]
    pub rule: FaultRule,
    /// How many times the rule has fired.
    pub fired: u32,
}

/// A fired rule: what to do now.
#[derive(Clone, Debug, PartialEq)]
pub struct Firing {
    pub id: u64,
    pub action: FaultAction,
    pub delay_ms: u64,
}

/// The set of active rules.
#[derive(Debug)]
pub struct Faults {
    rules: Vec<FaultRuleStatus>,
    next_id: u64,
    rng: u64,
}

impl Default for Faults {
    fn default() -> Self {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0x9e37_79b9_7f4a_7c15);
        Faults {
            rules: Vec::new(),
            next_id: 1,
            rng: seed | 1,
        }
    }
}

/// Signing names are what requests carry; accept the friendlier service names too.
fn canonical_service(s: &str) -> &str {
    match s {
        "cloudwatch" => "monitoring",
        "applicationautoscaling" | "autoscaling" => "application-autoscaling",
        other => other,
    }
}

fn matches(pattern: &Option<String>, value: &str, service: bool) -> bool {
    match pattern.as_deref() {
        None | Some("*") | Some("") => true,
        Some(p) if service => canonical_service(&p.to_ascii_lowercase()) == value,
        Some(p) => p == value,
    }
}

impl Faults {
    /// Adds a rule and returns its id.
    pub fn add(&mut self, rule: FaultRule) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        self.rules.push(FaultRuleStatus { id, rule, fired: 0 });
        id
    }

    /// Removes one rule; false if there was none with that id.
    pub fn remove(&mut self, id: u64) -> bool {
        let before = self.rules.len();
        self.rules.retain(|r| r.id != id);
        self.rules.len() != before
    }

    /// Removes all rules.
    pub fn clear(&mut self) {
        self.rules.clear();
    }

    /// All rules with their counters.
    pub fn list(&self) -> Vec<FaultRuleStatus> {
        self.rules.clone()
    }

    fn random(&mut self) -> f64 {
        // xorshift64*: plenty for coin flips in tests.
        self.rng ^= self.rng >> 12;
        self.rng ^= self.rng << 25;
        self.rng ^= self.rng >> 27;
        let v = self.rng.wrapping_mul(0x2545_f491_4f6c_dd1d);
        (v >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Finds the first rule that matches and still may fire, consuming one firing.
    pub fn check(&mut self, service: &str, operation: &str) -> Option<Firing> {
        for i in 0..self.rules.len() {
            let r = &self.rules[i];
            if !matches(&r.rule.service, service, true)
                || !matches(&r.rule.operation, operation, false)
            {
                continue;
            }
            if r.rule.count.is_some_and(|c| r.fired >= c) {
                continue;
            }
            if let Some(p) = r.rule.probability
                && self.random() >= p
            {
                continue;
            }
            let r = &mut self.rules[i];
            r.fired += 1;
            return Some(Firing {
                id: r.id,
                action: r.rule.action.clone(),
                delay_ms: r.rule.delay_ms.unwrap_or(0),
            });
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_limits_firings_and_order_matters() {
        let mut f = Faults::default();
        f.add(
            FaultRule::error("sagemaker", "DescribeEndpoint", "ThrottlingException", 400).times(2),
        );
        assert!(f.check("sagemaker", "DescribeModel").is_none());
        assert!(f.check("iam", "DescribeEndpoint").is_none());
        assert!(f.check("sagemaker", "DescribeEndpoint").is_some());
        assert!(f.check("sagemaker", "DescribeEndpoint").is_some());
        assert!(f.check("sagemaker", "DescribeEndpoint").is_none());
        assert_eq!(f.list()[0].fired, 2);
    }

    #[test]
    fn probability_and_aliases() {
        let mut f = Faults::default();
        let mut rule = FaultRule::error("cloudwatch", "*", "InternalFailure", 500);
        rule.probability = Some(0.5);
        f.add(rule);
        let hits = (0..1000)
            .filter(|_| f.check("monitoring", "DescribeAlarms").is_some())
            .count();
        assert!((350..650).contains(&hits), "hits = {hits}");
        let mut never = Faults::default();
        let mut rule = FaultRule::error("*", "*", "X", 400);
        rule.probability = Some(0.0);
        never.add(rule);
        assert!((0..100).all(|_| never.check("s3", "PutObject").is_none()));
    }

    #[test]
    fn rules_parse_from_json() {
        let r: FaultRule = serde_json::from_str(
            r#"{"service":"s3","operation":"PutObject","action":{"type":"error","code":"SlowDown","status":503},"count":1}"#,
        )
        .unwrap();
        assert_eq!(
            r.action,
            FaultAction::Error {
                code: "SlowDown".into(),
                status: 503,
                message: None
            }
        );
        let r: FaultRule =
            serde_json::from_str(r#"{"action":{"type":"reset"},"delay_ms":5}"#).unwrap();
        assert_eq!((r.action, r.delay_ms), (FaultAction::Reset, Some(5)));
        let r: FaultRule = serde_json::from_str(
            r#"{"service":"sagemaker","operation":"InvokeEndpoint","action":{"type":"model_error"}}"#,
        )
        .unwrap();
        assert_eq!(
            r.action,
            FaultAction::ModelError {
                status: 424,
                original_status: 500,
                original_message: None
            }
        );
    }
}
