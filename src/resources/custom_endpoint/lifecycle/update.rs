//! In-place update with no downtime. A model change creates a new model and
//! config, a variant change a new config; then UpdateEndpoint and a wait
//! until the endpoint is InService on the new config. Only then are the old
//! config and model deleted. Tag changes use the tagging APIs only.
//!
//! Two states are kept while working: `live` (the prior state, plus role and
//! topic repairs) and `target` (the planned state, filled as objects are
//! created). Until the endpoint has switched, an error returns `live`, and
//! every new object that is not live goes to the pending cleanups (guarded:
//! a cleanup never deletes what the state or the endpoint still uses).

use std::collections::{BTreeMap, BTreeSet};

use super::super::Env;
use super::super::aws;
use super::super::schema::state::State;
use super::create::{
    create_config, create_model, ensure_role, ensure_topics, fill_computed, record_topics,
};
use super::delete::run_pending;
use super::desired::{Desired, MODEL_ID_TAG};
use super::drift;
use super::observed;
use super::private::{Kind, Pending, PrivateState};
use super::scaling;
use super::{StepError, at};
use crate::aws::endpoint::Capacity;
use crate::framework::Outcome;
use crate::framework::typed::Known;
use crate::tfplugin::Diagnostics;

/// What an update has to do, from the prior and planned states.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Changes {
    pub new_model: bool,
    pub new_config: bool,
    pub endpoint_tags: bool,
    pub model_tags: bool,
    pub config_tags: bool,
}

/// What the prior state says exists, read leniently: an imported state may
/// lack inputs (e.g. no `modelId` tag) and must still update in place.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Before {
    pub model_name: Option<String>,
    pub config_name: Option<String>,
    /// Tags of the config (tags_all plus ownership).
    pub base_tags: BTreeMap<String, String>,
    /// Tags of the model and the endpoint (plus `modelId`).
    pub model_tags: BTreeMap<String, String>,
}

impl Before {
    pub fn from_state(prior: &State) -> Before {
        let text = |k: &Known<String>| k.as_str().map(str::to_string);
        let mut base: BTreeMap<String, String> = prior
            .tags_all
            .as_object()
            .into_iter()
            .flatten()
            .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string())))
            .collect();
        if let Some(name) = text(&prior.endpoint_name) {
            base.insert(aws::OWNERSHIP_TAG.into(), name);
        }
        let mut model_tags = base.clone();
        if let Some(id) = text(&prior.model_id) {
            model_tags.insert(MODEL_ID_TAG.into(), id);
        }
        Before {
            model_name: text(&prior.model_name),
            config_name: text(&prior.endpoint_config_name),
            base_tags: base,
            model_tags,
        }
    }
}

/// Classifies an update: model vs variant vs tags only.
pub fn classify(old: &Before, new: &Desired) -> Changes {
    let new_model = old.model_name.as_deref() != Some(new.model_name.as_str());
    let new_config = new_model || old.config_name.as_deref() != Some(new.config_name.as_str());
    let model_tags = old.model_tags != new.model_tags();
    Changes {
        new_model,
        new_config,
        endpoint_tags: model_tags,
        model_tags: !new_model && model_tags,
        config_tags: !new_config && old.base_tags != new.base_tags(),
    }
}

/// Puts the tags of a SageMaker object back to `tags`, from what it has now.
async fn retag(env: &Env<'_>, arn: &str, tags: &BTreeMap<String, String>) -> Result<(), StepError> {
    let step = || at(format!("update the tags of {arn}"));
    let actual = aws::endpoint::list_tags(env.clients, arn)
        .await
        .map_err(step())?;
    aws::endpoint::set_tags(env.clients, arn, &actual, tags)
        .await
        .map_err(step())
}

/// True when the generated role must be (re-)ensured: its inputs changed,
/// it is missing from the plan (deleted out of band), or it is new.
fn role_needs_ensure(
    env: &Env<'_>,
    prior: &State,
    planned: &State,
    old: Option<&Desired>,
    new: &Desired,
) -> bool {
    if !new.role_is_managed() {
        return false;
    }
    let place = env.place();
    let changed = match old {
        Some(o) if o.role_is_managed() => {
            let (a, b) = (o.role_spec(&place), new.role_spec(&place));
            a.inline_policy != b.inline_policy
                || a.managed_policy_arns != b.managed_policy_arns
                || a.tags != b.tags
        }
        _ => true,
    };
    changed || !planned.execution_role_arn.is_wholly_known() || prior.execution_role_arn.is_null()
}

pub(super) struct Run<'a> {
    pub(super) env: &'a Env<'a>,
    pub(super) live: State,
    pub(super) target: State,
    /// New objects not (yet) in service.
    pub(super) created: Vec<Pending>,
    pub(super) pending: PrivateState,
    /// This instance's ownership mark: cleanups delete only objects with it.
    pub(super) owner: String,
}

