//! The HTTP front door: accepts connections, routes each request to the control API, the
//! SageMaker emulator (control plane, runtime, or GetResources of the tagging API for SageMaker
//! ARNs) or the moto proxy, applies fault rules and
//! writes the request log.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;

use crate::app::App;
use crate::error::SandboxError;
use crate::faults::{DEFAULT_ORIGINAL_STATUS, FaultAction};
use crate::log::LogEntry;
use crate::protocol::{Protocol, classify, error_code_of, error_response};
use crate::sagemaker::{self, Directive, ModelFault, runtime};
use crate::{CONTROL_PREFIX, control, proxy, time};

fn default_message(code: &str) -> String {
    match code {
        "ThrottlingException" | "Throttling" | "ThrottledException" => "Rate exceeded".into(),
        _ => format!("Injected fault {code}"),
    }
}

/// Handles one request end to end.
pub async fn handle(
    app: Arc<App>,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, SandboxError> {
    let (parts, body) = req.into_parts();
    let body = match body.collect().await {
        Ok(b) => b.to_bytes(),
        Err(e) => return Err(SandboxError::Io(std::io::Error::other(e))),
    };
    if parts.uri.path().starts_with(CONTROL_PREFIX) {
        return Ok(control::handle(&app, &parts, body).await);
    }
    let started = Instant::now();
    let time = time::now();
    let info = classify(&parts.method, &parts.uri, &parts.headers, &body);
    app.note_region(&info.region);
    let log = |status: u16, error: Option<String>, outcome: &str, forwarded: bool| {
        app.log().push(LogEntry {
            seq: 0,
            time,
            service: info.service.clone(),
            region: info.region.clone(),
            operation: info.operation.clone(),
            status,
            error,
            outcome: outcome.to_string(),
            forwarded,
            duration_ms: started.elapsed().as_millis() as u64,
        });
    };
    let firing = app.faults().check(&info.service, &info.operation);
    let mut directive = None;
    if let Some(f) = firing {
        if f.delay_ms > 0 {
            tokio::time::sleep(Duration::from_millis(f.delay_ms)).await;
        }
        let runtime_call = info.protocol == Protocol::RestJson;
        match f.action {
            // A model failure is the endpoint's answer: the runtime handler renders it after
            // its own checks (or, for async calls, fails the background inference).
            FaultAction::Error {
                code,
                status,
                message,
            } if runtime_call && code == "ModelError" => {
                directive = Some(Directive::ModelError(ModelFault {
                    status,
                    original_status: DEFAULT_ORIGINAL_STATUS,
                    original_message: message,
                }));
            }
            FaultAction::ModelError {
                status,
                original_status,
                original_message,
            } if runtime_call => {
                directive = Some(Directive::ModelError(ModelFault {
                    status,
                    original_status,
                    original_message,
                }));
            }
            FaultAction::ModelError { status, .. } => {
                let code = "ModelError".to_string();
                let resp = error_response(info.protocol, status, &code, &default_message(&code));
                log(status, Some(code), "fault", false);
                return Ok(resp);
            }
            FaultAction::Error {
                code,
                status,
                message,
            } => {
                let msg = message.unwrap_or_else(|| default_message(&code));
                let resp = error_response(info.protocol, status, &code, &msg);
                log(status, Some(code), "fault", false);
                return Ok(resp);
            }
            FaultAction::Reset => {
                log(0, None, "fault", false);
                return Err(SandboxError::InjectedReset);
            }
            FaultAction::Delay => {}
            FaultAction::Rollback { reason } => directive = Some(Directive::Rollback(reason)),
            FaultAction::Fail { reason } => directive = Some(Directive::Fail(reason)),
        }
    }
    // GetResources naming SageMaker ARNs only is answered by the emulator too.
    let sagemaker_tags = info.service == "tagging"
        && info.operation == "GetResources"
        && sagemaker::tagging::is_for_sagemaker(&body);
    if info.service == "sagemaker" || sagemaker_tags {
        let injected = matches!(directive, Some(Directive::ModelError(_)));
        let resp = if info.protocol == Protocol::RestJson {
            runtime::handle(&app, &info, &parts, &body, directive)
        } else {
            sagemaker::handle(&app, &info, &body, directive).await
        };
        let status = resp.status().as_u16();
        let error = (status >= 300)
            .then(|| error_code_of(resp.headers(), b""))
            .flatten();
        let outcome = match (injected, status < 300) {
            (true, _) => "fault",
            (false, true) => "ok",
            (false, false) => "error",
        };
        log(status, error, outcome, false);
        return Ok(resp);
    }
    let fwd = proxy::forward(&app, &info, &parts, body).await;
    let status = fwd.response.status().as_u16();
    log(
        status,
        fwd.error,
        if status < 400 { "ok" } else { "error" },
        true,
    );
    Ok(fwd.response)
}

/// Serves connections from `listener` until `shutdown` resolves, then drains for up to 2 s.
pub async fn serve(listener: TcpListener, app: Arc<App>, shutdown: impl Future<Output = ()>) {
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, _) = match accepted {
                    Ok(s) => s,
                    Err(e) => {
                        tracing::warn!("accept failed: {e}");
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let app = app.clone();
                let svc = service_fn(move |req| handle(app.clone(), req));
                let conn = http1::Builder::new().serve_connection(TokioIo::new(stream), svc);
                let conn = graceful.watch(conn);
                tokio::spawn(async move {
                    if let Err(e) = conn.await {
                        tracing::debug!("connection ended: {e}");
                    }
                });
            }
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    let _ = tokio::time::timeout(Duration::from_secs(2), graceful.shutdown()).await;
}
