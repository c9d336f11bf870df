//! The go-plugin startup contract, as pure functions over environment values:
//! the magic cookie, protocol version negotiation, the port range used by the
//! TCP transport, and the one handshake line written to stdout.

use base64::Engine as _;
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

/// Environment variable Terraform sets when it launches a provider plugin.
pub const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
/// The value Terraform puts in [`MAGIC_COOKIE_KEY`].
pub const MAGIC_COOKIE_VALUE: &str =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
/// Version of go-plugin's own wire contract (the first handshake field).
pub const CORE_PROTOCOL_VERSION: u32 = 1;
/// The only Terraform plugin protocol this provider speaks.
pub const APP_PROTOCOL_VERSION: u32 = 6;

/// Why the startup contract cannot be met.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum HandshakeError {
    #[error(
        "Terraform asked for plugin protocol version(s) {offered:?} (PLUGIN_PROTOCOL_VERSIONS), \
         but this provider only speaks protocol {APP_PROTOCOL_VERSION}; \
         use Terraform 1.0 or later"
    )]
    NoCommonProtocol { offered: String },
    #[error("{name} must be a port number between 0 and 65535, got {value:?}")]
    BadPort { name: &'static str, value: String },
    #[error("PLUGIN_MIN_PORT ({min}) is greater than PLUGIN_MAX_PORT ({max})")]
    EmptyPortRange { min: u16, max: u16 },
}

/// True when the environment carries Terraform's magic cookie.
pub fn cookie_matches(value: Option<&str>) -> bool {
    value == Some(MAGIC_COOKIE_VALUE)
}

/// Picks the protocol version from `PLUGIN_PROTOCOL_VERSIONS`.
///
/// The variable lists the versions the host speaks, separated by commas. An
/// absent or blank variable means the host did not say, so we offer ours.
/// Entries that are not numbers are ignored, as go-plugin does.
pub fn negotiate_protocol(offered: Option<&str>) -> Result<u32, HandshakeError> {
    let Some(list) = offered.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(APP_PROTOCOL_VERSION);
    };
    let speaks_ours = list
        .split(',')
        .filter_map(|v| v.trim().parse::<u32>().ok())
        .any(|v| v == APP_PROTOCOL_VERSION);
    if speaks_ours {
        Ok(APP_PROTOCOL_VERSION)
    } else {
        Err(HandshakeError::NoCommonProtocol {
            offered: list.to_string(),
        })
    }
}

/// Inclusive range of TCP ports the plugin may listen on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortRange {
    pub min: u16,
    pub max: u16,
}

impl PortRange {
    /// Reads `PLUGIN_MIN_PORT` / `PLUGIN_MAX_PORT` values. Unset bounds mean
    /// "any port": a range of 0..=0 lets the operating system choose.
    pub fn from_env_values(min: Option<&str>, max: Option<&str>) -> Result<Self, HandshakeError> {
        let min = parse_port("PLUGIN_MIN_PORT", min)?;
        let max = parse_port("PLUGIN_MAX_PORT", max)?;
        match (min, max) {
            (None, None) => Ok(Self { min: 0, max: 0 }),
            (Some(min), None) => Ok(Self { min, max: u16::MAX }),
            (None, Some(max)) => Ok(Self { min: 1, max }),
            (Some(min), Some(max)) if min > max => Err(HandshakeError::EmptyPortRange { min, max }),
            (Some(min), Some(max)) => Ok(Self { min, max }),
        }
    }

    /// The ports to try, in order.
    pub fn ports(self) -> impl Iterator<Item = u16> {
        self.min..=self.max
    }
}

fn parse_port(name: &'static str, value: Option<&str>) -> Result<Option<u16>, HandshakeError> {
    match value.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(v) => v.parse().map(Some).map_err(|_| HandshakeError::BadPort {
            name,
            value: v.to_string(),
        }),
    }
}

/// Where the plugin listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListenAddr {
    Unix(PathBuf),
    Tcp(SocketAddr),
}

