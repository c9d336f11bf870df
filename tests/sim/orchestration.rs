//! The orchestration of `sagemaker_custom_endpoint` (create, in-place
//! update, the switch to a new configuration, autoscaling, refresh) and its
//! failure paths, without the sandbox: plan, apply and read run in-process
//! exactly as Terraform calls them (`World::plan` of tests/life_common, then
//! `ce::apply` / `ce::read`), with the real SDK clients on the scripted
//! in-memory AWS of `fake_aws`. Each test scripts the answers that matter
//! to it and then checks the returned state, private state and
//! diagnostics, and the AWS calls made: which, in which order, and which
//! not.
//!
//! Waits run on Tokio's paused clock (`start_paused`), so they cost no real
//! time. The SDK's retries are off (`RetryConfig::disabled()`) so that
//! every scripted answer is seen once and call counts are exact, except in
//! the refresh tests that are about what happens after the retries give up.
//!
//! The starting state of an update or refresh test comes from a create
//! through the same fake (`Sim::created`), with a given `role_arn` so the
//! tests need not script IAM; the create test itself uses the generated
//! role.

#[path = "../life_common/mod.rs"]
mod life_common;

use std::collections::BTreeMap;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use life_common::{World, config, consistent, no_errors, s, set};
use tfsm::resources::custom_endpoint::{self as ce, ApplyResult, Env};
use tfsm::tfplugin::Value;

use crate::fake_aws::{
    ACCOUNT, FakeAws, REGION, Reply, alarm_list, endpoint, endpoint_config, model, model_list,
    sm_arn, sm_not_found, tag_list,
};

/// A role the configuration supplies (`role_arn`): never touched.
const GIVEN_ROLE: &str = "arn:aws:iam::123456789012:role/given-sagemaker-role";
/// The model artifacts of `life_common::config`.
const DATA: &str = life_common::DATA;

/// One provider instance on a fresh fake.
struct Sim {
    fake: FakeAws,
    w: World,
}

impl Sim {
    fn new() -> Sim {
        Sim::with_retry(RetryConfig::disabled())
    }

    fn with_retry(retry: RetryConfig) -> Sim {
        let fake = FakeAws::new();
        let w = World::new(fake.clients(retry));
        Sim { fake, w }
    }

    fn env(&self) -> Env<'_> {
        Env {
            clients: &self.w.clients,
            shared: &self.w.shared,
            region: REGION,
            account_id: ACCOUNT,
            default_tags: &self.w.defaults,
            cancel: &self.w.cancel,
            // Small: no test here waits on IAM propagation.
            iam_propagation_bound: Duration::from_secs(2),
        }
    }

    /// Plans `config` over `prior` like Terraform, then applies the plan.
    async fn apply(&self, prior: &Value, config: &Value, private: &[u8]) -> (Value, ApplyResult) {
        let planned = self.w.plan(prior, config);
        let r = ce::apply(&self.env(), prior, &planned, config, private).await;
        (planned, r)
    }

    async fn read(&self, state: &Value, private: &[u8]) -> ApplyResult {
        ce::read(&self.env(), state, private).await
    }

    /// DescribeEndpoint as a create sees it: not found until CreateEndpoint,
    /// then `Creating` once, then `status` (with `reason`) on the config
    /// CreateEndpoint named.
    fn script_create_wait(&self, status: &'static str, reason: Option<&'static str>) {
        let f = self.fake.clone();
        self.fake.on("SageMaker.DescribeEndpoint", move |req| {
            let name = req.must("EndpointName");
            let calls = f.calls();
            let Some(created) = calls
                .iter()
                .rposition(|c| c.op == "SageMaker.CreateEndpoint")
            else {
                return sm_not_found("endpoint", &sm_arn("endpoint", name));
            };
            let config = calls[created].field("EndpointConfigName");
            let probes = calls[created..]
                .iter()
                .filter(|c| c.op == "SageMaker.DescribeEndpoint")
                .count();
            if probes <= 1 {
                endpoint(name, config, "Creating", None)
            } else {
                endpoint(name, config, status, reason)
            }
        });
    }

    /// A state made by a create of `config` through the fake; afterwards
    /// the fake is back to its standard answers, with no calls recorded.
    async fn created(&self, config: &Value) -> Value {
        self.script_create_wait("InService", None);
        let (planned, r) = self.apply(&Value::Null, config, &[]).await;
        no_errors(&r.diagnostics);
        consistent(&planned, &r.new_state);
        assert_eq!(r.new_state.get("endpoint_status"), &s("InService"));
        assert!(r.private.is_empty());
        self.fake.reset();
        r.new_state
    }

    /// SageMaker ListTags answers the tags this resource puts on the objects
    /// of `state`: its ownership mark everywhere, `modelId` on the model and
    /// the endpoint.
    fn script_own_tags(&self, state: &Value) {
        let text = |k: &str| state.get(k).as_str().expect(k).to_string();
        let (endpoint, owner, model_id) = (
            text("endpoint_name"),
            text("ownership_id"),
            text("model_id"),
        );
        self.fake.on("SageMaker.ListTags", move |req| {
            let arn = req.must("ResourceArn");
            let mut tags = BTreeMap::from([
                ("tfsm:endpoint".to_string(), endpoint.clone()),
                ("tfsm:owner".to_string(), owner.clone()),
            ]);
            if !arn.contains(":endpoint-config/") {
                tags.insert("modelId".into(), model_id.clone());
            }
            tag_list(&tags)
        });
    }

    /// DescribeEndpointConfig and ListModels / DescribeModel find exactly
    /// these configs (name, model) and models; everything else is missing.
    fn script_existing(&self, configs: &[(&str, &str)], models: &[&str], image: &str) {
        let configs: Vec<(String, String)> = configs
            .iter()
            .map(|(c, m)| (c.to_string(), m.to_string()))
            .collect();
        self.fake
            .on("SageMaker.DescribeEndpointConfig", move |req| {
                let name = req.must("EndpointConfigName");
                match configs.iter().find(|(c, _)| c == name) {
                    Some((c, m)) => endpoint_config(c, m, "ml.g5.xlarge", 1),
                    None => {
                        sm_not_found("endpoint configuration", &sm_arn("endpoint-config", name))
                    }
                }
            });
        let listed: Vec<String> = models.iter().map(|m| m.to_string()).collect();
        self.fake.on("SageMaker.ListModels", move |req| {
            let fragment = req.must("NameContains");
            let found: Vec<&str> = listed
                .iter()
                .filter(|m| m.contains(fragment))
                .map(String::as_str)
                .collect();
            model_list(&found)
        });
        let described: Vec<String> = models.iter().map(|m| m.to_string()).collect();
        let image = image.to_string();
        self.fake.on("SageMaker.DescribeModel", move |req| {
            let name = req.must("ModelName");
            if described.iter().any(|m| m == name) {
                let env = [("SAGEMAKER_REGION", REGION)];
                model(name, GIVEN_ROLE, &image, DATA, &env)
            } else {
                sm_not_found("model", &sm_arn("model", name))
            }
        });
    }

    /// Every endpoint config and model asked about exists (during an
    /// update: the old generation, and the new one once created).
    fn script_everything_exists(&self) {
        self.fake.on("SageMaker.DescribeEndpointConfig", |req| {
            endpoint_config(req.must("EndpointConfigName"), "m", "ml.g5.xlarge", 1)
        });
        self.fake.on("SageMaker.ListModels", |req| {
            model_list(&[req.must("NameContains")])
        });
    }

    /// Index of the first call of `op` with `field` = `value`; fails the
    /// test with the transcript when there is none.
    fn at(&self, op: &str, field: &str, value: &str) -> usize {
        self.fake.position(op, field, value).unwrap_or_else(|| {
            panic!(
                "no {op} with {field}={value}; calls:\n{}",
                self.fake.transcript()
            )
        })
    }

    /// The SageMaker and IAM deletes made, as `op name`.
    fn deletes(&self) -> Vec<String> {
        self.fake
            .calls()
            .iter()
            .filter(|c| c.op.contains(".Delete") || c.op.contains(".Deregister"))
            .map(|c| format!("{} {}", c.op, deleted_name(c)))
            .collect()
    }

    fn assert_all_scripted(&self) {
        assert!(
            self.fake.unscripted().is_empty(),
            "unscripted calls {:?}; calls:\n{}",
            self.fake.unscripted(),
            self.fake.transcript()
        );
    }
}

