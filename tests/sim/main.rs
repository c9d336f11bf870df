//! Tests that need no sandbox and no Terraform: property tests of the value codecs, the wait
//! and paging loops against in-memory AWS clients, and the resource's orchestration against a
//! scripted in-memory AWS.

mod codec_props;
mod fake_aws;
mod listing;
mod orchestration;
mod paging_sim;
mod shared_reads;
mod wait_sim;
