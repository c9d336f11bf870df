//! The moto side: starting the moto child process and talking to moto directly.
//!
//! The child runs moto's server through `moto_boot.py` (`<venv>/bin/python -c <it> -p 0`),
//! which first widens moto's list of scalable dimensions with the one serverless SageMaker
//! variants scale on; the port it picked is read from its start-up line. It lives in its own process group, is killed with that group on stop, and
//! gets `PR_SET_PDEATHSIG` so it also dies if the sandbox is killed hard.
//! [`MotoClient`] sends requests to moto with a fake SigV4 header naming the service in the
//! credential scope (moto routes on it and does not verify signatures).

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::HeaderMap;
use hyper::{Method, Request};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::error::SandboxError;

/// Characters escaped in S3 object keys in paths (everything but unreserved and `/`).
const KEY_ESCAPE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// The Python that starts moto's server (see the file's comments).
const BOOT: &str = include_str!("moto_boot.py");

/// A running moto child process.
#[derive(Debug)]
pub struct MotoProcess {
    child: Child,
    url: String,
}

impl MotoProcess {
    /// Starts moto from `venv` and waits until it listens.
    pub async fn spawn(venv: &Path) -> Result<MotoProcess, SandboxError> {
        let python = venv.join("bin").join("python");
        if !python.exists() {
            return Err(SandboxError::VenvMissing {
                path: venv.display().to_string(),
            });
        }
        let mut cmd = Command::new(&python);
        cmd.args(["-c", BOOT, "-H", "127.0.0.1", "-p", "0"])
            .env("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
            .env("PYTHONUNBUFFERED", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .process_group(0);
        // SAFETY: the closure only calls async-signal-safe libc functions.
        unsafe {
            cmd.pre_exec(|| {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                if libc::getppid() == 1 {
                    return Err(std::io::Error::other("parent already gone"));
                }
                Ok(())
            });
        }
        let mut child = cmd
            .spawn()
            .map_err(|e| SandboxError::MotoStart(format!("{}: {e}", python.display())))?;
        let Some(stderr) = child.stderr.take() else {
            return Err(SandboxError::MotoStart("no stderr pipe".into()));
        };
        let mut lines = BufReader::new(stderr).lines();
        let mut seen = Vec::new();
        let found = tokio::time::timeout(Duration::from_secs(60), async {
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(url) = running_url(&line) {
                    return Some(url);
                }
                seen.push(line);
            }
            None
        })
        .await;
        let url = match found {
            Ok(Some(url)) => url,
            Ok(None) | Err(_) => {
                let _ = child.start_kill();
                let _ = child.wait().await;
                let hint = if seen.iter().any(|l| l.contains("No module named")) {
                    " (is moto installed? run scripts/sandbox-venv.sh)"
                } else {
                    ""
                };
                return Err(SandboxError::MotoStart(format!(
                    "no start-up line from moto{hint}; output: {}",
                    seen.join(" | ")
                )));
            }
        };
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                tracing::trace!(target: "moto", "{line}");
            }
        });
        Ok(MotoProcess { child, url })
    }

    /// moto's base URL, e.g. `http://127.0.0.1:43127`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The child's process id.
    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    /// Kills moto (its whole process group) and reaps it.
    pub async fn stop(mut self) {
        if let Some(pid) = self.child.id() {
            // SAFETY: plain kill(2) on the process group we created for the child.
            unsafe {
                libc::kill(-(pid as i32), libc::SIGKILL);
            }
        }
        let _ = self.child.start_kill();
        let _ = tokio::time::timeout(Duration::from_secs(10), self.child.wait()).await;
    }
}

/// Finds the listening URL in werkzeug's "Running on http://127.0.0.1:PORT" line.
fn running_url(line: &str) -> Option<String> {
    let rest = &line[line.find("Running on http://")? + "Running on ".len()..];
    let url: String = rest
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '\u{1b}')
        .collect();
    Some(url.trim_end_matches('/').to_string())
}

/// A raw answer from moto.
#[derive(Debug, Clone)]
pub struct MotoResponse {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl MotoResponse {
    /// The body parsed as JSON (`Null` if it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The AWS error code of a failed answer.
    pub fn error_code(&self) -> Option<String> {
        crate::protocol::error_code_of(&self.headers, &self.body)
    }