/// The name a delete call is about.
fn deleted_name(c: &crate::fake_aws::Call) -> String {
    [
        "ModelName",
        "EndpointConfigName",
        "EndpointName",
        "ResourceId",
        "RoleName",
    ]
    .iter()
    .map(|k| c.field(k))
    .find(|v| !v.is_empty())
    .unwrap_or_default()
    .to_string()
}

/// A real-time configuration with a given role.
fn base(name: &str) -> Value {
    set(&config(name), "role_arn", s(GIVEN_ROLE))
}

/// A change of the model: another environment, so a new model and config.
fn with_new_model(cfg: &Value) -> Value {
    let env = Value::Map(BTreeMap::from([("HF_TASK".into(), s("text-generation"))]));
    set(cfg, "environment", env)
}

fn autoscaling(min: i64, max: i64) -> Value {
    let mut m = BTreeMap::from([
        ("min_capacity".to_string(), Value::int(min)),
        ("max_capacity".to_string(), Value::int(max)),
    ]);
    for k in [
        "target_invocations_per_instance",
        "target_backlog_per_instance",
        "scale_in_cooldown",
        "scale_out_cooldown",
    ] {
        m.insert(k.to_string(), Value::Null);
    }
    Value::Object(m)
}

/// Blue/green all at once, watching `alarms`.
fn blue_green(alarms: &[&str]) -> Value {
    let mut bg = BTreeMap::from([("traffic_routing_type".to_string(), s("ALL_AT_ONCE"))]);
    for k in [
        "canary_size",
        "linear_step_size",
        "wait_interval_in_seconds",
        "termination_wait_in_seconds",
        "maximum_execution_timeout_in_seconds",
    ] {
        bg.insert(k.to_string(), Value::Null);
    }
    Value::Object(BTreeMap::from([
        ("blue_green".to_string(), Value::Object(bg)),
        ("rolling_update".to_string(), Value::Null),
        (
            "auto_rollback_alarms".to_string(),
            Value::List(alarms.iter().map(|a| s(a)).collect()),
        ),
    ]))
}

/// The (model, endpoint config) names a state records.
fn generation(st: &Value) -> (&str, &str) {
    (text(st, "model_name"), text(st, "endpoint_config_name"))
}

fn text<'a>(v: &'a Value, k: &str) -> &'a str {
    v.get(k).as_str().unwrap_or_else(|| panic!("{k} in {v:#?}"))
}

