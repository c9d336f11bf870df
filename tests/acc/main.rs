//! Acceptance tests: the real Terraform CLI against a sandbox account each test starts (or, opt-in,
//! a real AWS account), including ownership (the resource owns exactly what it created or
//! imported) and drift (it sees and repairs what changed behind its back).

#[path = "../acc_support/mod.rs"]
mod acc_support;
#[path = "../support/mod.rs"]
mod support;

mod deploy;
mod drift;
mod faults;
mod lifecycle;
mod logs;
mod ownership;
mod production;
mod real_aws;
mod scale;
mod scaling;
mod secrets;
mod serverless;
mod update;
