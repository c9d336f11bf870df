//! Terraform 1.14+: `terraform query` and `-generate-config-out` on the
//! sandbox, the migration path from the CDK construct. Next to the flow's
//! own endpoint (made by this provider), an endpoint shaped like the
//! construct's is made with the SDK: a role with `AmazonSageMakerFullAccess`,
//! `modelId` tags, the `AllTraffic` variant with 600-second timeouts, and
//! asynchronous inference with fixed topic names, the stack's tag on the
//! model, the configuration and the endpoint, and the construct's scalable
//! target with its step scaling policy. The query must find both,
//! validation must point at the filter attribute, the generated
//! configuration must import with an empty plan afterwards (the scaling is
//! the stack's and stays out of it), and destroy must delete the endpoint,
//! its configuration and its model and leave the role, the topics and the
//! scaling objects exactly as they were.

use crate::acc_support::{Acc, MODEL_ARCHIVE};
use crate::support::{self, Workdir};
use aws_sdk_applicationautoscaling::types::{ScalableDimension, ServiceNamespace};
use aws_sdk_sagemaker::types::{
    AsyncInferenceClientConfig, AsyncInferenceConfig, AsyncInferenceNotificationConfig,
    AsyncInferenceOutputConfig, ContainerDefinition, ProductionVariant,
    ProductionVariantInstanceType, Tag,
};
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

const CDK_ENDPOINT: &str = "cdk-sentiment";
const CDK_BUCKET: &str = "cdk-async-results";
const FULL_ACCESS: &str = "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess";
const CDK_SCALED: &str = "endpoint/cdk-sentiment/variant/AllTraffic";

/// What the construct-shaped deployment made besides the endpoint.
struct Cdk {
    role: String,
    role_arn: String,
    topics: Vec<String>,
}

const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

