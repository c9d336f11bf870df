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

use super::config::{self, AwsContext};
use crate::aws::clients::Clients;
use crate::aws::wait::Cancel;
use crate::functions;
use crate::proto::tfplugin6 as pb;
use crate::resources::custom_endpoint as endpoint;
use crate::tfplugin::codec;
use crate::tfplugin::{Diagnostics, Type, Value};
use pb::provider_server::Provider;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;
use tonic::{Request, Response, Status};

/// How long CreateModel may keep failing because a new role has not reached
/// SageMaker yet (IAM is eventually consistent).
const IAM_PROPAGATION_BOUND: Duration = Duration::from_secs(90);

/// What ConfigureProvider sets up: settings, SDK clients, and the account ID
/// (looked up once, on the first call that needs it).
pub struct Configured {
    pub ctx: AwsContext,
    pub clients: Clients,
    account_id: tokio::sync::OnceCell<String>,
}

impl Configured {
    async fn account_id(&self) -> Result<&str, Diagnostics> {
        self.account_id
            .get_or_try_init(|| self.clients.account_id())
            .await
            .map(String::as_str)
            .map_err(|e| {
                let mut d = Diagnostics::new();
                d.error(
                    "Could not identify the AWS account",
                    format!("STS GetCallerIdentity failed, so credentials are probably missing or invalid: {e}"),
                );
                d
            })
    }
}

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
#[derive(Default)]
pub struct ProviderService {
    aws: RwLock<Option<Arc<Configured>>>,
    /// Stops the waits in progress: StopProvider and plugin shutdown.
    stop: Arc<Stopper>,
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
    fn configured(&self) -> Result<Arc<Configured>, Diagnostics> {
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
    }
}

/// Decodes an optional DynamicValue (absent means null).
fn decode(dv: Option<&pb::DynamicValue>, ty: &Type, what: &str) -> Result<Value, Diagnostics> {
    match dv {
        None => Ok(Value::Null),
        Some(dv) if dv.msgpack.is_empty() && dv.json.is_empty() => Ok(Value::Null),
        Some(dv) => codec::from_dynamic(dv, ty).map_err(|e| {
            let mut d = Diagnostics::new();
            d.error(
                format!("Invalid {what}"),
                format!("Terraform sent a {what} the provider could not decode: {e}"),
            );
            d
        }),
    }
}

fn encode(v: &Value, ty: &Type, what: &str) -> Result<pb::DynamicValue, Diagnostics> {
    codec::to_dynamic(v, ty).map_err(|e| {
        let mut d = Diagnostics::new();
        d.error(
            format!("Could not encode {what}"),
            format!("This is a provider bug: {e}"),
        );
        d
    })
}

/// Checks that `type_name` is the one resource we serve.
fn check_type(type_name: &str) -> Result<(), Diagnostics> {
    if type_name == endpoint::TYPE_NAME {
        return Ok(());
    }
    let mut d = Diagnostics::new();
    d.error(
        "Unknown resource type",
        format!(
            "This provider has no resource type \"{type_name}\"; it offers \"{}\".",
            endpoint::TYPE_NAME
        ),
    );
    Err(d)
}

/// Points each diagnostic at a place Terraform can show in the source.
fn locatable(mut d: Diagnostics) -> Diagnostics {
    let block = &endpoint::schema().block;
    for diag in &mut d.0 {
        if let Some(p) = &diag.path {
            diag.path = Some(block.locatable_path(p));
        }
    }
    d
}

fn resource_type() -> Type {
    endpoint::schema().value_type()
}

fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

impl ProviderService {
    /// The environment the resource lifecycle runs in; `cancel` is the
    /// operation's token, taken from [`Stopper::token`] when it started.
    fn env<'a>(
        &'a self,
        aws: &'a Configured,
        account_id: &'a str,
        cancel: &'a Cancel,
    ) -> endpoint::Env<'a> {
        endpoint::Env {
            clients: &aws.clients,
            region: &aws.ctx.settings.region,
            account_id,
            default_tags: &aws.ctx.settings.default_tags,
            cancel,
            iam_propagation_bound: IAM_PROPAGATION_BOUND,
        }
    }
}

