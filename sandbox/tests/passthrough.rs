//! The six moto services through their real SDK clients, with exact request-log and inventory
//! checks, and the zero-orphan flag going back to true after cleanup.

mod common;

use aws_sdk_applicationautoscaling::types::{
    MetricType, PolicyType, PredefinedMetricSpecification, ScalableDimension, ServiceNamespace,
    TargetTrackingScalingPolicyConfiguration,
};
use aws_sdk_cloudwatch::types::{ComparisonOperator, Statistic};
use aws_sdk_s3::primitives::ByteStream;
use common::*;

#[tokio::test]
async fn moto_services_work_and_are_logged_and_inventoried_exactly() {
    let sb = start().await;
    let ctl = sb.control();
    let conf = config(sb.url()).await;
    let iam = aws_sdk_iam::Client::new(&conf);
    let sts = aws_sdk_sts::Client::new(&conf);
    let sns = aws_sdk_sns::Client::new(&conf);
    let s3 = s3(sb.url()).await;
    let aas = aws_sdk_applicationautoscaling::Client::new(&conf);
    let cw = aws_sdk_cloudwatch::Client::new(&conf);
    let sm = aws_sdk_sagemaker::Client::new(&conf);

    let doc = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
    let role_arn = iam
        .create_role()
        .role_name("exec-role")
        .assume_role_policy_document(TRUST_SAGEMAKER)
        .send()
        .await
        .unwrap()
        .role()
        .unwrap()
        .arn()
        .to_string();
    iam.put_role_policy()
        .role_name("exec-role")
        .policy_name("inline-read")
        .policy_document(doc)
        .send()
        .await
        .unwrap();
    let policy_arn = iam
        .create_policy()
        .policy_name("custom-read")
        .policy_document(doc)
        .send()
        .await
        .unwrap()
        .policy()
        .unwrap()
        .arn()
        .unwrap()
        .to_string();
    iam.attach_role_policy()
        .role_name("exec-role")
        .policy_arn(&policy_arn)
        .send()
        .await
        .unwrap();
    let managed = "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess";
    iam.attach_role_policy()
        .role_name("exec-role")
        .policy_arn(managed)
        .send()
        .await
        .unwrap();

    let who = sts.get_caller_identity().send().await.unwrap();
    assert_eq!(who.account(), Some("123456789012"));

    let topic = sns
        .create_topic()
        .name("async-success")
        .send()
        .await
        .unwrap()
        .topic_arn()
        .unwrap()
        .to_string();
    assert_eq!(topic, "arn:aws:sns:us-east-1:123456789012:async-success");

    s3.create_bucket()
        .bucket("model-artifacts")
        .send()
        .await
        .unwrap();
    s3.put_object()
        .bucket("model-artifacts")
        .key("v1/model.tar.gz")
        .body(ByteStream::from_static(b"weights"))
        .send()
        .await
        .unwrap();
    let got = s3
        .get_object()
        .bucket("model-artifacts")
        .key("v1/model.tar.gz")
        .send()
        .await
        .unwrap();
    assert_eq!(
        got.body.collect().await.unwrap().into_bytes().as_ref(),
        b"weights"
    );
    let head = s3
        .head_object()
        .bucket("model-artifacts")
        .key("v1/model.tar.gz")
        .send()
        .await
        .unwrap();
    assert_eq!(head.content_length(), Some(7));

    let resource = "endpoint/ep/variant/AllTraffic";
    aas.register_scalable_target()
        .service_namespace(ServiceNamespace::Sagemaker)
        .resource_id(resource)
        .scalable_dimension(ScalableDimension::SageMakerVariantDesiredInstanceCount)
        .min_capacity(1)
        .max_capacity(4)
        .send()
        .await
        .unwrap();
    aas.put_scaling_policy()
        .policy_name("invocations")
        .service_namespace(ServiceNamespace::Sagemaker)
        .resource_id(resource)
        .scalable_dimension(ScalableDimension::SageMakerVariantDesiredInstanceCount)
        .policy_type(PolicyType::TargetTrackingScaling)
        .target_tracking_scaling_policy_configuration(
            TargetTrackingScalingPolicyConfiguration::builder()
                .target_value(70.0)
                .predefined_metric_specification(
                    PredefinedMetricSpecification::builder()
                        .predefined_metric_type(MetricType::SageMakerVariantInvocationsPerInstance)
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();

    cw.put_metric_alarm()
        .alarm_name("ep-5xx")
        .metric_name("Invocation5XXErrors")
        .namespace("AWS/SageMaker")
        .statistic(Statistic::Sum)
        .period(60)
        .evaluation_periods(1)
        .threshold(1.0)
        .comparison_operator(ComparisonOperator::GreaterThanOrEqualToThreshold)
        .send()
        .await
        .unwrap();
    let alarms = cw.describe_alarms().send().await.unwrap();
    let alarm = &alarms.metric_alarms()[0];
    assert_eq!(alarm.alarm_name(), Some("ep-5xx"));
    assert_eq!(alarm.threshold(), Some(1.0));
    assert!(alarm.state_updated_timestamp().is_some());

    create_model(
        &sm,
        "inv-model",
        &role_arn,
        "s3://model-artifacts/v1/model.tar.gz",
    )
    .await;

    // The request log, exactly.
    let log = ctl.log().await.unwrap();
    let calls: Vec<(&str, &str, bool, &str)> = log
        .iter()
        .map(|e| {
            (
                e.service.as_str(),
                e.operation.as_str(),
                e.forwarded,
                e.outcome.as_str(),
            )
        })
        .collect();
    let expected = vec![
        ("iam", "CreateRole", true, "ok"),
        ("iam", "PutRolePolicy", true, "ok"),
        ("iam", "CreatePolicy", true, "ok"),
        ("iam", "AttachRolePolicy", true, "ok"),
        ("iam", "AttachRolePolicy", true, "ok"),
        ("sts", "GetCallerIdentity", true, "ok"),
        ("sns", "CreateTopic", true, "ok"),
        ("s3", "CreateBucket", true, "ok"),
        ("s3", "PutObject", true, "ok"),
        ("s3", "GetObject", true, "ok"),
        ("s3", "HeadObject", true, "ok"),
        (
            "application-autoscaling",
            "RegisterScalableTarget",
            true,
            "ok",
        ),
        ("application-autoscaling", "PutScalingPolicy", true, "ok"),
        ("monitoring", "PutMetricAlarm", true, "ok"),
        ("monitoring", "DescribeAlarms", true, "ok"),
        ("sagemaker", "CreateModel", false, "ok"),
    ];
    assert_eq!(calls, expected);
    assert_eq!(
        log.iter().map(|e| e.seq).collect::<Vec<_>>(),
        (1..=16).collect::<Vec<u64>>()
    );
    assert!(log.windows(2).all(|w| w[0].time <= w[1].time));

    // The inventory, exactly.
    let inv = ctl.inventory().await.unwrap();
    assert!(!inv.empty);
    assert_eq!(inv.sagemaker.models, vec!["inv-model"]);
    assert!(inv.sagemaker.endpoints.is_empty() && inv.sagemaker.endpoint_configs.is_empty());
    assert_eq!(inv.iam.roles, vec!["exec-role"]);
    assert_eq!(inv.iam.role_policies, vec!["exec-role/inline-read"]);
    assert_eq!(
        inv.iam.attached_role_policies,
        vec![
            format!("exec-role -> {policy_arn}"),
            format!("exec-role -> {managed}")
        ]
    );
    assert_eq!(inv.iam.policies, vec![policy_arn.clone()]);
    assert_eq!(inv.sns.topics, vec![topic.clone()]);
    assert_eq!(inv.s3.buckets, vec!["model-artifacts"]);
    assert_eq!(inv.s3.objects, vec!["s3://model-artifacts/v1/model.tar.gz"]);
    assert_eq!(
        inv.application_autoscaling.scalable_targets,
        vec![format!(
            "sagemaker:{resource}:sagemaker:variant:DesiredInstanceCount"
        )]
    );
    assert_eq!(
        inv.application_autoscaling.scaling_policies,
        vec![format!("{resource}:invocations")]
    );
    assert_eq!(inv.cloudwatch.alarms, vec!["ep-5xx"]);
    // Inventory reads go straight to moto and are not logged.
    assert_eq!(ctl.log().await.unwrap().len(), 16);

    // Clean up in the provider's delete order; the zero-orphan flag comes back.
    aas.delete_scaling_policy()
        .policy_name("invocations")
        .service_namespace(ServiceNamespace::Sagemaker)
        .resource_id(resource)
        .scalable_dimension(ScalableDimension::SageMakerVariantDesiredInstanceCount)
        .send()
        .await
        .unwrap();
    aas.deregister_scalable_target()
        .service_namespace(ServiceNamespace::Sagemaker)
        .resource_id(resource)
        .scalable_dimension(ScalableDimension::SageMakerVariantDesiredInstanceCount)
        .send()
        .await
        .unwrap();
    cw.delete_alarms()
        .alarm_names("ep-5xx")
        .send()
        .await
        .unwrap();
    sm.delete_model()
        .model_name("inv-model")
        .send()
        .await
        .unwrap();
    sns.delete_topic().topic_arn(&topic).send().await.unwrap();
    s3.delete_object()
        .bucket("model-artifacts")
        .key("v1/model.tar.gz")
        .send()
        .await
        .unwrap();
    s3.delete_bucket()
        .bucket("model-artifacts")
        .send()
        .await
        .unwrap();
    iam.detach_role_policy()
        .role_name("exec-role")
        .policy_arn(&policy_arn)
        .send()
        .await
        .unwrap();
    let partial = ctl.inventory().await.unwrap();
    assert!(!partial.empty);
    assert_eq!(
        partial.iam.attached_role_policies,
        vec![format!("exec-role -> {managed}")]
    );
    iam.detach_role_policy()
        .role_name("exec-role")
        .policy_arn(managed)
        .send()
        .await
        .unwrap();
    iam.delete_role_policy()
        .role_name("exec-role")
        .policy_name("inline-read")
        .send()
        .await
        .unwrap();
    iam.delete_policy()
        .policy_arn(&policy_arn)
        .send()
        .await
        .unwrap();
    iam.delete_role()
        .role_name("exec-role")
        .send()
        .await
        .unwrap();
    let inv = ctl.inventory().await.unwrap();
    assert!(inv.empty, "{inv:#?}");
}
