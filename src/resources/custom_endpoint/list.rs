//! The list resource `sagemaker_custom_endpoint` (`terraform query`,
//! Terraform 1.14+): finds the SageMaker endpoints of the provider's account
//! and region, whoever made them, so they can be imported. Filters: a name
//! prefix, a name fragment, a status and tags; an empty `config {}` finds
//! every endpoint. Pages are read one after the other and each endpoint is
//! sent as soon as it is known. With `include_resource = true` each result
//! carries the state an import would record (read only: nothing is marked
//! or changed until the import itself runs).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use super::aws::endpoint::{self, EndpointPages, EndpointStatus, EndpointSummary};
use super::lifecycle::import::as_imported;
use super::schema::identity::Identity;
use super::{Env, Session, TYPE_NAME};
use crate::framework::Op;
use crate::framework::list::{Found, ListResource, Sink};
use crate::framework::typed::{DecodeError, FromValue, Known};
use crate::tfplugin::schema::{Attribute, Block, Schema};
use crate::tfplugin::{AttrPath, Diagnostics, Type, Value};
use crate::typed_object;

typed_object! {
    /// The `config` block of a `list "sagemaker_custom_endpoint"` block.
    pub struct ListConfig {
        name_prefix: Known<String>,
        name_contains: Known<String>,
        status: Known<String>,
        tags: Value,
    }
}

/// The `config` block's schema, built once.
pub fn config_schema() -> &'static Schema {
    static S: OnceLock<Schema> = OnceLock::new();
    S.get_or_init(|| Schema {
        version: 0,
        block: Block::new(
            "Filters for the endpoints to find. Every filter given must match; an empty \
             `config {}` finds every endpoint of the provider's account and region.",
            vec![
                Attribute::typed(
                    ListConfig::name_prefix,
                    Type::String,
                    "Only endpoints whose name starts with this (case-insensitive, like \
                     SageMaker names).",
                )
                .optional(),
                Attribute::typed(
                    ListConfig::name_contains,
                    Type::String,
                    "Only endpoints whose name contains this (case-insensitive; SageMaker \
                     filters on it).",
                )
                .optional(),
                Attribute::typed(
                    ListConfig::status,
                    Type::String,
                    "Only endpoints in this status, such as `InService` or `Failed`.",
                )
                .optional(),
                Attribute::typed(
                    ListConfig::tags,
                    Type::map(Type::String),
                    "Only endpoints that carry every one of these tags with these values.",
                )
                .optional(),
            ],
            vec![],
        ),
    })
}

/// The list resource type, as registered with the framework.
pub struct CustomEndpointList;

/// The filters, decoded and known.
#[derive(Debug, Default)]
struct Filter {
    prefix: Option<String>,
    contains: Option<String>,
    status: Option<EndpointStatus>,
    tags: BTreeMap<String, String>,
}

fn decode(config: &Value) -> Result<ListConfig, DecodeError> {
    ListConfig::from_value(config, &AttrPath::default())
}

/// The status values SageMaker knows, as users write them.
fn statuses() -> Vec<&'static str> {
    EndpointStatus::values().to_vec()
}

/// Checks the filters; unknown values are skipped.
fn check(config: &Value) -> Diagnostics {
    let mut d = Diagnostics::new();
    let c = match decode(config) {
        Ok(c) => c,
        Err(e) => {
            d.error("Invalid list configuration", e.to_string());
            return d;
        }
    };
    for (name, v) in [
        (ListConfig::name_prefix, &c.name_prefix),
        (ListConfig::name_contains, &c.name_contains),
    ] {
        if let Known::Value(s) = v
            && s.is_empty()
        {
            d.attr_error(
                AttrPath::root(name),
                "Empty filter",
                format!("{name} must not be empty; leave it out to match every name."),
            );
        }
    }
    if let Known::Value(s) = &c.status
        && !statuses().contains(&s.as_str())
    {
        d.attr_error(
            AttrPath::root(ListConfig::status),
            "Unknown endpoint status",
            format!(
                "status is {s:?}; SageMaker endpoint statuses are {}.",
                statuses().join(", ")
            ),
        );
    }
    d
}

impl Filter {
    fn of(c: &ListConfig) -> Filter {
        let tags = match &c.tags {
            Value::Map(m) => m
                .iter()
                .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string())))
                .collect(),
            _ => BTreeMap::new(),
        };
        Filter {
            prefix: c.name_prefix.as_str().map(str::to_string),
            contains: c.name_contains.as_str().map(str::to_string),
            status: c.status.as_str().map(EndpointStatus::from),
            tags,
        }
    }

    /// What SageMaker filters on: the fragment, or else the prefix.
    fn server_fragment(&self) -> Option<String> {
        self.contains.clone().or_else(|| self.prefix.clone())
    }

    fn name_matches(&self, name: &str) -> bool {
        let lower = name.to_ascii_lowercase();
        let prefix_ok = self
            .prefix
            .as_ref()
            .is_none_or(|p| lower.starts_with(&p.to_ascii_lowercase()));
        let contains_ok = self
            .contains
            .as_ref()
            .is_none_or(|f| lower.contains(&f.to_ascii_lowercase()));
        prefix_ok && contains_ok
    }

    fn tags_match(&self, tags: &BTreeMap<String, String>) -> bool {
        self.tags.iter().all(|(k, v)| tags.get(k) == Some(v))
    }
}

