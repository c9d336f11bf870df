//! Helpers for the AWS objects the provider manages. Everything here is a
//! pure function (no SDK calls): the Deep Learning Containers image table and
//! partitions ([`dlc`]), and the validated, deterministic names of the
//! objects we create ([`names`]).

pub mod dlc;
pub mod names;
