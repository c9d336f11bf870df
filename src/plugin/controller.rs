//! go-plugin's own gRPC services: `plugin.GRPCController` (Terraform asks
//! the plugin to exit) and `plugin.GRPCStdio` (a stream of the plugin's
//! stdout/stderr, which we keep idle: our logs go to stderr directly).

use super::shutdown::{self, ShutdownSignal};
use crate::proto::plugin::grpc_controller_server::GrpcController;
use crate::proto::plugin::grpc_stdio_server::GrpcStdio;
use crate::proto::plugin::{Empty, StdioData};
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status};

/// What `GRPCController.Shutdown` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnShutdown {
    /// Trigger the process-wide shutdown (normal plugin mode).
    Exit,
    /// Log and keep serving (debug mode: the user stops it with Ctrl-C).
    KeepServing,
}

/// The `plugin.GRPCController` service.
#[derive(Debug)]
pub struct Controller {
    on_shutdown: OnShutdown,
}

impl Controller {
    pub fn new(on_shutdown: OnShutdown) -> Self {
        Self { on_shutdown }
    }
}

#[tonic::async_trait]
impl GrpcController for Controller {
    async fn shutdown(&self, _request: Request<Empty>) -> Result<Response<Empty>, Status> {
        match self.on_shutdown {
            OnShutdown::Exit => {
                tracing::debug!("Terraform asked the plugin to shut down");
                shutdown::trigger();
            }
            OnShutdown::KeepServing => {
                tracing::info!("ignoring a shutdown request in debug mode; press Ctrl-C to stop");
            }
        }
        Ok(Response::new(Empty {}))
    }
}

/// The `plugin.GRPCStdio` service.
#[derive(Debug)]
pub struct Stdio {
    stop: ShutdownSignal,
}

impl Stdio {
    pub fn new(stop: ShutdownSignal) -> Self {
        Self { stop }
    }
}

#[tonic::async_trait]
impl GrpcStdio for Stdio {
    type StreamStdioStream = ReceiverStream<Result<StdioData, Status>>;

    async fn stream_stdio(
        &self,
        _request: Request<()>,
    ) -> Result<Response<Self::StreamStdioStream>, Status> {
        // Nothing is ever sent: the stream stays open until shutdown or until
        // the client goes away, then ends cleanly.
        let (tx, rx) = mpsc::channel(1);
        let stop = self.stop.clone();
        tokio::spawn(async move {
            tokio::select! {
                _ = stop.wait() => {}
                _ = tx.closed() => {}
            }
            drop(tx);
        });
        Ok(Response::new(ReceiverStream::new(rx)))
    }
}
