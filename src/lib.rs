//! terraform-provider-sagemaker: a Terraform provider (plugin protocol 6) whose
//! one resource, `sagemaker_custom_endpoint`, deploys a custom model to an
//! Amazon SageMaker endpoint.
//!
//! Layers, from the wire inwards:
//! - [`plugin`]: the go-plugin bootstrap (handshake, AutoMTLS, controller, logs);
//! - [`tfplugin`]: protocol values, types, schemas and diagnostics;
//! - [`provider`]: the tfplugin6 `Provider` gRPC service and provider configuration;
//! - [`framework`]: provider-object traits, the registry the service
//!   dispatches through, and the protocol rules applied once for every object;
//! - [`resources`]: the resource types (one folder each) and the configured
//!   provider they run with;
//! - [`functions`]: provider-defined functions (`provider::sagemaker::...`);
//! - [`docs`]: the registry documentation, generated from the schemas above;
//! - [`aws`]: every AWS call, one typed find/describe/create/delete/wait per
//!   object, plus derived names and the DLC image table.

pub mod aws;
pub mod docs;
pub mod framework;
pub mod functions;
pub mod plugin;
pub mod proto;
pub mod provider;
pub mod resources;
pub mod tfplugin;
