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

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LogsInventory {
    /// CloudWatch Logs group names, e.g. `/aws/sagemaker/Endpoints/ep`.
    pub log_groups: Vec<String>,
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
    /// CloudWatch Logs (absent in answers of older sandboxes, hence the default).
    #[serde(default)]
    pub logs: LogsInventory,
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
            && self.cloudwatch.alarms.is_empty()
            && self.logs.log_groups.is_empty();
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

/// Pages through the AWS JSON list call `target` of moto's `service`, starting from `body` and
/// following the paging member `token` (`NextToken` or `nextToken`), handing each page to `page`.
async fn json_pages(
    app: &App,
    (service, version): (&str, &str),
    region: &str,
    target: &str,
    body: Value,
    token: &str,
    mut page: impl FnMut(&Value),
) -> Result<(), SandboxError> {
    let mut next: Option<String> = None;
    loop {
        let mut request = body.clone();
        if let Some(t) = &next {
            request[token] = json!(t);
        }
        let r = app
            .moto
            .json(service, region, target, version, &request)
            .await?;
        check(&r, target)?;
        let v = r.json();
        page(&v);
        next = v.get(token).and_then(Value::as_str).map(str::to_string);
        if next.is_none() {
            return Ok(());
        }
    }
}

fn items<'a>(page: &'a Value, field: &str) -> impl Iterator<Item = &'a Value> {
    page.get(field)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

async fn autoscaling(
    app: &App,
    region: &str,
    out: &mut AutoScalingInventory,
) -> Result<(), SandboxError> {
    let service = ("application-autoscaling", "1.1");
    let body = json!({"ServiceNamespace": "sagemaker"});
    let s = |item: &Value, k: &str| {
        item.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let target = "AnyScaleFrontendService.DescribeScalableTargets";
    json_pages(
        app,
        service,
        region,
        target,
        body.clone(),
        "NextToken",
        |p| {
            for t in items(p, "ScalableTargets") {
                out.scalable_targets.push(format!(
                    "{}:{}:{}",
                    s(t, "ServiceNamespace"),
                    s(t, "ResourceId"),
                    s(t, "ScalableDimension")
                ));
            }
        },
    )
    .await?;
    let target = "AnyScaleFrontendService.DescribeScalingPolicies";
    json_pages(app, service, region, target, body, "NextToken", |p| {
        for policy in items(p, "ScalingPolicies") {
            out.scaling_policies.push(format!(
                "{}:{}",
                s(policy, "ResourceId"),
                s(policy, "PolicyName")
            ));
        }
    })
    .await
}

async fn cloudwatch(
    app: &App,
    region: &str,
    out: &mut CloudWatchInventory,
) -> Result<(), SandboxError> {
    let body = json!({"AlarmTypes": ["MetricAlarm", "CompositeAlarm"]});
    let target = "GraniteServiceVersion20100801.DescribeAlarms";
    json_pages(
        app,
        ("monitoring", "1.0"),
        region,
        target,
        body,
        "NextToken",
        |p| {
            for kind in ["MetricAlarms", "CompositeAlarms"] {
                out.alarms.extend(
                    items(p, kind)
                        .filter_map(|a| a.get("AlarmName").and_then(Value::as_str))
                        .map(str::to_string),
                );
            }
        },
    )
    .await
}

async fn logs(app: &App, region: &str, out: &mut LogsInventory) -> Result<(), SandboxError> {
    let target = "Logs_20140328.DescribeLogGroups";
    json_pages(
        app,
        ("logs", "1.1"),
        region,
        target,
        json!({}),
        "nextToken",
        |p| {
            out.log_groups.extend(
                items(p, "logGroups")
                    .filter_map(|g| g.get("logGroupName").and_then(Value::as_str))
                    .map(str::to_string),
            );
        },
    )
    .await
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
        logs(app, &region, &mut inv.logs).await?;
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
        &mut inv.logs.log_groups,
    ] {
        list.sort();
        list.dedup();
    }
    let seeded_buckets: Vec<String> = seeded.iter().map(|(b, _)| b.clone()).collect();
    inv.compute_empty(&seeded_buckets);
    Ok(inv)
}