/// The pending cleanups of a private state (documented JSON format
/// `{"pending_cleanup":[{"kind":..,"name":..}]}`), as (kind, name).
fn pending(private: &[u8]) -> Vec<(String, String)> {
    if private.is_empty() {
        return Vec::new();
    }
    let v: serde_json::Value = serde_json::from_slice(private).expect("private state is JSON");
    v["pending_cleanup"]
        .as_array()
        .expect("pending_cleanup")
        .iter()
        .map(|p| {
            let f = |k: &str| p[k].as_str().expect(k).to_string();
            (f("kind"), f("name"))
        })
        .collect()
}

/// The one error diagnostic of `r`: (summary, detail).
fn the_error(r: &ApplyResult) -> (String, String) {
    let errors: Vec<_> = r
        .diagnostics
        .0
        .iter()
        .filter(|d| d.severity == tfsm::tfplugin::diag::Severity::Error)
        .collect();
    assert_eq!(errors.len(), 1, "{:#?}", r.diagnostics);
    (errors[0].summary.clone(), errors[0].detail.clone())
}

const HEALTH: &str = "The primary container for production variant AllTraffic did not pass the \
                      ping health check.";

// ---------------------------------------------------------------- create

#[tokio::test(start_paused = true)]
async fn create_makes_role_model_config_endpoint_in_order_then_waits() {
    let sim = Sim::new();
    sim.script_create_wait("InService", None);
    let (planned, r) = sim.apply(&Value::Null, &config("orch-create"), &[]).await;
    no_errors(&r.diagnostics);
    let st = &r.new_state;
    consistent(&planned, st);
    sim.assert_all_scripted();

    let role = "sm-orch-create-us-east-1";
    let role_arn = format!("arn:aws:iam::{ACCOUNT}:role/{role}");
    let (model_name, config_name) = generation(st);
    // The preflight found nothing under the names, then each object was
    // made from the one before it.
    let preflight = sim.at("IAM.GetRole", "RoleName", role);
    let create_role = sim.at("IAM.CreateRole", "RoleName", role);
    let policy = sim.at("IAM.PutRolePolicy", "RoleName", role);
    let create_model = sim.at("SageMaker.CreateModel", "ExecutionRoleArn", &role_arn);
    let create_config = sim.at(
        "SageMaker.CreateEndpointConfig",
        "EndpointConfigName",
        config_name,
    );
    let create_endpoint = sim.at(
        "SageMaker.CreateEndpoint",
        "EndpointConfigName",
        config_name,
    );
    assert!(
        preflight < create_role
            && create_role < policy
            && policy < create_model
            && create_model < create_config
            && create_config < create_endpoint,
        "{}",
        sim.fake.transcript()
    );
    let calls = sim.fake.calls();
    assert_eq!(calls[create_model].field("ModelName"), model_name);
    assert!(
        calls[create_config]
            .field("ProductionVariants")
            .contains(model_name)
    );
    // The wait probed after CreateEndpoint until InService.
    let probes = sim.fake.calls()[create_endpoint..]
        .iter()
        .filter(|c| c.op == "SageMaker.DescribeEndpoint")
        .count();
    assert_eq!(probes, 2, "Creating, then InService");
    assert!(sim.deletes().is_empty(), "{:?}", sim.deletes());

    assert_eq!(st.get("endpoint_status"), &s("InService"));
    assert_eq!(st.get("execution_role_arn"), &s(&role_arn));
    assert_eq!(st.get("model_arn"), &s(&sm_arn("model", model_name)));
    assert_eq!(
        st.get("endpoint_arn"),
        &s(&sm_arn("endpoint", "orch-create"))
    );
    assert!(r.private.is_empty());
}

#[tokio::test(start_paused = true)]
async fn create_whose_endpoint_fails_keeps_every_object_in_the_state() {
    let sim = Sim::new();
    sim.script_create_wait("Failed", Some(HEALTH));
    let (_, r) = sim.apply(&Value::Null, &base("orch-failed"), &[]).await;
    let (summary, detail) = the_error(&r);
    assert_eq!(summary, "endpoint orch-failed failed");
    assert!(detail.contains(HEALTH), "{detail}");
    let st = &r.new_state;
    assert_eq!(st.get("endpoint_status"), &s("Failed"));
    for attr in [
        "model_name",
        "model_arn",
        "endpoint_config_name",
        "endpoint_config_arn",
        "endpoint_arn",
    ] {
        assert!(st.get(attr).as_str().is_some(), "{attr} in {st:#?}");
    }
    assert!(sim.deletes().is_empty(), "{:?}", sim.deletes());
}

// ---------------------------------------------------------------- update

