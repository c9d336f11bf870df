//! `sagemaker-sandbox`: a local AWS account for tests and demos.
//!
//! One loopback HTTP endpoint serves the SageMaker control plane itself (models, endpoint
//! configs, endpoints with timed status transitions and realistic failures), the SageMaker
//! Runtime API against those endpoints (an echo model, synchronous and asynchronous), and
//! forwards every other AWS service to a moto server child process. A JSON control API under `/_sandbox/`
//! injects faults, exposes a request log and an inventory, changes lifecycle durations, seeds S3
//! objects and resets everything. See `sandbox/README.md` for the wire-level documentation.
//!
//! Rust tests typically do:
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use sagemaker_sandbox::{Sandbox, SandboxOptions};
//! let sandbox = Sandbox::start(SandboxOptions::default()).await?;
//! let control = sandbox.control();
//! control.reset().await?;
//! println!("point the AWS SDK at {}", sandbox.url());
//! # Ok(()) }
//! ```

pub mod app;
pub mod cbor;
pub mod client;
pub mod control;
pub mod error;
pub mod faults;
pub mod inventory;
pub mod log;
pub mod moto;
pub mod options;
pub mod protocol;
pub mod proxy;
pub mod sagemaker;
pub mod sandbox;
pub mod server;
pub mod store;
pub mod time;
mod xml;

pub use client::ControlClient;
pub use error::SandboxError;
pub use faults::{FaultAction, FaultRule, FaultRuleStatus};
pub use inventory::Inventory;
pub use log::LogEntry;
pub use options::{Durations, DurationsPatch, SandboxOptions};
pub use sandbox::Sandbox;
pub use store::lifecycle::EndpointTimes;

/// The account id every ARN uses (moto's default account).
pub const ACCOUNT_ID: &str = "123456789012";
/// The region used when a request carries no SigV4 credential scope.
pub const DEFAULT_REGION: &str = "us-east-1";
/// Path prefix reserved for the control API.
pub const CONTROL_PREFIX: &str = "/_sandbox/";
