//! Wire encodings of [`Value`]: msgpack (decode and encode) and JSON (decode),
//! driven by the expected [`Type`].
//!
//! PLACEHOLDER: the signatures are the contract; the implementation is being
//! written in this session.

use super::{Type, Value};
use crate::proto::tfplugin6 as pb;

#[derive(Debug, thiserror::Error)]
pub enum CodecError {
    #[error("malformed msgpack: {0}")]
    Msgpack(String),
    #[error("malformed JSON: {0}")]
    Json(String),
    #[error("value does not match type {expected}: {detail}")]
    Type { expected: String, detail: String },
    #[error("DynamicValue carries neither msgpack nor json")]
    Empty,
}

/// Decodes msgpack bytes as a value of type `ty`.
pub fn decode_msgpack(_bytes: &[u8], _ty: &Type) -> Result<Value, CodecError> {
    Err(CodecError::Msgpack("not implemented yet".into()))
}

/// Decodes JSON bytes as a value of type `ty`. Object attributes missing from
/// the JSON decode as null.
pub fn decode_json(_bytes: &[u8], _ty: &Type) -> Result<Value, CodecError> {
    Err(CodecError::Json("not implemented yet".into()))
}

/// Encodes a value of type `ty` as msgpack.
pub fn encode_msgpack(_v: &Value, _ty: &Type) -> Result<Vec<u8>, CodecError> {
    Err(CodecError::Msgpack("not implemented yet".into()))
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
