//! Integration tests of the AWS layer and of the resource lifecycle functions against the sandbox,
//! without Terraform.

#[path = "../aws_common/mod.rs"]
mod aws_common;
#[path = "../life_common/mod.rs"]
mod life_common;

mod aws_lifecycle;
mod aws_objects;
mod drift;
mod lifecycle;
