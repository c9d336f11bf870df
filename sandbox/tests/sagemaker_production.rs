//! The fields production endpoints use, through aws-sdk-sagemaker, aws-sdk-kms and
//! aws-sdk-cloudwatchlogs: storage-volume and capture KMS keys (checked against moto's KMS,
//! refused on instance types with local NVMe storage), data capture, serverless variants and
//! their capacity updates, network isolation, and CloudWatch Logs groups (forwarded to moto,
//! listed in the inventory, created for endpoints when the option asks for it).

mod common;

use std::time::{Duration, Instant};

use aws_sdk_sagemaker::error::ProvideErrorMetadata;
use aws_sdk_sagemaker::operation::create_endpoint_config::builders::CreateEndpointConfigFluentBuilder;
use aws_sdk_sagemaker::operation::describe_endpoint::DescribeEndpointOutput;
use aws_sdk_sagemaker::operation::describe_endpoint_config::DescribeEndpointConfigOutput;
use aws_sdk_sagemaker::types::{
    AsyncInferenceConfig, AsyncInferenceOutputConfig, CaptureContentTypeHeader, CaptureMode,
    CaptureOption, CaptureStatus, DataCaptureConfig, DesiredWeightAndCapacity, ProductionVariant,
    ProductionVariantInstanceType, ProductionVariantServerlessConfig,
    ProductionVariantServerlessUpdateConfig,
};
use common::*;
use sagemaker_sandbox::{FaultAction, FaultRule, Sandbox, SandboxOptions};

fn kms(conf: &aws_config::SdkConfig) -> aws_sdk_kms::Client {
    aws_sdk_kms::Client::new(conf)
}

fn logs(conf: &aws_config::SdkConfig) -> aws_sdk_cloudwatchlogs::Client {
    aws_sdk_cloudwatchlogs::Client::new(conf)
}

/// Creates a KMS key in the sandbox's moto; returns (key id, key ARN).
async fn create_key(url: &str) -> (String, String) {
    let out = kms(&config(url).await)
        .create_key()
        .send()
        .await
        .expect("CreateKey");
    let meta = out.key_metadata().expect("key metadata");
    (
        meta.key_id().to_string(),
        meta.arn().unwrap_or_default().to_string(),
    )
}

/// The message of a ValidationException (fails on any other outcome).
fn refusal<T: std::fmt::Debug, E: ProvideErrorMetadata + std::fmt::Debug>(
    result: Result<T, E>,
) -> String {
    let err = result.expect_err("the call is refused");
    let (code, message) = code_message(&err);
    assert_eq!(code, "ValidationException", "{err:?}");
    message
}

/// An instance-backed variant of `model` on instance type `t`.
fn instance_variant(model: &str, t: &str) -> ProductionVariant {
    ProductionVariant::builder()
        .variant_name("AllTraffic")
        .model_name(model)
        .instance_type(ProductionVariantInstanceType::from(t))
        .initial_instance_count(1)
        .initial_variant_weight(1.0)
        .build()
}

/// A serverless variant of `model`.
fn serverless_variant(
    model: &str,
    memory: i32,
    max: i32,
    provisioned: Option<i32>,
) -> ProductionVariant {
    ProductionVariant::builder()
        .variant_name("AllTraffic")
        .model_name(model)
        .serverless_config(serverless_config(memory, max, provisioned))
        .build()
}

fn serverless_config(
    memory: i32,
    max: i32,
    provisioned: Option<i32>,
) -> ProductionVariantServerlessConfig {
    ProductionVariantServerlessConfig::builder()
        .memory_size_in_mb(memory)
        .max_concurrency(max)
        .set_provisioned_concurrency(provisioned)
        .build()
}

fn capture(sampling: i32, destination: &str, modes: &[CaptureMode]) -> DataCaptureConfig {
    let mut b = DataCaptureConfig::builder()
        .enable_capture(true)
        .initial_sampling_percentage(sampling)
        .destination_s3_uri(destination);
    for m in modes {
        b = b.capture_options(CaptureOption::builder().capture_mode(m.clone()).build());
    }
    b.build()
}

/// CreateEndpointConfig `name` with the one variant `variant`; add settings, then send.
fn new_config(
    sm: &aws_sdk_sagemaker::Client,
    name: &str,
    variant: ProductionVariant,
) -> CreateEndpointConfigFluentBuilder {
    sm.create_endpoint_config()
        .endpoint_config_name(name)
        .production_variants(variant)
}

