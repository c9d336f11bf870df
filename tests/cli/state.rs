//! State round trips without AWS: the test writes the state an apply would
//! have produced, then checks what `terraform plan -refresh=false` proposes.
//! An unchanged configuration must give an empty plan; model and variant
//! changes are in-place updates; a new endpoint name is a replacement.

use crate::support;
use serde_json::{Value as Json, json};
use support::Workdir;

const RESOURCE: &str = r#"
provider "sagemaker" {
  region = "eu-west-1"
  default_tags {
    tags = { team = "ml" }
  }
}

resource "sagemaker_custom_endpoint" "bge" {
  model_id          = "bgeinf2"
  endpoint_name     = "ENDPOINT"
  instance_type     = "ml.inf2.xlarge"
  instance_count    = COUNT
  volume_size_in_gb = 100
  model_data_url    = "s3://my-model-artifacts/bge-base/model.tar.gz"
  environment       = { LOG_LEVEL = "info" }
  tags              = { stage = "dev" }
  container = {
    repository_name = "huggingface-pytorch-inference-neuronx"
    tag             = "1.13.1-transformers4.34.1-neuronx-py310-sdk2.15.0-ubuntu20.04"
  }
  ASYNC
  timeouts {
    create = "90m"
  }
}
"#;

fn config(endpoint: &str, count: u32, is_async: bool) -> String {
    let async_block = if is_async {
        "async_inference = { output_path = \"s3://my-model-artifacts/out/\" }"
    } else {
        ""
    };
    format!(
        "{}{}",
        support::header(),
        RESOURCE
            .replace("ENDPOINT", endpoint)
            .replace("COUNT", &count.to_string())
            .replace("ASYNC", async_block)
    )
}

/// Plans a create, fills every "known after apply" value the way an apply
/// would, and writes the result as the working directory's state.
fn write_applied_state(w: &Workdir, extra_attrs: &[(&str, Json)]) -> Json {
    let plan = w.plan_json(&[]);
    let change = &plan["resource_changes"][0]["change"];
    let mut attrs = change["after"].as_object().unwrap().clone();
    for (k, unknown) in change["after_unknown"].as_object().unwrap() {
        if unknown == &json!(true) {
            attrs.insert(k.clone(), json!(format!("applied-{k}")));
        }
    }
    for (k, v) in extra_attrs {
        attrs.insert(k.to_string(), v.clone());
    }
    // Terraform records the sensitive attributes (here the write-only secrets)
    // in state; without them the next plan proposes an update of the marks.
    let sensitive: Vec<Json> = change["after_sensitive"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, marked)| **marked == json!(true))
        .map(|(k, _)| json!([{ "type": "get_attr", "value": k }]))
        .collect();
    let state = json!({
        "version": 4,
        "terraform_version": "1.11.4",
        "serial": 1,
        "lineage": "5d0c2f55-0d2b-4a4e-9d8e-1f6f1f6f1f6f",
        "outputs": {},
        "resources": [{
            "mode": "managed",
            "type": "sagemaker_custom_endpoint",
            "name": "bge",
            "provider": "provider[\"registry.terraform.io/tfsm/sagemaker\"]",
            "instances": [{
                "schema_version": 0,
                "attributes": attrs,
                "sensitive_attributes": sensitive
            }]
        }]
    });
    w.write(
        "terraform.tfstate",
        &serde_json::to_string_pretty(&state).unwrap(),
    );
    state
}

fn actions(plan: &Json) -> Json {
    plan["resource_changes"][0]["change"]["actions"].clone()
}

#[test]
fn unchanged_configuration_plans_no_changes() {
    let w = Workdir::new(&config("testbgebase", 1, false));
    write_applied_state(&w, &[]);
    let out = w.terraform(&["plan", "-refresh=false", "-detailed-exitcode", "-no-color"]);
    assert_eq!(out.code, 0, "expected an empty plan:\n{}", out.combined());
    assert!(out.stdout.contains("No changes"), "{}", out.stdout);
}

#[test]
fn stored_state_with_an_obsolete_attribute_is_upgraded() {
    // UpgradeResourceState drops attributes the schema no longer has.
    let w = Workdir::new(&config("testbgebase", 1, false));
    write_applied_state(&w, &[("attribute_from_an_old_version", json!("x"))]);
    let out = w.terraform(&["plan", "-refresh=false", "-detailed-exitcode", "-no-color"]);
    assert_eq!(out.code, 0, "{}", out.combined());
}

#[test]
fn variant_change_is_an_in_place_update() {
    let w = Workdir::new(&config("testbgebase", 1, false));
    let state = write_applied_state(&w, &[]);
    w.write("main.tf", &config("testbgebase", 2, false));
    let plan = w.plan_json(&["-refresh=false"]);
    assert_eq!(actions(&plan), json!(["update"]), "{plan:#}");
    let change = &plan["resource_changes"][0]["change"];
    assert_eq!(change["after"]["instance_count"], 2);
    // The endpoint itself and its ARN stay; a new endpoint config is coming.
    let prior = &state["resources"][0]["instances"][0]["attributes"];
    assert_eq!(change["after"]["endpoint_arn"], prior["endpoint_arn"]);
    let config_name_changes = change["after_unknown"]["endpoint_config_name"] == json!(true)
        || change["after"]["endpoint_config_name"] != prior["endpoint_config_name"];
    assert!(config_name_changes, "{change:#}");
    assert_eq!(change["after"]["model_name"], prior["model_name"]);
}

#[test]
fn new_endpoint_name_replaces() {
    let w = Workdir::new(&config("testbgebase", 1, false));
    write_applied_state(&w, &[]);
    w.write("main.tf", &config("testbgebase-v2", 1, false));
    let plan = w.plan_json(&["-refresh=false"]);
    assert_eq!(actions(&plan), json!(["delete", "create"]), "{plan:#}");
    let replace = &plan["resource_changes"][0]["change"]["replace_paths"];
    assert_eq!(replace, &json!([["endpoint_name"]]));
}

#[test]
fn switching_to_async_replaces() {
    let w = Workdir::new(&config("testbgebase", 1, false));
    write_applied_state(&w, &[]);
    w.write("main.tf", &config("testbgebase", 1, true));
    let plan = w.plan_json(&["-refresh=false"]);
    assert_eq!(actions(&plan), json!(["delete", "create"]), "{plan:#}");
    let replace = &plan["resource_changes"][0]["change"]["replace_paths"];
    assert_eq!(replace, &json!([["async_inference"]]));
}

#[test]
fn destroy_is_planned() {
    let w = Workdir::new(&config("testbgebase", 1, false));
    write_applied_state(&w, &[]);
    let plan = w.plan_json(&["-refresh=false", "-destroy"]);
    assert_eq!(actions(&plan), json!(["delete"]), "{plan:#}");
}

#[test]
fn tags_all_merges_default_tags() {
    let w = Workdir::new(&config("testbgebase", 1, false));
    let plan = w.plan_json(&[]);
    let after = &plan["resource_changes"][0]["change"]["after"];
    assert_eq!(after["tags_all"], json!({"team": "ml", "stage": "dev"}));
    assert_eq!(after["timeouts"]["create"], "90m");
}
