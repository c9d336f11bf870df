//! The AWS layer against the sandbox, whole flows: endpoint create, adopt,
//! wait, update to a new config, a rolled-back update, tags, delete and wait
//! for it to be gone (zero orphans); the IAM propagation retry; throttling
//! absorbed by SDK retries; wait timeouts and cancellation. Each test owns
//! its sandbox because it changes durations or fault rules.

use crate::aws_common;
use aws_common::*;
use sagemaker_sandbox::{DurationsPatch, FaultAction, FaultRule};
use std::time::{Duration, Instant};
use tfsm::aws::error::AwsError;
use tfsm::aws::model::{self, ModelData};
use tfsm::aws::wait::Cancel;
use tfsm::aws::{endpoint, endpoint_config, role};

const MINUTE: Duration = Duration::from_secs(60);

#[tokio::test]
async fn endpoint_create_update_rollback_delete_leaves_nothing() {
    let sb = start().await;
    let ctl = sb.control();
    let c = clients(&sb).await;
    let ep = "lifecycle-ep";
    let data = ModelData::Archive("s3://models/lifecycle/model.tar.gz".into());
    ctl.seed_object(data.url(), None).await.unwrap();
    let cancel = Cancel::new();
    let r = ensure_role(&c, ep, &data).await;
    let m1 = model::create(
        &c,
        &model_spec("lifecycle-ep-m1", &r.arn, data.clone(), ep),
        MINUTE,
        &cancel,
    )
    .await
    .unwrap();
    let c1 = endpoint_config::create(&c, &config_spec("lifecycle-ep-c1", &m1.name, 1, ep))
        .await
        .unwrap();

    let arn = endpoint::create(&c, ep, &c1.name, &owner(ep))
        .await
        .unwrap();
    assert!(arn.ends_with(":endpoint/lifecycle-ep"), "{arn}");
    // A retried create adopts the endpoint.
    assert_eq!(
        endpoint::create(&c, ep, &c1.name, &owner(ep))
            .await
            .unwrap(),
        arn
    );
    let t = Instant::now();
    let live = endpoint::wait_in_service(&c, ep, Some(&c1.name), MINUTE, &cancel)
        .await
        .unwrap();
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    assert_eq!(
        (live.status.as_str(), live.config_name.as_str()),
        ("InService", c1.name.as_str())
    );
    assert_eq!(live.current_instance_count, Some(1));
    assert_eq!(
        ctl.inventory().await.unwrap().sagemaker.endpoints,
        vec![ep.to_string()]
    );

    // Tags move with the tagging APIs only.
    let mut tags = owner(ep);
    tags.insert("team".into(), "ml".into());
    endpoint::set_tags(&c, &arn, &owner(ep), &tags)
        .await
        .unwrap();
    assert_eq!(endpoint::list_tags(&c, &arn).await.unwrap(), tags);
    endpoint::set_tags(
        &c,
        &arn,
        &tags,
        &[("team".to_string(), "ops".to_string())].into(),
    )
    .await
    .unwrap();
    assert_eq!(
        endpoint::list_tags(&c, &arn).await.unwrap(),
        [("team".to_string(), "ops".to_string())].into()
    );

    // Update to a new config (two instances).
    let c2 = endpoint_config::create(&c, &config_spec("lifecycle-ep-c2", &m1.name, 2, ep))
        .await
        .unwrap();
    endpoint::update(&c, ep, &c2.name, false).await.unwrap();
    let live = endpoint::wait_in_service(&c, ep, Some(&c2.name), MINUTE, &cancel)
        .await
        .unwrap();
    assert_eq!(live.config_name, c2.name);
    assert_eq!(live.current_instance_count, Some(2));
    endpoint_config::delete(&c, &c1.name).await.unwrap();

    // An update that rolls back is an error naming the live config.
    ctl.add_fault(&FaultRule::new(
        "sagemaker",
        "UpdateEndpoint",
        FaultAction::Rollback {
            reason: Some("Health check failed for the new variant.".into()),
        },
    ))
    .await
    .unwrap();
    let c3 = endpoint_config::create(&c, &config_spec("lifecycle-ep-c3", &m1.name, 3, ep))
        .await
        .unwrap();
    endpoint::update(&c, ep, &c3.name, false).await.unwrap();
    let err = endpoint::wait_in_service(&c, ep, Some(&c3.name), MINUTE, &cancel)
        .await
        .unwrap_err();
    match err {
        AwsError::RolledBack {
            live_config,
            reason,
            ..
        } => {
            assert_eq!(live_config, c2.name);
            assert!(reason.contains("Health check failed"), "{reason}");
        }
        other => panic!("expected RolledBack, got {other:?}"),
    }
    assert_eq!(
        endpoint::find(&c, ep).await.unwrap().unwrap().config_name,
        c2.name
    );

    // Delete in order; the wait ends only once the endpoint is gone.
    endpoint::delete(&c, ep).await.unwrap();
    endpoint::wait_deleted(&c, ep, MINUTE, &cancel)
        .await
        .unwrap();
    assert_eq!(endpoint::find(&c, ep).await.unwrap(), None);
    endpoint::delete(&c, ep).await.unwrap();
    for cfg in [&c2.name, &c3.name] {
        endpoint_config::delete(&c, cfg).await.unwrap();
    }
    model::delete(&c, &m1.name).await.unwrap();
    role::delete(&c, &r.name).await.unwrap();
    let inv = ctl.inventory().await.unwrap();
    assert!(inv.empty, "orphans: {inv:?}");
}

