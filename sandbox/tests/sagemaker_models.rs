//! Models, endpoint configs and tags through the real aws-sdk-sagemaker client.

mod common;

use aws_sdk_sagemaker::types::{OrderKey, ProductionVariant, ProductionVariantInstanceType, Tag};
use common::*;

#[tokio::test]
async fn model_create_describe_list_delete() {
    let sb = shared().await;
    let sm = sagemaker(sb.url()).await;
    let name = unique("Model-Mixed");
    let role = "arn:aws:iam::123456789012:role/some-role";
    let out = sm
        .create_model()
        .model_name(&name)
        .execution_role_arn(role)
        .primary_container(container("s3://bucket/key/model.tar.gz"))
        .tags(Tag::builder().key("owner").value("tests").build())
        .send()
        .await
        .unwrap();
    let arn = format!(
        "arn:aws:sagemaker:us-east-1:123456789012:model/{}",
        name.to_lowercase()
    );
    assert_eq!(out.model_arn(), Some(arn.as_str()));
    let d = sm.describe_model().model_name(&name).send().await.unwrap();
    assert_eq!(d.model_name(), Some(name.as_str()));
    assert_eq!(d.execution_role_arn(), Some(role));
    let pc = d.primary_container().unwrap();
    assert_eq!(pc.image(), Some(IMAGE));
    assert_eq!(pc.model_data_url(), Some("s3://bucket/key/model.tar.gz"));
    assert!(d.creation_time().is_some());
    // Names are case-insensitive, as in SageMaker.
    let d2 = sm
        .describe_model()
        .model_name(name.to_uppercase())
        .send()
        .await
        .unwrap();
    assert_eq!(d2.model_arn(), Some(arn.as_str()));
    let listed = sm.list_models().name_contains(&name).send().await.unwrap();
    assert_eq!(listed.models().len(), 1);
    assert_eq!(listed.models()[0].model_arn(), Some(arn.as_str()));
    let tags = sm.list_tags().resource_arn(&arn).send().await.unwrap();
    assert_eq!(tags.tags().len(), 1);
    sm.delete_model().model_name(&name).send().await.unwrap();
    let err = sm
        .describe_model()
        .model_name(&name)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        code_message(&err),
        (
            "ValidationException".into(),
            format!("Could not find model \"{arn}\".")
        )
    );
    let err = sm
        .delete_model()
        .model_name(&name)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        code_message(&err).1,
        format!("Could not find model \"{arn}\".")
    );
}

#[tokio::test]
async fn model_duplicates_and_bad_names_are_rejected() {
    let sb = shared().await;
    let sm = sagemaker(sb.url()).await;
    let role = "arn:aws:iam::123456789012:role/r";
    let name = unique("dup-model");
    create_model(&sm, &name, role, "s3://b/k").await;
    let err = sm
        .create_model()
        .model_name(&name)
        .execution_role_arn(role)
        .primary_container(container("s3://b/k"))
        .send()
        .await
        .unwrap_err();
    let arn = format!("arn:aws:sagemaker:us-east-1:123456789012:model/{name}");
    assert_eq!(
        code_message(&err),
        (
            "ValidationException".into(),
            format!("Cannot create already existing model \"{arn}\".")
        )
    );
    for bad in ["bad_name", "-leading", "trailing-", &"x".repeat(64)] {
        let err = sm
            .create_model()
            .model_name(bad)
            .execution_role_arn(role)
            .primary_container(container("s3://b/k"))
            .send()
            .await
            .unwrap_err();
        let (code, msg) = code_message(&err);
        assert_eq!(code, "ValidationException", "{bad}");
        assert!(
            msg.contains("at 'modelName' failed to satisfy constraint"),
            "{bad}: {msg}"
        );
    }
    let err = sm
        .create_model()
        .model_name(unique("norole"))
        .primary_container(container("s3://b/k"))
        .send()
        .await
        .unwrap_err();
    assert!(code_message(&err).1.contains("'executionRoleArn'"));
    let err = sm
        .create_model()
        .model_name(unique("badurl"))
        .execution_role_arn(role)
        .primary_container(container("ftp://b/k"))
        .send()
        .await
        .unwrap_err();
    assert!(
        code_message(&err).1.contains("modelDataUrl"),
        "{:?}",
        code_message(&err)
    );
}

