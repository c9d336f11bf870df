//! A scripted in-memory AWS for the orchestration tests: one `HttpConnector`
//! under every SDK client of [`Clients`], answering the wire protocols the
//! services really speak, so the provider's own request building, response
//! parsing and error classification run unchanged:
//!
//! - SageMaker and Application Auto Scaling: AWS JSON 1.1, routed by the
//!   `x-amz-target` header (`SageMaker.DescribeEndpoint`,
//!   `AnyScaleFrontendService.RegisterScalableTarget`);
//! - CloudWatch: Smithy RPC v2 CBOR, routed by the URL path
//!   (`/service/GraniteServiceVersion20100801/operation/DescribeAlarms`),
//!   through the sandbox crate's CBOR codec (CBOR <-> JSON);
//! - IAM, SNS and STS: the query protocol, routed by host and the form
//!   body's `Action=`, answered in XML.
//!
//! It is a *scripted* fake, not an emulator: it keeps no objects. Every
//! operation has a stateless default (creates and deletes succeed with an
//! answer built from the request, describes say "not found", lists are
//! empty; see [`FakeAws::standard`]) and a test replaces it per operation
//! with a fixed answer, an AWS error, a sequence of answers (the last one
//! repeats), or a closure over the request. Every call is recorded, in
//! order, with its operation (`SageMaker.UpdateEndpoint`, `IAM.CreateRole`,
//! ...) and its top-level request fields, so tests assert what was called,
//! in which order, and what was not. An operation with neither a default
//! nor a script gets an `UnscriptedOperation` error and is listed by
//! [`FakeAws::unscripted`].
//!
//! The SDK's retries are configurable per client set: tests pass
//! `RetryConfig::disabled()` unless the retries themselves are under test.
#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use aws_config::retry::RetryConfig;
use aws_smithy_runtime_api::client::http::{
    HttpConnector, HttpConnectorFuture, SharedHttpConnector, http_client_fn,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use sagemaker_sandbox::cbor;
use serde_json::{Value as Json, json};
use tfsm::aws::clients::Clients;

pub const REGION: &str = "us-east-1";
pub const ACCOUNT: &str = "123456789012";

/// The ARN SageMaker gives an object of `kind` (`model`, `endpoint-config`,
/// `endpoint`) named `name` (SageMaker lower-cases names in ARNs).
pub fn sm_arn(kind: &str, name: &str) -> String {
    format!(
        "arn:aws:sagemaker:{REGION}:{ACCOUNT}:{kind}/{}",
        name.to_ascii_lowercase()
    )
}

/// One request as the fake sees it.
#[derive(Debug, Clone)]
pub struct Req {
    /// `Service.Operation`, e.g. `SageMaker.CreateModel`, `IAM.GetRole`.
    pub op: String,
    /// The request's parameters: the JSON or CBOR body, or the query form's
    /// fields as strings (`Tags.member.1.Key` and so on).
    pub body: Json,
}

impl Req {
    /// A top-level string parameter.
    pub fn str(&self, key: &str) -> Option<&str> {
        self.body.get(key).and_then(Json::as_str)
    }

    /// A top-level string parameter that must be there.
    pub fn must(&self, key: &str) -> &str {
        self.str(key)
            .unwrap_or_else(|| panic!("{} without {key}: {}", self.op, self.body))
    }
}

/// One recorded call: the operation and its top-level request fields
/// (scalars as text, lists and objects as compact JSON).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub op: String,
    pub fields: BTreeMap<String, String>,
}

impl Call {
    /// A recorded field ("" when absent).
    pub fn field(&self, key: &str) -> &str {
        self.fields.get(key).map_or("", String::as_str)
    }
}

impl std::fmt::Display for Call {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.op)?;
        for key in [
            "EndpointName",
            "EndpointConfigName",
            "ModelName",
            "NameContains",
            "ResourceArn",
            "ResourceId",
            "PolicyName",
            "RoleName",
            "AlarmNames",
        ] {
            if let Some(v) = self.fields.get(key) {
                write!(f, " {key}={v}")?;
            }
        }
        Ok(())
    }
}

/// What the fake answers.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A success body for a JSON (SageMaker, Application Auto Scaling) or
    /// CBOR (CloudWatch) operation.
    Json(Json),
    /// A success for a query operation (IAM, SNS, STS): the XML inside
    /// `<ActionResult>`.
    Xml(String),
    /// An AWS error, in the service's own error format.
    Error {
        status: u16,
        code: String,
        message: String,
    },
}