/// CreateEndpointConfig of a fresh config with one `instance_type` variant of `model` and the
/// volume key `key`; returns the config's name.
async fn config_with_key(
    sm: &aws_sdk_sagemaker::Client,
    model: &str,
    instance_type: &str,
    key: &str,
) -> Result<String, aws_sdk_sagemaker::Error> {
    let name = unique("vk-cfg");
    new_config(sm, &name, instance_variant(model, instance_type))
        .kms_key_id(key)
        .send()
        .await
        .map_err(aws_sdk_sagemaker::Error::from)?;
    Ok(name)
}

async fn describe_config(
    sm: &aws_sdk_sagemaker::Client,
    name: &str,
) -> DescribeEndpointConfigOutput {
    sm.describe_endpoint_config()
        .endpoint_config_name(name)
        .send()
        .await
        .expect("DescribeEndpointConfig")
}

async fn describe_endpoint(sm: &aws_sdk_sagemaker::Client, name: &str) -> DescribeEndpointOutput {
    sm.describe_endpoint()
        .endpoint_name(name)
        .send()
        .await
        .expect("DescribeEndpoint")
}

/// UpdateEndpointWeightsAndCapacities of variant AllTraffic of `endpoint` with a
/// `ServerlessUpdateConfig`.
async fn update_serverless(
    sm: &aws_sdk_sagemaker::Client,
    endpoint: &str,
    max: Option<i32>,
    provisioned: Option<i32>,
) -> Result<(), aws_sdk_sagemaker::Error> {
    let update = ProductionVariantServerlessUpdateConfig::builder()
        .set_max_concurrency(max)
        .set_provisioned_concurrency(provisioned)
        .build();
    sm.update_endpoint_weights_and_capacities()
        .endpoint_name(endpoint)
        .desired_weights_and_capacities(
            DesiredWeightAndCapacity::builder()
                .variant_name("AllTraffic")
                .serverless_update_config(update)
                .build(),
        )
        .send()
        .await
        .map(|_| ())
        .map_err(aws_sdk_sagemaker::Error::from)
}

/// A model with data and role, in the shared sandbox; returns its name.
async fn model(sb: &Sandbox, prefix: &str) -> String {
    fixture(sb, prefix).await.0
}

#[tokio::test]
async fn volume_key_round_trips_and_must_exist_and_be_enabled() {
    let sb = shared().await;
    let sm = sagemaker(sb.url()).await;
    let model = model(sb, "vk").await;
    let (key_id, key_arn) = create_key(sb.url()).await;
    let alias = unique("alias/vk");
    kms(&config(sb.url()).await)
        .create_alias()
        .alias_name(&alias)
        .target_key_id(&key_id)
        .send()
        .await
        .expect("CreateAlias");
    let alias_arn = format!("arn:aws:kms:us-east-1:123456789012:{alias}");
    for key in [&key_arn, &key_id, &alias, &alias_arn] {
        let name = config_with_key(&sm, &model, "ml.m5.large", key)
            .await
            .unwrap_or_else(|e| panic!("a volume key {key} on ml.m5.large is accepted: {e:?}"));
        let d = describe_config(&sm, &name).await;
        assert_eq!(d.kms_key_id(), Some(key.as_str()));
    }

    let missing = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    let msg = refusal(config_with_key(&sm, &model, "ml.m5.large", missing).await);
    assert_eq!(
        msg,
        format!(
            "KMS key \"{missing}\" given in KmsKeyId does not exist in account 123456789012 (region us-east-1)."
        )
    );
    let msg = refusal(config_with_key(&sm, &model, "ml.m5.large", "alias/no-such-alias").await);
    assert!(
        msg.contains("\"alias/no-such-alias\" given in KmsKeyId does not exist"),
        "{msg}"
    );

    kms(&config(sb.url()).await)
        .disable_key()
        .key_id(&key_id)
        .send()
        .await
        .expect("DisableKey");
    let msg = refusal(config_with_key(&sm, &model, "ml.m5.large", &key_arn).await);
    assert_eq!(
        msg,
        format!(
            "KMS key \"{key_arn}\" given in KmsKeyId cannot be used: its state is Disabled, not Enabled."
        )
    );
    // A key of another account cannot be looked up here and is taken as given.
    let foreign = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    config_with_key(&sm, &model, "ml.m5.large", foreign)
        .await
        .expect("another account's key is not checked");
}

