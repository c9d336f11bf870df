//! The msgpack form of values (`DynamicValue.msgpack`): decoding against a
//! type and encoding, following cty's conventions (see the parent module).

use super::{CodecError, infer_type, mismatch, value_kind, with_step};
use crate::tfplugin::diag::{AttrPath, PathStep};
use crate::tfplugin::{Number, Type, Value};
use rmpv::Value as Raw;
use std::collections::BTreeMap;

/// The extension code of a plain unknown value.
const UNKNOWN_EXT: i8 = 0;

pub(super) fn decode(bytes: &[u8], ty: &Type) -> Result<Value, CodecError> {
    let mut rest = bytes;
    let raw =
        rmpv::decode::read_value(&mut rest).map_err(|e| CodecError::Msgpack(e.to_string()))?;
    if !rest.is_empty() {
        return Err(CodecError::Msgpack(format!(
            "{} unexpected bytes after the value",
            rest.len()
        )));
    }
    decode_value(&raw, ty, &mut AttrPath::default())
}

pub(super) fn encode(v: &Value, ty: &Type) -> Result<Vec<u8>, CodecError> {
    let raw = encode_value(v, ty, &mut AttrPath::default())?;
    let mut out = Vec::new();
    rmpv::encode::write_value(&mut out, &raw).map_err(|e| CodecError::Msgpack(e.to_string()))?;
    Ok(out)
}

/// A short description of a msgpack value, for error messages.
fn describe(raw: &Raw) -> String {
    match raw {
        Raw::Nil => "nil".into(),
        Raw::Boolean(b) => format!("the bool {b}"),
        Raw::Integer(i) => format!("the integer {i}"),
        Raw::F32(f) => format!("the float {f}"),
        Raw::F64(f) => format!("the float {f}"),
        Raw::String(s) => match s.as_str() {
            Some(s) if s.len() <= 64 => format!("the string {s:?}"),
            Some(s) => format!("a string of {} bytes", s.len()),
            None => "a string that is not valid UTF-8".into(),
        },
        Raw::Binary(b) => format!("binary data of {} bytes", b.len()),
        Raw::Array(a) => format!("an array of {} elements", a.len()),
        Raw::Map(m) => format!("a map of {} entries", m.len()),
        Raw::Ext(code, _) => format!("extension {code}"),
    }
}

fn decode_value(raw: &Raw, ty: &Type, path: &mut AttrPath) -> Result<Value, CodecError> {
    match raw {
        Raw::Nil => return Ok(Value::Null),
        // Code 0 is a plain unknown and code 12 a refined one; we treat every
        // extension as unknown and ignore its payload.
        Raw::Ext(..) => return Ok(Value::Unknown),
        _ => {}
    }
    let wrong = |path: &AttrPath| mismatch(path, ty, describe(raw));
    match ty {
        Type::Bool => match raw {
            Raw::Boolean(b) => Ok(Value::Bool(*b)),
            _ => Err(wrong(path)),
        },
        Type::Number => decode_number(raw)
            .map(Value::Number)
            .ok_or_else(|| wrong(path)),
        Type::String => decode_str(raw)
            .map(|s| Value::String(s.to_string()))
            .ok_or_else(|| wrong(path)),
        Type::List(elem) => {
            let items = raw.as_array().ok_or_else(|| wrong(path))?;
            decode_items(items, |_| elem, path).map(Value::List)
        }
        Type::Set(elem) => {
            let items = raw.as_array().ok_or_else(|| wrong(path))?;
            decode_items(items, |_| elem, path).map(Value::Set)
        }
        Type::Tuple(elems) => match raw.as_array() {
            Some(items) if items.len() == elems.len() => {
                decode_items(items, |i| &elems[i], path).map(Value::Tuple)
            }
            _ => Err(wrong(path)),
        },
        Type::Map(elem) => {
            let entries = raw.as_map().ok_or_else(|| wrong(path))?;
            let mut out = BTreeMap::new();
            for (k, v) in entries {
                let key = map_key(k, path)?;
                let val = with_step(path, PathStep::Key(key.to_string()), |p| {
                    decode_value(v, elem, p)
                })?;
                out.insert(key.to_string(), val);
            }
            Ok(Value::Map(out))
        }
        Type::Object(attrs) => {
            let entries = raw.as_map().ok_or_else(|| wrong(path))?;
            let mut out = BTreeMap::new();
            for (k, v) in entries {
                let name = map_key(k, path)?;
                let Some(attr_ty) = attrs.get(name) else {
                    return Err(CodecError::UnsupportedAttribute {
                        path: path.clone(),
                        name: name.to_string(),
                    });
                };
                let val = with_step(path, PathStep::Attr(name.to_string()), |p| {
                    decode_value(v, attr_ty, p)
                })?;
                out.insert(name.to_string(), val);
            }
            for name in attrs.keys() {
                out.entry(name.clone()).or_insert(Value::Null);
            }
            Ok(Value::Object(out))
        }
        Type::Dynamic => decode_dynamic(raw, path),
    }
}

fn decode_items<'t>(
    items: &[Raw],
    elem_ty: impl Fn(usize) -> &'t Type,
    path: &mut AttrPath,
) -> Result<Vec<Value>, CodecError> {
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            with_step(path, PathStep::Index(i as i64), |p| {
                decode_value(item, elem_ty(i), p)
            })
        })
        .collect()
}

