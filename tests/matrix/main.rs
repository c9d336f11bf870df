//! The Terraform version matrix: the core acceptance set on every pinned
//! Terraform from 1.6 to 1.15, one test per version, each with its own
//! sandbox account. The rest of the suite runs on the default Terraform
//! (`TFSM_TERRAFORM`, else `terraform` on PATH); this file proves the
//! provider on the others.
//!
//! The executables come from `scripts/terraform-versions.sh` (run by
//! `make test`): `.cache/terraform/<version>/bin/terraform`, or under
//! `TFSM_TERRAFORM_CACHE`. A missing one fails its test, naming the script.
//!
//! The core set, in order: `version`; `validate` and an offline `plan` of
//! every example; validation errors located at the attribute; provider
//! functions (1.8+) or Terraform's refusal of them before 1.8; then on the
//! sandbox: create, an empty plan, an in-place update, import by command
//! and by `import` block, `terraform test` (a run that applies and asserts,
//! and one whose false assertion must fail), destroy, and nothing left in
//! the sandbox. `environment_secrets` (write-only) is applied and kept out
//! of the state from 1.11, and refused at the attribute before. From 1.12,
//! import by identity; from 1.14, `terraform query` with generated
//! configuration ([`query`]) and the action ([`actions`]).
//!
//! Every test writes one line, `matrix: Terraform <version> PASS|FAIL <seconds>`
//! followed by the seconds each step took, straight to stderr, so `cargo test`
//! shows it even for a passing test. A warning from Terraform other than the
//! dev_overrides one fails the sandbox steps.
//!
//! `the_wrapper_writes_what_the_real_binary_writes` compares the wrapper of
//! the version on PATH with that real binary, byte for byte.

#[path = "../acc_support/mod.rs"]
mod acc_support;
#[path = "../support/mod.rs"]
mod support;

mod actions;
mod query;

use acc_support::{Acc, MODEL_ARCHIVE};
use serde_json::{Value as Json, json};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;
use support::{TfOutput, Workdir};

macro_rules! matrix {
    ($($test:ident => $version:literal),* $(,)?) => {
        /// The versions, in the order `scripts/terraform-versions.sh --list` prints them.
        const VERSIONS: &[&str] = &[$($version),*];
        $(
            #[test]
            fn $test() {
                run_version($version);
            }
        )*
    };
}

matrix! {
    terraform_1_6_6 => "1.6.6",
    terraform_1_9_8 => "1.9.8",
    terraform_1_11_4 => "1.11.4",
    terraform_1_12_2 => "1.12.2",
    terraform_1_13_5 => "1.13.5",
    terraform_1_14_9 => "1.14.9",
    terraform_1_15_5 => "1.15.5",
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Where `scripts/terraform-versions.sh` puts the executables.
fn cache_dir() -> PathBuf {
    std::env::var_os("TFSM_TERRAFORM_CACHE")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join(".cache/terraform"))
}

/// The installed executable of `version`; its absence fails the test.
fn installed(version: &str) -> PathBuf {
    let bin = cache_dir().join(version).join("bin/terraform");
    assert!(
        bin.is_file(),
        "Terraform {version} is not installed ({} is missing): run \
         scripts/terraform-versions.sh (make test does) and re-run",
        bin.display()
    );
    bin
}

/// `(major, minor)` of the Terraform `bin`.
fn minor_of(bin: &Path) -> (u32, u32) {
    let mut w = Workdir::new("");
    w.use_terraform(bin);
    w.terraform_minor()
}

/// `(major, minor)` of a version string.
fn minor(version: &str) -> (u32, u32) {
    let mut parts = version.split('.').map(|p| p.parse::<u32>().unwrap());
    (parts.next().unwrap(), parts.next().unwrap())
}

/// What a Terraform version is expected to support.
#[derive(Clone, Copy)]
struct Features {
    /// Provider-defined functions, `provider::<name>::<function>` (1.8).
    functions: bool,
    /// Write-only attributes (1.11).
    write_only: bool,
    /// Resource identity and `import { identity = {...} }` (1.12).
    identity: bool,
    /// List resources and `terraform query`, generated configuration, and
    /// actions (1.14).
    query_and_actions: bool,
}

impl Features {
    fn of(version: &str) -> Features {
        Features {
            functions: minor(version) >= (1, 8),
            write_only: minor(version) >= (1, 11),
            identity: minor(version) >= (1, 12),
            query_and_actions: minor(version) >= (1, 14),
        }
    }
}