/// An AWS error answer.
pub fn error(status: u16, code: &str, message: &str) -> Reply {
    Reply::Error {
        status,
        code: code.to_string(),
        message: message.to_string(),
    }
}

/// SageMaker's "not found": a ValidationException "Could not find ...".
pub fn sm_not_found(what: &str, name: &str) -> Reply {
    error(
        400,
        "ValidationException",
        &format!("Could not find {what} \"{name}\"."),
    )
}

/// A DescribeEndpoint answer: one `AllTraffic` variant with one instance.
pub fn endpoint(name: &str, config: &str, status: &str, reason: Option<&str>) -> Reply {
    let mut body = json!({
        "EndpointName": name,
        "EndpointArn": sm_arn("endpoint", name),
        "EndpointConfigName": config,
        "EndpointStatus": status,
        "CreationTime": 1.7e9,
        "LastModifiedTime": 1.7e9,
        "ProductionVariants": [{
            "VariantName": "AllTraffic",
            "CurrentInstanceCount": 1,
            "DesiredInstanceCount": 1,
        }],
    });
    if let Some(r) = reason {
        body["FailureReason"] = json!(r);
    }
    Reply::Json(body)
}

/// A DescribeEndpointConfig answer: one `AllTraffic` variant of `model`.
pub fn endpoint_config(name: &str, model: &str, instance_type: &str, count: i64) -> Reply {
    Reply::Json(json!({
        "EndpointConfigName": name,
        "EndpointConfigArn": sm_arn("endpoint-config", name),
        "CreationTime": 1.7e9,
        "ProductionVariants": [{
            "VariantName": "AllTraffic",
            "ModelName": model,
            "InstanceType": instance_type,
            "InitialInstanceCount": count,
            "InitialVariantWeight": 1.0,
            "ContainerStartupHealthCheckTimeoutInSeconds": 600,
            "ModelDataDownloadTimeoutInSeconds": 600,
        }],
    }))
}

/// A DescribeModel answer.
pub fn model(name: &str, role: &str, image: &str, data_url: &str, env: &[(&str, &str)]) -> Reply {
    let env: serde_json::Map<String, Json> =
        env.iter().map(|(k, v)| (k.to_string(), json!(v))).collect();
    Reply::Json(json!({
        "ModelName": name,
        "ModelArn": sm_arn("model", name),
        "ExecutionRoleArn": role,
        "CreationTime": 1.7e9,
        "PrimaryContainer": {
            "Image": image,
            "Mode": "SingleModel",
            "ModelDataUrl": data_url,
            "Environment": env,
        },
    }))
}

/// A ListModels answer listing `names`.
pub fn model_list(names: &[&str]) -> Reply {
    let models: Vec<Json> = names
        .iter()
        .map(|n| json!({"ModelName": n, "ModelArn": sm_arn("model", n), "CreationTime": 1.7e9}))
        .collect();
    Reply::Json(json!({ "Models": models }))
}

/// A SageMaker ListTags answer.
pub fn tag_list(tags: &BTreeMap<String, String>) -> Reply {
    let tags: Vec<Json> = tags
        .iter()
        .map(|(k, v)| json!({"Key": k, "Value": v}))
        .collect();
    Reply::Json(json!({ "Tags": tags }))
}

/// A CloudWatch DescribeAlarms answer: (name, state value) per alarm.
pub fn alarm_list(alarms: &[(&str, &str)]) -> Reply {
    let alarms: Vec<Json> = alarms
        .iter()
        .map(|(n, state)| {
            json!({
                "AlarmName": n,
                "AlarmArn": format!("arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:{n}"),
                "StateValue": state,
                "MetricName": "ModelLatency",
            })
        })
        .collect();
    Reply::Json(json!({ "MetricAlarms": alarms }))
}

/// Escapes text for an XML answer.
pub fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

type Handler = Arc<dyn Fn(&Req) -> Reply + Send + Sync>;

enum Script {
    /// Answers every call.
    Handler(Handler),
    /// Answers in turn; the last one repeats.
    Seq(VecDeque<Reply>),
}

#[derive(Default)]
struct Inner {
    calls: Vec<Call>,
    scripts: HashMap<String, Script>,
    unscripted: Vec<String>,
}

