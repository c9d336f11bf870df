//! A small schema builder: resources and the provider describe their
//! attributes once here, and we derive both the protocol `Schema` message and
//! the cty [`Type`] used to decode values from it.

use super::diag::{AttrPath, PathStep};
use super::types::Type;
use super::value::Value;
use crate::proto::tfplugin6 as pb;

/// How a nested attribute or block holds its objects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nesting {
    Single,
    List,
    Set,
    Map,
}

/// Either a plain typed attribute, or a nested attribute (`nested_type`).
#[derive(Clone, Debug)]
pub enum AttrKind {
    Typed(Type),
    Nested {
        nesting: Nesting,
        attributes: Vec<Attribute>,
    },
}

#[derive(Clone, Debug)]
pub struct Attribute {
    pub name: String,
    pub kind: AttrKind,
    pub description: String,
    pub required: bool,
    pub optional: bool,
    pub computed: bool,
    pub sensitive: bool,
    pub write_only: bool,
    /// The value planning gives an optional+computed attribute the
    /// configuration leaves null (filled by the framework).
    pub default: Option<Value>,
    /// What to do instead when a Terraform without write-only support sets
    /// this write-only attribute (completes "Use Terraform 1.11 or later, or").
    pub write_only_hint: Option<String>,
}

impl Attribute {
    fn new(name: &str, kind: AttrKind, description: &str) -> Self {
        Attribute {
            name: name.to_string(),
            kind,
            description: description.to_string(),
            required: false,
            optional: false,
            computed: false,
            sensitive: false,
            write_only: false,
            default: None,
            write_only_hint: None,
        }
    }

    /// A typed attribute; call one of `required`/`optional`/`computed` next.
    pub fn typed(name: &str, ty: Type, description: &str) -> Self {
        Self::new(name, AttrKind::Typed(ty), description)
    }

    /// A nested attribute (Terraform's `nested_type`).
    pub fn nested(
        name: &str,
        nesting: Nesting,
        attributes: Vec<Attribute>,
        description: &str,
    ) -> Self {
        Self::new(
            name,
            AttrKind::Nested {
                nesting,
                attributes,
            },
            description,
        )
    }

    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }
    pub fn optional(mut self) -> Self {
        self.optional = true;
        self
    }
    pub fn computed(mut self) -> Self {
        self.computed = true;
        self
    }
    pub fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }
    pub fn write_only(mut self) -> Self {
        self.write_only = true;
        self
    }
    /// Planned when the configuration leaves the attribute null; only for
    /// optional+computed attributes.
    pub fn default(mut self, v: Value) -> Self {
        self.default = Some(v);
        self
    }
    pub fn write_only_hint(mut self, hint: &str) -> Self {
        self.write_only_hint = Some(hint.to_string());
        self
    }

    /// The cty type of this attribute's value.
    pub fn value_type(&self) -> Type {
        match &self.kind {
            AttrKind::Typed(t) => t.clone(),
            AttrKind::Nested {
                nesting,
                attributes,
            } => {
                let obj = Type::Object(
                    attributes
                        .iter()
                        .map(|a| (a.name.clone(), a.value_type()))
                        .collect(),
                );
                match nesting {
                    Nesting::Single => obj,
                    Nesting::List => Type::list(obj),
                    Nesting::Set => Type::set(obj),
                    Nesting::Map => Type::map(obj),
                }
            }
        }
    }

    pub fn to_proto(&self) -> pb::schema::Attribute {
        let (ty, nested_type) = match &self.kind {
            AttrKind::Typed(t) => (t.to_json_bytes(), None),
            AttrKind::Nested {
                nesting,
                attributes,
            } => (
                Vec::new(),
                Some(pb::schema::Object {
                    attributes: attributes.iter().map(Attribute::to_proto).collect(),
                    nesting: match nesting {
                        Nesting::Single => pb::schema::object::NestingMode::Single,
                        Nesting::List => pb::schema::object::NestingMode::List,
                        Nesting::Set => pb::schema::object::NestingMode::Set,
                        Nesting::Map => pb::schema::object::NestingMode::Map,
                    } as i32,
                    ..Default::default()
                }),
            ),
        };
        pb::schema::Attribute {
            name: self.name.clone(),
            r#type: ty,
            nested_type,
            description: self.description.clone(),
            description_kind: pb::StringKind::Markdown as i32,
            required: self.required,
            optional: self.optional,
            computed: self.computed,
            sensitive: self.sensitive,
            write_only: self.write_only,
            deprecated: false,
        }
    }
}

/// A nested block (`name { ... }` in HCL).
#[derive(Clone, Debug)]
pub struct NestedBlock {
    pub type_name: String,
    pub block: Block,
    pub nesting: Nesting,
    pub max_items: i64,
}

