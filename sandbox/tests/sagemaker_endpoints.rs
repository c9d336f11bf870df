//! Endpoint lifecycle, updates, capacity changes and Failed outcomes through aws-sdk-sagemaker.

mod common;

use aws_sdk_sagemaker::types::{
    Alarm, AutoRollbackConfig, BlueGreenUpdatePolicy, ContainerDefinition, DeploymentConfig,
    DesiredWeightAndCapacity, EndpointStatus, ModelCompressionType, ModelDataSource,
    S3ModelDataSource, S3ModelDataType, TrafficRoutingConfig, TrafficRoutingConfigType,
    VariantProperty, VariantPropertyType,
};
use common::*;

#[tokio::test]
async fn endpoint_create_describe_list_delete() {
    let sb = shared().await;
    let sm = sagemaker(sb.url()).await;
    let (_, config) = fixture(sb, "ep").await;
    let name = unique("My-Endpoint");
    let arn = format!(
        "arn:aws:sagemaker:us-east-1:123456789012:endpoint/{}",
        name.to_lowercase()
    );
    let out = sm
        .create_endpoint()
        .endpoint_name(&name)
        .endpoint_config_name(&config)
        .send()
        .await
        .unwrap();
    assert_eq!(out.endpoint_arn(), Some(arn.as_str()));
    let creating = sm
        .describe_endpoint()
        .endpoint_name(&name)
        .send()
        .await
        .unwrap();
    assert_eq!(creating.endpoint_status(), Some(&EndpointStatus::Creating));
    assert!(creating.production_variants().is_empty());
    let err = sm
        .create_endpoint()
        .endpoint_name(&name)
        .endpoint_config_name(&config)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        code_message(&err),
        (
            "ValidationException".into(),
            format!("Cannot create already existing endpoint \"{arn}\".")
        )
    );
    let seen = wait_for(&sm, &name, "InService").await;
    assert_eq!(seen, vec!["Creating", "InService"]);
    let d = sm
        .describe_endpoint()
        .endpoint_name(&name)
        .send()
        .await
        .unwrap();
    assert_eq!(d.endpoint_config_name(), Some(config.as_str()));
    assert_eq!(d.endpoint_arn(), Some(arn.as_str()));
    assert!(d.failure_reason().is_none());
    let v = &d.production_variants()[0];
    assert_eq!(v.variant_name(), Some("AllTraffic"));
    assert_eq!(
        (v.current_instance_count(), v.desired_instance_count()),
        (Some(1), Some(1))
    );
    assert_eq!(v.deployed_images()[0].specified_image(), Some(IMAGE));
    let listed = sm
        .list_endpoints()
        .name_contains(&name)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.endpoints().len(), 1);
    assert_eq!(
        listed.endpoints()[0].endpoint_status(),
        Some(&EndpointStatus::InService)
    );
    let filtered = sm
        .list_endpoints()
        .name_contains(&name)
        .status_equals(EndpointStatus::Creating)
        .send()
        .await
        .unwrap();
    assert!(filtered.endpoints().is_empty());
    // Deleting the config of a live endpoint is allowed, and the endpoint keeps serving.
    sm.delete_endpoint_config()
        .endpoint_config_name(&config)
        .send()
        .await
        .unwrap();
    let d = sm
        .describe_endpoint()
        .endpoint_name(&name)
        .send()
        .await
        .unwrap();
    assert_eq!(d.endpoint_status(), Some(&EndpointStatus::InService));
    sm.delete_endpoint()
        .endpoint_name(&name)
        .send()
        .await
        .unwrap();
    let seen = wait_for(&sm, &name, "Gone").await;
    assert_eq!(seen, vec!["Deleting", "Gone"]);
    let err = sm
        .delete_endpoint()
        .endpoint_name(&name)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        code_message(&err).1,
        format!("Could not find endpoint \"{arn}\".")
    );
}

#[tokio::test]
async fn endpoint_with_missing_config_or_in_progress_is_rejected() {
    let sb = shared().await;
    let sm = sagemaker(sb.url()).await;
    let missing = unique("nocfg");
    let err = sm
        .create_endpoint()
        .endpoint_name(unique("ep"))
        .endpoint_config_name(&missing)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        code_message(&err).1,
        format!(
            "Could not find endpoint configuration \"arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/{missing}\"."
        )
    );
    let (_, config) = fixture(sb, "busy").await;
    let name = unique("busy-ep");
    sm.create_endpoint()
        .endpoint_name(&name)
        .endpoint_config_name(&config)
        .send()
        .await
        .unwrap();
    let err = sm
        .update_endpoint()
        .endpoint_name(&name)
        .endpoint_config_name(&config)
        .send()
        .await
        .unwrap_err();
    assert!(
        code_message(&err)
            .1
            .starts_with("Cannot update in-progress endpoint"),
        "{:?}",
        code_message(&err)
    );
    let err = sm
        .delete_endpoint()
        .endpoint_name(&name)
        .send()
        .await
        .unwrap_err();
    assert!(
        code_message(&err)
            .1
            .starts_with("Cannot delete in-progress endpoint")
    );
    let err = sm
        .create_endpoint()
        .endpoint_name("bad_name")
        .endpoint_config_name(&config)
        .send()
        .await
        .unwrap_err();
    assert!(
        code_message(&err)
            .1
            .contains("at 'endpointName' failed to satisfy constraint")
    );
}