/// The steps of one version's run, each with the time it started.
type Steps = std::sync::Mutex<Vec<(&'static str, Instant)>>;

/// Runs the core set on one version, timing it and reporting one line.
fn run_version(version: &str) {
    let started = Instant::now();
    let steps: Steps = std::sync::Mutex::new(vec![("find the executable", started)]);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let bin = installed(version);
        core_set(version, &bin, &steps);
    }));
    let secs = started.elapsed().as_secs_f64();
    let steps = steps.into_inner().unwrap_or_default();
    let current = steps.last().map_or("?", |s| s.0);
    let status = match &result {
        Ok(()) => "PASS".to_string(),
        Err(_) => format!("FAIL at {current:?}"),
    };
    // Where the time went: each step until the next one started.
    let ends = steps.iter().skip(1).map(|s| s.1).chain([Instant::now()]);
    let timings: Vec<String> = steps
        .iter()
        .zip(ends)
        .filter(|((name, _), _)| *name != "done")
        .map(|((name, at), end)| format!("{name} {:.1}", (end - *at).as_secs_f64()))
        .collect();
    // Straight to the process's stderr: libtest captures only the print
    // macros, so this line shows in `cargo test` output whatever happens.
    let _ = writeln!(
        std::io::stderr().lock(),
        "matrix: Terraform {version:<7} {status} {secs:6.1} s  ({})",
        timings.join(", ")
    );
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}

fn core_set(version: &str, bin: &Path, steps: &Steps) {
    let features = Features::of(version);
    let mark = |name: &'static str| {
        if let Ok(mut s) = steps.lock() {
            s.push((name, Instant::now()));
        }
    };
    let workdir = |main_tf: &str| {
        let mut w = Workdir::new(main_tf);
        w.use_terraform(bin);
        w
    };

    mark("version");
    let out = workdir("")
        .terraform(&["version", "-json"])
        .assert_ok("version");
    let doc: Json = serde_json::from_str(&out.stdout).expect("version JSON");
    assert_eq!(
        doc["terraform_version"], version,
        "{bin:?} is another version"
    );

    mark("examples");
    examples(bin);

    mark("validation errors");
    validation_errors(&workdir, features);

    mark("provider functions");
    functions(&workdir, features);

    mark("start the sandbox");
    let mut acc = Acc::new();
    acc.work.use_terraform(bin);
    sandbox_flow(&acc, features, &mark);

    if features.query_and_actions {
        mark("terraform query");
        query::find_generate_and_import(&acc, &workdir);
        mark("actions");
        actions::smoke_tests(&acc, &workdir);
    }

    mark("terraform test");
    terraform_test(&acc, &workdir);

    mark("destroy");
    run(
        &acc,
        &["destroy", "-auto-approve", "-input=false", "-no-color"],
    )
    .assert_ok("destroy");
    acc.assert_no_orphans();
    mark("done");
}

