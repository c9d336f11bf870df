//! The registry's dispatch and the protocol rules, on a toy resource, list
//! and action: what every provider object gets without writing it.

use std::sync::{Arc, OnceLock};

use super::action::{Action, Progress};
use super::list::{Found, ListResource, Sink};
use super::resource::{
    ApplyRequest, IdentityAttribute, IdentitySchema, ImportRequest, ManagedResource, Op, Outcome,
    PlanRequest, Planned,
};
use super::{Cancel, Registry};
use crate::proto::tfplugin6 as pb;
use crate::tfplugin::schema::{Attribute, Block, Schema};
use crate::tfplugin::{AttrPath, Diagnostics, Type, Value, codec};

/// The provider data of the toy: a region.
struct Data(&'static str);

#[derive(Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
struct Counter {
    applies: u32,
}

struct Toy;

fn toy_schema() -> &'static Schema {
    static S: OnceLock<Schema> = OnceLock::new();
    S.get_or_init(|| Schema {
        version: 0,
        block: Block::new(
            "toy",
            vec![
                Attribute::typed("id", Type::String, "i").computed(),
                Attribute::typed("size", Type::Number, "s")
                    .optional()
                    .computed()
                    .default(Value::int(3)),
                Attribute::typed("token", Type::String, "t")
                    .optional()
                    .write_only(),
                Attribute::typed("name", Type::String, "n").required(),
            ],
            vec![],
        ),
    })
}

fn ty() -> Type {
    toy_schema().value_type()
}

fn obj(entries: &[(&str, Value)]) -> Value {
    let mut m: std::collections::BTreeMap<String, Value> = toy_schema()
        .block
        .attributes
        .iter()
        .map(|a| (a.name.clone(), Value::Null))
        .collect();
    for (k, v) in entries {
        m.insert(k.to_string(), v.clone());
    }
    Value::Object(m)
}

fn dv(v: &Value) -> Option<pb::DynamicValue> {
    Some(codec::to_dynamic(v, &ty()).unwrap())
}

fn back(dv: &Option<pb::DynamicValue>) -> Value {
    codec::from_dynamic(dv.as_ref().unwrap(), &ty()).unwrap()
}

impl ManagedResource<Data> for Toy {
    type Private = Counter;

    fn type_name(&self) -> &'static str {
        "toy_thing"
    }

    fn schema(&self) -> &'static Schema {
        toy_schema()
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        let mut d = Diagnostics::new();
        if config.get("name").as_str() == Some("") {
            d.attr_error(
                AttrPath::root("name"),
                "Empty name",
                "name: must not be empty",
            );
        }
        d
    }

    fn plan(&self, data: &Data, req: PlanRequest<'_>) -> Planned {
        let mut state = req.proposed.clone();
        if let Value::Object(m) = &mut state {
            // The token seen by the resource is whatever Terraform proposed;
            // the framework must null it in the reply.
            m.insert("token".into(), Value::string("leak"));
            if req.prior.is_null() {
                m.insert("id".into(), Value::Unknown);
            }
            m.insert(
                "name".into(),
                Value::string(format!(
                    "{}-{}",
                    data.0,
                    req.config.get("name").as_str().unwrap_or("")
                )),
            );
        }
        Planned {
            state,
            requires_replace: vec![],
            diagnostics: Diagnostics::new(),
        }
    }

    async fn apply(&self, _op: Op<'_, Data>, req: ApplyRequest<'_, Counter>) -> Outcome<Counter> {
        let mut state = req.planned.clone();
        if let Value::Object(m) = &mut state {
            m.insert("token".into(), req.config.get("token").clone());
        }
        Outcome {
            state,
            private: Counter {
                applies: req.private.applies + 1,
            },
            diagnostics: Diagnostics::new(),
        }
    }

    async fn read(&self, _op: Op<'_, Data>, state: &Value, private: Counter) -> Outcome<Counter> {
        Outcome {
            state: state.clone(),
            private,
            diagnostics: Diagnostics::new(),
        }
    }

    fn identity_schema(&self) -> Option<&'static IdentitySchema> {
        static S: OnceLock<IdentitySchema> = OnceLock::new();
        Some(S.get_or_init(|| IdentitySchema {
            version: 1,
            attributes: vec![IdentityAttribute {
                name: "name",
                ty: Type::String,
                required_for_import: true,
                description: "n",
            }],
        }))
    }

    fn identity(&self, _data: &Data, state: &Value) -> Option<Value> {
        let name = state.get("name").as_str()?;
        Some(Value::Object(
            [("name".to_string(), Value::string(name))].into(),
        ))
    }

    async fn import(&self, _op: Op<'_, Data>, req: ImportRequest<'_>) -> Outcome<Counter> {
        let id = match req.identity {
            Some(identity) => identity
                .get("name")
                .as_str()
                .unwrap_or_default()
                .to_string(),
            None => req.id.to_string(),
        };
        let id = id.as_str();
        let state = if id == "missing" {
            Value::Null
        } else {
            obj(&[
                ("id", Value::string(id)),
                ("name", Value::string(id)),
                ("size", Value::Unknown),
            ])
        };
        Outcome {
            state,
            private: Counter::default(),
            diagnostics: Diagnostics::new(),
        }
    }
}

