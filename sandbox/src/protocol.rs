//! Recognising AWS requests and speaking each wire protocol's error shape.
//!
//! The service comes from the SigV4 credential scope (`Credential=AKID/date/region/service/…`,
//! in the `Authorization` header or, for presigned URLs, the `X-Amz-Credential` query
//! parameter). The operation comes from `X-Amz-Target` (AWS JSON), the Smithy RPC v2 path, the
//! `Action` parameter (query protocol) or, for S3, from the method and path. SageMaker Runtime
//! calls are signed for `sagemaker` too but carry no `X-Amz-Target`: they are REST-JSON, named
//! by their method and path (`POST /endpoints/{name}/invocations`, …).

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{HeaderMap, HeaderValue};
use hyper::{Method, Response, StatusCode, Uri};
use serde_json::json;

use crate::{DEFAULT_REGION, cbor, xml};

/// Wire protocol of a request, as far as error rendering is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    /// AWS JSON 1.0 or 1.1 (`X-Amz-Target`).
    AwsJson(&'static str),
    /// Smithy RPC v2 CBOR.
    RpcV2Cbor,
    /// AWS query (form-encoded `Action`), answered in XML.
    Query,
    /// S3's REST-XML.
    RestXml,
    /// REST-JSON (the SageMaker Runtime API): error code in `x-amzn-ErrorType`.
    RestJson,
}

/// The SageMaker Runtime operations, recognised by method and path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuntimeOperation {
    /// `POST /endpoints/{name}/invocations`.
    InvokeEndpoint,
    /// `POST /endpoints/{name}/async-invocations`.
    InvokeEndpointAsync,
    /// `POST /endpoints/{name}/invocations-response-stream` (recognised, not served).
    InvokeEndpointWithResponseStream,
}

impl RuntimeOperation {
    /// The operation name used in the request log and in fault rules.
    pub fn name(self) -> &'static str {
        match self {
            RuntimeOperation::InvokeEndpoint => "InvokeEndpoint",
            RuntimeOperation::InvokeEndpointAsync => "InvokeEndpointAsync",
            RuntimeOperation::InvokeEndpointWithResponseStream => {
                "InvokeEndpointWithResponseStream"
            }
        }
    }
}

/// The runtime operation and (percent-decoded) endpoint name of a request path, if it is one.
pub fn runtime_route(method: &Method, path: &str) -> Option<(RuntimeOperation, String)> {
    if method != Method::POST {
        return None;
    }
    let rest = path.strip_prefix("/endpoints/")?;
    let (name, action) = rest.split_once('/')?;
    let op = match action.trim_end_matches('/') {
        "invocations" => RuntimeOperation::InvokeEndpoint,
        "async-invocations" => RuntimeOperation::InvokeEndpointAsync,
        "invocations-response-stream" => RuntimeOperation::InvokeEndpointWithResponseStream,
        _ => return None,
    };
    let name = percent_encoding::percent_decode_str(name)
        .decode_utf8_lossy()
        .into_owned();
    (!name.is_empty()).then_some((op, name))
}

/// What the sandbox knows about one incoming AWS request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestInfo {
    /// SigV4 signing name, e.g. `sagemaker`, `iam`, `s3`, `monitoring`; `unknown` if unsigned.
    pub service: String,
    /// Region from the credential scope (default `us-east-1`).
    pub region: String,
    /// Operation name, e.g. `DescribeEndpoint`, `PutObject`.
    pub operation: String,
    pub protocol: Protocol,
}

/// Extracts `(region, service)` from the SigV4 credential scope, if the request is signed.
pub fn credential_scope(headers: &HeaderMap, uri: &Uri) -> Option<(String, String)> {
    let from_header = headers
        .get(hyper::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|auth| auth.split("Credential=").nth(1))
        .map(|rest| {
            rest.split([',', ' '])
                .next()
                .unwrap_or_default()
                .to_string()
        });
    let scope =
        from_header.or_else(|| query_param(uri.query().unwrap_or_default(), "X-Amz-Credential"))?;
    let mut parts = scope.split('/');
    let _akid = parts.next()?;
    let _date = parts.next()?;
    let region = parts.next()?.to_string();
    let service = parts.next()?.to_string();
    if service.is_empty() {
        return None;
    }
    Some((region, service))
}

