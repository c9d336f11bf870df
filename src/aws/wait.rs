//! The single adaptive wait loop of the crate, and the [`Cancel`] token that
//! stops it.
//!
//! Every wait (endpoint InService, endpoint gone, the IAM propagation retry of
//! CreateModel) goes through [`wait_until`]. The schedule is fast at first
//! ([`FAST_INTERVAL`] for the first [`FAST_PHASE`]), so short transitions are
//! noticed within about half a second, then grows by [`BACKOFF_FACTOR`] per
//! probe up to [`MAX_INTERVAL`], so a long wait costs few API calls (a
//! 10-minute wait makes fewer than 50 probes). A cancel stops the loop at
//! once, whether it is sleeping or in the middle of a probe; the deadline is
//! honoured the same way (the last sleep is shortened to end on it, and one
//! final probe is made there).

use super::error::AwsError;
use std::future::Future;
use std::time::Duration;
use tokio::time::Instant;

/// Interval between probes during the fast phase.
pub(crate) const FAST_INTERVAL: Duration = Duration::from_millis(500);
/// How long the fast phase lasts, from the first probe.
pub(crate) const FAST_PHASE: Duration = Duration::from_secs(10);
/// Growth of the interval per probe after the fast phase.
pub(crate) const BACKOFF_FACTOR: f64 = 1.5;
/// Longest interval between probes.
pub const MAX_INTERVAL: Duration = Duration::from_secs(30);

/// The cancellation token of every wait: clones share it, and once
/// `cancel()` is called every wait using any clone stops with
/// [`AwsError::Cancelled`]. tokio-util's token (already in the tree through
/// h2) rather than a hand-written one; the name stays so callers read as
/// before (`Cancel::default()`, `.clone()`, `.cancel()`, `.is_cancelled()`).
pub type Cancel = tokio_util::sync::CancellationToken;

/// What one probe saw.
#[derive(Debug)]
pub(crate) enum Probe<T> {
    /// Done: the wait returns this value.
    Ready(T),
    /// Not yet; `status` is kept for the timeout message.
    Pending { status: String },
    /// A terminal failure: the wait ends with [`AwsError::Failed`].
    Failed { reason: String },
}

/// The pause after a probe made `elapsed` after the first one, when the
/// previous pause was `previous` (zero before the first pause).
pub(crate) fn next_delay(elapsed: Duration, previous: Duration) -> Duration {
    if elapsed < FAST_PHASE {
        return FAST_INTERVAL;
    }
    previous
        .max(FAST_INTERVAL)
        .mul_f64(BACKOFF_FACTOR)
        .min(MAX_INTERVAL)
}