impl NestedBlock {
    /// A block that appears at most once; its value is an object or null.
    pub fn single(type_name: &str, block: Block) -> Self {
        NestedBlock {
            type_name: type_name.to_string(),
            block,
            nesting: Nesting::Single,
            max_items: 0,
        }
    }

    pub fn value_type(&self) -> Type {
        let obj = self.block.value_type();
        match self.nesting {
            Nesting::Single => obj,
            Nesting::List => Type::list(obj),
            Nesting::Set => Type::set(obj),
            Nesting::Map => Type::map(obj),
        }
    }

    pub fn to_proto(&self) -> pb::schema::NestedBlock {
        use pb::schema::nested_block::NestingMode;
        pb::schema::NestedBlock {
            type_name: self.type_name.clone(),
            block: Some(self.block.to_proto()),
            nesting: match self.nesting {
                Nesting::Single => NestingMode::Single,
                Nesting::List => NestingMode::List,
                Nesting::Set => NestingMode::Set,
                Nesting::Map => NestingMode::Map,
            } as i32,
            min_items: 0,
            max_items: self.max_items,
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Block {
    pub attributes: Vec<Attribute>,
    pub blocks: Vec<NestedBlock>,
    pub description: String,
}

impl Block {
    pub fn new(description: &str, attributes: Vec<Attribute>, blocks: Vec<NestedBlock>) -> Self {
        Block {
            attributes,
            blocks,
            description: description.to_string(),
        }
    }

    /// The object type of this block's value: attributes plus nested blocks.
    pub fn value_type(&self) -> Type {
        let mut attrs: std::collections::BTreeMap<String, Type> = self
            .attributes
            .iter()
            .map(|a| (a.name.clone(), a.value_type()))
            .collect();
        for b in &self.blocks {
            attrs.insert(b.type_name.clone(), b.value_type());
        }
        Type::Object(attrs)
    }

    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    pub fn to_proto(&self) -> pb::schema::Block {
        pb::schema::Block {
            version: 0,
            attributes: self.attributes.iter().map(Attribute::to_proto).collect(),
            block_types: self.blocks.iter().map(NestedBlock::to_proto).collect(),
            description: self.description.clone(),
            description_kind: pb::StringKind::Markdown as i32,
            deprecated: false,
        }
    }
}

/// A versioned schema for a resource or the provider.
#[derive(Clone, Debug)]
pub struct Schema {
    pub version: i64,
    pub block: Block,
}

impl Schema {
    pub fn value_type(&self) -> Type {
        self.block.value_type()
    }

    pub fn to_proto(&self) -> pb::Schema {
        pb::Schema {
            version: self.version,
            block: Some(self.block.to_proto()),
        }
    }
}

impl Block {
    /// The longest prefix of `path` that Terraform can point at in the
    /// configuration source. Terraform follows nested blocks, attributes and
    /// their map keys or list indexes, but does not look inside the object
    /// written for a nested attribute: a diagnostic at `container.tag` would be
    /// shown against the whole resource block. Cutting such a path back to
    /// `container` highlights the attribute the user wrote instead.
    pub fn locatable_path(&self, path: &AttrPath) -> AttrPath {
        let mut out = Vec::new();
        let mut block = Some(self);
        let mut inside_attribute = false;
        for step in &path.0 {
            match step {
                PathStep::Attr(name) => {
                    if inside_attribute {
                        break;
                    }
                    let Some(b) = block else { break };
                    if let Some(nested) = b.blocks.iter().find(|nb| &nb.type_name == name) {
                        block = Some(&nested.block);
                    } else {
                        block = None;
                        inside_attribute = true;
                    }
                }
                PathStep::Key(_) | PathStep::Index(_) => {}
            }
            out.push(step.clone());
        }
        AttrPath(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block() -> Block {
        let nested = Attribute::nested(
            "container",
            Nesting::Single,
            vec![Attribute::typed("tag", Type::String, "t").optional()],
            "c",
        );
        let timeouts = Block::new(
            "t",
            vec![Attribute::typed("create", Type::String, "c").optional()],
            vec![],
        );
        Block::new(
            "r",
            vec![
                nested.required(),
                Attribute::typed("tags", Type::map(Type::String), "t").optional(),
            ],
            vec![NestedBlock::single("timeouts", timeouts)],
        )
    }

    #[test]
    fn paths_into_nested_attributes_stop_at_the_attribute() {
        let b = block();
        let p = AttrPath::root("container").attr("tag");
        assert_eq!(b.locatable_path(&p), AttrPath::root("container"));
    }

    #[test]
    fn blocks_and_map_keys_are_followed() {
        let b = block();
        let p = AttrPath::root("timeouts").attr("create");
        assert_eq!(b.locatable_path(&p), p);
        let k = AttrPath::root("tags").key("aws:x");
        assert_eq!(b.locatable_path(&k), k);
    }
}
