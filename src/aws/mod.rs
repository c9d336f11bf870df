//! Helpers for the AWS objects the provider manages. PLACEHOLDER.
