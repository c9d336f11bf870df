//! cty types, and their JSON form as used in schemas (`Attribute.type`),
//! function signatures and dynamic values.

use serde_json::{Value as Json, json};
use std::collections::BTreeMap;

/// A Terraform (cty) type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Type {
    Bool,
    Number,
    String,
    /// The "any type" placeholder; values of it travel with their own type.
    Dynamic,
    List(Box<Type>),
    Set(Box<Type>),
    Map(Box<Type>),
    Tuple(Vec<Type>),
    Object(BTreeMap<String, Type>),
}

/// A type JSON document we could not understand.
#[derive(Debug, thiserror::Error)]
#[error("invalid cty type JSON: {0}")]
pub struct TypeJsonError(pub String);

impl Type {
    pub fn list(t: Type) -> Type {
        Type::List(Box::new(t))
    }
    pub fn set(t: Type) -> Type {
        Type::Set(Box::new(t))
    }
    pub fn map(t: Type) -> Type {
        Type::Map(Box::new(t))
    }
    pub fn object<I: IntoIterator<Item = (S, Type)>, S: Into<String>>(attrs: I) -> Type {
        Type::Object(attrs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// The JSON form Terraform expects, e.g. `["map","string"]`.
    pub fn to_json(&self) -> Json {
        match self {
            Type::Bool => json!("bool"),
            Type::Number => json!("number"),
            Type::String => json!("string"),
            Type::Dynamic => json!("dynamic"),
            Type::List(t) => json!(["list", t.to_json()]),
            Type::Set(t) => json!(["set", t.to_json()]),
            Type::Map(t) => json!(["map", t.to_json()]),
            Type::Tuple(ts) => json!(["tuple", ts.iter().map(Type::to_json).collect::<Vec<_>>()]),
            Type::Object(attrs) => {
                let m: serde_json::Map<String, Json> = attrs
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_json()))
                    .collect();
                json!(["object", m])
            }
        }
    }

    /// The JSON form as bytes, for `Schema.Attribute.type`.
    pub fn to_json_bytes(&self) -> Vec<u8> {
        self.to_json().to_string().into_bytes()
    }

    /// Parses the JSON form. Optional-attribute markers on objects (a third
    /// array element listing attribute names, as in
    /// `["object",{"a":"string"},["a"]]`) are accepted and ignored.
    pub fn from_json(j: &Json) -> Result<Type, TypeJsonError> {
        let bad = || TypeJsonError(j.to_string());
        match j {
            Json::String(s) => match s.as_str() {
                "bool" => Ok(Type::Bool),
                "number" => Ok(Type::Number),
                "string" => Ok(Type::String),
                "dynamic" => Ok(Type::Dynamic),
                _ => Err(bad()),
            },
            Json::Array(a) => match (a.first().and_then(Json::as_str), a.len()) {
                (Some("list"), 2) => Ok(Type::list(Type::from_json(&a[1])?)),
                (Some("set"), 2) => Ok(Type::set(Type::from_json(&a[1])?)),
                (Some("map"), 2) => Ok(Type::map(Type::from_json(&a[1])?)),
                (Some("tuple"), 2) => {
                    let items = a[1].as_array().ok_or_else(bad)?;
                    Ok(Type::Tuple(
                        items
                            .iter()
                            .map(Type::from_json)
                            .collect::<Result<_, _>>()?,
                    ))
                }
                (Some("object"), 2 | 3) => {
                    let attrs = a[1].as_object().ok_or_else(bad)?;
                    let mut out = BTreeMap::new();
                    for (k, v) in attrs {
                        out.insert(k.clone(), Type::from_json(v)?);
                    }
                    if let Some(optional) = a.get(2) {
                        let names = optional.as_array().ok_or_else(bad)?;
                        let known = |n: &Json| n.as_str().is_some_and(|n| out.contains_key(n));
                        if !names.iter().all(known) {
                            return Err(bad());
                        }
                    }
                    Ok(Type::Object(out))
                }
                _ => Err(bad()),
            },
            _ => Err(bad()),
        }
    }

    /// Parses the JSON form from bytes (as found in `Schema.Attribute.type`
    /// and in dynamically typed msgpack values).
    pub fn from_json_bytes(bytes: &[u8]) -> Result<Type, TypeJsonError> {
        let j: Json = serde_json::from_slice(bytes).map_err(|e| TypeJsonError(e.to_string()))?;
        Type::from_json(&j)
    }
}

