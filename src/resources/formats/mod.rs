//! Parsers every resource and action of the provider shares: Go duration
//! strings (`timeouts`, the action's `timeout`) and `s3://` URIs.

pub mod duration;
pub mod s3uri;
