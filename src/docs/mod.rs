//! Registry documentation generated from the schemas the provider serves.
//!
//! Each page is a Markdown template under `templates/` (hand-written prose:
//! front matter, examples, how things work) with placeholders that are filled
//! from the very `Schema` and `FunctionSpec` values GetProviderSchema
//! returns, so an attribute cannot exist without being documented, and a
//! description cannot differ between `terraform providers schema` and the
//! registry. `make docs` (the `gen-docs` binary) writes `docs/`; a test fails
//! when `docs/` is not what the generator produces.
//!
//! Placeholders, each alone on its line:
//! - `{{schema <name>}}`: the arguments and attributes of `provider`, of a
//!   resource type, of an action type, or of the `config` block of a list
//!   resource (`list.<type>`), nested objects and blocks included;
//! - `{{description <name>}}`: that schema's top-level description;
//! - `{{signature <function>}}`, `{{arguments <function>}}`,
//!   `{{summary <function>}}`, `{{function_description <function>}}`.

mod render;

use std::path::{Path, PathBuf};

use crate::functions;
use crate::provider::config;
use crate::resources::custom_endpoint as endpoint;
use crate::resources::invoke_endpoint as action;
use crate::tfplugin::schema::Schema;

/// One generated page: where it goes under `docs/` and what the template is.
struct Page {
    template: &'static str,
    output: &'static str,
}

const PAGES: &[Page] = &[
    Page {
        template: "templates/index.md.tmpl",
        output: "docs/index.md",
    },
    Page {
        template: "templates/resources/custom_endpoint.md.tmpl",
        output: "docs/resources/custom_endpoint.md",
    },
    Page {
        template: "templates/list-resources/custom_endpoint.md.tmpl",
        output: "docs/list-resources/custom_endpoint.md",
    },
    Page {
        template: "templates/actions/invoke_endpoint.md.tmpl",
        output: "docs/actions/invoke_endpoint.md",
    },
    Page {
        template: "templates/functions/dlc_image_uri.md.tmpl",
        output: "docs/functions/dlc_image_uri.md",
    },
    Page {
        template: "templates/guides/migrate-from-cdk.md.tmpl",
        output: "docs/guides/migrate-from-cdk.md",
    },
];

/// Why the docs could not be generated.
#[derive(Debug, thiserror::Error)]
pub enum DocsError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{template}:{line}: {problem}")]
    Template {
        template: String,
        line: usize,
        problem: String,
    },
}

/// The name of the list resource's `config` schema in placeholders (the
/// bare type name is the managed resource's).
const LIST_PREFIX_ENDPOINT: &str = "list.sagemaker_custom_endpoint";

/// The schema a `{{schema <name>}}` placeholder refers to.
fn schema_named(name: &str) -> Option<&'static Schema> {
    match name {
        "provider" => Some(config::schema()),
        endpoint::TYPE_NAME => Some(endpoint::schema()),
        LIST_PREFIX_ENDPOINT => Some(endpoint::list_config_schema()),
        action::TYPE_NAME => Some(action::schema()),
        _ => None,
    }
}

/// Fills one template.
pub fn expand(template_name: &str, template: &str) -> Result<String, DocsError> {
    let mut out = String::new();
    for (i, line) in template.lines().enumerate() {
        let fail = |problem: String| DocsError::Template {
            template: template_name.to_string(),
            line: i + 1,
            problem,
        };
        let trimmed = line.trim();
        let Some(inner) = trimmed
            .strip_prefix("{{")
            .and_then(|r| r.strip_suffix("}}"))
        else {
            out.push_str(line);
            out.push('\n');
            continue;
        };
        let mut words = inner.split_whitespace();
        let (kind, arg) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
        let schema = || schema_named(arg).ok_or_else(|| fail(format!("no schema named {arg:?}")));
        let function = || {
            functions::specs()
                .into_iter()
                .find(|f| f.name == arg)
                .ok_or_else(|| fail(format!("no function named {arg:?}")))
        };
        let text = match kind {
            "schema" => render::schema(schema()?),
            "description" => schema()?.block.description.clone(),
            "signature" => render::signature(&function()?),
            "arguments" => render::arguments(&function()?),
            "summary" => function()?.summary.to_string(),
            "function_description" => function()?.description.to_string(),
            other => return Err(fail(format!("unknown placeholder {other:?}"))),
        };
        out.push_str(text.trim_end());
        out.push('\n');
    }
    Ok(out)
}

/// Every page as (path under the repository root, contents).
pub fn generate(root: &Path) -> Result<Vec<(PathBuf, String)>, DocsError> {
    PAGES
        .iter()
        .map(|page| {
            let path = root.join(page.template);
            let template = std::fs::read_to_string(&path).map_err(|source| DocsError::Io {
                path: path.clone(),
                source,
            })?;
            Ok((
                PathBuf::from(page.output),
                expand(page.template, &template)?,
            ))
        })
        .collect()
}

/// Pages under `root` that are missing or differ from what [`generate`]
/// produces, plus stray files in `docs/` no template produces.
pub fn stale(root: &Path) -> Result<Vec<PathBuf>, DocsError> {
    let pages = generate(root)?;
    let mut out: Vec<PathBuf> = pages
        .iter()
        .filter(|(path, text)| std::fs::read_to_string(root.join(path)).ok().as_ref() != Some(text))
        .map(|(path, _)| path.clone())
        .collect();
    let expected: Vec<&PathBuf> = pages.iter().map(|(p, _)| p).collect();
    for file in markdown_files(&root.join("docs")) {
        let rel = file.strip_prefix(root).unwrap_or(&file).to_path_buf();
        if !expected.contains(&&rel) {
            out.push(rel);
        }
    }
    Ok(out)
}

fn markdown_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for entry in entries.flatten() {
        let p = entry.path();
        if p.is_dir() {
            out.extend(markdown_files(&p));
        } else if p.extension().is_some_and(|e| e == "md") {
            out.push(p);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_expand_and_unknown_ones_fail_with_their_line() {
        let t = "# Title\n{{description provider}}\n  {{summary dlc_image_uri}}\n";
        let out = expand("t", t).unwrap();
        assert!(out.starts_with("# Title\n"));
        assert!(out.contains(&config::schema().block.description));
        let err = expand("t.md.tmpl", "a\n{{schema nothing}}\n").unwrap_err();
        assert!(err.to_string().starts_with("t.md.tmpl:2:"), "{err}");
        assert!(expand("t", "{{bogus provider}}").is_err());
    }

    #[test]
    fn every_template_exists_and_expands() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let pages = generate(root).unwrap();
        assert_eq!(pages.len(), PAGES.len());
        for (path, text) in pages {
            assert!(
                text.starts_with("---\n"),
                "{} lacks front matter",
                path.display()
            );
            assert!(
                !text.contains("{{"),
                "{} has an unexpanded placeholder",
                path.display()
            );
        }
    }
}
