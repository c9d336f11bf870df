//! The provider: the tfplugin6 `Provider` gRPC service ([`service`]) and the
//! provider-level configuration that becomes an AWS SDK config ([`config`]).

pub mod config;
pub mod service;

pub use service::ProviderService;
