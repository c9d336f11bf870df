//! Markdown for schemas and function signatures. Every attribute becomes one
//! bullet, `- `name` (Type, flags) Description`, grouped into required,
//! optional and read-only; nested objects and blocks get their own section
//! further down, linked by an HTML anchor, however deep they go.

use std::fmt::Write as _;

use crate::functions::FunctionSpec;
use crate::tfplugin::Type;
use crate::tfplugin::schema::{AttrKind, Attribute, Block, Nesting, Schema};

/// The type as the registry shows it: `String`, `Map of String`, ...
fn type_name(t: &Type) -> String {
    match t {
        Type::Bool => "Bool".into(),
        Type::Number => "Number".into(),
        Type::String => "String".into(),
        Type::Dynamic => "Dynamic".into(),
        Type::List(e) => format!("List of {}", type_name(e)),
        Type::Set(e) => format!("Set of {}", type_name(e)),
        Type::Map(e) => format!("Map of {}", type_name(e)),
        Type::Tuple(_) => "Tuple".into(),
        Type::Object(_) => "Object".into(),
    }
}

/// The type as written in HCL: `string`, `map(string)`, ...
fn hcl_type(t: &Type) -> String {
    match t {
        Type::Bool => "bool".into(),
        Type::Number => "number".into(),
        Type::String => "string".into(),
        Type::Dynamic => "any".into(),
        Type::List(e) => format!("list({})", hcl_type(e)),
        Type::Set(e) => format!("set({})", hcl_type(e)),
        Type::Map(e) => format!("map({})", hcl_type(e)),
        Type::Tuple(_) => "tuple".into(),
        Type::Object(_) => "object".into(),
    }
}

fn nesting_name(n: Nesting, what: &str) -> String {
    match n {
        Nesting::Single => what.to_string(),
        Nesting::List => format!("List of {what}"),
        Nesting::Set => format!("Set of {what}"),
        Nesting::Map => format!("Map of {what}"),
    }
}

/// Something that gets its own section: a nested attribute or a block.
struct Section<'a> {
    path: String,
    attributes: &'a [Attribute],
    block: Option<&'a Block>,
}

fn anchor(path: &str) -> String {
    format!("nested--{}", path.replace('.', "--"))
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}

/// One bullet; nested attributes are queued for their own section.
fn attribute_line<'a>(a: &'a Attribute, prefix: &str, queue: &mut Vec<Section<'a>>) -> String {
    let mut facts = vec![];
    let mut link = String::new();
    match &a.kind {
        AttrKind::Typed(t) => facts.push(type_name(t)),
        AttrKind::Nested {
            nesting,
            attributes,
        } => {
            let path = join(prefix, &a.name);
            facts.push(nesting_name(*nesting, "Object"));
            link = format!(" See [below](#{}).", anchor(&path));
            queue.push(Section {
                path,
                attributes,
                block: None,
            });
        }
    }
    if a.sensitive {
        facts.push("Sensitive".into());
    }
    if a.write_only {
        facts.push("Write-only".into());
    }
    format!(
        "- `{}` ({}) {}{link}\n",
        a.name,
        facts.join(", "),
        a.description.trim()
    )
}

/// Required, optional, read-only and block lists of one level. `heading`
/// formats a group title.
fn level<'a>(
    out: &mut String,
    prefix: &str,
    attributes: &'a [Attribute],
    block: Option<&'a Block>,
    queue: &mut Vec<Section<'a>>,
    heading: fn(&str) -> String,
) {
    type Pick = fn(&Attribute) -> bool;
    let groups: [(&str, Pick); 3] = [
        ("Required", |a| a.required),
        ("Optional", |a| a.optional),
        ("Read-only", |a| a.computed && !a.optional && !a.required),
    ];
    for (title, pick) in groups {
        let chosen: Vec<&Attribute> = attributes.iter().filter(|a| pick(a)).collect();
        if chosen.is_empty() {
            continue;
        }
        out.push_str(&heading(title));
        for a in chosen {
            out.push_str(&attribute_line(a, prefix, queue));
        }
        out.push('\n');
    }
    let blocks = block.map(|b| b.blocks.as_slice()).unwrap_or_default();
    if !blocks.is_empty() {
        out.push_str(&heading("Blocks"));
        for nb in blocks {
            let path = join(prefix, &nb.type_name);
            let limit = if nb.nesting == Nesting::Single {
                "at most one"
            } else {
                "any number"
            };
            let _ = writeln!(
                out,
                "- `{}` ({}, {limit}) {} See [below](#{}).",
                nb.type_name,
                nesting_name(nb.nesting, "Block"),
                nb.block.description.trim(),
                anchor(&path)
            );
            queue.push(Section {
                path,
                attributes: &nb.block.attributes,
                block: Some(&nb.block),
            });
        }
        out.push('\n');
    }
}

