//! `terraform providers schema -json` shows the provider and resource
//! attributes with their types and descriptions, as Terraform understood them.

use crate::support;
use serde_json::{Value as Json, json};
use support::Workdir;

fn schemas() -> Json {
    let w = Workdir::new(&support::header());
    let out = w
        .terraform(&["providers", "schema", "-json"])
        .assert_ok("providers schema");
    let doc: Json = serde_json::from_str(&out.stdout).expect("schema JSON");
    doc["provider_schemas"]["registry.terraform.io/tfsm/sagemaker"].clone()
}

#[test]
fn provider_and_resource_schemas_are_listed_with_types() {
    let s = schemas();
    let provider = &s["provider"]["block"];
    assert_eq!(provider["attributes"]["region"]["type"], "string");
    assert_eq!(provider["attributes"]["max_retries"]["type"], "number");
    assert_eq!(provider["attributes"]["secret_key"]["sensitive"], true);
    for block in ["assume_role", "endpoints", "default_tags"] {
        assert_eq!(
            provider["block_types"][block]["nesting_mode"], "single",
            "{block}"
        );
    }
    assert_eq!(
        provider["block_types"]["endpoints"]["block"]["attributes"]["sagemaker"]["type"],
        "string"
    );

    let r = &s["resource_schemas"]["sagemaker_custom_endpoint"]["block"];
    let attrs = &r["attributes"];
    let expect_type = |name: &str, ty: Json| assert_eq!(attrs[name]["type"], ty, "{name}");
    expect_type("endpoint_name", json!("string"));
    expect_type("instance_count", json!("number"));
    expect_type("environment", json!(["map", "string"]));
    expect_type("tags", json!(["map", "string"]));
    expect_type("tags_all", json!(["map", "string"]));
    expect_type("role_managed_policy_arns", json!(["set", "string"]));
    for required in ["endpoint_name", "model_id", "model_data_url", "container"] {
        assert_eq!(attrs[required]["required"], true, "{required}");
    }
    // Required unless the endpoint is serverless: validation says which.
    assert_eq!(attrs["instance_type"]["optional"], true);
    assert_eq!(
        attrs["serverless"]["nested_type"]["attributes"]["memory_size_in_mb"]["required"],
        true
    );
    for computed in [
        "id",
        "endpoint_arn",
        "endpoint_status",
        "model_name",
        "model_arn",
        "endpoint_config_name",
        "endpoint_config_arn",
        "execution_role_arn",
        "image_uri",
        "success_topic_arn",
        "error_topic_arn",
        "invoke_policy_json",
        "tags_all",
    ] {
        assert_eq!(attrs[computed]["computed"], true, "{computed}");
    }
    // Nested attributes travel as nested_type, never with a plain type.
    for nested in ["container", "vpc_config", "async_inference"] {
        assert_eq!(
            attrs[nested]["nested_type"]["nesting_mode"], "single",
            "{nested}"
        );
        assert!(
            attrs[nested].get("type").is_none(),
            "{nested} has both type and nested_type"
        );
    }
    let container = &attrs["container"]["nested_type"]["attributes"];
    for a in ["image_uri", "repository_name", "tag", "account_id"] {
        assert_eq!(container[a]["type"], "string", "container.{a}");
    }
    assert_eq!(
        attrs["async_inference"]["nested_type"]["attributes"]["max_concurrent_invocations_per_instance"]
            ["type"],
        "number"
    );
    assert_eq!(
        attrs["vpc_config"]["nested_type"]["attributes"]["subnets"]["type"],
        json!(["set", "string"])
    );
    let timeouts = &r["block_types"]["timeouts"];
    assert_eq!(timeouts["nesting_mode"], "single");
    for op in ["create", "update", "delete"] {
        assert_eq!(
            timeouts["block"]["attributes"][op]["type"], "string",
            "timeouts.{op}"
        );
    }
    // Every attribute is documented (the registry docs are generated from these).
    for (name, a) in attrs.as_object().unwrap() {
        let d = a["description"].as_str().unwrap_or("");
        assert!(d.len() > 10, "attribute {name} lacks a description");
    }
}
