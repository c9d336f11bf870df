//! Starting and stopping a sandbox: [`launch`] wires moto, state and the listener together;
//! [`Sandbox`] runs one on a dedicated thread with its own runtime, so tests on any runtime
//! (or none) can share it, and stops it (moto included) on [`Sandbox::stop`] or drop.

use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::app::App;
use crate::client::ControlClient;
use crate::error::SandboxError;
use crate::moto::{MotoClient, MotoProcess};
use crate::options::SandboxOptions;
use crate::server;

/// A sandbox that is ready to serve.
#[derive(Debug)]
pub struct Launched {
    pub listener: TcpListener,
    pub app: Arc<App>,
    /// The moto child, unless `moto_url` was given.
    pub moto: Option<MotoProcess>,
    /// The sandbox URL, e.g. `http://127.0.0.1:41234`.
    pub url: String,
}

async fn stop_moto(moto: Option<MotoProcess>) {
    if let Some(m) = moto {
        m.stop().await;
    }
}

/// Starts (or connects to) moto, seeds start-up objects and binds the loopback listener.
pub async fn launch(opts: &SandboxOptions) -> Result<Launched, SandboxError> {
    let (moto, base) = match &opts.moto_url {
        Some(u) => (None, u.clone()),
        None => {
            let p = MotoProcess::spawn(&opts.resolved_venv()).await?;
            let u = p.url().to_string();
            (Some(p), u)
        }
    };
    let client = MotoClient::new(&base);
    if let Err(e) = client.wait_ready(Duration::from_secs(30)).await {
        stop_moto(moto).await;
        return Err(e);
    }
    let app = Arc::new(App::new(client, opts));
    if let Err(e) = app.seed_startup_objects().await {
        stop_moto(moto).await;
        return Err(e);
    }
    let listener = match TcpListener::bind(("127.0.0.1", opts.port)).await {
        Ok(l) => l,
        Err(e) => {
            stop_moto(moto).await;
            return Err(e.into());
        }
    };
    let url = format!("http://{}", listener.local_addr()?);
    Ok(Launched {
        listener,
        app,
        moto,
        url,
    })
}

struct Ready {
    url: String,
    moto_url: String,
    moto_pid: Option<u32>,
}

/// A running sandbox owned by the caller; dropping it stops it.
#[derive(Debug)]
pub struct Sandbox {
    url: String,
    moto_url: String,
    moto_pid: Option<u32>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

type ReadyTx = oneshot::Sender<Result<Ready, SandboxError>>;

fn spawn_thread(
    opts: SandboxOptions,
    ready: ReadyTx,
) -> Result<(JoinHandle<()>, oneshot::Sender<()>), SandboxError> {
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let thread = std::thread::Builder::new()
        .name("sagemaker-sandbox".into())
        .spawn(move || {
            let rt = match tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    let _ = ready.send(Err(e.into()));
                    return;
                }
            };
            rt.block_on(async move {
                // moto is spawned from this thread, which lives until stop (PR_SET_PDEATHSIG is per thread).
                let launched = match launch(&opts).await {
                    Ok(l) => l,
                    Err(e) => {
                        let _ = ready.send(Err(e));
                        return;
                    }
                };
                let info = Ready {
                    url: launched.url.clone(),
                    moto_url: launched.app.moto.base().to_string(),
                    moto_pid: launched.moto.as_ref().and_then(MotoProcess::pid),
                };
                if ready.send(Ok(info)).is_err() {
                    stop_moto(launched.moto).await;
                    return;
                }
                server::serve(launched.listener, launched.app, async {
                    let _ = stop_rx.await;
                })
                .await;
                stop_moto(launched.moto).await;
            });
        })?;
    Ok((thread, stop_tx))
}

impl Sandbox {
    /// Starts a sandbox on its own thread and waits until it serves.
    pub async fn start(opts: SandboxOptions) -> Result<Sandbox, SandboxError> {
        let (tx, rx) = oneshot::channel();
        let (thread, stop) = spawn_thread(opts, tx)?;
        let ready = rx
            .await
            .map_err(|_| SandboxError::MotoStart("sandbox thread died".into()));
        Self::finish(ready, thread, stop)
    }

    /// Like [`Sandbox::start`], for code outside any async runtime.
    pub fn start_blocking(opts: SandboxOptions) -> Result<Sandbox, SandboxError> {
        let (tx, rx) = oneshot::channel();
        let (thread, stop) = spawn_thread(opts, tx)?;
        let ready = rx
            .blocking_recv()
            .map_err(|_| SandboxError::MotoStart("sandbox thread died".into()));
        Self::finish(ready, thread, stop)
    }

    fn finish(
        ready: Result<Result<Ready, SandboxError>, SandboxError>,
        thread: JoinHandle<()>,
        stop: oneshot::Sender<()>,
    ) -> Result<Sandbox, SandboxError> {
        match ready.and_then(|r| r) {
            Ok(r) => Ok(Sandbox {
                url: r.url,
                moto_url: r.moto_url,
                moto_pid: r.moto_pid,
                stop: Some(stop),
                thread: Some(thread),
            }),
            Err(e) => {
                drop(stop);
                let _ = thread.join();
                Err(e)
            }
        }
    }

    /// The URL to give AWS SDKs as `endpoint_url`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The moto server behind the sandbox.
    pub fn moto_url(&self) -> &str {
        &self.moto_url
    }

    /// Process id of the moto child (None with `moto_url`).
    pub fn moto_pid(&self) -> Option<u32> {
        self.moto_pid
    }

    /// A client for the control API.
    pub fn control(&self) -> ControlClient {
        ControlClient::new(&self.url)
    }

    /// Stops serving, kills moto and waits for both.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.shutdown();
    }
}
