//! `make quickstart` end to end: `scripts/quickstart.sh` starts the sandbox
//! binary, seeds the model archive, applies `examples/quickstart` with the real
//! Terraform CLI, shows the outputs, destroys everything and stops the sandbox.
//! A second run is interrupted with SIGINT in the middle of the apply, the way
//! Ctrl-C in a terminal would, and must still clean up.
//!
//! The script's build step is skipped: it is handed the binaries this test
//! run already built (the sandbox binary comes from `cargo test --workspace`;
//! the test names the command to build it when it is missing).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn provider_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_terraform-provider-sagemaker"))
}

/// The sandbox binary cargo built next to the provider.
fn sandbox_bin() -> PathBuf {
    let bin = provider_bin().with_file_name("sagemaker-sandbox");
    assert!(
        bin.is_file(),
        "{} is missing: run `cargo build -p sagemaker-sandbox` (or the whole `make test`)",
        bin.display()
    );
    bin
}

/// The quickstart script with the prebuilt binaries, a private TMPDIR and a
/// clean AWS/Terraform environment, in its own process group (so a test can
/// signal it like a terminal signals its foreground job).
fn quickstart(tmp: &Path) -> Command {
    let mut cmd = Command::new("bash");
    cmd.arg(root().join("scripts/quickstart.sh"));
    for (k, _) in std::env::vars_os() {
        let k = k.to_string_lossy().to_string();
        if k.starts_with("AWS_") || k.starts_with("TF_") {
            cmd.env_remove(&k);
        }
    }
    cmd.env("QUICKSTART_PROVIDER_BIN", provider_bin())
        .env("QUICKSTART_SANDBOX_BIN", sandbox_bin())
        .env("TMPDIR", tmp)
        .env("HOME", tmp)
        .stdin(Stdio::null());
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    cmd
}

/// The pid the script printed for the sandbox ("... (pid N)").
fn sandbox_pid(output: &str) -> u32 {
    let line = output
        .lines()
        .find(|l| l.starts_with("sandbox listening on"))
        .unwrap_or_else(|| panic!("no sandbox line in:\n{output}"));
    let pid = line.rsplit("(pid ").next().unwrap().trim_end_matches(')');
    pid.parse().unwrap_or_else(|_| panic!("pid in {line:?}"))
}

fn assert_process_gone(pid: u32) {
    let proc = PathBuf::from(format!("/proc/{pid}"));
    let deadline = Instant::now() + Duration::from_secs(5);
    while proc.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(!proc.exists(), "the sandbox (pid {pid}) is still running");
}

fn assert_dir_empty(dir: &Path) {
    let left: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(
        left.is_empty(),
        "the quickstart left files behind: {left:?}"
    );
}

#[test]
fn quickstart_applies_shows_outputs_and_cleans_up() {
    let tmp = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let out = quickstart(tmp.path()).output().expect("run the quickstart");
    let elapsed = started.elapsed();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let all = format!("{stdout}\n--- stderr\n{stderr}");
    assert!(out.status.success(), "quickstart failed:\n{all}");

    // Progress, in order.
    let steps = [
        "starting the sandbox",
        "seeding the model archive s3://quickstart-models/sentiment/model.tar.gz",
        "terraform apply examples/quickstart",
        "Apply complete! Resources: 1 added",
        "outputs",
        "what exists in the sandbox account now",
        "terraform destroy",
        "Destroy complete! Resources: 1 destroyed",
        "sandbox inventory empty",
        "stopping the sandbox",
        "done: applied, inspected and destroyed",
    ];
    let mut at = 0;
    for step in steps {
        let found = stdout[at..].find(step).unwrap_or_else(|| {
            panic!("step {step:?} missing or out of order in:\n{all}");
        });
        at += found + step.len();
    }

    // The outputs the README promises.
    assert!(
        stdout.contains(
            "endpoint_arn = \"arn:aws:sagemaker:us-east-1:123456789012:endpoint/quickstart-sentiment\""
        ),
        "{all}"
    );
    assert!(stdout.contains("endpoint_status = \"InService\""), "{all}");
    assert!(stdout.contains("\"sagemaker:InvokeEndpoint\""), "{all}");
    assert!(
        stdout.contains("endpoint/quickstart-sentiment\""),
        "the invoke policy names the endpoint: {all}"
    );
    // What existed before destroy: the endpoint and the generated role.
    assert!(
        stdout.contains("SageMaker endpoints: quickstart-sentiment"),
        "{all}"
    );
    assert!(
        !stdout.contains("IAM roles: -"),
        "a role was generated: {all}"
    );

    assert_process_gone(sandbox_pid(&stdout));
    assert_dir_empty(tmp.path());
    assert!(
        elapsed < Duration::from_secs(180),
        "the quickstart took {elapsed:?}; the README promises under 3 minutes"
    );
    eprintln!("quickstart (without build) took {elapsed:?}");
}

#[test]
fn ctrl_c_during_apply_still_destroys_and_stops_the_sandbox() {
    let tmp = tempfile::tempdir().unwrap();
    let mut child = quickstart(tmp.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the quickstart");
    let pgid = child.id();
    let stderr = child.stderr.take().unwrap();
    let stderr_reader = std::thread::spawn(move || std::io::read_to_string(stderr).unwrap());

    let mut stdout = String::new();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    // Wait until Terraform has started creating the endpoint, then interrupt
    // the whole foreground group (script, Terraform, provider), like Ctrl-C.
    for line in lines.by_ref() {
        let line = line.unwrap();
        stdout.push_str(&line);
        stdout.push('\n');
        if line.contains("Creating...") {
            std::thread::sleep(Duration::from_millis(500));
            let status = Command::new("kill")
                .args(["-INT", "--", &format!("-{pgid}")])
                .status()
                .unwrap();
            assert!(status.success());
            break;
        }
    }
    for line in lines {
        stdout.push_str(&line.unwrap());
        stdout.push('\n');
    }
    let status = child.wait().unwrap();
    let stderr = stderr_reader.join().unwrap();
    let all = format!("{stdout}\n--- stderr\n{stderr}");

    assert!(
        !status.success(),
        "an interrupted quickstart must fail:\n{all}"
    );
    assert!(stderr.contains("interrupted"), "{all}");
    assert!(stdout.contains("terraform destroy (cleanup)"), "{all}");
    assert!(stdout.contains("Destroy complete!"), "{all}");
    assert!(!stderr.contains("destroy failed"), "{all}");
    assert!(stdout.contains("stopping the sandbox"), "{all}");
    assert_process_gone(sandbox_pid(&stdout));
    assert_dir_empty(tmp.path());
}
