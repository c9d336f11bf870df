//! Entry point: hands control to the plugin bootstrap.

fn main() -> std::process::ExitCode {
    tfsm::plugin::main()
}