/// The first value of `name` in a form-encoded string.
pub fn query_param(query: &str, name: &str) -> Option<String> {
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Classifies a request (see the module docs for the rules).
pub fn classify(method: &Method, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> RequestInfo {
    let (region, service) = credential_scope(headers, uri)
        .unwrap_or_else(|| (DEFAULT_REGION.to_string(), "unknown".to_string()));
    let content_type = header(headers, "content-type").unwrap_or_default();
    let (operation, protocol) = if let Some(target) = header(headers, "x-amz-target") {
        let op = target.rsplit('.').next().unwrap_or(target).to_string();
        let version = if content_type.contains("1.0") {
            "1.0"
        } else {
            "1.1"
        };
        (op, Protocol::AwsJson(version))
    } else if header(headers, "smithy-protocol") == Some("rpc-v2-cbor") {
        let op = uri
            .path()
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_string();
        (op, Protocol::RpcV2Cbor)
    } else if service == "s3" {
        (s3_operation(method, uri, headers), Protocol::RestXml)
    } else if let Some((op, _)) =
        runtime_route(method, uri.path()).filter(|_| service == "sagemaker")
    {
        (op.name().to_string(), Protocol::RestJson)
    } else {
        let mut action = query_param(uri.query().unwrap_or_default(), "Action");
        if action.is_none() && content_type.starts_with("application/x-www-form-urlencoded") {
            action = query_param(&String::from_utf8_lossy(body), "Action");
        }
        let op = action.unwrap_or_else(|| format!("{} {}", method, uri.path()));
        (op, Protocol::Query)
    };
    RequestInfo {
        service,
        region,
        operation,
        protocol,
    }
}

/// Names an S3 REST call from its method, path, query and headers.
pub fn s3_operation(method: &Method, uri: &Uri, headers: &HeaderMap) -> String {
    let host = header(headers, "host").unwrap_or_default();
    let host_name = host.split(':').next().unwrap_or_default();
    let virtual_bucket = host_name.contains('.')
        && host_name.parse::<std::net::IpAddr>().is_err()
        && !host_name.starts_with("s3.")
        && host_name != "localhost";
    let path = uri.path().trim_start_matches('/');
    let (has_bucket, has_key) = if virtual_bucket {
        (true, !path.is_empty())
    } else {
        let mut it = path.splitn(2, '/');
        let bucket = it.next().unwrap_or_default();
        let key = it.next().unwrap_or_default();
        (!bucket.is_empty(), !key.is_empty())
    };
    let query = uri.query().unwrap_or_default();
    let keys: Vec<String> = form_urlencoded::parse(query.as_bytes())
        .map(|(k, _)| k.into_owned())
        .collect();
    let has = |k: &str| keys.iter().any(|q| q == k);
    let m = method.as_str();
    if !has_bucket {
        return if m == "GET" {
            "ListBuckets".into()
        } else {
            format!("{m} /")
        };
    }
    if has_key {
        let op = match m {
            "GET" if has("tagging") => "GetObjectTagging",
            "GET" if has("uploadId") => "ListParts",
            "GET" => "GetObject",
            "HEAD" => "HeadObject",
            "PUT" if has("tagging") => "PutObjectTagging",
            "PUT" if has("partNumber") => "UploadPart",
            "PUT" if headers.contains_key("x-amz-copy-source") => "CopyObject",
            "PUT" => "PutObject",
            "DELETE" if has("uploadId") => "AbortMultipartUpload",
            "DELETE" if has("tagging") => "DeleteObjectTagging",
            "DELETE" => "DeleteObject",
            "POST" if has("uploads") => "CreateMultipartUpload",
            "POST" if has("uploadId") => "CompleteMultipartUpload",
            _ => return format!("{m} object"),
        };
        return op.to_string();
    }
    const SUBRESOURCES: &[(&str, &str)] = &[
        ("tagging", "Tagging"),
        ("policy", "Policy"),
        ("versioning", "Versioning"),
        ("encryption", "Encryption"),
        ("acl", "Acl"),
        ("location", "Location"),
        ("lifecycle", "LifecycleConfiguration"),
        ("publicAccessBlock", "PublicAccessBlock"),
        ("ownershipControls", "OwnershipControls"),
        ("cors", "Cors"),
        ("notification", "NotificationConfiguration"),
        ("logging", "Logging"),
        ("website", "Website"),
    ];
    for (q, name) in SUBRESOURCES {
        if has(q) {
            let verb = match m {
                "GET" => "Get",
                "PUT" => "Put",
                "DELETE" => "Delete",
                _ => return format!("{m} bucket?{q}"),
            };
            return format!("{verb}Bucket{name}");
        }
    }
    let op = match m {
        "PUT" => "CreateBucket",
        "DELETE" => "DeleteBucket",
        "HEAD" => "HeadBucket",
        "GET" if has("uploads") => "ListMultipartUploads",
        "GET" if has("versions") => "ListObjectVersions",
        "GET" if query_param(query, "list-type").as_deref() == Some("2") => "ListObjectsV2",
        "GET" => "ListObjects",
        "POST" if has("delete") => "DeleteObjects",
        _ => return format!("{m} bucket"),
    };
    op.to_string()
}

/// A fresh request id for response headers.
pub fn request_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(1);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let t = (crate::time::now() * 1000.0) as u64;
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        t as u32,
        (t >> 32) & 0xffff,
        n & 0xfff,
        (n >> 12) & 0xfff,
        n
    )
}