#[tokio::test]
async fn volume_key_is_refused_on_instance_storage_types() {
    let sb = shared().await;
    let sm = sagemaker(sb.url()).await;
    let model = model(sb, "nvme").await;
    let (_, key_arn) = create_key(sb.url()).await;
    for t in [
        "ml.g5.xlarge",
        "ml.g4dn.xlarge",
        "ml.g6.xlarge",
        "ml.p4d.24xlarge",
        "ml.m5d.large",
    ] {
        let msg = refusal(config_with_key(&sm, &model, t, &key_arn).await);
        assert_eq!(
            msg,
            format!(
                "KmsKeyId cannot be used with instance type {t} of production variant \"AllTraffic\": \
                 its local NVMe instance storage is encrypted by the instance itself. Remove KmsKeyId \
                 or choose an instance type without instance storage."
            )
        );
    }
    // Without the volume key the same types are fine, and EBS-backed types take the key.
    let name = unique("nvme-ok");
    new_config(&sm, &name, instance_variant(&model, "ml.g5.xlarge"))
        .send()
        .await
        .expect("ml.g5.xlarge without KmsKeyId");
    config_with_key(&sm, &model, "ml.inf2.xlarge", &key_arn)
        .await
        .expect("ml.inf2.xlarge has no instance storage");
}

#[tokio::test]
async fn data_capture_round_trips_and_is_summarised_by_describe_endpoint() {
    let sb = shared().await;
    let sm = sagemaker(sb.url()).await;
    let model = model(sb, "dc").await;
    let (_, key_arn) = create_key(sb.url()).await;
    let dc = DataCaptureConfig::builder()
        .enable_capture(true)
        .initial_sampling_percentage(25)
        .destination_s3_uri("s3://capture-bucket/prefix")
        .kms_key_id(&key_arn)
        .capture_options(
            CaptureOption::builder()
                .capture_mode(CaptureMode::Input)
                .build(),
        )
        .capture_options(
            CaptureOption::builder()
                .capture_mode(CaptureMode::Output)
                .build(),
        )
        .capture_content_type_header(
            CaptureContentTypeHeader::builder()
                .csv_content_types("text/csv")
                .json_content_types("application/json")
                .json_content_types("application/jsonlines")
                .build(),
        )
        .build();
    let name = unique("dc-cfg");
    new_config(&sm, &name, instance_variant(&model, "ml.m5.large"))
        .data_capture_config(dc.clone())
        .send()
        .await
        .expect("CreateEndpointConfig with data capture");
    let d = describe_config(&sm, &name).await;
    assert_eq!(d.data_capture_config(), Some(&dc));

    let ep = unique("dc-ep");
    create_endpoint(&sm, &ep, &name).await;
    wait_for(&sm, &ep, "InService").await;
    let e = describe_endpoint(&sm, &ep).await;
    let s = e.data_capture_config().expect("DataCaptureConfig summary");
    assert_eq!(s.enable_capture(), Some(true));
    assert_eq!(s.capture_status(), Some(&CaptureStatus::Started));
    assert_eq!(s.current_sampling_percentage(), Some(25));
    assert_eq!(s.destination_s3_uri(), Some("s3://capture-bucket/prefix"));
    assert_eq!(s.kms_key_id(), Some(key_arn.as_str()));
}

