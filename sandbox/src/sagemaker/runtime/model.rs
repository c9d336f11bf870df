//! What a runtime call talks to: the endpoint's serving deployment (the config that is live
//! now, so an endpoint that is Updating or RollingBack keeps answering on its old config), the
//! variant that serves the call, and the deterministic echo model every variant runs.

use hyper::header::HeaderMap;
use serde_json::{Value, json};

use super::errors::RuntimeError;
use crate::app::App;
use crate::sagemaker::api::now;
use crate::sagemaker::validate;
use crate::store::key;

/// The content type the SDKs send when the caller gives none.
pub const DEFAULT_CONTENT_TYPE: &str = "application/octet-stream";

/// The content type of every model answer.
pub const MODEL_CONTENT_TYPE: &str = "application/json";

/// The live side of an endpoint that may serve a call.
#[derive(Clone, Debug, PartialEq)]
pub struct Serving {
    /// The endpoint name as it was created.
    pub name: String,
    /// Live variants in config order: (name, current weight).
    pub variants: Vec<(String, f64)>,
    /// `AsyncInferenceConfig` of the live config, if any.
    pub async_config: Option<Value>,
}

/// Endpoint statuses whose live config answers calls. Updating and RollingBack serve the old
/// config, as SageMaker keeps it running until the new one has taken over.
fn serves(status: &str) -> bool {
    matches!(status, "InService" | "Updating" | "RollingBack")
}

/// The endpoint `name` in `region`, if it exists and may serve calls.
pub fn serving(app: &App, region: &str, name: &str) -> Result<Serving, RuntimeError> {
    validate::endpoint_style_name(name, "EndpointName")?;
    let mut st = app.sagemaker();
    st.advance(now());
    let Some(e) = st.endpoints.get(&key(region, name)) else {
        return Err(RuntimeError::endpoint_not_found(name));
    };
    let status = e.status();
    if !serves(status) {
        return Err(RuntimeError::Validation(format!(
            "Endpoint {name} of account {} is {status}; only an endpoint that is InService \
             (or Updating on its previous config) can serve requests.",
            crate::ACCOUNT_ID
        )));
    }
    Ok(Serving {
        name: e.name.clone(),
        variants: e
            .live
            .variants
            .iter()
            .map(|v| (v.name.clone(), v.current_weight))
            .collect(),
        async_config: e.live.async_config.clone(),
    })
}

impl Serving {
    /// The variant that serves a call: `target` when given (it must exist), otherwise the
    /// variant with the greatest current weight, the first in config order on a tie.
    pub fn pick_variant(&self, target: Option<&str>) -> Result<String, RuntimeError> {
        if let Some(t) = target {
            return self
                .variants
                .iter()
                .find(|(v, _)| v.eq_ignore_ascii_case(t))
                .map(|(v, _)| v.clone())
                .ok_or_else(|| {
                    RuntimeError::Validation(format!(
                        "Variant {t} not found for endpoint {} of account {}.",
                        self.name,
                        crate::ACCOUNT_ID
                    ))
                });
        }
        let mut best: Option<&(String, f64)> = None;
        for v in &self.variants {
            if best.is_none_or(|b| v.1 > b.1) {
                best = Some(v);
            }
        }
        best.map(|(v, _)| v.clone()).ok_or_else(|| {
            RuntimeError::Validation(format!("Endpoint {} has no production variant.", self.name))
        })
    }
}

/// One inference request as the echo model sees it.
#[derive(Clone, Copy, Debug)]
pub struct Inference<'a> {
    pub endpoint: &'a str,
    pub variant: &'a str,
    pub content_type: &'a str,
    pub accept: Option<&'a str>,
    pub body: &'a [u8],
}

/// The echo model: a JSON document naming the endpoint and variant that served the request,
/// its content type and accept header, and its body as UTF-8 text (invalid bytes become
/// U+FFFD).
pub fn echo(req: &Inference<'_>) -> Vec<u8> {
    json!({
        "endpoint": req.endpoint,
        "variant": req.variant,
        "content_type": req.content_type,
        "accept": req.accept,
        "body": String::from_utf8_lossy(req.body),
    })
    .to_string()
    .into_bytes()
}

/// A header's value as text, if present and readable.
pub fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The `1 validation error detected: …` error for member `member` holding `value`.
pub fn constraint(value: &str, member: &str, rule: &str) -> RuntimeError {
    validate::constraint(value, member, rule).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serving(variants: &[(&str, f64)]) -> Serving {
        Serving {
            name: "ep".into(),
            variants: variants.iter().map(|(n, w)| (n.to_string(), *w)).collect(),
            async_config: None,
        }
    }

    #[test]
    fn heaviest_variant_serves_first_on_ties() {
        let s = serving(&[("a", 1.0), ("b", 3.0), ("c", 3.0)]);
        assert_eq!(s.pick_variant(None).unwrap(), "b");
        assert_eq!(s.pick_variant(Some("A")).unwrap(), "a");
        assert!(matches!(
            s.pick_variant(Some("zzz")),
            Err(RuntimeError::Validation(_))
        ));
        assert!(serving(&[]).pick_variant(None).is_err());
    }

    #[test]
    fn echo_is_json() {
        let out = echo(&Inference {
            endpoint: "ep",
            variant: "v",
            content_type: "text/csv",
            accept: None,
            body: b"1,2\xff",
        });
        let v: Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(
            v,
            json!({"endpoint":"ep","variant":"v","content_type":"text/csv","accept":null,"body":"1,2\u{fffd}"})
        );
    }
}
