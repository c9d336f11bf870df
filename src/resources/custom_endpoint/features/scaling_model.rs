//! The typed `autoscaling` attribute, with its documented defaults, and the
//! scaling objects it asks for (names from `aws::names`, specs for
//! `aws::scaling` and `aws::alarm`). Pure; shared by plan, apply and read.

use super::super::schema::state::{AutoscalingAttr, State};
use crate::aws::alarm::BacklogAlarmSpec;
use crate::aws::endpoint_config::VARIANT_NAME;
use crate::aws::names::{self, ScalingPolicyKind};
use crate::aws::scaling::{Dimension, StepSpec, TargetSpec, TargetTrackingSpec, TrackedMetric};
use crate::framework::typed::Known;
use crate::tfplugin::{Number, Value};
use std::collections::BTreeMap;

/// Default `target_invocations_per_instance` (invocations per instance per
/// minute) of a real-time endpoint.
pub const DEFAULT_TARGET_INVOCATIONS: f64 = 70.0;
/// Default `target_backlog_per_instance` (queued requests per instance) of
/// an async endpoint.
pub const DEFAULT_TARGET_BACKLOG: f64 = 5.0;
/// Default `target_provisioned_concurrency_utilization` of a serverless
/// endpoint.
pub const DEFAULT_TARGET_UTILIZATION: f64 = 0.5;
/// Default `scale_in_cooldown`, in seconds.
pub const DEFAULT_SCALE_IN_COOLDOWN: i64 = 300;
/// Default `scale_out_cooldown`, in seconds.
pub const DEFAULT_SCALE_OUT_COOLDOWN: i64 = 60;

/// The three kinds of endpoint, which scale on different things.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndpointKind {
    /// Instances answering requests as they come.
    RealTime,
    /// Instances working off a queue (`async_inference`).
    Async,
    /// A serverless variant (`serverless`).
    Serverless,
}

impl EndpointKind {
    /// Every kind, for checks that look at each.
    pub const ALL: [EndpointKind; 3] = [
        EndpointKind::RealTime,
        EndpointKind::Async,
        EndpointKind::Serverless,
    ];

    /// The kind a configuration or state asks for; `None` while
    /// `async_inference` or `serverless` is unknown.
    pub fn of(st: &State) -> Option<EndpointKind> {
        if st.async_inference.is_unknown() || st.serverless.is_unknown() {
            return None;
        }
        Some(if !st.async_inference.is_null() {
            EndpointKind::Async
        } else if !st.serverless.is_null() {
            EndpointKind::Serverless
        } else {
            EndpointKind::RealTime
        })
    }

    /// The kind of a state that is fully known (apply, read): real-time
    /// when neither block says otherwise.
    pub fn of_known(st: &State) -> EndpointKind {
        EndpointKind::of(st).unwrap_or(EndpointKind::RealTime)
    }

    /// How the kind is called in messages.
    pub fn describe(self) -> &'static str {
        match self {
            EndpointKind::RealTime => "real-time",
            EndpointKind::Async => "asynchronous",
            EndpointKind::Serverless => "serverless",
        }
    }

    /// The `autoscaling` attribute that holds this kind's target value.
    pub fn target_attr(self) -> &'static str {
        match self {
            EndpointKind::RealTime => AutoscalingAttr::target_invocations_per_instance,
            EndpointKind::Async => AutoscalingAttr::target_backlog_per_instance,
            EndpointKind::Serverless => AutoscalingAttr::target_provisioned_concurrency_utilization,
        }
    }

    /// That attribute's value in `a`.
    pub fn target_of(self, a: &AutoscalingAttr) -> &Known<Number> {
        match self {
            EndpointKind::RealTime => &a.target_invocations_per_instance,
            EndpointKind::Async => &a.target_backlog_per_instance,
            EndpointKind::Serverless => &a.target_provisioned_concurrency_utilization,
        }
    }

    /// That attribute in `a`, to write.
    pub fn target_of_mut(self, a: &mut AutoscalingAttr) -> &mut Known<Number> {
        match self {
            EndpointKind::RealTime => &mut a.target_invocations_per_instance,
            EndpointKind::Async => &mut a.target_backlog_per_instance,
            EndpointKind::Serverless => &mut a.target_provisioned_concurrency_utilization,
        }
    }

    fn default_target(self) -> f64 {
        match self {
            EndpointKind::RealTime => DEFAULT_TARGET_INVOCATIONS,
            EndpointKind::Async => DEFAULT_TARGET_BACKLOG,
            EndpointKind::Serverless => DEFAULT_TARGET_UTILIZATION,
        }
    }

    /// What Application Auto Scaling scales on the variant.
    pub(crate) fn dimension(self) -> Dimension {
        match self {
            EndpointKind::Serverless => Dimension::ProvisionedConcurrency,
            _ => Dimension::InstanceCount,
        }
    }
}