pub async fn update(
    env: &Env<'_>,
    prior: &State,
    planned: &State,
    config: &State,
    pending: PrivateState,
) -> Outcome<PrivateState> {
    let mut diagnostics = Diagnostics::new();
    let place = env.place();
    let new = match Desired::of(planned, &place) {
        Ok(d) => d.with_secrets(config),
        Err(e) => {
            StepError::from(e).report(&mut diagnostics);
            return Outcome {
                state: prior.encode(),
                private: pending,
                diagnostics,
            };
        }
    };
    let old = Desired::of(prior, &place).ok();
    let mut target = State::clone(planned);
    fill_computed(&mut target, &new);
    let mut run = Run {
        env,
        live: State::clone(prior),
        target,
        created: Vec::new(),
        pending,
        owner: new.ownership_id.clone(),
    };
    let result = run.go(prior, planned, old.as_ref(), &new).await;
    let new_state = match result {
        Ok(()) => run.target.encode(),
        Err((e, switched)) => {
            e.report(&mut diagnostics);
            if switched {
                run.target.encode()
            } else {
                for item in std::mem::take(&mut run.created) {
                    run.pending.add(item);
                }
                run.live.encode()
            }
        }
    };
    Outcome {
        state: new_state,
        private: run.pending,
        diagnostics,
    }
}

