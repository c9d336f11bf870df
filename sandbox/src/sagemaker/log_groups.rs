//! Endpoint log groups. SageMaker sends an endpoint's container logs to the CloudWatch Logs
//! group `/aws/sagemaker/Endpoints/<EndpointName>` and creates that group when the endpoint's
//! instances come up; the group outlives the endpoint. With the `endpoint_log_groups` option
//! (`--endpoint-log-groups`) the sandbox does the same in moto: after CreateEndpoint or
//! UpdateEndpoint a background task waits for the running phase to end and, once the endpoint
//! is InService, creates the group unless it exists. Work started before a reset is dropped.

use std::sync::Arc;
use std::time::Duration;

use crate::app::App;
use crate::store::key;
use crate::time;

/// The log group SageMaker writes endpoint `endpoint`'s container logs to.
pub fn log_group(endpoint: &str) -> String {
    format!("/aws/sagemaker/Endpoints/{endpoint}")
}

/// Where a watched endpoint stands.
enum Watch {
    /// Still in a transitional phase that ends at this time (epoch seconds).
    Until(f64),
    InService,
    /// Failed, deleted, or replaced by another endpoint of the same name.
    Gone,
}

fn look(app: &App, region: &str, endpoint: &str, creation_time: f64) -> Watch {
    let mut st = app.sagemaker();
    st.advance(time::now());
    match st.endpoints.get(&key(region, endpoint)) {
        Some(e) if e.creation_time == creation_time => match (e.status(), e.phase_ends()) {
            ("InService", _) => Watch::InService,
            (_, Some(ends)) => Watch::Until(ends),
            _ => Watch::Gone,
        },
        _ => Watch::Gone,
    }
}

/// With the option on, creates endpoint `endpoint`'s log group in moto once the endpoint
/// (the one created at `creation_time`) is InService.
pub fn watch(app: &Arc<App>, region: &str, endpoint: &str, creation_time: f64) {
    if !app.endpoint_log_groups() {
        return;
    }
    let app = app.clone();
    let region = region.to_string();
    let endpoint = endpoint.to_string();
    let generation = app.generation();
    tokio::spawn(async move {
        // The phase is set by the caller right after this spawn; give it a moment.
        let mut wait = Duration::from_millis(10);
        loop {
            tokio::time::sleep(wait).await;
            if app.generation() != generation {
                return;
            }
            match look(&app, &region, &endpoint, creation_time) {
                Watch::Until(ends) => {
                    let left = (ends - time::now()).max(0.0);
                    wait = Duration::from_secs_f64(left) + Duration::from_millis(5);
                }
                Watch::InService => break,
                Watch::Gone => return,
            }
        }
        let group = log_group(&endpoint);
        match app.moto.logs_create_log_group(&region, &group).await {
            Ok(true) => tracing::debug!("created log group {group} in {region}"),
            Ok(false) => {}
            Err(e) => tracing::warn!("log group {group} not created: {e}"),
        }
    });
}