/// Builds a response with a body and content type.
pub fn response(status: u16, content_type: &str, body: Vec<u8>) -> Response<Full<Bytes>> {
    let mut resp = Response::new(Full::new(Bytes::from(body)));
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        h.insert(hyper::header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&request_id()) {
        h.insert("x-amzn-requestid", v);
    }
    resp
}

/// Renders an AWS error in the protocol the request used, so SDKs map it to typed errors.
pub fn error_response(
    protocol: Protocol,
    status: u16,
    code: &str,
    message: &str,
) -> Response<Full<Bytes>> {
    match protocol {
        Protocol::AwsJson(version) => {
            let body = json!({"__type": code, "message": message})
                .to_string()
                .into_bytes();
            let mut resp = response(status, &format!("application/x-amz-json-{version}"), body);
            if let Ok(v) = HeaderValue::from_str(code) {
                resp.headers_mut().insert("x-amzn-errortype", v);
            }
            resp
        }
        Protocol::RpcV2Cbor => {
            let body = cbor::encode(&json!({"__type": code, "message": message}));
            let mut resp = response(status, "application/cbor", body);
            resp.headers_mut()
                .insert("smithy-protocol", HeaderValue::from_static("rpc-v2-cbor"));
            resp
        }
        Protocol::Query => {
            let kind = if status >= 500 { "Receiver" } else { "Sender" };
            let body = format!(
                "<ErrorResponse><Error><Type>{kind}</Type><Code>{}</Code><Message>{}</Message></Error>\
                 <RequestId>{}</RequestId></ErrorResponse>",
                xml::escape(code),
                xml::escape(message),
                request_id()
            );
            response(status, "text/xml", body.into_bytes())
        }
        Protocol::RestJson => {
            let body = json!({ "message": message }).to_string().into_bytes();
            let mut resp = response(status, "application/json", body);
            if let Ok(v) = HeaderValue::from_str(code) {
                resp.headers_mut().insert("x-amzn-errortype", v);
            }
            resp
        }
        Protocol::RestXml => {
            let body = format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{}</Code><Message>{}</Message>\
                 <RequestId>{}</RequestId></Error>",
                xml::escape(code),
                xml::escape(message),
                request_id()
            );
            response(status, "application/xml", body.into_bytes())
        }
    }
}

/// The error code in an AWS error body (JSON `__type` or XML `<Code>`), for the request log.
pub fn error_code_of(headers: &HeaderMap, body: &[u8]) -> Option<String> {
    if let Some(t) = header(headers, "x-amzn-errortype") {
        return Some(clean_code(t));
    }
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) {
        return v
            .get("__type")
            .or_else(|| v.get("code"))
            .and_then(|t| t.as_str())
            .map(clean_code);
    }
    xml::first(&String::from_utf8_lossy(body), "Code")
}

fn clean_code(t: &str) -> String {
    let t = t.split(':').next().unwrap_or(t);
    t.rsplit('#').next().unwrap_or(t).to_string()
}

