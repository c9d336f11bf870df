//! The resource's private state: objects whose deletion failed (or had to
//! wait), kept as JSON bytes that Terraform stores next to the state and
//! hands back on the next read or apply, where the cleanup is retried.
//!
//! Format: `{"pending_cleanup":[{"kind":"model","name":"..."}, ...]}`. For
//! topics the name is the topic ARN. Empty private state is empty bytes.

use serde::{Deserialize, Serialize};

/// What kind of object is waiting to be deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    // Declaration order is deletion order: a config before its model.
    EndpointConfig,
    Model,
    Topic,
    Role,
}

/// One object waiting to be deleted.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Pending {
    pub kind: Kind,
    /// The object's name (the ARN for topics).
    pub name: String,
}

impl Pending {
    pub fn new(kind: Kind, name: impl Into<String>) -> Pending {
        Pending {
            kind,
            name: name.into(),
        }
    }
}

/// The decoded private state.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivateState {
    #[serde(default)]
    pub pending_cleanup: Vec<Pending>,
}

/// Private state bytes that are not ours to read.
#[derive(Debug, thiserror::Error)]
#[error("the private state is not valid: {0}")]
pub struct PrivateError(#[from] serde_json::Error);

impl PrivateState {
    /// Decodes the bytes Terraform returned; empty bytes are an empty state.
    pub fn decode(bytes: &[u8]) -> Result<PrivateState, PrivateError> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(PrivateState::default());
        }
        Ok(serde_json::from_slice(bytes)?)
    }

    /// Adds an object, once.
    pub fn add(&mut self, item: Pending) {
        if !self.pending_cleanup.contains(&item) {
            self.pending_cleanup.push(item);
            self.pending_cleanup.sort();
        }
    }

    pub fn is_empty(&self) -> bool {
        self.pending_cleanup.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::wire::Private;

    #[test]
    fn round_trips_and_uses_the_documented_format() {
        let mut p = PrivateState::default();
        p.add(Pending::new(Kind::Model, "m-1"));
        p.add(Pending::new(Kind::EndpointConfig, "c-1"));
        p.add(Pending::new(Kind::Model, "m-1"));
        let bytes = Private::encode(&p);
        let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"pending_cleanup": [
                {"kind": "endpoint_config", "name": "c-1"},
                {"kind": "model", "name": "m-1"},
            ]})
        );
        assert_eq!(PrivateState::decode(&bytes).unwrap(), p);
    }

    #[test]
    fn empty_state_is_empty_bytes_and_both_decode_to_empty() {
        assert!(Private::encode(&PrivateState::default()).is_empty());
        assert!(PrivateState::decode(b"").unwrap().is_empty());
        assert!(PrivateState::decode(b"{}").unwrap().is_empty());
    }

    #[test]
    fn garbage_is_an_error_but_lenient_decoding_ignores_it() {
        assert!(PrivateState::decode(b"not json").is_err());
        assert!(PrivateState::decode(br#"{"pending_cleanup":[{"kind":"x"}]}"#).is_err());
        assert!(Private::decode::<PrivateState>(b"not json").is_empty());
        let role = br#"{"pending_cleanup":[{"kind":"role","name":"r"}]}"#;
        assert_eq!(
            PrivateState::decode(role).unwrap().pending_cleanup,
            [Pending::new(Kind::Role, "r")]
        );
    }
}
