//! Acceptance against a real AWS account. Opt-in only: these tests are
//! ignored (reported as such) unless run with `--ignored`, and even then they
//! refuse to start without `SAGEMAKER_ACC_REAL_AWS=1`. They create billable
//! SageMaker endpoints.
//!
//! ```sh
//! SAGEMAKER_ACC_REAL_AWS=1 AWS_REGION=eu-west-1 AWS_PROFILE=sandbox \
//! SAGEMAKER_ACC_MODEL_DATA_URL=s3://my-bucket/models/model.tar.gz \
//! SAGEMAKER_ACC_IMAGE_URI=<an inference image your account can pull> \
//! SAGEMAKER_ACC_OUTPUT_PATH=s3://my-bucket/async/ \
//!   cargo test --test acc real_aws:: -- --ignored --test-threads 1
//! ```

use crate::support;
use support::Workdir;

struct Real {
    work: Workdir,
    region: String,
    model_data_url: String,
    image_uri: String,
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} must be set for the real-AWS tests"))
}

impl Real {
    fn new() -> Real {
        assert_eq!(
            std::env::var("SAGEMAKER_ACC_REAL_AWS").as_deref(),
            Ok("1"),
            "set SAGEMAKER_ACC_REAL_AWS=1 to run tests that create real, billable endpoints"
        );
        Real {
            work: Workdir::new(""),
            region: env("AWS_REGION"),
            model_data_url: env("SAGEMAKER_ACC_MODEL_DATA_URL"),
            image_uri: env("SAGEMAKER_ACC_IMAGE_URI"),
        }
    }

    fn terraform(&self, args: &[&str]) -> support::TfOutput {
        self.work.terraform_with_host_aws(args)
    }

    fn run(&self, resource: &str) {
        let hcl = format!(
            "{}\nprovider \"sagemaker\" {{\n  region = \"{}\"\n}}\n{resource}",
            support::header(),
            self.region
        );
        self.work.write("main.tf", &hcl);
        let apply = self.terraform(&["apply", "-auto-approve", "-input=false", "-no-color"]);
        let plan = self.terraform(&["plan", "-detailed-exitcode", "-input=false", "-no-color"]);
        // Always destroy, even when the checks above failed.
        let destroy = self.terraform(&["destroy", "-auto-approve", "-input=false", "-no-color"]);
        apply.assert_ok("apply");
        assert_eq!(
            plan.code,
            0,
            "plan after apply is not empty:\n{}",
            plan.combined()
        );
        destroy.assert_ok("destroy");
    }
}

#[test]
#[ignore = "creates real SageMaker endpoints; opt in with SAGEMAKER_ACC_REAL_AWS=1 and --ignored"]
fn real_time_endpoint_on_real_aws() {
    let r = Real::new();
    r.run(&format!(
        r#"
resource "sagemaker_custom_endpoint" "rt" {{
  model_id       = "acc-real-time"
  endpoint_name  = "tfsm-acc-real-time"
  instance_type  = "ml.m5.large"
  model_data_url = "{}"
  container      = {{ image_uri = "{}" }}
}}
"#,
        r.model_data_url, r.image_uri
    ));
}

#[test]
#[ignore = "creates real SageMaker endpoints; opt in with SAGEMAKER_ACC_REAL_AWS=1 and --ignored"]
fn async_endpoint_on_real_aws() {
    let r = Real::new();
    let output = env("SAGEMAKER_ACC_OUTPUT_PATH");
    r.run(&format!(
        r#"
resource "sagemaker_custom_endpoint" "async" {{
  model_id        = "acc-async"
  endpoint_name   = "tfsm-acc-async"
  instance_type   = "ml.m5.large"
  model_data_url  = "{}"
  container       = {{ image_uri = "{}" }}
  async_inference = {{ output_path = "{output}" }}
}}
"#,
        r.model_data_url, r.image_uri
    ));
}