/// The whole reference of a schema: top-level groups as `###` headings, then
/// one section per nested object or block.
pub fn schema(s: &Schema) -> String {
    let mut out = String::new();
    let mut queue = Vec::new();
    level(
        &mut out,
        "",
        &s.block.attributes,
        Some(&s.block),
        &mut queue,
        |t| format!("### {t}\n\n"),
    );
    let mut i = 0;
    while i < queue.len() {
        let (path, attributes, block) =
            (queue[i].path.clone(), queue[i].attributes, queue[i].block);
        let _ = write!(
            out,
            "<a id=\"{}\"></a>\n### Nested schema for `{path}`\n\n",
            anchor(&path)
        );
        level(&mut out, &path, attributes, block, &mut queue, |t| {
            format!("{t}:\n\n")
        });
        i += 1;
    }
    out
}

/// `name(a string, b string, c ...string) string`, in a text block.
pub fn signature(f: &FunctionSpec) -> String {
    let mut params: Vec<String> = f
        .params
        .iter()
        .map(|p| format!("{} {}", p.name, hcl_type(&p.ty)))
        .collect();
    if let Some(v) = &f.variadic {
        params.push(format!("{} ...{}", v.name, hcl_type(&v.ty)));
    }
    format!(
        "```text\n{}({}) {}\n```",
        f.name,
        params.join(", "),
        hcl_type(&f.returns)
    )
}

/// A numbered list of the arguments, variadic last.
pub fn arguments(f: &FunctionSpec) -> String {
    let mut out = String::new();
    for (i, p) in f.params.iter().enumerate() {
        let _ = writeln!(
            out,
            "{}. `{}` ({}) {}",
            i + 1,
            p.name,
            type_name(&p.ty),
            p.description.trim()
        );
    }
    if let Some(v) = &f.variadic {
        let _ = writeln!(
            out,
            "{}. `{}` ({}, variadic) {}",
            f.params.len() + 1,
            v.name,
            type_name(&v.ty),
            v.description.trim()
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tfplugin::schema::NestedBlock;

    fn sample() -> Schema {
        let inner = Attribute::nested(
            "inner",
            Nesting::List,
            vec![Attribute::typed("leaf", Type::Number, "A leaf.").required()],
            "Deep.",
        )
        .optional();
        let outer = Attribute::nested(
            "outer",
            Nesting::Single,
            vec![
                inner,
                Attribute::typed("out", Type::String, "Read back.").computed(),
            ],
            "An object.",
        )
        .required();
        let secret = Attribute::typed("secret", Type::map(Type::String), "Kept out.")
            .optional()
            .sensitive()
            .write_only();
        let t = Block::new(
            "Waits.",
            vec![Attribute::typed("create", Type::String, "Create.").optional()],
            vec![],
        );
        Schema {
            version: 0,
            block: Block::new(
                "Top.",
                vec![
                    outer,
                    secret,
                    Attribute::typed("id", Type::String, "The ID.").computed(),
                ],
                vec![NestedBlock::single("timeouts", t)],
            ),
        }
    }

    #[test]
    fn every_level_is_listed_with_types_flags_and_anchors() {
        let md = schema(&sample());
        for expected in [
            "### Required\n\n- `outer` (Object) An object. See [below](#nested--outer).\n",
            "### Optional\n\n- `secret` (Map of String, Sensitive, Write-only) Kept out.\n",
            "### Read-only\n\n- `id` (String) The ID.\n",
            "### Blocks\n\n- `timeouts` (Block, at most one) Waits. See [below](#nested--timeouts).",
            "<a id=\"nested--outer\"></a>\n### Nested schema for `outer`\n\nOptional:\n\n- `inner` \
             (List of Object) Deep. See [below](#nested--outer--inner).\n",
            "Read-only:\n\n- `out` (String) Read back.\n",
            "<a id=\"nested--outer--inner\"></a>\n### Nested schema for `outer.inner`\n\n\
             Required:\n\n- `leaf` (Number) A leaf.\n",
            "### Nested schema for `timeouts`\n\nOptional:\n\n- `create` (String) Create.\n",
        ] {
            assert!(md.contains(expected), "missing {expected:?} in:\n{md}");
        }
    }

    #[test]
    fn function_signature_and_arguments() {
        let f = crate::functions::specs()
            .into_iter()
            .find(|f| f.name == "dlc_image_uri")
            .unwrap();
        assert_eq!(
            signature(&f),
            "```text\ndlc_image_uri(repository string, tag string, region string, account_id \
             ...string) string\n```"
        );
        let args = arguments(&f);
        assert!(args.starts_with("1. `repository` (String) "), "{args}");
        assert!(
            args.contains("\n4. `account_id` (String, variadic) "),
            "{args}"
        );
    }
}