#[tokio::test]
async fn update_swaps_config_with_no_downtime() {
    let sb = shared().await;
    let sm = sagemaker(sb.url()).await;
    let (model, old_config) = fixture(sb, "upd").await;
    let name = unique("upd-ep");
    sm.create_endpoint()
        .endpoint_name(&name)
        .endpoint_config_name(&old_config)
        .send()
        .await
        .unwrap();
    wait_for(&sm, &name, "InService").await;
    let new_config = unique("upd-cfg-new");
    create_config(&sm, &new_config, &model, 3).await;
    let dc = DeploymentConfig::builder()
        .blue_green_update_policy(
            BlueGreenUpdatePolicy::builder()
                .traffic_routing_configuration(
                    TrafficRoutingConfig::builder()
                        .r#type(TrafficRoutingConfigType::AllAtOnce)
                        .wait_interval_in_seconds(0)
                        .build(),
                )
                .build(),
        )
        .auto_rollback_configuration(
            AutoRollbackConfig::builder()
                .alarms(Alarm::builder().alarm_name("errors").build())
                .build(),
        )
        .build();
    sm.update_endpoint()
        .endpoint_name(&name)
        .endpoint_config_name(&new_config)
        .deployment_config(dc.clone())
        .send()
        .await
        .unwrap();
    let during = sm
        .describe_endpoint()
        .endpoint_name(&name)
        .send()
        .await
        .unwrap();
    assert_eq!(during.endpoint_status(), Some(&EndpointStatus::Updating));
    assert_eq!(
        during.endpoint_config_name(),
        Some(old_config.as_str()),
        "old config serves meanwhile"
    );
    assert_eq!(
        during.production_variants()[0].current_instance_count(),
        Some(1)
    );
    let pending = during
        .pending_deployment_summary()
        .expect("pending deployment");
    assert_eq!(pending.endpoint_config_name(), Some(new_config.as_str()));
    let seen = wait_for(&sm, &name, "InService").await;
    assert_eq!(seen, vec!["Updating", "InService"], "never OutOfService");
    let after = sm
        .describe_endpoint()
        .endpoint_name(&name)
        .send()
        .await
        .unwrap();
    assert_eq!(after.endpoint_config_name(), Some(new_config.as_str()));
    assert_eq!(
        after.production_variants()[0].current_instance_count(),
        Some(3)
    );
    assert!(after.pending_deployment_summary().is_none());
    assert_eq!(after.last_deployment_config(), Some(&dc));
}

