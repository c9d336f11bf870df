//! Endpoint lifecycle state: live variants, deployments and timed phases.
//!
//! Each transitional phase stores the time it ends; [`Endpoint::advance`] applies every phase
//! that has ended, so the status a caller sees is always computed from the clock.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::time::plus_ms;

/// An endpoint's status and when it entered it, as `GET /_sandbox/endpoints` reports them:
/// benchmarks use `status_since` to measure how soon a client notices a transition.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EndpointTimes {
    pub name: String,
    pub region: String,
    pub status: String,
    /// Epoch seconds of CreateEndpoint.
    pub creation_time: f64,
    /// Epoch seconds when the endpoint entered `status` (for InService after a create: the
    /// moment the create phase ended, whether or not anyone has described it since).
    pub status_since: f64,
    /// Epoch seconds when the running phase ends, if one is running.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase_ends: Option<f64>,
}

/// Live state of one production variant.
#[derive(Clone, Debug, PartialEq)]
pub struct Variant {
    pub name: String,
    pub instance_type: Option<String>,
    /// The serverless config in effect (serverless variants only).
    pub serverless: Option<Value>,
    /// The serverless config asked for; it takes effect when the running phase ends.
    pub desired_serverless: Option<Value>,
    pub current_count: i64,
    pub desired_count: i64,
    pub current_weight: f64,
    pub desired_weight: f64,
    pub images: Vec<String>,
}

impl Variant {
    /// Makes the desired capacity, weight and serverless config current.
    pub fn settle(&mut self) {
        self.current_count = self.desired_count;
        self.current_weight = self.desired_weight;
        self.serverless = self.desired_serverless.clone();
    }
}

/// What a deployment (create or update) would put live.
#[derive(Clone, Debug)]
pub struct Deployment {
    pub config_name: String,
    pub variants: Vec<Variant>,
    pub data_capture: Option<Value>,
    pub async_config: Option<Value>,
}

/// The phase an endpoint is in; transitional phases carry their end time.
#[derive(Clone, Debug)]
pub enum Phase {
    Steady,
    Creating {
        ends: f64,
        failure: Option<String>,
    },
    Updating {
        ends: f64,
        rollback_ms: u64,
        target: Box<Deployment>,
        failure: Option<String>,
    },
    RollingBack {
        ends: f64,
        reason: String,
    },
    Scaling {
        ends: f64,
    },
    Deleting {
        ends: f64,
    },
}

/// A stored endpoint.
#[derive(Clone, Debug)]
pub struct Endpoint {
    pub name: String,
    pub arn: String,
    pub creation_time: f64,
    pub last_modified: f64,
    /// Steady status once no phase is running: `InService` or `Failed`.
    pub steady_status: &'static str,
    pub failure_reason: Option<String>,
    pub live: Deployment,
    pub deployment_config: Option<Value>,
    pub phase: Phase,
}

impl Endpoint {
    /// The status AWS would report now (call [`Endpoint::advance`] first).
    pub fn status(&self) -> &'static str {
        match self.phase {
            Phase::Steady => self.steady_status,
            Phase::Creating { .. } => "Creating",
            Phase::Updating { .. } | Phase::Scaling { .. } => "Updating",
            Phase::RollingBack { .. } => "RollingBack",
            Phase::Deleting { .. } => "Deleting",
        }
    }

    /// End time of the running transitional phase.
    pub fn phase_ends(&self) -> Option<f64> {
        match &self.phase {
            Phase::Steady => None,
            Phase::Creating { ends, .. }
            | Phase::Updating { ends, .. }
            | Phase::RollingBack { ends, .. }
            | Phase::Scaling { ends }
            | Phase::Deleting { ends } => Some(*ends),
        }
    }

    /// Status and timing (call [`Endpoint::advance`] first).
    pub fn times(&self, region: &str) -> EndpointTimes {
        EndpointTimes {
            name: self.name.clone(),
            region: region.to_string(),
            status: self.status().to_string(),
            creation_time: self.creation_time,
            status_since: self.last_modified,
            phase_ends: self.phase_ends(),
        }
    }

    /// Applies every phase that has ended by `now`; false once the endpoint is deleted.
    pub fn advance(&mut self, now: f64) -> bool {
        loop {
            match &mut self.phase {
                Phase::Creating { ends, failure } if now >= *ends => {
                    self.last_modified = *ends;
                    match failure.take() {
                        Some(reason) => {
                            self.steady_status = "Failed";
                            self.failure_reason = Some(reason);
                        }
                        None => {
                            self.steady_status = "InService";
                            for v in &mut self.live.variants {
                                v.settle();
                            }
                        }
                    }
                    self.phase = Phase::Steady;
                }
                Phase::Updating {
                    ends,
                    rollback_ms,
                    target,
                    failure,
                } if now >= *ends => {
                    let ends = *ends;
                    self.last_modified = ends;
                    match failure.take() {
                        Some(reason) => {
                            self.phase = Phase::RollingBack {
                                ends: plus_ms(ends, *rollback_ms),
                                reason,
                            };
                        }
                        None => {
                            let mut live = (**target).clone();
                            for v in &mut live.variants {
                                v.settle();
                            }
                            self.live = live;
                            self.steady_status = "InService";
                            self.failure_reason = None;
                            self.phase = Phase::Steady;
                        }
                    }
                }
                Phase::RollingBack { ends, reason } if now >= *ends => {
                    self.last_modified = *ends;
                    self.failure_reason = Some(std::mem::take(reason));
                    self.steady_status = "InService";
                    self.phase = Phase::Steady;
                }
                Phase::Scaling { ends } if now >= *ends => {
                    self.last_modified = *ends;
                    for v in &mut self.live.variants {
                        v.settle();
                    }
                    self.phase = Phase::Steady;
                }
                Phase::Deleting { ends } if now >= *ends => return false,
                _ => return true,
            }
        }
    }
}

