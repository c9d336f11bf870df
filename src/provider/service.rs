//! The tfplugin6 `Provider` service: decodes each RPC, dispatches it to the
//! provider configuration or the resource, and encodes the reply.
//!
//! Value decoding errors, unknown type names and a missing provider
//! configuration all become diagnostics; gRPC errors are only used for RPCs
//! this provider does not offer. Provider functions need no configuration.
//! StopProvider and plugin shutdown cancel every AWS wait in progress; the
//! resource then returns the state it has so far. After StopProvider, new
//! operations run normally (a `--debug` provider outlives many Terraform
//! runs); after shutdown, nothing new starts.

use super::config;
use crate::aws::clients::Clients;
use crate::aws::wait::Cancel;
use crate::framework::{Registry, wire};
use crate::functions;
use crate::proto::tfplugin6 as pb;
use crate::resources::{self, Session};
use crate::tfplugin::Diagnostics;
use pb::provider_server::Provider;
use std::sync::{Arc, Mutex, RwLock};
use tonic::{Request, Response, Status};

/// The cancellation tokens handed to operations. Each operation takes the
/// current token when it starts; StopProvider cancels that token, which
/// stops every operation holding it, and puts a fresh one in its place for
/// the operations that start afterwards. Shutdown cancels for good.
#[derive(Default, Debug)]
pub struct Stopper {
    state: Mutex<StopState>,
}

#[derive(Default, Debug)]
struct StopState {
    current: Cancel,
    shut_down: bool,
}

impl Stopper {
    fn lock(&self) -> std::sync::MutexGuard<'_, StopState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The token for an operation starting now.
    pub fn token(&self) -> Cancel {
        self.lock().current.clone()
    }

    /// Cancels the operations in progress; later ones get a new token.
    pub fn stop(&self) {
        let mut s = self.lock();
        let old = if s.shut_down {
            s.current.clone()
        } else {
            std::mem::take(&mut s.current)
        };
        old.cancel();
    }

    /// Cancels the operations in progress and every later one.
    pub fn shut_down(&self) {
        let mut s = self.lock();
        s.shut_down = true;
        s.current.cancel();
    }
}

/// Shared state of one provider process.
pub struct ProviderService {
    /// Every resource and function, and the dispatch of their RPCs.
    registry: Arc<Registry<Session>>,
    aws: RwLock<Option<Arc<Session>>>,
    /// Stops the waits in progress: StopProvider and plugin shutdown.
    stop: Arc<Stopper>,
}

impl Default for ProviderService {
    fn default() -> Self {
        let mut registry = Registry::default();
        resources::register(&mut registry);
        for f in functions::all() {
            registry.function(f);
        }
        ProviderService {
            registry: Arc::new(registry),
            aws: RwLock::default(),
            stop: Arc::default(),
        }
    }
}

impl ProviderService {
    pub fn new() -> Self {
        let service = Self::default();
        // Terraform going away (Shutdown, SIGTERM) also stops in-flight waits.
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            let stop = service.stop.clone();
            rt.spawn(async move {
                crate::plugin::shutdown::signal().wait().await;
                stop.shut_down();
            });
        }
        service
    }

    /// The configuration set by ConfigureProvider, or an error diagnostic.
    fn configured(&self) -> Result<Arc<Session>, Diagnostics> {
        let guard = self.aws.read().unwrap_or_else(|e| e.into_inner());
        guard.clone().ok_or_else(|| {
            let mut d = Diagnostics::new();
            d.error(
                "Provider not configured",
                "Terraform called the provider before ConfigureProvider; this is a bug in the \
                 caller or the provider.",
            );
            d
        })
    }
}

fn capabilities() -> pb::ServerCapabilities {
    pb::ServerCapabilities {
        plan_destroy: true,
        get_provider_schema_optional: true,
        move_resource_state: false,
        generate_resource_config: true,
    }
}

fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// A server stream of the events a registry task produces.
type EventStream<T> = std::pin::Pin<Box<dyn tokio_stream::Stream<Item = Result<T, Status>> + Send>>;

fn event_stream<T: Send + 'static>(rx: tokio::sync::mpsc::UnboundedReceiver<T>) -> EventStream<T> {
    use tokio_stream::StreamExt;
    Box::pin(tokio_stream::wrappers::UnboundedReceiverStream::new(rx).map(Ok))
}

#[tonic::async_trait]
impl Provider for ProviderService {
    type ListResourceStream = EventStream<pb::list_resource::Event>;
    type InvokeActionStream = EventStream<pb::invoke_action::Event>;

    async fn list_resource(
        &self,
        request: Request<pb::list_resource::Request>,
    ) -> Result<Response<Self::ListResourceStream>, Status> {
        let rx =
            self.registry
                .list_resource(self.configured(), self.stop.token(), request.into_inner());
        Ok(Response::new(event_stream(rx)))
    }

    async fn validate_list_resource_config(
        &self,
        request: Request<pb::validate_list_resource_config::Request>,
    ) -> Result<Response<pb::validate_list_resource_config::Response>, Status> {
        Ok(Response::new(
            self.registry
                .validate_list_resource_config(request.into_inner()),
        ))
    }

