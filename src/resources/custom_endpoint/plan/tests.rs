//! Unit tests for `plan`: defaults, computed values, unchanged plans and
//! replacement, using a stand-in for Terraform's proposed-new-state merge
//! and for apply.

use std::collections::BTreeMap;

use super::super::schema::schema;
use super::super::spec::derive::invoke_policy_json;
use super::super::testutil::*;
use super::super::{PlanRequest, PlanResponse, ProviderContext, plan};
use crate::aws::dlc;
use crate::tfplugin::schema::AttrKind;
use crate::tfplugin::{Number, Severity, Value};

pub(super) const REGION: &str = "us-east-1";
pub(super) const ROLE: &str = "arn:aws:iam::123456789012:role/Mine";

pub(super) fn ctx() -> ProviderContext {
    ProviderContext {
        region: REGION.into(),
        default_tags: [("env".to_string(), "test".to_string())].into(),
    }
}

/// Terraform's ProposedNew, for this schema: computed attributes the
/// configuration leaves null take their prior value, everything else comes
/// from the configuration (one level into nested attributes).
fn proposed(prior: &Value, config: &Value) -> Value {
    let mut out = BTreeMap::new();
    for a in &schema().block.attributes {
        let c = config.get(&a.name);
        let p = prior.get(&a.name);
        let v = match &a.kind {
            _ if a.computed && c.is_null() => p.clone(),
            AttrKind::Nested { attributes, .. } if c.as_object().is_some() => Value::Object(
                attributes
                    .iter()
                    .map(|n| {
                        let cv = c.get(&n.name);
                        let v = if n.computed && cv.is_null() {
                            p.get(&n.name)
                        } else {
                            cv
                        };
                        (n.name.clone(), v.clone())
                    })
                    .collect(),
            ),
            _ => c.clone(),
        };
        out.insert(a.name.clone(), v);
    }
    out.insert("timeouts".into(), config.get("timeouts").clone());
    Value::Object(out)
}

pub(super) fn run(prior: &Value, config: &Value, ctx: &ProviderContext) -> PlanResponse {
    let proposed = if config.is_null() {
        Value::Null
    } else {
        proposed(prior, config)
    };
    plan(PlanRequest {
        prior_state: prior,
        proposed_new_state: &proposed,
        config,
        ctx,
    })
}

/// What apply would store: every unknown filled the way AWS would.
fn apply(planned: &Value) -> Value {
    let name = planned.get("endpoint_name").as_str().unwrap().to_string();
    let acct = "arn:aws:sagemaker:us-east-1:123456789012";
    let mut m = planned.as_object().unwrap().clone();
    let fill = |m: &mut BTreeMap<String, Value>, k: &str, v: String| {
        if m[k].is_unknown() {
            m.insert(k.into(), Value::String(v));
        }
    };
    let model = m["model_name"].as_str().unwrap().to_string();
    let config = m["endpoint_config_name"].as_str().unwrap().to_string();
    fill(&mut m, "endpoint_arn", format!("{acct}:endpoint/{name}"));
    fill(&mut m, "model_arn", format!("{acct}:model/{model}"));
    fill(
        &mut m,
        "endpoint_config_arn",
        format!("{acct}:endpoint-config/{config}"),
    );
    fill(&mut m, "endpoint_status", "InService".into());
    fill(
        &mut m,
        "ownership_id",
        "0123456789abcdef0123456789abcdef".into(),
    );
    fill(
        &mut m,
        "execution_role_arn",
        format!("arn:aws:iam::123456789012:role/{name}-gen"),
    );
    fill(
        &mut m,
        "success_topic_arn",
        format!("arn:aws:sns:us-east-1:123456789012:{name}-ok"),
    );
    fill(
        &mut m,
        "error_topic_arn",
        format!("arn:aws:sns:us-east-1:123456789012:{name}-err"),
    );
    let arn = m["endpoint_arn"].as_str().unwrap().to_string();
    fill(&mut m, "invoke_policy_json", invoke_policy_json(&arn));
    let state = Value::Object(m);
    assert!(state.is_wholly_known(), "{state:#?}");
    state
}

