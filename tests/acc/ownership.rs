//! Acceptance: a resource owns exactly what it created or imported. An
//! endpoint made elsewhere is never adopted, changed or deleted by a
//! create; two configurations that declare one `endpoint_name` cannot take
//! over each other's objects; a create killed with SIGKILL is recovered by
//! the import the error names, and nothing is left afterwards.

use crate::acc_support::{Acc, MODEL_ARCHIVE, endpoint_hcl};
use crate::support::{self, Workdir};
use aws_sdk_sagemaker::types::{ContainerDefinition, ProductionVariant, Tag};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

/// What somebody else made with the SDK: a role, a model, a config and an
/// endpoint, tagged `team = other`.
struct Theirs {
    endpoint: String,
    config: String,
    model: String,
    role: String,
}

fn make_theirs(acc: &Acc, endpoint: &str) -> Theirs {
    let t = Theirs {
        endpoint: endpoint.to_string(),
        config: format!("{endpoint}-theirs-cfg"),
        model: format!("{endpoint}-theirs-model"),
        role: format!("{endpoint}-theirs-role"),
    };
    let sm = acc.sagemaker();
    let tag = || Tag::builder().key("team").value("other").build();
    acc.block_on(async {
        let role = acc
            .iam()
            .create_role()
            .role_name(&t.role)
            .assume_role_policy_document(TRUST)
            .send()
            .await
            .unwrap();
        let role_arn = role.role().unwrap().arn().to_string();
        // The sandbox imitates IAM propagation: retry until the model sticks.
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let res = sm
                .create_model()
                .model_name(&t.model)
                .execution_role_arn(&role_arn)
                .primary_container(
                    ContainerDefinition::builder()
                        .image("123456789012.dkr.ecr.us-east-1.amazonaws.com/theirs:1")
                        .model_data_url(MODEL_ARCHIVE)
                        .build(),
                )
                .tags(tag())
                .send()
                .await;
            match res {
                Ok(_) => break,
                Err(e) if Instant::now() < deadline => {
                    eprintln!("create_model retry: {e:?}");
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                Err(e) => panic!("create_model: {e:?}"),
            }
        }
        sm.create_endpoint_config()
            .endpoint_config_name(&t.config)
            .production_variants(
                ProductionVariant::builder()
                    .variant_name("AllTraffic")
                    .model_name(&t.model)
                    .instance_type("ml.m5.large".into())
                    .initial_instance_count(1)
                    .build(),
            )
            .tags(tag())
            .send()
            .await
            .unwrap();
        sm.create_endpoint()
            .endpoint_name(&t.endpoint)
            .endpoint_config_name(&t.config)
            .tags(tag())
            .send()
            .await
            .unwrap();
    });
    wait_in_service(acc, endpoint);
    t
}

fn wait_in_service(
    acc: &Acc,
    endpoint: &str,
) -> aws_sdk_sagemaker::operation::describe_endpoint::DescribeEndpointOutput {
    acc.wait_in_service(endpoint)
}

fn tags_of(acc: &Acc, arn: &str) -> BTreeMap<String, String> {
    acc.sagemaker_tags(arn)
}

/// The sandbox's inventory as comparable JSON (without the `empty` flag).
fn inventory(acc: &Acc) -> serde_json::Value {
    let inv = acc.block_on(acc.control().inventory()).unwrap();
    let mut v = serde_json::to_value(&inv).unwrap();
    v.as_object_mut().unwrap().remove("empty");
    v
}

fn delete_theirs(acc: &Acc, t: &Theirs) {
    let sm = acc.sagemaker();
    acc.block_on(async {
        sm.delete_endpoint()
            .endpoint_name(&t.endpoint)
            .send()
            .await
            .unwrap();
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    while acc
        .block_on(sm.describe_endpoint().endpoint_name(&t.endpoint).send())
        .is_ok()
    {
        assert!(Instant::now() < deadline, "their endpoint never went away");
        std::thread::sleep(Duration::from_millis(100));
    }
    acc.block_on(async {
        sm.delete_endpoint_config()
            .endpoint_config_name(&t.config)
            .send()
            .await
            .unwrap();
        sm.delete_model().model_name(&t.model).send().await.unwrap();
        acc.iam()
            .delete_role()
            .role_name(&t.role)
            .send()
            .await
            .unwrap();
    });
}

/// A working directory for a second Terraform state on the same sandbox.
fn second_state(acc: &Acc, resources: &str) -> Workdir {
    let w = Workdir::new("");
    w.write(
        "main.tf",
        &format!(
            "{}\n{}\n{resources}",
            support::header(),
            acc.provider_block()
        ),
    );
    w
}

/// Pids of the direct children of `parent` whose command name starts with
/// `name` (Linux `/proc`).
fn children_named(parent: u32, name: &str) -> Vec<u32> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        // pid (comm) state ppid ...
        let Some((head, rest)) = stat.rsplit_once(") ") else {
            continue;
        };
        let comm = head.split_once(" (").map(|x| x.1).unwrap_or_default();
        let ppid = rest
            .split_whitespace()
            .nth(1)
            .and_then(|p| p.parse::<u32>().ok());
        if ppid == Some(parent) && comm.starts_with(name) {
            out.push(pid);
        }
    }
    out
}