    async fn generate_resource_config(
        &self,
        request: Request<pb::generate_resource_config::Request>,
    ) -> Result<Response<pb::generate_resource_config::Response>, Status> {
        Ok(Response::new(
            self.registry.generate_resource_config(request.into_inner()),
        ))
    }

    async fn validate_action_config(
        &self,
        request: Request<pb::validate_action_config::Request>,
    ) -> Result<Response<pb::validate_action_config::Response>, Status> {
        Ok(Response::new(
            self.registry.validate_action_config(request.into_inner()),
        ))
    }

    async fn plan_action(
        &self,
        request: Request<pb::plan_action::Request>,
    ) -> Result<Response<pb::plan_action::Response>, Status> {
        Ok(Response::new(
            self.registry.plan_action(request.into_inner()),
        ))
    }

    async fn invoke_action(
        &self,
        request: Request<pb::invoke_action::Request>,
    ) -> Result<Response<Self::InvokeActionStream>, Status> {
        let rx =
            self.registry
                .invoke_action(self.configured(), self.stop.token(), request.into_inner());
        Ok(Response::new(event_stream(rx)))
    }

    async fn get_metadata(
        &self,
        _request: Request<pb::get_metadata::Request>,
    ) -> Result<Response<pb::get_metadata::Response>, Status> {
        Ok(Response::new(pb::get_metadata::Response {
            server_capabilities: Some(capabilities()),
            resources: self
                .registry
                .resource_types()
                .map(|t| pb::get_metadata::ResourceMetadata {
                    type_name: t.into(),
                })
                .collect(),
            functions: self
                .registry
                .function_names()
                .map(|name| pb::get_metadata::FunctionMetadata {
                    name: name.to_string(),
                })
                .collect(),
            list_resources: self
                .registry
                .list_types()
                .map(|t| pb::get_metadata::ListResourceMetadata {
                    type_name: t.into(),
                })
                .collect(),
            actions: self
                .registry
                .action_types()
                .map(|t| pb::get_metadata::ActionMetadata {
                    type_name: t.into(),
                })
                .collect(),
            ..Default::default()
        }))
    }

    async fn get_provider_schema(
        &self,
        _request: Request<pb::get_provider_schema::Request>,
    ) -> Result<Response<pb::get_provider_schema::Response>, Status> {
        Ok(Response::new(pb::get_provider_schema::Response {
            provider: Some(config::schema().to_proto()),
            resource_schemas: self.registry.resource_schemas(),
            server_capabilities: Some(capabilities()),
            functions: self.registry.function_definitions(),
            list_resource_schemas: self.registry.list_schemas(),
            action_schemas: self.registry.action_schemas(),
            ..Default::default()
        }))
    }

    async fn get_resource_identity_schemas(
        &self,
        _request: Request<pb::get_resource_identity_schemas::Request>,
    ) -> Result<Response<pb::get_resource_identity_schemas::Response>, Status> {
        Ok(Response::new(pb::get_resource_identity_schemas::Response {
            identity_schemas: self.registry.identity_schemas(),
            diagnostics: vec![],
        }))
    }

    async fn validate_provider_config(
        &self,
        request: Request<pb::validate_provider_config::Request>,
    ) -> Result<Response<pb::validate_provider_config::Response>, Status> {
        let req = request.into_inner();
        let diags = wire::decode(
            req.config.as_ref(),
            &config::schema().value_type(),
            "provider configuration",
        )
        .map(|c| config::validate(&c))
        .unwrap_or_else(|d| d);
        Ok(Response::new(pb::validate_provider_config::Response {
            diagnostics: diags.to_proto(),
        }))
    }

    async fn validate_resource_config(
        &self,
        request: Request<pb::validate_resource_config::Request>,
    ) -> Result<Response<pb::validate_resource_config::Response>, Status> {
        Ok(Response::new(
            self.registry.validate_resource_config(request.into_inner()),
        ))
    }

    async fn upgrade_resource_state(
        &self,
        request: Request<pb::upgrade_resource_state::Request>,
    ) -> Result<Response<pb::upgrade_resource_state::Response>, Status> {
        Ok(Response::new(
            self.registry.upgrade_resource_state(request.into_inner()),
        ))
    }

