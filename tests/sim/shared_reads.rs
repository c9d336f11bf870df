//! The reads refreshes share, against the scripted in-memory AWS: tag reads
//! made together go out as one GetResources call, an object it does not
//! list is asked for with ListTags (gone or untagged, told apart exactly),
//! a failing GetResources switches the shared reads off for the process;
//! role reads go one by one until enough were asked for, then one listing
//! of the account's roles answers them.

use crate::fake_aws::{FakeAws, Reply, error, sm_arn, tag_list};
use aws_smithy_types::retry::RetryConfig;
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::Arc;
use tfsm::aws::shared_reads::{ROLE_SCAN_AFTER, SharedReads, role_facts, sagemaker_tags};

fn tags(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[tokio::test]
async fn tag_reads_made_together_share_one_get_resources_call() {
    let fake = FakeAws::new();
    let (ep, model, config) = (
        sm_arn("endpoint", "e"),
        sm_arn("model", "m"),
        sm_arn("endpoint-config", "c"),
    );
    // GetResources lists the endpoint and the model; the config has lost
    // every tag (so it is not listed) and ListTags says so.
    let (listed_ep, listed_model) = (ep.clone(), model.clone());
    fake.on("Tagging.GetResources", move |_| {
        Reply::Json(json!({"ResourceTagMappingList": [
            {"ResourceARN": listed_ep, "Tags": [{"Key": "team", "Value": "ml"}]},
            {"ResourceARN": listed_model, "Tags": [{"Key": "owner", "Value": "me"}]},
        ]}))
    });
    fake.on("SageMaker.ListTags", |_| tag_list(&BTreeMap::new()));
    let c = fake.clients(RetryConfig::disabled());
    let shared = Arc::new(SharedReads::default());
    let (a, b, d) = tokio::join!(
        sagemaker_tags(&c, &shared, &ep),
        sagemaker_tags(&c, &shared, &model),
        sagemaker_tags(&c, &shared, &config),
    );
    assert_eq!(a.unwrap(), Some(tags(&[("team", "ml")])));
    assert_eq!(b.unwrap(), Some(tags(&[("owner", "me")])));
    assert_eq!(d.unwrap(), Some(BTreeMap::new()), "untagged, not gone");
    assert_eq!(fake.count("Tagging.GetResources"), 1);
    let call = fake.last("Tagging.GetResources").expect("called");
    let mut asked: Vec<&str> = call.field("ResourceARNList").split(',').collect();
    asked.sort();
    let mut want = vec![ep.as_str(), model.as_str(), config.as_str()];
    want.sort();
    assert_eq!(asked, want);
    assert_eq!(fake.count("SageMaker.ListTags"), 1, "only the unlisted one");
    assert_eq!(
        fake.last("SageMaker.ListTags")
            .unwrap()
            .field("ResourceArn"),
        config
    );
}

#[tokio::test]
async fn a_failing_get_resources_switches_to_one_object_calls() {
    let fake = FakeAws::new();
    fake.on("Tagging.GetResources", |_| {
        error(
            400,
            "AccessDeniedException",
            "not allowed: tag:GetResources",
        )
    });
    fake.on("SageMaker.ListTags", |_| tag_list(&tags(&[("k", "v")])));
    let c = fake.clients(RetryConfig::disabled());
    let shared = Arc::new(SharedReads::default());
    let arn = sm_arn("endpoint", "e");
    assert_eq!(
        sagemaker_tags(&c, &shared, &arn).await.unwrap(),
        Some(tags(&[("k", "v")]))
    );
    assert_eq!(
        sagemaker_tags(&c, &shared, &arn).await.unwrap(),
        Some(tags(&[("k", "v")]))
    );
    assert_eq!(fake.count("Tagging.GetResources"), 1, "tried once only");
    assert_eq!(fake.count("SageMaker.ListTags"), 2);
    // A gone object is still gone.
    fake.on("SageMaker.ListTags", |req| {
        error(
            400,
            "ResourceNotFound",
            &format!("Resource \"{}\" does not exist.", req.must("ResourceArn")),
        )
    });
    assert_eq!(sagemaker_tags(&c, &shared, &arn).await.unwrap(), None);
}

#[tokio::test]
async fn role_reads_turn_into_one_listing_of_the_roles() {
    let fake = FakeAws::new();
    let c = fake.clients(RetryConfig::disabled());
    let shared = Arc::new(SharedReads::default());
    // The standard answers: no such role, and a listing without roles.
    let names: Vec<String> = (0..ROLE_SCAN_AFTER).map(|i| format!("r{i}")).collect();
    for n in &names[..ROLE_SCAN_AFTER] {
        assert!(role_facts(&c, &shared, n).await.unwrap().is_none());
    }
    assert_eq!(fake.count("IAM.GetAccountAuthorizationDetails"), 0);
    assert_eq!(fake.count("IAM.GetRole"), ROLE_SCAN_AFTER);
    // Three more at once: they share one listing.
    let (a, b, d) = tokio::join!(
        role_facts(&c, &shared, "late-a"),
        role_facts(&c, &shared, "late-b"),
        role_facts(&c, &shared, "late-c"),
    );
    for r in [a, b, d] {
        assert!(r.unwrap().is_none());
    }
    assert_eq!(
        fake.count("IAM.GetAccountAuthorizationDetails"),
        1,
        "one listing serves the reads that wait for it"
    );
    // Not in the listing: each is still asked for directly.
    assert_eq!(fake.count("IAM.GetRole"), names.len() + 3);
}
