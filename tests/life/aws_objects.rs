//! The AWS layer against the sandbox, one kind of object at a time: roles,
//! topics, models and endpoint configs (create, adopt, find, describe,
//! delete), and a Failed endpoint. All tests share one sandbox and use unique
//! names.

use crate::aws_common;
use aws_common::*;
use serde_json::Value;
use std::time::{Duration, Instant};
use tfsm::aws::endpoint_config::{
    self, AsyncSpec, EndpointConfigSpec, ServerlessSpec, VariantCompute,
};
use tfsm::aws::error::AwsError;
use tfsm::aws::model::{self, ModelData, VpcSpec};
use tfsm::aws::policy::trust_policy;
use tfsm::aws::role::{self, INLINE_POLICY_NAME, RoleSpec};
use tfsm::aws::wait::Cancel;
use tfsm::aws::{OWNERSHIP_TAG, endpoint, names, topic};

const FULL_ACCESS: &str = "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess";
const S3_READ: &str = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess";

#[tokio::test]
async fn role_ensure_adopt_sync_attachments_and_delete() {
    let sb = shared().await;
    let c = clients(sb).await;
    let ep = unique("role-ep");
    let name = names::role_name(&ep, REGION);
    assert_eq!(c.account_id().await.unwrap(), ACCOUNT);
    assert_eq!(role::find(&c, &name).await.unwrap(), None);
    let mut spec = RoleSpec {
        name: name.clone(),
        trust_policy: trust_policy("aws", REGION, ACCOUNT),
        inline_policy: serde_json::json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::b/k"}]}),
        managed_policy_arns: vec![FULL_ACCESS.into()],
        tags: owner(&ep),
    };
    let r = role::ensure(&c, &spec).await.unwrap();
    assert_eq!(r.name, name);
    assert!(r.arn.ends_with(&format!(":role/{name}")), "{}", r.arn);
    assert_eq!(role::find(&c, &name).await.unwrap(), Some(r.clone()));
    let attached = role::attached_policies(&c, &name).await.unwrap();
    assert_eq!(attached.into_iter().collect::<Vec<_>>(), vec![FULL_ACCESS]);
    let doc = c
        .iam
        .get_role_policy()
        .role_name(&name)
        .policy_name(INLINE_POLICY_NAME)
        .send()
        .await
        .unwrap();
    assert!(doc.policy_document().contains("GetObject"));

    // A second ensure adopts the role and moves the attachments.
    spec.managed_policy_arns = vec![S3_READ.into()];
    assert_eq!(role::ensure(&c, &spec).await.unwrap(), r);
    let attached = role::attached_policies(&c, &name).await.unwrap();
    assert_eq!(attached.into_iter().collect::<Vec<_>>(), vec![S3_READ]);
    let tags = c
        .iam
        .list_role_tags()
        .role_name(&name)
        .send()
        .await
        .unwrap();
    assert!(
        tags.tags()
            .iter()
            .any(|t| t.key() == OWNERSHIP_TAG && t.value() == ep)
    );

    role::delete(&c, &name).await.unwrap();
    assert_eq!(role::find(&c, &name).await.unwrap(), None);
    let inv = sb.control().inventory().await.unwrap();
    assert!(!inv.iam.roles.contains(&name));
    assert!(!inv.iam.role_policies.iter().any(|p| p.starts_with(&name)));
    role::delete(&c, &name).await.unwrap();
}