/// The example directories, sorted.
fn example_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("examples"))
        .expect("examples/")
        .map(|e| e.unwrap())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Every example this version can run validates cleanly (with its query
/// files from 1.14), and every one but those that read AWS plans only
/// creates, offline; one that needs a newer Terraform is refused for it.
fn examples(bin: &Path) {
    let names = example_names();
    assert!(names.len() >= 8, "{names:?}");
    if minor_of(bin) >= (1, 14) {
        // Older versions do not format `.tfquery.hcl` files.
        let examples = root().join("examples");
        let mut w = Workdir::new("");
        w.use_terraform(bin);
        let out = w.terraform(&[
            "fmt",
            "-check",
            "-recursive",
            "-diff",
            "-no-color",
            examples.to_str().unwrap(),
        ]);
        assert_eq!(
            out.code,
            0,
            "terraform fmt -check examples:\n{}",
            out.combined()
        );
    }
    for name in names {
        let mut w = Workdir::from_example(&name);
        w.use_terraform(bin);
        if w.refuses_newer_example(&name) {
            continue;
        }
        // From 1.14 the list blocks of `.tfquery.hcl` files are validated too.
        let query = support::example_needs(&name) >= Some((1, 14));
        let args: &[&str] = if query {
            &["validate", "-query", "-json", "-no-color"]
        } else {
            &["validate", "-json", "-no-color"]
        };
        let out = w.terraform(args);
        let doc: Json = serde_json::from_str(&out.stdout)
            .unwrap_or_else(|e| panic!("examples/{name}: validate JSON: {e}\n{}", out.combined()));
        assert_eq!(doc["valid"], true, "examples/{name}: {doc:#}");
        let unexpected: Vec<&Json> = doc["diagnostics"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|d| d["summary"] != "Provider development overrides are in effect")
            .collect();
        assert!(unexpected.is_empty(), "examples/{name}: {doc:#}");
        if support::READS_AWS_EXAMPLES.contains(&name.as_str()) {
            continue;
        }
        let extra: &[&str] = if name == "quickstart" {
            &["-var", "sandbox_url=http://127.0.0.1:9"]
        } else {
            &[]
        };
        let plan = w.plan_json(extra);
        let changes = plan["resource_changes"]
            .as_array()
            .expect("resource_changes");
        assert!(!changes.is_empty(), "examples/{name} plans nothing");
        for c in changes {
            assert_eq!(
                c["change"]["actions"],
                json!(["create"]),
                "examples/{name}: {c:#}"
            );
        }
    }
}

/// One resource block whose `attr` is set to `hcl` (or added), on top of a
/// valid configuration.
fn resource_with(name: &str, attr: &str, hcl: &str) -> String {
    let mut attrs: BTreeMap<&str, String> = BTreeMap::from([
        ("model_id", "\"m1\"".to_string()),
        ("endpoint_name", format!("\"{name}\"")),
        ("instance_type", "\"ml.m5.large\"".to_string()),
        (
            "model_data_url",
            "\"s3://bucket-1/model.tar.gz\"".to_string(),
        ),
        (
            "container",
            "{ image_uri = \"123456789012.dkr.ecr.us-east-1.amazonaws.com/r:t\" }".to_string(),
        ),
    ]);
    attrs.insert(attr, hcl.to_string());
    let body: String = attrs
        .iter()
        .map(|(k, v)| format!("  {k} = {v}\n"))
        .collect();
    format!("resource \"sagemaker_custom_endpoint\" \"{name}\" {{\n{body}}}\n")
}

/// The 1-based line of the first line of `text` that starts with `prefix`
/// after the line holding `after`.
fn line_of(text: &str, after: &str, prefix: &str) -> i64 {
    let start = text.lines().position(|l| l.contains(after)).expect(after);
    let offset = text
        .lines()
        .skip(start)
        .position(|l| l.trim_start().starts_with(prefix))
        .unwrap_or_else(|| panic!("{prefix} after {after}"));
    (start + offset + 1) as i64
}

/// The error diagnostics of `validate -json` on `hcl`.
fn validate_errors(workdir: &dyn Fn(&str) -> Workdir, hcl: &str) -> Vec<Json> {
    let out = workdir(hcl).terraform(&["validate", "-json", "-no-color"]);
    let doc: Json = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("validate JSON: {e}\n{}", out.combined()));
    assert_eq!(doc["valid"], false, "{doc:#}");
    assert_ne!(out.code, 0, "{doc:#}");
    doc["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["severity"] == "error")
        .cloned()
        .collect()
}

/// Asserts that `errors` hold `summary` at main.tf `line`, with a detail.
fn assert_error_at(errors: &[Json], summary: &str, line: i64) {
    let hit = errors
        .iter()
        .find(|d| d["summary"] == summary && d["range"]["start"]["line"] == line);
    let Some(hit) = hit else {
        panic!("no error {summary:?} at main.tf line {line}:\n{errors:#?}");
    };
    let detail = hit["detail"].as_str().unwrap_or("");
    assert!(detail.len() >= 20, "{summary}: thin detail {detail:?}");
}

/// Several invalid resources in one configuration, and an invalid provider
/// block in another: `validate -json` reports each error with its summary at
/// the line of the attribute at fault. `environment_secrets` is accepted
/// from 1.11 and refused at the attribute before.
fn validation_errors(workdir: &dyn Fn(&str) -> Workdir, features: Features) {
    let cases: [(&str, &str, &str, &str); 5] = [
        (
            "bad-name",
            "endpoint_name",
            "\"bad_name\"",
            "Invalid endpoint name",
        ),
        ("bad-count", "instance_count", "0", "Value out of range"),
        (
            "bad-container",
            "container",
            "{ repository_name = \"pytorch-inference\", tag = \"2.1\", image_uri = \"123456789012.dkr.ecr.us-east-1.amazonaws.com/r:t\" }",
            "Conflicting container forms",
        ),
        (
            "bad-env",
            "environment",
            "{ \"1BAD\" = \"x\" }",
            "Invalid environment variable name",
        ),
        (
            "bad-scaling",
            "autoscaling",
            "{ min_capacity = 3, max_capacity = 2 }",
            "Invalid capacity range",
        ),
    ];
    let mut hcl = format!(
        "{}\nprovider \"sagemaker\" {{\n  region = \"us-east-1\"\n}}\n",
        support::header()
    );
    for (name, attr, value, _) in cases {
        hcl.push_str(&resource_with(name, attr, value));
    }
    hcl.push_str(&resource_with(
        "write-only",
        "environment_secrets",
        "{ TOKEN = \"x\" }",
    ));
    let errors = validate_errors(workdir, &hcl);
    for (name, attr, _, summary) in cases {
        assert_error_at(
            &errors,
            summary,
            line_of(&hcl, &format!("\"{name}\" {{"), attr),
        );
    }
    let wo_line = line_of(&hcl, "\"write-only\" {", "environment_secrets");
    let refusal = "Write-only attribute not supported by this Terraform";
    if features.write_only {
        assert!(
            !errors
                .iter()
                .any(|d| d["range"]["start"]["line"] == wo_line),
            "environment_secrets should be accepted:\n{errors:#?}"
        );
    } else {
        assert_error_at(&errors, refusal, wo_line);
    }
    assert_eq!(
        errors.len(),
        cases.len() + usize::from(!features.write_only),
        "{errors:#?}"
    );

    let provider = format!(
        "{}\nprovider \"sagemaker\" {{\n  region = \"Europe\"\n}}\n{}",
        support::header(),
        resource_with("fine", "instance_count", "1")
    );
    let errors = validate_errors(workdir, &provider);
    assert_error_at(
        &errors,
        "Invalid region",
        line_of(&provider, "provider \"sagemaker\"", "region"),
    );
}

fn dlc_call(args: &str) -> String {
    format!("provider::sagemaker::dlc_image_uri({args})")
}

/// From 1.8 a call resolves (read back with `output -json`) and a bad
/// argument fails the plan naming the parameter. Before 1.8, Terraform
/// cannot parse the call, and `terraform init` of a configuration that
/// declares `required_version = ">= 1.8"` (the advice in the README) says
/// that this Terraform version is not supported.
fn functions(workdir: &dyn Fn(&str) -> Workdir, features: Features) {
    let good = format!(
        "{}\noutput \"uri\" {{\n  value = {}\n}}\n",
        support::header(),
        dlc_call("\"huggingface-pytorch-tgi-inference\", \"2.3.0\", \"eu-west-1\"")
    );
    let w = workdir(&good);
    if features.functions {
        w.terraform(&["apply", "-auto-approve", "-input=false", "-no-color"])
            .assert_ok("apply");
        let out = w.terraform(&["output", "-json"]).assert_ok("output");
        let doc: Json = serde_json::from_str(&out.stdout).expect("output JSON");
        assert_eq!(
            doc["uri"]["value"],
            "763104351884.dkr.ecr.eu-west-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.3.0"
        );
        let bad = workdir(&format!(
            "{}\noutput \"uri\" {{\n  value = {}\n}}\n",
            support::header(),
            dlc_call("\"repo\", \"t\", \"xx-nowhere-9\"")
        ));
        let out = bad.terraform(&["plan", "-input=false", "-no-color"]);
        let flat = out.flat();
        assert_ne!(out.code, 0, "{flat}");
        assert!(
            flat.contains("Invalid value for \"region\" parameter"),
            "{flat}"
        );
        assert!(flat.contains("xx-nowhere-9"), "{flat}");
    } else {
        let out = w.terraform(&["plan", "-input=false", "-no-color"]);
        assert_ne!(
            out.code,
            0,
            "a provider function cannot work here:\n{}",
            out.combined()
        );
        assert!(
            out.flat().contains("provider::sagemaker::dlc_image_uri"),
            "{}",
            out.flat()
        );
        let pinned = workdir(&good.replacen(
            "terraform {\n",
            "terraform {\n  required_version = \">= 1.8\"\n",
            1,
        ));
        let out = pinned.terraform(&["init", "-input=false", "-no-color"]);
        let flat = out.flat();
        assert_ne!(out.code, 0, "{flat}");
        assert!(
            flat.contains("Unsupported Terraform Core version"),
            "{flat}"
        );
    }
}

/// The sandbox flow's secret, handed over in `TF_VAR_token`.
const TOKEN: &str = "matrix-s3cr3t-5w";

/// Terraform in the acceptance directory, with the secret variable set.
/// Any warning but the one every dev_overrides run prints fails the step.
fn run(acc: &Acc, args: &[&str]) -> TfOutput {
    let out = acc.work.terraform_env(args, &[("TF_VAR_token", TOKEN)]);
    assert_no_warnings(&out, args);
    out
}

/// Fails on a warning Terraform printed, other than the dev_overrides one.
fn assert_no_warnings(out: &TfOutput, args: &[&str]) {
    let text = out.combined();
    let warnings: Vec<&str> = text
        .lines()
        .map(|l| l.trim_start_matches(['│', ' ']))
        .filter(|l| l.starts_with("Warning: "))
        .filter(|l| *l != "Warning: Provider development overrides are in effect")
        .collect();
    assert!(
        warnings.is_empty(),
        "terraform {} warned: {warnings:?}\n{text}",
        args.join(" ")
    );
}

fn apply(acc: &Acc) {
    run(
        acc,
        &["apply", "-auto-approve", "-input=false", "-no-color"],
    )
    .assert_ok("apply");
}

fn assert_plan_empty(acc: &Acc, after: &str) {
    let out = run(
        acc,
        &["plan", "-detailed-exitcode", "-input=false", "-no-color"],
    );
    assert_eq!(
        out.code,
        0,
        "expected an empty plan after {after}:\n{}",
        out.combined()
    );
}

/// The endpoint configuration of the sandbox flow: real-time, with an
/// environment value `env_a`, the write-only secret when the version has
/// write-only attributes, and an output through the function from 1.8.
/// How the `import` block of the flow names the endpoint, if there is one.
#[derive(Clone, Copy, PartialEq)]
enum Import {
    None,
    ById,
    ByIdentity,
}

fn flow_config(acc: &Acc, features: Features, env_a: &str, import: Import) {
    let mut extra =
        format!("  environment = {{ A = \"{env_a}\" }}\n  tags = {{ suite = \"matrix\" }}\n");
    let mut top = String::new();
    if features.write_only {
        top.push_str(
            "variable \"token\" {\n  type      = string\n  sensitive = true\n  ephemeral = true\n}\n",
        );
        extra.push_str("  environment_secrets = { HF_TOKEN = var.token }\n");
    } else {
        top.push_str("variable \"token\" {\n  type      = string\n  sensitive = true\n}\n");
    }
    if features.functions {
        top.push_str(&format!(
            "output \"uri\" {{\n  value = {}\n}}\n",
            dlc_call("\"pytorch-inference\", \"2.1\", \"us-east-1\"")
        ));
    }
    match import {
        Import::None => {}
        Import::ById => {
            top.push_str("import {\n  to = sagemaker_custom_endpoint.mx\n  id = \"matrix-ep\"\n}\n")
        }
        Import::ByIdentity => top.push_str(
            "import {\n  to       = sagemaker_custom_endpoint.mx\n  identity = {\n    \
             endpoint_name = \"matrix-ep\"\n  }\n}\n",
        ),
    }
    top.push_str("output \"arn\" {\n  value = sagemaker_custom_endpoint.mx.endpoint_arn\n}\n");
    acc.config(&format!(
        "{top}{}",
        acc_support::endpoint_hcl("mx", "matrix-ep", &extra)
    ));
}

/// The live model's environment.
fn live_env(acc: &Acc, model: &str) -> BTreeMap<String, String> {
    let out = acc
        .block_on(acc.sagemaker().describe_model().model_name(model).send())
        .unwrap_or_else(|e| panic!("DescribeModel {model}: {e:?}"));
    out.primary_container()
        .and_then(|c| c.environment())
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default()
}

fn str_of<'a>(v: &'a Json, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_else(|| panic!("{key} in {v:#}"))
}

