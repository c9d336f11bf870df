//! Unit tests for `plan` on updates: what is kept, what becomes unknown,
//! and what forces a replacement.

use std::collections::BTreeMap;

use super::super::testutil::*;
use super::super::{PlanResponse, ProviderContext};
use super::tests::{
    REGION, ROLE, async_config, create_and_apply, ctx, replace_paths, rich_config, run,
    serverless_config,
};
use crate::tfplugin::Value;

/// Plans `change` against the applied state of `base`.
fn update(base: &Value, change: impl Fn(Value) -> Value) -> (Value, PlanResponse) {
    let state = create_and_apply(base);
    let r = run(&state, &change(base.clone()), &ctx());
    assert!(!r.diagnostics.has_errors(), "{:#?}", r.diagnostics);
    (state, r)
}

fn same(a: &Value, b: &Value, keys: &[&str]) {
    for k in keys {
        assert_eq!(a.get(k), b.get(k), "{k} should be kept");
    }
}

fn unknown(p: &Value, keys: &[&str]) {
    for k in keys {
        assert_eq!(p.get(k), &Value::Unknown, "{k} should be unknown");
    }
}

const ENDPOINT_KEPT: [&str; 5] = [
    "id",
    "endpoint_arn",
    "execution_role_arn",
    "invoke_policy_json",
    "image_uri",
];

#[test]
fn variant_change_makes_a_new_config_only() {
    let (state, r) = update(&valid_config(), |c| with(c, &["instance_count"], n(2)));
    let p = &r.planned_state;
    assert!(r.requires_replace.is_empty());
    same(p, &state, &ENDPOINT_KEPT);
    same(p, &state, &["model_name", "model_arn"]);
    assert_ne!(
        p.get("endpoint_config_name"),
        state.get("endpoint_config_name")
    );
    assert!(p.get("endpoint_config_name").as_str().is_some());
    unknown(p, &["endpoint_config_arn", "endpoint_status"]);
}

#[test]
fn model_change_makes_a_new_model_and_config() {
    let changes: [fn(Value) -> Value; 4] = [
        |c| {
            with(
                c,
                &["model_data_url"],
                s("s3://my-models/llama-v2/model.tar.gz"),
            )
        },
        |c| with(c, &["environment"], map(&[("X", "1")])),
        |c| with(c, &["container", "tag"], s("newer")),
        |c| with(c, &["vpc_config"], vpc(&["sg-1"], &["subnet-1"])),
    ];
    for change in changes {
        let (state, r) = update(&valid_config(), change);
        let p = &r.planned_state;
        assert!(r.requires_replace.is_empty());
        same(
            p,
            &state,
            &[
                "id",
                "endpoint_arn",
                "execution_role_arn",
                "invoke_policy_json",
            ],
        );
        assert_ne!(p.get("model_name"), state.get("model_name"));
        assert_ne!(
            p.get("endpoint_config_name"),
            state.get("endpoint_config_name")
        );
        unknown(p, &["model_arn", "endpoint_config_arn", "endpoint_status"]);
    }
}

#[test]
fn tag_changes_touch_only_tags() {
    let (state, r) = update(&valid_config(), |c| with(c, &["tags"], map(&[("a", "b")])));
    let p = &r.planned_state;
    assert_eq!(p.get("tags_all"), &map(&[("a", "b"), ("env", "test")]));
    let mut expected = with(state, &["tags"], map(&[("a", "b")]));
    expected = with(expected, &["tags_all"], map(&[("a", "b"), ("env", "test")]));
    assert_eq!(p, &expected);
    // model_id is only a tag as well.
    let (state, r) = update(&valid_config(), |c| {
        with(c, &["model_id"], s("other/model"))
    });
    assert_eq!(
        r.planned_state,
        with(state, &["model_id"], s("other/model"))
    );
    // So are the provider's default tags.
    let state = create_and_apply(&valid_config());
    let other = ProviderContext {
        default_tags: BTreeMap::new(),
        ..ctx()
    };
    let r = run(&state, &valid_config(), &other);
    assert_eq!(
        r.planned_state,
        with(state, &["tags_all"], Value::Map(BTreeMap::new()))
    );
}

