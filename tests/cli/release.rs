//! Release artifacts install like a registry provider: the zip, SHA256SUMS
//! and manifest that `scripts/package-release.sh` (behind `make release`)
//! writes are put into a filesystem mirror, and `terraform init` installs the
//! provider from it with no network and no dev_overrides, then plans.
//!
//! Which artifacts: `TFSM_RELEASE_DIST` names a directory `make release`
//! filled (CI sets it after running `make release`, so the optimised binary is
//! what gets installed). Without it, the test packages the provider binary of
//! this test run with the same script. Under CI (`CI` set) the variable is
//! required: the test fails rather than quietly testing something else.

use crate::support;
use serde_json::Value as Json;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::Command;
use support::Workdir;

const NAME: &str = "terraform-provider-sagemaker";
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Terraform's platform name for this machine, e.g. `linux_amd64`.
fn platform() -> String {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => panic!("no Terraform platform name for {other}"),
    };
    format!("{}_{arch}", std::env::consts::OS)
}

/// The directory holding the release artifacts (see the module docs).
fn artifacts(scratch: &Path) -> PathBuf {
    if let Some(dir) = std::env::var_os("TFSM_RELEASE_DIST") {
        return PathBuf::from(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must test the real release: run `make release` and set TFSM_RELEASE_DIST=<repo>/dist \
         (as .ci/run does)"
    );
    let out = scratch.join("dist");
    let status = Command::new("bash")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/package-release.sh"))
        .arg(env!("CARGO_BIN_EXE_terraform-provider-sagemaker"))
        .arg(&out)
        .status()
        .expect("run scripts/package-release.sh");
    assert!(status.success(), "package-release.sh failed");
    out
}

fn sha256_hex(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Runs a small Python program (the zip module is in Python's standard
/// library, which the sandbox needs anyway).
fn python(program: &str, args: &[&Path]) -> String {
    let out = Command::new("python3")
        .arg("-c")
        .arg(program)
        .args(args)
        .output()
        .expect("run python3");
    assert!(
        out.status.success(),
        "python3 failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Checks the three files against each other and returns the zip's path.
fn check_artifacts(dist: &Path) -> PathBuf {
    let prefix = format!("{NAME}_{VERSION}");
    let zip = dist.join(format!("{prefix}_{}.zip", platform()));
    let manifest = dist.join(format!("{prefix}_manifest.json"));
    let sums = dist.join(format!("{prefix}_SHA256SUMS"));
    for f in [&zip, &manifest, &sums] {
        assert!(f.is_file(), "{} is missing", f.display());
    }

    let doc: Json = serde_json::from_slice(&std::fs::read(&manifest).unwrap()).unwrap();
    assert_eq!(doc["version"], 1, "{doc}");
    assert_eq!(
        doc["metadata"]["protocol_versions"],
        serde_json::json!(["6.0"])
    );

    let listed = std::fs::read_to_string(&sums).unwrap();
    let mut seen = 0;
    for f in [&zip, &manifest] {
        let file_name = f.file_name().unwrap().to_str().unwrap();
        let line = format!("{}  {file_name}", sha256_hex(f));
        assert!(
            listed.lines().any(|l| l == line),
            "SHA256SUMS lacks {line:?}:\n{listed}"
        );
        seen += 1;
    }
    assert_eq!(listed.lines().count(), seen, "{listed}");

    // One executable entry, named the way Terraform looks for plugins.
    let entries = python(
        "import sys, zipfile\n\
         for i in zipfile.ZipFile(sys.argv[1]).infolist():\n\
         \x20   print(i.filename, oct(i.external_attr >> 16))",
        &[&zip],
    );
    assert_eq!(entries.trim(), format!("{NAME}_v{VERSION} 0o100755"));
    zip
}

/// A working directory whose CLI config installs `tfsm/sagemaker` only from
/// the filesystem mirror `mirror` (no `direct {}`: nothing is downloaded).
fn mirror_workdir(mirror: &Path) -> Workdir {
    let w = Workdir::with_cli_config(&format!(
        "provider_installation {{\n  filesystem_mirror {{\n    path    = \"{}\"\n    \
         include = [\"registry.terraform.io/tfsm/sagemaker\"]\n  }}\n}}\n",
        mirror.display()
    ));
    w.write(
        "main.tf",
        &format!(
            r#"
terraform {{
  required_providers {{
    sagemaker = {{
      source  = "tfsm/sagemaker"
      version = "{VERSION}"
    }}
  }}
}}

provider "sagemaker" {{
  region = "eu-west-1"
}}

resource "sagemaker_custom_endpoint" "e" {{
  model_id       = "m"
  endpoint_name  = "from-release"
  instance_type  = "ml.m5.large"
  model_data_url = "s3://bucket/model.tar.gz"
  container = {{
    repository_name = "huggingface-pytorch-inference"
    tag             = "2.1.0-transformers4.37.0-cpu-py310-ubuntu22.04"
  }}
}}
"#
        ),
    );
    w
}

/// `terraform init` from the mirror, then a plan that runs the installed provider.
fn init_and_plan(w: &Workdir) -> String {
    let init = w
        .terraform(&["init", "-input=false", "-no-color"])
        .assert_ok("init from the filesystem mirror");
    assert!(
        init.stdout
            .contains(&format!("Installed tfsm/sagemaker v{VERSION}")),
        "{}",
        init.stdout
    );
    let lock = w.read(".terraform.lock.hcl");
    assert!(
        lock.contains("registry.terraform.io/tfsm/sagemaker"),
        "{lock}"
    );

    let plan = w.plan_json(&[]);
    let changes = plan["resource_changes"].as_array().expect("changes");
    assert_eq!(changes.len(), 1, "{plan:#}");
    assert_eq!(
        changes[0]["change"]["after"]["image_uri"],
        "763104351884.dkr.ecr.eu-west-1.amazonaws.com/huggingface-pytorch-inference:\
         2.1.0-transformers4.37.0-cpu-py310-ubuntu22.04"
    );
    lock
}

#[test]
fn release_installs_from_a_filesystem_mirror_offline() {
    let scratch = tempfile::tempdir().unwrap();
    let dist = artifacts(scratch.path());
    let zip = check_artifacts(&dist);
    let provider_dir = ["registry.terraform.io", "tfsm", "sagemaker"];

    // Unpacked layout: <host>/<namespace>/<type>/<version>/<os_arch>/<binary>,
    // what a user gets by unzipping the release.
    let unpacked = scratch.path().join("unpacked");
    let target = provider_dir
        .iter()
        .fold(unpacked.clone(), |p, s| p.join(s))
        .join(VERSION)
        .join(platform());
    std::fs::create_dir_all(&target).unwrap();
    python(
        "import os, sys, zipfile\n\
         z = zipfile.ZipFile(sys.argv[1])\n\
         for i in z.infolist():\n\
         \x20   os.chmod(z.extract(i, sys.argv[2]), i.external_attr >> 16 & 0o777)",
        &[&zip, &target],
    );
    let w = mirror_workdir(&unpacked);
    let unpacked_lock = init_and_plan(&w);

    // Packed layout: the zip itself in <host>/<namespace>/<type>/, which
    // Terraform unpacks.
    let packed = scratch.path().join("packed");
    let dir = provider_dir.iter().fold(packed.clone(), |p, s| p.join(s));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(&zip, dir.join(zip.file_name().unwrap())).unwrap();
    let w = mirror_workdir(&packed);
    let packed_lock = init_and_plan(&w);

    // Both installs record the same `h1:` hash, and it is the hash of the
    // binary in our zip: Terraform installed exactly what we packaged.
    let h1 = h1_of_zip(&zip);
    for lock in [&unpacked_lock, &packed_lock] {
        assert!(lock.contains(&h1), "lock file lacks {h1}:\n{lock}");
    }
}

/// Terraform's `h1:` package hash of the files in a zip: the SHA-256 of the
/// lines `<sha256 hex>  <name>\n`, sorted by name, in base64.
fn h1_of_zip(zip: &Path) -> String {
    use base64::Engine;
    let listing = python(
        "import hashlib, sys, zipfile\n\
         z = zipfile.ZipFile(sys.argv[1])\n\
         for n in sorted(z.namelist()):\n\
         \x20   print(hashlib.sha256(z.read(n)).hexdigest() + '  ' + n)",
        &[zip],
    );
    let digest = Sha256::digest(listing.as_bytes());
    format!(
        "h1:{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}
