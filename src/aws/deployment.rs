//! How UpdateEndpoint moves traffic to a new endpoint config: SageMaker's
//! `DeploymentConfig` (blue/green with all-at-once, canary or linear traffic
//! shifting, or a rolling update, plus CloudWatch alarms that roll the
//! deployment back), as plain data the resource fills in and the SDK type
//! it becomes.

use aws_sdk_sagemaker::types::{
    Alarm, AutoRollbackConfig, BlueGreenUpdatePolicy, CapacitySize, CapacitySizeType,
    DeploymentConfig, RollingUpdatePolicy, TrafficRoutingConfig, TrafficRoutingConfigType,
};

/// A step of a deployment: a number of instances or a share of capacity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Capacity {
    /// `INSTANCE_COUNT` or `CAPACITY_PERCENT`.
    pub kind: String,
    pub value: i32,
}

/// The update policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Policy {
    /// A new fleet next to the old one, with traffic shifted to it.
    BlueGreen {
        /// `ALL_AT_ONCE`, `CANARY` or `LINEAR`.
        routing: String,
        canary_size: Option<Capacity>,
        linear_step_size: Option<Capacity>,
        wait_interval: i32,
        termination_wait: Option<i32>,
        max_execution_timeout: Option<i32>,
    },
    /// The fleet replaced in batches.
    Rolling {
        max_batch_size: Capacity,
        wait_interval: i32,
        max_execution_timeout: Option<i32>,
        rollback_max_batch_size: Option<Capacity>,
    },
}

/// The deployment configuration of an UpdateEndpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeploymentSpec {
    pub policy: Policy,
    /// CloudWatch alarms that roll the deployment back when they fire.
    pub rollback_alarms: Vec<String>,
}

fn capacity(c: &Capacity) -> CapacitySize {
    CapacitySize::builder()
        .r#type(CapacitySizeType::from(c.kind.as_str()))
        .value(c.value)
        .build()
}

impl DeploymentSpec {
    /// The SDK's `DeploymentConfig`.
    pub(crate) fn to_sdk(&self) -> DeploymentConfig {
        let mut b = DeploymentConfig::builder();
        match &self.policy {
            Policy::BlueGreen {
                routing,
                canary_size,
                linear_step_size,
                wait_interval,
                termination_wait,
                max_execution_timeout,
            } => {
                let t = TrafficRoutingConfig::builder()
                    .r#type(TrafficRoutingConfigType::from(routing.as_str()))
                    .wait_interval_in_seconds(*wait_interval)
                    .set_canary_size(canary_size.as_ref().map(capacity))
                    .set_linear_step_size(linear_step_size.as_ref().map(capacity))
                    .build();
                b = b.blue_green_update_policy(
                    BlueGreenUpdatePolicy::builder()
                        .traffic_routing_configuration(t)
                        .set_termination_wait_in_seconds(*termination_wait)
                        .set_maximum_execution_timeout_in_seconds(*max_execution_timeout)
                        .build(),
                );
            }
            Policy::Rolling {
                max_batch_size,
                wait_interval,
                max_execution_timeout,
                rollback_max_batch_size,
            } => {
                b = b.rolling_update_policy(
                    RollingUpdatePolicy::builder()
                        .maximum_batch_size(capacity(max_batch_size))
                        .wait_interval_in_seconds(*wait_interval)
                        .set_maximum_execution_timeout_in_seconds(*max_execution_timeout)
                        .set_rollback_maximum_batch_size(
                            rollback_max_batch_size.as_ref().map(capacity),
                        )
                        .build(),
                );
            }
        }
        if !self.rollback_alarms.is_empty() {
            let mut r = AutoRollbackConfig::builder();
            for name in &self.rollback_alarms {
                r = r.alarms(Alarm::builder().alarm_name(name).build());
            }
            b = b.auto_rollback_configuration(r.build());
        }
        b.build()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canary_blue_green_with_alarms_becomes_the_sdk_shape() {
        let spec = DeploymentSpec {
            policy: Policy::BlueGreen {
                routing: "CANARY".into(),
                canary_size: Some(Capacity {
                    kind: "CAPACITY_PERCENT".into(),
                    value: 10,
                }),
                linear_step_size: None,
                wait_interval: 120,
                termination_wait: Some(30),
                max_execution_timeout: Some(1800),
            },
            rollback_alarms: vec!["latency-high".into()],
        };
        let d = spec.to_sdk();
        let bg = d.blue_green_update_policy().unwrap();
        let t = bg.traffic_routing_configuration().unwrap();
        assert_eq!(t.r#type(), Some(&TrafficRoutingConfigType::Canary));
        assert_eq!(t.wait_interval_in_seconds(), Some(120));
        let c = t.canary_size().unwrap();
        assert_eq!(c.r#type(), Some(&CapacitySizeType::CapacityPercent));
        assert_eq!(c.value(), Some(10));
        assert_eq!(bg.termination_wait_in_seconds(), Some(30));
        assert_eq!(bg.maximum_execution_timeout_in_seconds(), Some(1800));
        let alarms = d.auto_rollback_configuration().unwrap().alarms();
        assert_eq!(alarms[0].alarm_name(), Some("latency-high"));
        assert!(d.rolling_update_policy().is_none());
    }

    #[test]
    fn rolling_update_without_alarms() {
        let spec = DeploymentSpec {
            policy: Policy::Rolling {
                max_batch_size: Capacity {
                    kind: "INSTANCE_COUNT".into(),
                    value: 1,
                },
                wait_interval: 60,
                max_execution_timeout: None,
                rollback_max_batch_size: None,
            },
            rollback_alarms: vec![],
        };
        let d = spec.to_sdk();
        let r = d.rolling_update_policy().unwrap();
        assert_eq!(r.maximum_batch_size().unwrap().value(), Some(1));
        assert_eq!(r.wait_interval_in_seconds(), Some(60));
        assert!(d.auto_rollback_configuration().is_none());
        assert!(d.blue_green_update_policy().is_none());
    }
}
