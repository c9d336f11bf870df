//! Wire encodings of [`Value`], always driven by the expected [`Type`]:
//! msgpack (decode and encode, what `DynamicValue.msgpack` carries), and JSON
//! (decode, for `DynamicValue.json` and the raw state JSON that
//! `UpgradeResourceState` receives; encode, for completeness and tests).
//!
//! The rules follow cty, the value library inside Terraform:
//! - null is msgpack nil / JSON `null`, for every type;
//! - unknown is a msgpack extension. Code 0 is a plain unknown, code 12 a
//!   refined unknown whose payload we do not need; any extension decodes as
//!   [`Value::Unknown`]. We encode unknowns as `fixext1` code 0 with a zero
//!   byte. JSON has no unknowns;
//! - numbers arrive as integers, floats or decimal strings and are kept
//!   without loss (see [`Number`](super::Number)); we send integers when the
//!   number is whole and fits, `f64` when that spells it exactly, otherwise
//!   the decimal string;
//! - objects are maps; attributes missing on the wire are null; attribute
//!   names that the type does not have are an error (or dropped, for stored
//!   state in [`decode_json_state`]);
//! - a value of type `dynamic` travels with its type: in msgpack as the
//!   two-element array `[type JSON bytes, value]`, in JSON as the object
//!   `{"value": …, "type": …}`. [`Value`] does not carry types, so when
//!   encoding we infer the type from the value ([`infer_type`]).

mod json;
mod jsontext;
mod msgpack;

use super::diag::{AttrPath, PathStep};
use super::{Type, Value};
use crate::proto::tfplugin6 as pb;

/// Why a value could not be decoded or encoded. Value errors carry the path
/// to the offending part of the value.
#[derive(Debug, thiserror::Error)]
pub enum CodecError {
    /// The bytes are not valid msgpack.
    #[error("malformed msgpack: {0}")]
    Msgpack(String),
    /// The bytes are not valid JSON.
    #[error("malformed JSON: {0}")]
    Json(String),
    /// A part of the value does not fit the type it should have.
    #[error("{}: expected {expected}, got {detail}", describe_path(.path))]
    Type {
        path: AttrPath,
        expected: String,
        detail: String,
    },
    /// An object carries an attribute its type does not have.
    #[error("{}: unsupported attribute {name:?}", describe_path(.path))]
    UnsupportedAttribute { path: AttrPath, name: String },
    #[error("DynamicValue carries neither msgpack nor json")]
    Empty,
}

impl CodecError {
    /// Where in the value the problem is, when known.
    pub fn path(&self) -> Option<&AttrPath> {
        match self {
            CodecError::Type { path, .. } | CodecError::UnsupportedAttribute { path, .. } => {
                Some(path)
            }
            _ => None,
        }
    }
}

fn describe_path(path: &AttrPath) -> String {
    if path.0.is_empty() {
        "at the top level".to_string()
    } else {
        format!("at {path}")
    }
}

/// A [`CodecError::Type`] for the value at `path`.
fn mismatch(path: &AttrPath, expected: &Type, detail: impl Into<String>) -> CodecError {
    CodecError::Type {
        path: path.clone(),
        expected: expected.to_string(),
        detail: detail.into(),
    }
}

/// Runs `f` with `step` appended to `path`, restoring `path` afterwards.
fn with_step<T>(
    path: &mut AttrPath,
    step: PathStep,
    f: impl FnOnce(&mut AttrPath) -> Result<T, CodecError>,
) -> Result<T, CodecError> {
    path.0.push(step);
    let out = f(path);
    path.0.pop();
    out
}

/// A short description of a value's kind, for encode errors.
fn value_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Unknown => "an unknown value",
        Value::Bool(_) => "a bool",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::List(_) => "a list",
        Value::Set(_) => "a set",
        Value::Tuple(_) => "a tuple",
        Value::Map(_) => "a map",
        Value::Object(_) => "an object",
    }
}

/// Decodes msgpack bytes as a value of type `ty`.
pub fn decode_msgpack(bytes: &[u8], ty: &Type) -> Result<Value, CodecError> {
    msgpack::decode(bytes, ty)
}

