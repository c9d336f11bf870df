//! `provider::sagemaker::dlc_image_uri` through the real CLI: results read
//! back with `terraform output -json`, and every error path failing the plan
//! with Terraform naming the offending parameter. No AWS call is involved:
//! functions run on an unconfigured provider.

use crate::support;
use serde_json::Value as Json;
use support::Workdir;

fn call(args: &str) -> String {
    format!("provider::sagemaker::dlc_image_uri({args})")
}

/// Applies a configuration holding only outputs and returns them.
fn outputs(exprs: &[(&str, String)]) -> Json {
    let body: String = exprs
        .iter()
        .map(|(name, e)| format!("output \"{name}\" {{\n  value = {e}\n}}\n"))
        .collect();
    let w = Workdir::new(&format!("{}\n{body}", support::header()));
    w.terraform(&["apply", "-auto-approve", "-input=false", "-no-color"])
        .assert_ok("apply");
    let out = w.terraform(&["output", "-json"]).assert_ok("output");
    serde_json::from_str(&out.stdout).expect("output JSON")
}

#[test]
fn good_calls_resolve_from_the_shared_table() {
    let out = outputs(&[
        (
            "std",
            call("\"huggingface-pytorch-tgi-inference\", \"2.3.0\", \"us-east-1\""),
        ),
        (
            "china",
            call("\"pytorch-inference\", \"2.1-cpu\", \"cn-northwest-1\""),
        ),
        ("own", call("\"repo\", \"1.0\", \"me-south-1\"")),
        (
            "explicit",
            call("\"repo\", \"1.0\", \"il-central-1\", \"780543022126\""),
        ),
        (
            "override",
            call("\"repo\", \"1.0\", \"us-east-1\", \"123456789012\""),
        ),
    ]);
    let v = |k: &str| out[k]["value"].as_str().unwrap_or_default().to_string();
    assert_eq!(
        v("std"),
        "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.3.0"
    );
    assert_eq!(
        v("china"),
        "727897471807.dkr.ecr.cn-northwest-1.amazonaws.com.cn/pytorch-inference:2.1-cpu"
    );
    assert_eq!(
        v("own"),
        "217643126080.dkr.ecr.me-south-1.amazonaws.com/repo:1.0"
    );
    assert_eq!(
        v("explicit"),
        "780543022126.dkr.ecr.il-central-1.amazonaws.com/repo:1.0"
    );
    assert_eq!(
        v("override"),
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/repo:1.0"
    );
}

#[test]
fn functions_are_listed_in_the_provider_schema() {
    let w = Workdir::new(&support::header());
    let out = w
        .terraform(&["providers", "schema", "-json"])
        .assert_ok("providers schema");
    let doc: Json = serde_json::from_str(&out.stdout).expect("schema JSON");
    let f = &doc["provider_schemas"]["registry.terraform.io/tfsm/sagemaker"]["functions"]["dlc_image_uri"];
    let names: Vec<&str> = f["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(names, ["repository", "tag", "region"]);
    assert_eq!(f["variadic_parameter"]["name"], "account_id");
    assert_eq!(f["return_type"], "string");
}

/// Each bad argument fails `terraform plan`, which names the parameter and
/// gives the same reason the resource gives for the same value.
#[test]
fn each_error_fails_the_plan_and_names_the_parameter() {
    let cases = [
        (
            "\"\", \"t\", \"us-east-1\"",
            "repository",
            "must not be empty",
        ),
        (
            "\"Bad_Repo\", \"t\", \"us-east-1\"",
            "repository",
            "an ECR repository name is",
        ),
        (
            "\"repo\", \"\", \"us-east-1\"",
            "tag",
            "the image tag must not be empty",
        ),
        (
            "\"repo\", \"-t\", \"us-east-1\"",
            "tag",
            "an image tag is 1 to 128",
        ),
        (
            "\"repo\", \"t\", \"\"",
            "region",
            "the region must not be empty",
        ),
        (
            "\"repo\", \"t\", \"xx-nowhere-9\"",
            "region",
            "no Deep Learning Containers registry account for region \"xx-nowhere-9\"",
        ),
        (
            "\"repo\", \"t\", \"us-east-1\", \"12345\"",
            "account_id",
            "an AWS account ID is exactly 12 digits",
        ),
        (
            "\"repo\", \"t\", \"us-east-1\", \"123456789012\", \"123456789012\"",
            "account_id",
            "at most one account ID may follow the region",
        ),
    ];
    for (args, param, reason) in cases {
        let w = Workdir::new(&format!(
            "{}\noutput \"uri\" {{\n  value = {}\n}}\n",
            support::header(),
            call(args)
        ));
        let out = w.terraform(&["plan", "-input=false", "-no-color"]);
        let flat = out.flat();
        assert_ne!(out.code, 0, "plan of ({args}) should fail:\n{flat}");
        assert!(
            flat.contains(&format!("Invalid value for \"{param}\" parameter")),
            "({args}) should blame {param}:\n{flat}"
        );
        assert!(
            flat.contains(reason),
            "({args}) should say {reason:?}:\n{flat}"
        );
    }
}

/// Used inside the resource, a bad argument stops the plan before the
/// provider is asked to plan the endpoint (and before any AWS call: the
/// provider points at an address nothing listens on).
#[test]
fn a_bad_argument_in_a_resource_fails_at_plan_time() {
    let main = format!(
        r#"{}
provider "sagemaker" {{
  region     = "us-east-1"
  access_key = "test"
  secret_key = "test"
  endpoints {{
    sagemaker = "http://127.0.0.1:9"
    sts       = "http://127.0.0.1:9"
    iam       = "http://127.0.0.1:9"
  }}
}}
resource "sagemaker_custom_endpoint" "e" {{
  model_id       = "m1"
  endpoint_name  = "ep1"
  instance_type  = "ml.m5.large"
  model_data_url = "s3://bucket-1/model.tar.gz"
  container = {{
    image_uri = {}
  }}
}}
"#,
        support::header(),
        call("\"repo\", \"t\", \"xx-nowhere-9\"")
    );
    let w = Workdir::new(&main);
    let out = w.terraform(&["plan", "-input=false", "-no-color"]);
    let flat = out.flat();
    assert_ne!(out.code, 0, "{flat}");
    assert!(
        flat.contains("Invalid value for \"region\" parameter"),
        "{flat}"
    );
    assert!(flat.contains("xx-nowhere-9"), "{flat}");
    assert!(!w.path().join("terraform.tfstate").exists());

    // The same call with the account succeeds and plans the resolved URI.
    w.write(
        "main.tf",
        &main.replace("\"xx-nowhere-9\")", "\"xx-nowhere-9\", \"123456789012\")"),
    );
    let plan = w.plan_json(&[]);
    let after = &plan["resource_changes"][0]["change"]["after"];
    assert_eq!(
        after["container"]["image_uri"],
        "123456789012.dkr.ecr.xx-nowhere-9.amazonaws.com/repo:t"
    );
}
