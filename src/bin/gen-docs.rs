//! `gen-docs`: writes the registry documentation (`docs/`) from the
//! templates in `templates/` and the provider's own schemas (`make docs`).
//! With `--check` it writes nothing and exits 1 when `docs/` is stale.

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let check = std::env::args().skip(1).any(|a| a == "--check");
    let result = if check {
        check_docs(root)
    } else {
        write_docs(root)
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("gen-docs: {e}");
            ExitCode::FAILURE
        }
    }
}

fn check_docs(root: &Path) -> Result<ExitCode, tfsm::docs::DocsError> {
    let stale = tfsm::docs::stale(root)?;
    if stale.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    for p in stale {
        eprintln!("gen-docs: {} is out of date", p.display());
    }
    eprintln!("gen-docs: run `make docs` and commit the result");
    Ok(ExitCode::FAILURE)
}

fn write_docs(root: &Path) -> Result<ExitCode, tfsm::docs::DocsError> {
    for (rel, text) in tfsm::docs::generate(root)? {
        let path = root.join(&rel);
        let io = |source| tfsm::docs::DocsError::Io {
            path: path.clone(),
            source,
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        std::fs::write(&path, text).map_err(io)?;
        println!("wrote {}", rel.display());
    }
    Ok(ExitCode::SUCCESS)
}
