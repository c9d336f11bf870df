//! The protocol's rules on values, applied by the framework to every
//! resource: no unknown value in a state handed back after apply, read or
//! import; no write-only value in any state; the schema's defaults for
//! optional+computed attributes the configuration leaves null; diagnostic
//! paths Terraform can locate in the source.

use crate::tfplugin::schema::{AttrKind, Block, Nesting};
use crate::tfplugin::{Diagnostics, Value};

/// `v` with every unknown (at any depth) replaced by null: Terraform rejects
/// a new state holding unknowns.
pub fn known(v: Value) -> Value {
    match v {
        Value::Unknown => Value::Null,
        Value::List(x) => Value::List(x.into_iter().map(known).collect()),
        Value::Set(x) => Value::Set(x.into_iter().map(known).collect()),
        Value::Tuple(x) => Value::Tuple(x.into_iter().map(known).collect()),
        Value::Map(m) => Value::Map(m.into_iter().map(|(k, v)| (k, known(v))).collect()),
        Value::Object(m) => Value::Object(m.into_iter().map(|(k, v)| (k, known(v))).collect()),
        other => other,
    }
}

/// `state` with every write-only attribute of `block` null, at the top level
/// and inside single nested blocks: Terraform refuses a plan or a state that
/// holds a write-only value.
pub fn without_write_only(block: &Block, state: Value) -> Value {
    let Value::Object(mut m) = state else {
        return state;
    };
    for a in block.attributes.iter().filter(|a| a.write_only) {
        if m.contains_key(&a.name) {
            m.insert(a.name.clone(), Value::Null);
        }
    }
    for nb in &block.blocks {
        if let Some(inner) = m.remove(&nb.type_name) {
            let inner = match nb.nesting {
                Nesting::Single => without_write_only(&nb.block, inner),
                _ => inner,
            };
            m.insert(nb.type_name.clone(), inner);
        }
    }
    Value::Object(m)
}

/// Sets, in `planned`, the schema default of every optional+computed
/// attribute whose configured value is null (an unknown configured value
/// stays unknown), in single nested attributes and blocks too.
pub fn fill_defaults(block: &Block, config: &Value, planned: &mut Value) {
    let Value::Object(m) = planned else { return };
    for a in &block.attributes {
        let configured = config.get(&a.name);
        if let Some(default) = &a.default
            && configured.is_null()
        {
            m.insert(a.name.clone(), default.clone());
        }
        if let AttrKind::Nested {
            nesting: Nesting::Single,
            attributes,
        } = &a.kind
            && let Some(inner) = m.get_mut(&a.name)
        {
            let nested = Block::new("", attributes.clone(), vec![]);
            fill_defaults(&nested, configured, inner);
        }
    }
    for nb in block.blocks.iter().filter(|b| b.nesting == Nesting::Single) {
        if let Some(inner) = m.get_mut(&nb.type_name) {
            fill_defaults(&nb.block, config.get(&nb.type_name), inner);
        }
    }
}

/// The proposed new state as a resource plans from it: no write-only
/// value, and the schema's defaults filled.
pub fn proposed(block: &Block, config: &Value, proposed: Value) -> Value {
    let mut p = without_write_only(block, proposed);
    fill_defaults(block, config, &mut p);
    p
}

/// A state as Terraform must receive it after apply, read or import: no
/// unknown and no write-only value.
pub fn finished(block: &Block, state: Value) -> Value {
    without_write_only(block, known(state))
}

/// Refuses write-only attributes set in `config` when the Terraform calling
/// does not declare support for them: it could store them in plan and state.
pub fn write_only_allowed(block: &Block, config: &Value, allowed: bool) -> Diagnostics {
    let mut d = Diagnostics::new();
    if allowed {
        return d;
    }
    for a in block.attributes.iter().filter(|a| a.write_only) {
        if !config.get(&a.name).is_null() {
            d.attr_error(
                crate::tfplugin::AttrPath::root(&a.name),
                "Write-only attribute not supported by this Terraform",
                format!(
                    "{}: this Terraform did not declare support for write-only attributes, so \
                     it could store the value in plan and state. Use Terraform 1.11 or later{}.",
                    a.name,
                    a.write_only_hint
                        .as_deref()
                        .map(|h| format!(", or {h}"))
                        .unwrap_or_default()
                ),
            );
        }
    }
    d
}

/// A resource object turned into configuration (GenerateResourceConfig,
/// `terraform query -generate-config-out`): computed-only and write-only
/// attributes become null, and so does an optional+computed attribute that
/// holds its schema default (the plan fills it in again), at every depth of
/// single nested attributes and blocks. Everything else is kept as it is.
pub fn config_from_state(block: &Block, state: Value) -> Value {
    let Value::Object(mut m) = state else {
        return state;
    };
    for a in &block.attributes {
        let Some(v) = m.get_mut(&a.name) else {
            continue;
        };
        let computed_only = a.computed && !a.optional && !a.required;
        let is_default = a.computed && a.default.as_ref() == Some(&*v);
        if computed_only || a.write_only || is_default {
            *v = Value::Null;
        } else if let AttrKind::Nested {
            nesting: Nesting::Single,
            attributes,
        } = &a.kind
        {
            let nested = Block::new("", attributes.clone(), vec![]);
            *v = config_from_state(&nested, std::mem::take(v));
        }
    }
    for nb in block.blocks.iter().filter(|b| b.nesting == Nesting::Single) {
        if let Some(v) = m.get_mut(&nb.type_name) {
            *v = config_from_state(&nb.block, std::mem::take(v));
        }
    }
    Value::Object(m)
}