#[tokio::test]
async fn endpoint_config_lifecycle_and_validation() {
    let sb = shared().await;
    let sm = sagemaker(sb.url()).await;
    let model = unique("cfg-model");
    create_model(&sm, &model, "arn:aws:iam::123456789012:role/r", "s3://b/k").await;
    let name = unique("cfg");
    let arn = format!("arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/{name}");
    let out = sm
        .create_endpoint_config()
        .endpoint_config_name(&name)
        .production_variants(variant(&model, 2))
        .send()
        .await
        .unwrap();
    assert_eq!(out.endpoint_config_arn(), Some(arn.as_str()));
    let d = sm
        .describe_endpoint_config()
        .endpoint_config_name(&name)
        .send()
        .await
        .unwrap();
    let v = &d.production_variants()[0];
    assert_eq!(
        v.instance_type(),
        Some(&ProductionVariantInstanceType::MlInf2Xlarge)
    );
    assert_eq!(v.initial_instance_count(), Some(2));
    assert_eq!(v.model_name(), Some(model.as_str()));
    let err = sm
        .create_endpoint_config()
        .endpoint_config_name(&name)
        .production_variants(variant(&model, 1))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        code_message(&err).1,
        format!("Cannot create already existing endpoint configuration \"{arn}\".")
    );
    // Missing model.
    let missing = unique("no-such-model");
    let err = sm
        .create_endpoint_config()
        .endpoint_config_name(unique("cfg2"))
        .production_variants(variant(&missing, 1))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        code_message(&err).1,
        format!(
            "Could not find model \"arn:aws:sagemaker:us-east-1:123456789012:model/{missing}\"."
        )
    );
    // Unknown instance type (sent raw through the SDK's open enum).
    let bad = ProductionVariant::builder()
        .variant_name("AllTraffic")
        .model_name(&model)
        .instance_type(ProductionVariantInstanceType::from("ml.bogus.xlarge"))
        .initial_instance_count(1)
        .build();
    let err = sm
        .create_endpoint_config()
        .endpoint_config_name(unique("cfg3"))
        .production_variants(bad)
        .send()
        .await
        .unwrap_err();
    let (code, msg) = code_message(&err);
    assert_eq!(code, "ValidationException");
    assert!(
        msg.contains("'ml.bogus.xlarge'") && msg.contains("ml.g6.xlarge"),
        "{msg}"
    );
    // Current generation types are accepted.
    for t in [
        ProductionVariantInstanceType::MlG5Xlarge,
        ProductionVariantInstanceType::MlG6Xlarge,
    ] {
        let pv = ProductionVariant::builder()
            .variant_name("v1")
            .model_name(&model)
            .instance_type(t)
            .initial_instance_count(1)
            .build();
        sm.create_endpoint_config()
            .endpoint_config_name(unique("cfg-gen"))
            .production_variants(pv)
            .send()
            .await
            .unwrap();
    }
    let err = sm
        .create_endpoint_config()
        .endpoint_config_name("has_underscore")
        .production_variants(variant(&model, 1))
        .send()
        .await
        .unwrap_err();
    assert!(
        code_message(&err)
            .1
            .contains("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}")
    );
    let listed = sm
        .list_endpoint_configs()
        .name_contains(&name)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.endpoint_configs().len(), 1);
    sm.delete_endpoint_config()
        .endpoint_config_name(&name)
        .send()
        .await
        .unwrap();
    let err = sm
        .describe_endpoint_config()
        .endpoint_config_name(&name)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        code_message(&err).1,
        format!("Could not find endpoint configuration \"{arn}\".")
    );
}

