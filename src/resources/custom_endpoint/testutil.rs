//! Test helpers: building configuration and state values by hand.

use std::collections::BTreeMap;

use super::lifecycle::desired::{Desired, DesiredError, Place};
use super::schema::schema;
use super::schema::state::State;
use super::spec::derive::DerivedNames;
use crate::tfplugin::Value;

/// A hand-built value as the typed state the resource code takes.
pub fn st(v: &Value) -> State {
    State::decode(v).expect("a value of the resource's type")
}

/// The derived names of a hand-built state or configuration value.
pub fn names_of(v: &Value, region: &str) -> Option<DerivedNames> {
    super::spec::derive::derived_names(&st(v), region)
}

impl Desired {
    /// [`Desired::of`] a hand-built value.
    pub fn from_state(v: &Value, place: &Place<'_>) -> Result<Desired, DesiredError> {
        Desired::of(&st(v), place)
    }
}

pub fn s(v: &str) -> Value {
    Value::string(v)
}

pub fn n(v: i64) -> Value {
    Value::int(v)
}

pub fn obj(pairs: &[(&str, Value)]) -> Value {
    Value::Object(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    )
}

pub fn set(items: &[&str]) -> Value {
    Value::Set(items.iter().map(|i| s(i)).collect())
}

pub fn map(pairs: &[(&str, &str)]) -> Value {
    Value::Map(pairs.iter().map(|(k, v)| (k.to_string(), s(v))).collect())
}

/// Sets `path` (attribute names) inside `v`, creating nothing: every object
/// on the way must exist.
pub fn with(mut v: Value, path: &[&str], new: Value) -> Value {
    fn go(v: &mut Value, path: &[&str], new: Value) {
        let Value::Object(m) = v else {
            panic!("not an object at {path:?}")
        };
        if path.len() == 1 {
            m.insert(path[0].to_string(), new);
        } else {
            go(m.get_mut(path[0]).expect("missing"), &path[1..], new);
        }
    }
    go(&mut v, path, new);
    v
}

/// A container object with every field present.
pub fn container(fields: &[(&str, Value)]) -> Value {
    let mut m: BTreeMap<String, Value> = ["image_uri", "repository_name", "tag", "account_id"]
        .iter()
        .map(|f| (f.to_string(), Value::Null))
        .collect();
    for (k, v) in fields {
        m.insert(k.to_string(), v.clone());
    }
    Value::Object(m)
}

pub fn async_block(output: &str) -> Value {
    obj(&[
        ("output_path", s(output)),
        ("failure_path", Value::Null),
        ("max_concurrent_invocations_per_instance", Value::Null),
        ("input_path", Value::Null),
    ])
}

pub fn serverless_block(memory: i64, max: i64, provisioned: Option<i64>) -> Value {
    obj(&[
        ("memory_size_in_mb", n(memory)),
        ("max_concurrency", n(max)),
        (
            "provisioned_concurrency",
            provisioned.map_or(Value::Null, n),
        ),
    ])
}

pub fn data_capture_block(destination: &str) -> Value {
    obj(&[
        ("destination_s3_uri", s(destination)),
        ("initial_sampling_percentage", Value::Null),
        ("capture_modes", Value::Null),
        ("json_content_types", Value::Null),
        ("csv_content_types", Value::Null),
    ])
}

pub fn vpc(sgs: &[&str], subnets: &[&str]) -> Value {
    obj(&[("security_group_ids", set(sgs)), ("subnets", set(subnets))])
}

pub fn timeouts(create: Value, update: Value, delete: Value) -> Value {
    obj(&[("create", create), ("update", update), ("delete", delete)])
}

/// A valid real-time configuration with a Deep Learning Container: every
/// schema attribute present, null unless set.
pub fn valid_config() -> Value {
    let b = &schema().block;
    let mut m: BTreeMap<String, Value> = b
        .attributes
        .iter()
        .map(|a| (a.name.clone(), Value::Null))
        .chain(b.blocks.iter().map(|b| (b.type_name.clone(), Value::Null)))
        .collect();
    let set_ = |m: &mut BTreeMap<String, Value>, k: &str, v: Value| {
        m.insert(k.to_string(), v);
    };
    set_(&mut m, "endpoint_name", s("llm-endpoint"));
    set_(&mut m, "model_id", s("meta-llama/Llama-2-7b-chat-hf"));
    set_(&mut m, "instance_type", s("ml.inf2.xlarge"));
    set_(
        &mut m,
        "model_data_url",
        s("s3://my-models/llama/model.tar.gz"),
    );
    set_(
        &mut m,
        "container",
        container(&[
            ("repository_name", s("huggingface-pytorch-tgi-inference")),
            ("tag", s("2.1.1-optimum0.0.24-neuronx-py310-ubuntu22.04")),
        ]),
    );
    Value::Object(m)
}
