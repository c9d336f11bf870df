//! Acceptance tests of ownership and drift, in one test binary: the
//! resource owns exactly what it created or imported (`ownership`), and
//! sees and repairs every change made behind its back (`drift`).

#[path = "../acc_support/mod.rs"]
mod acc_support;
#[path = "../support/mod.rs"]
mod support;

mod drift;
mod ownership;