#[tokio::test]
async fn topics_are_encrypted_tls_only_idempotent_and_deletable() {
    let sb = shared().await;
    let c = clients(sb).await;
    let ep = unique("topic-ep");
    let name = names::topic_name(&ep, names::TopicKind::Success);
    let want = topic_arn(&c, &name).await;
    let arn = topic::ensure(&c, &name, &want, &owner(&ep)).await.unwrap();
    assert!(arn.ends_with(&format!(":{name}")), "{arn}");
    assert_eq!(
        topic::ensure(&c, &name, &want, &owner(&ep)).await.unwrap(),
        arn
    );
    // Somebody else's mark: not adopted, not changed.
    let mut other = owner(&ep);
    other.insert(tfsm::aws::owner::OWNER_TAG.into(), "someone-else".into());
    let refused = topic::ensure(&c, &name, &want, &other).await;
    assert!(matches!(refused, Err(AwsError::Foreign(_))), "{refused:?}");
    let attrs = topic::attributes(&c, &arn).await.unwrap().unwrap();
    assert_eq!(attrs["KmsMasterKeyId"], "alias/aws/sns");
    let policy: Value = serde_json::from_str(&attrs["Policy"]).unwrap();
    let st = &policy["Statement"][0];
    assert_eq!(st["Effect"], "Deny");
    assert_eq!(st["Resource"], arn.as_str());
    assert_eq!(st["Condition"]["Bool"]["aws:SecureTransport"], "false");
    let tags = c
        .sns
        .list_tags_for_resource()
        .resource_arn(&arn)
        .send()
        .await
        .unwrap();
    assert!(
        tags.tags()
            .iter()
            .any(|t| t.key() == OWNERSHIP_TAG && t.value() == ep)
    );
    assert!(topic::exists(&c, &arn).await.unwrap());
    topic::delete(&c, &arn).await.unwrap();
    assert!(!topic::exists(&c, &arn).await.unwrap());
    topic::delete(&c, &arn).await.unwrap();
}

#[tokio::test]
async fn models_in_both_forms_adoption_and_immediate_validation_errors() {
    let sb = shared().await;
    let c = clients(sb).await;
    let ep = unique("model-ep");
    let archive = ModelData::Archive(format!("s3://models-{ep}/v1/model.tar.gz"));
    let r = ensure_role(&c, &ep, &archive).await;
    let cancel = Cancel::new();
    let bound = Duration::from_secs(30);

    let spec = model_spec(&format!("{ep}-a"), &r.arn, archive.clone(), &ep);
    let m = model::create(&c, &spec, bound, &cancel).await.unwrap();
    assert!(m.arn.contains(":model/"), "{}", m.arn);
    let d = model::describe(&c, &spec.name).await.unwrap().unwrap();
    assert_eq!(d.model_data, Some(archive));
    assert_eq!(d.image, IMAGE);
    assert_eq!(d.execution_role_arn, r.arn);
    assert_eq!(d.environment, spec.environment);
    assert_eq!(d.vpc, None);
    // Creating again adopts the existing model.
    assert_eq!(model::create(&c, &spec, bound, &cancel).await.unwrap(), m);

    let prefix = ModelData::Prefix(format!("s3://models-{ep}/v2/"));
    let mut spec2 = model_spec(&format!("{ep}-p"), &r.arn, prefix.clone(), &ep);
    spec2.vpc = Some(VpcSpec {
        security_group_ids: vec!["sg-0123456789abcdef0".into()],
        subnets: vec!["subnet-0123456789abcdef0".into()],
    });
    model::create(&c, &spec2, bound, &cancel).await.unwrap();
    let d2 = model::describe(&c, &spec2.name).await.unwrap().unwrap();
    assert_eq!(d2.model_data.as_ref(), Some(&prefix));
    assert_eq!(d2.vpc, spec2.vpc);
    let tags = endpoint::list_tags(&c, &d2.arn).await.unwrap();
    assert_eq!(tags.get(OWNERSHIP_TAG), Some(&ep));

    // Any other ValidationException fails at once, whatever the bound.
    let mut bad = model_spec(&format!("{ep}-bad"), "arn:aws:iam::12:role/x", prefix, &ep);
    bad.tags.clear();
    let t = Instant::now();
    let err = model::create(&c, &bad, Duration::from_secs(60), &cancel)
        .await
        .unwrap_err();
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    assert_eq!(err.code(), Some("ValidationException"), "{err}");
    assert!(!err.is_assume_role_propagation());

    for name in [&spec.name, &spec2.name] {
        model::delete(&c, name).await.unwrap();
        assert_eq!(model::find(&c, name).await.unwrap(), None);
        model::delete(&c, name).await.unwrap();
    }
    role::delete(&c, &r.name).await.unwrap();
}

