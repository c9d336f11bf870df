//! Terraform 1.14+: the action `sagemaker_invoke_endpoint` on the sandbox's
//! runtime API (its echo model answers with the endpoint and variant names
//! and the request body). Bad settings fail `validate` at their line. In a
//! directory of its own: the action runs after
//! create and after an in-place update from `action_trigger`, and alone with
//! `-invoke`; an expectation the answer does not meet, and a model error (a
//! fault rule), fail the apply with the status and the start of the answer;
//! an asynchronous endpoint is invoked through S3, its failure object fails
//! the apply, and the action leaves no request object behind.

use crate::acc_support::{Acc, MODEL_ARCHIVE};
use crate::support::{self, TfOutput, Workdir};
use sagemaker_sandbox::{FaultAction, FaultRule};

const BUCKET: &str = "act-async-io";

/// The configuration; `mode` is an environment value of the endpoint with
/// the trigger, so changing it is an in-place update.
fn config(mode: &str) -> String {
    format!(
        r#"
resource "sagemaker_custom_endpoint" "act" {{
  model_id       = "echo"
  endpoint_name  = "act-ep"
  instance_type  = "ml.m5.large"
  model_data_url = "{MODEL_ARCHIVE}"
  environment    = {{ MODE = "{mode}" }}
  container = {{
    image_uri = "123456789012.dkr.ecr.us-east-1.amazonaws.com/echo:1"
  }}
  lifecycle {{
    action_trigger {{
      events  = [after_create, after_update]
      actions = [action.sagemaker_invoke_endpoint.smoke]
    }}
  }}
}}

resource "sagemaker_custom_endpoint" "queued" {{
  model_id       = "echo"
  endpoint_name  = "act-async"
  instance_type  = "ml.m5.large"
  model_data_url = "{MODEL_ARCHIVE}"
  container = {{
    image_uri = "123456789012.dkr.ecr.us-east-1.amazonaws.com/echo:1"
  }}
  async_inference = {{
    output_path  = "s3://{BUCKET}/output/"
    failure_path = "s3://{BUCKET}/failure/"
  }}
}}

action "sagemaker_invoke_endpoint" "smoke" {{
  config {{
    endpoint_name        = sagemaker_custom_endpoint.act.endpoint_name
    body                 = jsonencode({{ inputs = "smoke-test-body" }})
    expect_body_contains = "smoke-test-body"
    timeout              = "30s"
  }}
}}

action "sagemaker_invoke_endpoint" "strict" {{
  config {{
    endpoint_name = sagemaker_custom_endpoint.act.endpoint_name
    body          = "ping"
    content_type  = "text/plain"
    expect_status = 201
  }}
}}

action "sagemaker_invoke_endpoint" "queued" {{
  config {{
    endpoint_name        = sagemaker_custom_endpoint.queued.endpoint_name
    body                 = jsonencode({{ inputs = "queued-body" }})
    input_location       = "s3://{BUCKET}/requests/"
    expect_body_contains = "queued-body"
    timeout              = "30s"
  }}
}}
"#
    )
}

fn apply(w: &Workdir, extra: &[&str]) -> TfOutput {
    let mut args = vec!["apply", "-auto-approve", "-input=false", "-no-color"];
    args.extend_from_slice(extra);
    w.terraform(&args)
}

fn assert_has(out: &TfOutput, needles: &[&str]) {
    let flat = out.flat();
    for n in needles {
        assert!(flat.contains(n), "{n:?} not in:\n{flat}");
    }
}

/// The keys of the objects in the async bucket under `prefix`.
fn objects(acc: &Acc, prefix: &str) -> Vec<String> {
    let out = acc
        .block_on(
            acc.s3()
                .list_objects_v2()
                .bucket(BUCKET)
                .prefix(prefix)
                .send(),
        )
        .expect("ListObjectsV2");
    out.contents()
        .iter()
        .filter_map(|o| o.key().map(str::to_string))
        .collect()
}

/// Bad action settings are refused by `terraform validate`, at their lines.
fn validation(acc: &Acc, workdir: &dyn Fn(&str) -> Workdir) {
    let w = workdir(&format!(
        "{}\n{}\naction \"sagemaker_invoke_endpoint\" \"bad\" {{\n  config {{\n    \
         endpoint_name = \"not_valid\"\n    body          = \"x\"\n    timeout       = \
         \"7h\"\n  }}\n}}\n",
        support::header(),
        acc.provider_block()
    ));
    let main = w.read("main.tf");
    let line_of = |needle: &str| {
        main.lines()
            .position(|l| l.contains(needle))
            .map(|i| i as i64 + 1)
            .expect("line")
    };
    let out = w.terraform(&["validate", "-json", "-no-color"]);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).expect("validate JSON");
    for (summary, needle) in [
        ("Invalid endpoint name", "not_valid"),
        ("Invalid timeout", "\"7h\""),
    ] {
        let d = doc["diagnostics"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|d| d["summary"] == summary)
            .unwrap_or_else(|| panic!("no {summary:?}: {doc:#}"));
        assert_eq!(d["range"]["start"]["line"], line_of(needle), "{d:#}");
    }
}