#[tokio::test(start_paused = true)]
async fn update_creates_switches_waits_then_deletes_the_old_generation() {
    let sim = Sim::new();
    let cfg = base("orch-up");
    let prior = sim.created(&cfg).await;
    let (old_model, old_config) = generation(&prior);

    let cfg2 = with_new_model(&cfg);
    let planned = sim.w.plan(&prior, &cfg2);
    // In service on the old config until UpdateEndpoint, then on the config
    // it asked for: Updating twice, then InService.
    sim.script_own_tags(&prior);
    let f = sim.fake.clone();
    let live = old_config.to_string();
    sim.fake.on("SageMaker.DescribeEndpoint", move |req| {
        let name = req.must("EndpointName");
        match f.last("SageMaker.UpdateEndpoint") {
            None => endpoint(name, &live, "InService", None),
            Some(u) => {
                let probes = f.count("SageMaker.DescribeEndpoint");
                let status = if probes < 4 { "Updating" } else { "InService" };
                endpoint(name, u.field("EndpointConfigName"), status, None)
            }
        }
    });
    sim.script_everything_exists();

    let r = ce::apply(&sim.env(), &prior, &planned, &cfg2, &[]).await;
    no_errors(&r.diagnostics);
    sim.assert_all_scripted();
    let st = &r.new_state;
    consistent(&planned, st);
    let (new_model, new_config) = generation(st);
    assert_ne!(new_model, old_model);
    assert_ne!(new_config, old_config);
    assert_eq!(st.get("model_arn"), &s(&sm_arn("model", new_model)));
    assert_eq!(
        st.get("endpoint_config_arn"),
        &s(&sm_arn("endpoint-config", new_config))
    );
    assert_eq!(st.get("endpoint_status"), &s("InService"));
    assert!(r.private.is_empty(), "{:?}", pending(&r.private));

    let created_model = sim.at("SageMaker.CreateModel", "ModelName", new_model);
    let created_config = sim.at(
        "SageMaker.CreateEndpointConfig",
        "EndpointConfigName",
        new_config,
    );
    let switched = sim.at("SageMaker.UpdateEndpoint", "EndpointConfigName", new_config);
    let in_service = sim.fake.calls()[..]
        .iter()
        .rposition(|c| c.op == "SageMaker.DescribeEndpoint")
        .unwrap();
    let config_gone = sim.at(
        "SageMaker.DeleteEndpointConfig",
        "EndpointConfigName",
        old_config,
    );
    let model_gone = sim.at("SageMaker.DeleteModel", "ModelName", old_model);
    assert!(
        created_model < created_config
            && created_config < switched
            && switched < in_service
            && in_service < config_gone
            && config_gone < model_gone,
        "{}",
        sim.fake.transcript()
    );
    assert_eq!(sim.fake.count("SageMaker.UpdateEndpoint"), 1);
    assert_eq!(
        sim.deletes(),
        [
            format!("SageMaker.DeleteEndpointConfig {old_config}"),
            format!("SageMaker.DeleteModel {old_model}"),
        ],
        "only the old generation is deleted"
    );
}

/// An update to `cfg2` whose switch SageMaker rolls back (Updating twice,
/// then InService on the old config with a FailureReason), from a created
/// endpoint `name`; `extra` adds scripts after the create. Returns the
/// prior state and the apply result.
async fn rolled_back_update(
    sim: &Sim,
    name: &str,
    cfg2: &Value,
    extra: impl FnOnce(&FakeAws),
) -> (Value, ApplyResult) {
    let prior = sim.created(&base(name)).await;
    let old_config = text(&prior, "endpoint_config_name").to_string();
    sim.script_own_tags(&prior);
    sim.fake.seq(
        "SageMaker.DescribeEndpoint",
        vec![
            endpoint(name, &old_config, "InService", None),
            endpoint(name, "pending-new", "Updating", None),
            endpoint(name, "pending-new", "Updating", None),
            endpoint(name, &old_config, "InService", Some(HEALTH)),
        ],
    );
    sim.script_everything_exists();
    extra(&sim.fake);
    let (_, r) = sim.apply(&prior, cfg2, &[]).await;
    (prior, r)
}

/// The (model, config) names the update created.
fn new_names(fake: &FakeAws) -> (String, String) {
    let m = fake.last("SageMaker.CreateModel").expect("CreateModel");
    let c = fake
        .last("SageMaker.CreateEndpointConfig")
        .expect("CreateEndpointConfig");
    (
        m.field("ModelName").to_string(),
        c.field("EndpointConfigName").to_string(),
    )
}

#[tokio::test(start_paused = true)]
async fn update_rolled_back_keeps_the_live_config_and_deletes_the_unused_objects() {
    let sim = Sim::new();
    let cfg2 = with_new_model(&base("orch-rb"));
    let (prior, r) = rolled_back_update(&sim, "orch-rb", &cfg2, |_| {}).await;
    let (old_model, old_config) = generation(&prior);
    sim.assert_all_scripted();

    let (summary, detail) = the_error(&r);
    assert_eq!(summary, "Endpoint update rolled back");
    assert!(detail.contains(old_config), "{detail}");
    assert!(
        detail.contains("did not pass the ping health check"),
        "{detail}"
    );

    // The state is the configuration really in service.
    let st = &r.new_state;
    assert_eq!(st.get("endpoint_config_name"), &s(old_config));
    assert_eq!(st.get("model_name"), &s(old_model));
    assert_eq!(st.get("endpoint_status"), &s("InService"));
    assert_eq!(st.get("environment"), prior.get("environment"));

    // The unused new objects were deleted once the rollback was seen (the
    // fourth DescribeEndpoint), the old ones left alone.
    let (new_model, new_config) = new_names(&sim.fake);
    assert_eq!(
        sim.deletes(),
        [
            format!("SageMaker.DeleteModel {new_model}"),
            format!("SageMaker.DeleteEndpointConfig {new_config}"),
        ]
    );
    assert_eq!(sim.fake.count("SageMaker.DescribeEndpoint"), 4);
    let probes = sim.fake.ops();
    let last_probe = probes
        .iter()
        .rposition(|op| op == "SageMaker.DescribeEndpoint")
        .unwrap();
    assert!(last_probe < sim.at("SageMaker.DeleteModel", "ModelName", &new_model));
    assert!(r.private.is_empty(), "{:?}", pending(&r.private));
}

