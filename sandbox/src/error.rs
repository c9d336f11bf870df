//! Error types for starting, running and talking to the sandbox.

use std::io;

/// Everything that can go wrong outside the emulated AWS APIs themselves.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// The Python venv holding moto is missing or incomplete.
    #[error(
        "moto venv not found at {path}: run scripts/sandbox-venv.sh (or pass --venv / set SANDBOX_VENV, \
         or use --moto-url to reuse a running moto)"
    )]
    VenvMissing { path: String },
    /// The moto child could not be started or did not come up.
    #[error("moto failed to start: {0}")]
    MotoStart(String),
    /// A request to moto failed at the transport level.
    #[error("request to moto failed: {0}")]
    Moto(String),
    /// Binding or serving the loopback socket failed.
    #[error("i/o error: {0}")]
    Io(#[from] io::Error),
    /// An option value could not be parsed.
    #[error("invalid option: {0}")]
    InvalidOption(String),
    /// A control API call failed (client side).
    #[error("control API error: {0}")]
    Control(String),
    /// JSON (de)serialisation failed.
    #[error("json error: {0}")]
    Json(#[from] serde_json::Error),
    /// An injected fault asked for the connection to be dropped.
    #[error("connection reset by fault rule")]
    InjectedReset,
}