/// Deploys an endpoint the way the CDK construct does, with the SDK.
fn deploy_like_cdk(acc: &Acc) -> Cdk {
    let role = format!("{CDK_ENDPOINT}-SageMakerRole");
    let sm = acc.sagemaker();
    let model_id = || Tag::builder().key("modelId").value("distilbert").build();
    // `Tags.of(stack)` puts the stack's tags on every taggable resource.
    let stack = || Tag::builder().key("stack").value("inference-prod").build();
    acc.block_on(async {
        let iam = acc.iam();
        let role_arn = iam
            .create_role()
            .role_name(&role)
            .assume_role_policy_document(TRUST)
            .send()
            .await
            .expect("CreateRole")
            .role()
            .expect("role")
            .arn()
            .to_string();
        iam.attach_role_policy()
            .role_name(&role)
            .policy_arn(FULL_ACCESS)
            .send()
            .await
            .expect("AttachRolePolicy");
        let sns = acc.sns();
        let mut topics = Vec::new();
        // The construct's fixed topic names, encrypted with the AWS key.
        for name in ["success-topic", "error-topic"] {
            let arn = sns
                .create_topic()
                .name(name)
                .attributes("KmsMasterKeyId", "alias/aws/sns")
                .send()
                .await
                .expect("CreateTopic")
                .topic_arn()
                .expect("arn")
                .to_string();
            topics.push(arn);
        }
        acc.s3()
            .create_bucket()
            .bucket(CDK_BUCKET)
            .send()
            .await
            .expect("CreateBucket");
        // The sandbox imitates IAM propagation: retry until the model sticks.
        let deadline = Instant::now() + Duration::from_secs(60);
        let container = ContainerDefinition::builder()
            .image(
                "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-inference:\
                 2.1.0-transformers4.37.0-cpu-py310-ubuntu22.04",
            )
            .model_data_url(MODEL_ARCHIVE)
            .environment("SAGEMAKER_REGION", "us-east-1")
            .environment("HF_TASK", "text-classification")
            .build();
        loop {
            let made = sm
                .create_model()
                .model_name(format!("{CDK_ENDPOINT}Model1A2B3C"))
                .execution_role_arn(&role_arn)
                .primary_container(container.clone())
                .tags(model_id())
                .tags(stack())
                .send()
                .await;
            match made {
                Ok(_) => break,
                Err(_) if Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(300)).await;
                }
                Err(e) => panic!("CreateModel: {e:?}"),
            }
        }
        let async_config = AsyncInferenceConfig::builder()
            .output_config(
                AsyncInferenceOutputConfig::builder()
                    .s3_output_path(format!("s3://{CDK_BUCKET}/output/"))
                    .s3_failure_path(format!("s3://{CDK_BUCKET}/failure/"))
                    .notification_config(
                        AsyncInferenceNotificationConfig::builder()
                            .success_topic(&topics[0])
                            .error_topic(&topics[1])
                            .build(),
                    )
                    .build(),
            )
            .client_config(
                AsyncInferenceClientConfig::builder()
                    .max_concurrent_invocations_per_instance(10)
                    .build(),
            )
            .build();
        sm.create_endpoint_config()
            .endpoint_config_name(format!("{CDK_ENDPOINT}Config4D5E6F"))
            .production_variants(
                ProductionVariant::builder()
                    .variant_name("AllTraffic")
                    .model_name(format!("{CDK_ENDPOINT}Model1A2B3C"))
                    .instance_type(ProductionVariantInstanceType::MlM5Xlarge)
                    .initial_instance_count(1)
                    .initial_variant_weight(1.0)
                    .model_data_download_timeout_in_seconds(600)
                    .container_startup_health_check_timeout_in_seconds(600)
                    .build(),
            )
            .async_inference_config(async_config)
            .tags(stack())
            .send()
            .await
            .expect("CreateEndpointConfig");
        sm.create_endpoint()
            .endpoint_name(CDK_ENDPOINT)
            .endpoint_config_name(format!("{CDK_ENDPOINT}Config4D5E6F"))
            .tags(model_id())
            .tags(stack())
            .send()
            .await
            .expect("CreateEndpoint");
        Cdk {
            role,
            role_arn,
            topics,
        }
    })
}

/// What the construct made besides the endpoint, as AWS describes it.
#[derive(Debug, PartialEq)]
struct Snapshot {
    trust: String,
    attached: Vec<String>,
    topics: Vec<BTreeMap<String, String>>,
    /// (min, max) of the scalable target, and its policies' names.
    scaling: (Option<(i32, i32)>, Vec<String>),
}

/// The role, topics and scaling of the construct as AWS describes them.
fn snapshot(acc: &Acc, cdk: &Cdk) -> Snapshot {
    acc.block_on(async {
        let iam = acc.iam();
        let trust = iam
            .get_role()
            .role_name(&cdk.role)
            .send()
            .await
            .expect("GetRole")
            .role()
            .and_then(|r| r.assume_role_policy_document())
            .unwrap_or_default()
            .to_string();
        let attached = iam
            .list_attached_role_policies()
            .role_name(&cdk.role)
            .send()
            .await
            .expect("ListAttachedRolePolicies")
            .attached_policies()
            .iter()
            .filter_map(|p| p.policy_arn().map(str::to_string))
            .collect();
        let mut topics = Vec::new();
        for arn in &cdk.topics {
            let attrs = acc
                .sns()
                .get_topic_attributes()
                .topic_arn(arn)
                .send()
                .await
                .expect("GetTopicAttributes");
            let mut a: BTreeMap<String, String> = attrs
                .attributes()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .collect();
            // Counters that change by themselves.
            a.retain(|k, _| !k.starts_with("Subscriptions"));
            topics.push(a);
        }
        let aas = acc.autoscaling();
        let target = aas
            .describe_scalable_targets()
            .service_namespace(ServiceNamespace::Sagemaker)
            .resource_ids(CDK_SCALED)
            .send()
            .await
            .expect("DescribeScalableTargets")
            .scalable_targets()
            .first()
            .map(|t| (t.min_capacity(), t.max_capacity()));
        let policies = aas
            .describe_scaling_policies()
            .service_namespace(ServiceNamespace::Sagemaker)
            .resource_id(CDK_SCALED)
            .send()
            .await
            .expect("DescribeScalingPolicies")
            .scaling_policies()
            .iter()
            .map(|p| p.policy_name().to_string())
            .collect();
        Snapshot {
            trust,
            attached,
            topics,
            scaling: (target, policies),
        }
    })
}