#[tokio::test]
async fn iam_propagation_is_retried_within_the_bound_only() {
    let sb = start().await;
    let ctl = sb.control();
    let c = clients(&sb).await;
    ctl.set_durations(DurationsPatch {
        iam_propagation_ms: Some(2500),
        ..DurationsPatch::default()
    })
    .await
    .unwrap();
    let ep = "propagation-ep";
    let data = ModelData::Prefix("s3://models/propagation/".into());
    let cancel = Cancel::new();
    let t = Instant::now();
    let r = ensure_role(&c, ep, &data).await;

    // A bound shorter than the delay gives AWS's own error back.
    let spec = model_spec("propagation-ep-m", &r.arn, data, ep);
    let err = model::create(&c, &spec, Duration::from_millis(600), &cancel)
        .await
        .unwrap_err();
    assert!(err.is_assume_role_propagation(), "{err}");
    assert!(err.to_string().contains("Could not assume role"), "{err}");
    assert!(ctl.count("sagemaker", "CreateModel").await.unwrap() >= 2);

    // A longer bound rides the delay out.
    let m = model::create(&c, &spec, MINUTE, &cancel).await.unwrap();
    assert!(
        t.elapsed() >= Duration::from_millis(2500),
        "{:?}",
        t.elapsed()
    );
    // Well under the one-minute bound: the retry stops as soon as the role
    // works instead of waiting out the bound (loose, as the machine may be busy).
    assert!(t.elapsed() < Duration::from_secs(20), "{:?}", t.elapsed());
    assert_eq!(model::find(&c, &m.name).await.unwrap(), Some(m.clone()));

    // Cancelling stops the retry at once.
    let ep2 = "propagation-ep2";
    let data2 = ModelData::Prefix("s3://models/p2/".into());
    let r2 = ensure_role(&c, ep2, &data2).await;
    let spec2 = model_spec("propagation-ep2-m", &r2.arn, data2, ep2);
    let cancel2 = Cancel::new();
    let trigger = cancel2.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(700)).await;
        trigger.cancel();
    });
    let t = Instant::now();
    let err = model::create(&c, &spec2, MINUTE, &cancel2)
        .await
        .unwrap_err();
    assert!(matches!(err, AwsError::Cancelled { .. }), "{err}");
    assert!(
        t.elapsed() < Duration::from_millis(1500),
        "{:?}",
        t.elapsed()
    );

    model::delete(&c, &m.name).await.unwrap();
    role::delete(&c, &r.name).await.unwrap();
    role::delete(&c, &r2.name).await.unwrap();
    assert!(ctl.inventory().await.unwrap().empty);
}

#[tokio::test]
async fn throttling_is_absorbed_by_sdk_retries() {
    let sb = start().await;
    let ctl = sb.control();
    let c = clients(&sb).await;
    ctl.add_fault(
        &FaultRule::error("sagemaker", "DescribeEndpoint", "ThrottlingException", 400).times(3),
    )
    .await
    .unwrap();
    ctl.add_fault(&FaultRule::error("iam", "GetRole", "Throttling", 400).times(3))
        .await
        .unwrap();
    assert_eq!(endpoint::find(&c, "nothing-here").await.unwrap(), None);
    assert_eq!(ctl.count("sagemaker", "DescribeEndpoint").await.unwrap(), 4);
    assert_eq!(role::find(&c, "nothing-here").await.unwrap(), None);
    assert_eq!(ctl.count("iam", "GetRole").await.unwrap(), 4);
}

#[tokio::test]
async fn waits_time_out_and_cancel_promptly() {
    let sb = start().await;
    let ctl = sb.control();
    let c = clients(&sb).await;
    ctl.set_durations(DurationsPatch {
        endpoint_create_ms: Some(4000),
        ..DurationsPatch::default()
    })
    .await
    .unwrap();
    let ep = "slow-ep";
    let data = ModelData::Archive("s3://models/slow/model.tar.gz".into());
    ctl.seed_object(data.url(), None).await.unwrap();
    let cancel = Cancel::new();
    let r = ensure_role(&c, ep, &data).await;
    let m = model::create(
        &c,
        &model_spec("slow-ep-m", &r.arn, data, ep),
        MINUTE,
        &cancel,
    )
    .await
    .unwrap();
    let cfg = endpoint_config::create(&c, &config_spec("slow-ep-c", &m.name, 1, ep))
        .await
        .unwrap();
    endpoint::create(&c, ep, &cfg.name, &owner(ep))
        .await
        .unwrap();

    let t = Instant::now();
    let err = endpoint::wait_in_service(&c, ep, None, Duration::from_millis(800), &cancel)
        .await
        .unwrap_err();
    match &err {
        AwsError::Timeout { last_status, .. } => assert_eq!(last_status, "Creating"),
        other => panic!("expected Timeout, got {other:?}"),
    }
    assert!(
        t.elapsed() < Duration::from_millis(1500),
        "{:?}",
        t.elapsed()
    );

    let stop = Cancel::new();
    let trigger = stop.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        trigger.cancel();
    });
    let t = Instant::now();
    let err = endpoint::wait_in_service(&c, ep, None, MINUTE, &stop)
        .await
        .unwrap_err();
    assert!(matches!(err, AwsError::Cancelled { .. }), "{err}");
    assert!(
        t.elapsed() < Duration::from_millis(800),
        "{:?}",
        t.elapsed()
    );

    // The endpoint still comes up; then clean everything.
    endpoint::wait_in_service(&c, ep, Some(&cfg.name), MINUTE, &cancel)
        .await
        .unwrap();
    endpoint::delete(&c, ep).await.unwrap();
    endpoint::wait_deleted(&c, ep, MINUTE, &cancel)
        .await
        .unwrap();
    endpoint_config::delete(&c, &cfg.name).await.unwrap();
    model::delete(&c, &m.name).await.unwrap();
    role::delete(&c, &r.name).await.unwrap();
    assert!(ctl.inventory().await.unwrap().empty);
}