/// Calls `probe` on the adaptive schedule until it is ready, failed, returns
/// an error, `timeout` has passed, or `cancel` fires. Throttling errors from a
/// probe (after the SDK's own retries) do not end the wait.
pub(crate) async fn wait_until<T, F, Fut>(
    what: &str,
    timeout: Duration,
    cancel: &Cancel,
    mut probe: F,
) -> Result<T, AwsError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Probe<T>, AwsError>>,
{
    let cancelled = || AwsError::Cancelled {
        what: what.to_string(),
    };
    let start = Instant::now();
    let deadline = start + timeout;
    let mut delay = Duration::ZERO;
    loop {
        if cancel.is_cancelled() {
            return Err(cancelled());
        }
        let outcome = tokio::select! {
            biased;
            _ = cancel.cancelled() => return Err(cancelled()),
            r = probe() => r,
        };
        let last_status = match outcome {
            Ok(Probe::Ready(v)) => return Ok(v),
            Ok(Probe::Failed { reason }) => {
                return Err(AwsError::Failed {
                    what: what.to_string(),
                    reason,
                });
            }
            Ok(Probe::Pending { status }) => status,
            Err(e) if e.is_throttling() => e.to_string(),
            Err(e) => return Err(e),
        };
        let now = Instant::now();
        if now >= deadline {
            return Err(AwsError::Timeout {
                what: what.to_string(),
                after: timeout,
                last_status,
            });
        }
        delay = next_delay(now - start, delay);
        tracing::debug!(what, status = %last_status, ?delay, "still waiting");
        let wake = (now + delay).min(deadline);
        tokio::select! {
            biased;
            _ = cancel.cancelled() => return Err(cancelled()),
            _ = tokio::time::sleep_until(wake) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn pending<T>() -> Result<Probe<T>, AwsError> {
        Ok(Probe::Pending {
            status: "Creating".into(),
        })
    }

    #[tokio::test(start_paused = true)]
    async fn ten_minute_wait_uses_few_probes() {
        let probes = AtomicUsize::new(0);
        let start = Instant::now();
        let r: Result<(), _> =
            wait_until("endpoint", Duration::from_secs(600), &Cancel::new(), || {
                probes.fetch_add(1, Ordering::SeqCst);
                async { pending() }
            })
            .await;
        let n = probes.load(Ordering::SeqCst);
        assert!(
            matches!(r, Err(AwsError::Timeout { ref last_status, .. }) if last_status == "Creating")
        );
        assert_eq!(start.elapsed(), Duration::from_secs(600));
        assert!(n <= 60, "{n} probes in 10 minutes");
        // Fast phase alone is 21 probes; then 10 growing steps and ~17 at the cap.
        assert!(n >= 40, "{n} probes: the schedule is lazier than intended");
    }

    #[tokio::test(start_paused = true)]
    async fn short_transition_is_noticed_within_a_second() {
        let start = Instant::now();
        let ready_at = Duration::from_secs(5);
        let t = wait_until(
            "endpoint",
            Duration::from_secs(3600),
            &Cancel::new(),
            || async move {
                if start.elapsed() >= ready_at {
                    Ok(Probe::Ready(start.elapsed()))
                } else {
                    pending()
                }
            },
        )
        .await
        .unwrap();
        assert!(
            t >= ready_at && t - ready_at <= Duration::from_secs(1),
            "noticed at {t:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn long_transition_costs_bounded_latency() {
        let start = Instant::now();
        let ready_at = Duration::from_secs(300);
        let t = wait_until(
            "endpoint",
            Duration::from_secs(3600),
            &Cancel::new(),
            || async move {
                if start.elapsed() >= ready_at {
                    Ok(Probe::Ready(start.elapsed()))
                } else {
                    pending()
                }
            },
        )
        .await
        .unwrap();
        assert!(t - ready_at <= MAX_INTERVAL, "noticed at {t:?}");
    }

    #[test]
    fn schedule_grows_then_caps() {
        assert_eq!(next_delay(Duration::ZERO, Duration::ZERO), FAST_INTERVAL);
        assert_eq!(
            next_delay(Duration::from_secs(9), FAST_INTERVAL),
            FAST_INTERVAL
        );
        assert_eq!(
            next_delay(Duration::from_secs(10), FAST_INTERVAL),
            Duration::from_millis(750)
        );
        assert_eq!(
            next_delay(Duration::from_secs(500), MAX_INTERVAL),
            MAX_INTERVAL
        );
        assert_eq!(
            next_delay(Duration::from_secs(100), Duration::from_secs(25)),
            MAX_INTERVAL
        );
    }

    #[tokio::test(start_paused = true)]
    async fn cancel_stops_a_sleeping_wait_promptly() {
        let cancel = Cancel::new();
        let c2 = cancel.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(120)).await;
            c2.cancel();
        });
        let start = Instant::now();
        let r: Result<(), _> =
            wait_until("endpoint", Duration::from_secs(3600), &cancel, || async {
                pending()
            })
            .await;
        assert!(matches!(r, Err(AwsError::Cancelled { .. })));
        assert_eq!(start.elapsed(), Duration::from_secs(120));
        assert!(cancel.is_cancelled());
    }

    #[tokio::test(start_paused = true)]
    async fn cancel_interrupts_a_hanging_probe_and_a_cancelled_token_never_probes() {
        let cancel = Cancel::new();
        let c2 = cancel.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(3)).await;
            c2.cancel();
        });
        let start = Instant::now();
        let r: Result<(), _> = wait_until("x", Duration::from_secs(3600), &cancel, || async {
            tokio::time::sleep(Duration::from_secs(1000)).await;
            pending()
        })
        .await;
        assert!(matches!(r, Err(AwsError::Cancelled { .. })));
        assert_eq!(start.elapsed(), Duration::from_secs(3));
        let probes = AtomicUsize::new(0);
        let r: Result<(), _> = wait_until("x", Duration::from_secs(10), &cancel, || {
            probes.fetch_add(1, Ordering::SeqCst);
            async { pending() }
        })
        .await;
        assert!(matches!(r, Err(AwsError::Cancelled { .. })));
        assert_eq!(probes.load(Ordering::SeqCst), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn failures_and_errors_end_the_wait_but_throttling_does_not() {
        let r: Result<(), _> =
            wait_until("ep", Duration::from_secs(60), &Cancel::new(), || async {
                Ok(Probe::Failed {
                    reason: "no model data".into(),
                })
            })
            .await;
        assert!(
            matches!(r, Err(AwsError::Failed { ref what, ref reason }) if what == "ep" && reason == "no model data")
        );
        let calls = AtomicUsize::new(0);
        let r = wait_until("ep", Duration::from_secs(60), &Cancel::new(), || {
            let n = calls.fetch_add(1, Ordering::SeqCst);
            async move {
                match n {
                    0 | 1 => Err(AwsError::Api {
                        operation: "DescribeEndpoint",
                        code: "ThrottlingException".into(),
                        message: "Rate exceeded".into(),
                    }),
                    2 => pending(),
                    _ => Ok(Probe::Ready(n)),
                }
            }
        })
        .await;
        assert_eq!(r.unwrap(), 3);
        let r: Result<(), _> =
            wait_until("ep", Duration::from_secs(60), &Cancel::new(), || async {
                Err(AwsError::Api {
                    operation: "DescribeEndpoint",
                    code: "AccessDeniedException".into(),
                    message: "no".into(),
                })
            })
            .await;
        assert!(
            matches!(r, Err(AwsError::Api { ref code, .. }) if code == "AccessDeniedException")
        );
    }
}
