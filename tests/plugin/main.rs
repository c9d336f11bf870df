//! Plugin protocol tests: the provider binary as Terraform starts it (handshake, mutual TLS,
//! plaintext debug mode, message limits, the command line).

#[path = "../plugin_support/mod.rs"]
mod plugin_support;

mod cli;
mod limits;
mod mtls;
mod plaintext;