/// A stable fake digest for `DeployedImages.ResolvedImage`.
pub fn image_digest(image: &str) -> String {
    // FNV-1a, repeated: a stable fake digest for DeployedImages.ResolvedImage.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut out = String::new();
    for round in 0..4u8 {
        for b in image.bytes().chain([round]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        out.push_str(&format!("{h:016x}"));
    }
    let base = image.split('@').next().unwrap_or(image);
    let base = match base.rsplit_once(':') {
        Some((b, tag)) if !tag.contains('/') => b,
        _ => base,
    };
    format!("{base}@sha256:{out}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoint(phase: Phase) -> Endpoint {
        Endpoint {
            name: "e".into(),
            arn: "arn".into(),
            creation_time: 0.0,
            last_modified: 0.0,
            steady_status: "InService",
            failure_reason: None,
            live: Deployment {
                config_name: "old".into(),
                variants: vec![Variant {
                    name: "v".into(),
                    instance_type: Some("ml.m5.large".into()),
                    serverless: None,
                    desired_serverless: None,
                    current_count: 0,
                    desired_count: 1,
                    current_weight: 1.0,
                    desired_weight: 1.0,
                    images: vec![],
                }],
                data_capture: None,
                async_config: None,
            },
            deployment_config: None,
            phase,
        }
    }

    #[test]
    fn creating_then_in_service_or_failed() {
        let mut e = endpoint(Phase::Creating {
            ends: 10.0,
            failure: None,
        });
        assert!(e.advance(5.0));
        assert_eq!(e.status(), "Creating");
        assert!(e.advance(10.0));
        assert_eq!(e.status(), "InService");
        assert_eq!(e.live.variants[0].current_count, 1);
        let mut f = endpoint(Phase::Creating {
            ends: 1.0,
            failure: Some("boom".into()),
        });
        f.advance(2.0);
        assert_eq!(
            (f.status(), f.failure_reason.as_deref()),
            ("Failed", Some("boom"))
        );
    }

    #[test]
    fn update_rolls_back_to_old_config() {
        let mut target = endpoint(Phase::Steady).live;
        target.config_name = "new".into();
        let mut e = endpoint(Phase::Updating {
            ends: 1.0,
            rollback_ms: 1000,
            target: Box::new(target),
            failure: Some("bad".into()),
        });
        e.advance(1.5);
        assert_eq!(e.status(), "RollingBack");
        e.advance(2.0);
        assert_eq!(e.status(), "InService");
        assert_eq!(e.live.config_name, "old");
        assert_eq!(e.failure_reason.as_deref(), Some("bad"));
    }

    #[test]
    fn deleting_disappears() {
        let mut e = endpoint(Phase::Deleting { ends: 1.0 });
        assert!(e.advance(0.5));
        assert!(!e.advance(1.0));
    }

    #[test]
    fn digests_are_stable() {
        let d = image_digest("123.dkr.ecr.us-east-1.amazonaws.com/repo:tag");
        assert!(d.starts_with("123.dkr.ecr.us-east-1.amazonaws.com/repo@sha256:"));
        assert_eq!(
            d.len(),
            "123.dkr.ecr.us-east-1.amazonaws.com/repo@sha256:".len() + 64
        );
        assert_eq!(
            d,
            image_digest("123.dkr.ecr.us-east-1.amazonaws.com/repo:tag")
        );
    }
}
