//! Drift, slow IAM, timeouts and failed cleanups for the apply side of
//! `sagemaker_custom_endpoint`, against the local sandbox.

use crate::life_common;
use life_common::*;
use sagemaker_sandbox::{DurationsPatch, FaultRule};
use tfsm::resources::custom_endpoint::{self as ce, PrivateState};
use tfsm::tfplugin::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endpoint_or_role_deleted_out_of_band_is_recreated() {
    let (sandbox, clients) = start().await;
    let w = World::new(clients);
    let cfg = config("life-drift");
    let (_, r) = w.apply(&Value::Null, &cfg, &[]).await;
    no_errors(&r.diagnostics);
    let state = r.new_state;

    // The endpoint goes while its model, config and role remain: read keeps
    // tracking them with a null status, and the replacement planning asks
    // for deletes them and creates everything again.
    let sm = &w.clients.sagemaker;
    sm.delete_endpoint()
        .endpoint_name("life-drift")
        .send()
        .await
        .unwrap();
    let missing = loop {
        let read = ce::read(&w.env(), &state, &[]).await;
        no_errors(&read.diagnostics);
        if read.new_state.get("endpoint_status").is_null() {
            break read;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert!(!missing.new_state.is_null(), "leftovers must stay tracked");
    assert!(missing.new_state.get("endpoint_arn").is_null());
    assert_eq!(missing.new_state.get("model_name"), state.get("model_name"));
    let (_, r) = w
        .apply(&missing.new_state, &Value::Null, &missing.private)
        .await;
    no_errors(&r.diagnostics);
    assert!(r.new_state.is_null());
    let inv = sandbox.control().inventory().await.unwrap();
    assert!(inv.empty, "{inv:#?}");
    let (planned, r) = w.apply(&Value::Null, &cfg, &[]).await;
    no_errors(&r.diagnostics);
    consistent(&planned, &r.new_state);
    assert_eq!(r.new_state.get("model_name"), state.get("model_name"));
    let inv = sandbox.control().inventory().await.unwrap();
    assert_eq!(
        (inv.sagemaker.models.len(), inv.sagemaker.endpoints.len()),
        (1, 1)
    );
    let state = r.new_state;

    // The role goes: read nulls it, plan marks it unknown, apply recreates
    // it with the same ARN, and the model stays.
    let role = state
        .get("execution_role_arn")
        .as_str()
        .unwrap()
        .to_string();
    let role_name = role.rsplit('/').next().unwrap().to_string();
    let iam = &w.clients.iam;
    for p in iam
        .list_role_policies()
        .role_name(&role_name)
        .send()
        .await
        .unwrap()
        .policy_names()
    {
        iam.delete_role_policy()
            .role_name(&role_name)
            .policy_name(p)
            .send()
            .await
            .unwrap();
    }
    iam.delete_role()
        .role_name(&role_name)
        .send()
        .await
        .unwrap();
    let read = ce::read(&w.env(), &state, &[]).await;
    no_errors(&read.diagnostics);
    assert!(read.new_state.get("execution_role_arn").is_null());
    let (planned, r) = w.apply(&read.new_state, &cfg, &[]).await;
    assert!(planned.get("execution_role_arn").is_unknown());
    no_errors(&r.diagnostics);
    consistent(&planned, &r.new_state);
    assert_eq!(r.new_state.get("execution_role_arn").as_str(), Some(&*role));
    assert_eq!(r.new_state.get("model_name"), state.get("model_name"));
    assert_eq!(
        sandbox.control().inventory().await.unwrap().iam.roles.len(),
        1
    );

    let (_, r) = w.apply(&r.new_state, &Value::Null, &[]).await;
    no_errors(&r.diagnostics);
    empty(&sandbox).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_iam_propagation_is_waited_out() {
    let (sandbox, clients) = start().await;
    sandbox
        .control()
        .set_durations(DurationsPatch {
            iam_propagation_ms: Some(3000),
            ..DurationsPatch::default()
        })
        .await
        .unwrap();
    let w = World::new(clients);
    let (planned, r) = w.apply(&Value::Null, &config("life-iam"), &[]).await;
    no_errors(&r.diagnostics);
    consistent(&planned, &r.new_state);
    let (_, r) = w.apply(&r.new_state, &Value::Null, &[]).await;
    no_errors(&r.diagnostics);
    empty(&sandbox).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_timeout_keeps_state_and_destroy_waits_it_out() {
    let (sandbox, clients) = start().await;
    sandbox
        .control()
        .set_durations(DurationsPatch {
            endpoint_create_ms: Some(4000),
            ..DurationsPatch::default()
        })
        .await
        .unwrap();
    let w = World::new(clients);
    let t = Value::Object(
        [
            ("create".to_string(), s("1s")),
            ("update".to_string(), Value::Null),
            ("delete".to_string(), Value::Null),
        ]
        .into(),
    );
    let cfg = set(&config("life-slow"), "timeouts", t);
    let started = std::time::Instant::now();
    let (_, r) = w.apply(&Value::Null, &cfg, &[]).await;
    assert!(started.elapsed() < std::time::Duration::from_secs(4));
    assert!(r.diagnostics.has_errors());
    let d = &r.diagnostics.0[0];
    assert!(d.summary.starts_with("Timed out"), "{d:?}");
    let st = &r.new_state;
    assert!(st.is_wholly_known());
    assert_eq!(st.get("endpoint_status"), &s("Creating"));
    assert!(st.get("endpoint_arn").as_str().is_some());
    let (_, r) = w.apply(st, &Value::Null, &r.private).await;
    no_errors(&r.diagnostics);
    empty(&sandbox).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_cleanup_is_remembered_and_retried() {
    let (sandbox, clients) = start().await;
    let w = World::new(clients);
    let cfg = config("life-pending");
    let (_, r) = w.apply(&Value::Null, &cfg, &[]).await;
    no_errors(&r.diagnostics);
    let first = r.new_state;
    let old_config = first
        .get("endpoint_config_name")
        .as_str()
        .unwrap()
        .to_string();

    let ctl = sandbox.control();
    ctl.add_fault(
        &FaultRule::error("sagemaker", "DeleteEndpointConfig", "InternalFailure", 500).times(10),
    )
    .await
    .unwrap();
    let cfg2 = set(&cfg, "instance_count", Value::int(2));
    let (planned, r) = w.apply(&first, &cfg2, &[]).await;
    no_errors(&r.diagnostics);
    consistent(&planned, &r.new_state);
    let pending = PrivateState::decode(&r.private).unwrap();
    assert_eq!(pending.pending_cleanup.len(), 1);
    assert_eq!(pending.pending_cleanup[0].name, old_config);
    assert_eq!(
        ctl.inventory()
            .await
            .unwrap()
            .sagemaker
            .endpoint_configs
            .len(),
        2
    );

    // Read carries it along; the next apply deletes it.
    let read = ce::read(&w.env(), &r.new_state, &r.private).await;
    assert_eq!(read.private, r.private);
    ctl.clear_faults().await.unwrap();
    let cfg3 = set(&cfg, "instance_count", Value::int(3));
    let (_, r) = w.apply(&read.new_state, &cfg3, &read.private).await;
    no_errors(&r.diagnostics);
    assert!(r.private.is_empty());
    let inv = ctl.inventory().await.unwrap();
    assert_eq!(inv.sagemaker.endpoint_configs.len(), 1);
    assert_eq!(
        inv.sagemaker.endpoint_configs[0].as_str(),
        r.new_state.get("endpoint_config_name").as_str().unwrap()
    );
    let (_, r) = w.apply(&r.new_state, &Value::Null, &r.private).await;
    no_errors(&r.diagnostics);
    empty(&sandbox).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_follows_the_endpoint_to_another_config() {
    use tfsm::aws::endpoint_config::{self, EndpointConfigSpec, VariantCompute};
    let (sandbox, clients) = start().await;
    let w = World::new(clients);
    let (_, r) = w.apply(&Value::Null, &config("life-oob"), &[]).await;
    no_errors(&r.diagnostics);
    let state = r.new_state;
    let model = state.get("model_name").as_str().unwrap().to_string();

    // Someone moves the endpoint to another config of the same model.
    let spec = EndpointConfigSpec {
        name: "life-oob-manual".into(),
        model_name: model.clone(),
        compute: VariantCompute::Instances {
            instance_type: "ml.g5.2xlarge".into(),
            instance_count: 1,
            startup_health_check_timeout: 600,
            model_data_download_timeout: 600,
            volume_size_in_gb: None,
        },
        async_inference: None,
        kms_key_id: None,
        data_capture: None,
        tags: Default::default(),
    };
    let manual = endpoint_config::create(&w.clients, &spec).await.unwrap();
    tfsm::aws::endpoint::update(&w.clients, "life-oob", &manual.name, false)
        .await
        .unwrap();
    tfsm::aws::endpoint::wait_in_service(
        &w.clients,
        "life-oob",
        Some(&manual.name),
        std::time::Duration::from_secs(30),
        &w.cancel,
    )
    .await
    .unwrap();

    let read = ce::read(&w.env(), &state, &[]).await;
    no_errors(&read.diagnostics);
    let st = &read.new_state;
    assert_eq!(st.get("endpoint_config_name"), &s("life-oob-manual"));
    assert_eq!(st.get("endpoint_config_arn"), &s(&manual.arn));
    assert_eq!(st.get("model_name"), &s(&model));
    assert_eq!(st.get("model_arn"), state.get("model_arn"));
    // The live settings are read, so planning shows the drift.
    assert_eq!(st.get("instance_type"), &s("ml.g5.2xlarge"));
    let replanned = w.plan(st, &config("life-oob"));
    assert!(replanned.get("endpoint_config_name").as_str().is_some());
    assert_ne!(
        replanned.get("endpoint_config_name"),
        st.get("endpoint_config_name")
    );
    assert_eq!(replanned.get("model_name"), &s(&model));

    // Ours, out of service now, is remembered for cleanup.
    let pending = PrivateState::decode(&read.private).unwrap();
    assert_eq!(pending.pending_cleanup.len(), 1, "{pending:?}");
    assert_eq!(
        Some(pending.pending_cleanup[0].name.as_str()),
        state.get("endpoint_config_name").as_str()
    );

    // Destroy removes what the state names and is ours, and the pending
    // config; the config someone else made is reached only through drift
    // and is left alone, with a warning naming it.
    let (_, r) = w.apply(st, &Value::Null, &read.private).await;
    no_errors(&r.diagnostics);
    assert!(
        r.diagnostics
            .0
            .iter()
            .any(|d| d.detail.contains("endpoint configuration life-oob-manual")),
        "{:#?}",
        r.diagnostics
    );
    assert!(
        endpoint_config::find(&w.clients, "life-oob-manual")
            .await
            .unwrap()
            .is_some(),
        "someone else's config must survive the destroy"
    );
    endpoint_config::delete(&w.clients, "life-oob-manual")
        .await
        .unwrap();
    empty(&sandbox).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn switching_between_given_and_generated_roles() {
    let (sandbox, clients) = start().await;
    let w = World::new(clients);
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    let mine = w
        .clients
        .iam
        .create_role()
        .role_name("life-own-role")
        .assume_role_policy_document(trust)
        .send()
        .await
        .unwrap()
        .role
        .unwrap()
        .arn;
    let given = set(&config("life-roles"), "role_arn", s(&mine));
    let (planned, r) = w.apply(&Value::Null, &given, &[]).await;
    no_errors(&r.diagnostics);
    consistent(&planned, &r.new_state);
    assert_eq!(r.new_state.get("execution_role_arn"), &s(&mine));
    let roles = |inv: sagemaker_sandbox::Inventory| inv.iam.roles.len();
    assert_eq!(roles(sandbox.control().inventory().await.unwrap()), 1);

    // Generated: a new role and a new model.
    let generated = config("life-roles");
    let (planned, r2) = w.apply(&r.new_state, &generated, &[]).await;
    no_errors(&r2.diagnostics);
    consistent(&planned, &r2.new_state);
    assert_ne!(r2.new_state.get("execution_role_arn"), &s(&mine));
    assert_ne!(
        r2.new_state.get("model_name"),
        r.new_state.get("model_name")
    );
    let inv = sandbox.control().inventory().await.unwrap();
    assert_eq!((inv.iam.roles.len(), inv.sagemaker.models.len()), (2, 1));

    // Given again: the generated role goes, the given one stays.
    let (planned, r3) = w.apply(&r2.new_state, &given, &[]).await;
    no_errors(&r3.diagnostics);
    consistent(&planned, &r3.new_state);
    assert!(r3.private.is_empty());
    let inv = sandbox.control().inventory().await.unwrap();
    assert_eq!(inv.iam.roles.len(), 1, "{:?}", inv.iam.roles);

    let (_, r) = w.apply(&r3.new_state, &Value::Null, &[]).await;
    no_errors(&r.diagnostics);
    let inv = sandbox.control().inventory().await.unwrap();
    assert_eq!(inv.iam.roles.len(), 1, "the given role is never deleted");
    assert!(inv.sagemaker.models.is_empty() && inv.sagemaker.endpoints.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn update_timeout_keeps_both_generations_until_the_endpoint_settles() {
    let (sandbox, clients) = start().await;
    let w = World::new(clients);
    let cfg = config("life-upd");
    let (_, r) = w.apply(&Value::Null, &cfg, &[]).await;
    no_errors(&r.diagnostics);
    let first = r.new_state;
    let ctl = sandbox.control();
    ctl.set_durations(DurationsPatch {
        endpoint_update_ms: Some(3000),
        ..DurationsPatch::default()
    })
    .await
    .unwrap();
    let t = Value::Object(
        [
            ("create".to_string(), Value::Null),
            ("update".to_string(), s("1s")),
            ("delete".to_string(), Value::Null),
        ]
        .into(),
    );
    let cfg2 = set(&set(&cfg, "instance_count", Value::int(2)), "timeouts", t);
    let (planned, r) = w.apply(&first, &cfg2, &[]).await;
    assert!(r.diagnostics.has_errors());
    // The state is still the one in service when the wait gave up.
    let st = r.new_state;
    assert!(st.is_wholly_known());
    assert_eq!(
        st.get("endpoint_config_name"),
        first.get("endpoint_config_name")
    );
    assert_eq!(st.get("instance_count"), first.get("instance_count"));
    let pending = PrivateState::decode(&r.private).unwrap();
    let names: Vec<&str> = pending
        .pending_cleanup
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert!(names.contains(&first.get("endpoint_config_name").as_str().unwrap()));
    assert!(names.contains(&planned.get("endpoint_config_name").as_str().unwrap()));

    // Later the update lands: read follows it, the same configuration
    // plans no endpoint change, and the apply deletes the old config.
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    let read = ce::read(&w.env(), &st, &r.private).await;
    no_errors(&read.diagnostics);
    assert_eq!(
        read.new_state.get("endpoint_config_name"),
        planned.get("endpoint_config_name")
    );
    let (planned2, r) = w.apply(&read.new_state, &cfg2, &read.private).await;
    no_errors(&r.diagnostics);
    assert_eq!(
        planned2.get("endpoint_config_name"),
        planned.get("endpoint_config_name")
    );
    consistent(&planned2, &r.new_state);
    assert!(
        r.private.is_empty(),
        "{:?}",
        PrivateState::decode(&r.private)
    );
    assert_eq!(
        ctl.inventory()
            .await
            .unwrap()
            .sagemaker
            .endpoint_configs
            .len(),
        1
    );
    let (_, r) = w.apply(&r.new_state, &Value::Null, &r.private).await;
    no_errors(&r.diagnostics);
    empty(&sandbox).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reapplying_while_an_update_is_still_running_waits_for_it() {
    let (sandbox, clients) = start().await;
    let w = World::new(clients);
    let cfg = config("life-again");
    let (_, r) = w.apply(&Value::Null, &cfg, &[]).await;
    no_errors(&r.diagnostics);
    let first = r.new_state;
    let ctl = sandbox.control();
    ctl.set_durations(DurationsPatch {
        endpoint_update_ms: Some(2500),
        ..DurationsPatch::default()
    })
    .await
    .unwrap();
    let short = Value::Object(
        [
            ("create".to_string(), Value::Null),
            ("update".to_string(), s("1s")),
            ("delete".to_string(), Value::Null),
        ]
        .into(),
    );
    let cfg2 = set(&cfg, "instance_count", Value::int(2));
    let (_, r) = w.apply(&first, &set(&cfg2, "timeouts", short), &[]).await;
    assert!(r.diagnostics.has_errors());
    // Right away, with the default timeout: waits for the running update.
    let (planned, r) = w.apply(&r.new_state, &cfg2, &r.private).await;
    no_errors(&r.diagnostics);
    consistent(&planned, &r.new_state);
    assert!(
        r.private.is_empty(),
        "{:?}",
        PrivateState::decode(&r.private)
    );
    let inv = ctl.inventory().await.unwrap();
    assert_eq!(inv.sagemaker.endpoint_configs.len(), 1);
    let (_, r) = w.apply(&r.new_state, &Value::Null, &r.private).await;
    no_errors(&r.diagnostics);
    empty(&sandbox).await;
}
