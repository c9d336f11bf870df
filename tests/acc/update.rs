//! Acceptance: in-place updates keep the endpoint in service and clean up the
//! old model and config; a new name replaces; import and drift are handled.

use crate::acc_support;
use acc_support::{Acc, MODEL_ARCHIVE, endpoint_hcl};
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Applies while another thread polls the endpoint's status; returns every
/// status seen.
fn apply_watching(acc: &Acc, endpoint: &str) -> Vec<String> {
    let stop = Arc::new(AtomicBool::new(false));
    let client = acc.sagemaker();
    let name = endpoint.to_string();
    let flag = stop.clone();
    let watcher = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let mut seen = Vec::new();
        while !flag.load(Ordering::SeqCst) {
            match rt.block_on(client.describe_endpoint().endpoint_name(&name).send()) {
                Ok(ep) => seen.push(
                    ep.endpoint_status()
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_default(),
                ),
                Err(e) => seen.push(format!("error: {e:?}")),
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        seen
    });
    let out = acc.apply();
    stop.store(true, Ordering::SeqCst);
    let seen = watcher.join().unwrap();
    out.assert_ok("apply");
    seen
}

fn gone_model(acc: &Acc, name: &str) -> bool {
    acc.block_on(acc.sagemaker().describe_model().model_name(name).send())
        .is_err()
}

fn gone_config(acc: &Acc, name: &str) -> bool {
    acc.block_on(
        acc.sagemaker()
            .describe_endpoint_config()
            .endpoint_config_name(name)
            .send(),
    )
    .is_err()
}

#[test]
fn updates_are_in_place_with_zero_downtime() {
    let acc = Acc::new();
    acc.block_on(
        acc.control()
            .seed_object("s3://acc-models/bge/model-v2.tar.gz", None),
    )
    .unwrap();
    let steps: [(&str, &str, bool); 5] = [
        ("instance_count", "  instance_count = 2", false),
        (
            "instance_type",
            "  instance_count = 2\n  instance_type_override",
            false,
        ),
        (
            "environment",
            "  instance_count = 2\n  instance_type_override\n  environment = { LOG = \"debug\" }",
            true,
        ),
        (
            "model_data_url",
            "  instance_count = 2\n  instance_type_override\n  environment = { LOG = \"debug\" }\n  model_v2",
            true,
        ),
        (
            "container",
            "  instance_count = 2\n  instance_type_override\n  environment = { LOG = \"debug\" }\n  model_v2\n  image_v2",
            true,
        ),
    ];
    let render = |extra: &str| {
        let mut hcl = endpoint_hcl("bge", "zero-downtime", "");
        if extra.contains("instance_type_override") {
            hcl = hcl.replace("ml.inf2.xlarge", "ml.inf2.8xlarge");
        }
        if extra.contains("model_v2") {
            hcl = hcl.replace(MODEL_ARCHIVE, "s3://acc-models/bge/model-v2.tar.gz");
        }
        if extra.contains("image_v2") {
            hcl = hcl.replace("sdk2.15.0-ubuntu20.04", "sdk2.18.0-ubuntu20.04");
        }
        let lines: String = extra
            .lines()
            .filter(|l| {
                !l.contains("_override") && !l.contains("model_v2") && !l.contains("image_v2")
            })
            .map(|l| format!("{l}\n"))
            .collect();
        hcl.replacen("\n}\n", &format!("\n{lines}}}\n"), 1)
    };
    acc.config(&render(""));
    acc.apply_ok();
    for (what, extra, new_model) in steps {
        let before = acc.resource("bge");
        acc.config(&render(extra));
        let plan = acc.plan_json();
        assert_eq!(
            plan["resource_changes"][0]["change"]["actions"],
            json!(["update"]),
            "{what} must be an in-place update"
        );
        let seen = apply_watching(&acc, "zero-downtime");
        assert!(
            seen.iter().all(|s| s == "InService" || s == "Updating"),
            "{what}: the endpoint left service during the update: {seen:?}"
        );
        assert!(
            seen.iter().any(|s| s == "Updating"),
            "{what}: no update observed: {seen:?}"
        );
        let after = acc.resource("bge");
        assert_ne!(
            after["endpoint_config_name"], before["endpoint_config_name"],
            "{what}"
        );
        assert!(
            gone_config(&acc, before["endpoint_config_name"].as_str().unwrap()),
            "{what}: old config left"
        );
        if new_model {
            assert_ne!(after["model_name"], before["model_name"], "{what}");
            assert!(
                gone_model(&acc, before["model_name"].as_str().unwrap()),
                "{what}: old model left"
            );
        } else {
            assert_eq!(after["model_name"], before["model_name"], "{what}");
        }
        let live = acc
            .block_on(
                acc.sagemaker()
                    .describe_endpoint()
                    .endpoint_name("zero-downtime")
                    .send(),
            )
            .unwrap();
        assert_eq!(
            live.endpoint_config_name(),
            after["endpoint_config_name"].as_str(),
            "{what}"
        );
        acc.assert_plan_empty();
    }
    acc.destroy_and_assert_no_orphans();
}