#[test]
fn removing_an_optional_computed_value_restores_its_default() {
    let base = with(rich_config(), &["instance_count"], n(3));
    let (_, r) = update(&base, |c| {
        let c = with(c, &["instance_count"], Value::Null);
        with(
            c,
            &["async_inference", "max_concurrent_invocations_per_instance"],
            Value::Null,
        )
    });
    assert_eq!(r.planned_state.get("instance_count"), &n(1));
    let a = r.planned_state.get("async_inference");
    assert_eq!(a.get("max_concurrent_invocations_per_instance"), &n(10));
    let base = with(
        valid_config(),
        &["startup_health_check_timeout_in_seconds"],
        n(900),
    );
    let (_, r) = update(&base, |c| {
        with(c, &["startup_health_check_timeout_in_seconds"], Value::Null)
    });
    assert_eq!(
        r.planned_state
            .get("startup_health_check_timeout_in_seconds"),
        &n(600)
    );
}

#[test]
fn renaming_the_endpoint_requires_replacement() {
    let (_, r) = update(&valid_config(), |c| with(c, &["endpoint_name"], s("other")));
    assert_eq!(replace_paths(&r), ["endpoint_name"]);
    unknown(
        &r.planned_state,
        &["endpoint_arn", "execution_role_arn", "model_arn"],
    );
    assert_eq!(r.planned_state.get("id"), &s("other"));
    let (_, r) = update(&valid_config(), |c| {
        with(c, &["endpoint_name"], Value::Unknown)
    });
    assert_eq!(replace_paths(&r), ["endpoint_name"]);
}

#[test]
fn switching_between_real_time_and_async_requires_replacement() {
    let (_, r) = update(&valid_config(), |_| async_config());
    assert_eq!(replace_paths(&r), ["async_inference"]);
    unknown(&r.planned_state, &["success_topic_arn", "error_topic_arn"]);
    let (_, r) = update(&async_config(), |_| valid_config());
    assert_eq!(replace_paths(&r), ["async_inference"]);
    assert_eq!(r.planned_state.get("success_topic_arn"), &Value::Null);
    let (_, r) = update(&async_config(), |c| {
        with(c, &["async_inference"], Value::Unknown)
    });
    assert_eq!(replace_paths(&r), ["async_inference"]);
}

#[test]
fn changing_async_settings_updates_in_place() {
    let (state, r) = update(&async_config(), |c| {
        with(
            c,
            &["async_inference", "failure_path"],
            s("s3://out-bucket/failed/"),
        )
    });
    assert!(r.requires_replace.is_empty());
    let p = &r.planned_state;
    same(
        p,
        &state,
        &[
            "success_topic_arn",
            "error_topic_arn",
            "model_name",
            "endpoint_arn",
        ],
    );
    assert_ne!(
        p.get("endpoint_config_name"),
        state.get("endpoint_config_name")
    );
    unknown(p, &["endpoint_status", "endpoint_config_arn"]);
}

#[test]
fn a_failed_endpoint_is_replaced() {
    let state = with(
        create_and_apply(&valid_config()),
        &["endpoint_status"],
        s("Failed"),
    );
    let r = run(&state, &valid_config(), &ctx());
    assert_eq!(replace_paths(&r), ["endpoint_status"]);
    assert_eq!(r.planned_state.get("endpoint_status"), &Value::Unknown);
    assert!(!r.diagnostics.has_errors());
    assert_eq!(r.diagnostics.0.len(), 1);
    assert_eq!(
        r.diagnostics.0[0].summary,
        "Failed endpoint will be replaced"
    );
}

#[test]
fn role_changes() {
    // Generated role kept while it stays generated.
    let (state, r) = update(&valid_config(), |c| with(c, &["instance_count"], n(2)));
    same(&r.planned_state, &state, &["execution_role_arn"]);
    // Switching to a given role: known now, and a new model.
    let (state, r) = update(&valid_config(), |c| with(c, &["role_arn"], s(ROLE)));
    assert_eq!(r.planned_state.get("execution_role_arn"), &s(ROLE));
    assert_ne!(r.planned_state.get("model_name"), state.get("model_name"));
    // Back to a generated role: unknown until it exists.
    let (_, r) = update(&with(valid_config(), &["role_arn"], s(ROLE)), |c| {
        with(c, &["role_arn"], Value::Null)
    });
    unknown(&r.planned_state, &["execution_role_arn", "model_arn"]);
    // Managed policies change the role, not the model.
    let (state, r) = update(&valid_config(), |c| {
        with(
            c,
            &["role_managed_policy_arns"],
            set(&["arn:aws:iam::aws:policy/P"]),
        )
    });
    same(
        &r.planned_state,
        &state,
        &["model_name", "execution_role_arn", "endpoint_status"],
    );
}

#[test]
fn equivalent_container_forms_keep_the_model() {
    let state = create_and_apply(&valid_config());
    let image = state.get("image_uri").clone();
    let direct = with(
        valid_config(),
        &["container"],
        container(&[("image_uri", image)]),
    );
    let r = run(&state, &direct, &ctx());
    same(
        &r.planned_state,
        &state,
        &["model_name", "model_arn", "endpoint_config_name"],
    );
}

