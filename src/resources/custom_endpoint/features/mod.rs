//! Parts of the configuration that are features of their own, typed from
//! the [`State`](super::schema::state::State) with their documented
//! defaults: the write-only secret variables, autoscaling (and the names
//! and specs of its objects) and the deployment policy. Pure: no AWS calls.

pub(super) mod deploy_model;
pub(super) mod scaling_model;
pub(super) mod secrets;
