//! Acceptance: `environment_secrets` (write-only) reaches the SageMaker model
//! but never the plan file, the state, `terraform show -json` or the logs at
//! TRACE; `environment_secrets_version` rotates it in place; removing the
//! secrets deploys a model without them; bad input names the attribute.
//!
//! Secret values come from an `ephemeral` variable, as the docs recommend: a
//! literal in the `.tf` file would be copied into the plan file with the
//! configuration itself, whatever the provider does. A non-ephemeral
//! "canary" variable shows each leak check can find a value that is there.

use crate::acc_support;
use crate::support;
use acc_support::{Acc, endpoint_hcl};
use serde_json::json;
use std::collections::HashMap;
use support::{TfOutput, Workdir};

const CANARY: &str = "canary-value-7f3a";

fn config(acc: &Acc, secrets: &str) {
    let vars = "variable \"token\" {\n  type      = string\n  sensitive = true\n  \
                ephemeral = true\n}\nvariable \"canary\" {\n  type = string\n}\n";
    let extra = format!("  tags = {{ canary = var.canary }}\n{secrets}");
    acc.config(&format!(
        "{vars}{}",
        endpoint_hcl("bge", "secret-ep", &extra)
    ));
}

const WITH_SECRETS: &str = "  environment = { MODE = \"fast\" }\n  environment_secrets = { \
                            HF_TOKEN = var.token }\n";

fn with_version(v: u32) -> String {
    format!("{WITH_SECRETS}  environment_secrets_version = {v}\n")
}

/// Runs terraform with the secret in `TF_VAR_token` (a command-line `-var`
/// would show up in Terraform's own log of its arguments) and the canary as
/// a `-var`.
fn run(acc: &Acc, args: &[&str], token: &str, env: &[(&str, &str)]) -> TfOutput {
    let canary = format!("canary={CANARY}");
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["-var", canary.as_str()]);
    let mut vars = vec![("TF_VAR_token", token)];
    vars.extend_from_slice(env);
    acc.work.terraform_env(&all, &vars)
}

fn apply(acc: &Acc, token: &str) -> TfOutput {
    run(
        acc,
        &["apply", "-auto-approve", "-input=false", "-no-color"],
        token,
        &[],
    )
    .assert_ok("apply")
}

/// The model's live environment, from DescribeModel.
fn live_env(acc: &Acc) -> HashMap<String, String> {
    let name = acc.resource("bge")["model_name"]
        .as_str()
        .expect("model_name")
        .to_string();
    let out = acc
        .block_on(acc.sagemaker().describe_model().model_name(&name).send())
        .expect("DescribeModel");
    out.primary_container()
        .and_then(|c| c.environment())
        .cloned()
        .unwrap_or_default()
}

