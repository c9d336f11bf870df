//! Unit tests for the state import (and refresh) build from what AWS
//! describes (`observed`).

use std::collections::BTreeMap;

use super::super::testutil::names_of;

use super::super::schema;
use super::observed::*;
use crate::aws;
use crate::aws::endpoint::{Endpoint, EndpointStatus};
use crate::aws::endpoint_config::{
    AsyncDescription, EndpointConfigDescription, VariantDescription,
};
use crate::aws::model::{ModelData, ModelDescription};
use crate::tfplugin::Value;

fn described() -> Described {
    Described {
        endpoint: Endpoint {
            name: "llm".into(),
            arn: "arn:aws:sagemaker:us-east-1:123456789012:endpoint/llm".into(),
            status: EndpointStatus::InService,
            config_name: "llm-cfg".into(),
            failure_reason: None,
            current_instance_count: Some(2),
            desired_instance_count: Some(2),
            serverless: None,
        },
        config: EndpointConfigDescription {
            name: "llm-cfg".into(),
            arn: "arn:cfg".into(),
            variant: Some(VariantDescription {
                model_name: "llm-model".into(),
                instance_type: "ml.g5.xlarge".into(),
                instance_count: Some(2),
                startup_health_check_timeout: Some(600),
                model_data_download_timeout: Some(900),
                volume_size_in_gb: None,
                serverless: None,
            }),
            async_inference: None,
            kms_key_id: None,
            data_capture: None,
        },
        model: ModelDescription {
            name: "llm-model".into(),
            arn: "arn:model".into(),
            execution_role_arn: "arn:aws:iam::123456789012:role/sm-llm-us-east-1".into(),
            image: "763104351884.dkr.ecr.us-east-1.amazonaws.com/hf-tgi:2.1".into(),
            model_data: Some(ModelData::Archive("s3://b-models/m.tar.gz".into())),
            environment: BTreeMap::from([
                ("SAGEMAKER_REGION".into(), "us-east-1".into()),
                ("HF_TASK".into(), "gen".into()),
            ]),
            vpc: None,
            network_isolation: false,
        },
        tags: BTreeMap::from([
            (aws::OWNERSHIP_TAG.into(), "llm".into()),
            ("modelId".into(), "meta/llama".into()),
            ("team".into(), "ml".into()),
            ("owner".into(), "platform".into()),
        ]),
        role_managed: true,
        managed_policy_arns: vec![],
        recalled: Default::default(),
    }
}

#[test]
fn fills_every_attribute_from_aws() {
    let defaults = BTreeMap::from([("owner".to_string(), "platform".to_string())]);
    let st = state_from(&described(), "us-east-1", &defaults).encode();
    let attrs = schema().block.attributes.len() + schema().block.blocks.len();
    assert_eq!(st.as_object().unwrap().len(), attrs);
    assert_eq!(st.get("id"), &Value::string("llm"));
    assert_eq!(st.get("model_id"), &Value::string("meta/llama"));
    assert_eq!(st.get("instance_count"), &Value::int(2));
    assert_eq!(
        st.get("container").get("repository_name"),
        &Value::string("hf-tgi")
    );
    assert_eq!(st.get("container").get("tag"), &Value::string("2.1"));
    assert!(st.get("container").get("image_uri").is_null());
    // SAGEMAKER_REGION is ours when it equals the region.
    let env = st.get("environment").as_object().unwrap();
    assert_eq!(env.len(), 1);
    assert_eq!(env["HF_TASK"], Value::string("gen"));
    // Ownership, modelId and matching default tags are not user tags.
    let tags = st.get("tags").as_object().unwrap();
    assert_eq!(tags.keys().collect::<Vec<_>>(), ["team"]);
    assert_eq!(st.get("tags_all").as_object().unwrap().len(), 2);
    assert!(st.get("role_arn").is_null());
    assert!(st.get("success_topic_arn").is_null());
    assert!(st.is_wholly_known());
    // Import keeps the names AWS has; derivation works on the result.
    assert!(names_of(&st, "us-east-1").is_some());
    assert_eq!(st.get("model_name"), &Value::string("llm-model"));
}