#[tokio::test]
async fn list_sorting_and_pagination() {
    let sb = shared().await;
    let sm = sagemaker(sb.url()).await;
    let prefix = unique("pg");
    for i in 0..5 {
        create_model(
            &sm,
            &format!("{prefix}-{i}"),
            "arn:aws:iam::123456789012:role/r",
            "s3://b/k",
        )
        .await;
    }
    let mut names = Vec::new();
    let mut token = None;
    loop {
        let page = sm
            .list_models()
            .name_contains(&prefix)
            .sort_by(aws_sdk_sagemaker::types::ModelSortKey::Name)
            .sort_order(OrderKey::Ascending)
            .max_results(2)
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        assert!(page.models().len() <= 2);
        names.extend(
            page.models()
                .iter()
                .map(|m| m.model_name().unwrap().to_string()),
        );
        token = page.next_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    let want: Vec<String> = (0..5).map(|i| format!("{prefix}-{i}")).collect();
    assert_eq!(names, want);
    let desc = sm
        .list_models()
        .name_contains(&prefix)
        .send()
        .await
        .unwrap();
    assert_eq!(
        desc.models()[0].model_name(),
        Some(format!("{prefix}-4").as_str()),
        "newest first by default"
    );
}

#[tokio::test]
async fn tags_add_list_delete() {
    let sb = shared().await;
    let sm = sagemaker(sb.url()).await;
    let name = unique("tagged");
    create_model(&sm, &name, "arn:aws:iam::123456789012:role/r", "s3://b/k").await;
    let arn = format!("arn:aws:sagemaker:us-east-1:123456789012:model/{name}");
    let tag = |k: &str, v: &str| Tag::builder().key(k).value(v).build();
    let out = sm
        .add_tags()
        .resource_arn(&arn)
        .tags(tag("a", "1"))
        .tags(tag("b", "2"))
        .send()
        .await
        .unwrap();
    assert_eq!(out.tags().len(), 2);
    sm.add_tags()
        .resource_arn(&arn)
        .tags(tag("a", "3"))
        .send()
        .await
        .unwrap();
    let listed = sm.list_tags().resource_arn(&arn).send().await.unwrap();
    let pairs: Vec<(&str, &str)> = listed
        .tags()
        .iter()
        .map(|t| (t.key().unwrap(), t.value().unwrap()))
        .collect();
    assert_eq!(pairs, vec![("a", "3"), ("b", "2")]);
    sm.delete_tags()
        .resource_arn(&arn)
        .tag_keys("a")
        .send()
        .await
        .unwrap();
    let listed = sm.list_tags().resource_arn(&arn).send().await.unwrap();
    assert_eq!(listed.tags().len(), 1);
    assert_eq!(listed.tags()[0].key(), Some("b"));
    let err = sm
        .list_tags()
        .resource_arn("arn:aws:sagemaker:us-east-1:123456789012:model/nope-nope")
        .send()
        .await
        .unwrap_err();
    assert!(code_message(&err).1.contains("does not exist"));
}

#[tokio::test]
async fn tagging_get_resources_answers_for_sagemaker_arns() {
    let sb = shared().await;
    let sm = sagemaker(sb.url()).await;
    let tagging = aws_sdk_resourcegroupstagging::Client::new(&config(sb.url()).await);
    let name = unique("bulk-tagged");
    let untagged = unique("bulk-plain");
    create_model(&sm, &name, "arn:aws:iam::123456789012:role/r", "s3://b/k").await;
    create_model(
        &sm,
        &untagged,
        "arn:aws:iam::123456789012:role/r",
        "s3://b/k",
    )
    .await;
    let arn = |n: &str| format!("arn:aws:sagemaker:us-east-1:123456789012:model/{n}");
    sm.add_tags()
        .resource_arn(arn(&name))
        .tags(Tag::builder().key("team").value("ml").build())
        .send()
        .await
        .unwrap();
    let gone = arn("bulk-never-made");
    let out = tagging
        .get_resources()
        .resource_arn_list(arn(&name))
        .resource_arn_list(arn(&untagged))
        .resource_arn_list(&gone)
        .send()
        .await
        .unwrap();
    // Only the tagged object that exists is listed, with its tags.
    let listed: Vec<(String, Vec<(String, String)>)> = out
        .resource_tag_mapping_list()
        .iter()
        .map(|m| {
            (
                m.resource_arn().unwrap_or_default().to_string(),
                m.tags()
                    .iter()
                    .map(|t| (t.key().to_string(), t.value().to_string()))
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [(arn(&name), vec![("team".to_string(), "ml".to_string())])]
    );
    // Pagination parameters do not go with an ARN list.
    let err = tagging
        .get_resources()
        .resource_arn_list(arn(&name))
        .resources_per_page(10)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code_message(&err).0, "InvalidParameterException");
}
