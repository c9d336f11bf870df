//! Forwarding to moto: everything that is not SageMaker or the control API.
//!
//! Requests go through unchanged (same path, query, headers and body), except Smithy RPC v2
//! CBOR calls, which are translated to AWS JSON 1.0 for moto and back. The proxy also watches
//! IAM CreateRole/DeleteRole so CreateModel can emulate IAM propagation delay.

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{HeaderName, HeaderValue};
use hyper::http::request::Parts;
use hyper::{Method, Request, Response, StatusCode};

use crate::app::App;
use crate::cbor;
use crate::protocol::{Protocol, RequestInfo, error_code_of, error_response, query_param};

const HOP_BY_HOP: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
    "expect",
    "content-length",
];

/// The answer to send back, plus the AWS error code for the request log.
pub struct Forwarded {
    pub response: Response<Full<Bytes>>,
    pub error: Option<String>,
}

fn cbor_target(path: &str) -> Option<String> {
    // /service/<ServiceShape>/operation/<Operation>
    let mut it = path.trim_start_matches('/').split('/');
    match (it.next(), it.next(), it.next(), it.next()) {
        (Some("service"), Some(service), Some("operation"), Some(op)) => {
            Some(format!("{service}.{op}"))
        }
        _ => None,
    }
}

/// Sends the request to moto and returns moto's answer.
pub async fn forward(app: &App, info: &RequestInfo, parts: &Parts, body: Bytes) -> Forwarded {
    let cbor_mode = info.protocol == Protocol::RpcV2Cbor;
    let fail = |msg: String| Forwarded {
        response: error_response(info.protocol, 503, "ServiceUnavailable", &msg),
        error: Some("ServiceUnavailable".into()),
    };
    let path_and_query = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let (uri_path, out_body) = if cbor_mode {
        let Some(target) = cbor_target(parts.uri.path()) else {
            return fail(format!("unrecognised RPC v2 path {}", parts.uri.path()));
        };
        let json = match cbor::decode(&body) {
            Ok(v) => v,
            Err(e) => {
                return Forwarded {
                    response: error_response(
                        info.protocol,
                        400,
                        "SerializationException",
                        &e.to_string(),
                    ),
                    error: Some("SerializationException".into()),
                };
            }
        };
        ((target, "/".to_string()), Bytes::from(json.to_string()))
    } else {
        ((String::new(), path_and_query.to_string()), body.clone())
    };
    let (target, path) = uri_path;
    let mut builder =
        Request::builder()
            .method(parts.method.clone())
            .uri(format!("{}{}", app.moto.base(), path));
    for (name, value) in &parts.headers {
        let n = name.as_str();
        if HOP_BY_HOP.contains(&n) {
            continue;
        }
        if cbor_mode && matches!(n, "content-type" | "smithy-protocol" | "accept") {
            continue;
        }
        builder = builder.header(name, value);
    }
    if cbor_mode {
        builder = builder
            .header("content-type", "application/x-amz-json-1.0")
            .header("x-amz-target", target.as_str());
    }
    let req = match builder.body(Full::new(out_body)) {
        Ok(r) => r,
        Err(e) => return fail(e.to_string()),
    };
    let resp = match app.moto.send(req).await {
        Ok(r) => r,
        Err(e) => return fail(format!("moto unreachable: {e}")),
    };
    let error = if resp.status >= 300 {
        error_code_of(&resp.headers, &resp.body)
    } else {
        None
    };
    if resp.ok() && info.service == "iam" {
        watch_iam(app, info, parts, &body);
    }
    let out_body = if cbor_mode && !resp.body.is_empty() {
        match serde_json::from_slice::<serde_json::Value>(&resp.body) {
            Ok(v) => Bytes::from(cbor::encode(&v)),
            Err(_) => resp.body.clone(),
        }
    } else {
        resp.body.clone()
    };
    let mut response = Response::new(Full::new(out_body));
    *response.status_mut() = StatusCode::from_u16(resp.status).unwrap_or(StatusCode::BAD_GATEWAY);
    let keep_length = parts.method == Method::HEAD;
    for (name, value) in &resp.headers {
        let n = name.as_str();
        if HOP_BY_HOP.contains(&n) && !(keep_length && n == "content-length") {
            continue;
        }
        if cbor_mode && n == "content-type" {
            continue;
        }
        response.headers_mut().append(name.clone(), value.clone());
    }
    if cbor_mode {
        let h = response.headers_mut();
        h.insert(
            hyper::header::CONTENT_TYPE,
            HeaderValue::from_static("application/cbor"),
        );
        h.insert(
            HeaderName::from_static("smithy-protocol"),
            HeaderValue::from_static("rpc-v2-cbor"),
        );
    }
    Forwarded { response, error }
}

/// Remembers role creation (for the IAM propagation delay) and deletion.
fn watch_iam(app: &App, info: &RequestInfo, parts: &Parts, body: &Bytes) {
    let op = info.operation.as_str();
    if op != "CreateRole" && op != "DeleteRole" {
        return;
    }
    let form = String::from_utf8_lossy(body);
    let name = query_param(&form, "RoleName")
        .or_else(|| query_param(parts.uri.query().unwrap_or_default(), "RoleName"));
    if let Some(name) = name {
        if op == "CreateRole" {
            app.note_role_created(&name);
        } else {
            app.note_role_deleted(&name);
        }
    }
}
