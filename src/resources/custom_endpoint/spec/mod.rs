//! What a configuration asks for, shared by plan and apply so both derive
//! the same values: the fully known [`EndpointSpec`](model::EndpointSpec),
//! and the derived image URI, `tags_all`, object names and content hashes.

pub(super) mod derive;
pub(super) mod model;