/// `autoscaling`, defaults applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Autoscaling {
    pub min_capacity: i64,
    pub max_capacity: i64,
    /// The target value of the tracked metric (per the endpoint kind).
    pub target_value: f64,
    pub scale_in_cooldown: i64,
    pub scale_out_cooldown: i64,
    /// What the endpoint is, which decides the metric and the dimension.
    pub kind: EndpointKind,
}

/// Why `autoscaling` could not be read.
#[derive(Debug, thiserror::Error)]
#[error("autoscaling.{field}: {reason}")]
pub struct ScalingError {
    pub field: &'static str,
    pub reason: &'static str,
}

fn int(v: &Known<Number>, field: &'static str, default: Option<i64>) -> Result<i64, ScalingError> {
    match v {
        Known::Null => default.ok_or(ScalingError {
            field,
            reason: "is required",
        }),
        other => other.as_i64().ok_or(ScalingError {
            field,
            reason: "must be a known whole number",
        }),
    }
}

fn float(v: &Known<Number>, field: &'static str, default: f64) -> Result<f64, ScalingError> {
    match v {
        Known::Null => Ok(default),
        Known::Value(n) => n.as_f64().ok_or(ScalingError {
            field,
            reason: "must be a finite number",
        }),
        Known::Unknown => Err(ScalingError {
            field,
            reason: "must be a known number",
        }),
    }
}

impl Autoscaling {
    /// Reads `autoscaling` of a known configuration or state for an
    /// endpoint of `kind`; `Ok(None)` when it is null.
    pub fn from_attr(
        v: &Known<AutoscalingAttr>,
        kind: EndpointKind,
    ) -> Result<Option<Autoscaling>, ScalingError> {
        let a = match v {
            Known::Null => return Ok(None),
            Known::Unknown => {
                return Err(ScalingError {
                    field: "min_capacity",
                    reason: "must be a known whole number",
                });
            }
            Known::Value(a) => a,
        };
        let target = float(kind.target_of(a), kind.target_attr(), kind.default_target())?;
        Ok(Some(Autoscaling {
            min_capacity: int(&a.min_capacity, "min_capacity", None)?,
            max_capacity: int(&a.max_capacity, "max_capacity", None)?,
            target_value: target,
            scale_in_cooldown: int(
                &a.scale_in_cooldown,
                "scale_in_cooldown",
                Some(DEFAULT_SCALE_IN_COOLDOWN),
            )?,
            scale_out_cooldown: int(
                &a.scale_out_cooldown,
                "scale_out_cooldown",
                Some(DEFAULT_SCALE_OUT_COOLDOWN),
            )?,
            kind,
        }))
    }

    /// The attribute that holds the target value for this endpoint kind.
    pub fn target_attr(&self) -> &'static str {
        self.kind.target_attr()
    }

    /// Async endpoints with `min_capacity = 0` also get the scale-from-zero
    /// step policy and its alarm.
    pub fn scales_from_zero(&self) -> bool {
        self.kind == EndpointKind::Async && self.min_capacity == 0
    }
}

/// The names of the scaling objects of one endpoint: what the computed
/// attributes `scalable_target_resource_id`, `scaling_policy_names` and
/// `scaling_alarm_names` list.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ScalingNames {
    pub resource_id: String,
    pub policies: Vec<String>,
    pub alarms: Vec<String>,
}