#[tokio::test]
async fn data_capture_refusals_name_the_member() {
    let sb = shared().await;
    let sm = sagemaker(sb.url()).await;
    let model = model(sb, "dcr").await;
    let both = [CaptureMode::Input, CaptureMode::Output];
    let cases: Vec<(DataCaptureConfig, String)> = vec![
        (
            capture(101, "s3://b/p", &both),
            "1 validation error detected: Value '101' at 'dataCaptureConfig.initialSamplingPercentage' failed to satisfy constraint: Member must have value less than or equal to 100".into(),
        ),
        (
            capture(-1, "s3://b/p", &both),
            "1 validation error detected: Value '-1' at 'dataCaptureConfig.initialSamplingPercentage' failed to satisfy constraint: Member must have value greater than or equal to 0".into(),
        ),
        (
            capture(10, "b/p", &both),
            "1 validation error detected: Value 'b/p' at 'dataCaptureConfig.destinationS3Uri' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(https|s3)://([^/]+)/?(.*)$".into(),
        ),
        (
            capture(10, "s3://b/p", &[CaptureMode::Input, CaptureMode::Input]),
            "Invalid DataCaptureConfig: CaptureMode Input is listed more than once in CaptureOptions.".into(),
        ),
        (
            capture(10, "s3://b/p", &[]),
            "1 validation error detected: Value null at 'dataCaptureConfig.captureOptions' failed to satisfy constraint: Member must not be null".into(),
        ),
        (
            DataCaptureConfig::builder()
                .initial_sampling_percentage(10)
                .destination_s3_uri("s3://b/p")
                .capture_options(CaptureOption::builder().capture_mode(CaptureMode::Input).build())
                .capture_content_type_header(
                    CaptureContentTypeHeader::builder().csv_content_types("csv").build(),
                )
                .build(),
            "1 validation error detected: Value 'csv' at 'dataCaptureConfig.captureContentTypeHeader.csvContentTypes.1.member' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9](-*[a-zA-Z0-9])*\\/[a-zA-Z0-9](-*[a-zA-Z0-9.])*".into(),
        ),
    ];
    for (dc, want) in cases {
        let msg = refusal(
            new_config(
                &sm,
                &unique("dcr-cfg"),
                instance_variant(&model, "ml.m5.large"),
            )
            .data_capture_config(dc)
            .send()
            .await,
        );
        assert_eq!(msg, want);
    }
}

#[tokio::test]
async fn serverless_variant_round_trips_and_scales_its_concurrency() {
    let sb = shared().await;
    let sm = sagemaker(sb.url()).await;
    let model = model(sb, "sl").await;
    let name = unique("sl-cfg");
    new_config(&sm, &name, serverless_variant(&model, 2048, 5, Some(2)))
        .send()
        .await
        .expect("CreateEndpointConfig with ServerlessConfig");
    let d = describe_config(&sm, &name).await;
    let v = &d.production_variants()[0];
    assert_eq!(
        v.serverless_config(),
        Some(&serverless_config(2048, 5, Some(2)))
    );
    assert!(v.instance_type().is_none() && v.initial_instance_count().is_none());

    let ep = unique("sl-ep");
    create_endpoint(&sm, &ep, &name).await;
    wait_for(&sm, &ep, "InService").await;
    let e = describe_endpoint(&sm, &ep).await;
    let pv = &e.production_variants()[0];
    assert_eq!(
        pv.current_serverless_config(),
        Some(&serverless_config(2048, 5, Some(2)))
    );
    assert_eq!(
        pv.desired_serverless_config(),
        Some(&serverless_config(2048, 5, Some(2)))
    );
    assert_eq!(pv.current_instance_count(), None);

    let msg = refusal(
        sm.update_endpoint_weights_and_capacities()
            .endpoint_name(&ep)
            .desired_weights_and_capacities(
                DesiredWeightAndCapacity::builder()
                    .variant_name("AllTraffic")
                    .desired_instance_count(2)
                    .build(),
            )
            .send()
            .await,
    );
    assert_eq!(
        msg,
        "DesiredInstanceCount cannot be set for serverless variant \"AllTraffic\"; use ServerlessUpdateConfig."
    );
    let msg = refusal(update_serverless(&sm, &ep, None, Some(9)).await);
    assert!(
        msg.contains("ProvisionedConcurrency (9) must be less than or equal to MaxConcurrency (5)"),
        "{msg}"
    );

    update_serverless(&sm, &ep, Some(10), Some(4))
        .await
        .expect("ServerlessUpdateConfig on a serverless variant");
    let e = describe_endpoint(&sm, &ep).await;
    let pv = &e.production_variants()[0];
    assert_eq!(e.endpoint_status().map(|s| s.as_str()), Some("Updating"));
    assert_eq!(
        pv.current_serverless_config(),
        Some(&serverless_config(2048, 5, Some(2)))
    );
    assert_eq!(
        pv.desired_serverless_config(),
        Some(&serverless_config(2048, 10, Some(4)))
    );
    wait_for(&sm, &ep, "InService").await;
    let e = describe_endpoint(&sm, &ep).await;
    let pv = &e.production_variants()[0];
    assert_eq!(
        pv.current_serverless_config(),
        Some(&serverless_config(2048, 10, Some(4)))
    );

    // An instance variant takes no ServerlessUpdateConfig.
    let (_, instance_cfg) = fixture(sb, "sl-inst").await;
    let inst = unique("sl-inst-ep");
    create_endpoint(&sm, &inst, &instance_cfg).await;
    wait_for(&sm, &inst, "InService").await;
    let msg = refusal(update_serverless(&sm, &inst, Some(3), None).await);
    assert_eq!(
        msg,
        "ServerlessUpdateConfig can only be set for a serverless variant; variant \"AllTraffic\" runs on instances."
    );
}

