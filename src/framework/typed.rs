//! Typed values of a schema: [`Known<T>`] (null, unknown or a value) and
//! objects whose fields are the schema's attributes, declared once with
//! [`typed_object!`](crate::typed_object). A resource decodes a state or a
//! configuration into its typed object once, at the boundary, and then
//! reads fields: a misspelt attribute is a compile error rather than a null.
//!
//! Collections (lists, sets, maps) stay [`Value`]s inside a typed object,
//! since their elements may be unknown one by one at plan time; the field
//! name is still typed.

use std::collections::BTreeMap;

use crate::tfplugin::diag::PathStep;
use crate::tfplugin::{AttrPath, Number, Value};

/// A value that did not have the type its field declares (a provider bug:
/// the framework decodes with the schema's type first).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path} should be {expected}")]
pub struct DecodeError {
    pub path: String,
    pub expected: &'static str,
}

impl DecodeError {
    pub fn new(path: &AttrPath, expected: &'static str) -> Self {
        DecodeError {
            path: path.to_string(),
            expected,
        }
    }
}

/// A value of a schema type other than a collection: a string, number,
/// bool, or a typed object.
pub trait FromValue: Sized {
    /// Decodes a value that is neither null nor unknown.
    fn from_value(v: &Value, path: &AttrPath) -> Result<Self, DecodeError>;
    fn to_value(&self) -> Value;
}

impl FromValue for String {
    fn from_value(v: &Value, path: &AttrPath) -> Result<Self, DecodeError> {
        v.as_str()
            .map(str::to_string)
            .ok_or_else(|| DecodeError::new(path, "a string"))
    }
    fn to_value(&self) -> Value {
        Value::String(self.clone())
    }
}

impl FromValue for Number {
    fn from_value(v: &Value, path: &AttrPath) -> Result<Self, DecodeError> {
        v.as_number()
            .cloned()
            .ok_or_else(|| DecodeError::new(path, "a number"))
    }
    fn to_value(&self) -> Value {
        Value::Number(self.clone())
    }
}

impl FromValue for bool {
    fn from_value(v: &Value, path: &AttrPath) -> Result<Self, DecodeError> {
        v.as_bool().ok_or_else(|| DecodeError::new(path, "a bool"))
    }
    fn to_value(&self) -> Value {
        Value::Bool(*self)
    }
}

/// Null, not known until apply, or a value.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Known<T> {
    #[default]
    Null,
    Unknown,
    Value(T),
}

impl<T> Known<T> {
    pub fn is_null(&self) -> bool {
        matches!(self, Known::Null)
    }
    pub fn is_unknown(&self) -> bool {
        matches!(self, Known::Unknown)
    }
    /// The value, when there is one.
    pub fn get(&self) -> Option<&T> {
        match self {
            Known::Value(v) => Some(v),
            _ => None,
        }
    }
    pub fn get_mut(&mut self) -> Option<&mut T> {
        match self {
            Known::Value(v) => Some(v),
            _ => None,
        }
    }
    /// Null for `None`.
    pub fn from_option(v: Option<T>) -> Self {
        v.map_or(Known::Null, Known::Value)
    }
}

impl Known<String> {
    pub fn as_str(&self) -> Option<&str> {
        self.get().map(String::as_str)
    }
    /// A known string.
    pub fn string(s: impl Into<String>) -> Self {
        Known::Value(s.into())
    }
}

impl Known<Number> {
    pub fn as_i64(&self) -> Option<i64> {
        self.get().and_then(Number::as_i64)
    }
    pub fn int(i: i64) -> Self {
        Known::Value(Number::from(i))
    }
}

impl Known<bool> {
    pub fn as_bool(&self) -> Option<bool> {
        self.get().copied()
    }
}

/// How a field of a typed object is read from and written to its value.
pub trait Field: Sized {
    fn decode(v: &Value, path: &AttrPath) -> Result<Self, DecodeError>;
    fn encode(&self) -> Value;
}

impl<T: FromValue> Field for Known<T> {
    fn decode(v: &Value, path: &AttrPath) -> Result<Self, DecodeError> {
        match v {
            Value::Null => Ok(Known::Null),
            Value::Unknown => Ok(Known::Unknown),
            v => T::from_value(v, path).map(Known::Value),
        }
    }
    fn encode(&self) -> Value {
        match self {
            Known::Null => Value::Null,
            Known::Unknown => Value::Unknown,
            Known::Value(v) => v.to_value(),
        }
    }
}

impl<T: FromValue> Known<T> {
    /// Known all the way down (null counts as known).
    pub fn is_wholly_known(&self) -> bool {
        match self {
            Known::Null => true,
            Known::Unknown => false,
            Known::Value(v) => v.to_value().is_wholly_known(),
        }
    }
}

/// Collections are kept as they are.
impl Field for Value {
    fn decode(v: &Value, _path: &AttrPath) -> Result<Self, DecodeError> {
        Ok(v.clone())
    }
    fn encode(&self) -> Value {
        self.clone()
    }
}

