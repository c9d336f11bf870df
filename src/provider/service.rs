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

#[tonic::async_trait]
impl Provider for ProviderService {
    async fn get_metadata(
        &self,
        _request: Request<pb::get_metadata::Request>,
    ) -> Result<Response<pb::get_metadata::Response>, Status> {
        Err(unsupported("get_metadata"))
    }

    async fn get_provider_schema(
        &self,
        _request: Request<pb::get_provider_schema::Request>,
    ) -> Result<Response<pb::get_provider_schema::Response>, Status> {
        Err(unsupported("get_provider_schema"))
    }

    async fn get_resource_identity_schemas(
        &self,
        _request: Request<pb::get_resource_identity_schemas::Request>,
    ) -> Result<Response<pb::get_resource_identity_schemas::Response>, Status> {
        Err(unsupported("get_resource_identity_schemas"))
    }

    async fn validate_provider_config(
        &self,
        _request: Request<pb::validate_provider_config::Request>,
    ) -> Result<Response<pb::validate_provider_config::Response>, Status> {
        Err(unsupported("validate_provider_config"))
    }

    async fn validate_resource_config(
        &self,
        _request: Request<pb::validate_resource_config::Request>,
    ) -> Result<Response<pb::validate_resource_config::Response>, Status> {
        Err(unsupported("validate_resource_config"))
    }

    async fn validate_data_resource_config(
        &self,
        _request: Request<pb::validate_data_resource_config::Request>,
    ) -> Result<Response<pb::validate_data_resource_config::Response>, Status> {
        Err(unsupported("validate_data_resource_config"))
    }

    async fn upgrade_resource_state(
        &self,
        _request: Request<pb::upgrade_resource_state::Request>,
    ) -> Result<Response<pb::upgrade_resource_state::Response>, Status> {
        Err(unsupported("upgrade_resource_state"))
    }

    async fn upgrade_resource_identity(
        &self,
        _request: Request<pb::upgrade_resource_identity::Request>,
    ) -> Result<Response<pb::upgrade_resource_identity::Response>, Status> {
        Err(unsupported("upgrade_resource_identity"))
    }

    async fn configure_provider(
        &self,
        _request: Request<pb::configure_provider::Request>,
    ) -> Result<Response<pb::configure_provider::Response>, Status> {
        Err(unsupported("configure_provider"))
    }

    async fn read_resource(
        &self,
        _request: Request<pb::read_resource::Request>,
    ) -> Result<Response<pb::read_resource::Response>, Status> {
        Err(unsupported("read_resource"))
    }

    async fn plan_resource_change(
        &self,
        _request: Request<pb::plan_resource_change::Request>,
    ) -> Result<Response<pb::plan_resource_change::Response>, Status> {
        Err(unsupported("plan_resource_change"))
    }

    async fn apply_resource_change(
        &self,
        _request: Request<pb::apply_resource_change::Request>,
    ) -> Result<Response<pb::apply_resource_change::Response>, Status> {
        Err(unsupported("apply_resource_change"))
    }

    async fn import_resource_state(
        &self,
        _request: Request<pb::import_resource_state::Request>,
    ) -> Result<Response<pb::import_resource_state::Response>, Status> {
        Err(unsupported("import_resource_state"))
    }

    async fn move_resource_state(
        &self,
        _request: Request<pb::move_resource_state::Request>,
    ) -> Result<Response<pb::move_resource_state::Response>, Status> {
        Err(unsupported("move_resource_state"))
    }

    async fn read_data_source(
        &self,
        _request: Request<pb::read_data_source::Request>,
    ) -> Result<Response<pb::read_data_source::Response>, Status> {
        Err(unsupported("read_data_source"))
    }

    async fn validate_ephemeral_resource_config(
        &self,
        _request: Request<pb::validate_ephemeral_resource_config::Request>,
    ) -> Result<Response<pb::validate_ephemeral_resource_config::Response>, Status> {
        Err(unsupported("validate_ephemeral_resource_config"))
    }

    async fn open_ephemeral_resource(
        &self,
        _request: Request<pb::open_ephemeral_resource::Request>,
    ) -> Result<Response<pb::open_ephemeral_resource::Response>, Status> {
        Err(unsupported("open_ephemeral_resource"))
    }

    async fn renew_ephemeral_resource(
        &self,
        _request: Request<pb::renew_ephemeral_resource::Request>,
    ) -> Result<Response<pb::renew_ephemeral_resource::Response>, Status> {
        Err(unsupported("renew_ephemeral_resource"))
    }

    async fn close_ephemeral_resource(
        &self,
        _request: Request<pb::close_ephemeral_resource::Request>,
    ) -> Result<Response<pb::close_ephemeral_resource::Response>, Status> {
        Err(unsupported("close_ephemeral_resource"))
    }

    async fn get_functions(
        &self,
        _request: Request<pb::get_functions::Request>,
    ) -> Result<Response<pb::get_functions::Response>, Status> {
        Err(unsupported("get_functions"))
    }

    async fn call_function(
        &self,
        _request: Request<pb::call_function::Request>,
    ) -> Result<Response<pb::call_function::Response>, Status> {
        Err(unsupported("call_function"))
    }

    async fn stop_provider(
        &self,
        _request: Request<pb::stop_provider::Request>,
    ) -> Result<Response<pb::stop_provider::Response>, Status> {
        Err(unsupported("stop_provider"))
    }
}

fn unsupported(rpc: &str) -> Status {
    Status::unimplemented(format!("{rpc} is not supported by this provider"))
}
