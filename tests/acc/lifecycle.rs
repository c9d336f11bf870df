//! Acceptance: the full lifecycle of `sagemaker_custom_endpoint` with the real
//! Terraform CLI against a sandbox account started by each test. Every test
//! ends with a destroy and a zero-orphan check.

use crate::acc_support;
use acc_support::{Acc, MODEL_ARCHIVE, MODEL_PREFIX, endpoint_hcl};
use sagemaker_sandbox::ACCOUNT_ID as ACCOUNT;
use serde_json::json;

#[test]
fn realtime_seed_example_creates_every_object_as_the_construct_did() {
    let acc = Acc::new();
    acc.config(&endpoint_hcl(
        "bge",
        "testbgebase",
        "  instance_count = 1\n  volume_size_in_gb = 100\n  environment = { SAGEMAKER_REGION = \"user-wins\", HF_TASK = \"feature-extraction\" }",
    ));
    acc.apply_ok();
    let state = acc.resource("bge");
    assert_eq!(state["endpoint_status"], "InService");
    assert_eq!(state["id"], "testbgebase");
    assert!(
        state["endpoint_arn"]
            .as_str()
            .unwrap()
            .ends_with(":endpoint/testbgebase")
    );
    assert!(state["success_topic_arn"].is_null());

    let sm = acc.sagemaker();
    let model = acc
        .block_on(
            sm.describe_model()
                .model_name(state["model_name"].as_str().unwrap())
                .send(),
        )
        .expect("model exists");
    let c = model.primary_container().expect("single container");
    assert_eq!(c.mode().map(|m| m.as_str()), Some("SingleModel"));
    assert_eq!(c.model_data_url(), Some(MODEL_ARCHIVE));
    assert_eq!(c.image(), state["image_uri"].as_str());
    let env = c.environment().unwrap();
    assert_eq!(
        env.get("SAGEMAKER_REGION").map(String::as_str),
        Some("user-wins")
    );
    assert_eq!(
        env.get("HF_TASK").map(String::as_str),
        Some("feature-extraction")
    );
    assert_eq!(
        model.execution_role_arn(),
        state["execution_role_arn"].as_str()
    );
    let tags = acc
        .block_on(
            sm.list_tags()
                .resource_arn(model.model_arn().unwrap())
                .send(),
        )
        .unwrap();
    assert!(
        tags.tags()
            .iter()
            .any(|t| t.key() == Some("modelId") && t.value() == Some("bgeinf2"))
    );

    let cfg = acc
        .block_on(
            sm.describe_endpoint_config()
                .endpoint_config_name(state["endpoint_config_name"].as_str().unwrap())
                .send(),
        )
        .unwrap();
    let variants = cfg.production_variants();
    assert_eq!(variants.len(), 1);
    let v = &variants[0];
    assert_eq!(v.variant_name(), Some("AllTraffic"));
    assert_eq!(v.initial_variant_weight(), Some(1.0));
    assert_eq!(v.initial_instance_count(), Some(1));
    assert_eq!(
        v.instance_type().map(|t| t.as_str()),
        Some("ml.inf2.xlarge")
    );
    assert_eq!(v.volume_size_in_gb(), Some(100));
    assert_eq!(
        v.container_startup_health_check_timeout_in_seconds(),
        Some(600)
    );
    assert_eq!(v.model_data_download_timeout_in_seconds(), Some(600));
    assert_eq!(v.model_name(), state["model_name"].as_str());
    assert!(cfg.async_inference_config().is_none());

    let ep = acc
        .block_on(sm.describe_endpoint().endpoint_name("testbgebase").send())
        .unwrap();
    assert_eq!(
        ep.endpoint_config_name(),
        state["endpoint_config_name"].as_str()
    );
    let ep_tags = acc
        .block_on(
            sm.list_tags()
                .resource_arn(ep.endpoint_arn().unwrap())
                .send(),
        )
        .unwrap();
    assert!(
        ep_tags
            .tags()
            .iter()
            .any(|t| t.key() == Some("modelId") && t.value() == Some("bgeinf2")),
        "the endpoint carries the modelId tag"
    );

    // The generated role trusts SageMaker and can read the model archive.
    let role_name = state["execution_role_arn"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap();
    let role = acc
        .block_on(acc.iam().get_role().role_name(role_name).send())
        .unwrap();
    let trust = urlencoding_decode(role.role().unwrap().assume_role_policy_document().unwrap());
    assert!(trust.contains("sagemaker.amazonaws.com"), "{trust}");
    let trust_doc: serde_json::Value = serde_json::from_str(&trust).unwrap();
    let cond = &trust_doc["Statement"][0]["Condition"];
    assert_eq!(
        cond["StringEquals"]["aws:SourceAccount"], ACCOUNT,
        "the trust names this account only: {trust}"
    );
    assert!(
        cond["ArnLike"]["aws:SourceArn"].as_str().is_some_and(|a| a
            .starts_with("arn:aws:sagemaker:")
            && a.ends_with(&format!(":{ACCOUNT}:*"))),
        "the trust names this account's SageMaker resources: {trust}"
    );
    let policies = acc
        .block_on(acc.iam().list_role_policies().role_name(role_name).send())
        .unwrap();
    let mut documents = String::new();
    for p in policies.policy_names() {
        let doc = acc
            .block_on(
                acc.iam()
                    .get_role_policy()
                    .role_name(role_name)
                    .policy_name(p)
                    .send(),
            )
            .unwrap();
        documents.push_str(&urlencoding_decode(doc.policy_document()));
    }
    assert!(documents.contains("s3:GetObject"), "{documents}");
    assert!(
        documents.contains("acc-models/bge/model.tar.gz"),
        "{documents}"
    );
    assert!(documents.contains("ecr:BatchGetImage"), "{documents}");
    assert!(!documents.contains("AmazonSageMakerFullAccess"));

    acc.assert_plan_empty();
    acc.refresh_ok();
    acc.assert_plan_empty();
    acc.destroy_and_assert_no_orphans();
}

#[test]
fn async_seed_example_adds_encrypted_topics() {
    let acc = Acc::new();
    acc.config(&endpoint_hcl(
        "summarizer",
        "summarizer-async",
        "  async_inference = {\n    output_path = \"s3://acc-models/async/out/\"\n    failure_path = \"s3://acc-models/async/fail/\"\n  }",
    ));
    acc.apply_ok();
    let state = acc.resource("summarizer");
    let success = state["success_topic_arn"]
        .as_str()
        .expect("success topic")
        .to_string();
    let error = state["error_topic_arn"]
        .as_str()
        .expect("error topic")
        .to_string();
    assert!(
        success.contains("summarizer-async"),
        "topic names derive from the endpoint: {success}"
    );
    for arn in [&success, &error] {
        let attrs = acc
            .block_on(acc.sns().get_topic_attributes().topic_arn(arn).send())
            .unwrap();
        let attrs = attrs.attributes().unwrap();
        assert_eq!(
            attrs.get("KmsMasterKeyId").map(String::as_str),
            Some("alias/aws/sns")
        );
        let policy = attrs.get("Policy").cloned().unwrap_or_default();
        assert!(policy.contains("aws:SecureTransport"), "{policy}");
        assert!(policy.contains("Deny"), "{policy}");
    }
    let cfg = acc
        .block_on(
            acc.sagemaker()
                .describe_endpoint_config()
                .endpoint_config_name(state["endpoint_config_name"].as_str().unwrap())
                .send(),
        )
        .unwrap();
    let a = cfg.async_inference_config().expect("async config");
    let out = a.output_config().unwrap();
    assert_eq!(out.s3_output_path(), Some("s3://acc-models/async/out/"));
    assert_eq!(out.s3_failure_path(), Some("s3://acc-models/async/fail/"));
    let n = out.notification_config().unwrap();
    assert_eq!(n.success_topic(), Some(success.as_str()));
    assert_eq!(n.error_topic(), Some(error.as_str()));
    assert_eq!(
        a.client_config()
            .and_then(|c| c.max_concurrent_invocations_per_instance()),
        Some(10)
    );
    acc.assert_plan_empty();
    acc.destroy_and_assert_no_orphans();
}

#[test]
fn uncompressed_prefix_becomes_model_data_source() {
    let acc = Acc::new();
    let hcl = endpoint_hcl("llm", "llm-prefix", "").replace(MODEL_ARCHIVE, MODEL_PREFIX);
    acc.config(&hcl);
    acc.apply_ok();
    let state = acc.resource("llm");
    let model = acc
        .block_on(
            acc.sagemaker()
                .describe_model()
                .model_name(state["model_name"].as_str().unwrap())
                .send(),
        )
        .unwrap();
    let c = model.primary_container().unwrap();
    assert!(c.model_data_url().is_none());
    let s3 = c
        .model_data_source()
        .and_then(|d| d.s3_data_source())
        .expect("S3 data source");
    assert_eq!(s3.s3_uri(), Some(MODEL_PREFIX));
    assert_eq!(s3.s3_data_type().map(|t| t.as_str()), Some("S3Prefix"));
    assert_eq!(s3.compression_type().map(|t| t.as_str()), Some("None"));
    acc.assert_plan_empty();
    acc.destroy_and_assert_no_orphans();
}

#[test]
fn existing_role_is_used_and_never_touched() {
    let acc = Acc::new();
    let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "sts:AssumeRole"}]});
    let role = acc
        .block_on(
            acc.iam()
                .create_role()
                .role_name("team-sagemaker-role")
                .assume_role_policy_document(trust.to_string())
                .send(),
        )
        .unwrap();
    let arn = role.role().unwrap().arn().to_string();
    acc.config(&endpoint_hcl(
        "own",
        "own-role",
        &format!("  role_arn = \"{arn}\""),
    ));
    acc.apply_ok();
    let state = acc.resource("own");
    assert_eq!(state["execution_role_arn"], arn.as_str());
    let inv = acc.block_on(acc.control().inventory()).unwrap();
    assert_eq!(
        inv.iam.roles,
        vec!["team-sagemaker-role".to_string()],
        "no role created"
    );
    acc.assert_plan_empty();
    acc.terraform(&["destroy", "-auto-approve", "-no-color"])
        .assert_ok("destroy");
    // The user's role survives destroy; remove it ourselves, then nothing is left.
    acc.block_on(acc.iam().get_role().role_name("team-sagemaker-role").send())
        .expect("user role still exists");
    acc.block_on(
        acc.iam()
            .delete_role()
            .role_name("team-sagemaker-role")
            .send(),
    )
    .unwrap();
    acc.assert_no_orphans();
}

#[test]
fn managed_policy_arns_are_attached_to_the_generated_role() {
    let acc = Acc::new();
    let policy = "arn:aws:iam::aws:policy/AmazonSageMakerReadOnly";
    acc.config(&endpoint_hcl(
        "mp",
        "managed-policies",
        &format!("  role_managed_policy_arns = [\"{policy}\"]"),
    ));
    acc.apply_ok();
    let state = acc.resource("mp");
    let role_name = state["execution_role_arn"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap();
    let attached = acc
        .block_on(
            acc.iam()
                .list_attached_role_policies()
                .role_name(role_name)
                .send(),
        )
        .unwrap();
    let arns: Vec<_> = attached
        .attached_policies()
        .iter()
        .filter_map(|p| p.policy_arn())
        .collect();
    assert_eq!(arns, vec![policy]);
    acc.assert_plan_empty();
    acc.destroy_and_assert_no_orphans();
}

/// IAM returns policy documents URL-encoded.
fn urlencoding_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(Ok(b)) = s.get(i + 1..i + 3).map(|h| u8::from_str_radix(h, 16))
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