pub(super) fn create_and_apply(config: &Value) -> Value {
    let r = run(&Value::Null, config, &ctx());
    assert!(!r.diagnostics.has_errors(), "{:#?}", r.diagnostics);
    apply(&r.planned_state)
}

pub(super) fn async_config() -> Value {
    with(
        valid_config(),
        &["async_inference"],
        async_block("s3://out-bucket/results/"),
    )
}

pub(super) fn rich_config() -> Value {
    let c = with(async_config(), &["role_arn"], s(ROLE));
    let c = with(c, &["environment"], map(&[("HF_TASK", "text-generation")]));
    let c = with(c, &["vpc_config"], vpc(&["sg-2", "sg-1"], &["subnet-1"]));
    let c = with(c, &["tags"], map(&[("team", "ml"), ("env", "prod")]));
    let c = with(c, &["instance_count"], n(2));
    let c = with(c, &["volume_size_in_gb"], n(100));
    let c = with(c, &["model_data_download_timeout_in_seconds"], n(1200));
    with(
        c,
        &["timeouts"],
        timeouts(s("2h"), Value::Null, Value::Null),
    )
}

pub(super) fn replace_paths(r: &PlanResponse) -> Vec<String> {
    r.requires_replace.iter().map(|p| p.to_string()).collect()
}

#[test]
fn destroy_plans_null() {
    let state = create_and_apply(&valid_config());
    let r = run(&state, &Value::Null, &ctx());
    assert_eq!(r.planned_state, Value::Null);
    assert!(r.requires_replace.is_empty());
    assert!(r.diagnostics.is_empty());
}

#[test]
fn create_applies_defaults_and_computes_what_is_knowable() {
    let r = run(&Value::Null, &valid_config(), &ctx());
    assert!(r.diagnostics.is_empty(), "{:#?}", r.diagnostics);
    assert!(r.requires_replace.is_empty());
    let p = &r.planned_state;
    assert_eq!(p.get("instance_count"), &n(1));
    assert_eq!(p.get("startup_health_check_timeout_in_seconds"), &n(600));
    assert_eq!(p.get("model_data_download_timeout_in_seconds"), &n(600));
    assert_eq!(p.get("id"), &s("llm-endpoint"));
    let c = valid_config();
    let image = dlc::image_uri(
        c.get("container").get("repository_name").as_str().unwrap(),
        c.get("container").get("tag").as_str().unwrap(),
        REGION,
        None,
    )
    .unwrap();
    assert_eq!(p.get("image_uri"), &s(&image));
    assert_eq!(
        p.get("container"),
        c.get("container"),
        "configured container kept"
    );
    assert_eq!(p.get("tags_all"), &map(&[("env", "test")]));
    let names = names_of(p, REGION).unwrap();
    assert_eq!(p.get("model_name"), &s(&names.model_name));
    assert_eq!(
        p.get("endpoint_config_name"),
        &s(&names.endpoint_config_name)
    );
    for unknown in [
        "endpoint_arn",
        "endpoint_status",
        "model_arn",
        "endpoint_config_arn",
        "execution_role_arn",
        "invoke_policy_json",
    ] {
        assert_eq!(p.get(unknown), &Value::Unknown, "{unknown}");
    }
    assert_eq!(p.get("success_topic_arn"), &Value::Null);
    assert_eq!(p.get("error_topic_arn"), &Value::Null);
    assert_eq!(p.get("async_inference"), &Value::Null);
    assert_eq!(p.get("role_arn"), &Value::Null);
}

#[test]
fn planned_state_has_exactly_the_schema_attributes() {
    let r = run(&Value::Null, &rich_config(), &ctx());
    let got: Vec<&String> = r.planned_state.as_object().unwrap().keys().collect();
    let b = &schema().block;
    let mut want: Vec<&String> = b.attributes.iter().map(|a| &a.name).collect();
    want.extend(b.blocks.iter().map(|b| &b.type_name));
    want.sort();
    assert_eq!(got, want);
}