/// The fake; clones share the same scripts and call record.
#[derive(Clone, Default)]
pub struct FakeAws(Arc<Mutex<Inner>>);

impl std::fmt::Debug for FakeAws {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FakeAws")
    }
}

impl FakeAws {
    pub fn new() -> FakeAws {
        FakeAws::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Every call of `op` is answered by `f` over the request.
    pub fn on(&self, op: &str, f: impl Fn(&Req) -> Reply + Send + Sync + 'static) {
        self.lock()
            .scripts
            .insert(op.to_string(), Script::Handler(Arc::new(f)));
    }

    /// Every call of `op` gets `reply`.
    pub fn answer(&self, op: &str, reply: Reply) {
        self.seq(op, vec![reply]);
    }

    /// Calls of `op` get `replies` in turn; the last one repeats.
    pub fn seq(&self, op: &str, replies: Vec<Reply>) {
        assert!(!replies.is_empty(), "a sequence for {op} needs an answer");
        self.lock()
            .scripts
            .insert(op.to_string(), Script::Seq(replies.into()));
    }

    /// Every call of `op` fails with this AWS error.
    pub fn fail(&self, op: &str, status: u16, code: &str, message: &str) {
        self.answer(op, error(status, code, message));
    }

    /// Back to the standard answers, with an empty call record.
    pub fn reset(&self) {
        *self.lock() = Inner::default();
    }

    /// Forgets the calls made so far (scripts stay).
    pub fn clear_calls(&self) {
        self.lock().calls.clear();
    }

    /// Every call so far, in order.
    pub fn calls(&self) -> Vec<Call> {
        self.lock().calls.clone()
    }

    /// The operations called so far, in order.
    pub fn ops(&self) -> Vec<String> {
        self.lock().calls.iter().map(|c| c.op.clone()).collect()
    }

    /// The calls of `op`, in order.
    pub fn calls_to(&self, op: &str) -> Vec<Call> {
        self.lock()
            .calls
            .iter()
            .filter(|c| c.op == op)
            .cloned()
            .collect()
    }

    /// How many times `op` was called.
    pub fn count(&self, op: &str) -> usize {
        self.calls_to(op).len()
    }

    /// The latest call of `op`.
    pub fn last(&self, op: &str) -> Option<Call> {
        self.calls_to(op).pop()
    }

    /// The index (in [`FakeAws::calls`]) of the first call of `op` whose
    /// `field` is `value`.
    pub fn position(&self, op: &str, field: &str, value: &str) -> Option<usize> {
        self.lock()
            .calls
            .iter()
            .position(|c| c.op == op && c.field(field) == value)
    }

    /// Operations that were called with neither a default nor a script.
    pub fn unscripted(&self) -> Vec<String> {
        self.lock().unscripted.clone()
    }

    /// The call record, one line a call, for assertion messages.
    pub fn transcript(&self) -> String {
        self.calls()
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{i:3} {c}\n"))
            .collect()
    }

    /// SDK clients for every service, all answered by this fake, with
    /// `retry` as their retry configuration.
    pub fn clients(&self, retry: RetryConfig) -> Clients {
        let fake = self.clone();
        let http = http_client_fn(move |_, _| SharedHttpConnector::new(Connector(fake.clone())));
        let creds = aws_credential_types::Credentials::new("test", "test", None, None, "fake");
        let sdk = aws_config::SdkConfig::builder()
            .region(aws_config::Region::new(REGION))
            .credentials_provider(
                aws_credential_types::provider::SharedCredentialsProvider::new(creds),
            )
            .http_client(http)
            .retry_config(retry)
            .behavior_version(aws_config::BehaviorVersion::latest())
            .build();
        let url = |service: &str| format!("http://{service}.fake");
        macro_rules! client {
            ($sdk_crate:ident, $host:literal) => {
                $sdk_crate::Client::from_conf(
                    $sdk_crate::config::Builder::from(&sdk)
                        .endpoint_url(url($host))
                        .build(),
                )
            };
        }
        Clients {
            sagemaker: client!(aws_sdk_sagemaker, "sagemaker"),
            iam: client!(aws_sdk_iam, "iam"),
            sns: client!(aws_sdk_sns, "sns"),
            sts: client!(aws_sdk_sts, "sts"),
            autoscaling: client!(aws_sdk_applicationautoscaling, "autoscaling"),
            cloudwatch: client!(aws_sdk_cloudwatch, "monitoring"),
            runtime: client!(aws_sdk_sagemakerruntime, "runtime.sagemaker"),
            s3: client!(aws_sdk_s3, "s3"),
            logs: client!(aws_sdk_cloudwatchlogs, "logs"),
            tagging: client!(aws_sdk_resourcegroupstagging, "tagging"),
        }
    }

    /// Records the call and picks its answer (the script's handler is run
    /// outside the lock, so it may look at the call record).
    fn answer_for(&self, req: &Req) -> Reply {
        let handler = {
            let mut inner = self.lock();
            inner.calls.push(Call {
                op: req.op.clone(),
                fields: fields(&req.body),
            });
            match inner.scripts.get_mut(&req.op) {
                Some(Script::Handler(h)) => Some(h.clone()),
                Some(Script::Seq(q)) => {
                    let next = if q.len() > 1 {
                        q.pop_front()
                    } else {
                        q.front().cloned()
                    };
                    return next.expect("sequences are never empty");
                }
                None => None,
            }
        };
        if let Some(h) = handler {
            return h(req);
        }
        FakeAws::standard(req).unwrap_or_else(|| {
            self.lock().unscripted.push(req.op.clone());
            error(
                400,
                "UnscriptedOperation",
                &format!("the fake has no answer for {}", req.op),
            )
        })
    }

    /// The default answers: creates, updates, tags and deletes succeed with
    /// a body built from the request; describes, gets and tag reads of
    /// single objects say "not found"; lists are empty.
    pub fn standard(req: &Req) -> Option<Reply> {
        let r = req;
        let ok = |v: Json| Some(Reply::Json(v));
        let xml = |s: String| Some(Reply::Xml(s));
        match r.op.as_str() {
            "SageMaker.CreateModel" => {
                ok(json!({"ModelArn": sm_arn("model", r.must("ModelName"))}))
            }
            "SageMaker.CreateEndpointConfig" => ok(json!({
                "EndpointConfigArn": sm_arn("endpoint-config", r.must("EndpointConfigName"))
            })),
            "SageMaker.CreateEndpoint"
            | "SageMaker.UpdateEndpoint"
            | "SageMaker.UpdateEndpointWeightsAndCapacities" => {
                ok(json!({"EndpointArn": sm_arn("endpoint", r.must("EndpointName"))}))
            }
            "SageMaker.DeleteModel"
            | "SageMaker.DeleteEndpointConfig"
            | "SageMaker.DeleteEndpoint"
            | "SageMaker.DeleteTags" => ok(json!({})),
            "SageMaker.AddTags" => ok(json!({"Tags": r.body.get("Tags").cloned()})),
            "SageMaker.ListTags" => ok(json!({"Tags": []})),
            "SageMaker.ListModels" => ok(json!({"Models": []})),
            "SageMaker.ListEndpointConfigs" => ok(json!({"EndpointConfigs": []})),
            "SageMaker.DescribeEndpoint" => Some(sm_not_found(
                "endpoint",
                &sm_arn("endpoint", r.must("EndpointName")),
            )),
            "SageMaker.DescribeEndpointConfig" => Some(sm_not_found(
                "endpoint configuration",
                &sm_arn("endpoint-config", r.must("EndpointConfigName")),
            )),
            "SageMaker.DescribeModel" => {
                Some(sm_not_found("model", &sm_arn("model", r.must("ModelName"))))
            }

            "AutoScaling.RegisterScalableTarget" => ok(json!({
                "ScalableTargetARN":
                    format!("arn:aws:application-autoscaling:{REGION}:{ACCOUNT}:scalable-target/fake")
            })),
            "AutoScaling.PutScalingPolicy" => ok(json!({
                "PolicyARN": format!(
                    "arn:aws:autoscaling:{REGION}:{ACCOUNT}:scalingPolicy:fake:resource/sagemaker/{}:policyName/{}",
                    r.must("ResourceId"),
                    r.must("PolicyName")
                ),
                "Alarms": [],
            })),
            "AutoScaling.DescribeScalableTargets" => ok(json!({"ScalableTargets": []})),
            "AutoScaling.DescribeScalingPolicies" => ok(json!({"ScalingPolicies": []})),
            "AutoScaling.DeleteScalingPolicy" | "AutoScaling.DeregisterScalableTarget" => {
                ok(json!({}))
            }

            // Lists nothing: each tag read then asks ListTags of its object.
            "Tagging.GetResources" => ok(json!({"ResourceTagMappingList": []})),

            "CloudWatch.DescribeAlarms" => ok(json!({"MetricAlarms": []})),
            "CloudWatch.PutMetricAlarm" | "CloudWatch.DeleteAlarms" => ok(json!({})),

            // Lists no role: each role read then asks for the role itself.
            "IAM.GetAccountAuthorizationDetails" => {
                xml("<RoleDetailList></RoleDetailList><IsTruncated>false</IsTruncated>".to_string())
            }
            "IAM.GetRole" | "IAM.GetRolePolicy" => Some(error(
                404,
                "NoSuchEntity",
                &format!("The role with name {} cannot be found.", r.must("RoleName")),
            )),
            "IAM.CreateRole" => {
                let name = xml_escape(r.must("RoleName"));
                let trust = xml_escape(r.str("AssumeRolePolicyDocument").unwrap_or_default());
                xml(format!(
                    "<Role><Path>/</Path><RoleName>{name}</RoleName><RoleId>AROAFAKE</RoleId>\
                     <Arn>arn:aws:iam::{ACCOUNT}:role/{name}</Arn>\
                     <CreateDate>2024-01-01T00:00:00Z</CreateDate>\
                     <AssumeRolePolicyDocument>{trust}</AssumeRolePolicyDocument></Role>"
                ))
            }
            "IAM.PutRolePolicy"
            | "IAM.AttachRolePolicy"
            | "IAM.DetachRolePolicy"
            | "IAM.DeleteRolePolicy"
            | "IAM.DeleteRole"
            | "IAM.TagRole"
            | "IAM.UntagRole"
            | "IAM.UpdateAssumeRolePolicy" => xml(String::new()),
            "IAM.ListAttachedRolePolicies" => {
                xml("<AttachedPolicies/><IsTruncated>false</IsTruncated>".into())
            }
            "IAM.ListRolePolicies" => xml("<PolicyNames/><IsTruncated>false</IsTruncated>".into()),
            "IAM.ListRoleTags" => xml("<Tags/><IsTruncated>false</IsTruncated>".into()),

            "SNS.CreateTopic" => xml(format!(
                "<TopicArn>arn:aws:sns:{REGION}:{ACCOUNT}:{}</TopicArn>",
                xml_escape(r.must("Name"))
            )),
            "SNS.GetTopicAttributes" | "SNS.ListTagsForResource" => {
                Some(error(404, "NotFound", "Topic does not exist"))
            }
            "SNS.SetTopicAttributes"
            | "SNS.TagResource"
            | "SNS.UntagResource"
            | "SNS.DeleteTopic" => xml(String::new()),

            "STS.GetCallerIdentity" => xml(format!(
                "<Arn>arn:aws:iam::{ACCOUNT}:user/fake</Arn><UserId>AIDAFAKE</UserId>\
                 <Account>{ACCOUNT}</Account>"
            )),
            _ => None,
        }
    }
}

/// The top-level fields of a request, for the call record.
fn fields(body: &Json) -> BTreeMap<String, String> {
    body.as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| {
            let v = match v {
                Json::String(s) => s.clone(),
                Json::Array(a) if a.iter().all(Json::is_string) => a
                    .iter()
                    .filter_map(Json::as_str)
                    .collect::<Vec<_>>()
                    .join(","),
                other => other.to_string(),
            };
            (k.clone(), v)
        })
        .collect()
}