/// What one endpoint of a page becomes: `Ok(None)` when a filter rules it
/// out or it vanished meanwhile.
async fn found(
    env: &Env<'_>,
    filter: &Filter,
    e: EndpointSummary,
    include_resource: bool,
) -> Result<Option<Found>, String> {
    if !filter.name_matches(&e.name) {
        return Ok(None);
    }
    if !filter.tags.is_empty() {
        let tags = endpoint::list_tags(env.clients, &e.arn)
            .await
            .map_err(|err| format!("read the tags of {}: {err}", e.arn))?;
        if !filter.tags_match(&tags) {
            return Ok(None);
        }
    }
    let identity = Identity {
        endpoint_name: Known::string(&e.name),
        region: Known::string(env.region),
        account_id: Known::string(env.account_id),
    };
    let resource = if include_resource {
        let Some(ep) = endpoint::find(env.clients, &e.name)
            .await
            .map_err(|err| format!("read the endpoint {}: {err}", e.name))?
        else {
            return Ok(None);
        };
        let st = as_imported(env, ep).await.map_err(|err| err.to_string())?;
        Some(st.encode())
    } else {
        None
    };
    Ok(Some(Found {
        identity: identity.encode(),
        display_name: format!("{} ({})", e.name, e.status),
        resource,
    }))
}

impl ListResource<Session> for CustomEndpointList {
    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn config_schema(&self) -> &'static Schema {
        config_schema()
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        check(config)
    }

    async fn list(
        &self,
        op: Op<'_, Session>,
        config: &Value,
        include_resource: bool,
        sink: &mut dyn Sink,
    ) -> Diagnostics {
        let mut d = Diagnostics::new();
        let filter = match decode(config) {
            Ok(c) => Filter::of(&c),
            Err(e) => {
                d.error("Invalid list configuration", e.to_string());
                return d;
            }
        };
        let account = match op.provider.account_id().await {
            Ok(a) => a,
            Err(e) => return e,
        };
        let env = Env::of(op.provider, account, op.cancel);
        let mut pages = EndpointPages::new(filter.server_fragment(), filter.status.clone());
        loop {
            if op.cancel.is_cancelled() {
                d.warning(
                    "Listing interrupted",
                    "Terraform asked the provider to stop; the results so far are complete.",
                );
                return d;
            }
            let page = match pages.next(env.clients).await {
                Ok(Some(page)) => page,
                Ok(None) => return d,
                Err(e) => {
                    d.error(
                        "Could not list SageMaker endpoints",
                        format!("ListEndpoints in {}: {e}", env.region),
                    );
                    return d;
                }
            };
            for e in page {
                let name = e.name.clone();
                match found(&env, &filter, e, include_resource).await {
                    Ok(Some(f)) => {
                        if !sink.send(f) {
                            return d;
                        }
                    }
                    Ok(None) => {}
                    // One endpoint that cannot be read does not hide the others.
                    Err(why) => d.warning(
                        format!("Endpoint {name} left out"),
                        format!("It could not be read: {why}"),
                    ),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(entries: &[(&str, Value)]) -> Value {
        let mut m: BTreeMap<String, Value> = ListConfig::NAMES
            .iter()
            .map(|n| (n.to_string(), Value::Null))
            .collect();
        for (k, v) in entries {
            m.insert(k.to_string(), v.clone());
        }
        Value::Object(m)
    }

    #[test]
    fn filters_are_checked_naming_the_attribute() {
        assert!(
            check(&config(&[])).is_empty(),
            "an empty config lists everything"
        );
        let d = check(&config(&[("status", Value::string("Running"))]));
        assert_eq!(d.0.len(), 1);
        assert_eq!(d.0[0].path, Some(AttrPath::root("status")));
        assert!(d.0[0].detail.contains("InService"), "{}", d.0[0].detail);
        let d = check(&config(&[("name_prefix", Value::string(""))]));
        assert_eq!(d.0[0].path, Some(AttrPath::root("name_prefix")));
        assert!(check(&config(&[("status", Value::Unknown)])).is_empty());
        assert!(check(&config(&[("status", Value::string("InService"))])).is_empty());
    }

    #[test]
    fn names_and_tags_match_like_sagemaker() {
        let c = decode(&config(&[
            ("name_prefix", Value::string("Prod-")),
            ("name_contains", Value::string("llm")),
            (
                "tags",
                Value::Map([("team".to_string(), Value::string("ml"))].into()),
            ),
        ]))
        .unwrap();
        let f = Filter::of(&c);
        assert_eq!(f.server_fragment().as_deref(), Some("llm"));
        assert!(f.name_matches("prod-LLM-1"));
        assert!(!f.name_matches("staging-llm"));
        assert!(!f.name_matches("prod-bert"));
        let ml = BTreeMap::from([("team".to_string(), "ml".to_string())]);
        let other = BTreeMap::from([("team".to_string(), "web".to_string())]);
        assert!(f.tags_match(&ml));
        assert!(!f.tags_match(&other));
        assert!(!f.tags_match(&BTreeMap::new()));
        let only_prefix = Filter {
            prefix: Some("a".into()),
            ..Default::default()
        };
        assert_eq!(only_prefix.server_fragment().as_deref(), Some("a"));
    }
}
