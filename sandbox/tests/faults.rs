//! Fault rules through real SDK clients: throttling and retries, server errors, dropped
//! connections, delays, errors on moto services in their own protocols, and lifecycle faults.

mod common;

use std::time::{Duration, Instant};

use aws_config::retry::RetryConfig;
use aws_sdk_sagemaker::types::EndpointStatus;
use common::*;
use sagemaker_sandbox::{DurationsPatch, FaultAction, FaultRule};

fn retry(max_attempts: u32) -> RetryConfig {
    RetryConfig::standard()
        .with_max_attempts(max_attempts)
        .with_initial_backoff(Duration::from_millis(5))
}

#[tokio::test]
async fn throttling_is_retried_by_the_sdk_until_attempts_run_out() {
    let sb = start().await;
    let ctl = sb.control();
    let (_, config) = fixture(&sb, "thr").await;
    let sm = sagemaker(sb.url()).await;
    let name = unique("thr-ep");
    sm.create_endpoint()
        .endpoint_name(&name)
        .endpoint_config_name(&config)
        .send()
        .await
        .unwrap();

    // Count 3: the standard retry strategy (5 attempts here) gets through on the 4th try.
    ctl.clear_log().await.unwrap();
    let id = ctl
        .add_fault(
            &FaultRule::error("sagemaker", "DescribeEndpoint", "ThrottlingException", 400).times(3),
        )
        .await
        .unwrap();
    let patient = aws_sdk_sagemaker::Client::new(&config_with_retry(sb.url(), retry(5)).await);
    let out = patient
        .describe_endpoint()
        .endpoint_name(&name)
        .send()
        .await
        .expect("retried to success");
    assert_eq!(out.endpoint_name(), Some(name.as_str()));
    let log = ctl
        .log_for("sagemaker", Some("DescribeEndpoint"))
        .await
        .unwrap();
    let outcomes: Vec<(&str, u16)> = log.iter().map(|e| (e.outcome.as_str(), e.status)).collect();
    assert_eq!(
        outcomes,
        vec![("fault", 400), ("fault", 400), ("fault", 400), ("ok", 200)]
    );
    assert_eq!(log[0].error.as_deref(), Some("ThrottlingException"));
    assert_eq!(ctl.faults().await.unwrap()[0].fired, 3);
    ctl.remove_fault(id).await.unwrap();

    // Count 10 with max_attempts 3: the SDK gives up with the throttling error.
    ctl.clear_log().await.unwrap();
    ctl.add_fault(
        &FaultRule::error("sagemaker", "DescribeEndpoint", "ThrottlingException", 400).times(10),
    )
    .await
    .unwrap();
    let three = aws_sdk_sagemaker::Client::new(&config_with_retry(sb.url(), retry(3)).await);
    let err = three
        .describe_endpoint()
        .endpoint_name(&name)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        code_message(&err),
        ("ThrottlingException".into(), "Rate exceeded".into())
    );
    assert_eq!(ctl.count("sagemaker", "DescribeEndpoint").await.unwrap(), 3);
    // Other operations are untouched.
    three.list_endpoints().send().await.unwrap();
}

#[tokio::test]
async fn server_errors_resets_delays_and_probability() {
    let sb = start().await;
    let ctl = sb.control();
    let sm = sagemaker(sb.url()).await;

    // A 500 is transient: retried once, then the call succeeds.
    ctl.add_fault(&FaultRule::error("sagemaker", "ListModels", "InternalFailure", 500).times(1))
        .await
        .unwrap();
    sm.list_models().send().await.expect("retried after 500");
    let log = ctl.log_for("sagemaker", Some("ListModels")).await.unwrap();
    assert_eq!(
        log.iter().map(|e| e.status).collect::<Vec<_>>(),
        vec![500, 200]
    );

    // A dropped connection is retried too.
    ctl.add_fault(&FaultRule::new("sagemaker", "ListEndpointConfigs", FaultAction::Reset).times(1))
        .await
        .unwrap();
    sm.list_endpoint_configs()
        .send()
        .await
        .expect("retried after reset");
    assert_eq!(
        outcomes(&ctl, "ListEndpointConfigs").await,
        vec![(0, "fault".into()), (200, "ok".into())]
    );

    // Delay only slows the call down.
    let mut slow = FaultRule::new("sagemaker", "ListEndpoints", FaultAction::Delay).times(1);
    slow.delay_ms = Some(400);
    ctl.add_fault(&slow).await.unwrap();
    let t = Instant::now();
    sm.list_endpoints().send().await.unwrap();
    assert!(
        t.elapsed() >= Duration::from_millis(400),
        "{:?}",
        t.elapsed()
    );

    // Probability 0 never fires; probability 1 always does.
    let mut never = FaultRule::error("sagemaker", "ListTags", "ThrottlingException", 400);
    never.probability = Some(0.0);
    ctl.add_fault(&never).await.unwrap();
    let mut always = FaultRule::error("sagemaker", "DescribeModel", "AccessDeniedException", 400);
    always.probability = Some(1.0);
    ctl.add_fault(&always).await.unwrap();
    let err = sm
        .list_tags()
        .resource_arn("arn:aws:sagemaker:us-east-1:123456789012:model/x")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code_message(&err).0, "ResourceNotFound");
    let err = sm
        .describe_model()
        .model_name("x")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code_message(&err).0, "AccessDeniedException");
    ctl.clear_faults().await.unwrap();
    assert!(ctl.faults().await.unwrap().is_empty());
}

