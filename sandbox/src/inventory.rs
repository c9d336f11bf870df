//! The inventory: every object that exists in the emulated SageMaker and in moto, as plain
//! lists of names, plus an `empty` flag for zero-orphan checks (seeded S3 content excluded).

use hyper::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::app::App;
use crate::error::SandboxError;
use crate::{sagemaker, xml};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SageMakerInventory {
    pub models: Vec<String>,
    pub endpoint_configs: Vec<String>,
    /// Endpoint names (including ones still Deleting).
    pub endpoints: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct IamInventory {
    pub roles: Vec<String>,
    /// Inline role policies as `role/policy`.
    pub role_policies: Vec<String>,
    /// Attached managed policies as `role -> policy-arn`.
    pub attached_role_policies: Vec<String>,
    /// Customer managed policy ARNs.
    pub policies: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SnsInventory {
    pub topics: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct S3Inventory {
    pub buckets: Vec<String>,
    /// Every object as `s3://bucket/key` (seeded ones included).
    pub objects: Vec<String>,
    /// The seeded objects as `s3://bucket/key`.
    pub seeded: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AutoScalingInventory {
    /// `namespace:resource-id:dimension`, e.g. `sagemaker:endpoint/e/variant/v:sagemaker:variant:DesiredInstanceCount`.
    pub scalable_targets: Vec<String>,
    /// `resource-id:policy-name`.
    pub scaling_policies: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CloudWatchInventory {
    pub alarms: Vec<String>,
}

/// Everything that exists, sorted lists per kind.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Inventory {
    pub sagemaker: SageMakerInventory,
    pub iam: IamInventory,
    pub sns: SnsInventory,
    pub s3: S3Inventory,
    pub application_autoscaling: AutoScalingInventory,
    pub cloudwatch: CloudWatchInventory,
    /// Regions that were scanned for regional services.
    pub regions: Vec<String>,
    /// True when nothing exists apart from seeded S3 objects and their buckets.
    pub empty: bool,
}

impl Inventory {
    /// Recomputes [`Inventory::empty`].
    pub fn compute_empty(&mut self, seeded_buckets: &[String]) {
        let s3_extra_buckets = self.s3.buckets.iter().any(|b| !seeded_buckets.contains(b));
        let s3_extra_objects = self.s3.objects.iter().any(|o| !self.s3.seeded.contains(o));
        self.empty = self.sagemaker.models.is_empty()
            && self.sagemaker.endpoint_configs.is_empty()
            && self.sagemaker.endpoints.is_empty()
            && self.iam.roles.is_empty()
            && self.iam.role_policies.is_empty()
            && self.iam.attached_role_policies.is_empty()
            && self.iam.policies.is_empty()
            && self.sns.topics.is_empty()
            && !s3_extra_buckets
            && !s3_extra_objects
            && self.application_autoscaling.scalable_targets.is_empty()
            && self.application_autoscaling.scaling_policies.is_empty()
            && self.cloudwatch.alarms.is_empty();
    }
}

fn strings(v: &Value, field: &str) -> Vec<String> {
    v.get(field)
        .and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn check(r: &crate::moto::MotoResponse, what: &str) -> Result<(), SandboxError> {
    if r.ok() {
        Ok(())
    } else {
        Err(SandboxError::Moto(format!(
            "{what}: HTTP {} {}",
            r.status,
            r.text()
        )))
    }
}

async fn iam(app: &App) -> Result<IamInventory, SandboxError> {
    let m = &app.moto;
    let region = crate::DEFAULT_REGION;
    let mut inv = IamInventory::default();
    let r = m
        .query(
            "iam",
            region,
            "2010-05-08",
            &[("Action", "ListRoles"), ("MaxItems", "1000")],
        )
        .await?;
    check(&r, "ListRoles")?;
    let roles = r.json()["ListRolesResponse"]["ListRolesResult"]["Roles"].clone();
    for role in roles.as_array().cloned().unwrap_or_default() {
        let Some(name) = role.get("RoleName").and_then(Value::as_str) else {
            continue;
        };
        inv.roles.push(name.to_string());
        let p = [
            ("Action", "ListRolePolicies"),
            ("RoleName", name),
            ("MaxItems", "1000"),
        ];
        let r = m.query("iam", region, "2010-05-08", &p).await?;
        check(&r, "ListRolePolicies")?;
        let names = strings(
            &r.json()["ListRolePoliciesResponse"]["ListRolePoliciesResult"],
            "PolicyNames",
        );
        inv.role_policies
            .extend(names.into_iter().map(|p| format!("{name}/{p}")));
        let p = [
            ("Action", "ListAttachedRolePolicies"),
            ("RoleName", name),
            ("MaxItems", "1000"),
        ];
        let r = m.query("iam", region, "2010-05-08", &p).await?;
        check(&r, "ListAttachedRolePolicies")?;
        let attached = r.json()["ListAttachedRolePoliciesResponse"]["ListAttachedRolePoliciesResult"]["AttachedPolicies"].clone();
        for a in attached.as_array().cloned().unwrap_or_default() {
            if let Some(arn) = a.get("PolicyArn").and_then(Value::as_str) {
                inv.attached_role_policies.push(format!("{name} -> {arn}"));
            }
        }
    }
    let p = [
        ("Action", "ListPolicies"),
        ("Scope", "Local"),
        ("MaxItems", "1000"),
    ];
    let r = m.query("iam", region, "2010-05-08", &p).await?;
    check(&r, "ListPolicies")?;
    let policies = r.json()["ListPoliciesResponse"]["ListPoliciesResult"]["Policies"].clone();
    inv.policies = policies
        .as_array()
        .map(|l| {
            l.iter()
                .filter_map(|p| p.get("Arn").and_then(Value::as_str).map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    Ok(inv)
}

async fn sns(app: &App, region: &str, out: &mut SnsInventory) -> Result<(), SandboxError> {
    let mut token: Option<String> = None;
    loop {
        let mut p = vec![("Action", "ListTopics")];
        if let Some(t) = &token {
            p.push(("NextToken", t.as_str()));
        }
        let r = app.moto.query("sns", region, "2010-03-31", &p).await?;
        check(&r, "ListTopics")?;
        let res = r.json()["ListTopicsResponse"]["ListTopicsResult"].clone();
        for t in res["Topics"].as_array().cloned().unwrap_or_default() {
            if let Some(arn) = t.get("TopicArn").and_then(Value::as_str) {
                out.topics.push(arn.to_string());
            }
        }
        token = res
            .get("NextToken")
            .and_then(Value::as_str)
            .map(str::to_string);
        if token.is_none() {
            return Ok(());
        }
    }
}

async fn s3(app: &App) -> Result<S3Inventory, SandboxError> {
    let m = &app.moto;
    let region = crate::DEFAULT_REGION;
    let mut inv = S3Inventory::default();
    let r = m
        .call(Method::GET, "/", "s3", region, &[], Vec::new())
        .await?;
    check(&r, "ListBuckets")?;
    inv.buckets = xml::tag_values(&r.text(), "Name");
    for b in &inv.buckets {
        let mut token: Option<String> = None;
        loop {
            let query = {
                let mut q = form_urlencoded::Serializer::new(String::new());
                q.append_pair("list-type", "2");
                if let Some(t) = &token {
                    q.append_pair("continuation-token", t);
                }
                q.finish()
            };
            let r = m
                .call(
                    Method::GET,
                    &format!("/{b}?{query}"),
                    "s3",
                    region,
                    &[],
                    Vec::new(),
                )
                .await?;
            check(&r, "ListObjectsV2")?;
            let text = r.text();
            inv.objects.extend(
                xml::tag_values(&text, "Key")
                    .into_iter()
                    .map(|k| format!("s3://{b}/{k}")),
            );
            token = xml::first(&text, "NextContinuationToken");
            if xml::first(&text, "IsTruncated").as_deref() != Some("true") || token.is_none() {
                break;
            }
        }
    }
    Ok(inv)
}

async fn autoscaling(
    app: &App,
    region: &str,
    out: &mut AutoScalingInventory,
) -> Result<(), SandboxError> {
    for (target, field) in [
        (
            "AnyScaleFrontendService.DescribeScalableTargets",
            "ScalableTargets",
        ),
        (
            "AnyScaleFrontendService.DescribeScalingPolicies",
            "ScalingPolicies",
        ),
    ] {
        let mut token: Option<String> = None;
        loop {
            let mut body = json!({"ServiceNamespace": "sagemaker"});
            if let Some(t) = &token {
                body["NextToken"] = json!(t);
            }
            let r = app
                .moto
                .json("application-autoscaling", region, target, "1.1", &body)
                .await?;
            check(&r, target)?;
            let v = r.json();
            for item in v[field].as_array().cloned().unwrap_or_default() {
                let s = |k: &str| {
                    item.get(k)
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string()
                };
                if field == "ScalableTargets" {
                    out.scalable_targets.push(format!(
                        "{}:{}:{}",
                        s("ServiceNamespace"),
                        s("ResourceId"),
                        s("ScalableDimension")
                    ));
                } else {
                    out.scaling_policies
                        .push(format!("{}:{}", s("ResourceId"), s("PolicyName")));
                }
            }
            token = v
                .get("NextToken")
                .and_then(Value::as_str)
                .map(str::to_string);
            if token.is_none() {
                break;
            }
        }
    }
    Ok(())
}

async fn cloudwatch(
    app: &App,
    region: &str,
    out: &mut CloudWatchInventory,
) -> Result<(), SandboxError> {
    let mut token: Option<String> = None;
    loop {
        let mut body = json!({"AlarmTypes": ["MetricAlarm", "CompositeAlarm"]});
        if let Some(t) = &token {
            body["NextToken"] = json!(t);
        }
        let target = "GraniteServiceVersion20100801.DescribeAlarms";
        let r = app
            .moto
            .json("monitoring", region, target, "1.0", &body)
            .await?;
        check(&r, "DescribeAlarms")?;
        let v = r.json();
        for kind in ["MetricAlarms", "CompositeAlarms"] {
            for a in v[kind].as_array().cloned().unwrap_or_default() {
                if let Some(n) = a.get("AlarmName").and_then(Value::as_str) {
                    out.alarms.push(n.to_string());
                }
            }
        }
        token = v
            .get("NextToken")
            .and_then(Value::as_str)
            .map(str::to_string);
        if token.is_none() {
            return Ok(());
        }
    }
}

/// Collects the inventory (SageMaker from memory, the rest from moto).
pub async fn collect(app: &App) -> Result<Inventory, SandboxError> {
    let mut inv = Inventory::default();
    {
        let mut st = app.sagemaker();
        st.advance(sagemaker::now());
        inv.sagemaker.models = st.models.values().map(|m| m.name.clone()).collect();
        inv.sagemaker.endpoint_configs = st.configs.values().map(|c| c.name.clone()).collect();
        inv.sagemaker.endpoints = st.endpoints.values().map(|e| e.name.clone()).collect();
    }
    inv.iam = iam(app).await?;
    inv.s3 = s3(app).await?;
    let seeded = app.seeded();
    inv.s3.seeded = seeded
        .iter()
        .map(|(b, k)| format!("s3://{b}/{k}"))
        .collect();
    inv.regions = app.regions();
    for region in inv.regions.clone() {
        sns(app, &region, &mut inv.sns).await?;
        autoscaling(app, &region, &mut inv.application_autoscaling).await?;
        cloudwatch(app, &region, &mut inv.cloudwatch).await?;
    }
    for list in [
        &mut inv.sagemaker.models,
        &mut inv.sagemaker.endpoint_configs,
        &mut inv.sagemaker.endpoints,
        &mut inv.iam.roles,
        &mut inv.iam.role_policies,
        &mut inv.iam.attached_role_policies,
        &mut inv.iam.policies,
        &mut inv.sns.topics,
        &mut inv.s3.buckets,
        &mut inv.s3.objects,
        &mut inv.application_autoscaling.scalable_targets,
        &mut inv.application_autoscaling.scaling_policies,
        &mut inv.cloudwatch.alarms,
    ] {
        list.sort();
        list.dedup();
    }
    let seeded_buckets: Vec<String> = seeded.iter().map(|(b, _)| b.clone()).collect();
    inv.compute_empty(&seeded_buckets);
    Ok(inv)
}
