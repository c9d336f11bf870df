//! The autoscaling objects of an endpoint over their lifecycle: registered
//! after the endpoint is InService (create), brought in line when the
//! settings change (update), removed before the endpoint is deleted, when
//! `autoscaling` is removed, and around an instance type change (Application
//! Auto Scaling refuses that change on a registered variant), checked for
//! drift on refresh, and read by import.
//!
//! The state lists every object as soon as it exists
//! (`scalable_target_resource_id`, `scaling_policy_names`,
//! `scaling_alarm_names`), so a failure part-way leaves nothing untracked;
//! removal also covers the derived names, for objects whose creation
//! answer was lost.

use super::super::Env;
use super::super::aws;
use super::super::features::scaling_model::{
    Autoscaling, EndpointKind, ScalingNames, ScalingSpecs,
};
use super::super::schema::state::{AutoscalingAttr, State};
use super::super::spec::model::EndpointSpec;
use super::desired::Desired;
use super::{StepError, at};
use crate::aws::endpoint::Capacity;
use crate::aws::scaling::Dimension;
use crate::framework::typed::Known;
use crate::tfplugin::{Number, Value};

/// Writes the names that exist into the state (all null when none).
fn record(st: &mut State, n: &ScalingNames) {
    if n.is_empty() {
        ScalingNames::clear(st, Value::Null);
        return;
    }
    n.write(st);
    if n.resource_id.is_empty() {
        st.scalable_target_resource_id = Known::Null;
    }
}

/// Marks every scaling object as absent in the state.
pub fn clear(st: &mut State) {
    record(st, &ScalingNames::default());
}

/// Copies the scaling attributes of `from` (what exists) into `st`.
pub fn copy_names(from: &State, st: &mut State) {
    record(st, &ScalingNames::from_state(from));
}

/// Registers or updates every object `d.spec.autoscaling` asks for, then
/// deletes those of `existing` it no longer wants. Records as it goes.
pub async fn ensure(
    env: &Env<'_>,
    d: &Desired,
    a: &Autoscaling,
    existing: ScalingNames,
    st: &mut State,
) -> Result<(), StepError> {
    let c = env.clients;
    let name = d.endpoint_name();
    let specs = ScalingSpecs::new(name, a, &d.base_tags());
    let wanted = ScalingNames::wanted(name, a);
    let mut rec = existing;
    let add = |list: &mut Vec<String>, n: &str| {
        if !list.iter().any(|x| x == n) {
            list.push(n.to_string());
        }
    };

    aws::scaling::register_target(c, &specs.target)
        .await
        .map_err(at(format!(
            "register {} for autoscaling",
            specs.target.resource_id
        )))?;
    rec.resource_id = specs.target.resource_id.clone();
    record(st, &rec);

    aws::scaling::put_target_tracking(c, &specs.tracking)
        .await
        .map_err(at(format!(
            "put the scaling policy {}",
            specs.tracking.name
        )))?;
    add(&mut rec.policies, &specs.tracking.name);
    record(st, &rec);

    if let (Some(step), Some(alarm)) = (&specs.step, &specs.alarm) {
        let arn = aws::scaling::put_step(c, step)
            .await
            .map_err(at(format!("put the scaling policy {}", step.name)))?;
        add(&mut rec.policies, &step.name);
        record(st, &rec);
        let mut alarm = alarm.clone();
        alarm.action_arn = arn;
        aws::alarm::put_backlog_without_capacity(c, &alarm)
            .await
            .map_err(at(format!("put the alarm {}", alarm.name)))?;
        add(&mut rec.alarms, &alarm.name);
        record(st, &rec);
    }

    // What is no longer wanted: the alarm before the policy it drives.
    let unwanted = ScalingNames {
        resource_id: String::new(),
        policies: rec
            .policies
            .iter()
            .filter(|p| !wanted.policies.contains(p))
            .cloned()
            .collect(),
        alarms: rec
            .alarms
            .iter()
            .filter(|p| !wanted.alarms.contains(p))
            .cloned()
            .collect(),
    };
    let dim = a.kind.dimension();
    remove_listed(env, &unwanted, &wanted.resource_id, dim, &mut rec, st).await?;
    record(st, &wanted);
    Ok(())
}

