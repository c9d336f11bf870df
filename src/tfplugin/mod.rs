//! The protocol layer: Terraform values and their wire encodings, cty types,
//! schemas and diagnostics. Nothing here knows about AWS or about a resource.

pub mod codec;
pub mod diag;
pub mod schema;
pub mod types;
pub mod value;

pub use diag::{AttrPath, Diagnostic, Diagnostics, Severity};
pub use types::Type;
pub use value::{Number, Value};