#[tokio::test]
async fn endpoint_configs_plain_and_async() {
    let sb = shared().await;
    let c = clients(sb).await;
    let ep = unique("cfg-ep");
    let data = ModelData::Archive(format!("s3://models-{ep}/model.tar.gz"));
    let r = ensure_role(&c, &ep, &data).await;
    let m = model::create(
        &c,
        &model_spec(&format!("{ep}-m"), &r.arn, data, &ep),
        Duration::ZERO,
        &Cancel::new(),
    )
    .await
    .unwrap();

    let mut plain = config_spec(&format!("{ep}-c1"), &m.name, 2, &ep);
    if let VariantCompute::Instances {
        volume_size_in_gb, ..
    } = &mut plain.compute
    {
        *volume_size_in_gb = Some(64);
    }
    let cfg = endpoint_config::create(&c, &plain).await.unwrap();
    assert_eq!(cfg.model_name, m.name);
    assert_eq!(endpoint_config::create(&c, &plain).await.unwrap(), cfg);
    let d = endpoint_config::describe(&c, &plain.name)
        .await
        .unwrap()
        .unwrap();
    let mut expected = plain.clone();
    expected.tags.clear();
    assert_eq!(d.spec(), expected);
    assert_eq!(d.arn, cfg.arn);

    // A serverless variant round-trips too, without instance settings.
    let serverless = EndpointConfigSpec {
        name: format!("{ep}-sls"),
        compute: VariantCompute::Serverless(ServerlessSpec {
            memory_size_in_mb: 3072,
            max_concurrency: 12,
            provisioned_concurrency: Some(2),
        }),
        ..plain.clone()
    };
    endpoint_config::create(&c, &serverless).await.unwrap();
    let d = endpoint_config::describe(&c, &serverless.name)
        .await
        .unwrap()
        .unwrap();
    let v = d.variant.clone().unwrap();
    assert!(v.instance_type.is_empty() && v.instance_count.is_none());
    let mut expected = serverless.clone();
    expected.tags.clear();
    assert_eq!(d.spec(), expected);

    let success = topic::ensure(
        &c,
        &names::topic_name(&ep, names::TopicKind::Success),
        &topic_arn(&c, &names::topic_name(&ep, names::TopicKind::Success)).await,
        &owner(&ep),
    )
    .await
    .unwrap();
    let error = topic::ensure(
        &c,
        &names::topic_name(&ep, names::TopicKind::Error),
        &topic_arn(&c, &names::topic_name(&ep, names::TopicKind::Error)).await,
        &owner(&ep),
    )
    .await
    .unwrap();
    let mut with_async = config_spec(&format!("{ep}-c2"), &m.name, 1, &ep);
    with_async.async_inference = Some(AsyncSpec {
        output_path: format!("s3://out-{ep}/results/"),
        failure_path: Some(format!("s3://out-{ep}/failures/")),
        success_topic_arn: success.clone(),
        error_topic_arn: error.clone(),
        max_concurrent_invocations_per_instance: 10,
    });
    endpoint_config::create(&c, &with_async).await.unwrap();
    let d = endpoint_config::describe(&c, &with_async.name)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(d.spec().async_inference, with_async.async_inference);

    for name in [&plain.name, &with_async.name] {
        endpoint_config::delete(&c, name).await.unwrap();
        assert_eq!(endpoint_config::find(&c, name).await.unwrap(), None);
    }
    endpoint_config::delete(&c, &plain.name).await.unwrap();
    model::delete(&c, &m.name).await.unwrap();
    topic::delete(&c, &success).await.unwrap();
    topic::delete(&c, &error).await.unwrap();
    role::delete(&c, &r.name).await.unwrap();
}