/// Removes what the construct-shaped deployment left (its stack would).
fn retire_cdk_leftovers(acc: &Acc, cdk: &Cdk) {
    acc.block_on(async {
        // Its policy goes with it.
        acc.autoscaling()
            .deregister_scalable_target()
            .service_namespace(ServiceNamespace::Sagemaker)
            .resource_id(CDK_SCALED)
            .scalable_dimension(ScalableDimension::SageMakerVariantDesiredInstanceCount)
            .send()
            .await
            .expect("DeregisterScalableTarget");
        let iam = acc.iam();
        iam.detach_role_policy()
            .role_name(&cdk.role)
            .policy_arn(FULL_ACCESS)
            .send()
            .await
            .expect("DetachRolePolicy");
        iam.delete_role()
            .role_name(&cdk.role)
            .send()
            .await
            .expect("DeleteRole");
        for arn in &cdk.topics {
            acc.sns()
                .delete_topic()
                .topic_arn(arn)
                .send()
                .await
                .expect("DeleteTopic");
        }
        acc.s3()
            .delete_bucket()
            .bucket(CDK_BUCKET)
            .send()
            .await
            .expect("DeleteBucket");
    });
}

fn list_block(name: &str, include_resource: bool, config: &str) -> String {
    format!(
        "list \"sagemaker_custom_endpoint\" \"{name}\" {{\n  provider         = sagemaker\n  \
         include_resource = {include_resource}\n\n  config {{\n{config}  }}\n}}\n"
    )
}