/// Decodes JSON bytes as a value of type `ty`. Object attributes missing from
/// the JSON decode as null; attributes the type lacks are an error.
pub fn decode_json(bytes: &[u8], ty: &Type) -> Result<Value, CodecError> {
    json::decode(bytes, ty, false)
}

/// Decodes stored state JSON (`UpgradeResourceState.raw_state.json`) as a
/// value of type `ty`, leniently: object attributes that are no longer part
/// of the type are dropped, at any depth. Missing ones decode as null.
pub fn decode_json_state(bytes: &[u8], ty: &Type) -> Result<Value, CodecError> {
    json::decode(bytes, ty, true)
}

/// Encodes a value of type `ty` as msgpack.
pub fn encode_msgpack(v: &Value, ty: &Type) -> Result<Vec<u8>, CodecError> {
    msgpack::encode(v, ty)
}

/// Encodes a wholly known value of type `ty` as cty JSON. Unknown values
/// and infinite numbers have no JSON form and are an error.
pub fn encode_json(v: &Value, ty: &Type) -> Result<Vec<u8>, CodecError> {
    json::encode(v, ty)
}

/// Decodes a DynamicValue: msgpack when present, JSON otherwise.
pub fn from_dynamic(dv: &pb::DynamicValue, ty: &Type) -> Result<Value, CodecError> {
    if !dv.msgpack.is_empty() {
        decode_msgpack(&dv.msgpack, ty)
    } else if !dv.json.is_empty() {
        decode_json(&dv.json, ty)
    } else {
        Err(CodecError::Empty)
    }
}

/// Encodes a value as a msgpack DynamicValue.
pub fn to_dynamic(v: &Value, ty: &Type) -> Result<pb::DynamicValue, CodecError> {
    Ok(pb::DynamicValue {
        msgpack: encode_msgpack(v, ty)?,
        json: Vec::new(),
    })
}

/// The type a value stored under `dynamic` is sent with. Null and unknown
/// infer as `dynamic`; collection element types are unified across the
/// elements (null and unknown elements fit any type) and fall back to
/// `dynamic` when the elements disagree, in which case each element carries
/// its own type on the wire. An empty list infers as `list(dynamic)`.
pub fn infer_type(v: &Value) -> Type {
    match v {
        Value::Null | Value::Unknown => Type::Dynamic,
        Value::Bool(_) => Type::Bool,
        Value::Number(_) => Type::Number,
        Value::String(_) => Type::String,
        Value::List(items) => Type::list(unify_all(items.iter())),
        Value::Set(items) => Type::set(unify_all(items.iter())),
        Value::Map(entries) => Type::map(unify_all(entries.values())),
        Value::Tuple(items) => Type::Tuple(items.iter().map(infer_type).collect()),
        Value::Object(attrs) => Type::Object(
            attrs
                .iter()
                .map(|(k, v)| (k.clone(), infer_type(v)))
                .collect(),
        ),
    }
}

fn unify_all<'a>(values: impl Iterator<Item = &'a Value>) -> Type {
    values.map(infer_type).fold(Type::Dynamic, unify)
}

/// The most specific type both `a` and `b` fit, `dynamic` when they conflict.
fn unify(a: Type, b: Type) -> Type {
    if a == b {
        return a;
    }
    match (a, b) {
        (Type::Dynamic, t) | (t, Type::Dynamic) => t,
        (Type::List(x), Type::List(y)) => Type::list(unify(*x, *y)),
        (Type::Set(x), Type::Set(y)) => Type::set(unify(*x, *y)),
        (Type::Map(x), Type::Map(y)) => Type::map(unify(*x, *y)),
        (Type::Tuple(x), Type::Tuple(y)) if x.len() == y.len() => {
            Type::Tuple(x.into_iter().zip(y).map(|(x, y)| unify(x, y)).collect())
        }
        (Type::Object(x), Type::Object(y)) if x.keys().eq(y.keys()) => Type::Object(
            x.into_iter()
                .zip(y)
                .map(|((k, x), (_, y))| (k, unify(x, y)))
                .collect(),
        ),
        _ => Type::Dynamic,
    }
}

#[cfg(test)]
mod tests;