/// A compact, HCL-like rendering for messages: `list(string)`,
/// `object({a=string, b=number})`, `tuple([bool, string])`.
impl std::fmt::Display for Type {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Type::Bool => f.write_str("bool"),
            Type::Number => f.write_str("number"),
            Type::String => f.write_str("string"),
            Type::Dynamic => f.write_str("any"),
            Type::List(t) => write!(f, "list({t})"),
            Type::Set(t) => write!(f, "set({t})"),
            Type::Map(t) => write!(f, "map({t})"),
            Type::Tuple(ts) => {
                f.write_str("tuple([")?;
                for (i, t) in ts.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{t}")?;
                }
                f.write_str("])")
            }
            Type::Object(attrs) => {
                f.write_str("object({")?;
                for (i, (k, t)) in attrs.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k}={t}")?;
                }
                f.write_str("})")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(t: &Type) {
        let j = t.to_json();
        assert_eq!(&Type::from_json(&j).unwrap(), t, "{j}");
        assert_eq!(&Type::from_json_bytes(&t.to_json_bytes()).unwrap(), t);
    }

    #[test]
    fn json_forms_of_every_kind() {
        assert_eq!(Type::Bool.to_json(), json!("bool"));
        assert_eq!(Type::Dynamic.to_json(), json!("dynamic"));
        assert_eq!(
            Type::list(Type::String).to_json(),
            json!(["list", "string"])
        );
        assert_eq!(Type::set(Type::Number).to_json(), json!(["set", "number"]));
        assert_eq!(Type::map(Type::Bool).to_json(), json!(["map", "bool"]));
        assert_eq!(
            Type::Tuple(vec![Type::String, Type::Dynamic]).to_json(),
            json!(["tuple", ["string", "dynamic"]])
        );
        assert_eq!(
            Type::object([("b", Type::Number), ("a", Type::list(Type::String))]).to_json(),
            json!(["object", {"a": ["list", "string"], "b": "number"}])
        );
        assert_eq!(
            Type::object([("a", Type::String)]).to_json_bytes(),
            br#"["object",{"a":"string"}]"#.to_vec()
        );
    }

    #[test]
    fn json_round_trips() {
        for t in [
            Type::Bool,
            Type::Number,
            Type::String,
            Type::Dynamic,
            Type::list(Type::String),
            Type::set(Type::map(Type::Number)),
            Type::map(Type::list(Type::Dynamic)),
            Type::Tuple(vec![]),
            Type::Tuple(vec![Type::Bool, Type::set(Type::String)]),
            Type::object(Vec::<(String, Type)>::new()),
            Type::object([
                ("name", Type::String),
                (
                    "nested",
                    Type::object([("x", Type::Tuple(vec![Type::Number]))]),
                ),
                ("tags", Type::map(Type::String)),
            ]),
        ] {
            round_trip(&t);
        }
    }

    #[test]
    fn optional_attribute_markers_are_accepted() {
        let j = json!(["object", {"a": "string", "b": "number"}, ["b"]]);
        assert_eq!(
            Type::from_json(&j).unwrap(),
            Type::object([("a", Type::String), ("b", Type::Number)])
        );
        let nested = json!(["list", ["object", {"x": "bool"}, ["x"]]]);
        assert_eq!(
            Type::from_json(&nested).unwrap(),
            Type::list(Type::object([("x", Type::Bool)]))
        );
    }

    #[test]
    fn bad_type_json_is_rejected() {
        for bad in [
            json!("float"),
            json!(1),
            json!(null),
            json!([]),
            json!(["list"]),
            json!(["list", "string", "extra"]),
            json!(["map", "nope"]),
            json!(["tuple", "string"]),
            json!(["object", ["a"]]),
            json!(["object", {"a": "string"}, ["missing"]]),
            json!(["object", {"a": "string"}, "a"]),
            json!(["set", "string", ["x"]]),
            json!(["frobnicate", "string"]),
        ] {
            assert!(Type::from_json(&bad).is_err(), "{bad} should be rejected");
        }
        assert!(Type::from_json_bytes(b"[\"list\",").is_err());
    }

    #[test]
    fn display_is_compact() {
        let t = Type::object([
            ("a", Type::list(Type::String)),
            ("b", Type::Tuple(vec![Type::Bool, Type::Dynamic])),
        ]);
        assert_eq!(
            t.to_string(),
            "object({a=list(string), b=tuple([bool, any])})"
        );
    }
}
