//! One run of the action: the call (synchronous, or asynchronous through
//! S3), the wait for its answer within `timeout`, and the verdict against
//! the expectations, with progress messages along the way.

use std::time::{Duration, Instant};

use super::config::Request;
use crate::aws::object;
use crate::aws::runtime::{self, Answer, Invocation};
use crate::aws::wait::Cancel;
use crate::framework::Op;
use crate::framework::action::Progress;
use crate::resources::Session;
use crate::resources::formats::s3uri::S3Uri;
use crate::tfplugin::Diagnostics;

/// How much of an answer a message quotes.
const EXCERPT_CHARS: usize = 300;
/// How often an asynchronous answer is looked for, at first and at most.
const POLL_FIRST: Duration = Duration::from_millis(200);
const POLL_MAX: Duration = Duration::from_secs(5);

/// Why a run got no answer to judge.
#[derive(Debug, thiserror::Error)]
enum RunError {
    #[error("{0}")]
    Aws(#[from] crate::aws::error::AwsError),
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    #[error("stopped on request")]
    Cancelled,
    #[error("{0}")]
    Other(String),
}

/// The first characters of a body, on one line.
fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out: String = one_line.chars().take(EXCERPT_CHARS).collect();
    if one_line.chars().count() > EXCERPT_CHARS {
        out.push('…');
    }
    out
}

/// The one deadline of an invocation: every step of it (the request
/// object, the call, the wait for the answer) shares `timeout`.
#[derive(Clone, Copy)]
struct Deadline {
    at: tokio::time::Instant,
    timeout: Duration,
}

impl Deadline {
    fn after(timeout: Duration) -> Deadline {
        Deadline {
            at: tokio::time::Instant::now() + timeout,
            timeout,
        }
    }
}

/// Runs `fut` unless the deadline passes or `cancel` fires first.
async fn bounded<T>(
    cancel: &Cancel,
    deadline: Deadline,
    fut: impl std::future::Future<Output = Result<T, RunError>>,
) -> Result<T, RunError> {
    tokio::select! {
        r = tokio::time::timeout_at(deadline.at, fut) => {
            r.unwrap_or(Err(RunError::Timeout(deadline.timeout)))
        }
        () = cancel.cancelled() => Err(RunError::Cancelled),
    }
}

pub async fn run(op: Op<'_, Session>, req: &Request, progress: &mut dyn Progress) -> Diagnostics {
    let started = Instant::now();
    let clients = &op.provider.clients;
    let answer = match &req.input_location {
        None => {
            progress.progress(format!(
                "Invoking endpoint {} ({}, {} bytes)",
                req.endpoint_name,
                req.content_type,
                req.body.len()
            ));
            let call = Invocation {
                endpoint_name: &req.endpoint_name,
                body: req.body.as_bytes(),
                content_type: &req.content_type,
                accept: req.accept.as_deref(),
            };
            bounded(op.cancel, Deadline::after(req.timeout), async {
                Ok(runtime::invoke(clients, &call).await?)
            })
            .await
        }
        Some(prefix) => run_async(&op, req, prefix, progress).await,
    };
    verdict(req, answer, started.elapsed(), progress)
}

/// Writes the request object and runs [`call_async`], both within the one
/// timeout, and deletes the request object again whatever the outcome: it
/// is the only thing the action makes (the answer objects belong to the
/// endpoint's output paths).
async fn run_async(
    op: &Op<'_, Session>,
    req: &Request,
    prefix: &S3Uri,
    progress: &mut dyn Progress,
) -> Result<Answer, RunError> {
    let c = &op.provider.clients;
    let id = crate::aws::owner::new_ownership_id().map_err(RunError::Other)?;
    let key = if prefix.key.is_empty() || prefix.key.ends_with('/') {
        format!("{}{id}.request", prefix.key)
    } else {
        format!("{}/{id}.request", prefix.key)
    };
    let input = format!("s3://{}/{key}", prefix.bucket);
    progress.progress(format!("Writing the request to {input}"));
    let body = req.body.as_bytes();
    let deadline = Deadline::after(req.timeout);
    bounded(op.cancel, deadline, async {
        Ok(object::put(c, &prefix.bucket, &key, body, &req.content_type).await?)
    })
    .await?;
    let answer = bounded(
        op.cancel,
        deadline,
        call_async(op.provider, req, &input, progress),
    )
    .await;
    if let Err(e) = object::delete(c, &prefix.bucket, &key).await {
        progress.progress(format!("Could not delete the request object {input}: {e}"));
    }
    answer
}

