//! `terraform apply` on a machine without AWS credentials: the error says
//! that the account could not be identified and why, in sentences, without
//! the SDK's Debug dump (that only appears in the TF_LOG=DEBUG log).

use crate::support;
use support::Workdir;

fn config() -> String {
    format!(
        "{}\n{}",
        support::header(),
        r#"
provider "sagemaker" {
  region = "us-east-1"
  # Nothing listens here: no request can leave the machine.
  endpoints {
    sts       = "http://127.0.0.1:1"
    sagemaker = "http://127.0.0.1:1"
    iam       = "http://127.0.0.1:1"
  }
}

resource "sagemaker_custom_endpoint" "x" {
  model_id       = "m"
  endpoint_name  = "no-credentials"
  instance_type  = "ml.m5.large"
  model_data_url = "s3://bucket-1/model.tar.gz"
  container      = { image_uri = "123456789012.dkr.ecr.us-east-1.amazonaws.com/r:t" }
}
"#
    )
}

/// The harness sets test keys; empty values count as unset for the SDK.
const NO_CREDENTIALS: &[(&str, &str)] = &[
    ("AWS_ACCESS_KEY_ID", ""),
    ("AWS_SECRET_ACCESS_KEY", ""),
    ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials"),
    ("AWS_CONFIG_FILE", "/nonexistent/config"),
];

#[test]
fn apply_without_credentials_explains_in_sentences() {
    let w = Workdir::new(&config());
    let out = w.terraform_env(&["apply", "-auto-approve", "-no-color"], NO_CREDENTIALS);
    assert_ne!(out.code, 0, "{}", out.combined());
    let text = out.flat();
    assert!(
        text.contains("Could not identify the AWS account"),
        "{}",
        out.combined()
    );
    assert!(
        text.contains("no credentials found in chain"),
        "the cause is given: {}",
        out.combined()
    );
    for dump in [
        "DispatchFailure {",
        "ConnectorError {",
        "CredentialsNotLoaded(",
    ] {
        assert!(
            !text.contains(dump),
            "Debug dump {dump:?} in: {}",
            out.combined()
        );
    }
}

#[test]
fn the_debug_log_keeps_the_full_error() {
    let w = Workdir::new(&config());
    let mut vars = NO_CREDENTIALS.to_vec();
    vars.push(("TF_LOG_PROVIDER", "DEBUG"));
    let out = w.terraform_env(&["apply", "-auto-approve", "-no-color"], &vars);
    assert_ne!(out.code, 0);
    assert!(
        out.stderr.contains("AWS SDK error") && out.stderr.contains("CredentialsNotLoaded"),
        "the debug log has the structure: {}",
        out.stderr
    );
}
