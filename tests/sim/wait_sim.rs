//! The endpoint wait on a simulated clock: the real `endpoint::wait_in_service`
//! (real SDK client, request serialisation and the adaptive schedule of
//! src/aws/wait.rs) runs under a paused Tokio clock against an in-memory
//! SageMaker that answers `Creating` until a transition of N simulated seconds
//! has passed, then `InService`. Every DescribeEndpoint goes through the SDK's
//! HTTP client, where it is counted, so a 10-minute transition costs no real
//! time and the count is the one a real wait would make.
//!
//! The benchmark (bench/run.py) reads the `BENCH wait_sim` lines this prints;
//! the assertions here check the behaviour, not the benchmark targets.

use aws_smithy_runtime_api::client::http::{
    HttpConnector, HttpConnectorFuture, SharedHttpConnector, http_client_fn,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tfsm::aws::clients::Clients;
use tfsm::aws::endpoint::{EndpointStatus, wait_in_service};
use tfsm::aws::wait::{Cancel, MAX_INTERVAL};
use tokio::time::Instant;

/// SageMaker's DescribeEndpoint on the paused clock: `Creating` until
/// `ready_after` past `start`, then `InService`. Counts every call.
#[derive(Debug)]
struct SimulatedSageMaker {
    start: Instant,
    ready_after: Duration,
    describes: AtomicUsize,
    others: AtomicUsize,
}

/// The connector the SDK calls: a handle on the shared simulation.
#[derive(Debug)]
struct Connector(Arc<SimulatedSageMaker>);

impl HttpConnector for Connector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let sim = &self.0;
        let target = request
            .headers()
            .get("x-amz-target")
            .unwrap_or_default()
            .to_string();
        let status = if target == "SageMaker.DescribeEndpoint" {
            sim.describes.fetch_add(1, Ordering::SeqCst);
            if sim.start.elapsed() >= sim.ready_after {
                "InService"
            } else {
                "Creating"
            }
        } else {
            sim.others.fetch_add(1, Ordering::SeqCst);
            "Unexpected"
        };
        let body = format!(
            r#"{{"EndpointName":"sim","EndpointArn":"arn:aws:sagemaker:us-east-1:123456789012:endpoint/sim",
               "EndpointConfigName":"sim-cfg","EndpointStatus":"{status}",
               "CreationTime":1.7e9,"LastModifiedTime":1.7e9}}"#
        );
        let mut resp = HttpResponse::new(
            StatusCode::try_from(200).expect("status"),
            SdkBody::from(body),
        );
        resp.headers_mut()
            .insert("content-type", "application/x-amz-json-1.1");
        HttpConnectorFuture::ready(Ok(resp))
    }
}

fn clients(sim: &Arc<SimulatedSageMaker>) -> Clients {
    let sim = sim.clone();
    let http = http_client_fn(move |_, _| SharedHttpConnector::new(Connector(sim.clone())));
    let creds = aws_credential_types::Credentials::new("test", "test", None, None, "sim");
    let sdk = aws_config::SdkConfig::builder()
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(aws_credential_types::provider::SharedCredentialsProvider::new(creds))
        .http_client(http)
        .endpoint_url("http://sagemaker.sim")
        .behavior_version(aws_config::BehaviorVersion::latest())
        .build();
    Clients::from_sdk_config(&sdk)
}

/// Waits for a transition of `secs` simulated seconds; returns (describe
/// calls, notice latency).
async fn simulate(secs: u64) -> (usize, Duration) {
    let sim = Arc::new(SimulatedSageMaker {
        start: Instant::now(),
        ready_after: Duration::from_secs(secs),
        describes: AtomicUsize::new(0),
        others: AtomicUsize::new(0),
    });
    let c = clients(&sim);
    let ep = wait_in_service(
        &c,
        "sim",
        Some("sim-cfg"),
        Duration::from_secs(3600),
        &Cancel::new(),
    )
    .await
    .expect("the wait ends InService");
    let noticed = sim.start.elapsed();
    assert_eq!(ep.status, EndpointStatus::InService);
    assert_eq!(
        sim.others.load(Ordering::SeqCst),
        0,
        "only DescribeEndpoint"
    );
    let calls = sim.describes.load(Ordering::SeqCst);
    let latency = noticed - Duration::from_secs(secs);
    println!(
        "BENCH wait_sim transition_s={secs} describe_calls={calls} notice_latency_s={:.3}",
        latency.as_secs_f64()
    );
    (calls, latency)
}

#[tokio::test(start_paused = true)]
async fn ten_minute_transition_on_a_simulated_clock() {
    let (calls, latency) = simulate(600).await;
    // A probe at least every MAX_INTERVAL once the fast phase is over, and
    // the transition is seen by the first probe after it.
    assert!(calls >= 600 / MAX_INTERVAL.as_secs() as usize, "{calls}");
    assert!(latency <= MAX_INTERVAL, "{latency:?}");
}

#[tokio::test(start_paused = true)]
async fn short_transitions_on_a_simulated_clock() {
    for secs in [5, 60] {
        let (calls, latency) = simulate(secs).await;
        assert!(calls >= 2, "{secs}s: {calls}");
        assert!(latency <= MAX_INTERVAL, "{secs}s: {latency:?}");
    }
}