#[tokio::test]
async fn capacity_changes_and_retained_properties() {
    let sb = shared().await;
    let sm = sagemaker(sb.url()).await;
    let (model, config) = fixture(sb, "cap").await;
    let name = unique("cap-ep");
    sm.create_endpoint()
        .endpoint_name(&name)
        .endpoint_config_name(&config)
        .send()
        .await
        .unwrap();
    wait_for(&sm, &name, "InService").await;
    sm.update_endpoint_weights_and_capacities()
        .endpoint_name(&name)
        .desired_weights_and_capacities(
            DesiredWeightAndCapacity::builder()
                .variant_name("AllTraffic")
                .desired_instance_count(4)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let during = sm
        .describe_endpoint()
        .endpoint_name(&name)
        .send()
        .await
        .unwrap();
    let v = &during.production_variants()[0];
    assert_eq!(during.endpoint_status(), Some(&EndpointStatus::Updating));
    assert_eq!(
        (v.current_instance_count(), v.desired_instance_count()),
        (Some(1), Some(4))
    );
    wait_for(&sm, &name, "InService").await;
    let d = sm
        .describe_endpoint()
        .endpoint_name(&name)
        .send()
        .await
        .unwrap();
    assert_eq!(d.production_variants()[0].current_instance_count(), Some(4));
    let err = sm
        .update_endpoint_weights_and_capacities()
        .endpoint_name(&name)
        .desired_weights_and_capacities(
            DesiredWeightAndCapacity::builder()
                .variant_name("Nope")
                .desired_instance_count(2)
                .build(),
        )
        .send()
        .await
        .unwrap_err();
    assert!(code_message(&err).1.contains("Nope"));

    // Retain: the live count (4) wins over the new config's initial count (2).
    let cfg2 = unique("cap-cfg2");
    create_config(&sm, &cfg2, &model, 2).await;
    sm.update_endpoint()
        .endpoint_name(&name)
        .endpoint_config_name(&cfg2)
        .retain_all_variant_properties(true)
        .send()
        .await
        .unwrap();
    wait_for(&sm, &name, "InService").await;
    let d = sm
        .describe_endpoint()
        .endpoint_name(&name)
        .send()
        .await
        .unwrap();
    assert_eq!(d.endpoint_config_name(), Some(cfg2.as_str()));
    assert_eq!(d.production_variants()[0].current_instance_count(), Some(4));

    // Excluding DesiredInstanceCount takes the config's count again.
    let cfg3 = unique("cap-cfg3");
    create_config(&sm, &cfg3, &model, 2).await;
    sm.update_endpoint()
        .endpoint_name(&name)
        .endpoint_config_name(&cfg3)
        .retain_all_variant_properties(true)
        .exclude_retained_variant_properties(
            VariantProperty::builder()
                .variant_property_type(VariantPropertyType::DesiredInstanceCount)
                .build(),
        )
        .send()
        .await
        .unwrap();
    wait_for(&sm, &name, "InService").await;
    let d = sm
        .describe_endpoint()
        .endpoint_name(&name)
        .send()
        .await
        .unwrap();
    assert_eq!(d.production_variants()[0].current_instance_count(), Some(2));
    // Without retain the config's count is used as well.
    sm.update_endpoint()
        .endpoint_name(&name)
        .endpoint_config_name(&cfg2)
        .send()
        .await
        .unwrap();
    wait_for(&sm, &name, "InService").await;
    let d = sm
        .describe_endpoint()
        .endpoint_name(&name)
        .send()
        .await
        .unwrap();
    assert_eq!(d.production_variants()[0].current_instance_count(), Some(2));
}

async fn endpoint_failure(
    sb: &sagemaker_sandbox::Sandbox,
    role: &str,
    container: ContainerDefinition,
) -> (Vec<String>, Option<String>) {
    let sm = sagemaker(sb.url()).await;
    let model = unique("fail-model");
    sm.create_model()
        .model_name(&model)
        .execution_role_arn(role)
        .primary_container(container)
        .send()
        .await
        .unwrap();
    let config = unique("fail-cfg");
    create_config(&sm, &config, &model, 1).await;
    let name = unique("fail-ep");
    sm.create_endpoint()
        .endpoint_name(&name)
        .endpoint_config_name(&config)
        .send()
        .await
        .unwrap();
    let mut seen = Vec::new();
    for _ in 0..400 {
        let d = sm
            .describe_endpoint()
            .endpoint_name(&name)
            .send()
            .await
            .unwrap();
        let s = d.endpoint_status().unwrap().as_str().to_string();
        if seen.last() != Some(&s) {
            seen.push(s.clone());
        }
        if s == "Failed" || s == "InService" {
            return (seen, d.failure_reason().map(str::to_string));
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("endpoint never settled: {seen:?}");
}

#[tokio::test]
async fn endpoint_fails_without_model_data_or_role() {
    let sb = shared().await;
    let role = create_role(sb.url(), &unique("fail-role")).await;
    let bucket = unique("fail-bucket").to_lowercase();
    let present = format!("s3://{bucket}/present/model.tar.gz");
    sb.control().seed_object(&present, None).await.unwrap();

    // Missing object.
    let missing = format!("s3://{bucket}/absent/model.tar.gz");
    let (seen, reason) = endpoint_failure(sb, &role, container(&missing)).await;
    assert_eq!(seen, vec!["Creating", "Failed"]);
    assert!(
        reason.as_deref().unwrap_or_default().contains(&missing),
        "{reason:?}"
    );

    // Missing prefix (uncompressed model data source), then an existing one.
    let source = |uri: &str| {
        ContainerDefinition::builder()
            .image(IMAGE)
            .model_data_source(
                ModelDataSource::builder()
                    .s3_data_source(
                        S3ModelDataSource::builder()
                            .s3_uri(uri)
                            .s3_data_type(S3ModelDataType::S3Prefix)
                            .compression_type(ModelCompressionType::None)
                            .build(),
                    )
                    .build(),
            )
            .build()
    };
    let (seen, reason) =
        endpoint_failure(sb, &role, source(&format!("s3://{bucket}/nothing-here/"))).await;
    assert_eq!(seen.last().map(String::as_str), Some("Failed"));
    assert!(reason.unwrap_or_default().contains("nothing-here"));
    let (seen, reason) =
        endpoint_failure(sb, &role, source(&format!("s3://{bucket}/present/"))).await;
    assert_eq!(
        (seen.last().map(String::as_str), reason),
        (Some("InService"), None)
    );

    // Missing role.
    let ghost = "arn:aws:iam::123456789012:role/no-such-role-anywhere";
    let (seen, reason) = endpoint_failure(sb, ghost, container(&present)).await;
    assert_eq!(seen, vec!["Creating", "Failed"]);
    assert_eq!(reason.as_deref(), Some(assume_role_message(ghost).as_str()));

    // A role that does not trust SageMaker fails the same way.
    let name = unique("untrusting");
    let untrusting = iam(sb.url())
        .await
        .create_role()
        .role_name(&name)
        .assume_role_policy_document(
            TRUST_SAGEMAKER.replace("sagemaker.amazonaws.com", "ec2.amazonaws.com"),
        )
        .send()
        .await
        .unwrap()
        .role()
        .unwrap()
        .arn()
        .to_string();
    let (_, reason) = endpoint_failure(sb, &untrusting, container(&present)).await;
    assert_eq!(
        reason.as_deref(),
        Some(assume_role_message(&untrusting).as_str())
    );

    // The happy path with the same bucket and role.
    let (seen, reason) = endpoint_failure(sb, &role, container(&present)).await;
    assert_eq!(
        (seen, reason),
        (vec!["Creating".to_string(), "InService".to_string()], None)
    );
}

#[tokio::test]
async fn failed_update_rolls_back_to_old_config() {
    let sb = shared().await;
    let sm = sagemaker(sb.url()).await;
    let (_, config) = fixture(sb, "rb").await;
    let name = unique("rb-ep");
    sm.create_endpoint()
        .endpoint_name(&name)
        .endpoint_config_name(&config)
        .send()
        .await
        .unwrap();
    wait_for(&sm, &name, "InService").await;
    let role = create_role(sb.url(), &unique("rb-role")).await;
    let broken_model = unique("rb-broken");
    create_model(
        &sm,
        &broken_model,
        &role,
        "s3://no-such-bucket-anywhere/model.tar.gz",
    )
    .await;
    let broken_config = unique("rb-cfg-broken");
    create_config(&sm, &broken_config, &broken_model, 1).await;
    sm.update_endpoint()
        .endpoint_name(&name)
        .endpoint_config_name(&broken_config)
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
    assert_eq!(d.endpoint_config_name(), Some(config.as_str()));
    assert!(
        d.failure_reason()
            .unwrap_or_default()
            .contains("no-such-bucket-anywhere")
    );
}

/// `GET /_sandbox/endpoints` tells when an endpoint entered its status, from the
/// sandbox's own clock and without any DescribeEndpoint (benchmarks use it to time how soon
/// a client notices InService).
#[tokio::test]
async fn control_api_reports_when_each_status_began() {
    // Its own sandbox: the DescribeEndpoint count below must not see other tests' calls.
    let sb = &start().await;
    let sm = sagemaker(sb.url()).await;
    let ctl = sb.control();
    let (_, config) = fixture(sb, "times").await;
    let name = unique("Timed-Endpoint");
    let find =
        |all: Vec<sagemaker_sandbox::EndpointTimes>| all.into_iter().find(|e| e.name == name);
    sm.create_endpoint()
        .endpoint_name(&name)
        .endpoint_config_name(&config)
        .send()
        .await
        .unwrap();
    let creating = find(ctl.endpoints().await.unwrap()).expect("listed");
    assert_eq!(
        (creating.status.as_str(), creating.region.as_str()),
        ("Creating", "us-east-1")
    );
    assert_eq!(creating.status_since, creating.creation_time);
    let ends = creating.phase_ends.expect("a running create phase");
    let create_ms = sb.control().durations().await.unwrap().endpoint_create_ms;
    assert!((ends - creating.creation_time - create_ms as f64 / 1000.0).abs() < 1e-6);

    tokio::time::sleep(std::time::Duration::from_millis(create_ms + 300)).await;
    let describes = ctl.count("sagemaker", "DescribeEndpoint").await.unwrap();
    let ready = find(ctl.endpoints().await.unwrap()).expect("listed");
    assert_eq!(ready.status, "InService");
    assert_eq!(
        ready.status_since, ends,
        "the moment the create ended, not when asked"
    );
    assert_eq!(ready.phase_ends, None);
    assert_eq!(
        ctl.count("sagemaker", "DescribeEndpoint").await.unwrap(),
        describes,
        "control calls are not AWS calls"
    );

    sm.delete_endpoint()
        .endpoint_name(&name)
        .send()
        .await
        .unwrap();
    let deleting = find(ctl.endpoints().await.unwrap()).expect("listed");
    assert_eq!(deleting.status, "Deleting");
    assert!(deleting.status_since > ends && deleting.phase_ends.is_some());
    wait_for(&sm, &name, "Gone").await;
    assert!(find(ctl.endpoints().await.unwrap()).is_none());
}
