//! The SageMaker emulation around safe rollouts: an instance type change on a variant registered
//! with moto's Application Auto Scaling is refused, as SageMaker refuses it, and allowed after
//! deregistering; deregistering a target deletes its scaling policies, as AWS does; a rollback
//! rule on an update whose DeploymentConfig watches alarms names the alarm.

mod common;

use aws_sdk_applicationautoscaling::types::{
    AdjustmentType, PolicyType, ScalableDimension, ServiceNamespace, StepAdjustment,
    StepScalingPolicyConfiguration,
};
use aws_sdk_sagemaker::types::{
    Alarm, AutoRollbackConfig, BlueGreenUpdatePolicy, CapacitySize, CapacitySizeType,
    DeploymentConfig, ProductionVariant, ProductionVariantInstanceType, TrafficRoutingConfig,
    TrafficRoutingConfigType,
};
use common::*;
use sagemaker_sandbox::{FaultAction, FaultRule};

#[tokio::test]
async fn deregistering_a_target_deletes_its_policies() {
    let sb = shared().await;
    let aas = aws_sdk_applicationautoscaling::Client::new(&config(sb.url()).await);
    let dim = ScalableDimension::SageMakerVariantDesiredInstanceCount;
    let mine = format!("endpoint/{}/variant/AllTraffic", unique("dereg"));
    let other = format!("endpoint/{}/variant/AllTraffic", unique("kept"));
    for resource in [&mine, &other] {
        aas.register_scalable_target()
            .service_namespace(ServiceNamespace::Sagemaker)
            .resource_id(resource)
            .scalable_dimension(dim.clone())
            .min_capacity(1)
            .max_capacity(2)
            .send()
            .await
            .unwrap();
        aas.put_scaling_policy()
            .policy_name("step")
            .service_namespace(ServiceNamespace::Sagemaker)
            .resource_id(resource)
            .scalable_dimension(dim.clone())
            .policy_type(PolicyType::StepScaling)
            .step_scaling_policy_configuration(
                StepScalingPolicyConfiguration::builder()
                    .adjustment_type(AdjustmentType::ChangeInCapacity)
                    .step_adjustments(
                        StepAdjustment::builder()
                            .metric_interval_lower_bound(0.0)
                            .scaling_adjustment(1)
                            .build()
                            .unwrap(),
                    )
                    .build(),
            )
            .send()
            .await
            .unwrap();
    }
    aas.deregister_scalable_target()
        .service_namespace(ServiceNamespace::Sagemaker)
        .resource_id(&mine)
        .scalable_dimension(dim.clone())
        .send()
        .await
        .unwrap();
    let left = |resource: &str| {
        let aas = aas.clone();
        let resource = resource.to_string();
        async move {
            aas.describe_scaling_policies()
                .service_namespace(ServiceNamespace::Sagemaker)
                .resource_id(resource)
                .send()
                .await
                .unwrap()
                .scaling_policies()
                .len()
        }
    };
    assert_eq!(
        left(&mine).await,
        0,
        "the deregistered target kept its policy"
    );
    assert_eq!(left(&other).await, 1, "another target lost its policy");
    aas.deregister_scalable_target()
        .service_namespace(ServiceNamespace::Sagemaker)
        .resource_id(&other)
        .scalable_dimension(dim)
        .send()
        .await
        .unwrap();
    assert_eq!(left(&other).await, 0);
}

