//! The tfplugin6 `Provider` service: decodes each RPC, dispatches it to the
//! provider configuration or the resource, and encodes the reply.
//!
//! PLACEHOLDER: most RPCs are still being written in this session.

use crate::proto::tfplugin6 as pb;
use pb::provider_server::Provider;
use tonic::{Request, Response, Status};

/// Shared state of one provider process.
#[derive(Default)]
pub struct ProviderService {}

impl ProviderService {
    pub fn new() -> Self {
        Self::default()
    }
}

macro_rules! unimplemented_rpcs {
    ($($name:ident: $module:ident;)*) => {
        $(
            async fn $name(
                &self,
                _request: Request<pb::$module::Request>,
            ) -> Result<Response<pb::$module::Response>, Status> {
                Err(Status::unimplemented(concat!(stringify!($name), " is not supported by this provider")))
            }
        )*
    };
}

#[tonic::async_trait]
impl Provider for ProviderService {
    unimplemented_rpcs! {
        get_metadata: get_metadata;
        get_provider_schema: get_provider_schema;
        get_resource_identity_schemas: get_resource_identity_schemas;
        validate_provider_config: validate_provider_config;
        validate_resource_config: validate_resource_config;
        validate_data_resource_config: validate_data_resource_config;
        upgrade_resource_state: upgrade_resource_state;
        upgrade_resource_identity: upgrade_resource_identity;
        configure_provider: configure_provider;
        read_resource: read_resource;
        plan_resource_change: plan_resource_change;
        apply_resource_change: apply_resource_change;
        import_resource_state: import_resource_state;
        move_resource_state: move_resource_state;
        read_data_source: read_data_source;
        validate_ephemeral_resource_config: validate_ephemeral_resource_config;
        open_ephemeral_resource: open_ephemeral_resource;
        renew_ephemeral_resource: renew_ephemeral_resource;
        close_ephemeral_resource: close_ephemeral_resource;
        get_functions: get_functions;
        call_function: call_function;
        stop_provider: stop_provider;
    }
}
