//! The apply side of `sagemaker_custom_endpoint` (create, read, update,
//! delete, import) against the local sandbox, without the Terraform CLI:
//! plan and apply are called as functions, and the sandbox inventory proves
//! that nothing is left behind.

use crate::life_common;
use std::collections::BTreeMap;

use life_common::*;
use tfsm::aws::wait::Cancel;
use tfsm::resources::custom_endpoint as ce;
use tfsm::tfplugin::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_read_update_import_delete_leaves_nothing() {
    let (sandbox, clients) = start().await;
    let w = World {
        clients,
        shared: Default::default(),
        cancel: Cancel::new(),
        defaults: BTreeMap::from([("owner".into(), "life".into())]),
    };
    let cfg = config("life-rt");

    // Create.
    let (planned, r) = w.apply(&Value::Null, &cfg, &[]).await;
    no_errors(&r.diagnostics);
    let state = r.new_state;
    consistent(&planned, &state);
    assert_eq!(state.get("endpoint_status"), &s("InService"));
    let inv = sandbox.control().inventory().await.unwrap();
    assert_eq!(inv.sagemaker.endpoints.len(), 1);
    assert_eq!(inv.sagemaker.models.len(), 1);
    assert_eq!(inv.iam.roles.len(), 1);

    // Read: nothing changed; plan: no changes.
    let read = ce::read(&w.env(), &state, &r.private).await;
    no_errors(&read.diagnostics);
    assert_eq!(read.new_state, state);
    assert_eq!(w.plan(&state, &cfg), state);

    // Variant change: a new config, same model, old config gone.
    let cfg2 = set(&cfg, "instance_count", Value::int(2));
    let (planned, r) = w.apply(&state, &cfg2, &[]).await;
    no_errors(&r.diagnostics);
    consistent(&planned, &r.new_state);
    assert_eq!(r.new_state.get("model_name"), state.get("model_name"));
    assert_ne!(
        r.new_state.get("endpoint_config_name"),
        state.get("endpoint_config_name")
    );
    let inv = sandbox.control().inventory().await.unwrap();
    assert_eq!(inv.sagemaker.endpoint_configs.len(), 1);
    let state = r.new_state;

    // Model change and a tag change: new model and config, old ones gone.
    let env = Value::Map(BTreeMap::from([("HF_TASK".into(), s("text-generation"))]));
    let cfg3 = set(
        &set(&cfg2, "environment", env),
        "tags",
        Value::Map(BTreeMap::from([("team".into(), s("nlp"))])),
    );
    let (planned, r) = w.apply(&state, &cfg3, &[]).await;
    no_errors(&r.diagnostics);
    consistent(&planned, &r.new_state);
    assert_ne!(r.new_state.get("model_name"), state.get("model_name"));
    let inv = sandbox.control().inventory().await.unwrap();
    assert_eq!(inv.sagemaker.endpoint_configs.len(), 1);
    assert_eq!(inv.sagemaker.models.len(), 1);
    assert!(r.private.is_empty());
    let state = r.new_state;
    assert_eq!(w.plan(&state, &cfg3), state);

    // Import: the same attributes, and a plan that changes nothing.
    let imported = ce::import(&w.env(), "life-rt").await;
    no_errors(&imported.diagnostics);
    let im = imported.new_state;
    for k in [
        "model_name",
        "endpoint_config_name",
        "instance_count",
        "environment",
        "model_data_url",
        "container",
        "tags",
        "tags_all",
        "model_id",
        "execution_role_arn",
    ] {
        assert_eq!(im.get(k), state.get(k), "imported {k}");
    }
    assert!(
        im.get("role_arn").is_null(),
        "our role is managed after import"
    );
    let replanned = w.plan(&im, &cfg3);
    assert_eq!(replanned.get("model_name"), state.get("model_name"));
    assert_eq!(
        replanned.get("endpoint_config_name"),
        state.get("endpoint_config_name")
    );

    // The import put a new ownership mark on everything: the state from
    // before no longer owns the objects, and its destroy leaves them alone.
    assert_ne!(im.get("ownership_id"), state.get("ownership_id"));
    let (_, r) = w.apply(&state, &Value::Null, &[]).await;
    assert!(
        r.diagnostics
            .0
            .iter()
            .any(|d| d.summary.contains("not owned by this resource")),
        "{:#?}",
        r.diagnostics
    );
    let inv = sandbox.control().inventory().await.unwrap();
    assert_eq!(inv.sagemaker.endpoints, ["life-rt"]);

    // Destroy through the imported state.
    let (_, r) = w.apply(&im, &Value::Null, &[]).await;
    no_errors(&r.diagnostics);
    assert!(r.new_state.is_null());
    empty(&sandbox).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_endpoint_gets_topics_and_loses_them_on_delete() {
    let (sandbox, clients) = start().await;
    let w = World {
        clients,
        shared: Default::default(),
        cancel: Cancel::new(),
        defaults: BTreeMap::new(),
    };
    let a = Value::Object(BTreeMap::from([
        ("output_path".into(), s("s3://life-out/results/")),
        ("failure_path".into(), s("s3://life-out/failures/")),
        (
            "max_concurrent_invocations_per_instance".into(),
            Value::Null,
        ),
    ]));
    let cfg = set(&config("life-async"), "async_inference", a);
    let (planned, r) = w.apply(&Value::Null, &cfg, &[]).await;
    no_errors(&r.diagnostics);
    consistent(&planned, &r.new_state);
    let state = r.new_state;
    assert!(
        state
            .get("success_topic_arn")
            .as_str()
            .unwrap()
            .ends_with(":sm-life-async-async-success")
    );
    assert_eq!(
        sandbox
            .control()
            .inventory()
            .await
            .unwrap()
            .sns
            .topics
            .len(),
        2
    );

    // A topic deleted out of band: read notices, plan repairs, apply recreates.
    let arn = state.get("error_topic_arn").as_str().unwrap().to_string();
    w.clients
        .sns
        .delete_topic()
        .topic_arn(&arn)
        .send()
        .await
        .unwrap();
    let read = ce::read(&w.env(), &state, &[]).await;
    no_errors(&read.diagnostics);
    assert!(read.new_state.get("error_topic_arn").is_null());
    let (planned, r) = w.apply(&read.new_state, &cfg, &[]).await;
    assert!(planned.get("error_topic_arn").is_unknown());
    no_errors(&r.diagnostics);
    assert_eq!(r.new_state.get("error_topic_arn"), &s(&arn));
    assert_eq!(
        sandbox
            .control()
            .inventory()
            .await
            .unwrap()
            .sns
            .topics
            .len(),
        2
    );

    let (_, r) = w.apply(&r.new_state, &Value::Null, &[]).await;
    no_errors(&r.diagnostics);
    empty(&sandbox).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_keep_state_and_destroy_cleans_up() {
    let (sandbox, clients) = start().await;
    let w = World {
        clients,
        shared: Default::default(),
        cancel: Cancel::new(),
        defaults: BTreeMap::new(),
    };
    // Missing model data: the endpoint fails; state names everything.
    let cfg = set(
        &config("life-fail"),
        "model_data_url",
        s("s3://life-models/missing/model.tar.gz"),
    );
    let (_, r) = w.apply(&Value::Null, &cfg, &[]).await;
    assert!(r.diagnostics.has_errors());
    let st = &r.new_state;
    assert!(st.is_wholly_known());
    assert_eq!(st.get("endpoint_status"), &s("Failed"));
    for k in [
        "model_arn",
        "endpoint_config_arn",
        "endpoint_arn",
        "execution_role_arn",
    ] {
        assert!(st.get(k).as_str().is_some(), "{k} recorded");
    }
    let read = ce::read(&w.env(), st, &r.private).await;
    assert!(!read.diagnostics.0.is_empty(), "a warning with the reason");
    let (_, r) = w.apply(st, &Value::Null, &r.private).await;
    no_errors(&r.diagnostics);
    empty(&sandbox).await;

    // Rollback: the new model data is missing; state keeps the live config.
    let cfg = config("life-rb");
    let (_, r) = w.apply(&Value::Null, &cfg, &[]).await;
    no_errors(&r.diagnostics);
    let good = r.new_state;
    let bad = set(
        &cfg,
        "model_data_url",
        s("s3://life-models/missing/model.tar.gz"),
    );
    let (_, r) = w.apply(&good, &bad, &[]).await;
    assert!(r.diagnostics.has_errors());
    assert_eq!(
        r.new_state.get("endpoint_config_name"),
        good.get("endpoint_config_name")
    );
    assert_eq!(
        r.new_state.get("model_data_url"),
        good.get("model_data_url")
    );
    let inv = sandbox.control().inventory().await.unwrap();
    assert_eq!(
        inv.sagemaker.endpoint_configs.len(),
        1,
        "the rolled-back config is deleted"
    );
    let (_, r) = w.apply(&r.new_state, &Value::Null, &r.private).await;
    no_errors(&r.diagnostics);
    empty(&sandbox).await;

    // Cancelled before the wait: state kept, destroy clean.
    let cancelled = World {
        clients: w.clients.clone(),
        shared: Default::default(),
        cancel: Cancel::new(),
        defaults: BTreeMap::new(),
    };
    cancelled.cancel.cancel();
    let (_, r) = cancelled
        .apply(&Value::Null, &config("life-cancel"), &[])
        .await;
    assert!(r.diagnostics.has_errors());
    let (_, r) = w
        .apply(&r.new_state.clone(), &Value::Null, &r.private)
        .await;
    no_errors(&r.diagnostics);
    empty(&sandbox).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stop_during_the_create_wait_returns_promptly_with_state() {
    let (sandbox, clients) = start().await;
    sandbox
        .control()
        .set_durations(sagemaker_sandbox::DurationsPatch {
            endpoint_create_ms: Some(5000),
            ..Default::default()
        })
        .await
        .unwrap();
    let w = World::new(clients);
    let cancel = w.cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
        cancel.cancel();
    });
    let started = std::time::Instant::now();
    let (_, r) = w.apply(&Value::Null, &config("life-stop"), &[]).await;
    assert!(started.elapsed() < std::time::Duration::from_secs(4));
    assert!(r.diagnostics.has_errors());
    assert!(
        r.diagnostics.0[0].summary.starts_with("Interrupted"),
        "{:?}",
        r.diagnostics
    );
    let st = r.new_state;
    assert!(st.is_wholly_known());
    assert!(st.get("endpoint_arn").as_str().is_some());
    assert_eq!(st.get("endpoint_status"), &s("Creating"));
    // A new provider process (fresh Cancel) destroys it cleanly.
    let fresh = World::new(w.clients.clone());
    let (_, r) = fresh.apply(&st, &Value::Null, &r.private).await;
    no_errors(&r.diagnostics);
    empty(&sandbox).await;
}
