//! Unit tests for the codecs, with hand-written wire bytes in the shapes
//! Terraform sends.

use super::*;
use crate::tfplugin::Number;
use std::collections::BTreeMap;

fn obj(entries: &[(&str, Value)]) -> Value {
    Value::Object(
        entries
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    )
}

fn s(x: &str) -> Value {
    Value::string(x)
}

fn num(text: &str) -> Value {
    Value::Number(Number::parse(text).unwrap())
}

/// msgpack str header + bytes for short strings.
fn mp_str(x: &str) -> Vec<u8> {
    assert!(x.len() < 32);
    let mut out = vec![0xa0 | x.len() as u8];
    out.extend_from_slice(x.as_bytes());
    out
}

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

#[test]
fn msgpack_nil_is_null_for_every_type() {
    for ty in [
        Type::Bool,
        Type::Number,
        Type::String,
        Type::Dynamic,
        Type::list(Type::String),
        Type::object([("a", Type::String)]),
    ] {
        assert_eq!(decode_msgpack(&[0xc0], &ty).unwrap(), Value::Null, "{ty}");
    }
}

#[test]
fn msgpack_any_extension_is_unknown() {
    // Plain unknown as cty writes it: fixext1, code 0, one zero byte.
    assert_eq!(
        decode_msgpack(&[0xd4, 0, 0], &Type::String).unwrap(),
        Value::Unknown
    );
    // A refined unknown (code 12) whose payload says "not null, prefix foo":
    // ext8 with an 8-byte payload {1: true, 2: "foo"}.
    let refined = [
        0xc7, 0x08, 0x0c, 0x82, 0x01, 0xc3, 0x02, 0xa3, b'f', b'o', b'o',
    ];
    assert_eq!(
        decode_msgpack(&refined, &Type::String).unwrap(),
        Value::Unknown
    );
    // The same payload as fixext8, and a refined unknown number.
    let fixext8 = [0xd7, 0x0c, 0x82, 0x01, 0xc3, 0x02, 0xa3, b'f', b'o', b'o'];
    assert_eq!(
        decode_msgpack(&fixext8, &Type::Number).unwrap(),
        Value::Unknown
    );
    // Some other code we have never heard of.
    assert_eq!(
        decode_msgpack(&[0xd5, 0x42, 1, 2], &Type::object([("a", Type::Bool)])).unwrap(),
        Value::Unknown
    );
    // Unknown of dynamic type.
    assert_eq!(
        decode_msgpack(&[0xd4, 0, 0], &Type::Dynamic).unwrap(),
        Value::Unknown
    );
}

#[test]
fn msgpack_unknowns_nested_in_lists_and_objects() {
    let ty = Type::object([
        ("ids", Type::list(Type::String)),
        ("name", Type::String),
        ("tags", Type::map(Type::String)),
    ]);
    let refined = [0xc7, 0x03, 0x0c, 0x81, 0x01, 0xc3];
    let bytes = cat(&[
        &[0x83],
        &mp_str("ids"),
        &[0x92],
        &mp_str("a"),
        &[0xd4, 0, 0],
        &mp_str("name"),
        &refined,
        &mp_str("tags"),
        &[0x81],
        &mp_str("k"),
        &[0xd4, 0, 0],
    ]);
    let v = decode_msgpack(&bytes, &ty).unwrap();
    let mut tags = BTreeMap::new();
    tags.insert("k".to_string(), Value::Unknown);
    assert_eq!(
        v,
        obj(&[
            ("ids", Value::List(vec![s("a"), Value::Unknown])),
            ("name", Value::Unknown),
            ("tags", Value::Map(tags)),
        ])
    );
    assert!(!v.is_wholly_known());
    // Encoding writes plain unknowns, which decode the same way.
    assert_eq!(
        decode_msgpack(&encode_msgpack(&v, &ty).unwrap(), &ty).unwrap(),
        v
    );
}