#[tokio::test]
async fn instance_type_change_needs_the_variant_deregistered() {
    let sb = shared().await;
    let sm = sagemaker(sb.url()).await;
    let aas = aws_sdk_applicationautoscaling::Client::new(&config(sb.url()).await);
    let (model, config) = fixture(sb, "it").await;
    let name = unique("it-ep");
    sm.create_endpoint()
        .endpoint_name(&name)
        .endpoint_config_name(&config)
        .send()
        .await
        .unwrap();
    wait_for(&sm, &name, "InService").await;
    let resource = format!("endpoint/{name}/variant/AllTraffic");
    aas.register_scalable_target()
        .service_namespace(ServiceNamespace::Sagemaker)
        .resource_id(&resource)
        .scalable_dimension(ScalableDimension::SageMakerVariantDesiredInstanceCount)
        .min_capacity(1)
        .max_capacity(3)
        .send()
        .await
        .unwrap();

    // Same instance type, new config: allowed while registered.
    let same = unique("it-same");
    create_config(&sm, &same, &model, 2).await;
    sm.update_endpoint()
        .endpoint_name(&name)
        .endpoint_config_name(&same)
        .send()
        .await
        .expect("an update keeping the instance type is allowed");
    wait_for(&sm, &name, "InService").await;

    let bigger = unique("it-big");
    sm.create_endpoint_config()
        .endpoint_config_name(&bigger)
        .production_variants(
            ProductionVariant::builder()
                .variant_name("AllTraffic")
                .model_name(&model)
                .instance_type(ProductionVariantInstanceType::MlG52Xlarge)
                .initial_instance_count(1)
                .initial_variant_weight(1.0)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let err = sm
        .update_endpoint()
        .endpoint_name(&name)
        .endpoint_config_name(&bigger)
        .send()
        .await
        .expect_err("an instance type change on a registered variant is refused");
    let (code, message) = code_message(err.as_service_error().unwrap());
    assert_eq!(code, "ValidationException");
    assert!(message.contains(&resource), "{message}");
    let d = sm
        .describe_endpoint()
        .endpoint_name(&name)
        .send()
        .await
        .unwrap();
    assert_eq!(d.endpoint_config_name(), Some(same.as_str()));

    aas.deregister_scalable_target()
        .service_namespace(ServiceNamespace::Sagemaker)
        .resource_id(&resource)
        .scalable_dimension(ScalableDimension::SageMakerVariantDesiredInstanceCount)
        .send()
        .await
        .unwrap();
    sm.update_endpoint()
        .endpoint_name(&name)
        .endpoint_config_name(&bigger)
        .send()
        .await
        .expect("allowed once deregistered");
    wait_for(&sm, &name, "InService").await;
    let d = sm
        .describe_endpoint()
        .endpoint_name(&name)
        .send()
        .await
        .unwrap();
    assert_eq!(d.endpoint_config_name(), Some(bigger.as_str()));
    sm.delete_endpoint()
        .endpoint_name(&name)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn rollback_rule_names_the_alarm_of_the_deployment() {
    let sb = start().await;
    let sm = sagemaker(sb.url()).await;
    let (model, config) = fixture(&sb, "ra").await;
    let name = unique("ra-ep");
    sm.create_endpoint()
        .endpoint_name(&name)
        .endpoint_config_name(&config)
        .send()
        .await
        .unwrap();
    wait_for(&sm, &name, "InService").await;
    let next = unique("ra-next");
    create_config(&sm, &next, &model, 2).await;
    sb.control()
        .add_fault(
            &FaultRule::new(
                "sagemaker",
                "UpdateEndpoint",
                FaultAction::Rollback { reason: None },
            )
            .times(1),
        )
        .await
        .unwrap();
    let canary = TrafficRoutingConfig::builder()
        .r#type(TrafficRoutingConfigType::Canary)
        .wait_interval_in_seconds(60)
        .canary_size(
            CapacitySize::builder()
                .r#type(CapacitySizeType::CapacityPercent)
                .value(10)
                .build(),
        )
        .build();
    let dc = DeploymentConfig::builder()
        .blue_green_update_policy(
            BlueGreenUpdatePolicy::builder()
                .traffic_routing_configuration(canary)
                .build(),
        )
        .auto_rollback_configuration(
            AutoRollbackConfig::builder()
                .alarms(Alarm::builder().alarm_name("p99-latency").build())
                .build(),
        )
        .build();
    sm.update_endpoint()
        .endpoint_name(&name)
        .endpoint_config_name(&next)
        .deployment_config(dc)
        .send()
        .await
        .unwrap();
    assert_eq!(
        wait_for(&sm, &name, "InService").await,
        vec!["Updating", "RollingBack", "InService"]
    );
    let d = sm
        .describe_endpoint()
        .endpoint_name(&name)
        .send()
        .await
        .unwrap();
    assert_eq!(d.endpoint_config_name(), Some(config.as_str()));
    let reason = d.failure_reason().unwrap_or_default();
    assert!(reason.contains("\"p99-latency\""), "{reason}");
    let last = d.last_deployment_config().unwrap();
    let routing = last
        .blue_green_update_policy()
        .and_then(|b| b.traffic_routing_configuration())
        .unwrap();
    assert_eq!(routing.r#type(), Some(&TrafficRoutingConfigType::Canary));
    sm.delete_endpoint()
        .endpoint_name(&name)
        .send()
        .await
        .unwrap();
    sb.stop();
}