#[tokio::test]
async fn faults_on_moto_services_use_their_protocols() {
    let sb = start().await;
    let ctl = sb.control();
    let conf = config_with_retry(sb.url(), retry(1)).await;
    for (service, op, code) in [
        ("iam", "ListRoles", "Throttling"),
        ("s3", "ListBuckets", "SlowDown"),
        ("monitoring", "DescribeAlarms", "ThrottlingException"),
        (
            "application-autoscaling",
            "DescribeScalableTargets",
            "ThrottlingException",
        ),
        ("sns", "ListTopics", "Throttled"),
        ("sts", "GetCallerIdentity", "Throttling"),
    ] {
        ctl.add_fault(&FaultRule::error(service, op, code, 400).times(1))
            .await
            .unwrap();
        let got = match service {
            "iam" => code_message(
                &aws_sdk_iam::Client::new(&conf)
                    .list_roles()
                    .send()
                    .await
                    .unwrap_err(),
            ),
            "s3" => {
                let s3 = aws_sdk_s3::Client::from_conf(
                    aws_sdk_s3::config::Builder::from(&conf)
                        .force_path_style(true)
                        .build(),
                );
                code_message(&s3.list_buckets().send().await.unwrap_err())
            }
            "monitoring" => code_message(
                &aws_sdk_cloudwatch::Client::new(&conf)
                    .describe_alarms()
                    .send()
                    .await
                    .unwrap_err(),
            ),
            "application-autoscaling" => code_message(
                &aws_sdk_applicationautoscaling::Client::new(&conf)
                    .describe_scalable_targets()
                    .service_namespace(
                        aws_sdk_applicationautoscaling::types::ServiceNamespace::Sagemaker,
                    )
                    .send()
                    .await
                    .unwrap_err(),
            ),
            "sns" => code_message(
                &aws_sdk_sns::Client::new(&conf)
                    .list_topics()
                    .send()
                    .await
                    .unwrap_err(),
            ),
            _ => code_message(
                &aws_sdk_sts::Client::new(&conf)
                    .get_caller_identity()
                    .send()
                    .await
                    .unwrap_err(),
            ),
        };
        assert_eq!(got.0, code, "{service} {op}: {got:?}");
    }
    // Each rule fired once; the next calls reach moto.
    assert!(ctl.faults().await.unwrap().iter().all(|r| r.fired == 1));
    aws_sdk_iam::Client::new(&conf)
        .list_roles()
        .send()
        .await
        .unwrap();
    aws_sdk_cloudwatch::Client::new(&conf)
        .describe_alarms()
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn rollback_and_fail_rules_steer_the_lifecycle() {
    let sb = start().await;
    let ctl = sb.control();
    let sm = sagemaker(sb.url()).await;
    let (model, config) = fixture(&sb, "dir").await;
    let name = unique("dir-ep");
    sm.create_endpoint()
        .endpoint_name(&name)
        .endpoint_config_name(&config)
        .send()
        .await
        .unwrap();
    wait_for(&sm, &name, "InService").await;
    let new_config = unique("dir-cfg-new");
    create_config(&sm, &new_config, &model, 2).await;
    ctl.add_fault(
        &FaultRule::new(
            "sagemaker",
            "UpdateEndpoint",
            FaultAction::Rollback { reason: None },
        )
        .times(1),
    )
    .await
    .unwrap();
    sm.update_endpoint()
        .endpoint_name(&name)
        .endpoint_config_name(&new_config)
        .send()
        .await
        .unwrap();
    let seen = wait_for(&sm, &name, "InService").await;
    assert_eq!(seen, vec!["Updating", "RollingBack", "InService"]);
    let d = sm
        .describe_endpoint()
        .endpoint_name(&name)
        .send()
        .await
        .unwrap();
    assert_eq!(
        d.endpoint_config_name(),
        Some(config.as_str()),
        "back on the old config"
    );
    assert!(d.failure_reason().is_some_and(|r| r.contains(&new_config)));
    assert_eq!(d.production_variants()[0].current_instance_count(), Some(1));
    // The rule is spent: the next update goes through.
    sm.update_endpoint()
        .endpoint_name(&name)
        .endpoint_config_name(&new_config)
        .send()
        .await
        .unwrap();
    assert_eq!(
        wait_for(&sm, &name, "InService").await,
        vec!["Updating", "InService"]
    );
    let d = sm
        .describe_endpoint()
        .endpoint_name(&name)
        .send()
        .await
        .unwrap();
    assert_eq!(d.endpoint_config_name(), Some(new_config.as_str()));
    assert!(d.failure_reason().is_none());

    let reason = "CannotStartContainerError. Please ensure the model container is healthy.";
    ctl.add_fault(&FaultRule::new(
        "sagemaker",
        "CreateEndpoint",
        FaultAction::Fail {
            reason: Some(reason.into()),
        },
    ))
    .await
    .unwrap();
    let failing = unique("dir-failing");
    sm.create_endpoint()
        .endpoint_name(&failing)
        .endpoint_config_name(&config)
        .send()
        .await
        .unwrap();
    assert_eq!(
        wait_for(&sm, &failing, "Failed").await,
        vec!["Creating", "Failed"]
    );
    let d = sm
        .describe_endpoint()
        .endpoint_name(&failing)
        .send()
        .await
        .unwrap();
    assert_eq!(d.failure_reason(), Some(reason));
    let err = sm
        .update_endpoint()
        .endpoint_name(&failing)
        .endpoint_config_name(&config)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        code_message(&err).0,
        "ValidationException",
        "Failed allows only delete"
    );
    sm.delete_endpoint()
        .endpoint_name(&failing)
        .send()
        .await
        .unwrap();
    assert_eq!(
        wait_for(&sm, &failing, "Gone").await,
        vec!["Deleting", "Gone"]
    );
    assert_eq!(
        sm.describe_endpoint()
            .endpoint_name(&name)
            .send()
            .await
            .unwrap()
            .endpoint_status(),
        Some(&EndpointStatus::InService)
    );
}

