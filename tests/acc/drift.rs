//! Acceptance: every change made behind the resource's back is seen and put
//! back. For each case: apply, change the objects with the SDK,
//! `plan -refresh-only` must show it, `apply` must repair it (checked on
//! the objects), the next plan must be empty, and destroy must leave
//! nothing of ours (and nothing that is not ours deleted).

use crate::acc_support::{Acc, endpoint_hcl};
use aws_sdk_sagemaker::types::{DesiredWeightAndCapacity, ProductionVariant, Tag};
use serde_json::Value as Json;
use std::collections::BTreeMap;

fn wait_in_service(acc: &Acc, endpoint: &str) -> String {
    let ep = acc.wait_in_service(endpoint);
    ep.endpoint_config_name().unwrap_or_default().to_string()
}

fn sm_tags(acc: &Acc, arn: &str) -> BTreeMap<String, String> {
    acc.sagemaker_tags(arn)
}

fn sns_tags(acc: &Acc, arn: &str) -> BTreeMap<String, String> {
    acc.block_on(acc.sns().list_tags_for_resource().resource_arn(arn).send())
        .unwrap()
        .tags()
        .iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect()
}

fn tag(k: &str, v: &str) -> Tag {
    Tag::builder().key(k).value(v).build()
}

fn role_name(state: &Json) -> String {
    state["execution_role_arn"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string()
}

fn url_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

fn doc(s: &str) -> Json {
    serde_json::from_str(s)
        .or_else(|_| serde_json::from_str(&url_decode(s)))
        .unwrap()
}

/// (trust policy, inline policy, attached policy ARNs, tags) of a role.
fn role_facts(acc: &Acc, name: &str) -> (Json, Json, Vec<String>, BTreeMap<String, String>) {
    let iam = acc.iam();
    acc.block_on(async {
        let role = iam.get_role().role_name(name).send().await.unwrap();
        let role = role.role().unwrap();
        let inline = iam
            .get_role_policy()
            .role_name(name)
            .policy_name("tfsm-execution")
            .send()
            .await
            .unwrap();
        let attached = iam
            .list_attached_role_policies()
            .role_name(name)
            .send()
            .await
            .unwrap();
        (
            doc(role.assume_role_policy_document().unwrap()),
            doc(inline.policy_document()),
            attached
                .attached_policies()
                .iter()
                .filter_map(|p| p.policy_arn().map(str::to_string))
                .collect(),
            role.tags()
                .iter()
                .map(|t| (t.key().to_string(), t.value().to_string()))
                .collect(),
        )
    })
}

#[test]
fn instance_count_tags_and_the_generated_role_are_put_back() {
    let acc = Acc::new();
    acc.config(&endpoint_hcl(
        "d",
        "drifty",
        "  tags = { owner = \"me\", keep = \"1\" }",
    ));
    acc.apply_ok();
    let st = acc.resource("d");
    let ep_arn = st["endpoint_arn"].as_str().unwrap().to_string();
    let model_arn = st["model_arn"].as_str().unwrap().to_string();
    let config_arn = st["endpoint_config_arn"].as_str().unwrap().to_string();
    let role = role_name(&st);
    let ep_tags = sm_tags(&acc, &ep_arn);
    let model_tags = sm_tags(&acc, &model_arn);
    let config_tags = sm_tags(&acc, &config_arn);
    let role_before = role_facts(&acc, &role);

    let sm = acc.sagemaker();
    let iam = acc.iam();
    let extra_policy = acc.block_on(async {
        sm.update_endpoint_weights_and_capacities()
            .endpoint_name("drifty")
            .desired_weights_and_capacities(
                DesiredWeightAndCapacity::builder()
                    .variant_name("AllTraffic")
                    .desired_instance_count(5)
                    .build(),
            )
            .send()
            .await
            .unwrap();
        sm.add_tags()
            .resource_arn(&ep_arn)
            .tags(tag("owner", "other"))
            .tags(tag("extra", "x"))
            .send()
            .await
            .unwrap();
        sm.delete_tags()
            .resource_arn(&ep_arn)
            .tag_keys("keep")
            .send()
            .await
            .unwrap();
        sm.add_tags()
            .resource_arn(&model_arn)
            .tags(tag("sneaky", "1"))
            .send()
            .await
            .unwrap();
        sm.delete_tags()
            .resource_arn(&config_arn)
            .tag_keys("owner")
            .send()
            .await
            .unwrap();
        let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["sagemaker.amazonaws.com","ec2.amazonaws.com"]},"Action":"sts:AssumeRole"}]}"#;
        iam.update_assume_role_policy()
            .role_name(&role)
            .policy_document(trust)
            .send()
            .await
            .unwrap();
        iam.put_role_policy()
            .role_name(&role)
            .policy_name("tfsm-execution")
            .policy_document(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#,
            )
            .send()
            .await
            .unwrap();
        let p = iam
            .create_policy()
            .policy_name("drift-extra")
            .policy_document(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}"#,
            )
            .send()
            .await
            .unwrap();
        let arn = p.policy().unwrap().arn().unwrap().to_string();
        iam.attach_role_policy()
            .role_name(&role)
            .policy_arn(&arn)
            .send()
            .await
            .unwrap();
        iam.tag_role()
            .role_name(&role)
            .tags(
                aws_sdk_iam::types::Tag::builder()
                    .key("rogue")
                    .value("1")
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .unwrap();
        arn
    });
    wait_in_service(&acc, "drifty");

    acc.refresh_only_shows(&[
        "instance_count",
        "\"extra\" = \"x\"",
        "out_of_band_changes",
        "tag sneaky added",
        "tag owner removed",
        "trust policy changed",
        "inline policy tfsm-execution changed",
        &format!("managed policy {extra_policy} attached"),
        "tag rogue added",
    ]);
    acc.apply_ok();

    let ep = acc
        .block_on(sm.describe_endpoint().endpoint_name("drifty").send())
        .unwrap();
    assert_eq!(
        ep.production_variants()[0].desired_instance_count(),
        Some(1),
        "the instance count must be put back"
    );
    assert_eq!(sm_tags(&acc, &ep_arn), ep_tags);
    assert_eq!(sm_tags(&acc, &model_arn), model_tags);
    assert_eq!(sm_tags(&acc, &config_arn), config_tags);
    assert_eq!(role_facts(&acc, &role), role_before);
    assert!(acc.resource("d")["out_of_band_changes"].is_null());
    acc.assert_plan_empty();

    acc.terraform(&["destroy", "-auto-approve", "-input=false", "-no-color"])
        .assert_ok("destroy");
    // The test's own policy is not the resource's to delete.
    acc.block_on(iam.delete_policy().policy_arn(&extra_policy).send())
        .unwrap();
    acc.assert_no_orphans();
}

