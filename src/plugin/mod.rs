//! The go-plugin bootstrap: everything between "Terraform starts the binary"
//! and "Terraform talks tfplugin6 to our provider service".
//!
//! - [`handshake`]: magic cookie, protocol negotiation, the handshake line;
//! - [`tls`]: AutoMTLS (our self-signed certificate, Terraform's pinned one);
//! - [`listener`]: the socket and the stream of (TLS) connections;
//! - [`controller`]: go-plugin's `GRPCController` and `GRPCStdio` services;
//! - [`server`]: the gRPC server and the process lifecycle;
//! - [`shutdown`]: the process-wide shutdown signal others may watch;
//! - [`debug`]: `--debug` mode and its `TF_REATTACH_PROVIDERS` line;
//! - [`logging`]: hclog JSON lines on stderr.

pub mod controller;
pub mod debug;
pub mod handshake;
pub mod listener;
pub mod logging;
pub mod server;
pub mod shutdown;
pub mod tls;

use std::ffi::OsString;
use std::process::ExitCode;

pub use debug::PROVIDER_ADDRESS;
pub use shutdown::ShutdownSignal;

/// How the binary was asked to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Launched by Terraform (requires the magic cookie).
    Plugin,
    /// `--debug`: serve for a Terraform started with `TF_REATTACH_PROVIDERS`.
    Debug,
    /// `--version`.
    Version,
    /// `--help`.
    Help,
}

/// Reads the command line. Go-style single-dash flags are accepted too.
pub fn parse_args(args: &[OsString]) -> Result<Mode, String> {
    match args {
        [] => Ok(Mode::Plugin),
        [one] => match one.to_str() {
            Some("--debug" | "-debug") => Ok(Mode::Debug),
            Some("--version" | "-version" | "version") => Ok(Mode::Version),
            Some("--help" | "-help" | "-h") => Ok(Mode::Help),
            _ => Err(format!("unknown argument {one:?}")),
        },
        _ => Err("expected at most one argument".to_string()),
    }
}

/// Text for someone who ran the binary by hand.
fn not_a_program() -> String {
    let source = PROVIDER_ADDRESS
        .strip_prefix("registry.terraform.io/")
        .unwrap_or(PROVIDER_ADDRESS);
    format!(
        "terraform-provider-sagemaker is a Terraform provider plugin. Terraform starts it \
         itself and talks to it over gRPC; it does nothing useful when run directly.\n\
         \n\
         To use it, require it in your Terraform configuration and run terraform as usual:\n\
         \n\
         \tterraform {{\n\
         \t  required_providers {{\n\
         \t    sagemaker = {{ source = \"{source}\" }}\n\
         \t  }}\n\
         \t}}\n\
         \n\
         To run it outside Terraform (for example under a debugger), start it with --debug\n\
         and follow the instructions it prints. --version prints the version.\n"
    )
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let mode = match parse_args(&args) {
        Ok(mode) => mode,
        Err(msg) => {
            eprintln!("terraform-provider-sagemaker: {msg}\n\n{}", not_a_program());
            return ExitCode::from(1);
        }
    };
    match mode {
        Mode::Version => {
            println!("terraform-provider-sagemaker {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Mode::Help => {
            println!("{}", not_a_program());
            return ExitCode::SUCCESS;
        }
        Mode::Plugin => {
            let cookie = std::env::var(handshake::MAGIC_COOKIE_KEY).ok();
            if !handshake::cookie_matches(cookie.as_deref()) {
                eprint!("{}", not_a_program());
                return ExitCode::from(1);
            }
        }
        Mode::Debug => {}
    }

    let env = |name: &str| std::env::var(name).ok();
    logging::init(logging::level_from_env(
        env("TF_LOG_PROVIDER").as_deref(),
        env("TF_LOG").as_deref(),
    ));

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("terraform-provider-sagemaker: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let settings = server::Settings::from_env();
    let result = runtime.block_on(server::run(mode, settings));
    // Do not wait long for stray tasks: Terraform kills us soon anyway.
    runtime.shutdown_timeout(std::time::Duration::from_millis(300));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "the plugin failed");
            eprintln!("terraform-provider-sagemaker: {e}");
            ExitCode::from(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn arguments() {
        assert_eq!(parse_args(&args(&[])), Ok(Mode::Plugin));
        assert_eq!(parse_args(&args(&["--debug"])), Ok(Mode::Debug));
        assert_eq!(parse_args(&args(&["-debug"])), Ok(Mode::Debug));
        assert_eq!(parse_args(&args(&["--version"])), Ok(Mode::Version));
        assert_eq!(parse_args(&args(&["-h"])), Ok(Mode::Help));
        assert!(parse_args(&args(&["--nope"])).is_err());
        assert!(parse_args(&args(&["--debug", "x"])).is_err());
    }

    #[test]
    fn by_hand_message_names_the_source() {
        let text = not_a_program();
        assert!(text.contains("Terraform provider plugin"));
        assert!(text.contains("source = \"tfsm/sagemaker\""));
        assert!(text.contains("--debug"));
    }
}