/// The wire protocol of one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Protocol {
    Json,
    Cbor,
    Query,
}

#[derive(Debug)]
struct Connector(FakeAws);

impl HttpConnector for Connector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let bytes = request.body().bytes().unwrap_or_default().to_vec();
        let target = request
            .headers()
            .get("x-amz-target")
            .unwrap_or_default()
            .to_string();
        let uri = request.uri().to_string();
        let host = uri
            .trim_start_matches("http://")
            .split(['/', ':', '.'])
            .next()
            .unwrap_or_default()
            .to_string();
        let (protocol, req) = if let Some((prefix, op)) = target.split_once('.') {
            let service = match prefix {
                "SageMaker" => "SageMaker",
                "AnyScaleFrontendService" => "AutoScaling",
                "ResourceGroupsTaggingAPI_20170126" => "Tagging",
                other => panic!("fake: unknown JSON service {other}"),
            };
            let body = serde_json::from_slice(&bytes).unwrap_or(Json::Null);
            let op = format!("{service}.{op}");
            (Protocol::Json, Req { op, body })
        } else if let Some((_, op)) = uri.split_once("/operation/") {
            let body = cbor::decode(&bytes).unwrap_or_else(|e| panic!("fake: bad CBOR: {e}"));
            let op = format!("CloudWatch.{op}");
            (Protocol::Cbor, Req { op, body })
        } else {
            let form = form(&bytes);
            let service = match host.as_str() {
                "iam" => "IAM",
                "sns" => "SNS",
                "sts" => "STS",
                other => panic!("fake: unknown query service host {other}"),
            };
            let action = form.get("Action").cloned().unwrap_or_default();
            let body: serde_json::Map<String, Json> = form
                .into_iter()
                .filter(|(k, _)| k != "Action" && k != "Version")
                .map(|(k, v)| (k, Json::String(v)))
                .collect();
            let op = format!("{service}.{action}");
            (
                Protocol::Query,
                Req {
                    op,
                    body: Json::Object(body),
                },
            )
        };
        let reply = self.0.answer_for(&req);
        HttpConnectorFuture::ready(Ok(respond(protocol, &req.op, reply)))
    }
}

