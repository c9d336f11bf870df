//! PlanResourceChange for `sagemaker_custom_endpoint`.
//!
//! Terraform hands us the proposed new state (configuration merged with the
//! prior state). We keep every configured value exactly as configured, fill
//! the documented defaults of optional+computed attributes the configuration
//! leaves null, compute what is knowable without AWS, and mark the rest
//! unknown only when it will change: an unchanged configuration must plan to
//! exactly the prior state, or `terraform plan` would never be empty.

#[cfg(test)]
mod tests;
#[cfg(test)]
mod update_tests;

use super::features::scaling_model::{Autoscaling, EndpointKind, ScalingNames};
use super::features::secrets;
use super::schema::state::{ContainerAttr, State};
use super::spec::derive::{
    ConfigInputs, ModelInputs, invoke_policy_json, resolve_image_uri, tags_all,
};
use super::{PlanRequest, PlanResponse};
use crate::aws::dlc;
use crate::aws::endpoint::EndpointStatus;
use crate::framework::typed::{DecodeError, Known};
use crate::tfplugin::{AttrPath, Diagnostics, Number, Value};

pub fn plan(req: PlanRequest<'_>) -> PlanResponse {
    let mut diagnostics = Diagnostics::new();
    if !matches!(req.proposed_new_state, Value::Object(_)) {
        // Destroy (null), or nothing we can reason about: plan it as given.
        return PlanResponse {
            planned_state: req.proposed_new_state.clone(),
            requires_replace: Vec::new(),
            diagnostics,
        };
    }
    let decoded = (|| {
        Ok::<_, DecodeError>((
            State::decode(req.prior_state)?,
            State::decode(req.proposed_new_state)?,
            State::decode(req.config)?,
        ))
    })();
    let (prior, mut p, config) = match decoded {
        Ok(x) => x,
        Err(e) => {
            diagnostics.error(
                "Unreadable plan request",
                format!("This is a provider bug: {e}."),
            );
            return PlanResponse {
                planned_state: req.proposed_new_state.clone(),
                requires_replace: Vec::new(),
                diagnostics,
            };
        }
    };
    let region = req.ctx.region.as_str();
    let creating = req.prior_state.is_null();

    // The schema's defaults are already in `proposed` (the framework fills
    // them). Secret values never enter the plan (the framework nulls them);
    // their key names do.
    p.environment_secret_keys = secrets::keys_value(&config);
    // A serverless variant has no instance settings: their schema defaults
    // do not apply (a configured one is refused by validation).
    if !p.serverless.is_null() {
        let unset = |v: &Known<Number>, configured: &Known<Number>| match configured {
            Known::Null => Known::Null,
            _ => v.clone(),
        };
        p.instance_count = unset(&p.instance_count, &config.instance_count);
        p.startup_health_check_timeout_in_seconds = unset(
            &p.startup_health_check_timeout_in_seconds,
            &config.startup_health_check_timeout_in_seconds,
        );
        p.model_data_download_timeout_in_seconds = unset(
            &p.model_data_download_timeout_in_seconds,
            &config.model_data_download_timeout_in_seconds,
        );
    }

    p.image_uri = if region.is_empty() {
        diagnostics.error(
            "Provider region is not set",
            "The provider needs a region to resolve images and name objects. Set region in \
             the provider block, or AWS_REGION.",
        );
        Known::Unknown
    } else if let Some(detail) = dlc_region_problem(&p.container, region) {
        // Pointing at `container` (rather than the unset account_id) lets
        // Terraform show the configuration lines of the container.
        let path = AttrPath::root(State::container);
        let summary = "Unsupported region for Deep Learning Containers";
        diagnostics.attr_error(path, summary, detail);
        Known::Unknown
    } else {
        match resolve_image_uri(&p.container, region) {
            Ok(v) => v,
            Err(e) => {
                let detail = format!("container: {e}.");
                diagnostics.attr_error(
                    AttrPath::root(State::container),
                    "Invalid container",
                    detail,
                );
                Known::Unknown
            }
        }
    };
    p.id = p.endpoint_name.clone();
    p.tags_all = tags_all(&p.tags, &req.ctx.default_tags);

    let same_name = !creating && known_eq(&p.endpoint_name, &prior.endpoint_name);
    // Keeps a prior computed string while `unchanged` holds; unknown otherwise.
    let keep = |v: &Known<String>, unchanged: bool| -> Known<String> {
        match v {
            Known::Value(s) if unchanged && !creating => Known::Value(s.clone()),
            _ => Known::Unknown,
        }
    };

    // Model: keep the prior name while its inputs are unchanged (this also
    // keeps names that were not derived by us, e.g. after an import).
    let new_model = ModelInputs::from_state(&p, region);
    let model_unchanged =
        same_name && new_model.is_some() && new_model == ModelInputs::from_state(&prior, region);
    let model_name = match &new_model {
        Some(_) if model_unchanged && prior.model_name.as_str().is_some() => {
            prior.model_name.clone()
        }
        Some(inputs) => Known::Value(inputs.model_name()),
        None => Known::Unknown,
    };
    let model_name_kept = known_eq(&model_name, &prior.model_name);
    p.model_arn = keep(&prior.model_arn, same_name && model_name_kept);

    // Endpoint config: same rule, with the model name among its inputs.
    let new_config = model_name
        .as_str()
        .and_then(|m| ConfigInputs::from_state(&p, m));
    let prior_config = prior
        .model_name
        .as_str()
        .and_then(|m| ConfigInputs::from_state(&prior, m));
    let config_unchanged = same_name && new_config.is_some() && new_config == prior_config;
    let config_name = match &new_config {
        Some(_) if config_unchanged && prior.endpoint_config_name.as_str().is_some() => {
            prior.endpoint_config_name.clone()
        }
        Some(inputs) => Known::Value(inputs.endpoint_config_name()),
        None => Known::Unknown,
    };
    let config_kept = same_name && known_eq(&config_name, &prior.endpoint_config_name);
    p.model_name = model_name;
    p.endpoint_config_name = config_name;
    p.endpoint_config_arn = keep(&prior.endpoint_config_arn, config_kept);

    // Endpoint: its ARN lives as long as its name; its status changes when a
    // new config is deployed. A failed endpoint can only be replaced.
    let mut requires_replace = Vec::new();
    // A failed endpoint can only be deleted: planning replaces it.
    let failed =
        !creating && prior.endpoint_status.as_str() == Some(EndpointStatus::Failed.as_str());
    // Read found the endpoint gone while objects it used remain.
    let missing = !creating && prior.endpoint_status.is_null() && prior.endpoint_arn.is_null();
    p.endpoint_arn = keep(&prior.endpoint_arn, same_name);
    // The instance's mark lives as long as the instance; a replacement is a
    // new instance with a new mark.
    p.ownership_id = keep(&prior.ownership_id, same_name && !failed && !missing);
    // Whatever refresh found changed out of band, apply puts back.
    p.out_of_band_changes = Value::Null;
    p.endpoint_status = keep(&prior.endpoint_status, config_kept && !failed && !missing);
    let endpoint = prior.endpoint_name.as_str().unwrap_or("?");
    if missing {
        requires_replace.push(AttrPath::root(State::endpoint_status));
        diagnostics.attr_warning(
            AttrPath::root(State::endpoint_status),
            "Endpoint no longer exists",
            format!(
                "Endpoint {endpoint} was not found, but objects it used are still there. This \
                 plan replaces it: the leftovers are deleted and the endpoint is created again."
            ),
        );
    }
    if failed {
        requires_replace.push(AttrPath::root(State::endpoint_status));
        diagnostics.attr_warning(
            AttrPath::root(State::endpoint_status),
            "Failed endpoint will be replaced",
            format!(
                "SageMaker reports endpoint {endpoint} as Failed, and a failed endpoint can \
                 only be deleted. This plan deletes it and creates it again."
            ),
        );
    }
    p.invoke_policy_json = match p.endpoint_arn.as_str() {
        Some(arn) => match &prior.invoke_policy_json {
            v @ Known::Value(_) if prior.endpoint_arn.as_str() == Some(arn) => v.clone(),
            _ => Known::Value(invoke_policy_json(arn)),
        },
        None => Known::Unknown,
    };

    // Role: the configured one is known now; a generated one lives as long
    // as the endpoint name and the choice to generate it.
    p.execution_role_arn = match &p.role_arn {
        v @ (Known::Value(_) | Known::Unknown) => v.clone(),
        Known::Null => keep(
            &prior.execution_role_arn,
            same_name && prior.role_arn.is_null(),
        ),
    };

    // Topics exist only for asynchronous endpoints.
    let is_async_before = !prior.async_inference.is_null();
    let topic = |prior_arn: &Known<String>| match &p.async_inference {
        Known::Null => Known::Null,
        Known::Value(_) => keep(prior_arn, same_name && is_async_before),
        Known::Unknown => Known::Unknown,
    };
    p.success_topic_arn = topic(&prior.success_topic_arn);
    p.error_topic_arn = topic(&prior.error_topic_arn);

    // The log group is ours while a retention is configured; a missing one
    // (refresh nulls it) is made again.
    p.log_group_arn = match &p.log_retention_in_days {
        Known::Null => Known::Null,
        Known::Value(_) => keep(&prior.log_group_arn, same_name),
        Known::Unknown => Known::Unknown,
    };

    // Autoscaling objects: their names follow from the endpoint name, the
    // endpoint kind and whether it scales from zero.
    plan_scaling_names(&mut p);

    if !creating {
        if !known_eq(&p.endpoint_name, &prior.endpoint_name) {
            requires_replace.insert(0, AttrPath::root(State::endpoint_name));
        }
        // A change of kind (async or not, serverless or not) is a new
        // endpoint.
        let kinds = [
            (
                State::async_inference,
                p.async_inference.is_unknown(),
                p.async_inference.is_null() != prior.async_inference.is_null(),
            ),
            (
                State::serverless,
                p.serverless.is_unknown(),
                p.serverless.is_null() != prior.serverless.is_null(),
            ),
        ];
        for (path, unknown, switched) in kinds {
            if unknown || switched {
                requires_replace.push(AttrPath::root(path));
            }
        }
    }

    PlanResponse {
        planned_state: p.encode(),
        requires_replace,
        diagnostics,
    }
}

