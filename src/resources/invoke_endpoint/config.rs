//! The configuration of `sagemaker_invoke_endpoint`: its schema, its
//! defaults, and the checks that turn it into a [`Request`] (every error
//! names its attribute, before any AWS call).

use std::sync::OnceLock;
use std::time::Duration;

use crate::aws::names::validate_endpoint_name;
use crate::framework::typed::{FromValue, Known};
use crate::resources::formats::duration::parse_go_duration;
use crate::resources::formats::s3uri::S3Uri;
use crate::tfplugin::schema::{Attribute, Block, Schema};
use crate::tfplugin::{AttrPath, Diagnostics, Number, Type, Value};
use crate::typed_object;

/// `content_type` when none is given.
pub const DEFAULT_CONTENT_TYPE: &str = "application/json";
/// `expect_status` when none is given.
pub const DEFAULT_EXPECT_STATUS: u16 = 200;
/// `timeout` when none is given.
pub const DEFAULT_TIMEOUT: &str = "60s";
/// The longest `timeout`: SageMaker drops an asynchronous request after at
/// most six hours.
const MAX_TIMEOUT: Duration = Duration::from_secs(6 * 3600);

typed_object! {
    /// The action's configuration as Terraform sends it.
    pub struct InvokeConfig {
        endpoint_name: Known<String>,
        body: Known<String>,
        content_type: Known<String>,
        accept: Known<String>,
        expect_status: Known<Number>,
        expect_body_contains: Known<String>,
        timeout: Known<String>,
        input_location: Known<String>,
    }
}

/// One invocation, checked and with its defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub endpoint_name: String,
    pub body: String,
    pub content_type: String,
    pub accept: Option<String>,
    pub expect_status: u16,
    pub expect_body_contains: Option<String>,
    pub timeout: Duration,
    /// Asynchronous: the prefix the request object is written under.
    pub input_location: Option<S3Uri>,
}

/// The schema, built once.
pub fn schema() -> &'static Schema {
    static S: OnceLock<Schema> = OnceLock::new();
    S.get_or_init(|| {
        let s = |name: &str, desc: &str| Attribute::typed(name, Type::String, desc).optional();
        Schema {
            version: 0,
            block: Block::new(
                "Sends one request to a SageMaker endpoint and checks the answer: a smoke test \
                 after a deploy, run from a resource's `lifecycle { action_trigger { ... } }` or \
                 with `terraform apply -invoke=action.sagemaker_invoke_endpoint.<name>`. An \
                 answer that does not meet the expectations fails the apply with the status and \
                 the start of the answer.",
                vec![
                    Attribute::typed(
                        InvokeConfig::endpoint_name,
                        Type::String,
                        "Name of the endpoint to invoke.",
                    )
                    .required(),
                    Attribute::typed(
                        InvokeConfig::body,
                        Type::String,
                        "The request body, sent as it is.",
                    )
                    .required(),
                    s(
                        InvokeConfig::content_type,
                        "MIME type of `body`. Defaults to `application/json`.",
                    ),
                    s(InvokeConfig::accept, "MIME type asked for in the answer."),
                    Attribute::typed(
                        InvokeConfig::expect_status,
                        Type::Number,
                        "HTTP status the answer must have; the container's own status when it \
                         answered with an error (SageMaker's `ModelError`). Defaults to 200.",
                    )
                    .optional(),
                    s(
                        InvokeConfig::expect_body_contains,
                        "Text the answer's body must contain.",
                    ),
                    s(
                        InvokeConfig::timeout,
                        "How long to wait for the answer, as a Go duration such as `30s` or \
                         `10m` (at most `6h`). Defaults to `60s`.",
                    ),
                    s(
                        InvokeConfig::input_location,
                        "For an asynchronous endpoint: an `s3://bucket/prefix/` the action may \
                         write the request object to. The action then calls \
                         InvokeEndpointAsync and waits for the output or failure object.",
                    ),
                ],
                vec![],
            ),
        }
    })
}

fn error(d: &mut Diagnostics, attr: &str, summary: &str, detail: String) {
    d.attr_error(AttrPath::root(attr), summary, detail);
}

