//! The list resource against the scripted in-memory AWS: ListEndpoints is
//! read page by page and each endpoint is sent as soon as its page is in;
//! a sink that is full stops the listing before the next page; filters that
//! SageMaker applies are sent to it and the others are applied here; and a
//! listing never writes anything.

use crate::fake_aws::{FakeAws, Reply, sm_arn, tag_list};
use aws_smithy_types::retry::RetryConfig;
use serde_json::json;
use std::collections::BTreeMap;
use tfsm::framework::list::{Found, ListResource, Sink};
use tfsm::framework::{Cancel, Op};
use tfsm::resources::Session;
use tfsm::resources::custom_endpoint::CustomEndpointList;
use tfsm::tfplugin::Value;

/// One page of ListEndpoints.
fn page(names: &[&str], next: Option<&str>) -> Reply {
    let endpoints: Vec<_> = names
        .iter()
        .map(|n| {
            json!({
                "EndpointName": n,
                "EndpointArn": sm_arn("endpoint", n),
                "EndpointStatus": "InService",
                "CreationTime": 1.7e9,
                "LastModifiedTime": 1.7e9,
            })
        })
        .collect();
    let mut body = json!({ "Endpoints": endpoints });
    if let Some(t) = next {
        body["NextToken"] = json!(t);
    }
    Reply::Json(body)
}

/// Collects finds, refusing more after `limit`; records how many calls the
/// fake had seen when each find arrived.
struct Collect<'a> {
    fake: &'a FakeAws,
    found: Vec<(Found, usize)>,
    limit: usize,
}

impl Sink for Collect<'_> {
    fn send(&mut self, found: Found) -> bool {
        self.found
            .push((found, self.fake.count("SageMaker.ListEndpoints")));
        self.found.len() < self.limit
    }
}

fn config(entries: &[(&str, Value)]) -> Value {
    let mut m: BTreeMap<String, Value> = ["name_prefix", "name_contains", "status", "tags"]
        .iter()
        .map(|k| (k.to_string(), Value::Null))
        .collect();
    for (k, v) in entries {
        m.insert(k.to_string(), v.clone());
    }
    Value::Object(m)
}

async fn list(fake: &FakeAws, cfg: &Value, limit: usize) -> (Vec<(Found, usize)>, bool) {
    let session = Session::new(
        "us-east-1".into(),
        BTreeMap::new(),
        fake.clients(RetryConfig::disabled()),
    );
    let cancel = Cancel::new();
    let mut sink = Collect {
        fake,
        found: Vec::new(),
        limit,
    };
    let op = Op {
        provider: &session,
        cancel: &cancel,
    };
    let d = CustomEndpointList.list(op, cfg, false, &mut sink).await;
    (sink.found, d.has_errors())
}

fn names(found: &[(Found, usize)]) -> Vec<String> {
    found
        .iter()
        .map(|(f, _)| {
            f.identity
                .get("endpoint_name")
                .as_str()
                .unwrap_or("")
                .to_string()
        })
        .collect()
}

#[tokio::test]
async fn pages_are_streamed_and_a_full_sink_stops_the_listing() {
    let fake = FakeAws::new();
    fake.seq(
        "SageMaker.ListEndpoints",
        vec![
            page(&["a-1", "a-2"], Some("t1")),
            page(&["b-1"], Some("t2")),
            page(&["c-1"], None),
        ],
    );
    let (found, failed) = list(&fake, &config(&[]), 100).await;
    assert!(!failed);
    assert_eq!(names(&found), ["a-1", "a-2", "b-1", "c-1"]);
    let pages_read: Vec<usize> = found.iter().map(|(_, n)| *n).collect();
    assert_eq!(
        pages_read,
        [1, 1, 2, 3],
        "each find is sent once its page is in"
    );
    let tokens: Vec<String> = fake
        .calls_to("SageMaker.ListEndpoints")
        .iter()
        .map(|c| match c.field("NextToken") {
            "" => "-".to_string(),
            t => t.to_string(),
        })
        .collect();
    assert_eq!(tokens, ["-", "t1", "t2"]);
    let identity = &found[0].0.identity;
    assert_eq!(identity.get("region").as_str(), Some("us-east-1"));
    assert_eq!(identity.get("account_id").as_str(), Some("123456789012"));
    assert_eq!(found[0].0.display_name, "a-1 (InService)");
    assert!(found[0].0.resource.is_none());

    fake.reset();
    fake.seq(
        "SageMaker.ListEndpoints",
        vec![page(&["a-1", "a-2"], Some("t1")), page(&["b-1"], None)],
    );
    let (found, _) = list(&fake, &config(&[]), 2).await;
    assert_eq!(names(&found), ["a-1", "a-2"]);
    assert_eq!(
        fake.count("SageMaker.ListEndpoints"),
        1,
        "the listing stops when Terraform has enough"
    );
}

#[tokio::test]
async fn filters_go_to_sagemaker_or_are_applied_here_and_nothing_is_written() {
    let fake = FakeAws::new();
    fake.answer(
        "SageMaker.ListEndpoints",
        page(&["prod-llm", "staging-llm-prod", "prod-bert"], None),
    );
    let team = |v: &str| BTreeMap::from([("team".to_string(), v.to_string())]);
    fake.on("SageMaker.ListTags", move |req| {
        let arn = req.must("ResourceArn");
        tag_list(&if arn.ends_with("prod-llm") {
            team("ml")
        } else {
            team("web")
        })
    });
    let cfg = config(&[
        ("name_prefix", Value::string("prod-")),
        ("status", Value::string("InService")),
        (
            "tags",
            Value::Map([("team".to_string(), Value::string("ml"))].into()),
        ),
    ]);
    let (found, failed) = list(&fake, &cfg, 100).await;
    assert!(!failed);
    assert_eq!(names(&found), ["prod-llm"]);
    let call = fake.last("SageMaker.ListEndpoints").expect("listed");
    assert_eq!(call.field("NameContains"), "prod-");
    assert_eq!(call.field("StatusEquals"), "InService");
    assert_eq!(
        fake.count("SageMaker.ListTags"),
        2,
        "tags are read only for the endpoints whose name matched"
    );
    let writes: Vec<String> = fake
        .ops()
        .into_iter()
        .filter(|op| {
            !op.contains(".List") && !op.contains(".Describe") && !op.contains("GetCallerIdentity")
        })
        .collect();
    assert!(writes.is_empty(), "a listing wrote: {writes:?}");
}
