//! Debug mode (`--debug`): the provider runs on its own, without TLS, and
//! prints a `TF_REATTACH_PROVIDERS` value. Terraform started with that
//! variable connects to this process instead of launching a new one, so the
//! provider can run under a debugger or with its logs in plain view.

use super::handshake::ListenAddr;
use serde_json::json;

/// The provider address Terraform knows this provider by. Terraform matches
/// reattach entries against the `source` given in `required_providers`.
pub const PROVIDER_ADDRESS: &str = "registry.terraform.io/tfsm/sagemaker";

/// The JSON value of `TF_REATTACH_PROVIDERS` for a server at `addr`.
pub fn reattach_json(provider_address: &str, protocol: u32, pid: u32, addr: &ListenAddr) -> String {
    json!({
        provider_address: {
            "Protocol": "grpc",
            "ProtocolVersion": protocol,
            "Pid": pid,
            "Test": true,
            "Addr": {
                "Network": addr.network(),
                "String": addr.to_string(),
            },
        }
    })
    .to_string()
}

/// The text shown to the user: how to attach, and the shell line to paste.
pub fn instructions(reattach: &str) -> String {
    format!(
        "The provider is running in debug mode. To make Terraform use this process,\n\
         set this in the shell where you run terraform (Ctrl-C here stops the provider):\n\
         \n\
         \tTF_REATTACH_PROVIDERS='{reattach}'\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reattach_value() {
        let addr = ListenAddr::Unix("/tmp/d/plugin.sock".into());
        let text = reattach_json(PROVIDER_ADDRESS, 6, 42, &addr);
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let entry = &v[PROVIDER_ADDRESS];
        assert_eq!(entry["Protocol"], "grpc");
        assert_eq!(entry["ProtocolVersion"], 6);
        assert_eq!(entry["Pid"], 42);
        assert_eq!(entry["Test"], true);
        assert_eq!(entry["Addr"]["Network"], "unix");
        assert_eq!(entry["Addr"]["String"], "/tmp/d/plugin.sock");
        let shown = instructions(&text);
        assert!(shown.contains(&format!("TF_REATTACH_PROVIDERS='{text}'")));
    }
}