#[tokio::test]
async fn iam_propagation_delay_refuses_fresh_roles() {
    let sb = start().await;
    let ctl = sb.control();
    let d = ctl
        .set_durations(DurationsPatch {
            iam_propagation_ms: Some(1500),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(d.iam_propagation_ms, 1500);
    let sm = sagemaker(sb.url()).await;
    let role = create_role(sb.url(), &unique("fresh")).await;
    let created = Instant::now();
    let attempt = || async {
        sm.create_model()
            .model_name("fresh-model")
            .execution_role_arn(&role)
            .primary_container(container("s3://b/k"))
            .send()
            .await
    };
    let err = attempt().await.unwrap_err();
    assert_eq!(
        code_message(&err),
        ("ValidationException".into(), assume_role_message(&role))
    );
    let mut tries = 1;
    while attempt().await.is_err() {
        tries += 1;
        assert!(
            created.elapsed() < Duration::from_secs(5),
            "role never became usable"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        created.elapsed() >= Duration::from_millis(1400),
        "{:?}",
        created.elapsed()
    );
    assert!(tries > 1);
    // Roles are usable at once when the delay is 0 (the default).
    ctl.set_durations(DurationsPatch {
        iam_propagation_ms: Some(0),
        ..Default::default()
    })
    .await
    .unwrap();
    let role2 = create_role(sb.url(), &unique("fresh2")).await;
    create_model(&sm, "fresh-model-2", &role2, "s3://b/k").await;
}
