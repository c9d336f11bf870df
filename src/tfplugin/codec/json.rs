//! The JSON form of values (cty JSON): `DynamicValue.json` and stored state.
//!
//! Like cty, decoding is forgiving about primitive spellings: a number or a
//! bool may arrive as a string (`"42"`, `"true"`), and a string attribute
//! may arrive as a JSON number or bool. Numbers keep their full precision.

use super::jsontext::{self, Json};
use super::{CodecError, infer_type, mismatch, value_kind, with_step};
use crate::tfplugin::diag::{AttrPath, PathStep};
use crate::tfplugin::{Number, Type, Value};
use std::collections::BTreeMap;

pub(super) fn decode(bytes: &[u8], ty: &Type, lenient: bool) -> Result<Value, CodecError> {
    let doc = jsontext::parse(bytes)?;
    Decoder { lenient }.value(&doc, ty, &mut AttrPath::default())
}

struct Decoder {
    /// Drop object attributes the type lacks instead of failing.
    lenient: bool,
}

impl Decoder {
    fn value(&self, j: &Json, ty: &Type, path: &mut AttrPath) -> Result<Value, CodecError> {
        if *j == Json::Null {
            return Ok(Value::Null);
        }
        let wrong = |path: &AttrPath| mismatch(path, ty, j.describe());
        match ty {
            Type::Bool => match j {
                Json::Bool(b) => Ok(Value::Bool(*b)),
                Json::String(s) if s == "true" => Ok(Value::Bool(true)),
                Json::String(s) if s == "false" => Ok(Value::Bool(false)),
                _ => Err(wrong(path)),
            },
            Type::Number => match j {
                Json::Number(text) | Json::String(text) => Number::parse(text)
                    .map(Value::Number)
                    .ok_or_else(|| wrong(path)),
                _ => Err(wrong(path)),
            },
            Type::String => match j {
                Json::String(s) | Json::Number(s) => Ok(Value::String(s.clone())),
                Json::Bool(b) => Ok(Value::String(b.to_string())),
                _ => Err(wrong(path)),
            },
            Type::List(elem) => match j {
                Json::Array(items) => self.items(items, |_| elem, path).map(Value::List),
                _ => Err(wrong(path)),
            },
            Type::Set(elem) => match j {
                Json::Array(items) => self.items(items, |_| elem, path).map(Value::Set),
                _ => Err(wrong(path)),
            },
            Type::Tuple(elems) => match j {
                Json::Array(items) if items.len() == elems.len() => {
                    self.items(items, |i| &elems[i], path).map(Value::Tuple)
                }
                _ => Err(wrong(path)),
            },
            Type::Map(elem) => match j {
                Json::Object(members) => {
                    let mut out = BTreeMap::new();
                    for (k, v) in members {
                        let val =
                            with_step(path, PathStep::Key(k.clone()), |p| self.value(v, elem, p))?;
                        out.insert(k.clone(), val);
                    }
                    Ok(Value::Map(out))
                }
                _ => Err(wrong(path)),
            },
            Type::Object(attrs) => match j {
                Json::Object(members) => {
                    let mut out = BTreeMap::new();
                    for (name, v) in members {
                        let Some(attr_ty) = attrs.get(name) else {
                            if self.lenient {
                                continue;
                            }
                            return Err(CodecError::UnsupportedAttribute {
                                path: path.clone(),
                                name: name.clone(),
                            });
                        };
                        let val = with_step(path, PathStep::Attr(name.clone()), |p| {
                            self.value(v, attr_ty, p)
                        })?;
                        out.insert(name.clone(), val);
                    }
                    for name in attrs.keys() {
                        out.entry(name.clone()).or_insert(Value::Null);
                    }
                    Ok(Value::Object(out))
                }
                _ => Err(wrong(path)),
            },
            Type::Dynamic => self.dynamic(j, path),
        }
    }

    fn items<'t>(
        &self,
        items: &[Json],
        elem_ty: impl Fn(usize) -> &'t Type,
        path: &mut AttrPath,
    ) -> Result<Vec<Value>, CodecError> {
        items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                with_step(path, PathStep::Index(i as i64), |p| {
                    self.value(item, elem_ty(i), p)
                })
            })
            .collect()
    }

    /// A value of type `dynamic`: `{"value": …, "type": …}`; a missing
    /// `value` means null.
    fn dynamic(&self, j: &Json, path: &mut AttrPath) -> Result<Value, CodecError> {
        let bad = |path: &AttrPath, detail: String| CodecError::Type {
            path: path.clone(),
            expected: r#"{"value": …, "type": …} for a dynamically typed value"#.to_string(),
            detail,
        };
        let Json::Object(members) = j else {
            return Err(bad(path, j.describe()));
        };
        let mut ty = None;
        let mut value = None;
        for (name, v) in members {
            match name.as_str() {
                "type" => {
                    let t = type_from_json(v).map_err(|e| bad(path, e))?;
                    ty = Some(t);
                }
                "value" => value = Some(v),
                other => return Err(bad(path, format!("the member {other:?}"))),
            }
        }
        let Some(ty) = ty else {
            return Err(bad(path, "no \"type\" member".to_string()));
        };
        match value {
            Some(v) => self.value(v, &ty, path),
            None => Ok(Value::Null),
        }
    }
}