#[test]
fn configured_values_are_kept_as_given() {
    let cfg = with(
        rich_config(),
        &["instance_count"],
        Value::Number(Number::Float(3.0)),
    );
    let cfg = with(
        cfg,
        &["async_inference", "max_concurrent_invocations_per_instance"],
        n(4),
    );
    let r = run(&Value::Null, &cfg, &ctx());
    let p = &r.planned_state;
    assert!(matches!(p.get("instance_count"), Value::Number(Number::Float(f)) if *f == 3.0));
    assert_eq!(p.get("model_data_download_timeout_in_seconds"), &n(1200));
    assert_eq!(p.get("startup_health_check_timeout_in_seconds"), &n(600));
    assert_eq!(p.get("volume_size_in_gb"), &n(100));
    assert_eq!(
        p.get("async_inference")
            .get("max_concurrent_invocations_per_instance"),
        &n(4)
    );
    assert_eq!(p.get("vpc_config"), cfg.get("vpc_config"));
    assert_eq!(p.get("timeouts"), cfg.get("timeouts"));
    assert_eq!(
        p.get("execution_role_arn"),
        &s(ROLE),
        "a given role is known at plan time"
    );
    assert_eq!(
        p.get("tags_all"),
        &map(&[("env", "prod"), ("team", "ml")]),
        "resource tags win"
    );
    assert_eq!(p.get("success_topic_arn"), &Value::Unknown);
    assert_eq!(p.get("error_topic_arn"), &Value::Unknown);
}

#[test]
fn async_concurrency_defaults_to_ten() {
    let r = run(&Value::Null, &async_config(), &ctx());
    let a = r.planned_state.get("async_inference");
    assert_eq!(a.get("max_concurrent_invocations_per_instance"), &n(10));
    assert_eq!(a.get("output_path"), &s("s3://out-bucket/results/"));
    assert_eq!(a.get("failure_path"), &Value::Null);
}

#[test]
fn unknown_inputs_make_derived_names_unknown() {
    let cfg = with(valid_config(), &["model_data_url"], Value::Unknown);
    let p = run(&Value::Null, &cfg, &ctx()).planned_state;
    assert_eq!(p.get("model_name"), &Value::Unknown);
    assert_eq!(p.get("endpoint_config_name"), &Value::Unknown);
    assert!(p.get("image_uri").as_str().is_some());
    let cfg = with(valid_config(), &["instance_type"], Value::Unknown);
    let p = run(&Value::Null, &cfg, &ctx()).planned_state;
    assert!(p.get("model_name").as_str().is_some());
    assert_eq!(p.get("endpoint_config_name"), &Value::Unknown);
    let cfg = with(
        valid_config(),
        &["container"],
        container(&[("image_uri", Value::Unknown)]),
    );
    let p = run(&Value::Null, &cfg, &ctx()).planned_state;
    assert_eq!(p.get("image_uri"), &Value::Unknown);
    assert_eq!(p.get("model_name"), &Value::Unknown);
    let cfg = with(valid_config(), &["endpoint_name"], Value::Unknown);
    let p = run(&Value::Null, &cfg, &ctx()).planned_state;
    assert_eq!(p.get("id"), &Value::Unknown);
    assert_eq!(p.get("model_name"), &Value::Unknown);
    let cfg = with(valid_config(), &["tags"], Value::Unknown);
    assert_eq!(
        run(&Value::Null, &cfg, &ctx())
            .planned_state
            .get("tags_all"),
        &Value::Unknown
    );
}

#[test]
fn dlc_in_an_unknown_region_needs_account_id() {
    let far = ProviderContext {
        region: "xx-nowhere-1".into(),
        default_tags: BTreeMap::new(),
    };
    let r = run(&Value::Null, &valid_config(), &far);
    let errors: Vec<_> = r
        .diagnostics
        .0
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(
        errors[0].summary,
        "Unsupported region for Deep Learning Containers"
    );
    assert_eq!(errors[0].path.as_ref().unwrap().to_string(), "container");
    assert!(errors[0].detail.contains("xx-nowhere-1"));
    let with_account = with(
        valid_config(),
        &["container", "account_id"],
        s("111122223333"),
    );
    let r = run(&Value::Null, &with_account, &far);
    assert!(r.diagnostics.is_empty(), "{:#?}", r.diagnostics);
    let uri = r
        .planned_state
        .get("image_uri")
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        uri.starts_with("111122223333.dkr.ecr.xx-nowhere-1."),
        "{uri}"
    );
    let direct = with(
        valid_config(),
        &["container"],
        container(&[("image_uri", s("1.dkr.ecr.xx-nowhere-1.amazonaws.com/m:1"))]),
    );
    assert!(run(&Value::Null, &direct, &far).diagnostics.is_empty());
    // Checked even while the repository or tag is unknown.
    let unknown_tag = with(valid_config(), &["container", "tag"], Value::Unknown);
    let r = run(&Value::Null, &unknown_tag, &far);
    assert_eq!(r.diagnostics.0.len(), 1, "{:#?}", r.diagnostics);
    assert_eq!(
        r.diagnostics.0[0].path.as_ref().unwrap().to_string(),
        "container"
    );
    assert!(
        run(&Value::Null, &unknown_tag, &ctx())
            .diagnostics
            .is_empty()
    );
    let no_region = ProviderContext::default();
    let r = run(&Value::Null, &valid_config(), &no_region);
    assert_eq!(r.diagnostics.0.len(), 1, "{:#?}", r.diagnostics);
    assert_eq!(r.diagnostics.0[0].summary, "Provider region is not set");
}

