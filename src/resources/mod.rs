//! Managed resources served by the provider.

pub mod custom_endpoint;