impl ListenAddr {
    /// The network name go-plugin uses ("unix" or "tcp").
    pub fn network(&self) -> &'static str {
        match self {
            ListenAddr::Unix(_) => "unix",
            ListenAddr::Tcp(_) => "tcp",
        }
    }
}

impl fmt::Display for ListenAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ListenAddr::Unix(path) => write!(f, "{}", path.display()),
            ListenAddr::Tcp(addr) => write!(f, "{addr}"),
        }
    }
}

/// The handshake line that tells the host how to reach us:
/// `core|app|network|address|grpc[|server cert]`.
#[derive(Debug, Clone)]
pub struct HandshakeLine<'a> {
    pub protocol: u32,
    pub addr: &'a ListenAddr,
    /// DER of our server certificate, when serving TLS.
    pub server_cert_der: Option<&'a [u8]>,
}

impl fmt::Display for HandshakeLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{CORE_PROTOCOL_VERSION}|{}|{}|{}|grpc",
            self.protocol,
            self.addr.network(),
            self.addr
        )?;
        if let Some(der) = self.server_cert_der {
            // go-plugin decodes this field with the standard alphabet and no padding.
            let b64 = base64::engine::general_purpose::STANDARD_NO_PAD.encode(der);
            write!(f, "|{b64}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_must_match_exactly() {
        assert!(cookie_matches(Some(MAGIC_COOKIE_VALUE)));
        assert!(!cookie_matches(None));
        assert!(!cookie_matches(Some("")));
        assert!(!cookie_matches(Some(&MAGIC_COOKIE_VALUE[1..])));
    }

    #[test]
    fn protocol_negotiation() {
        assert_eq!(negotiate_protocol(None), Ok(6));
        assert_eq!(negotiate_protocol(Some("  ")), Ok(6));
        assert_eq!(negotiate_protocol(Some("5,6")), Ok(6));
        assert_eq!(negotiate_protocol(Some("6")), Ok(6));
        assert_eq!(negotiate_protocol(Some(" x, 6 ")), Ok(6));
        let err = negotiate_protocol(Some("5")).unwrap_err();
        assert!(err.to_string().contains("only speaks protocol 6"), "{err}");
        assert!(negotiate_protocol(Some("4,5,7")).is_err());
    }

    #[test]
    fn port_ranges() {
        assert_eq!(
            PortRange::from_env_values(None, None),
            Ok(PortRange { min: 0, max: 0 })
        );
        assert_eq!(
            PortRange::from_env_values(Some("10000"), Some("10002")),
            Ok(PortRange {
                min: 10000,
                max: 10002
            })
        );
        assert_eq!(
            PortRange::from_env_values(Some("10000"), Some("10002"))
                .unwrap()
                .ports()
                .collect::<Vec<_>>(),
            vec![10000, 10001, 10002]
        );
        assert!(PortRange::from_env_values(Some("9"), Some("8")).is_err());
        assert!(PortRange::from_env_values(Some("70000"), None).is_err());
    }

    #[test]
    fn handshake_line_shape() {
        let addr = ListenAddr::Unix("/tmp/x/plugin.sock".into());
        let plain = HandshakeLine {
            protocol: 6,
            addr: &addr,
            server_cert_der: None,
        };
        assert_eq!(plain.to_string(), "1|6|unix|/tmp/x/plugin.sock|grpc");
        let der = [0xffu8, 0x00, 0x10, 0x20];
        let tls = HandshakeLine {
            server_cert_der: Some(&der),
            ..plain
        };
        // Four bytes need padding in standard base64; go-plugin wants none.
        assert_eq!(tls.to_string(), "1|6|unix|/tmp/x/plugin.sock|grpc|/wAQIA");
        let tcp = ListenAddr::Tcp("127.0.0.1:1234".parse().unwrap());
        let line = HandshakeLine {
            protocol: 6,
            addr: &tcp,
            server_cert_der: None,
        };
        assert_eq!(line.to_string(), "1|6|tcp|127.0.0.1:1234|grpc");
    }
}
