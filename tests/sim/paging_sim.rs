//! The pagination loops of the AWS layer against an in-memory SageMaker and
//! IAM whose continuation tokens misbehave: the same token again and again,
//! or a new token forever. Every listing must end, with an error naming the
//! operation, instead of looping. Each call runs under a timeout so a loop
//! that never ends fails the test rather than hanging it.

use aws_smithy_runtime_api::client::http::{
    HttpConnector, HttpConnectorFuture, SharedHttpConnector, http_client_fn,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tfsm::aws::clients::Clients;
use tfsm::aws::error::AwsError;
use tfsm::aws::paging::MAX_PAGES;
use tfsm::aws::{endpoint, role};

/// How the fake services hand out continuation tokens.
#[derive(Debug, Clone, Copy)]
enum Tokens {
    /// `pages` pages with distinct tokens, then the last page.
    Finite(usize),
    /// Always the same token.
    Same,
    /// A new token on every page, forever.
    Endless,
}

#[derive(Debug)]
struct Fake {
    tokens: Tokens,
    /// The one listing that misbehaves; the others answer one page.
    only: Option<&'static str>,
    calls: AtomicUsize,
}

#[derive(Debug)]
struct Connector(Arc<Fake>);

impl Fake {
    /// The token the page number `n` (0-based) of `action` ends with, if any.
    fn token(&self, action: &str, n: usize) -> Option<String> {
        if self.only.is_some_and(|a| a != action) {
            return None;
        }
        match self.tokens {
            Tokens::Finite(pages) if n + 1 >= pages => None,
            Tokens::Finite(_) | Tokens::Endless => Some(format!("t{n}")),
            Tokens::Same => Some("again".into()),
        }
    }
}

fn response(content_type: &str, body: String) -> HttpConnectorFuture {
    let mut resp = HttpResponse::new(
        StatusCode::try_from(200).expect("status"),
        SdkBody::from(body),
    );
    resp.headers_mut()
        .insert("content-type", content_type.to_string());
    HttpConnectorFuture::ready(Ok(resp))
}

impl HttpConnector for Connector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let fake = &self.0;
        let n = fake.calls.fetch_add(1, Ordering::SeqCst);
        let target = request
            .headers()
            .get("x-amz-target")
            .unwrap_or_default()
            .to_string();
        if target == "SageMaker.ListTags" {
            let next = fake
                .token("ListTags", n)
                .map_or(String::new(), |t| format!(r#","NextToken":"{t}""#));
            return response(
                "application/x-amz-json-1.1",
                format!(r#"{{"Tags":[{{"Key":"k{n}","Value":"v"}}]{next}}}"#),
            );
        }
        let body = String::from_utf8_lossy(request.body().bytes().unwrap_or_default()).to_string();
        let (action, members) = if body.contains("Action=ListAttachedRolePolicies") {
            (
                "ListAttachedRolePolicies",
                format!(
                    "<AttachedPolicies><member><PolicyName>p{n}</PolicyName>\
                     <PolicyArn>arn:aws:iam::123456789012:policy/p{n}</PolicyArn></member>\
                     </AttachedPolicies>"
                ),
            )
        } else if body.contains("Action=ListRolePolicies") {
            (
                "ListRolePolicies",
                format!("<PolicyNames><member>p{n}</member></PolicyNames>"),
            )
        } else {
            // Any other IAM call (detach, delete) succeeds with an empty result.
            let action = body
                .split('&')
                .find_map(|kv| kv.strip_prefix("Action="))
                .unwrap_or("Unknown")
                .to_string();
            return response(
                "text/xml",
                format!(
                    "<{action}Response><ResponseMetadata><RequestId>r</RequestId>\
                     </ResponseMetadata></{action}Response>"
                ),
            );
        };
        let truncated = match fake.token(action, n) {
            Some(t) => format!("<IsTruncated>true</IsTruncated><Marker>{t}</Marker>"),
            None => "<IsTruncated>false</IsTruncated>".into(),
        };
        response(
            "text/xml",
            format!(
                "<{action}Response xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">\
                 <{action}Result>{members}{truncated}</{action}Result>\
                 <ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></{action}Response>"
            ),
        )
    }
}

fn clients(tokens: Tokens) -> (Clients, Arc<Fake>) {
    clients_for(tokens, None)
}

fn clients_for(tokens: Tokens, only: Option<&'static str>) -> (Clients, Arc<Fake>) {
    let fake = Arc::new(Fake {
        tokens,
        only,
        calls: AtomicUsize::new(0),
    });
    let shared = fake.clone();
    let http = http_client_fn(move |_, _| SharedHttpConnector::new(Connector(shared.clone())));
    let creds = aws_credential_types::Credentials::new("test", "test", None, None, "fake");
    let sdk = aws_config::SdkConfig::builder()
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(aws_credential_types::provider::SharedCredentialsProvider::new(creds))
        .http_client(http)
        .endpoint_url("http://aws.fake")
        .behavior_version(aws_config::BehaviorVersion::latest())
        .build();
    let c = Clients::from_sdk_config(&sdk);
    (c, fake)
}

/// Runs `f`, failing the test if it has not ended within a minute.
async fn bounded<T>(f: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(60), f)
        .await
        .expect("the listing never ended")
}

const ARN: &str = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/e";

fn assert_paging_error(e: &AwsError, operation: &str, code: &str) {
    assert_eq!(e.code(), Some(code), "{e}");
    assert!(e.to_string().starts_with(&format!("{operation}: ")), "{e}");
}

#[tokio::test]
async fn finite_listings_read_every_page() {
    let (c, fake) = clients(Tokens::Finite(5));
    let tags = bounded(endpoint::list_tags(&c, ARN)).await.unwrap();
    assert_eq!(tags.len(), 5, "{tags:?}");
    assert_eq!(fake.calls.load(Ordering::SeqCst), 5);
    let (c, _) = clients(Tokens::Finite(3));
    let attached = bounded(role::attached_policies(&c, "r")).await.unwrap();
    assert_eq!(attached.len(), 3, "{attached:?}");
}

#[tokio::test]
async fn a_repeated_token_stops_list_tags() {
    let (c, fake) = clients(Tokens::Same);
    let e = bounded(endpoint::list_tags(&c, ARN)).await.unwrap_err();
    assert_paging_error(&e, "ListTags", "RepeatedPageToken");
    assert_eq!(
        fake.calls.load(Ordering::SeqCst),
        2,
        "stopped at the repeat"
    );
}

#[tokio::test]
async fn a_repeated_marker_stops_attached_policies() {
    let (c, _) = clients(Tokens::Same);
    let e = bounded(role::attached_policies(&c, "r")).await.unwrap_err();
    assert_paging_error(&e, "ListAttachedRolePolicies", "RepeatedPageToken");
}

#[tokio::test]
async fn a_repeated_marker_stops_the_inline_policy_listing_of_delete() {
    // delete lists the attached policies (one page here), detaches them,
    // then lists the inline ones, which repeat their marker.
    let (c, _) = clients_for(Tokens::Same, Some("ListRolePolicies"));
    let e = bounded(role::delete(&c, "r")).await.unwrap_err();
    assert_paging_error(&e, "ListRolePolicies", "RepeatedPageToken");
}

#[tokio::test]
async fn endless_new_tokens_stop_at_the_page_limit() {
    let (c, fake) = clients(Tokens::Endless);
    let e = bounded(endpoint::list_tags(&c, ARN)).await.unwrap_err();
    assert_paging_error(&e, "ListTags", "TooManyPages");
    assert_eq!(fake.calls.load(Ordering::SeqCst), MAX_PAGES);
}