fn sandbox_flow(acc: &Acc, features: Features, mark: &dyn Fn(&'static str)) {
    mark("create");
    flow_config(acc, features, "1", Import::None);
    apply(acc);
    let created = acc.resource("mx");
    assert_eq!(created["endpoint_status"], "InService", "{created:#}");
    let live = acc
        .block_on(
            acc.sagemaker()
                .describe_endpoint()
                .endpoint_name("matrix-ep")
                .send(),
        )
        .expect("DescribeEndpoint");
    assert_eq!(
        live.endpoint_config_name(),
        created["endpoint_config_name"].as_str()
    );
    let env = live_env(acc, str_of(&created, "model_name"));
    assert_eq!(env.get("A").map(String::as_str), Some("1"), "{env:?}");
    let state_file = acc.work.read("terraform.tfstate");
    if features.write_only {
        mark("write-only secrets");
        assert_eq!(
            env.get("HF_TOKEN").map(String::as_str),
            Some(TOKEN),
            "{env:?}"
        );
        assert_eq!(created["environment_secret_keys"], json!(["HF_TOKEN"]));
        assert_eq!(created["environment_secrets"], Json::Null);
        assert!(
            !state_file.contains(TOKEN),
            "the state holds the write-only secret"
        );
    } else {
        assert!(!env.contains_key("HF_TOKEN"), "{env:?}");
    }
    let outputs: Json =
        serde_json::from_str(&run(acc, &["output", "-json"]).assert_ok("output").stdout)
            .expect("output JSON");
    assert_eq!(outputs["arn"]["value"], created["endpoint_arn"]);
    if features.functions {
        assert_eq!(
            outputs["uri"]["value"],
            "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.1"
        );
    }
    mark("plan after create");
    assert_plan_empty(acc, "create");

    mark("update in place");
    flow_config(acc, features, "2", Import::None);
    let plan = acc.work.terraform_env(
        &["plan", "-input=false", "-no-color", "-out=tfplan"],
        &[("TF_VAR_token", TOKEN)],
    );
    plan.assert_ok("plan update");
    let shown: Json = serde_json::from_str(
        &acc.terraform(&["show", "-json", "tfplan"])
            .assert_ok("show plan")
            .stdout,
    )
    .expect("plan JSON");
    let change = shown["resource_changes"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["name"] == "mx"))
        .cloned()
        .unwrap_or(Json::Null);
    assert_eq!(change["change"]["actions"], json!(["update"]), "{change:#}");
    apply(acc);
    let updated = acc.resource("mx");
    assert_eq!(
        updated["endpoint_arn"], created["endpoint_arn"],
        "replaced, not updated"
    );
    assert_ne!(updated["model_name"], created["model_name"]);
    assert_ne!(
        updated["endpoint_config_name"],
        created["endpoint_config_name"]
    );
    let env = live_env(acc, str_of(&updated, "model_name"));
    assert_eq!(env.get("A").map(String::as_str), Some("2"), "{env:?}");
    if features.write_only {
        assert_eq!(
            env.get("HF_TOKEN").map(String::as_str),
            Some(TOKEN),
            "{env:?}"
        );
    }
    let old = acc.block_on(
        acc.sagemaker()
            .describe_model()
            .model_name(str_of(&created, "model_name"))
            .send(),
    );
    assert!(old.is_err(), "the old model should be gone");
    assert_plan_empty(acc, "update");

    mark("import command");
    run(acc, &["state", "rm", "sagemaker_custom_endpoint.mx"]).assert_ok("state rm");
    run(
        acc,
        &[
            "import",
            "-input=false",
            "-no-color",
            "sagemaker_custom_endpoint.mx",
            "matrix-ep",
        ],
    )
    .assert_ok("import");
    let imported = acc.resource("mx");
    for k in [
        "model_name",
        "endpoint_config_name",
        "endpoint_arn",
        "image_uri",
        "execution_role_arn",
        "model_data_url",
    ] {
        assert_eq!(imported[k], updated[k], "{k} after import");
    }
    if features.write_only {
        // The model's tfsm:secret-keys tag names the secret variables, so
        // import keeps their values out of the state and records the names.
        assert_eq!(imported["environment"], json!({ "A": "2" }));
        assert_eq!(imported["environment_secret_keys"], json!(["HF_TOKEN"]));
        assert!(!acc.work.read("terraform.tfstate").contains(TOKEN));
        let env = live_env(acc, str_of(&imported, "model_name"));
        assert_eq!(env.get("HF_TOKEN").map(String::as_str), Some(TOKEN));
    } else {
        assert_eq!(imported["environment"], updated["environment"]);
    }
    assert_plan_empty(acc, "import");
    let before_block = acc.resource("mx");

    mark("import block");
    run(acc, &["state", "rm", "sagemaker_custom_endpoint.mx"]).assert_ok("state rm");
    flow_config(acc, features, "2", Import::ById);
    let out = run(
        acc,
        &["apply", "-auto-approve", "-input=false", "-no-color"],
    )
    .assert_ok("apply import");
    let summary = "1 imported, 0 added, 0 changed, 0 destroyed";
    assert!(out.flat().contains(summary), "{}", out.flat());
    let after_block = acc.resource("mx");
    assert_eq!(after_block["endpoint_arn"], before_block["endpoint_arn"]);
    assert_eq!(after_block["environment"], json!({ "A": "2" }));
    if !features.write_only {
        assert_eq!(after_block["model_name"], before_block["model_name"]);
    }
    flow_config(acc, features, "2", Import::None);
    assert_plan_empty(acc, "the import block");
    if features.identity {
        mark("import by identity");
        assert_eq!(
            state_identity(acc),
            json!({
                "endpoint_name": "matrix-ep",
                "region": "us-east-1",
                "account_id": ACCOUNT,
            }),
            "the identity next to the state"
        );
        run(acc, &["state", "rm", "sagemaker_custom_endpoint.mx"]).assert_ok("state rm");
        flow_config(acc, features, "2", Import::ByIdentity);
        let out = run(
            acc,
            &["apply", "-auto-approve", "-input=false", "-no-color"],
        )
        .assert_ok("apply import by identity");
        assert!(out.flat().contains(summary), "{}", out.flat());
        let by_identity = acc.resource("mx");
        assert_eq!(by_identity["endpoint_arn"], before_block["endpoint_arn"]);
        assert_eq!(state_identity(acc)["endpoint_name"], "matrix-ep");
        flow_config(acc, features, "2", Import::None);
        assert_plan_empty(acc, "the import by identity");
    }
}