/// Deletes `n`'s alarms, then its policies (on `resource_id`), then its
/// target (scaled on `dim`); each success leaves `rec` and the state.
async fn remove_listed(
    env: &Env<'_>,
    n: &ScalingNames,
    resource_id: &str,
    dim: Dimension,
    rec: &mut ScalingNames,
    st: &mut State,
) -> Result<(), StepError> {
    let c = env.clients;
    for alarm in &n.alarms {
        aws::alarm::delete(c, alarm)
            .await
            .map_err(at(format!("delete the alarm {alarm}")))?;
        rec.alarms.retain(|x| x != alarm);
        record(st, rec);
    }
    for policy in &n.policies {
        aws::scaling::delete_policy(c, resource_id, dim, policy)
            .await
            .map_err(at(format!("delete the scaling policy {policy}")))?;
        rec.policies.retain(|x| x != policy);
        record(st, rec);
    }
    if !n.resource_id.is_empty() {
        aws::scaling::deregister_target(c, &n.resource_id, dim)
            .await
            .map_err(at(format!("deregister {} from autoscaling", n.resource_id)))?;
        rec.resource_id.clear();
        record(st, rec);
    }
    Ok(())
}

/// Everything that may exist for the endpoint of `state`: what it lists,
/// plus every derived name when autoscaling was configured (a lost answer
/// may have left an object unlisted). Empty when scaling was never used.
pub fn may_exist(state: &State) -> ScalingNames {
    let mut n = ScalingNames::from_state(state);
    let configured = !state.autoscaling.is_null();
    if let Some(ep) = state.endpoint_name.as_str()
        && (configured || !n.is_empty())
    {
        let all = ScalingNames::all(ep);
        n.resource_id = all.resource_id;
        for p in all.policies {
            if !n.policies.contains(&p) {
                n.policies.push(p);
            }
        }
        for a in all.alarms {
            if !n.alarms.contains(&a) {
                n.alarms.push(a);
            }
        }
    }
    n
}

/// Removes every scaling object of `state`'s endpoint; records in `st`.
pub async fn remove_all(env: &Env<'_>, state: &State, st: &mut State) -> Result<(), StepError> {
    let n = may_exist(state);
    if n.is_empty() {
        return Ok(());
    }
    let mut rec = ScalingNames::from_state(state);
    let dim = EndpointKind::of_known(state).dimension();
    remove_listed(env, &n, &n.resource_id.clone(), dim, &mut rec, st).await?;
    record(st, &ScalingNames::default());
    Ok(())
}

/// True when an update must deregister the variant before UpdateEndpoint:
/// the instance type changes while a scalable target may be registered.
pub fn must_clear_before_switch(prior: &State, new: &EndpointSpec) -> bool {
    !may_exist(prior).is_empty() && prior.instance_type.as_str() != new.compute.instance_type()
}

/// True when an update has scaling work to do after the endpoint settled.
pub fn needs_update(prior: &State, planned: &State, cleared: bool) -> bool {
    cleared
        || prior.autoscaling != planned.autoscaling
        || ScalingNames::from_state(prior) != ScalingNames::from_state(planned)
        || (!planned.autoscaling.is_null() && prior.tags_all != planned.tags_all)
}

/// The update's scaling step: ensure what the new settings ask for, or
/// remove everything of `prior` when `autoscaling` is gone. `st` lists
/// what exists now.
pub async fn update(
    env: &Env<'_>,
    new: &Desired,
    prior: &State,
    st: &mut State,
) -> Result<(), StepError> {
    let existing = ScalingNames::from_state(st);
    match &new.spec.autoscaling {
        Some(a) => ensure(env, new, a, existing, st).await,
        None => {
            remove_all(env, prior, st).await?;
            if prior.autoscaling.is_null() {
                return Ok(());
            }
            restore_count(env, new).await
        }
    }
}

/// Without autoscaling the endpoint runs `instance_count` instances (or
/// `serverless.provisioned_concurrency`) again: the capacity autoscaling
/// left behind is reset when it differs.
async fn restore_count(env: &Env<'_>, new: &Desired) -> Result<(), StepError> {
    let c = env.clients;
    let name = new.endpoint_name();
    let step = format!("reset the capacity of endpoint {name}");
    let Ok(wanted) = new.spec.compute.capacity() else {
        return Ok(());
    };
    let ep = aws::endpoint::find(c, name).await.map_err(at(&step))?;
    if ep.is_none_or(|ep| ep.capacity() == Some(wanted)) {
        return Ok(());
    }
    put_capacity(env, new, wanted, &step).await?;
    Ok(())
}

/// UpdateEndpointWeightsAndCapacities of the variant to `capacity`, then
/// the wait until the endpoint is InService again (within the update
/// timeout); errors are reported as `step`.
pub(super) async fn put_capacity(
    env: &Env<'_>,
    new: &Desired,
    capacity: Capacity,
    step: &str,
) -> Result<aws::endpoint::Endpoint, StepError> {
    let (c, name) = (env.clients, new.endpoint_name());
    let variant = aws::endpoint_config::VARIANT_NAME;
    aws::endpoint::set_capacity(c, name, variant, capacity)
        .await
        .map_err(at(step))?;
    let timeout = new.spec.timeouts.update;
    aws::endpoint::wait_in_service(c, name, None, timeout, env.cancel)
        .await
        .map_err(at(step))
}