struct ToyList;

impl ListResource<Data> for ToyList {
    fn type_name(&self) -> &'static str {
        "toy_thing"
    }

    fn config_schema(&self) -> &'static Schema {
        toy_schema()
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        let mut d = Diagnostics::new();
        if config.get("name").is_null() {
            d.error("Missing filter", "name is required");
        }
        d
    }

    async fn list(
        &self,
        op: Op<'_, Data>,
        config: &Value,
        include_resource: bool,
        sink: &mut dyn Sink,
    ) -> Diagnostics {
        let prefix = config.get("name").as_str().unwrap_or("");
        for i in 0..3 {
            let name = format!("{prefix}{i}-{}", op.provider.0);
            let found = Found {
                identity: Value::Object([("name".to_string(), Value::string(&name))].into()),
                display_name: name.clone(),
                resource: include_resource.then(|| obj(&[("name", Value::string(&name))])),
            };
            if !sink.send(found) {
                break;
            }
        }
        Diagnostics::new()
    }
}

struct ToyAction;

impl Action<Data> for ToyAction {
    fn type_name(&self) -> &'static str {
        "toy_poke"
    }

    fn schema(&self) -> &'static Schema {
        toy_schema()
    }

    fn validate(&self, _config: &Value) -> Diagnostics {
        Diagnostics::new()
    }

    async fn invoke(
        &self,
        op: Op<'_, Data>,
        config: &Value,
        progress: &mut dyn Progress,
    ) -> Diagnostics {
        progress.progress(format!(
            "poking {} in {}",
            config.get("name").as_str().unwrap_or("?"),
            op.provider.0
        ));
        let mut d = Diagnostics::new();
        if op.cancel.is_cancelled() {
            d.error("Interrupted", "cancelled");
        }
        d
    }
}

fn registry() -> Registry<Data> {
    let mut r = Registry::default();
    r.resource(Toy).list(ToyList).action(ToyAction);
    r
}

fn configured() -> Result<Arc<Data>, Diagnostics> {
    Ok(Arc::new(Data("eu")))
}

#[test]
fn an_unknown_type_names_what_is_offered() {
    let r = registry();
    let resp = r.validate_resource_config(pb::validate_resource_config::Request {
        type_name: "toy_other".into(),
        ..Default::default()
    });
    assert_eq!(resp.diagnostics.len(), 1);
    assert!(
        resp.diagnostics[0].detail.contains("\"toy_thing\""),
        "{:?}",
        resp.diagnostics
    );
    assert_eq!(r.resource_types().collect::<Vec<_>>(), ["toy_thing"]);
    assert_eq!(r.list_types().collect::<Vec<_>>(), ["toy_thing"]);
    assert_eq!(r.action_types().collect::<Vec<_>>(), ["toy_poke"]);
    assert!(r.resource_schemas().contains_key("toy_thing"));
}

#[test]
fn validation_refuses_write_only_without_the_capability() {
    let r = registry();
    let config = obj(&[("name", Value::string("a")), ("token", Value::string("t"))]);
    let ask = |write_only: bool| {
        r.validate_resource_config(pb::validate_resource_config::Request {
            type_name: "toy_thing".into(),
            config: dv(&config),
            client_capabilities: Some(pb::ClientCapabilities {
                write_only_attributes_allowed: write_only,
                ..Default::default()
            }),
        })
    };
    let refused = ask(false);
    assert_eq!(refused.diagnostics.len(), 1);
    assert!(refused.diagnostics[0].detail.contains("token"));
    assert!(ask(true).diagnostics.is_empty());
    // The resource's own checks run too.
    let empty = obj(&[("name", Value::string(""))]);
    let resp = r.validate_resource_config(pb::validate_resource_config::Request {
        type_name: "toy_thing".into(),
        config: dv(&empty),
        ..Default::default()
    });
    assert_eq!(resp.diagnostics[0].summary, "Empty name");
}

