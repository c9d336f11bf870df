//! The apply side of `sagemaker_custom_endpoint` (create, read, update,
//! delete, import) against the local sandbox, without the Terraform CLI:
//! plan and apply are called as functions, and the sandbox inventory proves
//! that nothing is left behind.

use std::collections::BTreeMap;
use std::time::Duration;

use aws_config::{BehaviorVersion, Region};
use aws_credential_types::Credentials;
use sagemaker_sandbox::{Sandbox, SandboxOptions};
use tfsm::aws::clients::Clients;
use tfsm::aws::wait::Cancel;
use tfsm::resources::custom_endpoint::{
    self as ce, ApplyResult, Env, PlanRequest, ProviderContext,
};
use tfsm::tfplugin::{Diagnostics, Value};

const REGION: &str = "us-east-1";
const ACCOUNT: &str = "123456789012";
const DATA: &str = "s3://life-models/llama/model.tar.gz";

async fn start() -> (Sandbox, Clients) {
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
    let clients = Clients {
        sagemaker: aws_sdk_sagemaker::Client::new(&sdk),
        iam: aws_sdk_iam::Client::new(&sdk),
        sns: aws_sdk_sns::Client::new(&sdk),
        sts: aws_sdk_sts::Client::new(&sdk),
    };
    (sandbox, clients)
}

struct World {
    clients: Clients,
    cancel: Cancel,
    defaults: BTreeMap<String, String>,
}

impl World {
    fn env(&self) -> Env<'_> {
        Env {
            clients: &self.clients,
            region: REGION,
            account_id: ACCOUNT,
            default_tags: &self.defaults,
            cancel: &self.cancel,
            iam_propagation_bound: Duration::from_secs(20),
        }
    }

    fn plan(&self, prior: &Value, config: &Value) -> Value {
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

    async fn apply(&self, prior: &Value, config: &Value, private: &[u8]) -> (Value, ApplyResult) {
        let planned = if config.is_null() {
            Value::Null
        } else {
            self.plan(prior, config)
        };
        let r = ce::apply(&self.env(), prior, &planned, config, private).await;
        (planned, r)
    }
}

fn s(v: &str) -> Value {
    Value::string(v)
}