/// True when the endpoint's desired instance count belongs to autoscaling
/// (on before and after the update): UpdateEndpoint must then keep the
/// live count (RetainAllVariantProperties) instead of resetting it to
/// `instance_count`.
/// A serverless variant is never retained: its new config may change the
/// memory size, which only the new config carries.
pub fn retain_live_count(prior: &State, new: &EndpointSpec) -> bool {
    !prior.autoscaling.is_null()
        && new.autoscaling.is_some()
        && new.compute.instance_type().is_some()
}

/// Refresh: drops objects that no longer exist from the lists, and copies
/// live bounds, target value and cooldowns that differ from the state into
/// `autoscaling`, so the plan shows the drift. The endpoint's live instance
/// count is never read: autoscaling owns it.
pub async fn read(env: &Env<'_>, state: &State, st: &mut State) -> Result<(), StepError> {
    let c = env.clients;
    let mut n = ScalingNames::from_state(state);
    if n.is_empty() {
        return Ok(());
    }
    let kind = EndpointKind::of_known(state);
    let dim = kind.dimension();
    let configured = Autoscaling::from_attr(&state.autoscaling, kind)
        .ok()
        .flatten();
    let mut live = Live::default();
    if !n.resource_id.is_empty() {
        let target = aws::scaling::find_target(c, &n.resource_id, dim)
            .await
            .map_err(at(format!("read the scalable target {}", n.resource_id)))?;
        match (target, &configured) {
            (None, _) => n.resource_id.clear(),
            (Some(t), Some(a)) => {
                if i64::from(t.min_capacity) != a.min_capacity {
                    live.min_capacity = Some(t.min_capacity.into());
                }
                if i64::from(t.max_capacity) != a.max_capacity {
                    live.max_capacity = Some(t.max_capacity.into());
                }
            }
            _ => {}
        }
    }
    let rid = match state.endpoint_name.as_str() {
        Some(ep) => ScalingNames::all(ep).resource_id,
        None => n.resource_id.clone(),
    };
    let mut kept = Vec::new();
    for policy in &n.policies {
        let found = aws::scaling::find_policy(c, &rid, dim, policy)
            .await
            .map_err(at(format!("read the scaling policy {policy}")))?;
        let Some(p) = found else { continue };
        kept.push(policy.clone());
        if let Some(a) = &configured
            && p.policy_type == "TargetTrackingScaling"
        {
            if let Some(v) = p.target_value
                && v != a.target_value
                && let Some(num) = Number::from_f64(v)
            {
                live.target = Some(num);
            }
            let differs = |got: Option<i32>, want: i64| got.map(i64::from).filter(|g| *g != want);
            live.scale_in_cooldown = differs(p.scale_in_cooldown, a.scale_in_cooldown);
            live.scale_out_cooldown = differs(p.scale_out_cooldown, a.scale_out_cooldown);
        }
    }
    n.policies = kept;
    let mut alarms = Vec::new();
    for alarm in &n.alarms {
        if aws::alarm::find(c, alarm)
            .await
            .map_err(at(format!("read the alarm {alarm}")))?
            .is_some()
        {
            alarms.push(alarm.clone());
        }
    }
    n.alarms = alarms;
    record(st, &n);
    if let Some(a) = st.autoscaling.get_mut() {
        let set = |field: &mut Known<Number>, v: Option<i64>| {
            if let Some(v) = v {
                *field = Known::int(v);
            }
        };
        set(&mut a.min_capacity, live.min_capacity);
        set(&mut a.max_capacity, live.max_capacity);
        set(&mut a.scale_in_cooldown, live.scale_in_cooldown);
        set(&mut a.scale_out_cooldown, live.scale_out_cooldown);
        if let Some(target) = live.target {
            *kind.target_of_mut(a) = Known::Value(target);
        }
    }
    Ok(())
}

