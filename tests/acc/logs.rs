//! Acceptance: the endpoint's log group, on a sandbox that creates a log
//! group for each endpoint reaching InService as SageMaker does. With
//! `log_retention_in_days` the provider makes the group before the endpoint,
//! with the retention and its ownership mark, repairs an out-of-band
//! retention change, applies a new retention in place, and deletes the group
//! on destroy with `delete_logs_on_destroy`. Without it, destroy releases
//! the group (the logs stay, the mark comes off), and a later create under
//! the same name refuses the group it does not own. Without any log
//! setting, the group SageMaker makes is never touched.

use crate::acc_support::{Acc, endpoint_hcl};
use sagemaker_sandbox::SandboxOptions;
use serde_json::json;
use std::collections::BTreeMap;

const GROUP: &str = "/aws/sagemaker/Endpoints/logged-ep";

fn acc() -> Acc {
    let mut opts = SandboxOptions::fast();
    opts.endpoint_log_groups = true;
    Acc::with_options(opts)
}

/// (retention, tags) of the group; `None` when it does not exist.
fn group(acc: &Acc) -> Option<(Option<i32>, BTreeMap<String, String>)> {
    let logs = acc.logs();
    acc.block_on(async {
        let out = logs
            .describe_log_groups()
            .log_group_name_prefix(GROUP)
            .send()
            .await
            .expect("DescribeLogGroups");
        let g = out
            .log_groups()
            .iter()
            .find(|g| g.log_group_name() == Some(GROUP))?
            .clone();
        let arn = g
            .arn()
            .unwrap_or_default()
            .trim_end_matches(":*")
            .to_string();
        let tags = logs
            .list_tags_for_resource()
            .resource_arn(arn)
            .send()
            .await
            .expect("ListTagsForResource")
            .tags()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .collect();
        Some((g.retention_in_days(), tags))
    })
}

fn delete_group(acc: &Acc) {
    acc.block_on(acc.logs().delete_log_group().log_group_name(GROUP).send())
        .expect("DeleteLogGroup");
}

fn config(acc: &Acc, extra: &str) {
    acc.config(&endpoint_hcl("logged", "logged-ep", extra));
}

#[test]
fn the_group_is_made_first_kept_in_step_and_deleted_on_destroy() {
    let acc = acc();
    config(
        &acc,
        "  log_retention_in_days  = 7\n  delete_logs_on_destroy = true\n",
    );
    acc.apply_ok();
    let st = acc.resource("logged");
    let (retention, tags) = group(&acc).expect("the log group exists");
    assert_eq!(retention, Some(7));
    assert_eq!(
        tags.get(tfsm::aws::owner::OWNER_TAG).map(String::as_str),
        st["ownership_id"].as_str(),
        "the group carries this resource's mark: {tags:?}"
    );
    assert!(
        st["log_group_arn"]
            .as_str()
            .is_some_and(|a| a.ends_with(GROUP)),
        "{st:#}"
    );
    let log = acc.block_on(acc.control().log()).expect("log");
    let at = |op: &str| log.iter().position(|e| e.operation == op);
    assert!(
        at("CreateLogGroup").expect("CreateLogGroup")
            < at("CreateEndpoint").expect("CreateEndpoint"),
        "the group must exist before the endpoint logs"
    );
    acc.assert_plan_empty();

    // Someone shortens the retention: refresh shows it, apply repairs it.
    acc.block_on(
        acc.logs()
            .put_retention_policy()
            .log_group_name(GROUP)
            .retention_in_days(1)
            .send(),
    )
    .expect("PutRetentionPolicy");
    let out = acc.terraform(&["plan", "-refresh-only", "-input=false", "-no-color"]);
    assert!(
        out.flat().contains("retention is 1 day, not 7 days"),
        "{}",
        out.combined()
    );
    acc.apply_ok();
    assert_eq!(group(&acc).map(|g| g.0), Some(Some(7)));
    acc.assert_plan_empty();

    // A new retention is applied in place.
    config(
        &acc,
        "  log_retention_in_days  = 30\n  delete_logs_on_destroy = true\n",
    );
    let plan = acc.plan_json();
    assert_eq!(
        plan["resource_changes"][0]["change"]["actions"],
        json!(["update"]),
        "{plan:#}"
    );
    acc.apply_ok();
    assert_eq!(group(&acc).map(|g| g.0), Some(Some(30)));
    assert_eq!(acc.resource("logged")["endpoint_arn"], st["endpoint_arn"]);
    acc.assert_plan_empty();

    acc.destroy_and_assert_no_orphans();
    assert!(
        group(&acc).is_none(),
        "delete_logs_on_destroy deletes the group"
    );
}

#[test]
fn without_delete_the_group_is_released_and_then_refused_as_not_ours() {
    let acc = acc();
    config(&acc, "  log_retention_in_days = 14\n");
    acc.apply_ok();
    acc.terraform(&["destroy", "-auto-approve", "-input=false", "-no-color"])
        .assert_ok("destroy");
    let (retention, tags) = group(&acc).expect("the logs stay");
    assert_eq!(retention, Some(14));
    assert!(
        !tags.contains_key(tfsm::aws::owner::OWNER_TAG),
        "released: no ownership mark left: {tags:?}"
    );

    // The same name again: the group is not ours any more, so the create
    // stops before making anything, naming it.
    let out = acc.apply();
    assert_ne!(out.code, 0, "{}", out.combined());
    assert!(
        out.flat().contains(&format!("log group {GROUP}")),
        "{}",
        out.flat()
    );
    let inv = acc.block_on(acc.control().inventory()).expect("inventory");
    assert!(
        inv.sagemaker.models.is_empty() && inv.sagemaker.endpoints.is_empty(),
        "{inv:#?}"
    );
    delete_group(&acc);
    acc.assert_no_orphans();
}

#[test]
fn without_log_settings_the_group_sagemaker_makes_is_left_alone() {
    let acc = acc();
    config(&acc, "");
    acc.apply_ok();
    assert!(acc.resource("logged")["log_group_arn"].is_null());
    let (retention, tags) = group(&acc).expect("SageMaker made the group");
    assert_eq!(retention, None, "never expires, as SageMaker leaves it");
    assert!(tags.is_empty(), "{tags:?}");
    acc.assert_plan_empty();
    acc.terraform(&["destroy", "-auto-approve", "-input=false", "-no-color"])
        .assert_ok("destroy");
    assert!(group(&acc).is_some(), "not ours: destroy leaves it");
    delete_group(&acc);
    acc.assert_no_orphans();
}