#[test]
fn unchanged_configuration_plans_exactly_the_prior_state() {
    for config in [valid_config(), async_config(), rich_config()] {
        let state = create_and_apply(&config);
        let r = run(&state, &config, &ctx());
        assert!(r.diagnostics.is_empty(), "{:#?}", r.diagnostics);
        assert!(r.requires_replace.is_empty(), "{:?}", r.requires_replace);
        assert_eq!(r.planned_state, state);
    }
}

#[test]
fn imported_state_with_foreign_names_stays_unchanged() {
    let config = valid_config();
    let mut state = create_and_apply(&config);
    for (k, v) in [
        ("model_name", "hand-made-model"),
        (
            "model_arn",
            "arn:aws:sagemaker:us-east-1:123456789012:model/hand-made-model",
        ),
        ("endpoint_config_name", "hand-made-config"),
    ] {
        state = with(state, &[k], s(v));
    }
    let r = run(&state, &config, &ctx());
    assert_eq!(r.planned_state, state);
    // A real change still derives fresh names.
    let changed = with(config, &["instance_type"], s("ml.inf2.8xlarge"));
    let p = run(&state, &changed, &ctx()).planned_state;
    assert_eq!(p.get("model_name"), &s("hand-made-model"));
    assert_eq!(p.get("model_arn"), state.get("model_arn"));
    assert_ne!(p.get("endpoint_config_name"), &s("hand-made-config"));
    assert!(p.get("endpoint_config_name").as_str().is_some());
}

pub(super) fn serverless_config() -> Value {
    let c = with(valid_config(), &["instance_type"], Value::Null);
    with(c, &["serverless"], serverless_block(2048, 10, Some(1)))
}

#[test]
fn a_serverless_plan_drops_the_instance_defaults() {
    let config = serverless_config();
    let mut prop = proposed(&Value::Null, &config);
    crate::framework::rules::fill_defaults(&schema().block, &config, &mut prop);
    assert_eq!(
        prop.get("instance_count"),
        &Value::int(1),
        "as Terraform sends it"
    );
    let r = plan(PlanRequest {
        prior_state: &Value::Null,
        proposed_new_state: &prop,
        config: &config,
        ctx: &ctx(),
    });
    assert!(!r.diagnostics.has_errors(), "{:#?}", r.diagnostics);
    let p = &r.planned_state;
    for attr in [
        "instance_type",
        "instance_count",
        "startup_health_check_timeout_in_seconds",
        "model_data_download_timeout_in_seconds",
    ] {
        assert_eq!(p.get(attr), &Value::Null, "{attr}");
    }
    assert_eq!(p.get("enable_network_isolation"), &Value::Bool(false));
    assert!(p.get("endpoint_config_name").as_str().is_some());
    // An instance endpoint keeps them.
    let config = valid_config();
    let mut prop = proposed(&Value::Null, &config);
    crate::framework::rules::fill_defaults(&schema().block, &config, &mut prop);
    let r = plan(PlanRequest {
        prior_state: &Value::Null,
        proposed_new_state: &prop,
        config: &config,
        ctx: &ctx(),
    });
    assert_eq!(r.planned_state.get("instance_count"), &Value::int(1));
}