#[test]
fn foreign_roles_and_images_stay_as_they_are() {
    let mut d = described();
    d.role_managed = false;
    d.model.image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/mine:1".into();
    d.model
        .environment
        .insert("SAGEMAKER_REGION".into(), "eu-west-1".into());
    d.config.async_inference = Some(AsyncDescription {
        output_path: "s3://out/x/".into(),
        failure_path: None,
        success_topic_arn: Some("arn:s".into()),
        error_topic_arn: Some("arn:e".into()),
        max_concurrent_invocations_per_instance: Some(4),
    });
    let st = state_from(&d, "us-east-1", &BTreeMap::new()).encode();
    assert_eq!(
        st.get("role_arn"),
        &Value::string(&d.model.execution_role_arn)
    );
    assert_eq!(
        st.get("container").get("image_uri"),
        &Value::string(&d.model.image)
    );
    assert_eq!(st.get("environment").as_object().unwrap().len(), 2);
    let a = st.get("async_inference");
    assert_eq!(
        a.get("max_concurrent_invocations_per_instance"),
        &Value::int(4)
    );
    assert_eq!(st.get("success_topic_arn"), &Value::string("arn:s"));
}

#[test]
fn role_names_come_from_the_end_of_the_arn() {
    let role_name_of = aws::role::name_of_arn;
    assert_eq!(role_name_of("arn:aws:iam::1:role/a"), Some("a"));
    assert_eq!(role_name_of("arn:aws:iam::1:role/path/to/b"), Some("b"));
    assert_eq!(role_name_of("nope"), None);
}

#[test]
fn a_serverless_variant_reads_as_serverless_without_instance_settings() {
    let sv = aws::endpoint_config::ServerlessSpec {
        memory_size_in_mb: 3072,
        max_concurrency: 20,
        provisioned_concurrency: Some(2),
    };
    let mut d = described();
    d.config.variant = Some(VariantDescription {
        model_name: "llm-model".into(),
        serverless: Some(sv),
        ..Default::default()
    });
    d.endpoint.current_instance_count = None;
    d.endpoint.desired_instance_count = None;
    d.endpoint.serverless = Some(sv);
    let st = state_from(&d, "us-east-1", &BTreeMap::new());
    let v = st.encode();
    for attr in [
        "instance_type",
        "instance_count",
        "startup_health_check_timeout_in_seconds",
        "model_data_download_timeout_in_seconds",
        "volume_size_in_gb",
    ] {
        assert!(v.get(attr).is_null(), "{attr}");
    }
    assert_eq!(
        v.get("serverless").get("memory_size_in_mb"),
        &Value::int(3072)
    );
    assert_eq!(
        v.get("serverless").get("provisioned_concurrency"),
        &Value::int(2)
    );
    // The capacity round trip that refresh and update rely on.
    let live = d.endpoint.capacity().unwrap();
    assert_eq!(capacity_of(&st), Some(live));
    let mut drifted = st.clone();
    set_capacity(
        &mut drifted,
        aws::endpoint::Capacity::Serverless {
            max_concurrency: 20,
            provisioned_concurrency: Some(5),
        },
    );
    assert_eq!(
        drifted
            .encode()
            .get("serverless")
            .get("provisioned_concurrency"),
        &Value::int(5)
    );
    // A count never lands on a serverless state, nor the other way round.
    set_capacity(&mut drifted, aws::endpoint::Capacity::Instances(3));
    assert!(drifted.instance_count.is_null());
    let mut instances = state_from(&described(), "us-east-1", &BTreeMap::new());
    assert_eq!(
        capacity_of(&instances),
        Some(aws::endpoint::Capacity::Instances(2))
    );
    set_capacity(&mut instances, live);
    assert!(instances.serverless.is_null());
    set_capacity(&mut instances, aws::endpoint::Capacity::Instances(4));
    assert_eq!(instances.instance_count.as_i64(), Some(4));
}