#[tokio::test]
async fn serverless_refusals() {
    let sb = shared().await;
    let sm = sagemaker(sb.url()).await;
    let model = model(sb, "slr").await;
    let v = |memory, max, prov| serverless_variant(&model, memory, max, prov);
    let cases: Vec<(ProductionVariant, &str)> = vec![
        (
            v(512, 5, None),
            "1 validation error detected: Value '512' at 'productionVariants.1.member.serverlessConfig.memorySizeInMB' failed to satisfy constraint: Member must have value greater than or equal to 1024",
        ),
        (
            v(8192, 5, None),
            "1 validation error detected: Value '8192' at 'productionVariants.1.member.serverlessConfig.memorySizeInMB' failed to satisfy constraint: Member must have value less than or equal to 6144",
        ),
        (
            v(1500, 5, None),
            "Invalid ServerlessConfig for production variant \"AllTraffic\": MemorySizeInMB 1500 is not one of 1024, 2048, 3072, 4096, 5120, 6144.",
        ),
        (
            v(1024, 201, None),
            "1 validation error detected: Value '201' at 'productionVariants.1.member.serverlessConfig.maxConcurrency' failed to satisfy constraint: Member must have value less than or equal to 200",
        ),
        (
            v(1024, 2, Some(3)),
            "Invalid ServerlessConfig for production variant \"AllTraffic\": ProvisionedConcurrency (3) must be less than or equal to MaxConcurrency (2).",
        ),
        (
            ProductionVariant::builder()
                .variant_name("AllTraffic")
                .model_name(&model)
                .instance_type(ProductionVariantInstanceType::MlM5Large)
                .serverless_config(serverless_config(1024, 2, None))
                .build(),
            "Invalid ProductionVariant \"AllTraffic\": InstanceType cannot be specified together with ServerlessConfig.",
        ),
        (
            ProductionVariant::builder()
                .variant_name("AllTraffic")
                .model_name(&model)
                .initial_instance_count(1)
                .serverless_config(serverless_config(1024, 2, None))
                .build(),
            "Invalid ProductionVariant \"AllTraffic\": InitialInstanceCount cannot be specified together with ServerlessConfig.",
        ),
        (
            ProductionVariant::builder()
                .variant_name("AllTraffic")
                .model_name(&model)
                .volume_size_in_gb(30)
                .serverless_config(serverless_config(1024, 2, None))
                .build(),
            "Invalid ProductionVariant \"AllTraffic\": VolumeSizeInGB cannot be specified together with ServerlessConfig.",
        ),
    ];
    for (variant, want) in cases {
        let msg = refusal(new_config(&sm, &unique("slr-cfg"), variant).send().await);
        assert_eq!(msg, want);
    }

    let (_, key_arn) = create_key(sb.url()).await;
    let msg = refusal(
        new_config(&sm, &unique("slr-kms"), v(1024, 2, None))
            .kms_key_id(&key_arn)
            .send()
            .await,
    );
    assert_eq!(
        msg,
        "KmsKeyId (storage volume encryption) is not supported with serverless production variant \"AllTraffic\"."
    );
    let msg = refusal(
        new_config(&sm, &unique("slr-dc"), v(1024, 2, None))
            .data_capture_config(capture(10, "s3://b/p", &[CaptureMode::Input]))
            .send()
            .await,
    );
    assert_eq!(
        msg,
        "DataCaptureConfig is not supported with serverless production variant \"AllTraffic\"."
    );

    let isolated = unique("slr-isolated");
    let role = create_role(sb.url(), &unique("slr-role")).await;
    sm.create_model()
        .model_name(&isolated)
        .execution_role_arn(&role)
        .primary_container(container("s3://slr-data/model.tar.gz"))
        .enable_network_isolation(true)
        .send()
        .await
        .expect("CreateModel with network isolation");
    let msg = refusal(
        new_config(
            &sm,
            &unique("slr-iso"),
            serverless_variant(&isolated, 1024, 2, None),
        )
        .send()
        .await,
    );
    assert_eq!(
        msg,
        format!(
            "Model \"{isolated}\" with EnableNetworkIsolation is not supported with serverless production variant \"AllTraffic\"."
        )
    );
}