#[test]
fn tag_changes_use_the_tagging_api_only() {
    let acc = Acc::new();
    let async_cfg = "  async_inference = { output_path = \"s3://acc-models/out/\" }\n";
    acc.config(&endpoint_hcl(
        "t",
        "tagged",
        &format!("{async_cfg}  tags = {{ stage = \"dev\" }}"),
    ));
    acc.apply_ok();
    let before = acc.resource("t");
    acc.block_on(acc.control().clear_log()).unwrap();
    acc.config(&endpoint_hcl(
        "t",
        "tagged",
        &format!("{async_cfg}  tags = {{ stage = \"prod\", team = \"ml\" }}"),
    ));
    acc.apply_ok();
    let after = acc.resource("t");
    assert_eq!(
        after["endpoint_config_name"],
        before["endpoint_config_name"]
    );
    assert_eq!(after["model_name"], before["model_name"]);
    let log = acc.block_on(acc.control().log()).unwrap();
    let sm_writes: Vec<_> = log
        .iter()
        .filter(|e| {
            e.service == "sagemaker"
                && !e.operation.starts_with("Describe")
                && !e.operation.starts_with("List")
        })
        .map(|e| e.operation.clone())
        .collect();
    assert!(
        sm_writes
            .iter()
            .all(|op| op == "AddTags" || op == "DeleteTags"),
        "{sm_writes:?}"
    );
    assert!(sm_writes.iter().any(|op| op == "AddTags"), "{sm_writes:?}");
    let tags = acc
        .block_on(
            acc.sagemaker()
                .list_tags()
                .resource_arn(after["endpoint_arn"].as_str().unwrap())
                .send(),
        )
        .unwrap();
    assert!(
        tags.tags()
            .iter()
            .any(|t| t.key() == Some("team") && t.value() == Some("ml"))
    );
    // The topics follow too.
    for attr in ["success_topic_arn", "error_topic_arn"] {
        let topic = acc
            .block_on(
                acc.sns()
                    .list_tags_for_resource()
                    .resource_arn(after[attr].as_str().unwrap())
                    .send(),
            )
            .unwrap();
        let tags: Vec<(&str, &str)> = topic.tags().iter().map(|t| (t.key(), t.value())).collect();
        assert!(tags.contains(&("team", "ml")), "{attr}: {tags:?}");
        assert!(tags.contains(&("stage", "prod")), "{attr}: {tags:?}");
    }
    acc.assert_plan_empty();
    acc.destroy_and_assert_no_orphans();
}

