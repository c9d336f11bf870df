//! Property tests for the value codecs: random types with random values
//! (nulls and unknowns nested anywhere, numbers across the `i64`, `f64` and
//! big-decimal ranges) must survive a msgpack round trip, and a JSON
//! rendering of a known value must decode back to the same value.

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use std::collections::BTreeMap;
use tfsm::tfplugin::codec::{
    decode_json, decode_json_state, decode_msgpack, encode_json, encode_msgpack,
};
use tfsm::tfplugin::{Number, Type, Value};

fn arb_type() -> impl Strategy<Value = Type> {
    let leaf = prop_oneof![
        Just(Type::Bool),
        Just(Type::Number),
        Just(Type::String),
        Just(Type::Dynamic),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(Type::list),
            inner.clone().prop_map(Type::set),
            inner.clone().prop_map(Type::map),
            vec(inner.clone(), 0..4).prop_map(Type::Tuple),
            btree_map("[a-z_]{1,8}", inner, 0..5).prop_map(Type::Object),
        ]
    })
}

fn arb_number() -> impl Strategy<Value = Number> {
    prop_oneof![
        any::<i64>().prop_map(Number::Int),
        any::<u64>().prop_map(Number::from_u64),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| Number::from_f64(f).expect("finite")),
        (-1.0e6f64..1.0e6).prop_map(|f| Number::from_f64(f).expect("finite")),
        "-?[1-9][0-9]{18,60}".prop_map(|s| Number::parse(&s).expect("integer text")),
        "-?[0-9]{1,5}\\.[0-9]{1,40}".prop_map(|s| Number::parse(&s).expect("decimal text")),
        ("-?[1-9][0-9]{0,30}", -900i64..900)
            .prop_map(|(m, e)| Number::parse(&format!("{m}e{e}")).expect("scientific text")),
    ]
}

fn arb_string() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), "[ -~]{0,12}", Just(String::new())]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof!["[a-zA-Z0-9_.-]{0,6}", any::<String>()]
}

/// A value of type `ty`; nulls anywhere, unknowns anywhere when `unknowns`.
fn arb_value(ty: &Type, unknowns: bool) -> BoxedStrategy<Value> {
    let known: BoxedStrategy<Value> = match ty {
        Type::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
        Type::Number => arb_number().prop_map(Value::Number).boxed(),
        Type::String => arb_string().prop_map(Value::String).boxed(),
        Type::List(t) => vec(arb_value(t, unknowns), 0..4)
            .prop_map(Value::List)
            .boxed(),
        Type::Set(t) => vec(arb_value(t, unknowns), 0..4)
            .prop_map(Value::Set)
            .boxed(),
        Type::Map(t) => btree_map(key(), arb_value(t, unknowns), 0..4)
            .prop_map(Value::Map)
            .boxed(),
        Type::Tuple(ts) => ts
            .iter()
            .map(|t| arb_value(t, unknowns))
            .collect::<Vec<_>>()
            .prop_map(Value::Tuple)
            .boxed(),
        Type::Object(attrs) => {
            let names: Vec<String> = attrs.keys().cloned().collect();
            attrs
                .values()
                .map(|t| arb_value(t, unknowns))
                .collect::<Vec<_>>()
                .prop_map(move |vals| Value::Object(names.iter().cloned().zip(vals).collect()))
                .boxed()
        }
        Type::Dynamic => arb_type()
            .prop_flat_map(move |t| arb_value(&t, unknowns))
            .boxed(),
    };
    if unknowns {
        prop_oneof![1 => Just(Value::Null), 1 => Just(Value::Unknown), 6 => known].boxed()
    } else {
        prop_oneof![1 => Just(Value::Null), 6 => known].boxed()
    }
}

fn arb_typed(unknowns: bool) -> impl Strategy<Value = (Type, Value)> {
    arb_type().prop_flat_map(move |t| {
        let v = arb_value(&t, unknowns);
        (Just(t), v)
    })
}