#[test]
fn derived_names_work_on_a_configuration_too() {
    let planned = run(&Value::Null, &rich_config(), &ctx()).planned_state;
    let from_plan = names_of(&planned, REGION).unwrap();
    // A configuration has no image_uri and no defaults filled in.
    let from_config = names_of(&rich_config(), REGION).unwrap();
    assert_eq!(from_plan, from_config);
    assert_eq!(planned.get("model_name"), &s(&from_plan.model_name));
    // Set order does not matter.
    let reordered = with(
        rich_config(),
        &["vpc_config"],
        vpc(&["sg-1", "sg-2"], &["subnet-1"]),
    );
    assert_eq!(names_of(&reordered, REGION).unwrap(), from_config);
    let other = names_of(&rich_config(), "us-west-2").unwrap();
    assert_ne!(other.model_name, from_config.model_name);
    assert!(names_of(&with(rich_config(), &["tags"], Value::Unknown), REGION).is_some());
    assert!(
        names_of(
            &with(rich_config(), &["environment"], Value::Unknown),
            REGION
        )
        .is_none()
    );
}

#[test]
fn a_role_or_topic_deleted_out_of_band_plans_an_update_that_recreates_it() {
    // Read sets execution_role_arn / topic ARNs to null when they are gone.
    let state = create_and_apply(&async_config());
    for attr in ["execution_role_arn", "success_topic_arn", "error_topic_arn"] {
        let drifted = with(state.clone(), &[attr], Value::Null);
        let r = run(&drifted, &async_config(), &ctx());
        assert!(!r.diagnostics.has_errors(), "{:#?}", r.diagnostics);
        assert!(
            r.requires_replace.is_empty(),
            "{attr}: {:?}",
            r.requires_replace
        );
        let p = &r.planned_state;
        assert_eq!(p.get(attr), &Value::Unknown, "{attr} should be recreated");
        // Same names, same ARNs: the model and config stay.
        same(
            p,
            &state,
            &[
                "model_name",
                "model_arn",
                "endpoint_config_name",
                "endpoint_status",
            ],
        );
    }
    // A given role is never repaired by us: it stays as configured.
    let mine = with(async_config(), &["role_arn"], s(ROLE));
    let state = create_and_apply(&mine);
    let r = run(&state, &mine, &ctx());
    assert_eq!(r.planned_state.get("execution_role_arn"), &s(ROLE));
}

#[test]
fn serverless_changes_update_in_place_and_a_change_of_kind_replaces() {
    let base = serverless_config();
    let (state, r) = update(&base, |c| {
        with(c, &["serverless", "memory_size_in_mb"], n(4096))
    });
    assert!(r.requires_replace.is_empty());
    let p = &r.planned_state;
    same(p, &state, &ENDPOINT_KEPT);
    same(p, &state, &["model_name", "model_arn"]);
    assert_ne!(
        p.get("endpoint_config_name"),
        state.get("endpoint_config_name")
    );
    unknown(p, &["endpoint_config_arn", "endpoint_status"]);
    let (_, r) = update(&base, |_| valid_config());
    assert_eq!(replace_paths(&r), ["serverless"]);
    let (_, r) = update(&valid_config(), |_| serverless_config());
    assert_eq!(replace_paths(&r), ["serverless"]);
    let (_, r) = update(&base, |c| with(c, &["serverless"], Value::Unknown));
    assert_eq!(replace_paths(&r), ["serverless"]);
}

#[test]
fn serverless_autoscaling_names_the_variant_target() {
    let c = with(
        serverless_config(),
        &["autoscaling"],
        obj(&[
            ("min_capacity", n(1)),
            ("max_capacity", n(4)),
            ("target_invocations_per_instance", Value::Null),
            ("target_backlog_per_instance", Value::Null),
            ("target_provisioned_concurrency_utilization", Value::Null),
            ("scale_in_cooldown", Value::Null),
            ("scale_out_cooldown", Value::Null),
        ]),
    );
    let r = run(&Value::Null, &c, &ctx());
    assert!(!r.diagnostics.has_errors(), "{:#?}", r.diagnostics);
    let p = &r.planned_state;
    assert_eq!(
        p.get("scalable_target_resource_id"),
        &s("endpoint/llm-endpoint/variant/AllTraffic")
    );
    assert_eq!(
        p.get("scaling_policy_names"),
        &Value::List(vec![s("sm-llm-endpoint-target-tracking")])
    );
}
