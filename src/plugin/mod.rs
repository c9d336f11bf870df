//! go-plugin bootstrap. PLACEHOLDER: being written in this session.

pub fn main() -> std::process::ExitCode {
    eprintln!("This binary is a plugin. These are not meant to be executed directly.");
    std::process::ExitCode::from(1)
}