/// Import: the endpoint's scalable target (on the dimension of its kind)
/// and the policies and alarm that exist under this provider's names, into
/// `st`: `autoscaling` from their settings (values equal to the documented
/// defaults as null, as a configuration that leaves them out) and the three
/// name lists. Nothing is recorded when no target is registered, or when
/// none of this provider's policies is attached to it: then another tool
/// (such as the CDK construct) scales the variant, and its target stays its.
pub async fn import(env: &Env<'_>, st: &mut State) -> Result<(), StepError> {
    let c = env.clients;
    let Some(ep) = st.endpoint_name.as_str().map(str::to_string) else {
        return Ok(());
    };
    let kind = EndpointKind::of_known(st);
    let dim = kind.dimension();
    let all = ScalingNames::all(&ep);
    let rid = all.resource_id.clone();
    let (target, own) = match registration(env, &all, dim).await? {
        Registration::Ours(target, own) => (target, own),
        Registration::None => return Ok(()),
        Registration::Theirs => {
            tracing::debug!(
                resource_id = %rid,
                "the scalable target carries no policy of this provider; left out of the import"
            );
            return Ok(());
        }
    };
    let mut found = ScalingNames {
        resource_id: rid.clone(),
        ..ScalingNames::default()
    };
    let mut a = AutoscalingAttr {
        min_capacity: Known::int(target.min_capacity.into()),
        max_capacity: Known::int(target.max_capacity.into()),
        ..AutoscalingAttr::default()
    };
    for (policy, p) in own {
        found.policies.push(policy);
        if p.policy_type != "TargetTrackingScaling" {
            continue;
        }
        let defaults = Autoscaling::from_attr(&Known::Value(a.clone()), kind)
            .ok()
            .flatten();
        let Some(d) = defaults else { continue };
        if let Some(v) = p.target_value
            && v != d.target_value
            && let Some(n) = Number::from_f64(v)
        {
            *kind.target_of_mut(&mut a) = Known::Value(n);
        }
        let unless_default = |got: Option<i32>, default: i64| match got.map(i64::from) {
            Some(v) if v != default => Known::int(v),
            _ => Known::Null,
        };
        a.scale_in_cooldown = unless_default(p.scale_in_cooldown, d.scale_in_cooldown);
        a.scale_out_cooldown = unless_default(p.scale_out_cooldown, d.scale_out_cooldown);
    }
    for alarm in &all.alarms {
        if aws::alarm::find(c, alarm)
            .await
            .map_err(at(format!("read the alarm {alarm}")))?
            .is_some()
        {
            found.alarms.push(alarm.clone());
        }
    }
    st.autoscaling = Known::Value(a);
    record(st, &found);
    Ok(())
}

/// Who scales a variant: nobody, this resource (one of its policies, by
/// this provider's names, is attached to the target) or another tool (the
/// CDK construct registers a target with its own step policy).
enum Registration {
    None,
    /// The target and this provider's policies on it, as AWS describes them.
    Ours(aws::scaling::Target, Vec<(String, aws::scaling::Policy)>),
    Theirs,
}

/// Reads the target `all.resource_id` (scaled on `dim`) and the policies
/// under `all.policies` attached to it.
async fn registration(
    env: &Env<'_>,
    all: &ScalingNames,
    dim: Dimension,
) -> Result<Registration, StepError> {
    let c = env.clients;
    let rid = &all.resource_id;
    let Some(target) = aws::scaling::find_target(c, rid, dim)
        .await
        .map_err(at(format!("read the scalable target {rid}")))?
    else {
        return Ok(Registration::None);
    };
    let mut own = Vec::new();
    for policy in &all.policies {
        if let Some(p) = aws::scaling::find_policy(c, rid, dim, policy)
            .await
            .map_err(at(format!("read the scaling policy {policy}")))?
        {
            own.push((policy.clone(), p));
        }
    }
    Ok(if own.is_empty() {
        Registration::Theirs
    } else {
        Registration::Ours(target, own)
    })
}

/// Before an update turns autoscaling on: refuses when another tool scales
/// the variant. Registering would overwrite that target's bounds and put a
/// second policy beside its own.
pub async fn refuse_foreign(env: &Env<'_>, d: &Desired, a: &Autoscaling) -> Result<(), StepError> {
    let endpoint = d.endpoint_name();
    let all = ScalingNames::all(endpoint);
    match registration(env, &all, a.kind.dimension()).await? {
        Registration::Theirs => Err(StepError::ScaledElsewhere {
            endpoint: endpoint.to_string(),
            resource_id: all.resource_id,
        }),
        Registration::None | Registration::Ours(..) => Ok(()),
    }
}

/// Live autoscaling settings that differ from the state.
#[derive(Default)]
struct Live {
    min_capacity: Option<i64>,
    max_capacity: Option<i64>,
    target: Option<Number>,
    scale_in_cooldown: Option<i64>,
    scale_out_cooldown: Option<i64>,
}

/// True when none of the scaling objects `state` lists exists any more.
pub async fn nothing_left(env: &Env<'_>, state: &State) -> Result<bool, StepError> {
    let c = env.clients;
    let n = ScalingNames::from_state(state);
    let dim = EndpointKind::of_known(state).dimension();
    if !n.resource_id.is_empty()
        && aws::scaling::find_target(c, &n.resource_id, dim)
            .await
            .map_err(at("read the scalable target"))?
            .is_some()
    {
        return Ok(false);
    }
    for alarm in &n.alarms {
        if aws::alarm::find(c, alarm)
            .await
            .map_err(at("read an alarm"))?
            .is_some()
        {
            return Ok(false);
        }
    }
    Ok(true)
}