pub fn smoke_tests(acc: &Acc, workdir: &dyn Fn(&str) -> Workdir) {
    validation(acc, workdir);
    acc.block_on(acc.s3().create_bucket().bucket(BUCKET).send())
        .expect("CreateBucket");
    let main = |mode: &str| {
        format!(
            "{}\n{}\n{}",
            support::header(),
            acc.provider_block(),
            config(mode)
        )
    };
    let w = workdir(&main("a"));

    // After create, from the trigger.
    let out = apply(&w, &[]).assert_ok("apply with an action trigger");
    assert_has(
        &out,
        &[
            "Action started: action.sagemaker_invoke_endpoint.smoke (triggered by sagemaker_custom_endpoint.act)",
            "Invoking endpoint act-ep (application/json, ",
            "Endpoint act-ep answered 200 from variant AllTraffic",
            "smoke-test-body",
            "Actions: 1 invoked",
        ],
    );

    // After an in-place update, from the same trigger.
    w.write("main.tf", &main("b"));
    let out = apply(&w, &[]).assert_ok("apply an update with an action trigger");
    assert_has(
        &out,
        &[
            "Action started: action.sagemaker_invoke_endpoint.smoke (triggered by sagemaker_custom_endpoint.act)",
            "Endpoint act-ep answered 200 from variant AllTraffic",
            "0 added, 1 changed, 0 destroyed. Actions: 1 invoked",
        ],
    );

    // Alone; no resource changes.
    let out = apply(&w, &["-invoke=action.sagemaker_invoke_endpoint.smoke"]).assert_ok("-invoke");
    assert_has(
        &out,
        &[
            "(triggered by CLI)",
            "answered 200",
            "Resources: 0 added, 0 changed, 0 destroyed. Actions: 1 invoked.",
        ],
    );

    // An unmet expectation fails the apply, quoting status and answer.
    let out = apply(&w, &["-invoke=action.sagemaker_invoke_endpoint.strict"]);
    assert_ne!(out.code, 0, "{}", out.combined());
    assert_has(
        &out,
        &[
            "Endpoint act-ep answered 200",
            "Expected status 201, got 200",
            "\"body\":\"ping\"",
        ],
    );

    // A model error: the container's status and message.
    let rule = FaultRule {
        service: Some("sagemaker".into()),
        operation: Some("InvokeEndpoint".into()),
        action: FaultAction::ModelError {
            status: 424,
            original_status: 503,
            original_message: Some("model is warming up".into()),
        },
        delay_ms: None,
        count: Some(1),
        probability: None,
    };
    acc.block_on(acc.control().add_fault(&rule)).expect("fault");
    let out = apply(&w, &["-invoke=action.sagemaker_invoke_endpoint.smoke"]);
    assert_ne!(out.code, 0, "{}", out.combined());
    assert_has(
        &out,
        &[
            "Endpoint act-ep answered 503 (ModelError)",
            "Expected status 200, got 503",
            "model is warming up",
        ],
    );
    acc.block_on(acc.control().clear_faults())
        .expect("clear faults");

    // Asynchronous, through S3; the request object is gone afterwards.
    let out = apply(&w, &["-invoke=action.sagemaker_invoke_endpoint.queued"])
        .assert_ok("-invoke the asynchronous action");
    assert_has(
        &out,
        &[
            "Writing the request to s3://act-async-io/requests/",
            "Endpoint act-async accepted request",
            "Endpoint act-async answered 200",
            "queued-body",
        ],
    );
    assert!(objects(acc, "requests/").is_empty(), "request object left");
    let outputs = objects(acc, "output/");
    assert_eq!(outputs.len(), 1, "{outputs:?}");

    // An asynchronous model error: the failure object fails the apply with
    // its text, and the request object is gone as well.
    let rule = FaultRule {
        operation: Some("InvokeEndpointAsync".into()),
        action: FaultAction::ModelError {
            status: 424,
            original_status: 503,
            original_message: Some("queue model fell over".into()),
        },
        ..rule
    };
    acc.block_on(acc.control().add_fault(&rule)).expect("fault");
    let out = apply(&w, &["-invoke=action.sagemaker_invoke_endpoint.queued"]);
    assert_ne!(out.code, 0, "{}", out.combined());
    assert_has(
        &out,
        &[
            "Endpoint act-async answered 500 (AsyncInferenceFailure)",
            "Expected status 200, got 500 (AsyncInferenceFailure)",
            "queue model fell over",
        ],
    );
    acc.block_on(acc.control().clear_faults())
        .expect("clear faults");
    assert!(objects(acc, "requests/").is_empty(), "request object left");
    assert_eq!(objects(acc, "failure/").len(), 1, "no failure object");

    w.terraform(&["destroy", "-auto-approve", "-input=false", "-no-color"])
        .assert_ok("destroy");
    let keys = objects(acc, "");
    acc.block_on(async {
        let s3 = acc.s3();
        for key in keys {
            s3.delete_object()
                .bucket(BUCKET)
                .key(key)
                .send()
                .await
                .expect("DeleteObject");
        }
        s3.delete_bucket()
            .bucket(BUCKET)
            .send()
            .await
            .expect("DeleteBucket");
    });
}