/// Every file inside the plan file (a zip archive), concatenated.
fn plan_file_contents(w: &Workdir) -> String {
    let script = "import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\n\
                  sys.stdout.write(''.join(z.read(n).decode('utf-8', 'replace') for n in z.namelist()))";
    let out = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(w.path().join("tfplan"))
        .output()
        .expect("python3 unzips the plan file");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn assert_absent(what: &str, text: &str, secret: &str) {
    assert!(
        text.contains(CANARY),
        "{what}: the canary should be visible, the check is blind"
    );
    let leaks: Vec<String> = text
        .lines()
        .filter(|l| l.contains(secret))
        .map(|l| l.replace(secret, "<SECRET>").chars().take(400).collect())
        .collect();
    assert!(
        leaks.is_empty(),
        "{what} leaks the secret value:\n{}",
        leaks.join("\n")
    );
}

#[test]
fn secrets_reach_the_model_but_never_plan_state_or_logs() {
    let acc = Acc::new();
    config(&acc, &with_version(1));

    // The plan file holds neither the value nor (for the ephemeral
    // variable) the variable itself.
    run(
        &acc,
        &["plan", "-input=false", "-no-color", "-out=tfplan"],
        "s3cr3t-first-9q",
        &[],
    )
    .assert_ok("plan");
    assert_absent(
        "plan file",
        &plan_file_contents(&acc.work),
        "s3cr3t-first-9q",
    );
    let shown = acc
        .terraform(&["show", "-json", "tfplan"])
        .assert_ok("show plan");
    assert_absent("plan JSON", &shown.stdout, "s3cr3t-first-9q");

    apply(&acc, "s3cr3t-first-9q");
    let env = live_env(&acc);
    assert_eq!(
        env.get("HF_TOKEN").map(String::as_str),
        Some("s3cr3t-first-9q")
    );
    assert_eq!(env.get("MODE").map(String::as_str), Some("fast"));
    let state = acc.resource("bge");
    assert_eq!(state["environment_secrets"], json!(null));
    assert_eq!(state["environment_secret_keys"], json!(["HF_TOKEN"]));
    assert_eq!(state["environment"], json!({ "MODE": "fast" }));
    let show = acc.terraform(&["show", "-json"]).assert_ok("show");
    assert_absent("terraform show -json", &show.stdout, "s3cr3t-first-9q");
    assert_absent(
        "state file",
        &acc.work.read("terraform.tfstate"),
        "s3cr3t-first-9q",
    );

    // Refresh sees HF_TOKEN on the live model and does not call it drift;
    // a different value without a version bump changes nothing.
    let plan = run(
        &acc,
        &["plan", "-detailed-exitcode", "-input=false", "-no-color"],
        "another-value",
        &[],
    );
    assert_eq!(plan.code, 0, "expected an empty plan:\n{}", plan.combined());

    // Bumping the version rotates in place, traced at TRACE level.
    let model_before = state["model_name"].as_str().unwrap().to_string();
    config(&acc, &with_version(2));
    let traced = run(
        &acc,
        &["apply", "-auto-approve", "-input=false", "-no-color"],
        "s3cr3t-second-4k",
        &[("TF_LOG", "TRACE"), ("TF_LOG_PROVIDER", "TRACE")],
    )
    .assert_ok("apply with TF_LOG=TRACE");
    let logs = traced.combined();
    assert!(
        logs.contains("sagemaker:CreateModel") && logs.contains("aws_smithy"),
        "TRACE logs of the provider and the SDK should be there"
    );
    assert_absent("TRACE logs", &logs, "s3cr3t-second-4k");
    assert!(
        !logs.contains("s3cr3t-first-9q"),
        "TRACE logs leak the old secret"
    );
    let state = acc.resource("bge");
    assert_ne!(state["model_name"].as_str().unwrap(), model_before);
    assert_eq!(live_env(&acc)["HF_TOKEN"], "s3cr3t-second-4k");
    let old_model = acc.block_on(
        acc.sagemaker()
            .describe_model()
            .model_name(&model_before)
            .send(),
    );
    assert!(old_model.is_err(), "the old model should be deleted");

    // Removing the secrets deploys a model without them.
    config(&acc, "  environment = { MODE = \"fast\" }\n");
    let plan = run(
        &acc,
        &["plan", "-input=false", "-no-color", "-out=tfplan"],
        "unused",
        &[],
    )
    .assert_ok("plan");
    assert!(plan.stdout.contains("1 to change"), "{}", plan.stdout);
    apply(&acc, "unused");
    let env = live_env(&acc);
    assert!(!env.contains_key("HF_TOKEN"), "{env:?}");
    assert_eq!(acc.resource("bge")["environment_secret_keys"], json!(null));

    run(
        &acc,
        &["destroy", "-auto-approve", "-input=false", "-no-color"],
        "unused",
        &[],
    )
    .assert_ok("destroy");
    acc.assert_no_orphans();
}

#[test]
fn bad_secret_configuration_names_the_attribute() {
    let hcl = format!(
        "{}{}",
        support::header(),
        endpoint_hcl(
            "bad",
            "bad-secrets",
            "  environment = { TOKEN = \"x\" }\n  environment_secrets = { TOKEN = \"y\", \
             \"1BAD\" = \"z\" }\n  environment_secrets_version = -1\n",
        )
    );
    let w = Workdir::new(&hcl);
    let out = w.terraform(&["validate", "-no-color"]);
    let flat = out.flat();
    assert_ne!(out.code, 0, "{flat}");
    for expected in [
        "Variable in both environment maps",
        "environment_secrets[\"TOKEN\"]: \"TOKEN\" is also set in environment",
        "Invalid environment variable name",
        "environment_secrets[\"1BAD\"]",
        "Value out of range",
        "environment_secrets_version",
    ] {
        assert!(flat.contains(expected), "missing {expected:?}:\n{flat}");
    }
}