/// Points each diagnostic at a place Terraform can show in the source.
pub fn locatable(block: &Block, mut d: Diagnostics) -> Diagnostics {
    for diag in &mut d.0 {
        if let Some(p) = &diag.path {
            diag.path = Some(block.locatable_path(p));
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tfplugin::Type;
    use crate::tfplugin::schema::{Attribute, NestedBlock};

    fn obj(entries: &[(&str, Value)]) -> Value {
        Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }

    fn block() -> Block {
        let nested = Attribute::nested(
            "inner",
            Nesting::Single,
            vec![
                Attribute::typed("n", Type::Number, "n")
                    .optional()
                    .computed()
                    .default(Value::int(4)),
            ],
            "i",
        )
        .optional();
        let timeouts = Block::new(
            "t",
            vec![Attribute::typed("create", Type::String, "c").optional()],
            vec![],
        );
        Block::new(
            "r",
            vec![
                Attribute::typed("count", Type::Number, "c")
                    .optional()
                    .computed()
                    .default(Value::int(1)),
                Attribute::typed("secret", Type::String, "s")
                    .optional()
                    .write_only()
                    .write_only_hint("use plain"),
                nested,
            ],
            vec![NestedBlock::single("timeouts", timeouts)],
        )
    }

    #[test]
    fn known_replaces_every_unknown_with_null() {
        let v = known(obj(&[
            ("a", Value::Unknown),
            ("m", Value::Map([("k".to_string(), Value::Unknown)].into())),
            ("l", Value::Set(vec![Value::string("x"), Value::Unknown])),
            ("keep", Value::string("v")),
        ]));
        assert!(v.is_wholly_known());
        assert_eq!(v.get("a"), &Value::Null);
        assert_eq!(v.get("m").get("k"), &Value::Null);
        assert_eq!(
            v.get("l"),
            &Value::Set(vec![Value::string("x"), Value::Null])
        );
        assert_eq!(v.get("keep"), &Value::string("v"));
    }

    #[test]
    fn write_only_values_never_leave() {
        let st = obj(&[
            ("secret", Value::string("s3cr3t")),
            ("count", Value::int(2)),
        ]);
        let out = without_write_only(&block(), st);
        assert_eq!(out.get("secret"), &Value::Null);
        assert_eq!(out.get("count"), &Value::int(2));
        assert_eq!(without_write_only(&block(), Value::Null), Value::Null);
    }

    #[test]
    fn defaults_fill_null_configuration_only() {
        let b = block();
        let mut p = obj(&[
            ("count", Value::Null),
            ("inner", obj(&[("n", Value::Null)])),
        ]);
        let config = obj(&[
            ("count", Value::Null),
            ("inner", obj(&[("n", Value::Null)])),
        ]);
        fill_defaults(&b, &config, &mut p);
        assert_eq!(p.get("count"), &Value::int(1));
        assert_eq!(p.get("inner").get("n"), &Value::int(4));

        let mut p = obj(&[("count", Value::Unknown), ("inner", Value::Null)]);
        let config = obj(&[("count", Value::Unknown), ("inner", Value::Null)]);
        fill_defaults(&b, &config, &mut p);
        assert_eq!(p.get("count"), &Value::Unknown, "unknown stays unknown");
        assert_eq!(p.get("inner"), &Value::Null, "no object is invented");
    }

    #[test]
    fn generated_config_keeps_only_what_a_user_writes() {
        let mut b = block();
        b.attributes
            .push(Attribute::typed("arn", Type::String, "a").computed());
        let st = obj(&[
            ("count", Value::int(1)),
            ("secret", Value::string("x")),
            ("arn", Value::string("arn:aws:x")),
            ("inner", obj(&[("n", Value::int(7))])),
            ("timeouts", obj(&[("create", Value::string("5m"))])),
        ]);
        let c = config_from_state(&b, st);
        assert_eq!(c.get("count"), &Value::Null, "the default is left out");
        assert_eq!(c.get("secret"), &Value::Null, "write-only");
        assert_eq!(c.get("arn"), &Value::Null, "computed only");
        assert_eq!(c.get("inner").get("n"), &Value::int(7), "not the default");
        assert_eq!(c.get("timeouts").get("create"), &Value::string("5m"));
        let st = obj(&[("count", Value::int(3)), ("inner", Value::Null)]);
        let c = config_from_state(&b, st);
        assert_eq!(c.get("count"), &Value::int(3));
        assert_eq!(c.get("inner"), &Value::Null);
    }

    #[test]
    fn write_only_needs_the_client_capability() {
        let b = block();
        let c = obj(&[("secret", Value::string("x"))]);
        let d = write_only_allowed(&b, &c, false);
        assert_eq!(d.0.len(), 1);
        assert!(d.0[0].detail.contains("secret") && d.0[0].detail.contains("or use plain"));
        assert!(write_only_allowed(&b, &c, true).is_empty());
        assert!(write_only_allowed(&b, &obj(&[]), false).is_empty());
    }
}