    /// A [`SandboxError::Moto`] for the failed call `what`, with moto's answer.
    pub fn failure(&self, what: &str) -> SandboxError {
        SandboxError::Moto(format!("{what}: {} {}", self.status, self.text()))
    }
}

/// An HTTP client bound to one moto server.
#[derive(Clone, Debug)]
pub struct MotoClient {
    base: String,
    http: Client<HttpConnector, Full<Bytes>>,
}

fn fake_auth(service: &str, region: &str) -> String {
    format!(
        "AWS4-HMAC-SHA256 Credential=SANDBOXKEY/20240101/{region}/{service}/aws4_request, \
         SignedHeaders=host, Signature=0000"
    )
}

impl MotoClient {
    pub fn new(base: &str) -> MotoClient {
        let http = Client::builder(TokioExecutor::new()).build_http();
        MotoClient {
            base: base.trim_end_matches('/').to_string(),
            http,
        }
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// Sends a prepared request (its URI must already point at moto).
    pub async fn send(&self, req: Request<Full<Bytes>>) -> Result<MotoResponse, SandboxError> {
        let resp = self
            .http
            .request(req)
            .await
            .map_err(|e| SandboxError::Moto(e.to_string()))?;
        let status = resp.status().as_u16();
        let (parts, body) = resp.into_parts();
        let body = body
            .collect()
            .await
            .map_err(|e| SandboxError::Moto(e.to_string()))?
            .to_bytes();
        Ok(MotoResponse {
            status,
            headers: parts.headers,
            body,
        })
    }

    /// Sends a signed-looking request for `service` in `region`.
    pub async fn call(
        &self,
        method: Method,
        path_and_query: &str,
        service: &str,
        region: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> Result<MotoResponse, SandboxError> {
        let mut b = Request::builder()
            .method(method)
            .uri(format!("{}{}", self.base, path_and_query))
            .header("authorization", fake_auth(service, region));
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        let req = b
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| SandboxError::Moto(e.to_string()))?;
        self.send(req).await
    }

    /// A query-protocol call answered as JSON (moto honours `ContentType=JSON`).
    pub async fn query(
        &self,
        service: &str,
        region: &str,
        version: &str,
        params: &[(&str, &str)],
    ) -> Result<MotoResponse, SandboxError> {
        let body = {
            let mut form = form_urlencoded::Serializer::new(String::new());
            form.append_pair("Version", version)
                .append_pair("ContentType", "JSON");
            for (k, v) in params {
                form.append_pair(k, v);
            }
            form.finish().into_bytes()
        };
        let ct = [(
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8",
        )];
        self.call(Method::POST, "/", service, region, &ct, body)
            .await
    }

    /// An AWS JSON call (`X-Amz-Target`).
    pub async fn json(
        &self,
        service: &str,
        region: &str,
        target: &str,
        version: &str,
        body: &Value,
    ) -> Result<MotoResponse, SandboxError> {
        let ct = format!("application/x-amz-json-{version}");
        let headers = [("content-type", ct.as_str()), ("x-amz-target", target)];
        self.call(
            Method::POST,
            "/",
            service,
            region,
            &headers,
            body.to_string().into_bytes(),
        )
        .await
    }

    /// Whether Application Auto Scaling has a scalable target registered for the SageMaker
    /// resource `resource_id` (e.g. `endpoint/e/variant/AllTraffic`) in `region`.
    pub async fn scalable_target_exists(
        &self,
        region: &str,
        resource_id: &str,
    ) -> Result<bool, SandboxError> {
        let body = serde_json::json!({
            "ServiceNamespace": "sagemaker",
            "ResourceIds": [resource_id],
        });
        let r = self
            .json(
                "application-autoscaling",
                region,
                "AnyScaleFrontendService.DescribeScalableTargets",
                "1.1",
                &body,
            )
            .await?;
        if !r.ok() {
            return Err(SandboxError::Moto(r.text()));
        }
        Ok(r.json()["ScalableTargets"]
            .as_array()
            .is_some_and(|t| t.iter().any(|t| t["ResourceId"] == resource_id)))
    }

    /// The trust policy of IAM role `name`, or `None` if the role does not exist.
    pub async fn role_trust_policy(&self, name: &str) -> Result<Option<String>, SandboxError> {
        let r = self
            .query(
                "iam",
                crate::DEFAULT_REGION,
                "2010-05-08",
                &[("Action", "GetRole"), ("RoleName", name)],
            )
            .await?;
        if !r.ok() {
            return Ok(None);
        }
        let doc = r.json()["GetRoleResponse"]["GetRoleResult"]["Role"]["AssumeRolePolicyDocument"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        Ok(Some(
            percent_encoding::percent_decode_str(&doc)
                .decode_utf8_lossy()
                .into_owned(),
        ))
    }

    /// The `KeyState` of KMS key `key_id` (key id, key ARN, alias name or alias ARN) in
    /// `region`, or `None` when KMS does not know it.
    pub async fn kms_key_state(
        &self,
        region: &str,
        key_id: &str,
    ) -> Result<Option<String>, SandboxError> {
        let body = serde_json::json!({ "KeyId": key_id });
        let r = self
            .json("kms", region, "TrentService.DescribeKey", "1.1", &body)
            .await?;
        if r.ok() {
            return Ok(r.json()["KeyMetadata"]["KeyState"]
                .as_str()
                .map(str::to_string));
        }
        if r.error_code().as_deref() == Some("NotFoundException") {
            return Ok(None);
        }
        Err(r.failure(&format!("DescribeKey {key_id}")))
    }

    /// Creates CloudWatch Logs group `name` in `region`; false when it already existed.
    pub async fn logs_create_log_group(
        &self,
        region: &str,
        name: &str,
    ) -> Result<bool, SandboxError> {
        let body = serde_json::json!({ "logGroupName": name });
        let r = self
            .json("logs", region, "Logs_20140328.CreateLogGroup", "1.1", &body)
            .await?;
        if r.ok() {
            return Ok(true);
        }
        if r.error_code().as_deref() == Some("ResourceAlreadyExistsException") {
            return Ok(false);
        }
        Err(r.failure(&format!("CreateLogGroup {name}")))
    }

    /// A bodiless S3 request for `path` (path-style).
    async fn s3_request(&self, method: Method, path: &str) -> Result<MotoResponse, SandboxError> {
        self.call(method, path, "s3", crate::DEFAULT_REGION, &[], Vec::new())
            .await
    }

    /// Whether `s3://bucket/key` exists.
    pub async fn s3_object_exists(&self, bucket: &str, key: &str) -> Result<bool, SandboxError> {
        let path = Self::s3_path(bucket, key);
        let r = self.s3_request(Method::HEAD, &path).await?;
        Ok(r.ok())
    }

    /// Whether at least one object exists under `s3://bucket/prefix`.
    pub async fn s3_prefix_exists(&self, bucket: &str, prefix: &str) -> Result<bool, SandboxError> {
        let q: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("list-type", "2")
            .append_pair("prefix", prefix)
            .append_pair("max-keys", "1")
            .finish();
        let path = format!("/{bucket}?{q}");
        let r = self.s3_request(Method::GET, &path).await?;
        Ok(r.ok() && !crate::xml::tag_values(&r.text(), "Key").is_empty())
    }

    /// The path of `s3://bucket/key` in a path-style S3 request.
    fn s3_path(bucket: &str, key: &str) -> String {
        format!("/{bucket}/{}", utf8_percent_encode(key, KEY_ESCAPE))
    }

    /// Creates `bucket` unless it already exists.
    pub async fn s3_create_bucket(&self, bucket: &str) -> Result<(), SandboxError> {
        let r = self.s3_request(Method::PUT, &format!("/{bucket}")).await?;
        if !r.ok() && !r.text().contains("BucketAlreadyOwnedByYou") {
            return Err(SandboxError::Moto(format!(
                "CreateBucket {bucket}: {} {}",
                r.status,
                r.text()
            )));
        }
        Ok(())
    }

    /// Writes `body` to `s3://bucket/key`; the bucket must exist.
    pub async fn s3_write_object(
        &self,
        bucket: &str,
        key: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> Result<(), SandboxError> {
        let ct = [("content-type", content_type)];
        let path = Self::s3_path(bucket, key);
        let r = self
            .call(Method::PUT, &path, "s3", crate::DEFAULT_REGION, &ct, body)
            .await?;
        if !r.ok() {
            return Err(SandboxError::Moto(format!(
                "PutObject {bucket}/{key}: {} {}",
                r.status,
                r.text()
            )));
        }
        Ok(())
    }

    /// Creates `bucket` if needed and writes `body` to `key`.
    pub async fn s3_put_object(
        &self,
        bucket: &str,
        key: &str,
        body: Vec<u8>,
    ) -> Result<(), SandboxError> {
        self.s3_create_bucket(bucket).await?;
        self.s3_write_object(bucket, key, "application/octet-stream", body)
            .await
    }

    /// The content of `s3://bucket/key`, or `None` if the bucket or object does not exist.
    pub async fn s3_get_object(
        &self,
        bucket: &str,
        key: &str,
    ) -> Result<Option<Bytes>, SandboxError> {
        let path = Self::s3_path(bucket, key);
        let r = self.s3_request(Method::GET, &path).await?;
        match r.status {
            200..=299 => Ok(Some(r.body)),
            404 => Ok(None),
            status => Err(SandboxError::Moto(format!(
                "GetObject {bucket}/{key}: {status} {}",
                r.text()
            ))),
        }
    }

    /// Publishes `message` to the SNS topic `topic_arn` (in the topic's own region).
    pub async fn sns_publish(&self, topic_arn: &str, message: &str) -> Result<(), SandboxError> {
        let region = topic_arn
            .split(':')
            .nth(3)
            .filter(|r| !r.is_empty())
            .unwrap_or(crate::DEFAULT_REGION);
        let r = self
            .query(
                "sns",
                region,
                "2010-03-31",
                &[
                    ("Action", "Publish"),
                    ("TopicArn", topic_arn),
                    ("Message", message),
                ],
            )
            .await?;
        if !r.ok() {
            return Err(SandboxError::Moto(format!(
                "Publish {topic_arn}: {} {}",
                r.status,
                r.text()
            )));
        }
        Ok(())
    }

    /// Wipes all of moto's state.
    pub async fn reset(&self) -> Result<(), SandboxError> {
        let req = Request::builder()
            .method(Method::POST)
            .uri(format!("{}/moto-api/reset", self.base))
            .body(Full::new(Bytes::new()))
            .map_err(|e| SandboxError::Moto(e.to_string()))?;
        let r = self.send(req).await?;
        if r.ok() {
            Ok(())
        } else {
            Err(SandboxError::Moto(format!("reset: {}", r.status)))
        }
    }

    /// Polls until moto answers (used with `--moto-url` and after start).
    pub async fn wait_ready(&self, timeout: Duration) -> Result<(), SandboxError> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let req = Request::builder()
                .uri(format!("{}/moto-api/", self.base))
                .body(Full::new(Bytes::new()))
                .map_err(|e| SandboxError::Moto(e.to_string()))?;
            match self.send(req).await {
                Ok(_) => return Ok(()),
                Err(e) if tokio::time::Instant::now() >= deadline => {
                    return Err(SandboxError::MotoStart(format!(
                        "moto at {} not answering: {e}",
                        self.base
                    )));
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }
}

/// Splits `s3://bucket/key` into its parts.
pub fn parse_s3_uri(uri: &str) -> Option<(String, String)> {
    let rest = uri.strip_prefix("s3://")?;
    let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
    if bucket.is_empty() {
        return None;
    }
    Some((bucket.to_string(), key.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_werkzeug_url() {
        assert_eq!(
            running_url(" * Running on http://127.0.0.1:37267").as_deref(),
            Some("http://127.0.0.1:37267")
        );
        assert_eq!(running_url("Press CTRL+C to quit"), None);
    }

    #[test]
    fn s3_uris() {
        assert_eq!(
            parse_s3_uri("s3://b/k/x.tar.gz"),
            Some(("b".into(), "k/x.tar.gz".into()))
        );
        assert_eq!(parse_s3_uri("s3://b"), Some(("b".into(), String::new())));
        assert_eq!(parse_s3_uri("https://b/k"), None);
    }
}
