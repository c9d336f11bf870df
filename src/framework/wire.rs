//! Values and private state on the wire: decoding a `DynamicValue` with a
//! schema type (absent or empty means null), encoding replies, and the
//! typed private state as JSON bytes. Every failure is a diagnostic.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::proto::tfplugin6 as pb;
use crate::tfplugin::{Diagnostics, Type, Value, codec};

/// Decodes an optional DynamicValue (absent or empty means null); `what`
/// names it in the diagnostic.
pub fn decode(dv: Option<&pb::DynamicValue>, ty: &Type, what: &str) -> Result<Value, Diagnostics> {
    match dv {
        None => Ok(Value::Null),
        Some(dv) if dv.msgpack.is_empty() && dv.json.is_empty() => Ok(Value::Null),
        Some(dv) => codec::from_dynamic(dv, ty).map_err(|e| {
            let mut d = Diagnostics::new();
            d.error(
                format!("Invalid {what}"),
                format!("Terraform sent a {what} the provider could not decode: {e}"),
            );
            d
        }),
    }
}

/// Encodes a reply value; a value that does not fit `ty` is a provider bug.
pub fn encode(v: &Value, ty: &Type, what: &str) -> Result<pb::DynamicValue, Diagnostics> {
    codec::to_dynamic(v, ty).map_err(|e| {
        let mut d = Diagnostics::new();
        d.error(
            format!("Could not encode {what}"),
            format!("This is a provider bug: {e}"),
        );
        d
    })
}

/// A resource's typed private state.
pub struct Private;

impl Private {
    /// Decodes the bytes Terraform kept. Empty bytes are the default value,
    /// and so are unreadable ones (logged): a corrupt private state must not
    /// block every later operation.
    pub fn decode<S: DeserializeOwned + Default>(bytes: &[u8]) -> S {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return S::default();
        }
        serde_json::from_slice(bytes).unwrap_or_else(|e| {
            tracing::warn!("ignoring private state: {e}");
            S::default()
        })
    }

    /// The bytes to hand back: empty for the default value.
    pub fn encode<S: Serialize + Default + PartialEq>(s: &S) -> Vec<u8> {
        if *s == S::default() {
            return Vec::new();
        }
        serde_json::to_vec(s).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
    struct P {
        #[serde(default)]
        items: Vec<String>,
    }

    #[test]
    fn private_state_round_trips_and_tolerates_garbage() {
        assert_eq!(Private::encode(&P::default()), Vec::<u8>::new());
        let p = P {
            items: vec!["a".into()],
        };
        let bytes = Private::encode(&p);
        assert_eq!(Private::decode::<P>(&bytes), p);
        assert_eq!(Private::decode::<P>(b""), P::default());
        assert_eq!(Private::decode::<P>(b"not json"), P::default());
    }

    #[test]
    fn absent_values_decode_as_null_and_bad_ones_as_diagnostics() {
        assert_eq!(decode(None, &Type::String, "x").unwrap(), Value::Null);
        let empty = pb::DynamicValue::default();
        assert_eq!(
            decode(Some(&empty), &Type::String, "x").unwrap(),
            Value::Null
        );
        let bad = pb::DynamicValue {
            msgpack: vec![],
            json: b"{not json".to_vec(),
        };
        let d = decode(Some(&bad), &Type::String, "prior state").unwrap_err();
        assert_eq!(d.0[0].summary, "Invalid prior state");
    }
}
