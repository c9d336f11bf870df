//! `docs/` must be exactly what the generator makes of `templates/` and the
//! schemas the provider serves; otherwise this fails and says how to fix it.

use std::path::Path;

#[test]
fn docs_match_the_generator() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let stale = tfsm::docs::stale(root).expect("generate docs");
    assert!(
        stale.is_empty(),
        "docs/ is out of date ({}): run `make docs` and commit the result",
        stale
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
}
