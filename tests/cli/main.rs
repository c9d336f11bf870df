//! CLI tests: the real Terraform CLI against the provider without AWS (schema, validation,
//! examples, state, functions, release packaging, the quickstart, docs).

#[path = "../support/mod.rs"]
mod support;

mod credentials;
mod docs_current;
mod examples;
mod functions;
mod quickstart;
mod release;
mod schema;
mod state;
mod validation;