#[test]
fn plans_get_defaults_and_never_hold_write_only_values() {
    let r = registry();
    let config = obj(&[("name", Value::string("a")), ("token", Value::string("t"))]);
    let resp = r.plan_resource_change(
        configured(),
        pb::plan_resource_change::Request {
            type_name: "toy_thing".into(),
            prior_state: None,
            proposed_new_state: dv(&config),
            config: dv(&config),
            prior_private: b"kept".to_vec(),
            ..Default::default()
        },
    );
    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
    let planned = back(&resp.planned_state);
    assert_eq!(planned.get("size"), &Value::int(3), "default filled");
    assert_eq!(planned.get("token"), &Value::Null, "write-only nulled");
    assert_eq!(planned.get("id"), &Value::Unknown);
    assert_eq!(
        planned.get("name"),
        &Value::string("eu-a"),
        "provider data reached the plan"
    );
    assert_eq!(resp.planned_private, b"kept");

    // A destroy plans null without asking the resource.
    let destroy = r.plan_resource_change(
        configured(),
        pb::plan_resource_change::Request {
            type_name: "toy_thing".into(),
            prior_state: dv(&planned),
            proposed_new_state: None,
            ..Default::default()
        },
    );
    assert_eq!(back(&destroy.planned_state), Value::Null);

    // Without ConfigureProvider, planning is a diagnostic.
    let mut not = Diagnostics::new();
    not.error("Provider not configured", "x");
    let resp = r.plan_resource_change(
        Err(not),
        pb::plan_resource_change::Request {
            type_name: "toy_thing".into(),
            proposed_new_state: dv(&config),
            config: dv(&config),
            ..Default::default()
        },
    );
    assert!(resp.planned_state.is_none());
    assert_eq!(resp.diagnostics[0].summary, "Provider not configured");
}