#[tokio::test]
async fn network_isolation_and_async_output_key_round_trip() {
    let sb = shared().await;
    let sm = sagemaker(sb.url()).await;
    let role = create_role(sb.url(), &unique("ni-role")).await;
    let isolated = unique("ni-on");
    let open = unique("ni-off");
    for (name, flag) in [(&isolated, Some(true)), (&open, None)] {
        sm.create_model()
            .model_name(name)
            .execution_role_arn(&role)
            .primary_container(container("s3://ni-data/model.tar.gz"))
            .set_enable_network_isolation(flag)
            .send()
            .await
            .expect("CreateModel");
    }
    let d = sm
        .describe_model()
        .model_name(&isolated)
        .send()
        .await
        .unwrap();
    assert_eq!(d.enable_network_isolation(), Some(true));
    let d = sm.describe_model().model_name(&open).send().await.unwrap();
    assert_eq!(d.enable_network_isolation(), Some(false));

    let (_, key_arn) = create_key(sb.url()).await;
    let name = unique("ni-async");
    let async_config = AsyncInferenceConfig::builder()
        .output_config(
            AsyncInferenceOutputConfig::builder()
                .s3_output_path("s3://ni-out/results")
                .kms_key_id(&key_arn)
                .build(),
        )
        .build();
    new_config(&sm, &name, instance_variant(&isolated, "ml.m5.large"))
        .async_inference_config(async_config.clone())
        .send()
        .await
        .expect("CreateEndpointConfig with an async output key");
    let d = describe_config(&sm, &name).await;
    assert_eq!(d.async_inference_config(), Some(&async_config));

    let msg = refusal(
        new_config(
            &sm,
            &unique("ni-async-missing"),
            instance_variant(&isolated, "ml.m5.large"),
        )
        .async_inference_config(
            AsyncInferenceConfig::builder()
                .output_config(
                    AsyncInferenceOutputConfig::builder()
                        .s3_output_path("s3://ni-out/results")
                        .kms_key_id("alias/missing-output-key")
                        .build(),
                )
                .build(),
        )
        .send()
        .await,
    );
    assert_eq!(
        msg,
        "KMS key \"alias/missing-output-key\" given in AsyncInferenceConfig.OutputConfig.KmsKeyId does not exist in account 123456789012 (region us-east-1)."
    );
}