impl ScalingNames {
    /// Every name that could exist for `endpoint` (what a destroy removes).
    pub fn all(endpoint: &str) -> ScalingNames {
        ScalingNames {
            resource_id: names::scaling_resource_id(endpoint, VARIANT_NAME),
            policies: vec![
                names::scaling_policy_name(endpoint, ScalingPolicyKind::TargetTracking),
                names::scaling_policy_name(endpoint, ScalingPolicyKind::ScaleFromZero),
            ],
            alarms: vec![names::backlog_alarm_name(endpoint)],
        }
    }

    /// The names `scaling` asks for.
    pub fn wanted(endpoint: &str, scaling: &Autoscaling) -> ScalingNames {
        let mut n = ScalingNames::all(endpoint);
        if !scaling.scales_from_zero() {
            n.policies.truncate(1);
            n.alarms.clear();
        }
        n
    }

    /// Sets the three computed attributes that list these names.
    pub fn write(&self, st: &mut State) {
        let list = |v: &[String]| Value::List(v.iter().map(Value::string).collect());
        st.scalable_target_resource_id = Known::string(&self.resource_id);
        st.scaling_policy_names = list(&self.policies);
        st.scaling_alarm_names = list(&self.alarms);
    }

    /// Sets the three attributes to `v` (null or unknown).
    pub fn clear(st: &mut State, v: Value) {
        st.scalable_target_resource_id = match v {
            Value::Unknown => Known::Unknown,
            _ => Known::Null,
        };
        st.scaling_policy_names = v.clone();
        st.scaling_alarm_names = v;
    }

