//! Shared harness for the CLI tests: runs the real `terraform` binary against
//! the provider binary built by cargo, through a `dev_overrides` CLI config in
//! a temporary directory (never the user's home), with no `terraform init`.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Provider source address used in the test configurations.
pub const SOURCE: &str = "tfsm/sagemaker";

/// The Terraform executable the tests drive: `TFSM_TERRAFORM` when set (a
/// path, or a name looked up on PATH), otherwise `terraform` on PATH. Missing
/// Terraform fails the test loudly: these tests must never pass by skipping.
/// Examples that only import or list what exists: planning them reads AWS,
/// so the offline checks validate them without a plan.
pub const READS_AWS_EXAMPLES: &[&str] = &["import", "migrate-from-cdk"];

/// The oldest Terraform `examples/<name>` declares it needs, from a
/// `required_version = ">= X.Y"` line; `None` when it declares none.
pub fn example_needs(name: &str) -> Option<(u32, u32)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name);
    let text = std::fs::read_to_string(dir.join("main.tf")).ok()?;
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("required_version"))?;
    let v = line.split(">=").nth(1)?.trim().trim_matches('"');
    let mut parts = v.split('.').filter_map(|p| p.parse::<u32>().ok());
    Some((parts.next()?, parts.next()?))
}

pub fn terraform_bin() -> PathBuf {
    let chosen = std::env::var_os("TFSM_TERRAFORM").filter(|v| !v.is_empty());
    let name = chosen.clone().unwrap_or_else(|| "terraform".into());
    let named = PathBuf::from(&name);
    if named.components().count() > 1 {
        assert!(
            named.is_file(),
            "TFSM_TERRAFORM={} is not a file; point it at a Terraform executable \
             (scripts/terraform-versions.sh installs the pinned versions under .cache/terraform)",
            named.display()
        );
        return named;
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        let candidate = dir.join(&named);
        if candidate.is_file() {
            return candidate;
        }
    }
    match chosen {
        Some(_) => panic!(
            "TFSM_TERRAFORM={}: no such executable on PATH",
            named.display()
        ),
        None => panic!(
            "the Terraform CLI was not found on PATH. These acceptance tests drive the real CLI \
             (1.11 or later for the whole suite); install it, or set TFSM_TERRAFORM to a \
             Terraform executable, and re-run."
        ),
    }
}

/// A temporary Terraform working directory wired to the freshly built provider.
pub struct Workdir {
    dir: tempfile::TempDir,
    cli_config: PathBuf,
    /// The Terraform executable for this directory; `None`: [`terraform_bin`].
    terraform: Option<PathBuf>,
}

