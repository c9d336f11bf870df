//! Wall-clock helpers: AWS JSON protocols carry timestamps as epoch seconds (fractional).

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch, with millisecond precision.
pub fn now() -> f64 {
    let d = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    (d.as_millis() as f64) / 1000.0
}

/// Adds a millisecond duration to an epoch-seconds timestamp.
pub fn plus_ms(t: f64, ms: u64) -> f64 {
    t + (ms as f64) / 1000.0
}