/// A header map from `(name, value)` pairs, for unit tests.
#[cfg(test)]
pub fn test_headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (k, v) in pairs {
        h.insert(*k, HeaderValue::from_str(v).unwrap());
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        test_headers(pairs)
    }

    const AUTH: &str = "AWS4-HMAC-SHA256 Credential=AKID/20240101/eu-west-1/sagemaker/aws4_request, SignedHeaders=host, Signature=00";

    #[test]
    fn json_target_and_scope() {
        let h = headers(&[
            ("authorization", AUTH),
            ("x-amz-target", "SageMaker.DescribeEndpoint"),
            ("content-type", "application/x-amz-json-1.1"),
        ]);
        let info = classify(&Method::POST, &"/".parse().unwrap(), &h, b"{}");
        assert_eq!(info.service, "sagemaker");
        assert_eq!(info.region, "eu-west-1");
        assert_eq!(info.operation, "DescribeEndpoint");
        assert_eq!(info.protocol, Protocol::AwsJson("1.1"));
    }

    #[test]
    fn query_action_from_body_and_s3_names() {
        let auth = AUTH.replace("sagemaker", "iam");
        let h = headers(&[
            ("authorization", &auth),
            ("content-type", "application/x-www-form-urlencoded"),
        ]);
        let info = classify(
            &Method::POST,
            &"/".parse().unwrap(),
            &h,
            b"Action=CreateRole&Version=1",
        );
        assert_eq!(info.operation, "CreateRole");
        let auth = AUTH.replace("sagemaker", "s3");
        let h = headers(&[("authorization", &auth), ("host", "127.0.0.1:9")]);
        let op = |m: Method, u: &str| classify(&m, &u.parse().unwrap(), &h, b"").operation;
        assert_eq!(op(Method::PUT, "/bkt"), "CreateBucket");
        assert_eq!(op(Method::PUT, "/bkt/a/b.tar.gz"), "PutObject");
        assert_eq!(op(Method::HEAD, "/bkt/a"), "HeadObject");
        assert_eq!(
            op(Method::GET, "/bkt?list-type=2&prefix=a"),
            "ListObjectsV2"
        );
        assert_eq!(op(Method::GET, "/"), "ListBuckets");
        assert_eq!(op(Method::GET, "/bkt?tagging"), "GetBucketTagging");
    }

    #[test]
    fn cbor_path_and_presigned_scope() {
        let auth = AUTH.replace("sagemaker", "monitoring");
        let h = headers(&[("authorization", &auth), ("smithy-protocol", "rpc-v2-cbor")]);
        let uri = "/service/GraniteServiceVersion20100801/operation/DescribeAlarms"
            .parse()
            .unwrap();
        let info = classify(&Method::POST, &uri, &h, b"");
        assert_eq!(
            (info.service.as_str(), info.operation.as_str()),
            ("monitoring", "DescribeAlarms")
        );
        let uri: Uri = "/b/k?X-Amz-Credential=AKID%2F20240101%2Fus-west-2%2Fs3%2Faws4_request"
            .parse()
            .unwrap();
        assert_eq!(
            credential_scope(&HeaderMap::new(), &uri),
            Some(("us-west-2".into(), "s3".into()))
        );
    }

    #[test]
    fn runtime_calls_are_rest_json() {
        let h = headers(&[("authorization", AUTH), ("content-type", "text/csv")]);
        let info = classify(
            &Method::POST,
            &"/endpoints/my-ep/invocations".parse().unwrap(),
            &h,
            b"1,2",
        );
        assert_eq!(
            (info.operation.as_str(), info.protocol),
            ("InvokeEndpoint", Protocol::RestJson)
        );
        let info = classify(
            &Method::POST,
            &"/endpoints/my-ep/async-invocations".parse().unwrap(),
            &h,
            b"",
        );
        assert_eq!(info.operation, "InvokeEndpointAsync");
        assert_eq!(
            runtime_route(&Method::POST, "/endpoints/a%2Db/invocations"),
            Some((RuntimeOperation::InvokeEndpoint, "a-b".into()))
        );
        assert_eq!(
            runtime_route(&Method::GET, "/endpoints/a/invocations"),
            None
        );
        assert_eq!(
            runtime_route(&Method::POST, "/endpoints//invocations"),
            None
        );
        assert_eq!(runtime_route(&Method::POST, "/endpoints/a/other"), None);
    }

    #[test]
    fn error_codes_are_found() {
        let h = HeaderMap::new();
        assert_eq!(
            error_code_of(&h, br#"{"__type":"com.amazon#Foo","message":"x"}"#).as_deref(),
            Some("Foo")
        );
        assert_eq!(
            error_code_of(&h, b"<Error><Code>NoSuchKey</Code></Error>").as_deref(),
            Some("NoSuchKey")
        );
    }
}