/// The sandbox's account.
const ACCOUNT: &str = "123456789012";

/// The resource identity Terraform stored next to the state of `mx`.
fn state_identity(acc: &Acc) -> Json {
    let state: Json =
        serde_json::from_str(&acc.work.read("terraform.tfstate")).expect("state file JSON");
    state["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["name"] == "mx")
        .map(|r| r["instances"][0]["identity"].clone())
        .unwrap_or(Json::Null)
}

/// `terraform test` in a directory of its own on the same sandbox: a run
/// block that applies and asserts on an attribute and an output passes (and
/// Terraform destroys what it created), and a plan-only run whose assertion
/// is false fails, showing the assertions really see the provider's values.
fn terraform_test(acc: &Acc, workdir: &dyn Fn(&str) -> Workdir) {
    let module = format!(
        "{}\n{}\nvariable \"endpoint_name\" {{\n  type = string\n}}\n{}\noutput \"image\" {{\n  value = sagemaker_custom_endpoint.t.image_uri\n}}\n",
        support::header(),
        acc.provider_block(),
        acc_support::endpoint_hcl("t", "${var.endpoint_name}", "")
    );
    let w = workdir(&module);
    std::fs::create_dir_all(w.path().join("tests")).unwrap();
    let image = "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-inference-neuronx:\
                 1.13.1-transformers4.34.1-neuronx-py310-sdk2.15.0-ubuntu20.04";
    w.write(
        "tests/apply.tftest.hcl",
        &format!(
            r#"variables {{
  endpoint_name = "tftest-ep"
}}

run "deploys" {{
  command = apply

  assert {{
    condition     = sagemaker_custom_endpoint.t.endpoint_status == "InService"
    error_message = "endpoint_status is ${{sagemaker_custom_endpoint.t.endpoint_status}}"
  }}
  assert {{
    condition     = output.image == "{image}"
    error_message = "image is ${{output.image}}"
  }}
  assert {{
    condition     = sagemaker_custom_endpoint.t.model_data_url == "{MODEL_ARCHIVE}"
    error_message = "model_data_url is ${{sagemaker_custom_endpoint.t.model_data_url}}"
  }}
}}
"#
        ),
    );
    w.write(
        "tests/wrong.tftest.hcl",
        r#"variables {
  endpoint_name = "tftest-wrong"
}

