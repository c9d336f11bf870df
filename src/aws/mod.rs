//! The AWS layer: everything the `sagemaker_custom_endpoint` resource asks of
//! AWS, one module per kind of object, over the SDK clients in [`clients`].
//!
//! - [`error`]: the [`error::AwsError`] type and its classification;
//! - [`wait`]: the one adaptive wait loop, with cancellation;
//! - [`endpoint`], [`endpoint_config`], [`model`]: SageMaker objects;
//! - [`role`] and [`policy`]: the generated execution role and its
//!   least-privilege policy; [`topic`]: the async-inference SNS topics;
//! - [`dlc`] and [`names`]: pure helpers (DLC image table, partitions, name
//!   rules and deterministic derived names).
//!
//! Finds are one API call and answer `Ok(None)` for a missing object; deletes
//! treat "not found" as done; creates adopt an object that already exists
//! under the same (deterministic) name.

pub mod clients;
pub mod dlc;
pub mod endpoint;
pub mod endpoint_config;
pub mod error;
pub mod model;
pub mod names;
pub mod policy;
pub mod role;
pub mod topic;
pub mod wait;

/// Tag put on every object the provider creates; its value is the endpoint name.
pub const OWNERSHIP_TAG: &str = "tfsm:endpoint";