/// InvokeEndpointAsync of the request at `input`, then the wait for the
/// output or the failure object. A failure object is an answer with status
/// 500 (SageMaker does not keep the container's status for it).
async fn call_async(
    session: &Session,
    req: &Request,
    input: &str,
    progress: &mut dyn Progress,
) -> Result<Answer, RunError> {
    let c = &session.clients;
    let queued = runtime::invoke_async(
        c,
        &req.endpoint_name,
        input,
        &req.content_type,
        req.accept.as_deref(),
    )
    .await?;
    progress.progress(format!(
        "Endpoint {} accepted request {}; waiting for {}",
        req.endpoint_name, queued.inference_id, queued.output_location
    ));
    let output = S3Uri::parse(&queued.output_location)
        .map_err(|e| RunError::Other(format!("output location: {e}")))?;
    let failure = queued
        .failure_location
        .as_deref()
        .map(S3Uri::parse)
        .transpose()
        .map_err(|e| RunError::Other(format!("failure location: {e}")))?;
    let mut pause = POLL_FIRST;
    loop {
        if let Some(body) = object::get(c, &output.bucket, &output.key).await? {
            return Ok(Answer {
                status: 200,
                body,
                content_type: None,
                variant: None,
                error_code: None,
            });
        }
        if let Some(f) = &failure
            && let Some(body) = object::get(c, &f.bucket, &f.key).await?
        {
            return Ok(Answer {
                status: 500,
                body,
                content_type: None,
                variant: None,
                error_code: Some("AsyncInferenceFailure".into()),
            });
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(POLL_MAX);
    }
}

/// Judges the answer against the expectations.
fn verdict(
    req: &Request,
    answer: Result<Answer, RunError>,
    took: Duration,
    progress: &mut dyn Progress,
) -> Diagnostics {
    let mut d = Diagnostics::new();
    let name = &req.endpoint_name;
    let answer = match answer {
        Ok(a) => a,
        Err(e) => {
            d.error(
                format!("Endpoint {name} did not answer"),
                format!("Invoking the endpoint failed: {e}"),
            );
            return d;
        }
    };
    let code = answer
        .error_code
        .as_deref()
        .map(|c| format!(" ({c})"))
        .unwrap_or_default();
    let quoted = excerpt(&answer.body);
    if answer.status != req.expect_status {
        d.error(
            format!("Endpoint {name} answered {}{code}", answer.status),
            format!(
                "Expected status {}, got {}{code} after {} ms. Answer: {quoted}",
                req.expect_status,
                answer.status,
                took.as_millis()
            ),
        );
        return d;
    }
    if let Some(want) = &req.expect_body_contains
        && !String::from_utf8_lossy(&answer.body).contains(want.as_str())
    {
        d.error(
            format!("Endpoint {name} answered without {want:?}"),
            format!(
                "Status {} as expected, but the answer does not contain {want:?}. Answer: \
                 {quoted}",
                answer.status
            ),
        );
        return d;
    }
    let variant = answer
        .variant
        .as_deref()
        .map(|v| format!(" from variant {v}"))
        .unwrap_or_default();
    progress.progress(format!(
        "Endpoint {name} answered {}{variant} in {} ms: {quoted}",
        answer.status,
        took.as_millis()
    ));
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Seen(Vec<String>);
    impl Progress for Seen {
        fn progress(&mut self, m: String) {
            self.0.push(m);
        }
    }

    fn request() -> Request {
        Request {
            endpoint_name: "ep".into(),
            body: "{}".into(),
            content_type: "application/json".into(),
            accept: None,
            expect_status: 200,
            expect_body_contains: Some("ok".into()),
            timeout: Duration::from_secs(1),
            input_location: None,
        }
    }

    fn answer(status: u16, body: &str) -> Answer {
        Answer {
            status,
            body: body.as_bytes().to_vec(),
            content_type: None,
            variant: Some("AllTraffic".into()),
            error_code: (status != 200).then(|| "ModelError".to_string()),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn the_steps_of_an_invocation_share_one_deadline() {
        let cancel = Cancel::new();
        let deadline = Deadline::after(Duration::from_secs(10));
        let step = |secs| async move {
            tokio::time::sleep(Duration::from_secs(secs)).await;
            Ok::<_, RunError>(())
        };
        assert!(bounded(&cancel, deadline, step(6)).await.is_ok());
        // 6 s are gone: a second step of 6 s no longer fits.
        let late = bounded(&cancel, deadline, step(6)).await;
        assert!(
            matches!(late, Err(RunError::Timeout(t)) if t == Duration::from_secs(10)),
            "{late:?}"
        );
        let fresh = Deadline::after(Duration::from_secs(10));
        cancel.cancel();
        assert!(matches!(
            bounded(&cancel, fresh, step(1)).await,
            Err(RunError::Cancelled)
        ));
    }

    #[test]
    fn answers_are_judged_and_quoted() {
        let mut seen = Seen(Vec::new());
        let ms = Duration::from_millis(12);
        let d = verdict(&request(), Ok(answer(200, "all ok")), ms, &mut seen);
        assert!(d.is_empty());
        assert!(seen.0[0].contains("200 from variant AllTraffic in 12 ms: all ok"));

        let d = verdict(&request(), Ok(answer(424, "boom")), ms, &mut seen);
        assert_eq!(d.0[0].summary, "Endpoint ep answered 424 (ModelError)");
        assert!(d.0[0].detail.contains("Expected status 200") && d.0[0].detail.contains("boom"));

        let d = verdict(&request(), Ok(answer(200, "nope")), ms, &mut seen);
        assert!(d.0[0].summary.contains("without \"ok\"") && d.0[0].detail.contains("nope"));

        let d = verdict(
            &request(),
            Err(RunError::Timeout(Duration::from_secs(1))),
            ms,
            &mut seen,
        );
        assert!(d.0[0].detail.contains("no answer within 1s"));
    }

    #[test]
    fn excerpts_are_short_and_on_one_line() {
        assert_eq!(excerpt(b"a\n  b\tc"), "a b c");
        let long = "x".repeat(EXCERPT_CHARS + 10);
        let e = excerpt(long.as_bytes());
        assert_eq!(e.chars().count(), EXCERPT_CHARS + 1);
        assert!(e.ends_with('…'));
    }
}