#[tokio::test]
async fn applied_states_are_known_without_write_only_and_private_is_typed() {
    let r = registry();
    let config = obj(&[("name", Value::string("a")), ("token", Value::string("t"))]);
    let planned = obj(&[
        ("name", Value::string("a")),
        ("id", Value::Unknown),
        ("size", Value::int(3)),
    ]);
    let cancel = Cancel::new();
    let apply = |private: Vec<u8>| {
        r.apply_resource_change(
            configured(),
            &cancel,
            pb::apply_resource_change::Request {
                type_name: "toy_thing".into(),
                prior_state: None,
                planned_state: dv(&planned),
                config: dv(&config),
                planned_private: private,
                ..Default::default()
            },
        )
    };
    let first = apply(Vec::new()).await;
    let state = back(&first.new_state);
    assert!(state.is_wholly_known(), "{state:?}");
    assert_eq!(state.get("id"), &Value::Null);
    assert_eq!(
        state.get("token"),
        &Value::Null,
        "the echoed secret was nulled"
    );
    assert_eq!(first.private, br#"{"applies":1}"#);
    let second = apply(first.private.clone()).await;
    assert_eq!(second.private, br#"{"applies":2}"#);
    // Unreadable private bytes count as empty rather than blocking.
    let third = apply(b"garbage".to_vec()).await;
    assert_eq!(third.private, br#"{"applies":1}"#);

    // A request that cannot be decoded keeps the prior state untouched.
    let prior = dv(&planned);
    let bad = r
        .apply_resource_change(
            configured(),
            &cancel,
            pb::apply_resource_change::Request {
                type_name: "toy_thing".into(),
                prior_state: prior.clone(),
                planned_state: Some(pb::DynamicValue {
                    msgpack: vec![],
                    json: b"{".to_vec(),
                }),
                ..Default::default()
            },
        )
        .await;
    assert_eq!(bad.new_state, prior);
    assert_eq!(bad.diagnostics[0].summary, "Invalid planned state");
}

#[tokio::test]
async fn imports_return_known_states_and_nothing_when_not_found() {
    let r = registry();
    let cancel = Cancel::new();
    let import = |id: &str| {
        r.import_resource_state(
            configured(),
            &cancel,
            pb::import_resource_state::Request {
                type_name: "toy_thing".into(),
                id: id.into(),
                ..Default::default()
            },
        )
    };
    let found = import("x").await;
    assert_eq!(found.imported_resources.len(), 1);
    let state = back(&found.imported_resources[0].state);
    assert!(state.is_wholly_known());
    assert_eq!(state.get("id"), &Value::string("x"));
    assert!(import("missing").await.imported_resources.is_empty());
}

/// Every event of a stream, until it ends.
async fn drain<T>(mut rx: tokio::sync::mpsc::UnboundedReceiver<T>) -> Vec<T> {
    let mut all = Vec::new();
    while let Some(e) = rx.recv().await {
        all.push(e);
    }
    all
}

fn list_request(config: &Value, include: bool, limit: i64) -> pb::list_resource::Request {
    pb::list_resource::Request {
        type_name: "toy_thing".into(),
        config: dv(config),
        include_resource_object: include,
        limit,
    }
}

#[tokio::test]
async fn lists_stream_identities_objects_and_stop_at_the_limit() {
    let r = Arc::new(registry());
    let config = obj(&[("name", Value::string("ep"))]);
    let events =
        drain(r.list_resource(configured(), Cancel::new(), list_request(&config, true, 0))).await;
    let names: Vec<_> = events.iter().map(|e| e.display_name.as_str()).collect();
    assert_eq!(names, ["ep0-eu", "ep1-eu", "ep2-eu"]);
    for e in &events {
        assert_eq!(
            identity_name(&e.identity).as_deref(),
            Some(e.display_name.as_str())
        );
        let object = e
            .resource_object
            .as_ref()
            .map(|dv| codec::from_dynamic(dv, &ty()).unwrap());
        assert_eq!(
            object.as_ref().map(|o| o.get("name").clone()),
            Some(Value::string(&e.display_name)),
            "the resource object is encoded with the resource schema"
        );
        assert!(e.diagnostic.is_empty());
    }

    let events =
        drain(r.list_resource(configured(), Cancel::new(), list_request(&config, false, 2))).await;
    assert_eq!(events.len(), 2, "Terraform's limit stops the list");
    assert!(events.iter().all(|e| e.resource_object.is_none()));

    let events = drain(r.list_resource(
        configured(),
        Cancel::new(),
        list_request(&obj(&[]), false, 0),
    ))
    .await;
    assert_eq!(events.len(), 1, "the list's validation runs first");
    assert!(events[0].identity.is_none() && !events[0].diagnostic.is_empty());

    let mut other = list_request(&config, false, 0);
    other.type_name = "toy_nothing".into();
    let events = drain(r.list_resource(configured(), Cancel::new(), other)).await;
    assert_eq!(
        events[0].diagnostic[0].summary,
        "Unknown list resource type"
    );

    let unconfigured = Err(Diagnostics::new());
    let events =
        drain(r.list_resource(unconfigured, Cancel::new(), list_request(&config, false, 0))).await;
    assert_eq!(events.len(), 1, "no list without a configured provider");

    let resp = r.validate_list_resource_config(pb::validate_list_resource_config::Request {
        type_name: "toy_thing".into(),
        config: dv(&obj(&[])),
        ..Default::default()
    });
    assert_eq!(resp.diagnostics[0].summary, "Missing filter");
    assert!(r.list_schemas().contains_key("toy_thing"));
}

#[tokio::test]
async fn actions_stream_progress_then_complete() {
    use pb::invoke_action::event::Type as Event;
    let r = Arc::new(registry());
    let config = obj(&[("name", Value::string("ep"))]);
    let request = || pb::invoke_action::Request {
        action_type: "toy_poke".into(),
        config: dv(&config),
        client_capabilities: None,
    };
    let events = drain(r.invoke_action(configured(), Cancel::new(), request())).await;
    assert_eq!(events.len(), 2);
    match &events[0].r#type {
        Some(Event::Progress(p)) => assert_eq!(p.message, "poking ep in eu"),
        other => panic!("expected progress, got {other:?}"),
    }
    match &events[1].r#type {
        Some(Event::Completed(c)) => assert!(c.diagnostics.is_empty()),
        other => panic!("expected completed, got {other:?}"),
    }

    let cancel = Cancel::new();
    cancel.cancel();
    let events = drain(r.invoke_action(configured(), cancel, request())).await;
    match &events.last().and_then(|e| e.r#type.clone()) {
        Some(Event::Completed(c)) => assert_eq!(c.diagnostics[0].summary, "Interrupted"),
        other => panic!("expected completed, got {other:?}"),
    }

    let mut unknown = request();
    unknown.action_type = "toy_nothing".into();
    let events = drain(r.invoke_action(configured(), Cancel::new(), unknown)).await;
    assert_eq!(
        events.len(),
        1,
        "an unknown action completes at once with an error"
    );
    let planned = r.plan_action(pb::plan_action::Request {
        action_type: "toy_poke".into(),
        config: dv(&config),
        client_capabilities: None,
    });
    assert!(planned.diagnostics.is_empty());
    assert!(r.action_schemas()["toy_poke"].schema.is_some());
}

#[test]
fn generated_configuration_drops_what_only_the_provider_sets() {
    let r = registry();
    let state = obj(&[
        ("id", Value::string("i-1")),
        ("size", Value::int(3)),
        ("name", Value::string("a")),
    ]);
    let resp = r.generate_resource_config(pb::generate_resource_config::Request {
        type_name: "toy_thing".into(),
        state: dv(&state),
    });
    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
    let config = back(&resp.config);
    assert_eq!(config.get("name"), &Value::string("a"));
    assert_eq!(config.get("id"), &Value::Null, "computed only");
    assert_eq!(config.get("size"), &Value::Null, "the schema default");
    let resp = r.generate_resource_config(pb::generate_resource_config::Request {
        type_name: "toy_other".into(),
        state: dv(&state),
    });
    assert!(resp.config.is_none() && !resp.diagnostics.is_empty());
}

fn identity_type() -> Type {
    Type::object([("name", Type::String)])
}

fn identity(name: &str) -> Option<pb::ResourceIdentityData> {
    let v = Value::Object([("name".to_string(), Value::string(name))].into());
    Some(pb::ResourceIdentityData {
        identity_data: Some(codec::to_dynamic(&v, &identity_type()).unwrap()),
    })
}

fn identity_name(data: &Option<pb::ResourceIdentityData>) -> Option<String> {
    let dv = data.as_ref()?.identity_data.as_ref()?;
    let v = codec::from_dynamic(dv, &identity_type()).ok()?;
    v.get("name").as_str().map(str::to_string)
}

#[tokio::test]
async fn identity_travels_with_every_state_and_imports() {
    let r = registry();
    let schemas = r.identity_schemas();
    assert_eq!(schemas["toy_thing"].version, 1);
    assert!(schemas["toy_thing"].identity_attributes[0].required_for_import);

    // Planning a create whose name is not known yet keeps no identity;
    // once known, the plan carries it.
    let config = obj(&[("name", Value::string("a"))]);
    let plan = r.plan_resource_change(
        configured(),
        pb::plan_resource_change::Request {
            type_name: "toy_thing".into(),
            proposed_new_state: dv(&config),
            config: dv(&config),
            ..Default::default()
        },
    );
    assert_eq!(
        identity_name(&plan.planned_identity).as_deref(),
        Some("eu-a")
    );

    let cancel = Cancel::new();
    let state = obj(&[("name", Value::string("eu-a")), ("id", Value::string("x"))]);
    let read = r
        .read_resource(
            configured(),
            &cancel,
            pb::read_resource::Request {
                type_name: "toy_thing".into(),
                current_state: dv(&state),
                ..Default::default()
            },
        )
        .await;
    assert_eq!(identity_name(&read.new_identity).as_deref(), Some("eu-a"));

    // Import by identity alone (no ID).
    let imported = r
        .import_resource_state(
            configured(),
            &cancel,
            pb::import_resource_state::Request {
                type_name: "toy_thing".into(),
                identity: identity("byid"),
                ..Default::default()
            },
        )
        .await;
    assert_eq!(
        imported.imported_resources.len(),
        1,
        "{:?}",
        imported.diagnostics
    );
    let got = &imported.imported_resources[0];
    assert_eq!(back(&got.state).get("id"), &Value::string("byid"));
    assert_eq!(identity_name(&got.identity).as_deref(), Some("byid"));

    // Neither an ID nor an identity: a diagnostic, not a panic.
    let none = r
        .import_resource_state(
            configured(),
            &cancel,
            pb::import_resource_state::Request {
                type_name: "toy_thing".into(),
                ..Default::default()
            },
        )
        .await;
    assert!(none.imported_resources.is_empty());
    assert_eq!(none.diagnostics[0].summary, "Nothing to import");
}

#[test]
fn stored_identities_upgrade_and_newer_ones_are_refused() {
    let r = registry();
    let up = r.upgrade_resource_identity(pb::upgrade_resource_identity::Request {
        type_name: "toy_thing".into(),
        version: 0,
        raw_identity: Some(pb::RawState {
            json: br#"{"name":"kept"}"#.to_vec(),
            ..Default::default()
        }),
    });
    assert!(up.diagnostics.is_empty(), "{:?}", up.diagnostics);
    assert_eq!(
        identity_name(&up.upgraded_identity).as_deref(),
        Some("kept")
    );
    let newer = r.upgrade_resource_identity(pb::upgrade_resource_identity::Request {
        type_name: "toy_thing".into(),
        version: 2,
        raw_identity: Some(pb::RawState::default()),
    });
    assert!(newer.upgraded_identity.is_none());
    assert_eq!(
        newer.diagnostics[0].summary,
        "Identity from a newer provider"
    );
}
