//! `sagemaker-sandbox` binary: starts the sandbox, prints its URL as the first stdout line,
//! and runs until SIGINT or SIGTERM, then stops moto and exits.

use std::io::Write;

use sagemaker_sandbox::options::SandboxOptions;
use sagemaker_sandbox::sandbox::launch;
use sagemaker_sandbox::{SandboxError, server};
use tokio::signal::unix::{SignalKind, signal};

fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SANDBOX_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let opts = match SandboxOptions::from_args(std::env::args().skip(1)) {
        Ok(o) => o,
        Err(SandboxError::InvalidOption(msg)) => {
            eprintln!("{msg}");
            std::process::exit(2);
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start runtime: {e}");
            std::process::exit(1);
        }
    };
    if let Err(e) = rt.block_on(run(opts)) {
        eprintln!("sagemaker-sandbox: {e}");
        std::process::exit(1);
    }
}

async fn run(opts: SandboxOptions) -> Result<(), SandboxError> {
    let mut sigint = signal(SignalKind::interrupt())?;
    let mut sigterm = signal(SignalKind::terminate())?;
    let launched = launch(&opts).await?;
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "{}", launched.url)?;
        out.flush()?;
    }
    tracing::info!(
        "serving on {} (moto at {})",
        launched.url,
        launched.app.moto.base()
    );
    server::serve(launched.listener, launched.app, async {
        tokio::select! {
            _ = sigint.recv() => {},
            _ = sigterm.recv() => {},
        }
    })
    .await;
    if let Some(m) = launched.moto {
        m.stop().await;
    }
    Ok(())
}