#[test]
fn topic_policy_encryption_and_tags_are_put_back() {
    let acc = Acc::new();
    acc.config(&endpoint_hcl(
        "a",
        "drifty-async",
        "  async_inference = { output_path = \"s3://acc-out/results/\" }",
    ));
    acc.apply_ok();
    let st = acc.resource("a");
    let success = st["success_topic_arn"].as_str().unwrap().to_string();
    let error = st["error_topic_arn"].as_str().unwrap().to_string();
    let attrs = |arn: &str| -> BTreeMap<String, String> {
        acc.block_on(acc.sns().get_topic_attributes().topic_arn(arn).send())
            .unwrap()
            .attributes()
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default()
    };
    let success_policy = doc(&attrs(&success)["Policy"]);
    let error_tags = sns_tags(&acc, &error);
    let sns = acc.sns();
    acc.block_on(async {
        sns.set_topic_attributes()
            .topic_arn(&success)
            .attribute_name("Policy")
            .attribute_value(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sns:Publish","Resource":"*"}]}"#,
            )
            .send()
            .await
            .unwrap();
        sns.set_topic_attributes()
            .topic_arn(&error)
            .attribute_name("KmsMasterKeyId")
            .attribute_value("")
            .send()
            .await
            .unwrap();
        sns.tag_resource()
            .resource_arn(&error)
            .tags(
                aws_sdk_sns::types::Tag::builder()
                    .key("who")
                    .value("me")
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .unwrap();
    });
    acc.refresh_only_shows(&[
        "success_topic",
        "access policy changed",
        "error_topic",
        "encryption changed",
        "tag who added",
    ]);
    acc.apply_ok();
    assert_eq!(doc(&attrs(&success)["Policy"]), success_policy);
    assert_eq!(attrs(&error)["KmsMasterKeyId"], "alias/aws/sns");
    assert_eq!(sns_tags(&acc, &error), error_tags);
    acc.assert_plan_empty();
    acc.destroy_and_assert_no_orphans();
}

#[test]
fn deleted_model_config_and_topic_come_back() {
    let acc = Acc::new();
    acc.config(&endpoint_hcl(
        "g",
        "gone-parts",
        "  async_inference = { output_path = \"s3://acc-out/results/\" }",
    ));
    acc.apply_ok();
    let st = acc.resource("g");
    let model = st["model_name"].as_str().unwrap().to_string();
    let config = st["endpoint_config_name"].as_str().unwrap().to_string();
    let topic = st["success_topic_arn"].as_str().unwrap().to_string();
    let sm = acc.sagemaker();
    acc.block_on(async {
        sm.delete_endpoint_config()
            .endpoint_config_name(&config)
            .send()
            .await
            .unwrap();
        sm.delete_model().model_name(&model).send().await.unwrap();
        acc.sns()
            .delete_topic()
            .topic_arn(&topic)
            .send()
            .await
            .unwrap();
    });
    acc.refresh_only_shows(&["model_arn", "endpoint_config_arn", "success_topic_arn"]);
    acc.apply_ok();
    acc.block_on(async {
        sm.describe_model().model_name(&model).send().await.unwrap();
        sm.describe_endpoint_config()
            .endpoint_config_name(&config)
            .send()
            .await
            .unwrap();
        acc.sns()
            .get_topic_attributes()
            .topic_arn(&topic)
            .send()
            .await
            .unwrap();
    });
    let after = acc.resource("g");
    assert_eq!(after["model_name"], st["model_name"]);
    assert_eq!(after["success_topic_arn"], st["success_topic_arn"]);
    assert_eq!(wait_in_service(&acc, "gone-parts"), config);
    acc.assert_plan_empty();
    acc.destroy_and_assert_no_orphans();
}

#[test]
fn an_endpoint_switched_to_someone_elses_config_comes_back_and_theirs_survives() {
    let acc = Acc::new();
    acc.config(&endpoint_hcl("s", "switched", ""));
    acc.apply_ok();
    let st = acc.resource("s");
    let ours = st["endpoint_config_name"].as_str().unwrap().to_string();
    let model = st["model_name"].as_str().unwrap().to_string();
    let sm = acc.sagemaker();
    acc.block_on(async {
        sm.create_endpoint_config()
            .endpoint_config_name("theirs-cfg")
            .production_variants(
                ProductionVariant::builder()
                    .variant_name("AllTraffic")
                    .model_name(&model)
                    .instance_type("ml.g5.2xlarge".into())
                    .initial_instance_count(2)
                    .build(),
            )
            .send()
            .await
            .unwrap();
        sm.update_endpoint()
            .endpoint_name("switched")
            .endpoint_config_name("theirs-cfg")
            .send()
            .await
            .unwrap();
    });
    assert_eq!(wait_in_service(&acc, "switched"), "theirs-cfg");
    acc.refresh_only_shows(&["endpoint_config_name", "theirs-cfg"]);
    acc.apply_ok();
    assert_eq!(wait_in_service(&acc, "switched"), ours);
    acc.assert_plan_empty();
    acc.terraform(&["destroy", "-auto-approve", "-input=false", "-no-color"])
        .assert_ok("destroy");
    // Reached only through drift: never deleted.
    acc.block_on(
        sm.describe_endpoint_config()
            .endpoint_config_name("theirs-cfg")
            .send(),
    )
    .expect("someone else's config must survive");
    acc.block_on(
        sm.delete_endpoint_config()
            .endpoint_config_name("theirs-cfg")
            .send(),
    )
    .unwrap();
    acc.assert_no_orphans();
}
