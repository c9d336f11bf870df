//! Acceptance: `deployment_config` with the real CLI on the sandbox. A
//! blue/green canary update reaches SageMaker as its DeploymentConfig; a
//! rollback while an auto-rollback alarm fires fails the apply naming the
//! alarm, the state keeps the live config, and the next plan proposes the
//! update again. Destroy leaves nothing behind.

use crate::acc_support;
use acc_support::{Acc, endpoint_hcl};
use aws_sdk_cloudwatch::types::{ComparisonOperator, StateValue, Statistic};
use sagemaker_sandbox::{FaultAction, FaultRule};

const ALARM: &str = "acc-p99-latency";

fn hcl(mode: &str) -> String {
    endpoint_hcl(
        "d",
        "deployed",
        &format!(
            "  environment = {{ MODE = \"{mode}\" }}\n  deployment_config = {{\n    blue_green = {{\n      \
             traffic_routing_type = \"CANARY\"\n      canary_size = {{ type = \"CAPACITY_PERCENT\", \
             value = 10 }}\n      wait_interval_in_seconds = 120\n      \
             maximum_execution_timeout_in_seconds = 1800\n    }}\n    auto_rollback_alarms = \
             [\"{ALARM}\"]\n  }}\n  timeouts {{\n    update = \"40m\"\n  }}"
        ),
    )
}

#[test]
fn canary_update_is_sent_and_an_alarm_rollback_is_reported() {
    let acc = Acc::new();
    let cw = acc.cloudwatch();
    acc.block_on(
        cw.put_metric_alarm()
            .alarm_name(ALARM)
            .namespace("AWS/SageMaker")
            .metric_name("ModelLatency")
            .statistic(Statistic::Average)
            .period(60)
            .evaluation_periods(1)
            .threshold(500_000.0)
            .comparison_operator(ComparisonOperator::GreaterThanThreshold)
            .send(),
    )
    .unwrap();
    acc.config(&hcl("a"));
    acc.apply_ok();
    acc.assert_plan_empty();

    // An update goes out with the canary deployment.
    acc.config(&hcl("b"));
    acc.apply_ok();
    let ep = acc
        .block_on(
            acc.sagemaker()
                .describe_endpoint()
                .endpoint_name("deployed")
                .send(),
        )
        .unwrap();
    let last = ep
        .last_deployment_config()
        .expect("DeploymentConfig reached SageMaker");
    let routing = last
        .blue_green_update_policy()
        .and_then(|b| b.traffic_routing_configuration())
        .unwrap();
    assert_eq!(routing.r#type().map(|t| t.as_str()), Some("CANARY"));
    assert_eq!(routing.wait_interval_in_seconds(), Some(120));
    assert_eq!(routing.canary_size().and_then(|c| c.value()), Some(10));
    assert_eq!(
        last.blue_green_update_policy()
            .and_then(|b| b.maximum_execution_timeout_in_seconds()),
        Some(1800)
    );
    let alarms = last.auto_rollback_configuration().unwrap().alarms();
    assert_eq!(alarms[0].alarm_name(), Some(ALARM));
    acc.assert_plan_empty();
    let before = acc.resource("d");

    // The alarm fires and SageMaker rolls the next update back.
    acc.block_on(
        cw.set_alarm_state()
            .alarm_name(ALARM)
            .state_value(StateValue::Alarm)
            .state_reason("p99 above 500 ms")
            .send(),
    )
    .unwrap();
    let rule = FaultRule::new(
        "sagemaker",
        "UpdateEndpoint",
        FaultAction::Rollback {
            reason: Some("Deployment stopped by SageMaker.".into()),
        },
    )
    .times(1);
    acc.block_on(acc.control().add_fault(&rule)).unwrap();
    acc.config(&hcl("c"));
    let out = acc.apply();
    assert_ne!(out.code, 0);
    let text = out.flat();
    assert!(text.contains("rolled back"), "{text}");
    assert!(text.contains("Deployment stopped by SageMaker."), "{text}");
    assert!(
        text.contains(ALARM),
        "the error must name the alarm: {text}"
    );
    let after = acc.resource("d");
    assert_eq!(
        after["endpoint_config_name"],
        before["endpoint_config_name"]
    );
    let live = acc
        .block_on(
            acc.sagemaker()
                .describe_endpoint()
                .endpoint_name("deployed")
                .send(),
        )
        .unwrap();
    assert_eq!(
        live.endpoint_config_name(),
        before["endpoint_config_name"].as_str()
    );
    let plan = acc.terraform(&["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(
        plan.code,
        2,
        "the update is proposed again: {}",
        plan.combined()
    );

    acc.block_on(cw.delete_alarms().alarm_names(ALARM).send())
        .unwrap();
    acc.destroy_and_assert_no_orphans();
}