/// Checks `config`: `Err` with every problem found, `Ok(None)` when it is
/// fine so far but not wholly known, else the request.
pub fn check(config: &Value) -> Result<Option<Request>, Diagnostics> {
    let mut d = Diagnostics::new();
    let c = match InvokeConfig::from_value(config, &AttrPath::default()) {
        Ok(c) => c,
        Err(e) => {
            d.error("Invalid action configuration", e.to_string());
            return Err(d);
        }
    };
    if let Known::Value(name) = &c.endpoint_name
        && let Err(why) = validate_endpoint_name(name)
    {
        error(
            &mut d,
            InvokeConfig::endpoint_name,
            "Invalid endpoint name",
            format!("endpoint_name: {why}"),
        );
    }
    if let Known::Value(t) = &c.content_type
        && !t.contains('/')
    {
        error(
            &mut d,
            InvokeConfig::content_type,
            "Invalid content type",
            format!("content_type must be a MIME type such as text/csv, got {t:?}."),
        );
    }
    let status = match &c.expect_status {
        Known::Value(n) => match n.as_i64().and_then(|i| u16::try_from(i).ok()) {
            Some(s) if (100..=599).contains(&s) => Some(s),
            _ => {
                error(
                    &mut d,
                    InvokeConfig::expect_status,
                    "Invalid status",
                    format!("expect_status must be an HTTP status from 100 to 599, got {n}."),
                );
                None
            }
        },
        _ => Some(DEFAULT_EXPECT_STATUS),
    };
    let timeout = match &c.timeout {
        Known::Value(t) => match parse_go_duration(t) {
            Ok(t) if t > Duration::ZERO && t <= MAX_TIMEOUT => Some(t),
            Ok(_) => {
                error(
                    &mut d,
                    InvokeConfig::timeout,
                    "Invalid timeout",
                    format!("timeout must be more than 0 and at most 6h, got {t:?}."),
                );
                None
            }
            Err(e) => {
                error(
                    &mut d,
                    InvokeConfig::timeout,
                    "Invalid timeout",
                    format!("timeout: {e}"),
                );
                None
            }
        },
        _ => parse_go_duration(DEFAULT_TIMEOUT).ok(),
    };
    let input_location = match &c.input_location {
        Known::Value(uri) => match S3Uri::parse(uri) {
            Ok(u) => Some(u),
            Err(e) => {
                error(
                    &mut d,
                    InvokeConfig::input_location,
                    "Invalid input location",
                    format!("input_location: {e}"),
                );
                None
            }
        },
        _ => None,
    };
    if d.has_errors() {
        return Err(d);
    }
    if !config.is_wholly_known() {
        return Ok(None);
    }
    let (Some(endpoint_name), Some(body), Some(expect_status), Some(timeout)) =
        (c.endpoint_name.as_str(), c.body.as_str(), status, timeout)
    else {
        // Required attributes are enforced by Terraform; say so if not.
        d.error(
            "Incomplete action configuration",
            "endpoint_name and body are required.",
        );
        return Err(d);
    };
    Ok(Some(Request {
        endpoint_name: endpoint_name.to_string(),
        body: body.to_string(),
        content_type: c
            .content_type
            .as_str()
            .unwrap_or(DEFAULT_CONTENT_TYPE)
            .to_string(),
        accept: c.accept.as_str().map(str::to_string),
        expect_status,
        expect_body_contains: c.expect_body_contains.as_str().map(str::to_string),
        timeout,
        input_location,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(entries: &[(&str, Value)]) -> Value {
        let mut m: std::collections::BTreeMap<String, Value> = InvokeConfig::NAMES
            .iter()
            .map(|n| (n.to_string(), Value::Null))
            .collect();
        m.insert("endpoint_name".into(), Value::string("ep-1"));
        m.insert("body".into(), Value::string("{}"));
        for (k, v) in entries {
            m.insert(k.to_string(), v.clone());
        }
        Value::Object(m)
    }

    fn paths(r: Result<Option<Request>, Diagnostics>) -> Vec<String> {
        r.err()
            .map(|d| {
                d.0.iter()
                    .map(|x| format!("{:?}", x.path.as_ref().map(|p| p.to_string())))
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn defaults_fill_what_is_left_out() {
        let r = check(&config(&[])).unwrap().unwrap();
        assert_eq!(r.content_type, DEFAULT_CONTENT_TYPE);
        assert_eq!(r.expect_status, 200);
        assert_eq!(r.timeout, Duration::from_secs(60));
        assert!(r.input_location.is_none() && r.accept.is_none());
    }

    #[test]
    fn each_bad_value_is_named() {
        let bad = check(&config(&[
            ("endpoint_name", Value::string("no_underscores")),
            ("expect_status", Value::int(42)),
            ("timeout", Value::string("7h")),
            ("input_location", Value::string("https://bucket/x")),
            ("content_type", Value::string("json")),
        ]));
        let p = paths(bad);
        for attr in [
            "endpoint_name",
            "expect_status",
            "timeout",
            "input_location",
            "content_type",
        ] {
            assert!(
                p.iter().any(|x| x.contains(attr)),
                "{attr} not named in {p:?}"
            );
        }
    }

    #[test]
    fn unknown_values_wait_for_apply() {
        assert_eq!(
            check(&config(&[("endpoint_name", Value::Unknown)])),
            Ok(None)
        );
        let r = check(&config(&[(
            "input_location",
            Value::string("s3://bucket/requests/"),
        )]))
        .unwrap()
        .unwrap();
        let loc = r.input_location.unwrap();
        assert_eq!(
            (loc.bucket.as_str(), loc.key.as_str()),
            ("bucket", "requests/")
        );
    }
}