#[tokio::test(start_paused = true)]
async fn update_rolled_back_whose_cleanup_fails_keeps_the_new_model_pending() {
    let sim = Sim::new();
    let cfg2 = with_new_model(&base("orch-rb2"));
    let (prior, r) = rolled_back_update(&sim, "orch-rb2", &cfg2, |f| {
        f.fail(
            "SageMaker.DeleteModel",
            500,
            "InternalFailure",
            "We encountered an internal error. Please try again.",
        )
    })
    .await;
    let (summary, _) = the_error(&r);
    assert_eq!(summary, "Endpoint update rolled back");
    let (new_model, new_config) = new_names(&sim.fake);
    assert_eq!(sim.fake.count("SageMaker.DeleteModel"), 1);
    // The config still went; only the model is left.
    sim.at(
        "SageMaker.DeleteEndpointConfig",
        "EndpointConfigName",
        &new_config,
    );
    assert_eq!(
        pending(&r.private),
        [("model".to_string(), new_model.clone())],
        "the model that could not be deleted is kept for the next apply"
    );
    assert_eq!(
        r.new_state.get("endpoint_config_name"),
        prior.get("endpoint_config_name")
    );
    assert_eq!(r.new_state.get("model_name"), prior.get("model_name"));
}

#[tokio::test(start_paused = true)]
async fn update_rollback_names_the_rollback_alarm_in_alarm_state() {
    let sim = Sim::new();
    let cfg2 = set(
        &with_new_model(&base("orch-alarm")),
        "deployment_config",
        blue_green(&["latency-high", "errors-high"]),
    );
    let (_, r) = rolled_back_update(&sim, "orch-alarm", &cfg2, |f| {
        f.on("CloudWatch.DescribeAlarms", |req| {
            let name = req.body["AlarmNames"][0].as_str().unwrap_or_default();
            let state = if name == "latency-high" {
                "ALARM"
            } else {
                "OK"
            };
            alarm_list(&[(name, state)])
        })
    })
    .await;
    sim.assert_all_scripted();
    let (summary, detail) = the_error(&r);
    assert_eq!(summary, "Endpoint update rolled back");
    assert!(
        detail.contains("auto-rollback alarm in ALARM state: latency-high"),
        "{detail}"
    );
    assert!(!detail.contains("errors-high"), "{detail}");
    // The rollout asked SageMaker to watch both alarms.
    let update = sim.fake.last("SageMaker.UpdateEndpoint").unwrap();
    let deployment = update.field("DeploymentConfig");
    for want in ["latency-high", "errors-high", "ALL_AT_ONCE"] {
        assert!(deployment.contains(want), "{deployment}");
    }
    let asked: Vec<String> = sim
        .fake
        .calls_to("CloudWatch.DescribeAlarms")
        .iter()
        .map(|c| c.field("AlarmNames").to_string())
        .collect();
    assert_eq!(asked, ["latency-high", "errors-high"]);
}

#[tokio::test(start_paused = true)]
async fn update_that_ends_failed_keeps_both_generations_pending() {
    let sim = Sim::new();
    let cfg = base("orch-fail");
    let prior = sim.created(&cfg).await;
    let (old_model, old_config) = generation(&prior);
    sim.script_own_tags(&prior);
    sim.fake.seq(
        "SageMaker.DescribeEndpoint",
        vec![
            endpoint("orch-fail", old_config, "InService", None),
            endpoint("orch-fail", "new", "Updating", None),
            endpoint("orch-fail", "new", "Failed", Some(HEALTH)),
        ],
    );
    let (_, r) = sim.apply(&prior, &with_new_model(&cfg), &[]).await;
    sim.assert_all_scripted();
    let (summary, detail) = the_error(&r);
    assert_eq!(summary, "endpoint orch-fail failed");
    assert!(detail.contains(HEALTH), "{detail}");
    assert!(detail.contains("wait for endpoint orch-fail"), "{detail}");

    // Either generation may be what serves: nothing is deleted, the state
    // keeps the old one (Failed), and every object is kept for cleanup.
    assert!(sim.deletes().is_empty(), "{:?}", sim.deletes());
    let st = &r.new_state;
    assert_eq!(st.get("endpoint_status"), &s("Failed"));
    assert_eq!(st.get("endpoint_config_name"), &s(old_config));
    assert_eq!(st.get("model_name"), &s(old_model));
    let (new_model, new_config) = new_names(&sim.fake);
    let mut got = pending(&r.private);
    got.sort();
    let mut want = vec![
        ("endpoint_config".to_string(), new_config),
        ("endpoint_config".to_string(), old_config.to_string()),
        ("model".to_string(), new_model),
        ("model".to_string(), old_model.to_string()),
    ];
    want.sort();
    assert_eq!(got, want);
}