run "wrong_expectation" {
  command = plan

  assert {
    condition     = sagemaker_custom_endpoint.t.instance_count == 7
    error_message = "matrix-expected-failure"
  }
}
"#,
    );
    let out = w.terraform(&["test", "-no-color", "-filter=tests/apply.tftest.hcl"]);
    assert_no_warnings(&out, &["test"]);
    assert_eq!(
        out.code,
        0,
        "terraform test should pass:\n{}",
        out.combined()
    );
    assert!(out.flat().contains("1 passed, 0 failed"), "{}", out.flat());
    let gone = acc.block_on(
        acc.sagemaker()
            .describe_endpoint()
            .endpoint_name("tftest-ep")
            .send(),
    );
    assert!(
        gone.is_err(),
        "terraform test should destroy what it created"
    );

    let out = w.terraform(&["test", "-no-color", "-filter=tests/wrong.tftest.hcl"]);
    assert_eq!(
        out.code,
        1,
        "a false assertion must fail:\n{}",
        out.combined()
    );
    assert!(
        out.flat().contains("matrix-expected-failure"),
        "{}",
        out.flat()
    );
    assert!(out.flat().contains("0 passed, 1 failed"), "{}", out.flat());
}

/// The versions here are the ones the install script pins.
#[test]
fn the_matrix_is_the_pinned_list() {
    let out = std::process::Command::new("bash")
        .arg(root().join("scripts/terraform-versions.sh"))
        .arg("--list")
        .output()
        .expect("run scripts/terraform-versions.sh --list");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect();
    assert_eq!(listed, VERSIONS, "tests/matrix.rs and the script disagree");
}

