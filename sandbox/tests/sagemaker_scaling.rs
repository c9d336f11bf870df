//! SageMaker emulation together with moto's Application Auto Scaling: an instance type change
//! on a registered variant is refused, as SageMaker refuses it, and allowed after deregistering.

mod common;

use aws_sdk_applicationautoscaling::types::{ScalableDimension, ServiceNamespace};
use aws_sdk_sagemaker::types::{ProductionVariant, ProductionVariantInstanceType};
use common::*;

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
