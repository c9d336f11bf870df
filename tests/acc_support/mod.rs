//! Harness for acceptance tests: a sandbox account started by the test, a
//! Terraform working directory whose provider block points every service at
//! it, SDK clients to inspect what exists, and the zero-orphan check.
//!
//! Steps follow terraform-plugin-testing: apply, check state and the sandbox
//! objects, `plan -detailed-exitcode` must be empty, refresh, destroy, and
//! nothing may be left in the sandbox.

#![allow(dead_code)]

use crate::support::{TfOutput, Workdir};
use sagemaker_sandbox::{ControlClient, Sandbox, SandboxOptions};
use serde_json::Value as Json;
use std::future::Future;

/// Model data the tests point at: an archive and an uncompressed prefix.
pub const MODEL_ARCHIVE: &str = "s3://acc-models/bge/model.tar.gz";
pub const MODEL_PREFIX: &str = "s3://acc-models/llm/";

pub struct Acc {
    pub sandbox: Sandbox,
    pub work: Workdir,
    rt: tokio::runtime::Runtime,
}

impl Acc {
    /// Starts a sandbox with short lifecycle durations and seeded model data.
    pub fn new() -> Acc {
        Acc::with_options(SandboxOptions::fast())
    }

    pub fn with_options(mut opts: SandboxOptions) -> Acc {
        opts.seed_objects.push(MODEL_ARCHIVE.to_string());
        opts.seed_objects.push(format!("{MODEL_PREFIX}config.json"));
        let sandbox = Sandbox::start_blocking(opts)
            .expect("start the sandbox (run scripts/sandbox-venv.sh first if the venv is missing)");
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        Acc {
            sandbox,
            work: Workdir::new(""),
            rt,
        }
    }

    pub fn block_on<F: Future>(&self, f: F) -> F::Output {
        self.rt.block_on(f)
    }

    pub fn control(&self) -> ControlClient {
        self.sandbox.control()
    }

    /// The provider block wired to this sandbox.
    pub fn provider_block(&self) -> String {
        let url = self.sandbox.url();
        let endpoints: String = [
            "sagemaker",
            "sagemakerruntime",
            "iam",
            "sns",
            "sts",
            "s3",
            "applicationautoscaling",
            "cloudwatch",
            "logs",
        ]
        .iter()
        .map(|s| format!("    {s} = \"{url}\"\n"))
        .collect();
        format!(
            "provider \"sagemaker\" {{\n  region     = \"us-east-1\"\n  access_key = \"test\"\n  \
             secret_key = \"test\"\n  max_retries = 5\n  endpoints {{\n{endpoints}  }}\n}}\n"
        )
    }

    /// Writes `main.tf`: the header, the provider block and `resources`.
    pub fn config(&self, resources: &str) {
        self.work.write(
            "main.tf",
            &format!(
                "{}\n{}\n{resources}",
                crate::support::header(),
                self.provider_block()
            ),
        );
    }

    pub fn terraform(&self, args: &[&str]) -> TfOutput {
        self.work.terraform(args)
    }

    pub fn apply(&self) -> TfOutput {
        self.terraform(&["apply", "-auto-approve", "-input=false", "-no-color"])
    }

    pub fn apply_ok(&self) {
        self.apply().assert_ok("apply");
    }

    /// Attribute values of `sagemaker_custom_endpoint.<name>` from `terraform show -json`.
    pub fn resource(&self, name: &str) -> Json {
        let out = self.terraform(&["show", "-json"]).assert_ok("show");
        let doc: Json = serde_json::from_str(&out.stdout).expect("state JSON");
        doc["values"]["root_module"]["resources"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|r| r["name"] == name)
            .map(|r| r["values"].clone())
            .unwrap_or(Json::Null)
    }

    /// Polls DescribeEndpoint until the endpoint is InService (at most 60 s).
    pub fn wait_in_service(
        &self,
        endpoint: &str,
    ) -> aws_sdk_sagemaker::operation::describe_endpoint::DescribeEndpointOutput {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            let ep = self
                .block_on(
                    self.sagemaker()
                        .describe_endpoint()
                        .endpoint_name(endpoint)
                        .send(),
                )
                .unwrap();
            if ep.endpoint_status().map(|s| s.as_str()) == Some("InService") {
                return ep;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{endpoint} never InService"
            );
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }

    /// Scales the variant `resource_id` the way another tool would (the
    /// CDK construct, say): registers it for 1 to `max` instances and
    /// attaches a step scaling policy named `policy`.
    pub fn scale_like_another_tool(&self, resource_id: &str, max: i32, policy: &str) {
        use aws_sdk_applicationautoscaling::types::{
            AdjustmentType, PolicyType, ScalableDimension, ServiceNamespace, StepAdjustment,
            StepScalingPolicyConfiguration,
        };
        let dim = ScalableDimension::SageMakerVariantDesiredInstanceCount;
        let aas = self.autoscaling();
        self.block_on(async {
            aas.register_scalable_target()
                .service_namespace(ServiceNamespace::Sagemaker)
                .resource_id(resource_id)
                .scalable_dimension(dim.clone())
                .min_capacity(1)
                .max_capacity(max)
                .send()
                .await
                .expect("RegisterScalableTarget");
            let step = StepAdjustment::builder()
                .metric_interval_lower_bound(0.0)
                .scaling_adjustment(1)
                .build()
                .expect("step");
            aas.put_scaling_policy()
                .policy_name(policy)
                .service_namespace(ServiceNamespace::Sagemaker)
                .resource_id(resource_id)
                .scalable_dimension(dim)
                .policy_type(PolicyType::StepScaling)
                .step_scaling_policy_configuration(
                    StepScalingPolicyConfiguration::builder()
                        .adjustment_type(AdjustmentType::ChangeInCapacity)
                        .step_adjustments(step)
                        .cooldown(300)
                        .build(),
                )
                .send()
                .await
                .expect("PutScalingPolicy");
        });
    }

    /// The tags of a SageMaker object.
    pub fn sagemaker_tags(&self, arn: &str) -> std::collections::BTreeMap<String, String> {
        self.block_on(self.sagemaker().list_tags().resource_arn(arn).send())
            .unwrap()
            .tags()
            .iter()
            .map(|t| {
                (
                    t.key().unwrap_or_default().to_string(),
                    t.value().unwrap_or_default().to_string(),
                )
            })
            .collect()
    }

    /// Whether `sagemaker_custom_endpoint.<name>` is tainted in state.
    pub fn tainted(&self, name: &str) -> bool {
        let state: Json = serde_json::from_str(&self.work.read("terraform.tfstate")).unwrap();
        state["resources"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|r| r["name"] == name)
            .flat_map(|r| r["instances"].as_array().cloned().unwrap_or_default())
            .any(|i| i["status"] == "tainted")
    }

    /// `plan -detailed-exitcode` must report no changes.
    pub fn assert_plan_empty(&self) {
        let out = self.terraform(&["plan", "-detailed-exitcode", "-input=false", "-no-color"]);
        assert_eq!(out.code, 0, "expected an empty plan:\n{}", out.combined());
    }

    /// `plan -refresh-only` must report drift, and its text show each of
    /// `needles`.
    pub fn refresh_only_shows(&self, needles: &[&str]) {
        let out = self.terraform(&[
            "plan",
            "-refresh-only",
            "-detailed-exitcode",
            "-input=false",
            "-no-color",
        ]);
        assert_eq!(
            out.code,
            2,
            "refresh-only must see drift:\n{}",
            out.combined()
        );
        let text = out.flat();
        for n in needles {
            assert!(
                text.contains(n),
                "refresh-only does not show {n:?}:\n{text}"
            );
        }
    }

    /// `plan` must fail showing each of `needles`, before any SageMaker or
    /// IAM call.
    pub fn assert_plan_refused(&self, needles: &[&str]) {
        let out = self.terraform(&["plan", "-input=false", "-no-color"]);
        assert_ne!(out.code, 0, "{}", out.combined());
        let flat = out.flat();
        for needle in needles {
            assert!(flat.contains(needle), "{needle:?} not in {flat}");
        }
        let log = self.block_on(self.control().log()).expect("log");
        assert!(
            log.iter()
                .all(|e| e.service != "sagemaker" && e.service != "iam"),
            "plan called AWS: {log:?}"
        );
    }