#[tokio::test(start_paused = true)]
async fn update_whose_new_config_is_refused_changes_nothing_live() {
    let sim = Sim::new();
    let cfg = base("orch-refused");
    let prior = sim.created(&cfg).await;
    let refusal = "The account-level service limit 'Number of endpoint configs' is 1000 Endpoint \
                   Configs, with current utilization of 1000 Endpoint Configs.";
    sim.fake.fail(
        "SageMaker.CreateEndpointConfig",
        400,
        "ResourceLimitExceeded",
        refusal,
    );
    let (_, r) = sim.apply(&prior, &with_new_model(&cfg), &[]).await;
    sim.assert_all_scripted();
    let (new_model, new_config) = new_names(&sim.fake);
    let (summary, detail) = the_error(&r);
    assert_eq!(
        summary,
        format!("Failed to create the endpoint configuration {new_config}")
    );
    assert_eq!(
        detail,
        format!("AWS CreateEndpointConfig returned ResourceLimitExceeded: {refusal}")
    );
    assert_eq!(r.new_state, prior, "the state still names the live objects");
    assert_eq!(sim.fake.count("SageMaker.UpdateEndpoint"), 0);
    assert!(sim.deletes().is_empty(), "{:?}", sim.deletes());
    // The new model is tracked for cleanup, and so is the refused config
    // (remembered before the call: a create whose answer is lost may still
    // have happened).
    assert_eq!(
        pending(&r.private),
        [
            ("endpoint_config".to_string(), new_config),
            ("model".to_string(), new_model),
        ]
    );
    assert_eq!(
        sim.fake.ops(),
        ["SageMaker.CreateModel", "SageMaker.CreateEndpointConfig"],
        "{}",
        sim.fake.transcript()
    );
}

#[tokio::test(start_paused = true)]
async fn update_waits_for_a_busy_endpoint_before_switching() {
    let sim = Sim::new();
    let cfg = base("orch-busy");
    let prior = sim.created(&cfg).await;
    let old_config = text(&prior, "endpoint_config_name").to_string();
    sim.script_own_tags(&prior);
    // An earlier update is still running on the endpoint; then it settles
    // and this update's switch goes through.
    sim.fake.seq(
        "SageMaker.DescribeEndpoint",
        vec![
            endpoint("orch-busy", &old_config, "Updating", None),
            endpoint("orch-busy", &old_config, "Updating", None),
            endpoint("orch-busy", &old_config, "InService", None),
            endpoint("orch-busy", "next", "Updating", None),
        ],
    );
    let f = sim.fake.clone();
    sim.fake.on("SageMaker.UpdateEndpoint", move |req| {
        let name = req.must("EndpointName");
        let config = req.must("EndpointConfigName");
        f.answer(
            "SageMaker.DescribeEndpoint",
            endpoint(name, config, "InService", None),
        );
        Reply::Json(serde_json::json!({"EndpointArn": sm_arn("endpoint", name)}))
    });
    let cfg2 = set(&cfg, "instance_count", Value::int(2));
    let (_, r) = sim.apply(&prior, &cfg2, &[]).await;
    no_errors(&r.diagnostics);
    let update = sim
        .fake
        .position("SageMaker.UpdateEndpoint", "EndpointName", "orch-busy");
    let ops = sim.fake.ops();
    let settled = ops
        .iter()
        .enumerate()
        .filter(|(_, op)| *op == "SageMaker.DescribeEndpoint")
        .nth(2)
        .map(|(i, _)| i);
    assert!(
        update.is_some() && settled < update,
        "UpdateEndpoint only after the endpoint settled:\n{}",
        sim.fake.transcript()
    );
    assert_eq!(r.new_state.get("instance_count"), &Value::int(2));
    // A variant change: a new config of the same model.
    assert_eq!(r.new_state.get("model_name"), prior.get("model_name"));
    assert_eq!(sim.fake.count("SageMaker.CreateModel"), 0);
}

// ---------------------------------------------------------------- scaling

#[tokio::test(start_paused = true)]
async fn create_whose_scaling_policy_fails_keeps_the_registered_target() {
    let sim = Sim::new();
    sim.script_create_wait("InService", None);
    sim.fake.fail(
        "AutoScaling.PutScalingPolicy",
        400,
        "LimitExceededException",
        "Too many scaling policies",
    );
    let cfg = set(&base("orch-scale"), "autoscaling", autoscaling(1, 3));
    let (_, r) = sim.apply(&Value::Null, &cfg, &[]).await;
    sim.assert_all_scripted();
    let (summary, detail) = the_error(&r);
    assert_eq!(
        summary,
        "Failed to put the scaling policy sm-orch-scale-target-tracking"
    );
    assert_eq!(
        detail,
        "AWS PutScalingPolicy returned LimitExceededException: Too many scaling policies"
    );
    let resource = "endpoint/orch-scale/variant/AllTraffic";
    let register = sim.at("AutoScaling.RegisterScalableTarget", "ResourceId", resource);
    let calls = sim.fake.calls();
    assert_eq!(calls[register].field("MinCapacity"), "1");
    assert_eq!(calls[register].field("MaxCapacity"), "3");
    assert!(register > sim.at("SageMaker.CreateEndpoint", "EndpointName", "orch-scale"));
    let st = &r.new_state;
    assert_eq!(st.get("scalable_target_resource_id"), &s(resource));
    assert_eq!(st.get("scaling_policy_names"), &Value::List(vec![]));
    assert_eq!(st.get("endpoint_status"), &s("InService"));
    assert!(sim.deletes().is_empty(), "{:?}", sim.deletes());
}

