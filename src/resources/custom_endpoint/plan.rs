//! PlanResourceChange for `sagemaker_custom_endpoint`.
//!
//! Terraform hands us the proposed new state (configuration merged with the
//! prior state). We keep every configured value exactly as configured, fill
//! the documented defaults of optional+computed attributes the configuration
//! leaves null, compute what is knowable without AWS, and mark the rest
//! unknown only when it will change: an unchanged configuration must plan to
//! exactly the prior state, or `terraform plan` would never be empty.

use std::collections::BTreeMap;

use super::derive::{ConfigInputs, ModelInputs, invoke_policy_json, resolve_image_uri, tags_all};
use super::scaling_model::{Autoscaling, ScalingNames};
use super::secrets;
use super::{PlanRequest, PlanResponse};
use crate::aws::dlc;
use crate::tfplugin::{AttrPath, Diagnostics, Value};

/// The endpoint status SageMaker reports for an endpoint that can only be
/// deleted; planning replaces such an endpoint.
const FAILED: &str = "Failed";

pub fn plan(req: PlanRequest<'_>) -> PlanResponse {
    let mut diagnostics = Diagnostics::new();
    let Value::Object(proposed) = req.proposed_new_state else {
        // Destroy (null), or nothing we can reason about: plan it as given.
        return PlanResponse {
            planned_state: req.proposed_new_state.clone(),
            requires_replace: Vec::new(),
            diagnostics,
        };
    };
    let prior = req.prior_state;
    let config = req.config;
    let region = req.ctx.region.as_str();
    let creating = prior.is_null();
    let mut p = proposed.clone();

    // The schema's defaults are already in `proposed` (the framework fills
    // them). Secret values never enter the plan (the framework nulls them);
    // their key names do.
    p.insert(secrets::KEYS.into(), secrets::keys_value(config));

    let image_uri = if region.is_empty() {
        diagnostics.error(
            "Provider region is not set",
            "The provider needs a region to resolve images and name objects. Set region in \
             the provider block, or AWS_REGION.",
        );
        Value::Unknown
    } else if let Some(detail) = dlc_region_problem(field(&p, "container"), region) {
        // Pointing at `container` (rather than the unset account_id) lets
        // Terraform show the configuration lines of the container.
        let path = AttrPath::root("container");
        let summary = "Unsupported region for Deep Learning Containers";
        diagnostics.attr_error(path, summary, detail);
        Value::Unknown
    } else {
        match resolve_image_uri(field(&p, "container"), region) {
            Ok(v) => v,
            Err(e) => {
                let detail = format!("container: {e}.");
                diagnostics.attr_error(AttrPath::root("container"), "Invalid container", detail);
                Value::Unknown
            }
        }
    };
    p.insert("image_uri".into(), image_uri);
    p.insert("id".into(), field(&p, "endpoint_name").clone());
    p.insert(
        "tags_all".into(),
        tags_all(field(&p, "tags"), &req.ctx.default_tags),
    );

    let planned_so_far = Value::Object(p.clone());
    let same_name = !creating && known_eq(field(&p, "endpoint_name"), prior.get("endpoint_name"));
    // Keeps a prior computed string while `unchanged` holds; unknown otherwise.
    let keep = |name: &str, unchanged: bool| -> Value {
        match prior.get(name) {
            v @ Value::String(_) if unchanged && !creating => v.clone(),
            _ => Value::Unknown,
        }
    };

    // Model: keep the prior name while its inputs are unchanged (this also
    // keeps names that were not derived by us, e.g. after an import).
    let new_model = ModelInputs::from_state(&planned_so_far, region);
    let model_unchanged =
        same_name && new_model.is_some() && new_model == ModelInputs::from_state(prior, region);
    let model_name = match &new_model {
        Some(_) if model_unchanged && prior.get("model_name").as_str().is_some() => {
            prior.get("model_name").clone()
        }
        Some(inputs) => Value::String(inputs.model_name()),
        None => Value::Unknown,
    };
    let model_name_kept = known_eq(&model_name, prior.get("model_name"));
    p.insert(
        "model_arn".into(),
        keep("model_arn", same_name && model_name_kept),
    );

    // Endpoint config: same rule, with the model name among its inputs.
    let new_config = model_name
        .as_str()
        .and_then(|m| ConfigInputs::from_state(&planned_so_far, m));
    let prior_config = prior
        .get("model_name")
        .as_str()
        .and_then(|m| ConfigInputs::from_state(prior, m));
    let config_unchanged = same_name && new_config.is_some() && new_config == prior_config;
    let config_name = match &new_config {
        Some(_) if config_unchanged && prior.get("endpoint_config_name").as_str().is_some() => {
            prior.get("endpoint_config_name").clone()
        }
        Some(inputs) => Value::String(inputs.endpoint_config_name()),
        None => Value::Unknown,
    };
    let config_kept = same_name && known_eq(&config_name, prior.get("endpoint_config_name"));
    p.insert("model_name".into(), model_name);
    p.insert("endpoint_config_name".into(), config_name);
    p.insert(
        "endpoint_config_arn".into(),
        keep("endpoint_config_arn", config_kept),
    );

    // Endpoint: its ARN lives as long as its name; its status changes when a
    // new config is deployed. A failed endpoint can only be replaced.
    let mut requires_replace = Vec::new();
    let failed = !creating && prior.get("endpoint_status").as_str() == Some(FAILED);
    // Read found the endpoint gone while objects it used remain.
    let missing =
        !creating && prior.get("endpoint_status").is_null() && prior.get("endpoint_arn").is_null();
    p.insert("endpoint_arn".into(), keep("endpoint_arn", same_name));
    // The instance's mark lives as long as the instance; a replacement is a
    // new instance with a new mark.
    p.insert(
        "ownership_id".into(),
        keep("ownership_id", same_name && !failed && !missing),
    );
    // Whatever refresh found changed out of band, apply puts back.
    p.insert("out_of_band_changes".into(), Value::Null);
    p.insert(
        "endpoint_status".into(),
        keep("endpoint_status", config_kept && !failed && !missing),
    );
    if missing {
        requires_replace.push(AttrPath::root("endpoint_status"));
        diagnostics.attr_warning(
            AttrPath::root("endpoint_status"),
            "Endpoint no longer exists",
            format!(
                "Endpoint {} was not found, but objects it used are still there. This plan \
                 replaces it: the leftovers are deleted and the endpoint is created again.",
                prior.get("endpoint_name").as_str().unwrap_or("?")
            ),
        );
    }
    if failed {
        requires_replace.push(AttrPath::root("endpoint_status"));
        diagnostics.attr_warning(
            AttrPath::root("endpoint_status"),
            "Failed endpoint will be replaced",
            format!(
                "SageMaker reports endpoint {} as Failed, and a failed endpoint can only be \
                 deleted. This plan deletes it and creates it again.",
                prior.get("endpoint_name").as_str().unwrap_or("?")
            ),
        );
    }
    let invoke = match p.get("endpoint_arn") {
        Some(Value::String(arn)) => match prior.get("invoke_policy_json") {
            v @ Value::String(_) if prior.get("endpoint_arn").as_str() == Some(arn) => v.clone(),
            _ => Value::String(invoke_policy_json(arn)),
        },
        _ => Value::Unknown,
    };
    p.insert("invoke_policy_json".into(), invoke);

    // Role: the configured one is known now; a generated one lives as long
    // as the endpoint name and the choice to generate it.
    let role = match field(&p, "role_arn") {
        v @ (Value::String(_) | Value::Unknown) => v.clone(),
        _ => keep(
            "execution_role_arn",
            same_name && prior.get("role_arn").is_null(),
        ),
    };
    p.insert("execution_role_arn".into(), role);

    // Topics exist only for asynchronous endpoints.
    let async_now = field(&p, "async_inference").clone();
    let async_before = prior.get("async_inference");
    for topic in ["success_topic_arn", "error_topic_arn"] {
        let v = match &async_now {
            Value::Null => Value::Null,
            Value::Object(_) => keep(topic, same_name && !async_before.is_null()),
            _ => Value::Unknown,
        };
        p.insert(topic.into(), v);
    }

    // Autoscaling objects: their names follow from the endpoint name, the
    // endpoint kind and whether it scales from zero.
    for (attr, v) in planned_scaling_names(&p) {
        p.insert(attr.into(), v);
    }

    if !creating {
        if !known_eq(field(&p, "endpoint_name"), prior.get("endpoint_name")) {
            requires_replace.insert(0, AttrPath::root("endpoint_name"));
        }
        let switched = async_now.is_unknown() || async_now.is_null() != async_before.is_null();
        if switched {
            requires_replace.push(AttrPath::root("async_inference"));
        }
    }

    PlanResponse {
        planned_state: Value::Object(p),
        requires_replace,
        diagnostics,
    }
}

