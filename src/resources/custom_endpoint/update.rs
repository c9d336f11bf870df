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

use super::Env;
use super::apply::{Building, StepError, at};
use super::aws;
use super::create::{
    create_config, create_model, ensure_role, ensure_topics, fill_computed, record_topics,
};
use super::delete::run_pending;
use super::desired::{Desired, MODEL_ID_TAG};
use super::drift;
use super::private::{Kind, Pending, PrivateState};
use super::scaling;
use crate::framework::Outcome;
use crate::tfplugin::{Diagnostics, Value};

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
    pub fn from_state(prior: &Value) -> Before {
        let text = |k: &str| prior.get(k).as_str().map(str::to_string);
        let mut base: BTreeMap<String, String> = prior
            .get("tags_all")
            .as_object()
            .into_iter()
            .flatten()
            .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string())))
            .collect();
        if let Some(name) = text("endpoint_name") {
            base.insert(aws::OWNERSHIP_TAG.into(), name);
        }
        let mut model_tags = base.clone();
        if let Some(id) = text("model_id") {
            model_tags.insert(MODEL_ID_TAG.into(), id);
        }
        Before {
            model_name: text("model_name"),
            config_name: text("endpoint_config_name"),
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
    prior: &Value,
    planned: &Value,
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
    changed
        || !planned.get("execution_role_arn").is_wholly_known()
        || prior.get("execution_role_arn").is_null()
}

pub(super) struct Run<'a> {
    pub(super) env: &'a Env<'a>,
    pub(super) live: Building,
    pub(super) target: Building,
    /// New objects not (yet) in service.
    pub(super) created: Vec<Pending>,
    pub(super) pending: PrivateState,
    /// This instance's ownership mark: cleanups delete only objects with it.
    pub(super) owner: String,
}