// An update without a new config returns the prior state (`live`) when the
// scaling step fails; that state must still list the target
// RegisterScalableTarget just made, or a destroy would leave it registered
// (found by this test; fixed in update.rs).
#[tokio::test(start_paused = true)]
async fn update_whose_scaling_policy_fails_keeps_the_registered_target() {
    let sim = Sim::new();
    let cfg = base("orch-scale2");
    let prior = sim.created(&cfg).await;
    sim.script_own_tags(&prior);
    sim.fake.fail(
        "AutoScaling.PutScalingPolicy",
        400,
        "LimitExceededException",
        "Too many scaling policies",
    );
    let cfg2 = set(&cfg, "autoscaling", autoscaling(1, 3));
    let (_, r) = sim.apply(&prior, &cfg2, &[]).await;
    sim.assert_all_scripted();
    let (summary, _) = the_error(&r);
    assert_eq!(
        summary,
        "Failed to put the scaling policy sm-orch-scale2-target-tracking"
    );
    let resource = "endpoint/orch-scale2/variant/AllTraffic";
    sim.at("AutoScaling.RegisterScalableTarget", "ResourceId", resource);
    assert_eq!(
        r.new_state.get("scalable_target_resource_id"),
        &s(resource),
        "the registered target must be in the state, or nothing tracks it"
    );
}

// ---------------------------------------------------------------- refresh

#[tokio::test(start_paused = true)]
async fn refresh_of_an_unchanged_endpoint_changes_nothing() {
    let sim = Sim::new();
    let prior = sim.created(&base("orch-same")).await;
    sim.script_own_tags(&prior);
    sim.answer_live(&prior);
    let r = sim.read(&prior, &[]).await;
    no_errors(&r.diagnostics);
    sim.assert_all_scripted();
    assert_eq!(r.new_state, prior);
    assert!(r.private.is_empty());
    assert!(sim.deletes().is_empty());
}

impl Sim {
    /// DescribeEndpoint: InService on the config `state` names.
    fn answer_live(&self, state: &Value) {
        let (name, config) = (
            text(state, "endpoint_name"),
            text(state, "endpoint_config_name"),
        );
        self.fake.answer(
            "SageMaker.DescribeEndpoint",
            endpoint(name, config, "InService", None),
        );
    }
}

#[tokio::test(start_paused = true)]
async fn refresh_of_a_vanished_endpoint_drops_the_resource() {
    let sim = Sim::new();
    let prior = sim.created(&base("orch-gone")).await;
    // The fake's standard answers: DescribeEndpoint is a ValidationException
    // "Could not find endpoint ...", and nothing else exists either.
    let r = sim.read(&prior, &[]).await;
    no_errors(&r.diagnostics);
    assert!(r.new_state.is_null(), "{:#?}", r.new_state);
    assert_eq!(
        sim.fake.ops(),
        [
            "SageMaker.DescribeEndpoint",
            "SageMaker.ListModels",
            "SageMaker.DescribeEndpointConfig"
        ],
        "it checked that nothing the state names is left"
    );
}

#[tokio::test(start_paused = true)]
async fn refresh_of_a_vanished_endpoint_keeps_tracking_what_is_left() {
    let sim = Sim::new();
    let prior = sim.created(&base("orch-left")).await;
    let model_name = text(&prior, "model_name");
    sim.script_existing(&[], &[model_name], "unused");
    let r = sim.read(&prior, &[]).await;
    no_errors(&r.diagnostics);
    let st = &r.new_state;
    assert_eq!(st.get("model_name"), &s(model_name));
    assert_eq!(st.get("model_arn"), prior.get("model_arn"));
    for attr in ["endpoint_arn", "endpoint_status", "invoke_policy_json"] {
        assert!(st.get(attr).is_null(), "{attr}: {:?}", st.get(attr));
    }
    assert!(sim.deletes().is_empty());
}

