//! Acceptance: twenty endpoints in one apply at parallelism 10, then destroy,
//! with no errors and nothing left behind.

use crate::acc_support;
use acc_support::{Acc, MODEL_ARCHIVE};

#[test]
fn twenty_endpoints_in_one_apply() {
    let acc = Acc::new();
    acc.config(&format!(
        r#"
resource "sagemaker_custom_endpoint" "fleet" {{
  count          = 20
  model_id       = "fleet"
  endpoint_name  = "fleet-${{count.index}}"
  instance_type  = "ml.m5.large"
  model_data_url = "{MODEL_ARCHIVE}"
  container      = {{ image_uri = "123456789012.dkr.ecr.us-east-1.amazonaws.com/fleet:1" }}
}}
"#
    ));
    acc.terraform(&[
        "apply",
        "-auto-approve",
        "-input=false",
        "-no-color",
        "-parallelism=10",
    ])
    .assert_ok("apply");
    let inv = acc.block_on(acc.control().inventory()).unwrap();
    assert_eq!(inv.sagemaker.endpoints.len(), 20, "{inv:#?}");
    assert_eq!(inv.sagemaker.models.len(), 20);
    assert_eq!(inv.iam.roles.len(), 20, "one generated role per endpoint");
    acc.assert_plan_empty();
    acc.terraform(&[
        "destroy",
        "-auto-approve",
        "-input=false",
        "-no-color",
        "-parallelism=10",
    ])
    .assert_ok("destroy");
    acc.assert_no_orphans();
}