/// Polls the inventory until `group` is (or is not) among the log groups.
async fn wait_for_log_group(
    sb: &Sandbox,
    group: &str,
    present: bool,
) -> sagemaker_sandbox::Inventory {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let inv = sb.control().inventory().await.expect("inventory");
        if inv.logs.log_groups.iter().any(|g| g == group) == present {
            return inv;
        }
        assert!(
            Instant::now() < deadline,
            "log group {group} present={present} never seen: {inv:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn log_groups_reach_moto_and_show_in_the_inventory() {
    let sb = start().await;
    let ctl = sb.control();
    assert!(ctl.inventory().await.unwrap().empty);
    let cwl = logs(&config(sb.url()).await);
    let group = "/aws/sagemaker/Endpoints/left-behind";
    cwl.create_log_group()
        .log_group_name(group)
        .tags("owner", "test")
        .send()
        .await
        .expect("CreateLogGroup");
    cwl.put_retention_policy()
        .log_group_name(group)
        .retention_in_days(7)
        .send()
        .await
        .expect("PutRetentionPolicy");
    let described = cwl
        .describe_log_groups()
        .log_group_name_prefix("/aws/sagemaker/")
        .send()
        .await
        .expect("DescribeLogGroups");
    let g = &described.log_groups()[0];
    assert_eq!(g.log_group_name(), Some(group));
    assert_eq!(g.retention_in_days(), Some(7));
    let arn = g.log_group_arn().expect("logGroupArn").to_string();
    cwl.tag_resource()
        .resource_arn(&arn)
        .tags("stage", "prod")
        .send()
        .await
        .expect("TagResource");
    let tags = cwl
        .list_tags_for_resource()
        .resource_arn(&arn)
        .send()
        .await
        .expect("ListTagsForResource");
    let tags = tags.tags().expect("tags");
    assert_eq!(tags.get("owner").map(String::as_str), Some("test"));
    assert_eq!(tags.get("stage").map(String::as_str), Some("prod"));

    let inv = ctl.inventory().await.unwrap();
    assert_eq!(inv.logs.log_groups, vec![group.to_string()]);
    assert!(!inv.empty, "a log group left behind is an orphan");
    cwl.delete_log_group()
        .log_group_name(group)
        .send()
        .await
        .expect("DeleteLogGroup");
    let inv = ctl.inventory().await.unwrap();
    assert!(inv.logs.log_groups.is_empty() && inv.empty, "{inv:?}");
    for op in [
        "CreateLogGroup",
        "PutRetentionPolicy",
        "DescribeLogGroups",
        "TagResource",
        "ListTagsForResource",
        "DeleteLogGroup",
    ] {
        assert_eq!(
            ctl.count("logs", op).await.unwrap(),
            1,
            "{op} forwarded once"
        );
    }
}

#[tokio::test]
async fn endpoint_log_groups_option_creates_the_group_at_in_service() {
    require_venv();
    let mut opts = SandboxOptions {
        endpoint_log_groups: true,
        ..SandboxOptions::fast()
    };
    opts.durations.endpoint_create_ms = 1500;
    let sb = Sandbox::start(opts).await.expect("sandbox starts");
    let sm = sagemaker(sb.url()).await;
    let cwl = logs(&config(sb.url()).await);
    let (_, config_name) = fixture(&sb, "lg").await;
    let ep = unique("Lg-Endpoint");
    let group = format!("/aws/sagemaker/Endpoints/{ep}");
    create_endpoint(&sm, &ep, &config_name).await;
    let early = cwl
        .describe_log_groups()
        .log_group_name_prefix(&group)
        .send()
        .await
        .expect("DescribeLogGroups");
    let status = describe_endpoint(&sm, &ep).await.endpoint_status().cloned();
    assert_eq!(status.as_ref().map(|s| s.as_str()), Some("Creating"));
    assert!(early.log_groups().is_empty(), "no group while Creating");
    wait_for(&sm, &ep, "InService").await;
    wait_for_log_group(&sb, &group, true).await;

    // Like SageMaker's, the group outlives the endpoint: an orphan check sees it.
    sm.delete_endpoint()
        .endpoint_name(&ep)
        .send()
        .await
        .unwrap();
    wait_for(&sm, &ep, "Gone").await;
    let inv = sb.control().inventory().await.unwrap();
    assert_eq!(inv.logs.log_groups, vec![group.clone()]);
    assert!(inv.sagemaker.endpoints.is_empty());

    // An endpoint that fails never gets one.
    let failing = unique("lg-failing");
    sb.control()
        .add_fault(
            &FaultRule::new(
                "sagemaker",
                "CreateEndpoint",
                FaultAction::Fail { reason: None },
            )
            .times(1),
        )
        .await
        .unwrap();
    create_endpoint(&sm, &failing, &config_name).await;
    wait_for(&sm, &failing, "Failed").await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let inv = sb.control().inventory().await.unwrap();
    assert_eq!(inv.logs.log_groups, vec![group]);
}

#[tokio::test]
async fn without_the_option_no_log_group_is_created() {
    let sb = shared().await;
    let sm = sagemaker(sb.url()).await;
    let (_, config_name) = fixture(sb, "nolg").await;
    let ep = unique("nolg-ep");
    create_endpoint(&sm, &ep, &config_name).await;
    wait_for(&sm, &ep, "InService").await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let found = logs(&config(sb.url()).await)
        .describe_log_groups()
        .log_group_name_prefix(format!("/aws/sagemaker/Endpoints/{ep}"))
        .send()
        .await
        .expect("DescribeLogGroups");
    assert!(found.log_groups().is_empty());
}