/// The planned `scalable_target_resource_id`, `scaling_policy_names` and
/// `scaling_alarm_names`: null without `autoscaling`, unknown while what
/// they depend on is unknown.
fn planned_scaling_names(p: &BTreeMap<String, Value>) -> [(&'static str, Value); 3] {
    let scaling = field(p, "autoscaling");
    let asyn = field(p, "async_inference");
    let names = [
        "scalable_target_resource_id",
        "scaling_policy_names",
        "scaling_alarm_names",
    ];
    if scaling.is_null() {
        return names.map(|n| (n, Value::Null));
    }
    let known = scaling.is_wholly_known() && !asyn.is_unknown();
    let wanted = match field(p, "endpoint_name").as_str() {
        Some(ep) if known => Autoscaling::from_value(scaling, !asyn.is_null())
            .ok()
            .flatten()
            .map(|a| ScalingNames::wanted(ep, &a)),
        _ => None,
    };
    match wanted {
        Some(w) => w.to_values(),
        None => names.map(|n| (n, Value::Unknown)),
    }
}

/// The region check of the Deep Learning Container form, done even while
/// the repository or tag is still unknown: without `account_id`, the region
/// must be in the provider's table.
fn dlc_region_problem(container: &Value, region: &str) -> Option<String> {
    let dlc_form = container.get("image_uri").is_null()
        && !(container.get("repository_name").is_null() && container.get("tag").is_null());
    let no_account = container.get("account_id").is_null();
    (container.as_object().is_some() && dlc_form && no_account && !dlc::known_region(region)).then(
        || {
            let unknown = dlc::DlcError::UnknownRegion {
                region: region.to_string(),
            };
            format!(
                "container: {unknown}. Set container.account_id to the 12-digit account that \
                 hosts the images in that region, or give a full container.image_uri."
            )
        },
    )
}

fn field<'a>(m: &'a BTreeMap<String, Value>, name: &str) -> &'a Value {
    static NULL: Value = Value::Null;
    m.get(name).unwrap_or(&NULL)
}

/// True when both values are known and equal.
fn known_eq(a: &Value, b: &Value) -> bool {
    a.is_wholly_known() && b.is_wholly_known() && a == b
}
