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
use std::collections::BTreeMap;

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
/// elements (null and unknown elements fit any type) and become `dynamic`
/// where the elements disagree, in which case each element carries its own
/// type on the wire. An empty list infers as `list(dynamic)`.
pub fn infer_type(v: &Value) -> Type {
    infer(v).into_type()
}

/// A type being inferred. `Free` is a position no value constrains yet
/// (null, unknown, or the elements of an empty collection); `Mixed` is one
/// where values disagree. Both end up as `dynamic`, but only `Free` yields
/// to another element's type during unification.
enum Inferred {
    Free,
    Mixed,
    Bool,
    Number,
    String,
    List(Box<Inferred>),
    Set(Box<Inferred>),
    Map(Box<Inferred>),
    Tuple(Vec<Inferred>),
    Object(BTreeMap<String, Inferred>),
}

fn infer(v: &Value) -> Inferred {
    let elements = |items: &mut dyn Iterator<Item = &Value>| {
        Box::new(items.map(infer).fold(Inferred::Free, unify))
    };
    match v {
        Value::Null | Value::Unknown => Inferred::Free,
        Value::Bool(_) => Inferred::Bool,
        Value::Number(_) => Inferred::Number,
        Value::String(_) => Inferred::String,
        Value::List(items) => Inferred::List(elements(&mut items.iter())),
        Value::Set(items) => Inferred::Set(elements(&mut items.iter())),
        Value::Map(entries) => Inferred::Map(elements(&mut entries.values())),
        Value::Tuple(items) => Inferred::Tuple(items.iter().map(infer).collect()),
        Value::Object(attrs) => {
            Inferred::Object(attrs.iter().map(|(k, v)| (k.clone(), infer(v))).collect())
        }
    }
}

/// The most specific type both `a` and `b` fit.
fn unify(a: Inferred, b: Inferred) -> Inferred {
    use Inferred as I;
    match (a, b) {
        (I::Free, t) | (t, I::Free) => t,
        (I::Bool, I::Bool) => I::Bool,
        (I::Number, I::Number) => I::Number,
        (I::String, I::String) => I::String,
        (I::List(x), I::List(y)) => I::List(Box::new(unify(*x, *y))),
        (I::Set(x), I::Set(y)) => I::Set(Box::new(unify(*x, *y))),
        (I::Map(x), I::Map(y)) => I::Map(Box::new(unify(*x, *y))),
        (I::Tuple(x), I::Tuple(y)) if x.len() == y.len() => {
            I::Tuple(x.into_iter().zip(y).map(|(x, y)| unify(x, y)).collect())
        }
        (I::Object(x), I::Object(y)) if x.keys().eq(y.keys()) => I::Object(
            x.into_iter()
                .zip(y)
                .map(|((k, x), (_, y))| (k, unify(x, y)))
                .collect(),
        ),
        _ => I::Mixed,
    }
}

impl Inferred {
    fn into_type(self) -> Type {
        match self {
            Inferred::Free | Inferred::Mixed => Type::Dynamic,
            Inferred::Bool => Type::Bool,
            Inferred::Number => Type::Number,
            Inferred::String => Type::String,
            Inferred::List(t) => Type::list(t.into_type()),
            Inferred::Set(t) => Type::set(t.into_type()),
            Inferred::Map(t) => Type::map(t.into_type()),
            Inferred::Tuple(ts) => Type::Tuple(ts.into_iter().map(Inferred::into_type).collect()),
            Inferred::Object(attrs) => {
                Type::Object(attrs.into_iter().map(|(k, t)| (k, t.into_type())).collect())
            }
        }
    }
}

#[cfg(test)]
mod tests;
