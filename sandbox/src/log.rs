//! The request log: one entry per AWS call the sandbox received, used to count API calls.

use serde::{Deserialize, Serialize};

/// One logged AWS call (control API calls are not logged).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LogEntry {
    /// Sequence number, starting at 1 after each reset.
    pub seq: u64,
    /// Epoch seconds when the request arrived.
    pub time: f64,
    /// SigV4 service name (`sagemaker`, `iam`, `sns`, `s3`, `sts`, `application-autoscaling`,
    /// `monitoring`, or `unknown` when unsigned).
    pub service: String,
    pub region: String,
    pub operation: String,
    /// HTTP status returned (0 when the connection was reset by a fault).
    pub status: u16,
    /// AWS error code, if the call failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// `ok`, `error` (AWS error from the emulator or moto) or `fault` (injected).
    pub outcome: String,
    /// True when moto served the call.
    pub forwarded: bool,
    pub duration_ms: u64,
}

/// The in-memory log.
#[derive(Debug, Default)]
pub struct RequestLog {
    entries: Vec<LogEntry>,
    next_seq: u64,
}

impl RequestLog {
    /// Appends an entry, assigning its sequence number.
    pub fn push(&mut self, mut entry: LogEntry) {
        self.next_seq += 1;
        entry.seq = self.next_seq;
        self.entries.push(entry);
    }

    /// Entries, optionally filtered by service and operation.
    pub fn query(&self, service: Option<&str>, operation: Option<&str>) -> Vec<LogEntry> {
        self.entries
            .iter()
            .filter(|e| service.is_none_or(|s| e.service == s))
            .filter(|e| operation.is_none_or(|o| e.operation == o))
            .cloned()
            .collect()
    }

    /// Empties the log and restarts numbering.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.next_seq = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(service: &str, op: &str) -> LogEntry {
        LogEntry {
            seq: 0,
            time: 0.0,
            service: service.into(),
            region: "us-east-1".into(),
            operation: op.into(),
            status: 200,
            error: None,
            outcome: "ok".into(),
            forwarded: false,
            duration_ms: 0,
        }
    }

    #[test]
    fn numbering_and_filters() {
        let mut log = RequestLog::default();
        log.push(entry("sagemaker", "CreateModel"));
        log.push(entry("iam", "CreateRole"));
        log.push(entry("sagemaker", "DescribeModel"));
        assert_eq!(
            log.query(None, None)
                .iter()
                .map(|e| e.seq)
                .collect::<Vec<_>>(),
            vec![1, 2, 3]
        );
        assert_eq!(log.query(Some("sagemaker"), None).len(), 2);
        assert_eq!(log.query(Some("sagemaker"), Some("CreateModel")).len(), 1);
        log.clear();
        log.push(entry("s3", "PutObject"));
        assert_eq!(log.query(None, None)[0].seq, 1);
    }
}