/// The wrapper of the version of the real `terraform` on PATH writes
/// exactly what that binary writes, exit codes included: the matrix results
/// are the real CLI's, not an artefact of the wrapper.
#[test]
fn the_wrapper_writes_what_the_real_binary_writes() {
    let real = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|d| d.join("terraform"))
        .find(|p| p.is_file())
        .expect("this check compares with the real `terraform` on PATH, and there is none");
    assert!(
        !real.starts_with(cache_dir()),
        "{} is one of the wrappers; put the real binary first on PATH",
        real.display()
    );
    let mut probe = Workdir::new("");
    probe.use_terraform(&real);
    let out = probe.terraform(&["version", "-json"]).assert_ok("version");
    let doc: Json = serde_json::from_str(&out.stdout).expect("version JSON");
    let version = doc["terraform_version"]
        .as_str()
        .expect("terraform_version")
        .to_string();
    assert!(
        VERSIONS.contains(&version.as_str()),
        "{} is Terraform {version}, which the matrix does not pin; the comparison needs one of \
         {VERSIONS:?}",
        real.display()
    );
    let wrapper = installed(&version);

    let invalid = format!(
        "{}\nprovider \"sagemaker\" {{\n  region = \"Europe\"\n}}\n{}",
        support::header(),
        resource_with("bad", "endpoint_name", "\"bad_name\"")
    );
    let unformatted = "output \"o\" {\nvalue=\"h\u{e9}llo \u{2603}\"\n}\n";
    type Setup = (&'static str, Box<dyn Fn() -> Workdir>);
    let setups: Vec<Setup> = vec![
        ("example", Box::new(|| Workdir::from_example("realtime"))),
        ("invalid", Box::new(move || Workdir::new(&invalid))),
        ("unformatted", Box::new(move || Workdir::new(unformatted))),
    ];
    let commands: &[(&str, &[&str])] = &[
        ("example", &["version"]),
        ("example", &["validate", "-json"]),
        ("example", &["plan", "-input=false"]),
        ("example", &["providers", "schema", "-json"]),
        ("invalid", &["validate"]),
        ("invalid", &["validate", "-json"]),
        ("invalid", &["plan", "-input=false", "-no-color"]),
        ("unformatted", &["fmt", "-check", "-diff", "-no-color"]),
        ("unformatted", &["no-such-command"]),
    ];
    for (setup, args) in commands {
        let make = &setups.iter().find(|(n, _)| n == setup).unwrap().1;
        let a = make();
        let mut b = make();
        b.use_terraform(&wrapper);
        let (want, got) = (a.terraform(args), b.terraform(args));
        let what = format!("terraform {} ({setup})", args.join(" "));
        assert_eq!(got.code, want.code, "{what}: exit code");
        // The temporary directories differ; the output must not otherwise.
        let norm = |s: &str, w: &Workdir| s.replace(&w.path().display().to_string(), "<dir>");
        assert_eq!(
            norm(&got.stdout, &b),
            norm(&want.stdout, &a),
            "{what}: stdout"
        );
        assert_eq!(
            norm(&got.stderr, &b),
            norm(&want.stderr, &a),
            "{what}: stderr"
        );
        assert!(!want.combined().trim().is_empty(), "{what} printed nothing");
    }
}
