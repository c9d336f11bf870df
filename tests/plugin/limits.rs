//! The gRPC message-size limit of the provider service: well above gRPC's
//! 4 MiB default, and no higher than Terraform's own 256 MiB.

use crate::plugin_support;
use plugin_support::*;
use std::time::Duration;
use tfsm::plugin::server::MAX_MESSAGE_SIZE;
use tfsm::proto::plugin::Empty;
use tfsm::proto::plugin::grpc_controller_client::GrpcControllerClient;
use tfsm::proto::tfplugin6::provider_client::ProviderClient;
use tfsm::proto::tfplugin6::{DynamicValue, validate_provider_config};

/// A ValidateProviderConfig request whose config is `size` bytes of JSON.
fn request(size: usize) -> validate_provider_config::Request {
    // A JSON object with one long string: valid, and `size` bytes long.
    let filler = size.saturating_sub(10);
    let mut json = Vec::with_capacity(size);
    json.extend_from_slice(b"{\"x\":\"");
    json.resize(json.len() + filler, b'a');
    json.extend_from_slice(b"\"}");
    validate_provider_config::Request {
        config: Some(DynamicValue {
            msgpack: vec![],
            json,
        }),
    }
}

#[test]
fn the_limit_is_terraforms_256_mib() {
    assert_eq!(MAX_MESSAGE_SIZE, 256 * 1024 * 1024);
}

#[tokio::test]
async fn messages_above_4_mib_pass_and_above_256_mib_are_refused() {
    let mut plugin = Plugin::start(&[("TF_DISABLE_PLUGIN_TLS", "1")]);
    let socket = plugin.handshake.socket();
    let ch = channel(socket, None).await.expect("connection");
    let mut client = ProviderClient::new(ch.clone())
        .max_encoding_message_size(usize::MAX)
        .max_decoding_message_size(usize::MAX);

    // 8 MiB: twice gRPC's default, served.
    client
        .validate_provider_config(request(8 << 20))
        .await
        .expect("an 8 MiB message is accepted");

    // Just over the limit: refused before the provider decodes it.
    let err = client
        .validate_provider_config(request(MAX_MESSAGE_SIZE + 1024))
        .await
        .expect_err("a message above 256 MiB is refused");
    assert!(
        matches!(
            err.code(),
            tonic::Code::OutOfRange | tonic::Code::ResourceExhausted
        ),
        "{err:?}"
    );

    // The provider is still there afterwards.
    assert_eq!(health(ch.clone()).await.unwrap(), SERVING);
    GrpcControllerClient::new(ch)
        .shutdown(Empty {})
        .await
        .unwrap();
    assert!(plugin.wait_exit(Duration::from_secs(5)).is_some());
}