impl Run<'_> {
    /// Names that cleanups must not delete: (what the prior and planned
    /// states name, what the endpoint is really using). Pending items in
    /// the first set are tracked by the state again and leave the list.
    async fn in_use(
        &self,
        prior: &State,
        planned: &State,
        endpoint: &str,
    ) -> (BTreeSet<String>, BTreeSet<String>) {
        let mut owned = BTreeSet::new();
        let mut keep = BTreeSet::new();
        for st in [prior, planned, &self.target] {
            for name in [
                &st.model_name,
                &st.endpoint_config_name,
                &st.success_topic_arn,
                &st.error_topic_arn,
            ] {
                if let Some(n) = name.as_str() {
                    owned.insert(n.to_string());
                }
            }
            if st.role_arn.is_null()
                && let Some(role) = st
                    .execution_role_arn
                    .as_str()
                    .and_then(aws::role::name_of_arn)
            {
                owned.insert(role.to_string());
            }
        }
        let c = self.env.clients;
        if let Ok(Some(ep)) = aws::endpoint::find(c, endpoint).await {
            if let Ok(Some(cfg)) = aws::endpoint_config::find(c, &ep.config_name).await {
                keep.insert(cfg.model_name);
            }
            keep.insert(ep.config_name);
        } else {
            // Without knowing what is live, delete nothing that could be.
            for p in &self.pending.pending_cleanup {
                if matches!(p.kind, Kind::Model | Kind::EndpointConfig) {
                    keep.insert(p.name.clone());
                }
            }
        }
        (owned, keep)
    }

    /// The update; on error also says whether the endpoint already switched
    /// to the new config (then `target` is the truth).
    async fn go(
        &mut self,
        prior: &State,
        planned: &State,
        old: Option<&Desired>,
        new: &Desired,
    ) -> Result<(), (StepError, bool)> {
        let env = self.env;
        let c = env.clients;
        let name = new.endpoint_name().to_string();
        if !self.pending.is_empty() {
            let (owned, mut keep) = self.in_use(prior, planned, &name).await;
            self.pending
                .pending_cleanup
                .retain(|p| !owned.contains(&p.name));
            keep.extend(owned);
            run_pending(env, &self.owner, &mut self.pending, &keep).await;
        }
        let unswitched = |e| (e, false);
        // Turning autoscaling on: before anything changes, make sure no
        // other tool scales the variant already. A target the state lists
        // is this resource's own (left by a removal that stopped part-way).
        if prior.autoscaling.is_null()
            && prior.scalable_target_resource_id.is_null()
            && let Some(a) = &new.spec.autoscaling
        {
            scaling::refuse_foreign(env, new, a)
                .await
                .map_err(unswitched)?;
        }
        self.log_group(prior, planned, new)
            .await
            .map_err(unswitched)?;
        let before = Before::from_state(prior);
        let changes = classify(&before, new);
        let prior_managed = prior.role_arn.is_null();

        // Role and topics (repairs included), concurrently.
        let drifted = drift::keys(prior);
        let ensure =
            role_needs_ensure(env, prior, planned, old, new) || drifted.contains(drift::ROLE);
        let topics_missing = new.topic_names().is_some()
            && (!self.target.success_topic_arn.is_wholly_known()
                || !self.target.error_topic_arn.is_wholly_known()
                || self.target.success_topic_arn.is_null()
                || drifted.contains(drift::SUCCESS_TOPIC)
                || drifted.contains(drift::ERROR_TOPIC));
        let role_fut = async {
            if ensure || !new.role_is_managed() {
                Some(ensure_role(env, new).await)
            } else {
                None
            }
        };
        let topic_fut = async {
            if topics_missing {
                ensure_topics(env, new).await
            } else {
                None
            }
        };
        if new.role_is_managed() && !prior_managed {
            // A new generated role is not live until the endpoint switches.
            self.created
                .push(Pending::new(Kind::Role, new.role_name(&env.place())));
        }
        let (role, topics) = tokio::join!(role_fut, topic_fut);
        if let Some(Ok(arn)) = &role {
            self.target.execution_role_arn = Known::from_option(Some(arn.clone()));
            if new.role_is_managed() && prior_managed {
                self.live.execution_role_arn = Known::from_option(Some(arn.clone()));
            }
        }
        let topic_result = record_topics(&mut self.target, topics);
        if let Ok(Some((s, e))) = &topic_result {
            self.live.success_topic_arn = Known::from_option(Some(s.clone()));
            self.live.error_topic_arn = Known::from_option(Some(e.clone()));
        }
        if let Some(r) = role {
            r.map_err(unswitched)?;
        }
        topic_result.map_err(unswitched)?;
        let role_arn = self
            .target
            .execution_role_arn
            .as_str()
            .unwrap_or_default()
            .to_string();
        let topics = match (
            self.target.success_topic_arn.as_str(),
            self.target.error_topic_arn.as_str(),
        ) {
            (Some(s), Some(e)) => Some((s.to_string(), e.to_string())),
            _ => None,
        };

        // The target lists what scaling objects exist until the scaling
        // step below. Application Auto Scaling refuses an instance type
        // change on a registered variant: deregister first, re-register
        // after the switch.
        scaling::copy_names(prior, &mut self.target);
        let cleared = changes.new_config && scaling::must_clear_before_switch(prior, &new.spec);
        if cleared {
            scaling::remove_all(env, prior, &mut self.live)
                .await
                .map_err(unswitched)?;
            scaling::clear(&mut self.target);
        }

        // Objects deleted out of band come back under their own names; the
        // endpoint goes on serving meanwhile.
        if !changes.new_model && prior.model_arn.is_null() {
            create_model(env, new, &role_arn, &mut self.target)
                .await
                .map_err(unswitched)?;
            self.live.model_arn = self.target.model_arn.clone();
        }
        if !changes.new_config && prior.endpoint_config_arn.is_null() {
            create_config(env, new, topics.as_ref(), &mut self.target)
                .await
                .map_err(unswitched)?;
            self.live.endpoint_config_arn = self.target.endpoint_config_arn.clone();
        }
        // Tags changed out of band on the model or the config.
        for (key, arn, tags) in [
            (drift::MODEL, &self.target.model_arn, new.model_only_tags()),
            (
                drift::CONFIG,
                &self.target.endpoint_config_arn,
                new.base_tags(),
            ),
        ] {
            let new_object = if key == drift::MODEL {
                changes.new_model
            } else {
                changes.new_config
            };
            if new_object || !drifted.contains(key) {
                continue;
            }
            if let Some(arn) = arn.as_str() {
                retag(env, arn, &tags).await.map_err(unswitched)?;
            }
        }

        let mut switched = false;
        if changes.new_config {
            // Remembered before the call: a create whose answer is lost may
            // still have happened.
            if changes.new_model {
                self.created
                    .push(Pending::new(Kind::Model, new.model_name.clone()));
                create_model(env, new, &role_arn, &mut self.target)
                    .await
                    .map_err(unswitched)?;
            }
            self.created
                .push(Pending::new(Kind::EndpointConfig, new.config_name.clone()));
            create_config(env, new, topics.as_ref(), &mut self.target)
                .await
                .map_err(unswitched)?;
            self.switch(prior, new).await.map_err(unswitched)?;
            switched = true;
            self.created.clear();
            // The old objects are out of service now.
            if let Some(cfg) = prior.endpoint_config_name.as_str() {
                self.delete_now(Pending::new(Kind::EndpointConfig, cfg))
                    .await;
            }
            if changes.new_model
                && let Some(m) = prior.model_name.as_str()
            {
                self.delete_now(Pending::new(Kind::Model, m)).await;
            }
        }
        let after = |e| (e, switched);
        // Without autoscaling the capacity is ours: put back a count or a
        // concurrency changed out of band (the config still asks for the
        // planned one).
        if !changes.new_config && new.spec.autoscaling.is_none() {
            let wanted = new
                .spec
                .compute
                .capacity()
                .map_err(|e| after(StepError::Other(e.to_string())))?;
            if observed::capacity_of(prior) != Some(wanted) {
                self.set_capacity(new, wanted).await.map_err(after)?;
            }
        }
        if scaling::needs_update(prior, planned, cleared)
            && let Err(e) = scaling::update(env, new, prior, &mut self.target).await
        {
            // The state returned without a switch is `live`: it must list
            // the scaling objects that exist now, or nothing tracks them.
            if !switched {
                scaling::copy_names(&self.target, &mut self.live);
            }
            return Err(after(e));
        }

        if !new.role_is_managed()
            && prior_managed
            && let Some(old_role) = prior
                .execution_role_arn
                .as_str()
                .and_then(aws::role::name_of_arn)
        {
            self.delete_now(Pending::new(Kind::Role, old_role)).await;
        }

        // Tags, on the objects that were not just created with them.
        let tag_jobs = [
            (
                changes.endpoint_tags,
                self.target.endpoint_arn.as_str().map(str::to_string),
                &before.model_tags,
                new.model_tags(),
            ),
            (
                changes.model_tags,
                self.target.model_arn.as_str().map(str::to_string),
                &before.model_tags,
                new.model_tags(),
            ),
            (
                changes.config_tags,
                self.target.endpoint_config_arn.as_str().map(str::to_string),
                &before.base_tags,
                new.base_tags(),
            ),
        ];
        for (needed, arn, from, to) in tag_jobs {
            let Some(arn) = arn else {
                continue;
            };
            if !needed {
                continue;
            }
            if let Err(e) = aws::endpoint::set_tags(c, &arn, from, &to).await {
                self.keep_prior_tags(prior);
                return Err(after(at(format!("update the tags of {arn}"))(e)));
            }
        }
        // Our topics carry the same tags as the config; a recorded topic
        // without our mark (an import's) is left alone.
        if changes.config_tags {
            let topics = [&self.target.success_topic_arn, &self.target.error_topic_arn]
                .map(|t| t.as_str().map(str::to_string));
            for arn in topics.into_iter().flatten() {
                if let Err(e) =
                    aws::topic::retag_owned(c, &arn, &new.ownership_id, &new.base_tags()).await
                {
                    self.keep_prior_tags(prior);
                    return Err(after(at(format!("update the tags of {arn}"))(e)));
                }
            }
        }
        Ok(())
    }

    /// After a failed tag update, the state keeps the tags of `prior`.
    fn keep_prior_tags(&mut self, prior: &State) {
        self.target.tags = prior.tags.clone();
        self.target.tags_all = prior.tags_all.clone();
        self.target.model_id = prior.model_id.clone();
    }

    /// The log group: made, repaired or given its new retention, key or
    /// tags while `log_retention_in_days` is set; released (our mark off,
    /// the logs kept) when it no longer is.
    async fn log_group(
        &mut self,
        prior: &State,
        planned: &State,
        new: &Desired,
    ) -> Result<(), StepError> {
        let env = self.env;
        match new.log_group_spec()? {
            Some(spec) => {
                let missing = !self.target.log_group_arn.is_wholly_known()
                    || self.target.log_group_arn.is_null();
                let changed = prior.log_retention_in_days != planned.log_retention_in_days
                    || prior.kms_key_arn != planned.kms_key_arn
                    || prior.tags_all != planned.tags_all
                    || drift::keys(prior).contains(drift::LOG_GROUP);
                if missing || changed {
                    let g = aws::logs::ensure(env.clients, &spec)
                        .await
                        .map_err(at(format!("update the log group {}", spec.name)))?;
                    self.target.log_group_arn = Known::Value(g.arn.clone());
                    self.live.log_group_arn = Known::Value(g.arn);
                }
            }
            None => {
                if prior.log_group_arn.as_str().is_some() {
                    let group = aws::names::log_group_name(new.endpoint_name());
                    let owner = prior.ownership_id.as_str().unwrap_or_default();
                    aws::logs::release(env.clients, &group, owner)
                        .await
                        .map_err(at(format!("release the log group {group}")))?;
                }
                self.target.log_group_arn = Known::Null;
                self.live.log_group_arn = Known::Null;
            }
        }
        Ok(())
    }

    /// UpdateEndpointWeightsAndCapacities to the planned capacity, and the
    /// wait.
    async fn set_capacity(&mut self, new: &Desired, capacity: Capacity) -> Result<(), StepError> {
        let step = format!("set the capacity of endpoint {}", new.endpoint_name());
        let ep = scaling::put_capacity(self.env, new, capacity, &step).await?;
        self.target.endpoint_status = Known::from_option(Some(ep.status.to_string()));
        Ok(())
    }

    /// Deletes an object now; a failure keeps it pending.
    pub(super) async fn delete_now(&mut self, item: Pending) {
        let mut one = PrivateState::default();
        one.add(item);
        run_pending(self.env, &self.owner, &mut one, &BTreeSet::new()).await;
        for left in one.pending_cleanup {
            self.pending.add(left);
        }
    }
}
