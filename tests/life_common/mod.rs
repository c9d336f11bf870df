//! Shared helpers of the `life_*` tests: a sandbox with SDK clients, a
//! `World` that plans and applies like Terraform would, configuration
//! builders and inventory checks.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use aws_config::{BehaviorVersion, Region};
use aws_credential_types::Credentials;
use sagemaker_sandbox::{Sandbox, SandboxOptions};
use tfsm::aws::clients::Clients;
use tfsm::aws::shared_reads::SharedReads;
use tfsm::aws::wait::Cancel;
use tfsm::resources::custom_endpoint::{
    self as ce, ApplyResult, Env, PlanRequest, ProviderContext,
};
use tfsm::tfplugin::{Diagnostics, Value};

pub const REGION: &str = "us-east-1";
pub const ACCOUNT: &str = "123456789012";
pub const DATA: &str = "s3://life-models/llama/model.tar.gz";

pub async fn start() -> (Sandbox, Clients) {
    let venv = SandboxOptions::default().resolved_venv();
    assert!(
        venv.join("bin/python").exists(),
        "moto venv missing at {}",
        venv.display()
    );
    let sandbox = Sandbox::start(SandboxOptions::fast())
        .await
        .expect("sandbox");
    sandbox
        .control()
        .seed_object(DATA, None)
        .await
        .expect("seed");
    let sdk = aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(sandbox.url())
        .region(Region::new(REGION))
        .credentials_provider(Credentials::new("AKIDLIFE", "secret", None, None, "test"))
        .load()
        .await;
    let clients = Clients::from_sdk_config(&sdk);
    (sandbox, clients)
}

pub struct World {
    pub clients: Clients,
    pub shared: Arc<SharedReads>,
    pub cancel: Cancel,
    pub defaults: BTreeMap<String, String>,
}

impl World {
    pub fn env(&self) -> Env<'_> {
        Env {
            clients: &self.clients,
            shared: &self.shared,
            region: REGION,
            account_id: ACCOUNT,
            default_tags: &self.defaults,
            cancel: &self.cancel,
            iam_propagation_bound: Duration::from_secs(20),
        }
    }

    pub fn plan(&self, prior: &Value, config: &Value) -> Value {
        // Terraform's proposed new state: the configuration, with computed
        // attributes taken from the prior state.
        let mut proposed = config.clone();
        if let (Value::Object(p), Some(prior)) = (&mut proposed, prior.as_object()) {
            for a in &ce::schema().block.attributes {
                if a.computed
                    && !a.optional
                    && let Some(v) = prior.get(&a.name)
                {
                    p.insert(a.name.clone(), v.clone());
                }
                if a.computed && a.optional && p.get(&a.name) == Some(&Value::Null) {
                    p.insert(
                        a.name.clone(),
                        prior.get(&a.name).cloned().unwrap_or(Value::Null),
                    );
                }
            }
        }
        let ctx = ProviderContext {
            region: REGION.into(),
            default_tags: self.defaults.clone(),
        };
        let r = ce::plan(PlanRequest {
            prior_state: prior,
            proposed_new_state: &proposed,
            config,
            ctx: &ctx,
        });
        assert!(!r.diagnostics.has_errors(), "{:#?}", r.diagnostics);
        r.planned_state
    }

    pub async fn apply(
        &self,
        prior: &Value,
        config: &Value,
        private: &[u8],
    ) -> (Value, ApplyResult) {
        let planned = if config.is_null() {
            Value::Null
        } else {
            self.plan(prior, config)
        };
        let r = ce::apply(&self.env(), prior, &planned, config, private).await;
        (planned, r)
    }
}

pub fn s(v: &str) -> Value {
    Value::string(v)
}

/// A real-time configuration: every attribute present, null unless set.
pub fn config(name: &str) -> Value {
    let b = &ce::schema().block;
    let mut m: BTreeMap<String, Value> = b
        .attributes
        .iter()
        .map(|a| (a.name.clone(), Value::Null))
        .chain(b.blocks.iter().map(|b| (b.type_name.clone(), Value::Null)))
        .collect();
    m.insert("endpoint_name".into(), s(name));
    m.insert("model_id".into(), s("meta-llama/Llama-2-7b-chat-hf"));
    m.insert("instance_type".into(), s("ml.g5.xlarge"));
    m.insert("model_data_url".into(), s(DATA));
    m.insert(
        "container".into(),
        Value::Object(BTreeMap::from([
            ("image_uri".into(), Value::Null),
            (
                "repository_name".into(),
                s("huggingface-pytorch-tgi-inference"),
            ),
            (
                "tag".into(),
                s("2.1.1-tgi1.4.0-gpu-py310-cu121-ubuntu22.04"),
            ),
            ("account_id".into(), Value::Null),
        ])),
    );
    Value::Object(m)
}

pub fn set(v: &Value, k: &str, x: Value) -> Value {
    let mut v = v.clone();
    if let Value::Object(m) = &mut v {
        m.insert(k.into(), x);
    }
    v
}

pub fn no_errors(d: &Diagnostics) {
    assert!(!d.has_errors(), "{:#?}", d);
}

/// Every value known at plan time is what apply returned.
pub fn consistent(planned: &Value, state: &Value) {
    assert!(state.is_wholly_known(), "unknowns in {state:#?}");
    for (k, v) in planned.as_object().unwrap() {
        if v.is_wholly_known() {
            assert_eq!(state.get(k), v, "{k} differs from the plan");
        }
    }
}

pub async fn empty(sandbox: &Sandbox) {
    let inv = sandbox.control().inventory().await.expect("inventory");
    let json = serde_json::to_value(&inv).unwrap();
    assert!(inv.sagemaker.models.is_empty(), "{json:#}");
    assert!(inv.sagemaker.endpoint_configs.is_empty(), "{json:#}");
    assert!(inv.sagemaker.endpoints.is_empty(), "{json:#}");
    assert!(inv.iam.roles.is_empty(), "{json:#}");
    assert!(inv.sns.topics.is_empty(), "{json:#}");
}

impl World {
    pub fn new(clients: Clients) -> World {
        World {
            clients,
            shared: Arc::default(),
            cancel: Cancel::new(),
            defaults: BTreeMap::new(),
        }
    }
}