fn apply_args() -> [&'static str; 4] {
    ["apply", "-auto-approve", "-input=false", "-no-color"]
}

#[test]
fn a_foreign_endpoint_is_refused_untouched_and_survives_destroy() {
    let acc = Acc::new();
    let theirs = make_theirs(&acc, "prod-llm");
    let before = inventory(&acc);
    let ep_before = wait_in_service(&acc, "prod-llm");
    let arn = ep_before.endpoint_arn().unwrap().to_string();
    let tags_before = tags_of(&acc, &arn);
    let role_before = acc
        .block_on(acc.iam().get_role().role_name(&theirs.role).send())
        .unwrap();

    acc.config(&endpoint_hcl("main", "prod-llm", ""));
    let out = acc.apply();
    assert_ne!(out.code, 0, "apply must fail:\n{}", out.combined());
    let msg = out.flat();
    for needle in [
        "Endpoint prod-llm already exists outside this resource",
        "endpoint prod-llm (tags: team=other)",
        "terraform import ADDRESS prod-llm",
        "import { to = ADDRESS id = \"prod-llm\" }",
        "Nothing was created or changed",
    ] {
        assert!(msg.contains(needle), "missing {needle:?} in:\n{msg}");
    }

    // Nothing changed and nothing of ours exists.
    assert_eq!(
        inventory(&acc),
        before,
        "the failed create changed the account"
    );
    let ep = wait_in_service(&acc, "prod-llm");
    assert_eq!(ep.endpoint_config_name(), Some(theirs.config.as_str()));
    assert_eq!(tags_of(&acc, &arn), tags_before);
    let role_after = acc
        .block_on(acc.iam().get_role().role_name(&theirs.role).send())
        .unwrap();
    assert_eq!(
        role_after.role().unwrap().assume_role_policy_document(),
        role_before.role().unwrap().assume_role_policy_document()
    );
    assert!(
        acc.resource("main").is_null(),
        "nothing may enter the state"
    );

    // Destroy has nothing to do; their endpoint keeps serving.
    acc.terraform(&["destroy", "-auto-approve", "-input=false", "-no-color"])
        .assert_ok("destroy");
    let ep = wait_in_service(&acc, "prod-llm");
    assert_eq!(ep.endpoint_config_name(), Some(theirs.config.as_str()));
    assert_eq!(inventory(&acc), before);

    delete_theirs(&acc, &theirs);
    acc.assert_no_orphans();
}

#[test]
fn two_states_with_one_endpoint_name_cannot_share_it() {
    let acc = Acc::new();
    let hcl = endpoint_hcl("shared", "shared-name", "  tags = { owner = \"first\" }");
    acc.config(&hcl);
    acc.apply_ok();
    let first = acc.resource("shared");
    let before = inventory(&acc);
    let endpoint_tags = tags_of(&acc, first["endpoint_arn"].as_str().unwrap());

    let second = second_state(&acc, &hcl.replace("first", "second"));
    let out = second.terraform(&apply_args());
    assert_ne!(out.code, 0, "second apply must fail:\n{}", out.combined());
    let msg = out.flat();
    assert!(
        msg.contains("already exists outside this resource"),
        "{msg}"
    );
    assert!(
        msg.contains(&format!(
            "ownership_id {}",
            first["ownership_id"].as_str().unwrap()
        )),
        "the error must say who owns it: {msg}"
    );
    // The second apply changed nothing at all.
    assert_eq!(inventory(&acc), before);
    assert_eq!(
        tags_of(&acc, first["endpoint_arn"].as_str().unwrap()),
        endpoint_tags
    );

    // Destroying the second state leaves the first serving, unchanged.
    second
        .terraform(&["destroy", "-auto-approve", "-input=false", "-no-color"])
        .assert_ok("destroy second");
    assert_eq!(inventory(&acc), before);
    wait_in_service(&acc, "shared-name");
    acc.assert_plan_empty();
    acc.destroy_and_assert_no_orphans();
}