/// A value of type `dynamic`: `[type JSON as bin or str, value]`.
fn decode_dynamic(raw: &Raw, path: &mut AttrPath) -> Result<Value, CodecError> {
    let expected = "a [type, value] pair for a dynamically typed value";
    let bad = |path: &AttrPath, detail: String| CodecError::Type {
        path: path.clone(),
        expected: expected.to_string(),
        detail,
    };
    let pair = match raw.as_array() {
        Some(items) if items.len() == 2 => items,
        _ => return Err(bad(path, describe(raw))),
    };
    let type_json = match &pair[0] {
        Raw::Binary(b) => b.as_slice(),
        Raw::String(s) => s.as_bytes(),
        other => return Err(bad(path, format!("{} as the type", describe(other)))),
    };
    let ty = Type::from_json_bytes(type_json).map_err(|e| bad(path, e.to_string()))?;
    decode_value(&pair[1], &ty, path)
}

fn decode_number(raw: &Raw) -> Option<Number> {
    match raw {
        Raw::Integer(i) => match (i.as_i64(), i.as_u64()) {
            (Some(i), _) => Some(Number::Int(i)),
            (None, Some(u)) => Some(Number::from_u64(u)),
            (None, None) => None,
        },
        Raw::F32(f) => Number::from_f64(f64::from(*f)),
        Raw::F64(f) => Number::from_f64(*f),
        Raw::String(s) => s.as_str().and_then(Number::parse),
        _ => None,
    }
}

/// Text from a msgpack str (or bin, which cty's decoder also accepts).
fn decode_str(raw: &Raw) -> Option<&str> {
    match raw {
        Raw::String(s) => s.as_str(),
        Raw::Binary(b) => std::str::from_utf8(b).ok(),
        _ => None,
    }
}

fn map_key<'r>(k: &'r Raw, path: &AttrPath) -> Result<&'r str, CodecError> {
    decode_str(k).ok_or_else(|| CodecError::Type {
        path: path.clone(),
        expected: "string map keys".to_string(),
        detail: describe(k),
    })
}

fn encode_value(v: &Value, ty: &Type, path: &mut AttrPath) -> Result<Raw, CodecError> {
    match v {
        Value::Null => return Ok(Raw::Nil),
        Value::Unknown => return Ok(Raw::Ext(UNKNOWN_EXT, vec![0])),
        _ => {}
    }
    let wrong = |path: &AttrPath| mismatch(path, ty, value_kind(v));
    match (ty, v) {
        (Type::Dynamic, _) => {
            let actual = infer_type(v);
            let inner = encode_value(v, &actual, path)?;
            Ok(Raw::Array(vec![Raw::Binary(actual.to_json_bytes()), inner]))
        }
        (Type::Bool, Value::Bool(b)) => Ok(Raw::Boolean(*b)),
        (Type::Number, Value::Number(n)) => match n.normalized() {
            Some(Number::Int(i)) => Ok(Raw::from(i)),
            Some(Number::Float(f)) => Ok(Raw::F64(f)),
            Some(Number::Big(s)) => Ok(Raw::from(s)),
            None => Err(mismatch(path, ty, format!("{n:?}, which is not a number"))),
        },
        (Type::String, Value::String(s)) => Ok(Raw::from(s.as_str())),
        (Type::List(elem) | Type::Set(elem), _) => {
            let items = v.as_elements().ok_or_else(|| wrong(path))?;
            encode_items(items, |_| elem, path)
        }
        (Type::Tuple(elems), _) => match v.as_elements() {
            Some(items) if items.len() == elems.len() => encode_items(items, |i| &elems[i], path),
            Some(items) => Err(mismatch(path, ty, format!("{} elements", items.len()))),
            None => Err(wrong(path)),
        },
        (Type::Map(elem), _) => {
            let entries = v.as_object().ok_or_else(|| wrong(path))?;
            let mut out = Vec::with_capacity(entries.len());
            for (k, item) in entries {
                let raw = with_step(path, PathStep::Key(k.clone()), |p| {
                    encode_value(item, elem, p)
                })?;
                out.push((Raw::from(k.as_str()), raw));
            }
            Ok(Raw::Map(out))
        }
        (Type::Object(attrs), _) => {
            let given = v.as_object().ok_or_else(|| wrong(path))?;
            if let Some(extra) = given.keys().find(|k| !attrs.contains_key(*k)) {
                return Err(CodecError::UnsupportedAttribute {
                    path: path.clone(),
                    name: extra.clone(),
                });
            }
            let mut out = Vec::with_capacity(attrs.len());
            for (name, attr_ty) in attrs {
                let item = given.get(name).unwrap_or(&Value::Null);
                let raw = with_step(path, PathStep::Attr(name.clone()), |p| {
                    encode_value(item, attr_ty, p)
                })?;
                out.push((Raw::from(name.as_str()), raw));
            }
            Ok(Raw::Map(out))
        }
        _ => Err(wrong(path)),
    }
}

fn encode_items<'t>(
    items: &[Value],
    elem_ty: impl Fn(usize) -> &'t Type,
    path: &mut AttrPath,
) -> Result<Raw, CodecError> {
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            with_step(path, PathStep::Index(i as i64), |p| {
                encode_value(item, elem_ty(i), p)
            })
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Raw::Array)
}