    /// What a state lists (null attributes give empty lists).
    pub fn from_state(st: &State) -> ScalingNames {
        let list = |v: &Value| -> Vec<String> {
            v.as_elements()
                .unwrap_or(&[])
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        };
        ScalingNames {
            resource_id: st
                .scalable_target_resource_id
                .as_str()
                .unwrap_or_default()
                .to_string(),
            policies: list(&st.scaling_policy_names),
            alarms: list(&st.scaling_alarm_names),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.resource_id.is_empty() && self.policies.is_empty() && self.alarms.is_empty()
    }
}

/// The specs of every scaling object of `endpoint`.
pub struct ScalingSpecs {
    pub target: TargetSpec,
    pub tracking: TargetTrackingSpec,
    pub step: Option<StepSpec>,
    /// The alarm; its action (the step policy ARN) is filled in at apply.
    pub alarm: Option<BacklogAlarmSpec>,
}

impl ScalingSpecs {
    pub fn new(endpoint: &str, a: &Autoscaling, tags: &BTreeMap<String, String>) -> ScalingSpecs {
        let n = ScalingNames::wanted(endpoint, a);
        let clamp = |v: i64| i32::try_from(v).unwrap_or(i32::MAX);
        let metric = match a.kind {
            EndpointKind::Async => TrackedMetric::BacklogPerInstance {
                endpoint: endpoint.to_string(),
            },
            EndpointKind::RealTime => TrackedMetric::InvocationsPerInstance,
            EndpointKind::Serverless => TrackedMetric::ProvisionedConcurrencyUtilization,
        };
        let dimension = a.kind.dimension();
        ScalingSpecs {
            target: TargetSpec {
                resource_id: n.resource_id.clone(),
                dimension,
                min_capacity: clamp(a.min_capacity),
                max_capacity: clamp(a.max_capacity),
                tags: tags.clone(),
            },
            tracking: TargetTrackingSpec {
                name: n.policies[0].clone(),
                resource_id: n.resource_id.clone(),
                dimension,
                metric,
                target_value: a.target_value,
                scale_in_cooldown: clamp(a.scale_in_cooldown),
                scale_out_cooldown: clamp(a.scale_out_cooldown),
            },
            step: n.policies.get(1).map(|name| StepSpec {
                name: name.clone(),
                resource_id: n.resource_id.clone(),
                cooldown: clamp(a.scale_out_cooldown),
            }),
            alarm: n.alarms.first().map(|name| BacklogAlarmSpec {
                name: name.clone(),
                endpoint: endpoint.to_string(),
                action_arn: String::new(),
                tags: tags.clone(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::typed;
    use crate::resources::custom_endpoint::testutil::*;

    impl Autoscaling {
        fn from_value(v: &Value, kind: EndpointKind) -> Result<Option<Autoscaling>, ScalingError> {
            Autoscaling::from_attr(&typed::decode(v).unwrap(), kind)
        }
    }

    impl ScalingNames {
        fn from_value(v: &Value) -> ScalingNames {
            ScalingNames::from_state(&State::decode(v).unwrap())
        }
    }

    fn block(min: i64, max: i64) -> Value {
        obj(&[
            ("min_capacity", n(min)),
            ("max_capacity", n(max)),
            ("target_invocations_per_instance", Value::Null),
            ("target_backlog_per_instance", Value::Null),
            ("target_provisioned_concurrency_utilization", Value::Null),
            ("scale_in_cooldown", Value::Null),
            ("scale_out_cooldown", Value::Null),
        ])
    }

    #[test]
    fn defaults_follow_the_endpoint_kind() {
        let rt = Autoscaling::from_value(&block(1, 3), EndpointKind::RealTime)
            .unwrap()
            .unwrap();
        assert_eq!(rt.target_value, DEFAULT_TARGET_INVOCATIONS);
        assert_eq!(rt.scale_in_cooldown, 300);
        assert_eq!(rt.scale_out_cooldown, 60);
        assert!(!rt.scales_from_zero());
        let a = Autoscaling::from_value(&block(0, 2), EndpointKind::Async)
            .unwrap()
            .unwrap();
        assert_eq!(a.target_value, DEFAULT_TARGET_BACKLOG);
        assert!(a.scales_from_zero());
        assert!(
            Autoscaling::from_value(&Value::Null, EndpointKind::Async)
                .unwrap()
                .is_none()
        );
        let bad = with(block(1, 2), &["min_capacity"], Value::Null);
        assert!(Autoscaling::from_value(&bad, EndpointKind::RealTime).is_err());
    }

    #[test]
    fn names_and_specs_per_kind() {
        let rt = Autoscaling::from_value(&block(1, 3), EndpointKind::RealTime)
            .unwrap()
            .unwrap();
        let n = ScalingNames::wanted("ep", &rt);
        assert_eq!(n.resource_id, "endpoint/ep/variant/AllTraffic");
        assert_eq!(n.policies, ["sm-ep-target-tracking"]);
        assert!(n.alarms.is_empty());
        let specs = ScalingSpecs::new("ep", &rt, &BTreeMap::new());
        assert_eq!(specs.tracking.metric, TrackedMetric::InvocationsPerInstance);
        assert!(specs.step.is_none() && specs.alarm.is_none());

        let a = Autoscaling::from_value(&block(0, 2), EndpointKind::Async)
            .unwrap()
            .unwrap();
        let n = ScalingNames::wanted("ep", &a);
        assert_eq!(n.policies.len(), 2);
        assert_eq!(n.alarms, ["sm-ep-backlog-without-capacity"]);
        let specs = ScalingSpecs::new("ep", &a, &BTreeMap::new());
        assert!(matches!(
            specs.tracking.metric,
            TrackedMetric::BacklogPerInstance { .. }
        ));
        assert_eq!(specs.step.unwrap().name, "sm-ep-scale-from-zero");
        assert_eq!(specs.target.min_capacity, 0);

        let sv = Autoscaling::from_value(&block(1, 4), EndpointKind::Serverless)
            .unwrap()
            .unwrap();
        assert_eq!(sv.target_value, DEFAULT_TARGET_UTILIZATION);
        assert!(!sv.scales_from_zero());
        let specs = ScalingSpecs::new("ep", &sv, &BTreeMap::new());
        assert_eq!(specs.target.dimension, Dimension::ProvisionedConcurrency);
        assert_eq!(specs.tracking.dimension, Dimension::ProvisionedConcurrency);
        assert_eq!(
            specs.tracking.metric,
            TrackedMetric::ProvisionedConcurrencyUtilization
        );
        assert!(specs.step.is_none() && specs.alarm.is_none());
        assert_eq!(
            ScalingSpecs::new("ep", &rt, &BTreeMap::new())
                .target
                .dimension,
            Dimension::InstanceCount
        );

        // State round trip of the names.
        let mut st = State::default();
        n.write(&mut st);
        assert_eq!(ScalingNames::from_value(&st.encode()), n);
        assert!(ScalingNames::from_value(&Value::Null).is_empty());
    }
}
