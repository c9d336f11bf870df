//! The typed `deployment_config` attribute, with its documented defaults,
//! as the AWS layer's [`DeploymentSpec`]. Validation (`validate_rollout`)
//! has already checked the values; this only reads them.

use super::super::schema::state::{CapacityAttr, DeploymentConfigAttr};
use crate::aws::deployment::{Capacity, DeploymentSpec, Policy};
use crate::framework::typed::Known;
use crate::tfplugin::Number;

/// Default `wait_interval_in_seconds` of both policies.
pub const DEFAULT_WAIT_INTERVAL: i64 = 300;

/// Why `deployment_config` could not be read.
#[derive(Debug, thiserror::Error)]
#[error("deployment_config.{path}: {reason}")]
pub struct DeployError {
    pub path: String,
    pub reason: &'static str,
}

fn err(path: impl Into<String>, reason: &'static str) -> DeployError {
    DeployError {
        path: path.into(),
        reason,
    }
}

fn int(v: &Known<Number>, path: &str) -> Result<Option<i32>, DeployError> {
    match v {
        Known::Null => Ok(None),
        other => other
            .as_i64()
            .and_then(|i| i32::try_from(i).ok())
            .map(Some)
            .ok_or_else(|| err(path, "must be a known whole number")),
    }
}

fn capacity(v: &Known<CapacityAttr>, path: &str) -> Result<Option<Capacity>, DeployError> {
    let c = match v {
        Known::Null => return Ok(None),
        Known::Unknown => return Err(err(format!("{path}.type"), "must be a known string")),
        Known::Value(c) => c,
    };
    let kind = c
        .r#type
        .as_str()
        .ok_or_else(|| err(format!("{path}.type"), "must be a known string"))?;
    let value = int(&c.value, &format!("{path}.value"))?
        .ok_or_else(|| err(format!("{path}.value"), "is required"))?;
    Ok(Some(Capacity {
        kind: kind.to_string(),
        value,
    }))
}

/// Reads `deployment_config` of a known configuration or state; `Ok(None)`
/// when it is null.
pub fn from_attr(v: &Known<DeploymentConfigAttr>) -> Result<Option<DeploymentSpec>, DeployError> {
    let d = match v {
        Known::Null => return Ok(None),
        Known::Unknown => return Err(err("blue_green", "must be known")),
        Known::Value(d) => d,
    };
    let wait = |w: &Known<Number>, path: &str| -> Result<i32, DeployError> {
        Ok(int(w, &format!("{path}.wait_interval_in_seconds"))?
            .unwrap_or(DEFAULT_WAIT_INTERVAL as i32))
    };
    let policy = if let Some(bg) = d.blue_green.get() {
        let routing = bg
            .traffic_routing_type
            .as_str()
            .ok_or_else(|| err("blue_green.traffic_routing_type", "must be a known string"))?;
        Policy::BlueGreen {
            routing: routing.to_string(),
            canary_size: capacity(&bg.canary_size, "blue_green.canary_size")?,
            linear_step_size: capacity(&bg.linear_step_size, "blue_green.linear_step_size")?,
            wait_interval: wait(&bg.wait_interval_in_seconds, "blue_green")?,
            termination_wait: int(
                &bg.termination_wait_in_seconds,
                "blue_green.termination_wait_in_seconds",
            )?,
            max_execution_timeout: int(
                &bg.maximum_execution_timeout_in_seconds,
                "blue_green.maximum_execution_timeout_in_seconds",
            )?,
        }
    } else if let Some(ru) = d.rolling_update.get() {
        Policy::Rolling {
            max_batch_size: capacity(&ru.maximum_batch_size, "rolling_update.maximum_batch_size")?
                .ok_or_else(|| err("rolling_update.maximum_batch_size", "is required"))?,
            wait_interval: wait(&ru.wait_interval_in_seconds, "rolling_update")?,
            max_execution_timeout: int(
                &ru.maximum_execution_timeout_in_seconds,
                "rolling_update.maximum_execution_timeout_in_seconds",
            )?,
            rollback_max_batch_size: capacity(
                &ru.rollback_maximum_batch_size,
                "rolling_update.rollback_maximum_batch_size",
            )?,
        }
    } else if d.blue_green.is_unknown() || d.rolling_update.is_unknown() {
        return Err(err("blue_green", "must be known"));
    } else {
        return Err(err("blue_green", "set blue_green or rolling_update"));
    };
    let rollback_alarms = d
        .auto_rollback_alarms
        .as_elements()
        .unwrap_or(&[])
        .iter()
        .map(|a| {
            a.as_str()
                .map(str::to_string)
                .ok_or_else(|| err("auto_rollback_alarms", "must be known strings"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(DeploymentSpec {
        policy,
        rollback_alarms,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::typed;
    use crate::resources::custom_endpoint::testutil::*;
    use crate::tfplugin::Value;

    fn from_value(v: &Value) -> Result<Option<DeploymentSpec>, DeployError> {
        from_attr(&typed::decode::<DeploymentConfigAttr>(v).unwrap())
    }

    #[test]
    fn blue_green_defaults_and_alarms() {
        let v = obj(&[
            (
                "blue_green",
                obj(&[
                    ("traffic_routing_type", s("LINEAR")),
                    ("canary_size", Value::Null),
                    (
                        "linear_step_size",
                        obj(&[("type", s("INSTANCE_COUNT")), ("value", n(2))]),
                    ),
                    ("wait_interval_in_seconds", Value::Null),
                    ("termination_wait_in_seconds", Value::Null),
                    ("maximum_execution_timeout_in_seconds", n(900)),
                ]),
            ),
            ("rolling_update", Value::Null),
            ("auto_rollback_alarms", Value::List(vec![s("a1"), s("a2")])),
        ]);
        let d = from_value(&v).unwrap().unwrap();
        assert_eq!(d.rollback_alarms, ["a1", "a2"]);
        match d.policy {
            Policy::BlueGreen {
                routing,
                linear_step_size,
                wait_interval,
                max_execution_timeout,
                ..
            } => {
                assert_eq!(routing, "LINEAR");
                assert_eq!(linear_step_size.unwrap().value, 2);
                assert_eq!(i64::from(wait_interval), DEFAULT_WAIT_INTERVAL);
                assert_eq!(max_execution_timeout, Some(900));
            }
            other => panic!("{other:?}"),
        }
        assert!(from_value(&Value::Null).unwrap().is_none());
        let neither = obj(&[
            ("blue_green", Value::Null),
            ("rolling_update", Value::Null),
            ("auto_rollback_alarms", Value::Null),
        ]);
        assert!(from_value(&neither).is_err());
    }
}