/// Decodes an `application/x-www-form-urlencoded` body.
fn form(bytes: &[u8]) -> BTreeMap<String, String> {
    let text = String::from_utf8_lossy(bytes).replace('+', " ");
    text.split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            let dec = |s: &str| {
                percent_encoding::percent_decode_str(s)
                    .decode_utf8_lossy()
                    .to_string()
            };
            (dec(k), dec(v))
        })
        .collect()
}

fn response(status: u16, headers: &[(&'static str, &'static str)], body: Vec<u8>) -> HttpResponse {
    let mut resp = HttpResponse::new(
        StatusCode::try_from(status).expect("status"),
        SdkBody::from(body),
    );
    for (k, v) in headers {
        resp.headers_mut().insert(*k, *v);
    }
    resp.headers_mut()
        .insert("x-amzn-requestid", "fake-request");
    resp
}

/// The HTTP answer of `reply` in the wire format of `protocol`.
fn respond(protocol: Protocol, op: &str, reply: Reply) -> HttpResponse {
    const JSON: [(&str, &str); 1] = [("content-type", "application/x-amz-json-1.1")];
    const CBOR: [(&str, &str); 2] = [
        ("content-type", "application/cbor"),
        ("smithy-protocol", "rpc-v2-cbor"),
    ];
    const XML: [(&str, &str); 1] = [("content-type", "text/xml")];
    let action = op.split_once('.').map_or(op, |(_, a)| a);
    match (protocol, reply) {
        (Protocol::Json, Reply::Json(v)) => response(200, &JSON, v.to_string().into_bytes()),
        (Protocol::Cbor, Reply::Json(v)) => response(200, &CBOR, cbor::encode(&v)),
        (Protocol::Query, Reply::Xml(inner)) => {
            let body = format!(
                "<{action}Response><{action}Result>{inner}</{action}Result>\
                 <ResponseMetadata><RequestId>fake-request</RequestId></ResponseMetadata>\
                 </{action}Response>"
            );
            response(200, &XML, body.into_bytes())
        }
        (
            p,
            Reply::Error {
                status,
                code,
                message,
            },
        ) => match p {
            Protocol::Json => {
                let body = json!({"__type": code, "message": message});
                response(status, &JSON, body.to_string().into_bytes())
            }
            Protocol::Cbor => {
                let body = json!({"__type": code, "message": message});
                response(status, &CBOR, cbor::encode(&body))
            }
            Protocol::Query => {
                let body = format!(
                    "<ErrorResponse><Error><Type>Sender</Type><Code>{}</Code>\
                     <Message>{}</Message></Error><RequestId>fake-request</RequestId>\
                     </ErrorResponse>",
                    xml_escape(&code),
                    xml_escape(&message)
                );
                response(status, &XML, body.into_bytes())
            }
        },
        (p, r) => panic!("fake: {op} is a {p:?} operation; a script answered {r:?}"),
    }
}

