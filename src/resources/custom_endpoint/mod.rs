//! `sagemaker_custom_endpoint`. PLACEHOLDER: being written in this session.