/// Plans `scalable_target_resource_id`, `scaling_policy_names` and
/// `scaling_alarm_names`: null without `autoscaling`, unknown while what
/// they depend on is unknown.
fn plan_scaling_names(p: &mut State) {
    if p.autoscaling.is_null() {
        ScalingNames::clear(p, Value::Null);
        return;
    }
    let kind = EndpointKind::of(p).filter(|_| p.autoscaling.is_wholly_known());
    let wanted = match (p.endpoint_name.as_str(), kind) {
        (Some(ep), Some(kind)) => Autoscaling::from_attr(&p.autoscaling, kind)
            .ok()
            .flatten()
            .map(|a| ScalingNames::wanted(ep, &a)),
        _ => None,
    };
    match wanted {
        Some(w) => w.write(p),
        None => ScalingNames::clear(p, Value::Unknown),
    }
}

/// The region check of the Deep Learning Container form, done even while
/// the repository or tag is still unknown: without `account_id`, the region
/// must be in the provider's table.
fn dlc_region_problem(container: &Known<ContainerAttr>, region: &str) -> Option<String> {
    let c = container.get()?;
    let dlc_form = c.image_uri.is_null() && !(c.repository_name.is_null() && c.tag.is_null());
    let no_account = c.account_id.is_null();
    (dlc_form && no_account && !dlc::known_region(region)).then(|| {
        let unknown = dlc::DlcError::UnknownRegion {
            region: region.to_string(),
        };
        format!(
            "container: {unknown}. Set container.account_id to the 12-digit account that \
             hosts the images in that region, or give a full container.image_uri."
        )
    })
}

/// True when both values are known and equal.
fn known_eq<T: PartialEq>(a: &Known<T>, b: &Known<T>) -> bool {
    matches!((a, b), (Known::Value(x), Known::Value(y)) if x == y)
}