pub fn find_generate_and_import(acc: &Acc, workdir: &dyn Fn(&str) -> Workdir) {
    let cdk = deploy_like_cdk(acc);
    let cdk_arn = acc
        .wait_in_service(CDK_ENDPOINT)
        .endpoint_arn()
        .expect("arn")
        .to_string();
    // The construct's scaling: 1 to 2 instances, a step policy named by
    // CloudFormation.
    acc.scale_like_another_tool(CDK_SCALED, 2, "cdksentimentScalingPolicyA1B2C3");
    let before = snapshot(acc, &cdk);
    assert_eq!(before.scaling.0, Some((1, 2)), "{before:?}");
    let tags_before = acc.sagemaker_tags(&cdk_arn);
    let w = workdir(&format!("{}\n{}", support::header(), acc.provider_block()));

    // A filter that cannot match is refused at its line.
    w.write(
        "bad.tfquery.hcl",
        &list_block("bad", false, "    status = \"Running\"\n"),
    );
    let out = w.terraform(&["validate", "-query", "-json", "-no-color"]);
    let doc: Json = serde_json::from_str(&out.stdout).expect("validate JSON");
    let bad = doc["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|d| d["summary"] == "Unknown endpoint status")
        .unwrap_or_else(|| panic!("no status error: {doc:#}"));
    assert_eq!(
        bad["range"]["start"]["line"], 6,
        "at the status line: {bad:#}"
    );
    std::fs::remove_file(w.path().join("bad.tfquery.hcl")).expect("rm");

    // An empty config finds every endpoint, ours and the construct's.
    w.write("all.tfquery.hcl", &list_block("all", false, ""));
    let out = w.terraform(&["query", "-no-color"]).assert_ok("query");
    for needle in [
        "matrix-ep (InService)",
        "cdk-sentiment (InService)",
        "account_id=123456789012,endpoint_name=cdk-sentiment,region=us-east-1",
    ] {
        assert!(
            out.stdout.contains(needle),
            "{needle:?} not in:\n{}",
            out.stdout
        );
    }
    std::fs::remove_file(w.path().join("all.tfquery.hcl")).expect("rm");

    // The stack's tag picks the construct's endpoint alone.
    w.write(
        "cdk.tfquery.hcl",
        &list_block(
            "cdk",
            true,
            "    name_contains = \"sentiment\"\n    tags = {\n      stack = \"inference-prod\"\n    }\n",
        ),
    );
    w.terraform(&["query", "-no-color", "-generate-config-out=generated.tf"])
        .assert_ok("query -generate-config-out");
    let generated = w.read("generated.tf");
    for needle in [
        "resource \"sagemaker_custom_endpoint\" \"cdk_0\"",
        "endpoint_name     = \"cdk-sentiment\"",
        &format!("role_arn                    = \"{}\"", cdk.role_arn),
        "repository_name = \"huggingface-pytorch-inference\"",
        "model_id                    = \"distilbert\"",
        "HF_TASK = \"text-classification\"",
        "output_path  = \"s3://cdk-async-results/output/\"",
        "identity = {",
    ] {
        assert!(
            generated.contains(needle),
            "{needle:?} not in:\n{generated}"
        );
    }
    assert!(!generated.contains("matrix-ep"), "{generated}");
    assert!(
        generated
            .lines()
            .filter(|l| l.contains("autoscaling"))
            .all(|l| l.trim_end().ends_with("= null")),
        "the stack's scaling is not this resource's:\n{generated}"
    );
    assert!(
        !generated.contains("SAGEMAKER_REGION"),
        "the variable the construct adds is left out:\n{generated}"
    );

    let out = w
        .terraform(&["apply", "-auto-approve", "-input=false", "-no-color"])
        .assert_ok("apply the generated configuration");
    assert!(
        out.flat()
            .contains("1 imported, 0 added, 0 changed, 0 destroyed"),
        "{}",
        out.flat()
    );
    let plan = w.terraform(&["plan", "-detailed-exitcode", "-input=false", "-no-color"]);
    assert_eq!(plan.code, 0, "plan after the import:\n{}", plan.combined());

    // Adopted: the endpoint carries this resource's mark now, and nothing
    // else of its tags changed; the role and topics were not touched.
    let tags = acc.sagemaker_tags(&cdk_arn);
    assert!(
        tags.contains_key(tfsm::aws::owner::OWNER_TAG),
        "no ownership mark: {tags:?}"
    );
    for (k, v) in &tags_before {
        assert_eq!(tags.get(k), Some(v), "tag {k} changed: {tags:?}");
    }
    assert_eq!(
        snapshot(acc, &cdk),
        before,
        "the import touched the role, topics or scaling"
    );

    w.terraform(&["destroy", "-auto-approve", "-input=false", "-no-color"])
        .assert_ok("destroy the imported endpoint");
    let gone = acc.block_on(
        acc.sagemaker()
            .describe_endpoint()
            .endpoint_name(CDK_ENDPOINT)
            .send(),
    );
    assert!(gone.is_err(), "the imported endpoint outlived destroy");
    let sm = acc
        .block_on(acc.control().inventory())
        .expect("inventory")
        .sagemaker;
    let left: Vec<&String> = sm
        .models
        .iter()
        .chain(&sm.endpoint_configs)
        .chain(&sm.endpoints)
        .filter(|n| n.contains(CDK_ENDPOINT))
        .collect();
    assert!(left.is_empty(), "destroy left {left:?}");
    assert_eq!(
        snapshot(acc, &cdk),
        before,
        "destroy touched the role, topics or scaling"
    );
    retire_cdk_leftovers(acc, &cdk);
}