#[tokio::test(start_paused = true)]
async fn refresh_failing_beyond_the_sdk_retries_keeps_the_state() {
    for (status, code, message) in [
        (400, "ThrottlingException", "Rate exceeded"),
        (500, "InternalFailure", "We encountered an internal error."),
    ] {
        // The SDK's standard retries, three attempts; the backoff sleeps are
        // free on the paused clock.
        let sim = Sim::with_retry(RetryConfig::standard().with_max_attempts(3));
        let prior = sim.created(&base("orch-busy-api")).await;
        sim.fake
            .fail("SageMaker.DescribeEndpoint", status, code, message);
        let r = sim.read(&prior, &[]).await;
        let (summary, detail) = the_error(&r);
        assert_eq!(summary, "Failed to read the endpoint orch-busy-api");
        assert_eq!(
            detail,
            format!("AWS DescribeEndpoint returned {code}: {message}")
        );
        assert_eq!(
            r.new_state, prior,
            "{code}: the state is returned unchanged"
        );
        assert_eq!(
            sim.fake.ops(),
            ["SageMaker.DescribeEndpoint"; 3],
            "{code}: three attempts, then nothing else"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn refresh_denied_keeps_the_state_without_retrying() {
    let sim = Sim::with_retry(RetryConfig::standard().with_max_attempts(3));
    let prior = sim.created(&base("orch-denied")).await;
    let denied = "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: \
                  sagemaker:DescribeEndpoint on resource: \
                  arn:aws:sagemaker:us-east-1:123456789012:endpoint/orch-denied";
    sim.fake.fail(
        "SageMaker.DescribeEndpoint",
        400,
        "AccessDeniedException",
        denied,
    );
    let r = sim.read(&prior, &[]).await;
    let (summary, detail) = the_error(&r);
    assert_eq!(summary, "Failed to read the endpoint orch-denied");
    assert!(detail.ends_with(denied), "{detail}");
    assert_eq!(r.new_state, prior);
    assert_eq!(sim.fake.ops(), ["SageMaker.DescribeEndpoint"]);
}

#[tokio::test(start_paused = true)]
async fn refresh_follows_an_endpoint_switched_out_of_band() {
    let sim = Sim::new();
    let prior = sim.created(&base("orch-oob")).await;
    let (model_name, old_config) = generation(&prior);
    sim.script_own_tags(&prior);
    sim.script_existing(&[], &[model_name], text(&prior, "image_uri"));
    // Someone moved the endpoint to another config of the same model, with
    // a bigger instance and two instances.
    let mn = model_name.to_string();
    sim.fake.on("SageMaker.DescribeEndpointConfig", move |req| {
        let name = req.must("EndpointConfigName");
        if name == "hand-made" {
            endpoint_config(name, &mn, "ml.g5.2xlarge", 2)
        } else {
            sm_not_found("endpoint configuration", &sm_arn("endpoint-config", name))
        }
    });
    sim.fake.answer(
        "SageMaker.DescribeEndpoint",
        endpoint("orch-oob", "hand-made", "InService", None),
    );
    let r = sim.read(&prior, &[]).await;
    no_errors(&r.diagnostics);
    sim.assert_all_scripted();
    let st = &r.new_state;
    assert_eq!(st.get("endpoint_config_name"), &s("hand-made"));
    assert_eq!(
        st.get("endpoint_config_arn"),
        &s(&sm_arn("endpoint-config", "hand-made"))
    );
    assert_eq!(st.get("instance_type"), &s("ml.g5.2xlarge"));
    assert_eq!(st.get("instance_count"), &Value::int(2));
    assert_eq!(st.get("model_name"), &s(model_name));
    assert_eq!(st.get("model_arn"), prior.get("model_arn"));
    // What the state named before is out of service: cleaned up by the
    // next apply, never by a refresh.
    assert_eq!(
        pending(&r.private),
        [("endpoint_config".to_string(), old_config.to_string())]
    );
    assert!(sim.deletes().is_empty(), "{:?}", sim.deletes());
}

/// DescribeScalableTargets answers with a registered target on `resource`.
fn registered_target(resource: &str) -> Reply {
    Reply::Json(serde_json::json!({
        "ScalableTargets": [{
            "ServiceNamespace": "sagemaker",
            "ResourceId": resource,
            "ScalableDimension": "sagemaker:variant:DesiredInstanceCount",
            "MinCapacity": 1,
            "MaxCapacity": 2,
            "RoleARN": format!("arn:aws:iam::{ACCOUNT}:role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint"),
            "CreationTime": 1_700_000_000.0
        }]
    }))
}

// Another tool (the CDK construct, say) registered the variant: turning
// `autoscaling` on stops before any write, naming the target.
#[tokio::test(start_paused = true)]
async fn update_adding_autoscaling_refuses_a_target_of_another_tool() {
    let sim = Sim::new();
    let cfg = base("orch-theirs");
    let prior = sim.created(&cfg).await;
    sim.script_own_tags(&prior);
    let resource = "endpoint/orch-theirs/variant/AllTraffic";
    sim.fake.answer(
        "AutoScaling.DescribeScalableTargets",
        registered_target(resource),
    );
    sim.fake.clear_calls();
    let cfg2 = set(&cfg, "autoscaling", autoscaling(1, 3));
    let (_, r) = sim.apply(&prior, &cfg2, &[]).await;
    let (summary, detail) = the_error(&r);
    assert_eq!(
        summary,
        "Endpoint orch-theirs is already scaled by something else"
    );
    assert!(detail.contains(resource), "{detail}");
    let writes: Vec<String> = sim
        .fake
        .ops()
        .into_iter()
        .filter(|o| {
            let op = o.split('.').nth(1).unwrap_or_default();
            !["Describe", "List", "Get"]
                .iter()
                .any(|p| op.starts_with(p))
        })
        .collect();
    assert!(writes.is_empty(), "the refused update wrote: {writes:?}");
    assert!(r.new_state.get("scalable_target_resource_id").is_null());
}

// A target the state lists is this resource's own, even without its
// policies (a removal that stopped after deleting them): turning
// `autoscaling` on again registers and puts the policy, no refusal.
#[tokio::test(start_paused = true)]
async fn update_adding_autoscaling_keeps_a_target_the_state_lists() {
    let sim = Sim::new();
    let cfg = base("orch-mine");
    let resource = "endpoint/orch-mine/variant/AllTraffic";
    let prior = set(
        &sim.created(&cfg).await,
        "scalable_target_resource_id",
        s(resource),
    );
    sim.script_own_tags(&prior);
    sim.fake.answer(
        "AutoScaling.DescribeScalableTargets",
        registered_target(resource),
    );
    let cfg2 = set(&cfg, "autoscaling", autoscaling(1, 3));
    let (_, r) = sim.apply(&prior, &cfg2, &[]).await;
    no_errors(&r.diagnostics);
    sim.at("AutoScaling.RegisterScalableTarget", "ResourceId", resource);
    assert_eq!(sim.fake.count("AutoScaling.PutScalingPolicy"), 1);
    assert_eq!(r.new_state.get("scalable_target_resource_id"), &s(resource));
}