    async fn configure_provider(
        &self,
        request: Request<pb::configure_provider::Request>,
    ) -> Result<Response<pb::configure_provider::Response>, Status> {
        let req = request.into_inner();
        let settings = wire::decode(
            req.config.as_ref(),
            &config::schema().value_type(),
            "provider configuration",
        )
        .and_then(|c| config::settings(&c, &env_var));
        let diags = match settings {
            Ok(s) => {
                tracing::debug!(region = %s.region, "configuring provider");
                let ctx = config::build(s).await;
                let clients = Clients::new(&ctx);
                let settings = ctx.settings;
                let session = Session::new(settings.region, settings.default_tags, clients);
                *self.aws.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(session));
                Diagnostics::new()
            }
            Err(d) => d,
        };
        Ok(Response::new(pb::configure_provider::Response {
            diagnostics: diags.to_proto(),
        }))
    }

    async fn read_resource(
        &self,
        request: Request<pb::read_resource::Request>,
    ) -> Result<Response<pb::read_resource::Response>, Status> {
        let cancel = self.stop.token();
        let req = request.into_inner();
        Ok(Response::new(
            self.registry
                .read_resource(self.configured(), &cancel, req)
                .await,
        ))
    }

    async fn plan_resource_change(
        &self,
        request: Request<pb::plan_resource_change::Request>,
    ) -> Result<Response<pb::plan_resource_change::Response>, Status> {
        Ok(Response::new(self.registry.plan_resource_change(
            self.configured(),
            request.into_inner(),
        )))
    }

    async fn apply_resource_change(
        &self,
        request: Request<pb::apply_resource_change::Request>,
    ) -> Result<Response<pb::apply_resource_change::Response>, Status> {
        let cancel = self.stop.token();
        let req = request.into_inner();
        Ok(Response::new(
            self.registry
                .apply_resource_change(self.configured(), &cancel, req)
                .await,
        ))
    }

    async fn import_resource_state(
        &self,
        request: Request<pb::import_resource_state::Request>,
    ) -> Result<Response<pb::import_resource_state::Response>, Status> {
        let cancel = self.stop.token();
        let req = request.into_inner();
        Ok(Response::new(
            self.registry
                .import_resource_state(self.configured(), &cancel, req)
                .await,
        ))
    }

    async fn get_functions(
        &self,
        _request: Request<pb::get_functions::Request>,
    ) -> Result<Response<pb::get_functions::Response>, Status> {
        Ok(Response::new(pb::get_functions::Response {
            functions: self.registry.function_definitions(),
            diagnostics: vec![],
        }))
    }

    async fn stop_provider(
        &self,
        _request: Request<pb::stop_provider::Request>,
    ) -> Result<Response<pb::stop_provider::Response>, Status> {
        tracing::info!("StopProvider: cancelling operations in progress");
        self.stop.stop();
        Ok(Response::new(Default::default()))
    }

    async fn validate_data_resource_config(
        &self,
        _request: Request<pb::validate_data_resource_config::Request>,
    ) -> Result<Response<pb::validate_data_resource_config::Response>, Status> {
        Err(unsupported("validate_data_resource_config"))
    }

    async fn upgrade_resource_identity(
        &self,
        request: Request<pb::upgrade_resource_identity::Request>,
    ) -> Result<Response<pb::upgrade_resource_identity::Response>, Status> {
        Ok(Response::new(
            self.registry
                .upgrade_resource_identity(request.into_inner()),
        ))
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

    async fn call_function(
        &self,
        request: Request<pb::call_function::Request>,
    ) -> Result<Response<pb::call_function::Response>, Status> {
        Ok(Response::new(
            self.registry.call_function(&request.into_inner()),
        ))
    }
}

fn unsupported(rpc: &str) -> Status {
    Status::unimplemented(format!("{rpc} is not supported by this provider"))
}

#[cfg(test)]
mod stop_tests {
    use super::*;
    use crate::aws::error::AwsError;
    use crate::aws::wait::{Probe, wait_until};
    use std::time::Duration;

    /// A wait that would never end by itself.
    async fn forever(cancel: &Cancel) -> Result<(), AwsError> {
        wait_until(
            "endpoint e",
            Duration::from_secs(86_400),
            cancel,
            || async {
                Ok(Probe::<()>::Pending {
                    status: "Creating".into(),
                })
            },
        )
        .await
    }

    /// A wait that is done at the first probe.
    async fn at_once(cancel: &Cancel) -> Result<(), AwsError> {
        wait_until("endpoint e", Duration::from_secs(60), cancel, || async {
            Ok(Probe::Ready(()))
        })
        .await
    }

    #[tokio::test]
    async fn stop_provider_cancels_what_runs_and_later_operations_work() {
        let svc = ProviderService::new();
        let running = svc.stop.token();
        let task = tokio::spawn(async move { forever(&running).await });
        tokio::task::yield_now().await;
        svc.stop_provider(Request::new(pb::stop_provider::Request {}))
            .await
            .unwrap();
        let r = tokio::time::timeout(Duration::from_secs(10), task)
            .await
            .expect("the running wait stopped")
            .unwrap();
        assert!(matches!(r, Err(AwsError::Cancelled { .. })), "{r:?}");

        // The operations Terraform starts afterwards (a --debug provider
        // serves many runs) are not born cancelled.
        for _ in 0..3 {
            let later = svc.stop.token();
            assert!(!later.is_cancelled());
            at_once(&later).await.unwrap();
            svc.stop_provider(Request::new(pb::stop_provider::Request {}))
                .await
                .unwrap();
            assert!(
                later.is_cancelled(),
                "each stop reaches the operations then running"
            );
        }
    }

    #[test]
    fn shutdown_cancels_for_good() {
        let s = Stopper::default();
        let before = s.token();
        s.shut_down();
        assert!(before.is_cancelled());
        assert!(s.token().is_cancelled());
        s.stop();
        assert!(
            s.token().is_cancelled(),
            "a stop after shutdown does not revive"
        );
    }
}
