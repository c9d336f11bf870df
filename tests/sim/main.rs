//! Tests that need no sandbox and no Terraform: property tests of the value codecs, and the wait
//! and paging loops against in-memory AWS clients.

mod codec_props;
mod paging_sim;
mod wait_sim;