/// The attribute `name` of an object value (null when absent), for the
/// generated decoders.
pub fn member<'a>(m: &'a BTreeMap<String, Value>, name: &str) -> &'a Value {
    static NULL: Value = Value::Null;
    m.get(name).unwrap_or(&NULL)
}

/// `path` extended by `name`, for the generated decoders.
pub fn step(path: &AttrPath, name: &str) -> AttrPath {
    let mut p = path.clone();
    p.0.push(PathStep::Attr(name.to_string()));
    p
}

/// Declares a struct whose fields are the attributes of an object type
/// (field name = attribute name; `r#type` stands for `type`), with its
/// [`FromValue`] implementation and `NAMES`, the attribute names in
/// declaration order. Fields are `Known<T>` for strings, numbers, bools and
/// nested typed objects, and `Value` for collections.
#[macro_export]
macro_rules! typed_object {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident {
            $( $(#[$fmeta:meta])* $field:ident : $ty:ty ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Default)]
        $vis struct $name {
            $( $(#[$fmeta])* pub $field: $ty, )*
        }

        /// The attribute names: `NAMES` in declaration order, and one
        /// constant per field named like it (`State::instance_type`), so
        /// the schema and diagnostic paths use the name written here.
        #[allow(dead_code, non_upper_case_globals)]
        impl $name {
            pub const NAMES: &'static [&'static str] = &[$($crate::typed_object!(@name $field)),*];
            $( pub const $field: &'static str = $crate::typed_object!(@name $field); )*
        }

        impl $crate::framework::typed::FromValue for $name {
            fn from_value(
                v: &$crate::tfplugin::Value,
                path: &$crate::tfplugin::AttrPath,
            ) -> Result<Self, $crate::framework::typed::DecodeError> {
                let $crate::tfplugin::Value::Object(m) = v else {
                    return Err($crate::framework::typed::DecodeError::new(path, "an object"));
                };
                Ok($name {
                    $( $field: <$ty as $crate::framework::typed::Field>::decode(
                        $crate::framework::typed::member(m, $crate::typed_object!(@name $field)),
                        &$crate::framework::typed::step(path, $crate::typed_object!(@name $field)),
                    )?, )*
                })
            }

            fn to_value(&self) -> $crate::tfplugin::Value {
                $crate::tfplugin::Value::Object(::std::collections::BTreeMap::from([
                    $( (
                        $crate::typed_object!(@name $field).to_string(),
                        $crate::framework::typed::Field::encode(&self.$field),
                    ), )*
                ]))
            }
        }
    };
    (@name r#type) => { "type" };
    (@name $field:ident) => { stringify!($field) };
}

/// Decodes a whole state or configuration (null or unknown as such).
pub fn decode<T: FromValue>(v: &Value) -> Result<Known<T>, DecodeError> {
    <Known<T> as Field>::decode(v, &AttrPath::default())
}

/// Encodes a whole state.
pub fn encode<T: FromValue>(v: &Known<T>) -> Value {
    v.encode()
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::typed_object! {
        /// A test object.
        struct Size {
            r#type: Known<String>,
            value: Known<Number>,
        }
    }

    crate::typed_object! {
        struct Thing {
            name: Known<String>,
            on: Known<bool>,
            size: Known<Size>,
            tags: Value,
        }
    }

    #[test]
    fn objects_round_trip_with_every_attribute() {
        let v = Value::Object(BTreeMap::from([
            ("name".to_string(), Value::string("a")),
            ("on".to_string(), Value::Unknown),
            (
                "size".to_string(),
                Value::Object(BTreeMap::from([
                    ("type".to_string(), Value::string("INSTANCE_COUNT")),
                    ("value".to_string(), Value::int(2)),
                ])),
            ),
            ("tags".to_string(), Value::Null),
        ]));
        let t = decode::<Thing>(&v).unwrap();
        let thing = t.get().unwrap();
        assert_eq!(thing.name.as_str(), Some("a"));
        assert!(thing.on.is_unknown());
        let size = thing.size.get().unwrap();
        assert_eq!(size.r#type.as_str(), Some("INSTANCE_COUNT"));
        assert_eq!(size.value.as_i64(), Some(2));
        assert_eq!(encode(&t), v);
        assert_eq!(Thing::NAMES, ["name", "on", "size", "tags"]);
        assert_eq!(Size::NAMES, ["type", "value"]);
    }

    #[test]
    fn absent_attributes_read_as_null_and_wrong_types_name_the_path() {
        let partial = Value::Object(BTreeMap::from([("name".to_string(), Value::string("a"))]));
        let t = decode::<Thing>(&partial).unwrap();
        assert!(t.get().unwrap().size.is_null());
        let bad = Value::Object(BTreeMap::from([(
            "size".to_string(),
            Value::Object(BTreeMap::from([("value".to_string(), Value::string("x"))])),
        )]));
        let e = decode::<Thing>(&bad).unwrap_err();
        assert_eq!(e.path, "size.value");
        assert_eq!(decode::<Thing>(&Value::Null).unwrap(), Known::Null);
        assert_eq!(decode::<Thing>(&Value::Unknown).unwrap(), Known::Unknown);
    }
}