#[tokio::test]
async fn missing_model_data_ends_failed_with_the_reason() {
    let sb = shared().await;
    let c = clients(sb).await;
    let ep = unique("failed-ep");
    let data = ModelData::Archive(format!("s3://missing-{ep}/model.tar.gz"));
    let r = ensure_role(&c, &ep, &data).await;
    let cancel = Cancel::new();
    let m = model::create(
        &c,
        &model_spec(&format!("{ep}-m"), &r.arn, data, &ep),
        Duration::ZERO,
        &cancel,
    )
    .await
    .unwrap();
    let cfg = endpoint_config::create(&c, &config_spec(&format!("{ep}-c"), &m.name, 1, &ep))
        .await
        .unwrap();
    endpoint::create(&c, &ep, &cfg.name, &owner(&ep))
        .await
        .unwrap();
    let err = endpoint::wait_in_service(&c, &ep, None, Duration::from_secs(30), &cancel)
        .await
        .unwrap_err();
    match &err {
        AwsError::Failed { what, reason } => {
            assert!(what.contains(&ep), "{what}");
            assert!(reason.contains("Failed to download model data"), "{reason}");
        }
        other => panic!("expected Failed, got {other:?}"),
    }
    let found = endpoint::find(&c, &ep).await.unwrap().unwrap();
    assert_eq!(found.status, endpoint::EndpointStatus::Failed);
    endpoint::delete(&c, &ep).await.unwrap();
    endpoint::wait_deleted(&c, &ep, Duration::from_secs(30), &cancel)
        .await
        .unwrap();
    endpoint_config::delete(&c, &cfg.name).await.unwrap();
    model::delete(&c, &m.name).await.unwrap();
    role::delete(&c, &r.name).await.unwrap();
}

/// The shared reads of refresh give what the one-object calls give, on the
/// sandbox: the tags of SageMaker objects through GetResources, and a role
/// through the account's role listing (after the first few roles).
#[tokio::test]
async fn shared_reads_answer_as_the_one_object_calls_do() {
    use std::sync::Arc;
    use tfsm::aws::shared_reads::{ROLE_SCAN_AFTER, SharedReads, role_facts, sagemaker_tags};
    let sb = shared().await;
    let c = clients(sb).await;
    let ep = unique("shared-ep");
    let data = ModelData::Archive(format!("s3://models-{ep}/model.tar.gz"));
    let r = ensure_role(&c, &ep, &data).await;
    c.iam
        .attach_role_policy()
        .role_name(&r.name)
        .policy_arn(FULL_ACCESS)
        .send()
        .await
        .unwrap();
    let m = model::create(
        &c,
        &model_spec(&format!("{ep}-m"), &r.arn, data, &ep),
        Duration::ZERO,
        &Cancel::new(),
    )
    .await
    .unwrap();

    // Tags: what ListTags says, for the model; a model that never existed
    // is gone either way.
    let shared = Arc::new(SharedReads::default());
    let direct = endpoint::list_tags(&c, &m.arn).await.unwrap();
    assert!(!direct.is_empty());
    assert_eq!(
        sagemaker_tags(&c, &shared, &m.arn).await.unwrap(),
        Some(direct)
    );
    let never = m.arn.replace(&m.name, &format!("{}-never", m.name));
    assert_eq!(sagemaker_tags(&c, &shared, &never).await.unwrap(), None);

    // Roles: the first reads are one role at a time, the later ones come
    // from the listing; both give the same facts.
    let fresh = Arc::new(SharedReads::default());
    let first = role_facts(&c, &fresh, &r.name)
        .await
        .unwrap()
        .expect("the role");
    for _ in 1..ROLE_SCAN_AFTER {
        role_facts(&c, &fresh, &r.name).await.unwrap();
    }
    let listed = role_facts(&c, &fresh, &r.name)
        .await
        .unwrap()
        .expect("the role");
    assert_eq!(listed, first);
    assert!(first.inline.is_some() && first.attached.contains(FULL_ACCESS));
    assert!(first.description.trust_policy.is_some());
    let log = sb.control().log().await.unwrap();
    assert!(
        log.iter()
            .any(|e| e.operation == "GetAccountAuthorizationDetails"),
        "the listing was used"
    );
    assert!(
        log.iter()
            .any(|e| e.operation == "GetResources" && e.status == 200),
        "GetResources was used"
    );
}