pub async fn update(
    env: &Env<'_>,
    prior: &Value,
    planned: &Value,
    config: &Value,
    pending: PrivateState,
) -> Outcome<PrivateState> {
    let mut diagnostics = Diagnostics::new();
    let place = env.place();
    let new = match Desired::from_state(planned, &place) {
        Ok(d) => d.with_secrets(config),
        Err(e) => {
            StepError::from(e).report(&mut diagnostics);
            return Outcome {
                state: prior.clone(),
                private: pending,
                diagnostics,
            };
        }
    };
    let old = Desired::from_state(prior, &place).ok();
    let mut target = Building::from(planned);
    fill_computed(&mut target, &new);
    let mut run = Run {
        env,
        live: Building::from(prior),
        target,
        created: Vec::new(),
        pending,
        owner: new.ownership_id.clone(),
    };
    let result = run.go(prior, planned, old.as_ref(), &new).await;
    let new_state = match result {
        Ok(()) => run.target.finish(),
        Err((e, switched)) => {
            e.report(&mut diagnostics);
            if switched {
                run.target.finish()
            } else {
                for item in std::mem::take(&mut run.created) {
                    run.pending.add(item);
                }
                run.live.finish()
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
        prior: &Value,
        planned: &Value,
        endpoint: &str,
    ) -> (BTreeSet<String>, BTreeSet<String>) {
        let mut owned = BTreeSet::new();
        let mut keep = BTreeSet::new();
        for st in [prior, planned, &self.target.clone().finish()] {
            for attr in [
                "model_name",
                "endpoint_config_name",
                "success_topic_arn",
                "error_topic_arn",
            ] {
                if let Some(n) = st.get(attr).as_str() {
                    owned.insert(n.to_string());
                }
            }
            if st.get("role_arn").is_null()
                && let Some(role) = st
                    .get("execution_role_arn")
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
        prior: &Value,
        planned: &Value,
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
        let before = Before::from_state(prior);
        let changes = classify(&before, new);
        let prior_managed = prior.get("role_arn").is_null();

        // Role and topics (repairs included), concurrently.
        let drifted = drift::keys(prior);
        let ensure =
            role_needs_ensure(env, prior, planned, old, new) || drifted.contains(drift::ROLE);
        let topics_missing = new.topic_names().is_some()
            && (!self.target.get("success_topic_arn").is_wholly_known()
                || !self.target.get("error_topic_arn").is_wholly_known()
                || self.target.get("success_topic_arn").is_null()
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
            self.target.set("execution_role_arn", Some(arn.clone()));
            if new.role_is_managed() && prior_managed {
                self.live.set("execution_role_arn", Some(arn.clone()));
            }
        }
        let topic_result = record_topics(&mut self.target, topics);
        if let Ok(Some((s, e))) = &topic_result {
            self.live.set("success_topic_arn", Some(s.clone()));
            self.live.set("error_topic_arn", Some(e.clone()));
        }
        if let Some(r) = role {
            r.map_err(unswitched)?;
        }
        topic_result.map_err(unswitched)?;
        let role_arn = self
            .target
            .get("execution_role_arn")
            .as_str()
            .unwrap_or_default()
            .to_string();
        let topics = match (
            self.target.get("success_topic_arn").as_str(),
            self.target.get("error_topic_arn").as_str(),
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
        if !changes.new_model && prior.get("model_arn").is_null() {
            create_model(env, new, &role_arn, &mut self.target)
                .await
                .map_err(unswitched)?;
            self.live.set(
                "model_arn",
                self.target.get("model_arn").as_str().map(str::to_string),
            );
        }
        if !changes.new_config && prior.get("endpoint_config_arn").is_null() {
            create_config(env, new, topics.as_ref(), &mut self.target)
                .await
                .map_err(unswitched)?;
            let arn = self
                .target
                .get("endpoint_config_arn")
                .as_str()
                .map(str::to_string);
            self.live.set("endpoint_config_arn", arn);
        }
        // Tags changed out of band on the model or the config.
        for (key, attr, tags) in [
            (drift::MODEL, "model_arn", new.model_only_tags()),
            (drift::CONFIG, "endpoint_config_arn", new.base_tags()),
        ] {
            let new_object = if key == drift::MODEL {
                changes.new_model
            } else {
                changes.new_config
            };
            if new_object || !drifted.contains(key) {
                continue;
            }
            if let Some(arn) = self.target.get(attr).as_str() {
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
            if let Some(cfg) = prior.get("endpoint_config_name").as_str() {
                self.delete_now(Pending::new(Kind::EndpointConfig, cfg))
                    .await;
            }
            if changes.new_model
                && let Some(m) = prior.get("model_name").as_str()
            {
                self.delete_now(Pending::new(Kind::Model, m)).await;
            }
        }
        let after = |e| (e, switched);
        // Without autoscaling the count is ours: put back one changed out of
        // band (the config still asks for the planned count).
        if !changes.new_config
            && new.spec.autoscaling.is_none()
            && prior.get("instance_count").as_i64() != Some(new.spec.instance_count)
        {
            self.set_instance_count(new).await.map_err(after)?;
        }
        if scaling::needs_update(prior, planned, cleared) {
            scaling::update(env, new, prior, &mut self.target)
                .await
                .map_err(after)?;
        }

        if !new.role_is_managed()
            && prior_managed
            && let Some(old_role) = prior
                .get("execution_role_arn")
                .as_str()
                .and_then(aws::role::name_of_arn)
        {
            self.delete_now(Pending::new(Kind::Role, old_role)).await;
        }

        // Tags, on the objects that were not just created with them.
        let tag_jobs = [
            (
                changes.endpoint_tags,
                "endpoint_arn",
                &before.model_tags,
                new.model_tags(),
            ),
            (
                changes.model_tags,
                "model_arn",
                &before.model_tags,
                new.model_tags(),
            ),
            (
                changes.config_tags,
                "endpoint_config_arn",
                &before.base_tags,
                new.base_tags(),
            ),
        ];
        for (needed, attr, from, to) in tag_jobs {
            let Some(arn) = self.target.get(attr).as_str().map(str::to_string) else {
                continue;
            };
            if !needed {
                continue;
            }
            if let Err(e) = aws::endpoint::set_tags(c, &arn, from, &to).await {
                for t in ["tags", "tags_all", "model_id"] {
                    let v = prior.get(t).clone();
                    self.target.0.insert(t.to_string(), v);
                }
                return Err(after(at(format!("update the tags of {arn}"))(e)));
            }
        }
        // Our topics carry the same tags as the config; a recorded topic
        // without our mark (an import's) is left alone.
        if changes.config_tags {
            for attr in ["success_topic_arn", "error_topic_arn"] {
                let Some(arn) = self.target.get(attr).as_str().map(str::to_string) else {
                    continue;
                };
                if let Err(e) =
                    aws::topic::retag_owned(c, &arn, &new.ownership_id, &new.base_tags()).await
                {
                    for t in ["tags", "tags_all", "model_id"] {
                        let v = prior.get(t).clone();
                        self.target.0.insert(t.to_string(), v);
                    }
                    return Err(after(at(format!("update the tags of {arn}"))(e)));
                }
            }
        }
        Ok(())
    }

    /// UpdateEndpointWeightsAndCapacities to the planned count, and the wait.
    async fn set_instance_count(&mut self, new: &Desired) -> Result<(), StepError> {
        let env = self.env;
        let name = new.endpoint_name();
        let step = format!("set the instance count of endpoint {name}");
        let count = i32::try_from(new.spec.instance_count.max(1))
            .map_err(|_| StepError::Other(format!("{step}: the count is out of range")))?;
        aws::endpoint::set_instance_count(
            env.clients,
            name,
            aws::endpoint_config::VARIANT_NAME,
            count,
        )
        .await
        .map_err(at(&step))?;
        let ep = aws::endpoint::wait_in_service(
            env.clients,
            name,
            None,
            new.spec.timeouts.update,
            env.cancel,
        )
        .await
        .map_err(at(&step))?;
        self.target
            .set("endpoint_status", Some(ep.status.to_string()));
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