/// Converts our JSON tree into a [`Type`] (type JSON holds no numbers).
fn type_from_json(j: &Json) -> Result<Type, String> {
    fn convert(j: &Json) -> Result<serde_json::Value, String> {
        Ok(match j {
            Json::String(s) => serde_json::Value::String(s.clone()),
            Json::Array(items) => {
                serde_json::Value::Array(items.iter().map(convert).collect::<Result<_, _>>()?)
            }
            Json::Object(members) => serde_json::Value::Object(
                members
                    .iter()
                    .map(|(k, v)| Ok((k.clone(), convert(v)?)))
                    .collect::<Result<_, String>>()?,
            ),
            other => return Err(format!("{} in the type", other.describe())),
        })
    }
    Type::from_json(&convert(j)?).map_err(|e| e.to_string())
}

pub(super) fn encode(v: &Value, ty: &Type) -> Result<Vec<u8>, CodecError> {
    let mut out = String::new();
    write_value(&mut out, v, ty, &mut AttrPath::default())?;
    Ok(out.into_bytes())
}

fn write_value(
    out: &mut String,
    v: &Value,
    ty: &Type,
    path: &mut AttrPath,
) -> Result<(), CodecError> {
    let wrong = |path: &AttrPath| mismatch(path, ty, value_kind(v));
    match (ty, v) {
        (_, Value::Null) => out.push_str("null"),
        (_, Value::Unknown) => {
            return Err(CodecError::Type {
                path: path.clone(),
                expected: "a known value (JSON cannot carry unknowns)".to_string(),
                detail: "an unknown value".to_string(),
            });
        }
        (Type::Dynamic, _) => {
            let actual = infer_type(v);
            out.push_str("{\"value\":");
            write_value(out, v, &actual, path)?;
            out.push_str(",\"type\":");
            out.push_str(&actual.to_json().to_string());
            out.push('}');
        }
        (Type::Bool, Value::Bool(b)) => out.push_str(if *b { "true" } else { "false" }),
        (Type::Number, Value::Number(n)) => match n.normalized() {
            Some(Number::Float(f)) if !f.is_finite() => {
                return Err(mismatch(
                    path,
                    ty,
                    "an infinite number, which JSON cannot carry",
                ));
            }
            Some(n) => out.push_str(&n.to_string()),
            None => return Err(mismatch(path, ty, format!("{n:?}, which is not a number"))),
        },
        (Type::String, Value::String(s)) => write_string(out, s),
        (Type::List(elem) | Type::Set(elem), _) => {
            let items = v.as_elements().ok_or_else(|| wrong(path))?;
            write_items(out, items, |_| elem, path)?;
        }
        (Type::Tuple(elems), _) => match v.as_elements() {
            Some(items) if items.len() == elems.len() => {
                write_items(out, items, |i| &elems[i], path)?
            }
            _ => return Err(wrong(path)),
        },
        (Type::Map(elem), _) => {
            let entries = v.as_object().ok_or_else(|| wrong(path))?;
            out.push('{');
            for (i, (k, item)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, k);
                out.push(':');
                with_step(path, PathStep::Key(k.clone()), |p| {
                    write_value(out, item, elem, p)
                })?;
            }
            out.push('}');
        }
        (Type::Object(attrs), _) => {
            let given = v.as_object().ok_or_else(|| wrong(path))?;
            if let Some(extra) = given.keys().find(|k| !attrs.contains_key(*k)) {
                return Err(CodecError::UnsupportedAttribute {
                    path: path.clone(),
                    name: extra.clone(),
                });
            }
            out.push('{');
            for (i, (name, attr_ty)) in attrs.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, name);
                out.push(':');
                let item = given.get(name).unwrap_or(&Value::Null);
                with_step(path, PathStep::Attr(name.clone()), |p| {
                    write_value(out, item, attr_ty, p)
                })?;
            }
            out.push('}');
        }
        _ => return Err(wrong(path)),
    }
    Ok(())
}

fn write_items<'t>(
    out: &mut String,
    items: &[Value],
    elem_ty: impl Fn(usize) -> &'t Type,
    path: &mut AttrPath,
) -> Result<(), CodecError> {
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        with_step(path, PathStep::Index(i as i64), |p| {
            write_value(out, item, elem_ty(i), p)
        })?;
    }
    out.push(']');
    Ok(())
}

fn write_string(out: &mut String, s: &str) {
    out.push_str(&serde_json::Value::String(s.to_string()).to_string());
}