/// A real-time configuration: every attribute present, null unless set.
fn config(name: &str) -> Value {
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

fn set(v: &Value, k: &str, x: Value) -> Value {
    let mut v = v.clone();
    if let Value::Object(m) = &mut v {
        m.insert(k.into(), x);
    }
    v
}

fn no_errors(d: &Diagnostics) {
    assert!(!d.has_errors(), "{:#?}", d);
}

/// Every value known at plan time is what apply returned.
fn consistent(planned: &Value, state: &Value) {
    assert!(state.is_wholly_known(), "unknowns in {state:#?}");
    for (k, v) in planned.as_object().unwrap() {
        if v.is_wholly_known() {
            assert_eq!(state.get(k), v, "{k} differs from the plan");
        }
    }
}

async fn empty(sandbox: &Sandbox) {
    let inv = sandbox.control().inventory().await.expect("inventory");
    let json = serde_json::to_value(&inv).unwrap();
    assert!(inv.sagemaker.models.is_empty(), "{json:#}");
    assert!(inv.sagemaker.endpoint_configs.is_empty(), "{json:#}");
    assert!(inv.sagemaker.endpoints.is_empty(), "{json:#}");
    assert!(inv.iam.roles.is_empty(), "{json:#}");
    assert!(inv.sns.topics.is_empty(), "{json:#}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_read_update_import_delete_leaves_nothing() {
    let (sandbox, clients) = start().await;
    let w = World {
        clients,
        cancel: Cancel::new(),
        defaults: BTreeMap::from([("owner".into(), "life".into())]),
    };
    let cfg = config("life-rt");

    // Create.
    let (planned, r) = w.apply(&Value::Null, &cfg, &[]).await;
    no_errors(&r.diagnostics);
    let state = r.new_state;
    consistent(&planned, &state);
    assert_eq!(state.get("endpoint_status"), &s("InService"));
    let inv = sandbox.control().inventory().await.unwrap();
    assert_eq!(inv.sagemaker.endpoints.len(), 1);
    assert_eq!(inv.sagemaker.models.len(), 1);
    assert_eq!(inv.iam.roles.len(), 1);

    // Read: nothing changed; plan: no changes.
    let read = ce::read(&w.env(), &state, &r.private).await;
    no_errors(&read.diagnostics);
    assert_eq!(read.new_state, state);
    assert_eq!(w.plan(&state, &cfg), state);

    // Variant change: a new config, same model, old config gone.
    let cfg2 = set(&cfg, "instance_count", Value::int(2));
    let (planned, r) = w.apply(&state, &cfg2, &[]).await;
    no_errors(&r.diagnostics);
    consistent(&planned, &r.new_state);
    assert_eq!(r.new_state.get("model_name"), state.get("model_name"));
    assert_ne!(
        r.new_state.get("endpoint_config_name"),
        state.get("endpoint_config_name")
    );
    let inv = sandbox.control().inventory().await.unwrap();
    assert_eq!(inv.sagemaker.endpoint_configs.len(), 1);
    let state = r.new_state;

    // Model change and a tag change: new model and config, old ones gone.
    let env = Value::Map(BTreeMap::from([("HF_TASK".into(), s("text-generation"))]));
    let cfg3 = set(
        &set(&cfg2, "environment", env),
        "tags",
        Value::Map(BTreeMap::from([("team".into(), s("nlp"))])),
    );
    let (planned, r) = w.apply(&state, &cfg3, &[]).await;
    no_errors(&r.diagnostics);
    consistent(&planned, &r.new_state);
    assert_ne!(r.new_state.get("model_name"), state.get("model_name"));
    let inv = sandbox.control().inventory().await.unwrap();
    assert_eq!(inv.sagemaker.endpoint_configs.len(), 1);
    assert_eq!(inv.sagemaker.models.len(), 1);
    assert!(r.private.is_empty());
    let state = r.new_state;
    assert_eq!(w.plan(&state, &cfg3), state);

    // Import: the same attributes, and a plan that changes nothing.
    let imported = ce::import(&w.env(), "life-rt").await;
    no_errors(&imported.diagnostics);
    let im = imported.new_state;
    for k in [
        "model_name",
        "endpoint_config_name",
        "instance_count",
        "environment",
        "model_data_url",
        "container",
        "tags",
        "tags_all",
        "model_id",
        "execution_role_arn",
    ] {
        assert_eq!(im.get(k), state.get(k), "imported {k}");
    }
    assert!(
        im.get("role_arn").is_null(),
        "our role is managed after import"
    );
    let replanned = w.plan(&im, &cfg3);
    assert_eq!(replanned.get("model_name"), state.get("model_name"));
    assert_eq!(
        replanned.get("endpoint_config_name"),
        state.get("endpoint_config_name")
    );

    // Destroy.
    let (_, r) = w.apply(&state, &Value::Null, &[]).await;
    no_errors(&r.diagnostics);
    assert!(r.new_state.is_null());
    empty(&sandbox).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_endpoint_gets_topics_and_loses_them_on_delete() {
    let (sandbox, clients) = start().await;
    let w = World {
        clients,
        cancel: Cancel::new(),
        defaults: BTreeMap::new(),
    };
    let a = Value::Object(BTreeMap::from([
        ("output_path".into(), s("s3://life-out/results/")),
        ("failure_path".into(), s("s3://life-out/failures/")),
        (
            "max_concurrent_invocations_per_instance".into(),
            Value::Null,
        ),
    ]));
    let cfg = set(&config("life-async"), "async_inference", a);
    let (planned, r) = w.apply(&Value::Null, &cfg, &[]).await;
    no_errors(&r.diagnostics);
    consistent(&planned, &r.new_state);
    let state = r.new_state;
    assert!(
        state
            .get("success_topic_arn")
            .as_str()
            .unwrap()
            .ends_with(":sm-life-async-async-success")
    );
    assert_eq!(
        sandbox
            .control()
            .inventory()
            .await
            .unwrap()
            .sns
            .topics
            .len(),
        2
    );

    // A topic deleted out of band: read notices, plan repairs, apply recreates.
    let arn = state.get("error_topic_arn").as_str().unwrap().to_string();
    w.clients
        .sns
        .delete_topic()
        .topic_arn(&arn)
        .send()
        .await
        .unwrap();
    let read = ce::read(&w.env(), &state, &[]).await;
    no_errors(&read.diagnostics);
    assert!(read.new_state.get("error_topic_arn").is_null());
    let (planned, r) = w.apply(&read.new_state, &cfg, &[]).await;
    assert!(planned.get("error_topic_arn").is_unknown());
    no_errors(&r.diagnostics);
    assert_eq!(r.new_state.get("error_topic_arn"), &s(&arn));
    assert_eq!(
        sandbox
            .control()
            .inventory()
            .await
            .unwrap()
            .sns
            .topics
            .len(),
        2
    );

    let (_, r) = w.apply(&r.new_state, &Value::Null, &[]).await;
    no_errors(&r.diagnostics);
    empty(&sandbox).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_keep_state_and_destroy_cleans_up() {
    let (sandbox, clients) = start().await;
    let w = World {
        clients,
        cancel: Cancel::new(),
        defaults: BTreeMap::new(),
    };
    // Missing model data: the endpoint fails; state names everything.
    let cfg = set(
        &config("life-fail"),
        "model_data_url",
        s("s3://life-models/missing/model.tar.gz"),
    );
    let (_, r) = w.apply(&Value::Null, &cfg, &[]).await;
    assert!(r.diagnostics.has_errors());
    let st = &r.new_state;
    assert!(st.is_wholly_known());
    assert_eq!(st.get("endpoint_status"), &s("Failed"));
    for k in [
        "model_arn",
        "endpoint_config_arn",
        "endpoint_arn",
        "execution_role_arn",
    ] {
        assert!(st.get(k).as_str().is_some(), "{k} recorded");
    }
    let read = ce::read(&w.env(), st, &r.private).await;
    assert!(!read.diagnostics.0.is_empty(), "a warning with the reason");
    let (_, r) = w.apply(st, &Value::Null, &r.private).await;
    no_errors(&r.diagnostics);
    empty(&sandbox).await;

    // Rollback: the new model data is missing; state keeps the live config.
    let cfg = config("life-rb");
    let (_, r) = w.apply(&Value::Null, &cfg, &[]).await;
    no_errors(&r.diagnostics);
    let good = r.new_state;
    let bad = set(
        &cfg,
        "model_data_url",
        s("s3://life-models/missing/model.tar.gz"),
    );
    let (_, r) = w.apply(&good, &bad, &[]).await;
    assert!(r.diagnostics.has_errors());
    assert_eq!(
        r.new_state.get("endpoint_config_name"),
        good.get("endpoint_config_name")
    );
    assert_eq!(
        r.new_state.get("model_data_url"),
        good.get("model_data_url")
    );
    let inv = sandbox.control().inventory().await.unwrap();
    assert_eq!(
        inv.sagemaker.endpoint_configs.len(),
        1,
        "the rolled-back config is deleted"
    );
    let (_, r) = w.apply(&r.new_state, &Value::Null, &r.private).await;
    no_errors(&r.diagnostics);
    empty(&sandbox).await;

    // Cancelled before the wait: state kept, destroy clean.
    let cancelled = World {
        clients: w.clients.clone(),
        cancel: Cancel::new(),
        defaults: BTreeMap::new(),
    };
    cancelled.cancel.cancel();
    let (_, r) = cancelled
        .apply(&Value::Null, &config("life-cancel"), &[])
        .await;
    assert!(r.diagnostics.has_errors());
    let (_, r) = w
        .apply(&r.new_state.clone(), &Value::Null, &r.private)
        .await;
    no_errors(&r.diagnostics);
    empty(&sandbox).await;
}