#[test]
fn sigkill_mid_create_is_recovered_by_the_import_the_error_names() {
    let mut opts = sagemaker_sandbox::SandboxOptions::fast();
    // Long enough that the kill lands in the wait for InService.
    opts.durations.endpoint_create_ms = 4_000;
    let acc = Acc::with_options(opts);
    let hcl = endpoint_hcl("k", "killed", "");
    acc.config(&hcl);
    let mut child = acc.work.spawn_terraform(&apply_args());
    let deadline = Instant::now() + Duration::from_secs(60);
    while acc
        .block_on(acc.control().count("sagemaker", "CreateEndpoint"))
        .unwrap()
        == 0
    {
        assert!(Instant::now() < deadline, "CreateEndpoint never called");
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(300));
    let providers = children_named(child.id(), "terraform-provi");
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(acc.resource("k").is_null(), "a killed apply saves no state");

    // The provider notices that Terraform is gone and exits.
    let deadline = Instant::now() + Duration::from_secs(10);
    for pid in providers {
        while std::path::Path::new(&format!("/proc/{pid}")).exists() {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            if stat.contains(") Z ") {
                break; // exited, waiting for its new parent to reap it
            }
            assert!(
                Instant::now() < deadline,
                "the provider (pid {pid}) outlived the killed terraform"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    // The next apply finds the leftovers, names them and the import.
    let out = acc.apply();
    assert_ne!(out.code, 0, "{}", out.combined());
    let msg = out.flat();
    for needle in [
        "endpoint killed",
        "IAM role sm-killed-us-east-1",
        "model killed-",
        "terraform import ADDRESS killed",
    ] {
        assert!(msg.contains(needle), "missing {needle:?} in:\n{msg}");
    }

    // Following the advice adopts them; apply converges; destroy cleans all.
    acc.terraform(&[
        "import",
        "-no-color",
        "sagemaker_custom_endpoint.k",
        "killed",
    ])
    .assert_ok("import");
    acc.apply_ok();
    acc.assert_plan_empty();
    let st = acc.resource("k");
    assert!(
        st["execution_role_arn"]
            .as_str()
            .is_some_and(|a| a.ends_with("/sm-killed-us-east-1"))
    );
    assert!(st["role_arn"].is_null(), "the generated role stays managed");
    acc.destroy_and_assert_no_orphans();
}

#[test]
fn sigkill_before_the_endpoint_exists_is_recovered_by_import_too() {
    let mut opts = sagemaker_sandbox::SandboxOptions::fast();
    // The model waits for the new role to propagate: the kill lands there.
    opts.durations.iam_propagation_ms = 30_000;
    let acc = Acc::with_options(opts);
    acc.config(&endpoint_hcl("early", "killed-early", ""));
    let mut child = acc.work.spawn_terraform(&apply_args());
    let deadline = Instant::now() + Duration::from_secs(60);
    while acc
        .block_on(acc.control().count("sagemaker", "CreateModel"))
        .unwrap()
        == 0
    {
        assert!(Instant::now() < deadline, "CreateModel never called");
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    acc.block_on(
        acc.control()
            .set_durations(sagemaker_sandbox::DurationsPatch {
                iam_propagation_ms: Some(0),
                ..Default::default()
            }),
    )
    .unwrap();

    let out = acc.apply();
    assert_ne!(out.code, 0, "{}", out.combined());
    let msg = out.flat();
    assert!(msg.contains("IAM role sm-killed-early-us-east-1"), "{msg}");
    assert!(
        msg.contains("terraform import ADDRESS killed-early"),
        "{msg}"
    );

    acc.terraform(&[
        "import",
        "-no-color",
        "sagemaker_custom_endpoint.early",
        "killed-early",
    ])
    .assert_ok("import of the leftovers");
    let st = acc.resource("early");
    assert!(st["endpoint_arn"].is_null());
    assert!(
        st["execution_role_arn"]
            .as_str()
            .is_some_and(|a| a.ends_with("/sm-killed-early-us-east-1")),
        "{st:#}"
    );
    // The plan replaces the leftovers with a complete endpoint.
    acc.apply_ok();
    wait_in_service(&acc, "killed-early");
    acc.assert_plan_empty();
    acc.destroy_and_assert_no_orphans();
}
