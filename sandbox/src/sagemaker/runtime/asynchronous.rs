//! `InvokeEndpointAsync`: checks the call, answers 202 with the inference id and the S3
//! locations the result will be written to, and hands the work to [`super::job`].
//!
//! Locations: `<S3OutputPath>[/<S3OutputPathExtension>]/<Filename or InferenceId.out>` and,
//! when the config has an `S3FailurePath`, `<S3FailurePath>[/<extension>]/<InferenceId>-error.out`.

use std::sync::Arc;

use bytes::Bytes;
use http_body_util::Full;
use hyper::Response;
use hyper::header::{HeaderMap, HeaderValue};
use serde_json::{Value, json};

use super::errors::RuntimeError;
use super::job::{self, Job};
use super::model::{DEFAULT_CONTENT_TYPE, constraint, header, serving};
use crate::app::App;
use crate::protocol::{request_id, response};
use crate::sagemaker::api::{ModelFault, now};

/// Request headers of InvokeEndpointAsync (lower-cased, as hyper stores them).
mod h {
    pub const INPUT_LOCATION: &str = "x-amzn-sagemaker-inputlocation";
    pub const INFERENCE_ID: &str = "x-amzn-sagemaker-inference-id";
    pub const CONTENT_TYPE: &str = "x-amzn-sagemaker-content-type";
    pub const ACCEPT: &str = "x-amzn-sagemaker-accept";
    pub const TTL: &str = "x-amzn-sagemaker-requestttlseconds";
    pub const TIMEOUT: &str = "x-amzn-sagemaker-invocationtimeoutseconds";
    pub const EXTENSION: &str = "x-amzn-sagemaker-s3outputpathextension";
    pub const FILENAME: &str = "x-amzn-sagemaker-filename";
}

/// Reply headers naming where the result and the failure will be written.
pub const OUTPUT_LOCATION: &str = "x-amzn-sagemaker-outputlocation";
pub const FAILURE_LOCATION: &str = "x-amzn-sagemaker-failurelocation";

/// An optional integer header within `range`.
fn bounded(
    headers: &HeaderMap,
    name: &str,
    member: &str,
    range: std::ops::RangeInclusive<u64>,
) -> Result<(), RuntimeError> {
    let Some(raw) = header(headers, name) else {
        return Ok(());
    };
    match raw.parse::<u64>() {
        Ok(v) if range.contains(&v) => Ok(()),
        _ => Err(constraint(
            raw,
            member,
            &format!(
                "Member must have value between {} and {}",
                range.start(),
                range.end()
            ),
        )),
    }
}

/// The InputLocation header: required, `s3://` or `https://`, at most 1024 characters.
fn input_location(headers: &HeaderMap) -> Result<String, RuntimeError> {
    let Some(loc) = header(headers, h::INPUT_LOCATION) else {
        return Err(RuntimeError::Validation(
            "1 validation error detected: Value null at 'inputLocation' failed to satisfy \
             constraint: Member must not be null"
                .into(),
        ));
    };
    let well_formed = ["s3://", "https://"].iter().any(|scheme| {
        loc.strip_prefix(scheme)
            .is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'))
    });
    if loc.len() > 1024 || !well_formed {
        return Err(constraint(
            loc,
            "InputLocation",
            "Member must satisfy regular expression pattern: ^(https|s3)://([^/]+)/?(.*)$",
        ));
    }
    Ok(loc.to_string())
}

/// The caller's inference id (1 to 64 printable characters, not starting with a space), or a
/// fresh one.
fn inference_id(headers: &HeaderMap) -> Result<String, RuntimeError> {
    let Some(id) = header(headers, h::INFERENCE_ID) else {
        return Ok(request_id());
    };
    let printable = id.chars().all(|c| !c.is_control());
    if id.is_empty() || id.len() > 64 || id.starts_with(char::is_whitespace) || !printable {
        return Err(constraint(
            id,
            "InferenceId",
            "Member must satisfy regular expression pattern: \\A\\S[\\p{Print}]*\\z",
        ));
    }
    Ok(id.to_string())
}

/// `base[/extension]/file`, with no doubled slashes.
fn join(base: &str, extension: Option<&str>, file: &str) -> String {
    let mut out = base.trim_end_matches('/').to_string();
    if let Some(ext) = extension
        .map(|e| e.trim_matches('/'))
        .filter(|e| !e.is_empty())
    {
        out.push('/');
        out.push_str(ext);
    }
    out.push('/');
    out.push_str(file);
    out
}