#[tonic::async_trait]
impl Provider for ProviderService {
    async fn get_metadata(
        &self,
        _request: Request<pb::get_metadata::Request>,
    ) -> Result<Response<pb::get_metadata::Response>, Status> {
        Ok(Response::new(pb::get_metadata::Response {
            server_capabilities: Some(capabilities()),
            resources: vec![pb::get_metadata::ResourceMetadata {
                type_name: endpoint::TYPE_NAME.into(),
            }],
            functions: functions::specs()
                .map(|f| pb::get_metadata::FunctionMetadata {
                    name: f.name.to_string(),
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
            resource_schemas: HashMap::from([(
                endpoint::TYPE_NAME.to_string(),
                endpoint::schema().to_proto(),
            )]),
            server_capabilities: Some(capabilities()),
            functions: functions::definitions(),
            ..Default::default()
        }))
    }

    async fn get_resource_identity_schemas(
        &self,
        _request: Request<pb::get_resource_identity_schemas::Request>,
    ) -> Result<Response<pb::get_resource_identity_schemas::Response>, Status> {
        Ok(Response::new(Default::default()))
    }

    async fn validate_provider_config(
        &self,
        request: Request<pb::validate_provider_config::Request>,
    ) -> Result<Response<pb::validate_provider_config::Response>, Status> {
        let req = request.into_inner();
        let diags = decode(
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
        let req = request.into_inner();
        let diags = check_type(&req.type_name)
            .and_then(|()| {
                decode(
                    req.config.as_ref(),
                    &resource_type(),
                    "resource configuration",
                )
            })
            .map(|c| {
                let write_only = req
                    .client_capabilities
                    .as_ref()
                    .is_some_and(|caps| caps.write_only_attributes_allowed);
                locatable(endpoint::validate(&c, write_only))
            })
            .unwrap_or_else(|d| d);
        Ok(Response::new(pb::validate_resource_config::Response {
            diagnostics: diags.to_proto(),
        }))
    }

    async fn upgrade_resource_state(
        &self,
        request: Request<pb::upgrade_resource_state::Request>,
    ) -> Result<Response<pb::upgrade_resource_state::Response>, Status> {
        let req = request.into_inner();
        let result = check_type(&req.type_name).and_then(|()| {
            let ty = resource_type();
            let raw = req.raw_state.unwrap_or_default();
            if raw.json.is_empty() {
                let mut d = Diagnostics::new();
                d.error(
                    "Unsupported state format",
                    "The stored state is in the legacy flatmap format, which this provider never wrote.",
                );
                return Err(d);
            }
            let value = codec::decode_json_state(&raw.json, &ty).map_err(|e| {
                let mut d = Diagnostics::new();
                d.error("Unreadable stored state", format!("The stored state does not match the schema: {e}"));
                d
            })?;
            encode(&value, &ty, "upgraded state")
        });
        Ok(Response::new(match result {
            Ok(state) => pb::upgrade_resource_state::Response {
                upgraded_state: Some(state),
                diagnostics: vec![],
            },
            Err(d) => pb::upgrade_resource_state::Response {
                upgraded_state: None,
                diagnostics: d.to_proto(),
            },
        }))
    }

    async fn configure_provider(
        &self,
        request: Request<pb::configure_provider::Request>,
    ) -> Result<Response<pb::configure_provider::Response>, Status> {
        let req = request.into_inner();
        let settings = decode(
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
                let configured = Configured {
                    ctx,
                    clients,
                    account_id: Default::default(),
                };
                *self.aws.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(configured));
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
        let req = request.into_inner();
        let cancel = self.stop.token();
        let result = async {
            check_type(&req.type_name)?;
            let ty = resource_type();
            let state = decode(req.current_state.as_ref(), &ty, "current state")?;
            let aws = self.configured()?;
            let account = aws.account_id().await?;
            let env = self.env(&aws, account, &cancel);
            let read = endpoint::read(&env, &state, &req.private).await;
            Ok::<_, Diagnostics>(pb::read_resource::Response {
                new_state: Some(encode(&read.new_state, &ty, "refreshed state")?),
                private: read.private,
                diagnostics: read.diagnostics.to_proto(),
                ..Default::default()
            })
        }
        .await;
        Ok(Response::new(result.unwrap_or_else(|d| {
            pb::read_resource::Response {
                new_state: req.current_state.clone(),
                private: req.private.clone(),
                diagnostics: d.to_proto(),
                ..Default::default()
            }
        })))
    }

    async fn plan_resource_change(
        &self,
        request: Request<pb::plan_resource_change::Request>,
    ) -> Result<Response<pb::plan_resource_change::Response>, Status> {
        let req = request.into_inner();
        let result = (|| {
            check_type(&req.type_name)?;
            let ty = resource_type();
            let prior = decode(req.prior_state.as_ref(), &ty, "prior state")?;
            let proposed = decode(req.proposed_new_state.as_ref(), &ty, "proposed state")?;
            let config = decode(req.config.as_ref(), &ty, "resource configuration")?;
            let aws = self.configured()?;
            let ctx = endpoint::ProviderContext {
                region: aws.ctx.settings.region.clone(),
                default_tags: aws.ctx.settings.default_tags.clone(),
            };
            let planned = endpoint::plan(endpoint::PlanRequest {
                prior_state: &prior,
                proposed_new_state: &proposed,
                config: &config,
                ctx: &ctx,
            });
            let state = if planned.diagnostics.has_errors() {
                None
            } else {
                Some(encode(&planned.planned_state, &ty, "planned state")?)
            };
            Ok::<_, Diagnostics>(pb::plan_resource_change::Response {
                planned_state: state,
                requires_replace: planned
                    .requires_replace
                    .iter()
                    .map(|p| p.to_proto())
                    .collect(),
                planned_private: req.prior_private.clone(),
                diagnostics: locatable(planned.diagnostics).to_proto(),
                ..Default::default()
            })
        })();
        Ok(Response::new(result.unwrap_or_else(|d| {
            pb::plan_resource_change::Response {
                diagnostics: d.to_proto(),
                ..Default::default()
            }
        })))
    }

    async fn apply_resource_change(
        &self,
        request: Request<pb::apply_resource_change::Request>,
    ) -> Result<Response<pb::apply_resource_change::Response>, Status> {
        let req = request.into_inner();
        let cancel = self.stop.token();
        let result = async {
            check_type(&req.type_name)?;
            let ty = resource_type();
            let prior = decode(req.prior_state.as_ref(), &ty, "prior state")?;
            let planned = decode(req.planned_state.as_ref(), &ty, "planned state")?;
            let config = decode(req.config.as_ref(), &ty, "resource configuration")?;
            let aws = self.configured()?;
            let account = aws.account_id().await?;
            let env = self.env(&aws, account, &cancel);
            let applied =
                endpoint::apply(&env, &prior, &planned, &config, &req.planned_private).await;
            Ok::<_, Diagnostics>(pb::apply_resource_change::Response {
                new_state: Some(encode(&applied.new_state, &ty, "new state")?),
                private: applied.private,
                diagnostics: applied.diagnostics.to_proto(),
                ..Default::default()
            })
        }
        .await;
        // Before anything was touched, an error keeps the prior state as it was.
        Ok(Response::new(result.unwrap_or_else(|d| {
            pb::apply_resource_change::Response {
                new_state: req.prior_state.clone(),
                private: req.planned_private.clone(),
                diagnostics: d.to_proto(),
                ..Default::default()
            }
        })))
    }

    async fn import_resource_state(
        &self,
        request: Request<pb::import_resource_state::Request>,
    ) -> Result<Response<pb::import_resource_state::Response>, Status> {
        let req = request.into_inner();
        let cancel = self.stop.token();
        let result = async {
            check_type(&req.type_name)?;
            let ty = resource_type();
            let aws = self.configured()?;
            let account = aws.account_id().await?;
            let env = self.env(&aws, account, &cancel);
            let imported = endpoint::import(&env, &req.id).await;
            if imported.diagnostics.has_errors() || imported.new_state.is_null() {
                return Ok(pb::import_resource_state::Response {
                    diagnostics: imported.diagnostics.to_proto(),
                    ..Default::default()
                });
            }
            Ok::<_, Diagnostics>(pb::import_resource_state::Response {
                imported_resources: vec![pb::import_resource_state::ImportedResource {
                    type_name: req.type_name.clone(),
                    state: Some(encode(&imported.new_state, &ty, "imported state")?),
                    private: imported.private,
                    identity: None,
                }],
                diagnostics: imported.diagnostics.to_proto(),
                deferred: None,
            })
        }
        .await;
        Ok(Response::new(result.unwrap_or_else(|d| {
            pb::import_resource_state::Response {
                diagnostics: d.to_proto(),
                ..Default::default()
            }
        })))
    }

    async fn get_functions(
        &self,
        _request: Request<pb::get_functions::Request>,
    ) -> Result<Response<pb::get_functions::Response>, Status> {
        Ok(Response::new(pb::get_functions::Response {
            functions: functions::definitions(),
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
        _request: Request<pb::upgrade_resource_identity::Request>,
    ) -> Result<Response<pb::upgrade_resource_identity::Response>, Status> {
        Err(unsupported("upgrade_resource_identity"))
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
        let req = request.into_inner();
        Ok(Response::new(functions::call(&req.name, &req.arguments)))
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