#[test]
fn a_new_endpoint_name_replaces_the_endpoint() {
    let acc = Acc::new();
    acc.config(&endpoint_hcl("r", "first-name", ""));
    acc.apply_ok();
    acc.config(&endpoint_hcl("r", "second-name", ""));
    let plan = acc.plan_json();
    assert_eq!(
        plan["resource_changes"][0]["change"]["actions"],
        json!(["delete", "create"])
    );
    acc.apply_ok();
    assert!(
        acc.block_on(
            acc.sagemaker()
                .describe_endpoint()
                .endpoint_name("first-name")
                .send()
        )
        .is_err()
    );
    assert_eq!(acc.resource("r")["endpoint_status"], "InService");
    acc.assert_plan_empty();
    acc.destroy_and_assert_no_orphans();
}

#[test]
fn import_by_endpoint_name_then_plan_is_empty() {
    let acc = Acc::new();
    let hcl = endpoint_hcl(
        "imp",
        "imported",
        "  environment = { A = \"1\" }\n  tags = { k = \"v\" }",
    );
    acc.config(&hcl);
    acc.apply_ok();
    let applied = acc.resource("imp");
    // Forget it, then import with the CLI command.
    let imported = acc.reimport("imp", "imported");
    for k in [
        "model_name",
        "endpoint_config_name",
        "endpoint_arn",
        "image_uri",
        "execution_role_arn",
        "model_data_url",
    ] {
        assert_eq!(imported[k], applied[k], "{k}");
    }
    acc.assert_plan_empty();
    // And with an import block.
    acc.terraform(&["state", "rm", "sagemaker_custom_endpoint.imp"])
        .assert_ok("state rm");
    acc.config(&format!(
        "{hcl}\nimport {{\n  to = sagemaker_custom_endpoint.imp\n  id = \"imported\"\n}}\n"
    ));
    acc.apply_ok();
    acc.config(&hcl);
    acc.assert_plan_empty();
    acc.destroy_and_assert_no_orphans();
}

#[test]
fn drift_endpoint_or_role_deleted_out_of_band_is_recreated() {
    let acc = Acc::new();
    acc.config(&endpoint_hcl("d", "drifting", ""));
    acc.apply_ok();
    // Endpoint deleted behind Terraform's back.
    let sm = acc.sagemaker();
    acc.block_on(sm.delete_endpoint().endpoint_name("drifting").send())
        .unwrap();
    while acc
        .block_on(sm.describe_endpoint().endpoint_name("drifting").send())
        .is_ok()
    {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    // Its model, config and role are still there, so the resource stays in
    // state and is replaced: the leftovers go, everything is created again.
    let plan = acc.plan_json();
    assert_eq!(
        plan["resource_changes"][0]["change"]["actions"],
        json!(["delete", "create"]),
        "{plan:#}"
    );
    acc.apply_ok();
    assert_eq!(acc.resource("d")["endpoint_status"], "InService");
    acc.assert_plan_empty();
    // The generated role deleted behind Terraform's back.
    let role_arn = acc.resource("d")["execution_role_arn"]
        .as_str()
        .unwrap()
        .to_string();
    let role = role_arn.rsplit('/').next().unwrap().to_string();
    let iam = acc.iam();
    for p in acc
        .block_on(iam.list_role_policies().role_name(&role).send())
        .unwrap()
        .policy_names()
    {
        acc.block_on(
            iam.delete_role_policy()
                .role_name(&role)
                .policy_name(p)
                .send(),
        )
        .unwrap();
    }
    let attached = acc
        .block_on(iam.list_attached_role_policies().role_name(&role).send())
        .unwrap();
    for p in attached.attached_policies() {
        acc.block_on(
            iam.detach_role_policy()
                .role_name(&role)
                .policy_arn(p.policy_arn().unwrap())
                .send(),
        )
        .unwrap();
    }
    acc.block_on(iam.delete_role().role_name(&role).send())
        .unwrap();
    let out = acc.terraform(&["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(
        out.code,
        2,
        "a missing role must show as a change:\n{}",
        out.combined()
    );
    acc.apply_ok();
    acc.block_on(iam.get_role().role_name(&role).send())
        .expect("role recreated");
    acc.assert_plan_empty();
    acc.destroy_and_assert_no_orphans();
}