impl Workdir {
    /// `(major, minor)` of the Terraform this directory runs.
    pub fn terraform_minor(&self) -> (u32, u32) {
        let out = self.terraform(&["version", "-json"]);
        let doc: serde_json::Value = serde_json::from_str(&out.stdout)
            .unwrap_or_else(|e| panic!("terraform version -json: {e}\n{}", out.combined()));
        let v = doc["terraform_version"].as_str().unwrap_or_default();
        let mut parts = v.split('.').filter_map(|p| p.parse::<u32>().ok());
        (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
    }

    /// For an example that needs a newer Terraform than this directory's:
    /// checks that Terraform refuses it for its version and returns true.
    /// False when the example can be used here.
    pub fn refuses_newer_example(&self, name: &str) -> bool {
        let Some(needs) = example_needs(name) else {
            return false;
        };
        if self.terraform_minor() >= needs {
            return false;
        }
        let out = self.terraform(&["init", "-input=false", "-no-color"]);
        assert_ne!(
            out.code,
            0,
            "examples/{name} needs {needs:?}: {}",
            out.combined()
        );
        assert!(
            out.flat().contains("Unsupported Terraform Core version"),
            "examples/{name}: {}",
            out.combined()
        );
        true
    }

    /// A working directory containing one `main.tf`.
    pub fn new(main_tf: &str) -> Workdir {
        let w = Workdir::empty();
        w.write("main.tf", main_tf);
        w
    }

    /// A working directory holding a copy of the `.tf` files of `examples/<name>`.
    pub fn from_example(name: &str) -> Workdir {
        let w = Workdir::empty();
        let src = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples")
            .join(name);
        let entries = std::fs::read_dir(&src).unwrap_or_else(|e| panic!("{}: {e}", src.display()));
        for entry in entries {
            let p = entry.unwrap().path();
            let name = p.file_name().unwrap_or_default().to_string_lossy();
            if name.ends_with(".tf") || name.ends_with(".tfquery.hcl") {
                std::fs::copy(&p, w.path().join(p.file_name().unwrap())).unwrap();
            }
        }
        w
    }

    fn empty() -> Workdir {
        let bin = PathBuf::from(env!("CARGO_BIN_EXE_terraform-provider-sagemaker"));
        let bin_dir = bin.parent().expect("binary has a parent dir");
        Workdir::with_cli_config(&format!(
            "provider_installation {{\n  dev_overrides {{\n    \"{SOURCE}\" = \"{}\"\n  }}\n  direct {{}}\n}}\n",
            bin_dir.display()
        ))
    }

    /// An empty working directory whose Terraform runs use `cli_config` as
    /// their CLI configuration instead of the dev_overrides one (for
    /// installing the provider the way users do).
    pub fn with_cli_config(cli_config_text: &str) -> Workdir {
        let dir = tempfile::tempdir().expect("temp dir");
        let cli_config = dir.path().join("terraform.rc");
        std::fs::write(&cli_config, cli_config_text).unwrap();
        let work = dir.path().join("work");
        std::fs::create_dir(&work).unwrap();
        Workdir {
            dir,
            cli_config,
            terraform: None,
        }
    }

    /// Runs this directory's commands with `bin` instead of [`terraform_bin`]
    /// (the version matrix gives each directory its own Terraform).
    pub fn use_terraform(&mut self, bin: &Path) {
        self.terraform = Some(bin.to_path_buf());
    }

    /// The Terraform executable this directory runs.
    pub fn terraform_path(&self) -> PathBuf {
        self.terraform.clone().unwrap_or_else(terraform_bin)
    }

    pub fn path(&self) -> PathBuf {
        self.dir.path().join("work")
    }

    pub fn write(&self, name: &str, contents: &str) {
        std::fs::write(self.path().join(name), contents).unwrap();
    }

    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path().join(name)).unwrap()
    }

    /// Runs `terraform <args>` here with a clean, offline environment.
    pub fn terraform(&self, args: &[&str]) -> TfOutput {
        let out = self.command(args).output().expect("run terraform");
        TfOutput::from(out)
    }

    /// Runs `terraform <args>` here with extra environment variables (for
    /// example `TF_LOG`), on top of the clean environment of [`terraform`].
    pub fn terraform_env(&self, args: &[&str], vars: &[(&str, &str)]) -> TfOutput {
        let mut cmd = self.command(args);
        cmd.envs(vars.iter().copied());
        TfOutput::from(cmd.output().expect("run terraform"))
    }

    /// Starts `terraform <args>` without waiting (output discarded).
    pub fn spawn_terraform(&self, args: &[&str]) -> std::process::Child {
        self.command(args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn terraform")
    }

    /// Runs `terraform <args>` keeping the caller's AWS credentials and
    /// settings (for the opt-in real-AWS tests only).
    pub fn terraform_with_host_aws(&self, args: &[&str]) -> TfOutput {
        let mut cmd = Command::new(self.terraform_path());
        cmd.args(args)
            .current_dir(self.path())
            .env("TF_CLI_CONFIG_FILE", &self.cli_config)
            .env("TF_IN_AUTOMATION", "1")
            .env("TF_INPUT", "0")
            .env("CHECKPOINT_DISABLE", "1");
        TfOutput::from(cmd.output().expect("run terraform"))
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(self.terraform_path());
        cmd.args(args).current_dir(self.path());
        for (k, _) in std::env::vars_os() {
            let k = k.to_string_lossy().to_string();
            if k.starts_with("AWS_") || k.starts_with("TF_") {
                cmd.env_remove(&k);
            }
        }
        cmd.env("TF_CLI_CONFIG_FILE", &self.cli_config)
            .env("TF_IN_AUTOMATION", "1")
            .env("TF_INPUT", "0")
            .env("CHECKPOINT_DISABLE", "1")
            .env("NO_COLOR", "1")
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("HOME", self.dir.path());
        cmd
    }

    /// `terraform plan -out` then `terraform show -json` of that plan.
    pub fn plan_json(&self, extra: &[&str]) -> serde_json::Value {
        let mut args = vec!["plan", "-no-color", "-input=false", "-out=tfplan"];
        args.extend_from_slice(extra);
        self.terraform(&args).assert_ok("plan");
        let show = self
            .terraform(&["show", "-json", "tfplan"])
            .assert_ok("show");
        serde_json::from_str(&show.stdout).expect("plan JSON")
    }
}

/// What a terraform run printed, and how it ended.
pub struct TfOutput {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for TfOutput {
    fn from(o: Output) -> Self {
        TfOutput {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl TfOutput {
    pub fn assert_ok(self, what: &str) -> TfOutput {
        assert_eq!(
            self.code, 0,
            "terraform {what} failed\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    pub fn combined(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }

    /// Everything printed, with Terraform's line wrapping undone (runs of
    /// whitespace become one space), for matching messages.
    pub fn flat(&self) -> String {
        self.combined()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A `terraform { required_providers }` header for test configurations.
pub fn header() -> String {
    format!(
        "terraform {{\n  required_providers {{\n    sagemaker = {{ source = \"{SOURCE}\" }}\n  }}\n}}\n"
    )
}
