//! The control API under `/_sandbox/` (JSON in, JSON out). See `sandbox/README.md`.

use bytes::Bytes;
use http_body_util::Full;
use hyper::http::request::Parts;
use hyper::{Method, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::App;
use crate::faults::FaultRule;
use crate::options::DurationsPatch;
use crate::protocol::{query_param, response};
use crate::{CONTROL_PREFIX, inventory};

fn reply(status: u16, v: Value) -> Response<Full<Bytes>> {
    response(status, "application/json", v.to_string().into_bytes())
}

fn bad(status: u16, msg: impl std::fmt::Display) -> Response<Full<Bytes>> {
    reply(status, json!({ "error": msg.to_string() }))
}

#[derive(Deserialize)]
struct SeedRequest {
    uri: String,
    #[serde(default)]
    body: Option<String>,
}

fn parse<T: for<'de> Deserialize<'de>>(body: &Bytes) -> Result<T, String> {
    let text: &[u8] = if body.is_empty() { b"{}" } else { body };
    serde_json::from_slice(text).map_err(|e| format!("invalid JSON body: {e}"))
}

/// Whether a `Host` header names this machine's loopback interface:
/// `localhost`, `127.0.0.1` or `[::1]`, with or without a port. A web page
/// can make a browser reach the sandbox through a DNS name it controls that
/// resolves to 127.0.0.1 (DNS rebinding); such requests carry that name, so
/// the control API refuses every other host.
pub fn is_loopback_host(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        match rest.split_once(']') {
            Some((inner, "")) => return inner == "::1",
            Some((inner, port)) => {
                return inner == "::1" && port.strip_prefix(':').is_some_and(is_port);
            }
            _ => return false,
        }
    } else {
        match host.split_once(':') {
            Some((name, port)) if is_port(port) => name,
            Some(_) => return false,
            None => host,
        }
    };
    name.eq_ignore_ascii_case("localhost") || name == "127.0.0.1"
}

/// The port of a `Host` header (after its colon): 1 to 5 digits.
fn is_port(port: &str) -> bool {
    !port.is_empty() && port.len() <= 5 && port.bytes().all(|b| b.is_ascii_digit())
}

/// Serves one control API request.
pub async fn handle(app: &App, parts: &Parts, body: Bytes) -> Response<Full<Bytes>> {
    let host = parts
        .headers
        .get(hyper::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    if !is_loopback_host(host) {
        tracing::warn!(
            host,
            "control API request refused: Host is not a loopback name"
        );
        return bad(
            403,
            format!(
                "the control API only answers requests for localhost, 127.0.0.1 or [::1]; \
                 Host was {host:?}"
            ),
        );
    }
    let path = parts
        .uri
        .path()
        .strip_prefix(CONTROL_PREFIX)
        .unwrap_or_default()
        .trim_end_matches('/');
    let query = parts.uri.query().unwrap_or_default();
    let m = &parts.method;
    match (m, path) {
        (&Method::GET, "health") => reply(200, json!({"ok": true, "moto_url": app.moto.base()})),
        (&Method::GET, "durations") => reply(200, json!(app.durations())),
        (&Method::PUT | &Method::POST, "durations") => match parse::<DurationsPatch>(&body) {
            Ok(p) => reply(200, json!(app.set_durations(&p))),
            Err(msg) => bad(400, msg),
        },
        (&Method::GET, "faults") => reply(200, json!(app.faults().list())),
        (&Method::POST, "faults") => match parse::<FaultRule>(&body) {
            Ok(rule) => {
                if rule.probability.is_some_and(|p| !(0.0..=1.0).contains(&p)) {
                    return bad(400, "probability must be between 0 and 1");
                }
                let id = app.faults().add(rule);
                reply(200, json!({ "id": id }))
            }
            Err(msg) => bad(400, msg),
        },
        (&Method::DELETE, "faults") => {
            app.faults().clear();
            reply(200, json!({}))
        }
        (&Method::DELETE, p) if p.starts_with("faults/") => {
            match p["faults/".len()..].parse::<u64>() {
                Ok(id) if app.faults().remove(id) => reply(200, json!({})),
                Ok(id) => bad(404, format!("no fault rule {id}")),
                Err(_) => bad(400, "fault rule id must be a number"),
            }
        }
        (&Method::GET, "log") => {
            let service = query_param(query, "service");
            let operation = query_param(query, "operation");
            reply(
                200,
                json!(app.log().query(service.as_deref(), operation.as_deref())),
            )
        }
        (&Method::GET, "endpoints") => {
            let times = app.sagemaker().endpoint_times(crate::sagemaker::now());
            reply(200, json!(times))
        }
        (&Method::DELETE, "log") => {
            app.log().clear();
            reply(200, json!({}))
        }
        (&Method::GET, "inventory") => match inventory::collect(app).await {
            Ok(inv) => reply(200, json!(inv)),
            Err(e) => bad(502, e),
        },
        (&Method::POST, "reset") => match app.reset().await {
            Ok(()) => reply(200, json!({})),
            Err(e) => bad(502, e),
        },
        (&Method::POST, "seed") => match parse::<SeedRequest>(&body) {
            Ok(req) => match app.seed(&req.uri, req.body.map(String::into_bytes)).await {
                Ok(()) => reply(200, json!({ "uri": req.uri })),
                Err(e @ crate::SandboxError::InvalidOption(_)) => bad(400, e),
                Err(e) => bad(502, e),
            },
            Err(msg) => bad(400, msg),
        },
        _ => bad(404, format!("no control route {} {}", m, parts.uri.path())),
    }
}

#[cfg(test)]
mod tests {
    use super::is_loopback_host;

    #[test]
    fn loopback_names_with_and_without_port() {
        for ok in [
            "localhost",
            "LOCALHOST:8080",
            "localhost:41234",
            "127.0.0.1",
            "127.0.0.1:9",
            "[::1]",
            "[::1]:41234",
        ] {
            assert!(is_loopback_host(ok), "{ok}");
        }
    }

    #[test]
    fn every_other_host_is_refused() {
        for bad in [
            "",
            "evil.example",
            "evil.example:41234",
            "localhost.evil.example",
            "bucket.localhost:41234",
            "127.0.0.1.nip.io",
            "127.0.0.2",
            "0.0.0.0:80",
            "[::2]:80",
            "[::1",
            "[::1]x",
            "localhost:",
            "localhost:abc",
            "localhost:80:80",
            "localhost::80",
            "[::1]::80",
            "::1",
        ] {
            assert!(!is_loopback_host(bad), "{bad}");
        }
    }
}