#[test]
fn msgpack_numbers_in_every_form() {
    let n = |bytes: &[u8]| match decode_msgpack(bytes, &Type::Number).unwrap() {
        Value::Number(n) => n,
        other => panic!("not a number: {other:?}"),
    };
    assert!(matches!(n(&[0x05]), Number::Int(5)));
    assert!(matches!(n(&[0xff]), Number::Int(-1)));
    assert!(matches!(
        n(&[0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0]),
        Number::Int(i64::MIN)
    ));
    // uint64 max does not fit i64 and is kept exactly.
    assert!(
        matches!(n(&[0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), Number::Big(s) if s == "18446744073709551615")
    );
    // float32 1.5 and float64 0.25; an integral float becomes an int.
    assert!(matches!(n(&[0xca, 0x3f, 0xc0, 0, 0]), Number::Float(f) if f == 1.5));
    assert!(matches!(n(&[0xcb, 0x3f, 0xd0, 0, 0, 0, 0, 0, 0]), Number::Float(f) if f == 0.25));
    assert!(matches!(
        n(&[0xcb, 0x40, 0x08, 0, 0, 0, 0, 0, 0]),
        Number::Int(3)
    ));
    // Decimal strings, as Terraform sends numbers f64 cannot hold.
    assert!(matches!(n(&mp_str("0.1")), Number::Float(f) if f == 0.1));
    let big = "123456789012345678901234567890";
    assert!(matches!(n(&mp_str(big)), Number::Big(s) if s == big));
    assert!(matches!(n(&mp_str("1e400")), Number::Big(s) if s.len() == 401));
    // NaN and non-numeric strings are refused.
    assert!(decode_msgpack(&[0xcb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0], &Type::Number).is_err());
    let err = decode_msgpack(&mp_str("12abc"), &Type::Number).unwrap_err();
    assert!(err.to_string().contains("\"12abc\""), "{err}");
}

#[test]
fn msgpack_encodes_numbers_like_cty() {
    let enc = |n: Number| encode_msgpack(&Value::Number(n), &Type::Number).unwrap();
    assert_eq!(enc(Number::Int(5)), vec![0x05]);
    assert_eq!(enc(Number::Int(-1)), vec![0xff]);
    assert_eq!(enc(Number::Int(300)), vec![0xcd, 0x01, 0x2c]);
    assert_eq!(enc(Number::Float(3.0)), vec![0x03]);
    assert_eq!(
        enc(Number::Float(0.25)),
        vec![0xcb, 0x3f, 0xd0, 0, 0, 0, 0, 0, 0]
    );
    assert_eq!(enc(Number::Big("12345678901234567890123".into())), {
        let mut v = vec![0xb7];
        v.extend_from_slice(b"12345678901234567890123");
        v
    });
    // A Big that is really small is sent in its simplest form.
    assert_eq!(enc(Number::Big("7".into())), vec![0x07]);
    assert!(encode_msgpack(&Value::Number(Number::Big("x".into())), &Type::Number).is_err());
}

#[test]
fn msgpack_encodes_null_unknown_and_sorted_objects() {
    assert_eq!(
        encode_msgpack(&Value::Null, &Type::String).unwrap(),
        vec![0xc0]
    );
    assert_eq!(
        encode_msgpack(&Value::Unknown, &Type::String).unwrap(),
        vec![0xd4, 0, 0]
    );
    let ty = Type::object([
        ("name", Type::String),
        ("count", Type::Number),
        ("on", Type::Bool),
    ]);
    // "on" is missing from the value and goes out as nil.
    let v = obj(&[("name", s("x")), ("count", Value::int(1))]);
    let expected = cat(&[
        &[0x83],
        &mp_str("count"),
        &[0x01],
        &mp_str("name"),
        &mp_str("x"),
        &mp_str("on"),
        &[0xc0],
    ]);
    assert_eq!(encode_msgpack(&v, &ty).unwrap(), expected);
    // The same bytes (as cty would send them) decode back, with "on" null.
    let back = decode_msgpack(&expected, &ty).unwrap();
    assert_eq!(back.get("on"), &Value::Null);
    assert_eq!(back.get("count"), &Value::int(1));
}

#[test]
fn msgpack_objects_fill_missing_and_reject_unknown_attributes() {
    let ty = Type::object([("a", Type::String), ("b", Type::Number)]);
    let only_a = cat(&[&[0x81], &mp_str("a"), &mp_str("x")]);
    assert_eq!(
        decode_msgpack(&only_a, &ty).unwrap(),
        obj(&[("a", s("x")), ("b", Value::Null)])
    );
    let nested = Type::object([("outer", ty.clone())]);
    let bad = cat(&[&[0x81], &mp_str("outer"), &[0x81], &mp_str("zzz"), &[0x01]]);
    let err = decode_msgpack(&bad, &nested).unwrap_err();
    assert!(matches!(&err, CodecError::UnsupportedAttribute { name, .. } if name == "zzz"));
    assert_eq!(err.to_string(), "at outer: unsupported attribute \"zzz\"");
    assert_eq!(err.path().unwrap().to_string(), "outer");
    // Encoding an attribute the type lacks is refused too.
    let err = encode_msgpack(&obj(&[("c", s("x"))]), &ty).unwrap_err();
    assert!(err.to_string().contains("\"c\""), "{err}");
}

#[test]
fn msgpack_errors_name_the_path() {
    let ty = Type::object([(
        "container",
        Type::object([("ports", Type::list(Type::Number))]),
    )]);
    let bytes = cat(&[
        &[0x81],
        &mp_str("container"),
        &[0x81],
        &mp_str("ports"),
        &[0x92, 0x01],
        &mp_str("http"),
    ]);
    let err = decode_msgpack(&bytes, &ty).unwrap_err();
    assert_eq!(
        err.to_string(),
        "at container.ports[1]: expected number, got the string \"http\""
    );
    let map_ty = Type::map(Type::Bool);
    let bytes = cat(&[&[0x81], &mp_str("k"), &[0x07]]);
    let err = decode_msgpack(&bytes, &map_ty).unwrap_err();
    assert_eq!(
        err.to_string(),
        "at [\"k\"]: expected bool, got the integer 7"
    );
    let err = decode_msgpack(&[0x07], &Type::String).unwrap_err();
    assert_eq!(
        err.to_string(),
        "at the top level: expected string, got the integer 7"
    );
    // Encoding mismatches say where as well.
    let err = encode_msgpack(&obj(&[("container", obj(&[("ports", s("x"))]))]), &ty).unwrap_err();
    assert_eq!(
        err.to_string(),
        "at container.ports: expected list(number), got a string"
    );
}

#[test]
fn msgpack_rejects_malformed_bytes() {
    assert!(matches!(
        decode_msgpack(&[], &Type::String),
        Err(CodecError::Msgpack(_))
    ));
    assert!(matches!(
        decode_msgpack(&[0xa5, b'a'], &Type::String),
        Err(CodecError::Msgpack(_))
    ));
    assert!(matches!(
        decode_msgpack(&[0x01, 0x02], &Type::Number),
        Err(CodecError::Msgpack(_))
    ));
    // A tuple with the wrong number of elements.
    let tuple = Type::Tuple(vec![Type::String, Type::Number]);
    assert!(decode_msgpack(&[0x91, 0x01], &tuple).is_err());
}

#[test]
fn msgpack_dynamic_values_carry_their_type() {
    // [bin "\"string\"", "hi"], as cty writes a string under dynamic.
    let mut bytes = vec![0x92, 0xc4, 8];
    bytes.extend_from_slice(b"\"string\"");
    bytes.extend_from_slice(&mp_str("hi"));
    assert_eq!(decode_msgpack(&bytes, &Type::Dynamic).unwrap(), s("hi"));
    assert_eq!(encode_msgpack(&s("hi"), &Type::Dynamic).unwrap(), bytes);
    // The type may also come as a str.
    let type_json = br#"["list","number"]"#;
    let mut bytes = vec![0x92, 0xa0 | type_json.len() as u8];
    bytes.extend_from_slice(type_json);
    bytes.extend_from_slice(&[0x92, 0x01, 0x02]);
    assert_eq!(
        decode_msgpack(&bytes, &Type::Dynamic).unwrap(),
        Value::List(vec![Value::int(1), Value::int(2)])
    );
    // A bad type is reported.
    let bad = cat(&[&[0x92], &mp_str("\"float\""), &[0x01]]);
    let err = decode_msgpack(&bad, &Type::Dynamic).unwrap_err();
    assert!(err.to_string().contains("float"), "{err}");
    assert!(decode_msgpack(&[0x91, 0x01], &Type::Dynamic).is_err());
}

#[test]
fn dynamic_values_round_trip_with_inferred_types() {
    let v = obj(&[
        (
            "list",
            Value::List(vec![s("a"), Value::Null, Value::Unknown]),
        ),
        ("mixed", Value::List(vec![s("a"), Value::Bool(true)])),
        ("empty", Value::List(vec![])),
        ("n", num("1e400")),
    ]);
    let bytes = encode_msgpack(&v, &Type::Dynamic).unwrap();
    assert_eq!(decode_msgpack(&bytes, &Type::Dynamic).unwrap(), v);
    let inner = Type::list(Type::Dynamic);
    let nested = Value::List(vec![v.clone(), Value::Null]);
    let bytes = encode_msgpack(&nested, &inner).unwrap();
    assert_eq!(decode_msgpack(&bytes, &inner).unwrap(), nested);
    let known = obj(&[("a", Value::List(vec![s("x")])), ("n", num("0.5"))]);
    let json = encode_json(&known, &Type::Dynamic).unwrap();
    assert_eq!(
        String::from_utf8(json.clone()).unwrap(),
        r#"{"value":{"a":["x"],"n":0.5},"type":["object",{"a":["list","string"],"n":"number"}]}"#
    );
    assert_eq!(decode_json(&json, &Type::Dynamic).unwrap(), known);
}

#[test]
fn type_inference_unifies_elements() {
    let list = Value::List(vec![
        obj(&[("a", Value::Null)]),
        obj(&[("a", s("x"))]),
        Value::Unknown,
    ]);
    assert_eq!(
        infer_type(&list),
        Type::list(Type::object([("a", Type::String)]))
    );
    let mixed = Value::List(vec![s("x"), Value::int(1)]);
    assert_eq!(infer_type(&mixed), Type::list(Type::Dynamic));
    // A conflict stays a conflict whatever follows it.
    let mixed = Value::List(vec![s("x"), Value::Bool(true), Value::int(1), Value::Null]);
    assert_eq!(infer_type(&mixed), Type::list(Type::Dynamic));
    let nested = Value::List(vec![
        Value::List(vec![s("x")]),
        Value::List(vec![Value::int(1)]),
        Value::List(vec![Value::Bool(true)]),
    ]);
    assert_eq!(infer_type(&nested), Type::list(Type::list(Type::Dynamic)));
    let bytes = encode_msgpack(&nested, &Type::Dynamic).unwrap();
    assert_eq!(decode_msgpack(&bytes, &Type::Dynamic).unwrap(), nested);
    let mut m = BTreeMap::new();
    m.insert("k".to_string(), Value::Set(vec![]));
    m.insert("l".to_string(), Value::Set(vec![Value::Bool(true)]));
    assert_eq!(infer_type(&Value::Map(m)), Type::map(Type::set(Type::Bool)));
    assert_eq!(
        infer_type(&Value::Tuple(vec![s("x"), Value::Null])),
        Type::Tuple(vec![Type::String, Type::Dynamic])
    );
}

#[test]
fn json_numbers_of_any_size_and_as_strings() {
    let ty = Type::list(Type::Number);
    let v = decode_json(
        br#"[1, -2.5, "3", "0.1", 123456789012345678901234567890, 1e400, "1.5e-400", 0.1]"#,
        &ty,
    )
    .unwrap();
    let items = v.as_elements().unwrap();
    assert!(matches!(items[0].as_number(), Some(Number::Int(1))));
    assert!(matches!(items[1].as_number(), Some(Number::Float(f)) if *f == -2.5));
    assert!(matches!(items[2].as_number(), Some(Number::Int(3))));
    assert!(matches!(items[3].as_number(), Some(Number::Float(f)) if *f == 0.1));
    assert!(
        matches!(items[4].as_number(), Some(Number::Big(s)) if s == "123456789012345678901234567890")
    );
    assert!(matches!(items[5].as_number(), Some(Number::Big(s)) if s.len() == 401));
    assert!(matches!(items[6].as_number(), Some(Number::Big(s)) if s.ends_with("15")));
    assert_eq!(items[7], items[3]);
    let err = decode_json(br#"["ten"]"#, &ty).unwrap_err();
    assert_eq!(
        err.to_string(),
        "at [0]: expected number, got the string \"ten\""
    );
}

#[test]
fn json_primitives_convert_like_cty() {
    let ty = Type::object([("b", Type::Bool), ("s", Type::String), ("t", Type::String)]);
    let v = decode_json(br#"{"b": "true", "s": 12.50, "t": false}"#, &ty).unwrap();
    assert_eq!(
        v,
        obj(&[
            ("b", Value::Bool(true)),
            ("s", s("12.50")),
            ("t", s("false"))
        ])
    );
    assert!(decode_json(br#"{"b": "yes"}"#, &ty).is_err());
    assert!(decode_json(br#"{"s": [1]}"#, &ty).is_err());
}

#[test]
fn json_objects_missing_and_unsupported_attributes() {
    let ty = Type::object([
        ("name", Type::String),
        ("vpc", Type::object([("subnets", Type::list(Type::String))])),
        ("env", Type::map(Type::String)),
    ]);
    let v = decode_json(br#"{"name": "ep", "vpc": {}}"#, &ty).unwrap();
    assert_eq!(
        v,
        obj(&[
            ("env", Value::Null),
            ("name", s("ep")),
            ("vpc", obj(&[("subnets", Value::Null)])),
        ])
    );
    let err = decode_json(br#"{"vpc": {"subnets": [], "old": 1}}"#, &ty).unwrap_err();
    assert_eq!(err.to_string(), "at vpc: unsupported attribute \"old\"");
    let err = decode_json(br#"{"env": {"A": "x", "B": {}}}"#, &ty).unwrap_err();
    assert_eq!(
        err.to_string(),
        "at env[\"B\"]: expected string, got an object with 0 members"
    );
}

#[test]
fn json_state_drops_attributes_no_longer_in_the_schema() {
    let ty = Type::object([
        ("name", Type::String),
        ("items", Type::list(Type::object([("id", Type::String)]))),
    ]);
    let raw = br#"{"name": "ep", "legacy": {"x": [1, 2]},
                   "items": [{"id": "a", "removed": true}, null]}"#;
    let v = decode_json_state(raw, &ty).unwrap();
    assert_eq!(
        v,
        obj(&[
            (
                "items",
                Value::List(vec![obj(&[("id", s("a"))]), Value::Null])
            ),
            ("name", s("ep")),
        ])
    );
    // The strict decoder refuses the same document.
    assert!(decode_json(raw, &ty).is_err());
    // Leniency is only about attributes: type errors still fail.
    assert!(decode_json_state(br#"{"name": []}"#, &ty).is_err());
}

#[test]
fn json_dynamic_values() {
    let ty = Type::object([("any", Type::Dynamic)]);
    let v = decode_json(
        br#"{"any": {"value": ["a", "b"], "type": ["set", "string"]}}"#,
        &ty,
    )
    .unwrap();
    assert_eq!(v.get("any"), &Value::Set(vec![s("a"), s("b")]));
    let v = decode_json(br#"{"any": {"type": "number"}}"#, &ty).unwrap();
    assert_eq!(v.get("any"), &Value::Null);
    let v = decode_json(br#"{"any": null}"#, &ty).unwrap();
    assert_eq!(v.get("any"), &Value::Null);
    for bad in [
        &br#"{"any": {"value": 1}}"#[..],
        br#"{"any": {"value": 1, "type": "number", "extra": 1}}"#,
        br#"{"any": {"value": 1, "type": 5}}"#,
        br#"{"any": 1}"#,
    ] {
        let err = decode_json(bad, &ty).unwrap_err();
        assert_eq!(err.path().unwrap().to_string(), "any", "{err}");
    }
}

#[test]
fn json_encoding() {
    let ty = Type::object([
        ("b", Type::Bool),
        ("n", Type::list(Type::Number)),
        ("s", Type::String),
        ("t", Type::Tuple(vec![Type::String, Type::Bool])),
        ("z", Type::String),
    ]);
    let v = obj(&[
        ("b", Value::Bool(true)),
        (
            "n",
            Value::List(vec![Value::int(1), num("0.1"), num("1e30")]),
        ),
        ("s", s("q\"\n")),
        ("t", Value::Tuple(vec![s("x"), Value::Bool(false)])),
    ]);
    let text = String::from_utf8(encode_json(&v, &ty).unwrap()).unwrap();
    assert_eq!(
        text,
        r#"{"b":true,"n":[1,0.1,1000000000000000000000000000000],"s":"q\"\n","t":["x",false],"z":null}"#
    );
    let back = decode_json(text.as_bytes(), &ty).unwrap();
    let mut expected = v.clone();
    if let Value::Object(m) = &mut expected {
        m.insert("z".to_string(), Value::Null);
    }
    assert_eq!(back, expected);
    let err = encode_json(
        &Value::List(vec![Value::Unknown]),
        &Type::list(Type::String),
    )
    .unwrap_err();
    assert!(err.to_string().starts_with("at [0]:"), "{err}");
    let inf = Value::Number(Number::Float(f64::INFINITY));
    assert!(encode_json(&inf, &Type::Number).is_err());
    assert_eq!(
        encode_msgpack(&inf, &Type::Number).unwrap(),
        vec![0xcb, 0x7f, 0xf0, 0, 0, 0, 0, 0, 0]
    );
}

#[test]
fn dynamic_value_messages() {
    let ty = Type::object([("a", Type::String)]);
    let v = obj(&[("a", s("x"))]);
    let dv = to_dynamic(&v, &ty).unwrap();
    assert!(dv.json.is_empty());
    assert_eq!(from_dynamic(&dv, &ty).unwrap(), v);
    let json_only = pb::DynamicValue {
        msgpack: Vec::new(),
        json: br#"{"a": "y"}"#.to_vec(),
    };
    assert_eq!(
        from_dynamic(&json_only, &ty).unwrap(),
        obj(&[("a", s("y"))])
    );
    assert!(matches!(
        from_dynamic(&pb::DynamicValue::default(), &ty),
        Err(CodecError::Empty)
    ));
}