fn config_str(config: &Value, path: &[&str]) -> Option<String> {
    let mut v = config;
    for p in path {
        v = v.get(p)?;
    }
    v.as_str().filter(|s| !s.is_empty()).map(str::to_string)
}

/// Serves one InvokeEndpointAsync call; `fault` makes the background inference fail.
pub fn invoke_async(
    app: &Arc<App>,
    region: &str,
    endpoint: &str,
    headers: &HeaderMap,
    fault: Option<ModelFault>,
) -> Result<Response<Full<Bytes>>, RuntimeError> {
    let live = serving(app, region, endpoint)?;
    let Some(config) = live.async_config.clone() else {
        return Err(RuntimeError::Validation(format!(
            "Endpoint {} of account {} is not an asynchronous inference endpoint: its endpoint \
             config has no AsyncInferenceConfig.",
            live.name,
            crate::ACCOUNT_ID
        )));
    };
    let input = input_location(headers)?;
    bounded(headers, h::TTL, "RequestTTLSeconds", 60..=21_600)?;
    bounded(headers, h::TIMEOUT, "InvocationTimeoutSeconds", 1..=3_600)?;
    let id = inference_id(headers)?;
    let variant = live.pick_variant(None)?;
    let extension = header(headers, h::EXTENSION);
    let out_file = header(headers, h::FILENAME)
        .map(str::to_string)
        .unwrap_or_else(|| format!("{id}.out"));
    let output = config_str(&config, &["OutputConfig", "S3OutputPath"])
        .map(|base| join(&base, extension, &out_file));
    let failure = config_str(&config, &["OutputConfig", "S3FailurePath"])
        .map(|base| join(&base, extension, &format!("{id}-error.out")));
    let topic = |name: &str| config_str(&config, &["OutputConfig", "NotificationConfig", name]);
    let job = Job {
        region: region.to_string(),
        endpoint: live.name.clone(),
        variant,
        inference_id: id.clone(),
        input_location: input,
        content_type: header(headers, h::CONTENT_TYPE)
            .unwrap_or(DEFAULT_CONTENT_TYPE)
            .to_string(),
        accept: header(headers, h::ACCEPT).map(str::to_string),
        output_location: output.clone(),
        failure_location: failure.clone(),
        success_topic: topic("SuccessTopic"),
        error_topic: topic("ErrorTopic"),
        fault,
        received: now(),
    };
    job::spawn(app.clone(), job);
    let body = json!({ "InferenceId": id }).to_string().into_bytes();
    let mut resp = response(202, "application/json", body);
    for (name, value) in [(OUTPUT_LOCATION, output), (FAILURE_LOCATION, failure)] {
        if let Some(v) = value.and_then(|v| HeaderValue::from_str(&v).ok()) {
            resp.headers_mut().insert(name, v);
        }
    }
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::test_headers as headers;

    #[test]
    fn locations_join_cleanly() {
        assert_eq!(join("s3://b/out/", None, "id.out"), "s3://b/out/id.out");
        assert_eq!(
            join("s3://b/out", Some("/x/y/"), "id.out"),
            "s3://b/out/x/y/id.out"
        );
        assert_eq!(join("s3://b", Some(""), "f"), "s3://b/f");
    }

    #[test]
    fn request_headers_are_checked() {
        assert!(input_location(&headers(&[])).is_err());
        assert!(input_location(&headers(&[(h::INPUT_LOCATION, "ftp://b/k")])).is_err());
        assert!(input_location(&headers(&[(h::INPUT_LOCATION, "s3:///k")])).is_err());
        assert_eq!(
            input_location(&headers(&[(h::INPUT_LOCATION, "s3://b/k")])).unwrap(),
            "s3://b/k"
        );
        assert!(
            bounded(
                &headers(&[(h::TTL, "59")]),
                h::TTL,
                "RequestTTLSeconds",
                60..=21_600
            )
            .is_err()
        );
        assert!(
            bounded(
                &headers(&[(h::TTL, "60")]),
                h::TTL,
                "RequestTTLSeconds",
                60..=21_600
            )
            .is_ok()
        );
        assert!(bounded(&headers(&[]), h::TTL, "RequestTTLSeconds", 60..=21_600).is_ok());
        assert!(inference_id(&headers(&[(h::INFERENCE_ID, " x")])).is_err());
        assert_eq!(
            inference_id(&headers(&[(h::INFERENCE_ID, "job-1")])).unwrap(),
            "job-1"
        );
        assert!(!inference_id(&headers(&[])).unwrap().is_empty());
    }
}