/// The fake through the raw SDK clients: each protocol's success and error
/// answers parse as AWS's would, and calls are recorded in order.
#[tokio::test]
async fn the_fake_speaks_each_protocol() {
    let fake = FakeAws::new();
    let c = fake.clients(RetryConfig::disabled());

    // SageMaker (JSON 1.1): a scripted sequence, then its last answer again.
    fake.seq(
        "SageMaker.DescribeEndpoint",
        vec![
            endpoint("e", "c1", "Updating", None),
            endpoint("e", "c2", "InService", None),
        ],
    );
    let status = |o: aws_sdk_sagemaker::operation::describe_endpoint::DescribeEndpointOutput| {
        o.endpoint_status().map(|s| s.as_str().to_string())
    };
    for want in ["Updating", "InService", "InService"] {
        let o = c
            .sagemaker
            .describe_endpoint()
            .endpoint_name("e")
            .send()
            .await;
        assert_eq!(status(o.unwrap()).as_deref(), Some(want));
    }
    let e = c.sagemaker.describe_model().model_name("m").send().await;
    let e = e.unwrap_err().into_service_error();
    use aws_sdk_sagemaker::error::ProvideErrorMetadata;
    assert_eq!(e.code(), Some("ValidationException"));
    assert!(e.message().unwrap().starts_with("Could not find model"));

    // IAM (query, XML): the standard not-found and create answers.
    let e = c.iam.get_role().role_name("r").send().await.unwrap_err();
    assert_eq!(e.into_service_error().code(), Some("NoSuchEntity"));
    let doc = r#"{"Version":"2012-10-17"}"#;
    let role = c
        .iam
        .create_role()
        .role_name("r")
        .assume_role_policy_document(doc)
        .send()
        .await
        .unwrap();
    assert_eq!(
        role.role().unwrap().arn(),
        "arn:aws:iam::123456789012:role/r"
    );

    // CloudWatch (RPC v2 CBOR): the request decoded, the answer encoded.
    fake.answer("CloudWatch.DescribeAlarms", alarm_list(&[("a1", "ALARM")]));
    let alarms = c
        .cloudwatch
        .describe_alarms()
        .alarm_names("a1")
        .send()
        .await
        .unwrap();
    let a = &alarms.metric_alarms()[0];
    assert_eq!(a.alarm_name(), Some("a1"));
    assert_eq!(a.state_value().map(|s| s.as_str()), Some("ALARM"));
    fake.fail("CloudWatch.DeleteAlarms", 400, "ResourceNotFound", "gone");
    let e = c.cloudwatch.delete_alarms().alarm_names("a1").send().await;
    assert_eq!(
        e.unwrap_err().into_service_error().code(),
        Some("ResourceNotFound")
    );

    // Application Auto Scaling (JSON 1.1), SNS and STS (query).
    fake.fail(
        "AutoScaling.DeregisterScalableTarget",
        400,
        "ObjectNotFoundException",
        "No scalable target registered",
    );
    let e = c
        .autoscaling
        .deregister_scalable_target()
        .service_namespace(aws_sdk_applicationautoscaling::types::ServiceNamespace::Sagemaker)
        .resource_id("endpoint/e/variant/AllTraffic")
        .scalable_dimension(
            aws_sdk_applicationautoscaling::types::ScalableDimension::SageMakerVariantDesiredInstanceCount,
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        e.into_service_error().code(),
        Some("ObjectNotFoundException")
    );
    let t = c.sns.create_topic().name("t").send().await.unwrap();
    assert_eq!(t.topic_arn(), Some("arn:aws:sns:us-east-1:123456789012:t"));
    let me = c.sts.get_caller_identity().send().await.unwrap();
    assert_eq!(me.account(), Some(ACCOUNT));

    assert_eq!(
        fake.ops(),
        [
            "SageMaker.DescribeEndpoint",
            "SageMaker.DescribeEndpoint",
            "SageMaker.DescribeEndpoint",
            "SageMaker.DescribeModel",
            "IAM.GetRole",
            "IAM.CreateRole",
            "CloudWatch.DescribeAlarms",
            "CloudWatch.DeleteAlarms",
            "AutoScaling.DeregisterScalableTarget",
            "SNS.CreateTopic",
            "STS.GetCallerIdentity",
        ]
    );
    assert_eq!(
        fake.last("IAM.CreateRole")
            .unwrap()
            .field("AssumeRolePolicyDocument"),
        doc
    );
    assert_eq!(
        fake.calls_to("CloudWatch.DescribeAlarms")[0].field("AlarmNames"),
        "a1"
    );
    assert!(fake.unscripted().is_empty());
}