    /// Forgets `sagemaker_custom_endpoint.<name>`, imports it again by
    /// endpoint name with the CLI, and returns the imported attributes.
    pub fn reimport(&self, name: &str, endpoint_name: &str) -> Json {
        let addr = format!("sagemaker_custom_endpoint.{name}");
        self.terraform(&["state", "rm", &addr])
            .assert_ok("state rm");
        self.terraform(&["import", "-no-color", &addr, endpoint_name])
            .assert_ok("import");
        self.resource(name)
    }

    /// A plan's JSON (after `plan -out`).
    pub fn plan_json(&self) -> Json {
        self.work.plan_json(&[])
    }

    pub fn refresh_ok(&self) {
        self.terraform(&[
            "apply",
            "-refresh-only",
            "-auto-approve",
            "-input=false",
            "-no-color",
        ])
        .assert_ok("refresh");
    }

    /// Destroys everything and checks that the sandbox holds nothing else.
    pub fn destroy_and_assert_no_orphans(&self) {
        self.terraform(&["destroy", "-auto-approve", "-input=false", "-no-color"])
            .assert_ok("destroy");
        self.assert_no_orphans();
    }

    pub fn assert_no_orphans(&self) {
        let inv = self
            .block_on(self.control().inventory())
            .expect("inventory");
        assert!(inv.empty, "orphans left in the sandbox: {inv:#?}");
    }

    fn sdk(&self) -> aws_config::SdkConfig {
        let creds = aws_credential_types::Credentials::new("test", "test", None, None, "acc");
        aws_config::SdkConfig::builder()
            .region(aws_config::Region::new("us-east-1"))
            .endpoint_url(self.sandbox.url())
            .credentials_provider(
                aws_credential_types::provider::SharedCredentialsProvider::new(creds),
            )
            .behavior_version(aws_config::BehaviorVersion::latest())
            .build()
    }

    pub fn sagemaker(&self) -> aws_sdk_sagemaker::Client {
        aws_sdk_sagemaker::Client::new(&self.sdk())
    }

    pub fn iam(&self) -> aws_sdk_iam::Client {
        aws_sdk_iam::Client::new(&self.sdk())
    }

    pub fn sns(&self) -> aws_sdk_sns::Client {
        aws_sdk_sns::Client::new(&self.sdk())
    }

    pub fn autoscaling(&self) -> aws_sdk_applicationautoscaling::Client {
        aws_sdk_applicationautoscaling::Client::new(&self.sdk())
    }

    pub fn cloudwatch(&self) -> aws_sdk_cloudwatch::Client {
        aws_sdk_cloudwatch::Client::new(&self.sdk())
    }

    pub fn logs(&self) -> aws_sdk_cloudwatchlogs::Client {
        aws_sdk_cloudwatchlogs::Client::new(&self.sdk())
    }

    pub fn kms(&self) -> aws_sdk_kms::Client {
        aws_sdk_kms::Client::new(&self.sdk())
    }

    /// S3 of the sandbox (path-style addressing, as it needs).
    pub fn s3(&self) -> aws_sdk_s3::Client {
        let conf = aws_sdk_s3::config::Builder::from(&self.sdk())
            .force_path_style(true)
            .build();
        aws_sdk_s3::Client::from_conf(conf)
    }
}

/// HCL for one endpoint resource named `name` with extra attribute lines.
pub fn endpoint_hcl(name: &str, endpoint_name: &str, extra: &str) -> String {
    format!(
        r#"
resource "sagemaker_custom_endpoint" "{name}" {{
  model_id       = "bgeinf2"
  endpoint_name  = "{endpoint_name}"
  instance_type  = "ml.inf2.xlarge"
  model_data_url = "{MODEL_ARCHIVE}"
  container = {{
    repository_name = "huggingface-pytorch-inference-neuronx"
    tag             = "1.13.1-transformers4.34.1-neuronx-py310-sdk2.15.0-ubuntu20.04"
  }}
{extra}
}}
"#
    )
}