/// A known value with two JSON renderings made while its exact type is
/// known: the plain cty JSON, and the same with a stale attribute added to
/// every object (as in state written by an older schema). Numbers are
/// rendered as JSON numbers or as strings at random, and null object
/// attributes are sometimes left out.
#[derive(Clone, Debug)]
struct JsonCase {
    value: Value,
    json: String,
    state_json: String,
}

fn quote(s: &str) -> String {
    serde_json::to_string(s).expect("strings always serialise")
}

fn arb_json_case(ty: &Type) -> BoxedStrategy<JsonCase> {
    let null = JsonCase {
        value: Value::Null,
        json: "null".into(),
        state_json: "null".into(),
    };
    let same = |value: Value, text: String| JsonCase {
        value,
        state_json: text.clone(),
        json: text,
    };
    let known: BoxedStrategy<JsonCase> = match ty {
        Type::Bool => (any::<bool>(), any::<bool>())
            .prop_map(move |(b, as_str)| {
                let text = if as_str {
                    format!("\"{b}\"")
                } else {
                    b.to_string()
                };
                same(Value::Bool(b), text)
            })
            .boxed(),
        Type::Number => (arb_number(), any::<bool>())
            .prop_map(move |(n, as_str)| {
                let text = if as_str {
                    quote(&n.to_string())
                } else {
                    n.to_string()
                };
                same(Value::Number(n), text)
            })
            .boxed(),
        Type::String => arb_string()
            .prop_map(move |s| {
                let text = quote(&s);
                same(Value::String(s), text)
            })
            .boxed(),
        Type::List(t) | Type::Set(t) => {
            let is_set = matches!(ty, Type::Set(_));
            vec(arb_json_case(t), 0..4)
                .prop_map(move |items| {
                    let json = join("[", items.iter().map(|c| c.json.clone()), "]");
                    let state_json = join("[", items.iter().map(|c| c.state_json.clone()), "]");
                    let vals = items.into_iter().map(|c| c.value).collect();
                    JsonCase {
                        value: if is_set {
                            Value::Set(vals)
                        } else {
                            Value::List(vals)
                        },
                        json,
                        state_json,
                    }
                })
                .boxed()
        }
        Type::Tuple(ts) => ts
            .iter()
            .map(arb_json_case)
            .collect::<Vec<_>>()
            .prop_map(|items| JsonCase {
                json: join("[", items.iter().map(|c| c.json.clone()), "]"),
                state_json: join("[", items.iter().map(|c| c.state_json.clone()), "]"),
                value: Value::Tuple(items.into_iter().map(|c| c.value).collect()),
            })
            .boxed(),
        Type::Map(t) => btree_map(key(), arb_json_case(t), 0..4)
            .prop_map(|entries| {
                let member = |k: &String, text: &String| format!("{}: {text}", quote(k));
                JsonCase {
                    json: join("{", entries.iter().map(|(k, c)| member(k, &c.json)), "}"),
                    state_json: join(
                        "{",
                        entries.iter().map(|(k, c)| member(k, &c.state_json)),
                        "}",
                    ),
                    value: Value::Map(entries.into_iter().map(|(k, c)| (k, c.value)).collect()),
                }
            })
            .boxed(),
        Type::Object(attrs) => {
            let names: Vec<String> = attrs.keys().cloned().collect();
            let cases = attrs.values().map(arb_json_case).collect::<Vec<_>>();
            (cases, any::<bool>())
                .prop_map(move |(cases, omit_nulls)| {
                    let mut json = Vec::new();
                    let mut state = vec![r#""zz_removed_attr": {"old": [1, "x"]}"#.to_string()];
                    let mut value = BTreeMap::new();
                    for (name, c) in names.iter().zip(cases) {
                        if !(omit_nulls && c.value == Value::Null) {
                            json.push(format!("{}: {}", quote(name), c.json));
                            state.push(format!("{}: {}", quote(name), c.state_json));
                        }
                        value.insert(name.clone(), c.value);
                    }
                    JsonCase {
                        value: Value::Object(value),
                        json: join("{", json.into_iter(), "}"),
                        state_json: join("{", state.into_iter(), "}"),
                    }
                })
                .boxed()
        }
        Type::Dynamic => arb_type()
            .prop_flat_map(|t| {
                let type_json = t.to_json().to_string();
                arb_json_case(&t).prop_map(move |c| {
                    let wrap = |text: &str| format!(r#"{{"type": {type_json}, "value": {text}}}"#);
                    JsonCase {
                        json: wrap(&c.json),
                        state_json: wrap(&c.state_json),
                        value: c.value,
                    }
                })
            })
            .boxed(),
    };
    prop_oneof![1 => Just(null), 6 => known].boxed()
}

fn join(open: &str, parts: impl Iterator<Item = String>, close: &str) -> String {
    format!("{open}{}{close}", parts.collect::<Vec<_>>().join(", "))
}

fn arb_json_typed() -> impl Strategy<Value = (Type, JsonCase)> {
    arb_type().prop_flat_map(|t| {
        let c = arb_json_case(&t);
        (Just(t), c)
    })
}

/// True when some object inside `ty` (including under dynamic) could carry
/// the stale attribute, i.e. when the strict decoder must refuse it.
fn has_object(v: &Value) -> bool {
    match v {
        Value::Object(_) => true,
        Value::List(xs) | Value::Set(xs) | Value::Tuple(xs) => xs.iter().any(has_object),
        Value::Map(m) => m.values().any(has_object),
        _ => false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn msgpack_round_trip((ty, v) in arb_typed(true)) {
        let bytes = encode_msgpack(&v, &ty).expect("encodes");
        let back = decode_msgpack(&bytes, &ty).expect("decodes");
        prop_assert_eq!(back, v);
    }

    #[test]
    fn json_rendering_decodes_to_the_value((ty, case) in arb_json_typed()) {
        let back = decode_json(case.json.as_bytes(), &ty);
        prop_assert!(back.is_ok(), "{:?} on {}", back, case.json);
        prop_assert_eq!(back.unwrap(), case.value.clone());
    }

    #[test]
    fn state_json_drops_stale_attributes((ty, case) in arb_json_typed()) {
        let back = decode_json_state(case.state_json.as_bytes(), &ty);
        prop_assert!(back.is_ok(), "{:?} on {}", back, case.state_json);
        prop_assert_eq!(back.unwrap(), case.value.clone());
        if has_object(&case.value) {
            prop_assert!(decode_json(case.state_json.as_bytes(), &ty).is_err());
        }
    }

    #[test]
    fn json_encoding_round_trips((ty, v) in arb_typed(false)) {
        let text = encode_json(&v, &ty).expect("encodes");
        let back = decode_json(&text, &ty).expect("decodes");
        prop_assert_eq!(back, v);
    }

    #[test]
    fn numbers_survive_msgpack_and_text(n in arb_number()) {
        let v = Value::Number(n.clone());
        let bytes = encode_msgpack(&v, &Type::Number).expect("encodes");
        prop_assert_eq!(decode_msgpack(&bytes, &Type::Number).expect("decodes"), v);
        prop_assert_eq!(Number::parse(&n.to_string()), Some(n.clone()));
        // Parsing always picks the simplest variant.
        match Number::parse(&n.to_string()).expect("parses") {
            Number::Int(_) => {}
            Number::Float(f) => prop_assert!(f.fract() != 0.0 || f.abs() >= 9.2e18),
            Number::Big(s) => {
                prop_assert!(s.parse::<i64>().is_err());
                let f: f64 = s.parse().expect("decimal");
                prop_assert!(Number::Float(f) != n || !f.is_finite());
            }
        }
    }

    #[test]
    fn unequal_numbers_stay_unequal(a in arb_number(), b in arb_number()) {
        // Equality agrees with the canonical text of both numbers.
        let same_text = Number::parse(&a.to_string()).map(|x| x.to_string())
            == Number::parse(&b.to_string()).map(|x| x.to_string());
        prop_assert_eq!(a == b, same_text);
        // A number equals itself spelled as a big decimal or re-parsed.
        prop_assert_eq!(Number::Big(a.to_string()), a.clone());
        prop_assert_eq!(a.normalized(), Some(a.clone()));
    }
}
