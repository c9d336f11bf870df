//! Provider configuration: the `provider "sagemaker" {}` schema, its static
//! validation, and turning it into an AWS SDK configuration.
//!
//! Building the SDK configuration never touches the network: credentials are
//! resolved lazily by the SDK on the first real call, and the region must be
//! given explicitly (attribute or environment) rather than discovered.

use crate::tfplugin::schema::{Attribute, Block, NestedBlock, Schema};
use crate::tfplugin::{AttrPath, Diagnostics, Type, Value};
use aws_config::retry::RetryConfig;
use aws_config::sts::AssumeRoleProvider;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_runtime::env_config::file::{
    EnvConfigFileKind as ProfileFileKind, EnvConfigFiles as ProfileFiles,
};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Services whose endpoint can be overridden in the `endpoints` block.
pub const ENDPOINT_SERVICES: [&str; 10] = [
    "sagemaker",
    "sagemakerruntime",
    "tagging",
    "iam",
    "sns",
    "sts",
    "s3",
    "applicationautoscaling",
    "cloudwatch",
    "logs",
];

/// Largest accepted `max_retries` (the SDK's attempts are this plus one).
const MAX_RETRIES_LIMIT: i64 = 100;

/// The provider's configuration schema.
pub fn schema() -> &'static Schema {
    static SCHEMA: OnceLock<Schema> = OnceLock::new();
    SCHEMA.get_or_init(build_schema)
}

fn build_schema() -> Schema {
    let s = |name: &str, desc: &str| Attribute::typed(name, Type::String, desc).optional();
    let endpoints = Block::new(
        "Overrides the URL of individual AWS service APIs, for example to use the local sandbox or \
         a VPC endpoint. Each value must be an `http://` or `https://` URL; services left out use \
         the regular regional endpoint, except `tagging` (the Resource Groups Tagging API, which \
         refresh uses to read the tags of many SageMaker objects at once), which follows \
         `sagemaker` when that is set.",
        ENDPOINT_SERVICES
            .iter()
            .map(|svc| {
                s(
                    svc,
                    &format!(
                        "URL to send `{svc}` API calls to instead of the regional AWS endpoint."
                    ),
                )
            })
            .collect(),
        vec![],
    );
    let assume_role = Block::new(
        "Assumes an IAM role with STS `AssumeRole` first; every other call then runs as that role, \
         while the credentials found as usual are only used for the `AssumeRole` call itself.",
        vec![
            Attribute::typed(
                "role_arn",
                Type::String,
                "ARN of the role to assume, for example \
                 `arn:aws:iam::123456789012:role/deployer`.",
            )
            .required(),
            s(
                "session_name",
                "Session name recorded in CloudTrail for the assumed-role session: 2 to 64 \
                 letters, digits or `_+=,.@-`.",
            ),
            s(
                "external_id",
                "External ID, when the role's trust policy requires one (`sts:ExternalId`).",
            ),
        ],
        vec![],
    );
    let default_tags = Block::new(
        "Tags added to every AWS object the provider creates. A resource's own `tags` win when \
         both set the same key; the merged result is the resource's `tags_all`.",
        vec![
            Attribute::typed(
                "tags",
                Type::map(Type::String),
                "The default tags, key to value.",
            )
            .optional(),
        ],
        vec![],
    );
    Schema {
        version: 0,
        block: Block::new(
            "Deploys custom models (a container image plus model artifacts in S3) to Amazon \
             SageMaker endpoints, creating and tracking the role, model, endpoint \
             configuration, endpoint, SNS topics and autoscaling they need.",
            vec![
                s(
                    "region",
                    "AWS region, e.g. `eu-west-1`. Falls back to `AWS_REGION`, then \
                     `AWS_DEFAULT_REGION`; one of them is required.",
                ),
                s(
                    "profile",
                    "Named profile to read from the shared config and credentials files, like \
                     `AWS_PROFILE`.",
                ),
                Attribute::typed(
                    "shared_config_files",
                    Type::list(Type::String),
                    "Paths of shared config files (default `~/.aws/config`).",
                )
                .optional(),
                Attribute::typed(
                    "shared_credentials_files",
                    Type::list(Type::String),
                    "Paths of shared credentials files (default `~/.aws/credentials`).",
                )
                .optional(),
                s(
                    "access_key",
                    "Static access key ID, used together with `secret_key`. Prefer a profile, the \
                     environment or an assumed role, which keep keys out of the configuration.",
                ),
                s(
                    "secret_key",
                    "Static secret access key, used together with `access_key`.",
                )
                .sensitive(),
                Attribute::typed(
                    "max_retries",
                    Type::Number,
                    "Retries for a throttled or failed AWS call (standard retry mode). \
                     Default 25.",
                )
                .optional(),
            ],
            vec![
                NestedBlock::single("assume_role", assume_role),
                NestedBlock::single("endpoints", endpoints),
                NestedBlock::single("default_tags", default_tags),
            ],
        ),
    }
}

/// `assume_role { ... }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssumeRole {
    pub role_arn: String,
    pub session_name: Option<String>,
    pub external_id: Option<String>,
}

/// The decoded provider configuration, region already resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderSettings {
    pub region: String,
    pub profile: Option<String>,
    pub shared_config_files: Vec<String>,
    pub shared_credentials_files: Vec<String>,
    pub access_key: Option<String>,
    pub secret_key: Option<String>,
    pub max_retries: u32,
    pub assume_role: Option<AssumeRole>,
    /// Service name (one of [`ENDPOINT_SERVICES`]) to URL.
    pub endpoints: BTreeMap<String, String>,
    pub default_tags: BTreeMap<String, String>,
}

/// Everything the resources need from the provider once it is configured.
#[derive(Clone, Debug)]
pub struct AwsContext {
    pub settings: ProviderSettings,
    pub sdk: SdkConfig,
}

impl AwsContext {
    /// The endpoint override for one service, if configured.
    pub fn endpoint(&self, service: &str) -> Option<&str> {
        self.settings.endpoints.get(service).map(String::as_str)
    }
}

fn text(v: &Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

fn string_list(v: &Value) -> Vec<String> {
    v.as_elements()
        .map(|items| items.iter().filter_map(text).collect())
        .unwrap_or_default()
}

fn string_map(v: &Value) -> BTreeMap<String, String> {
    v.as_object()
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| text(v).map(|v| (k.clone(), v)))
                .collect()
        })
        .unwrap_or_default()
}

fn is_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty()
}

fn is_http_url(s: &str) -> bool {
    let rest = s
        .strip_prefix("http://")
        .or_else(|| s.strip_prefix("https://"));
    matches!(rest, Some(host) if !host.is_empty() && !host.starts_with('/') && !host.contains(' '))
}

fn is_role_arn(s: &str) -> bool {
    let parts: Vec<&str> = s.splitn(6, ':').collect();
    parts.len() == 6
        && parts[0] == "arn"
        && parts[1].starts_with("aws")
        && parts[2] == "iam"
        && parts[3].is_empty()
        && parts[4].len() == 12
        && parts[4].bytes().all(|b| b.is_ascii_digit())
        && parts[5].len() > "role/".len()
        && parts[5].starts_with("role/")
}

fn is_session_name(s: &str) -> bool {
    (2..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_+=,.@-".contains(&b))
}

/// Static checks of the provider block (ValidateProviderConfig). Unknown
/// values are skipped; they are checked again once known, at configure time.
pub fn validate(config: &Value) -> Diagnostics {
    let mut d = Diagnostics::new();
    if let Some(r) = config.get("region").as_str()
        && !is_region(r)
    {
        d.attr_error(
            AttrPath::root("region"),
            "Invalid region",
            format!("\"{r}\" is not an AWS region name; expected something like \"eu-west-1\"."),
        );
    }
    if let Some(n) = config.get("max_retries").as_i64() {
        if !(0..=MAX_RETRIES_LIMIT).contains(&n) {
            d.attr_error(
                AttrPath::root("max_retries"),
                "Invalid max_retries",
                format!("max_retries must be between 0 and {MAX_RETRIES_LIMIT}, got {n}."),
            );
        }
    } else if let crate::tfplugin::Value::Number(n) = config.get("max_retries") {
        d.attr_error(
            AttrPath::root("max_retries"),
            "Invalid max_retries",
            format!("max_retries must be a whole number, got {n}."),
        );
    }
    if let (Some(_), false) = (
        config.get("access_key").as_str(),
        config.get("secret_key").as_str().is_some() || config.get("secret_key").is_unknown(),
    ) {
        d.attr_error(
            AttrPath::root("secret_key"),
            "Missing secret_key",
            "access_key is set, so secret_key must be set too.",
        );
    }
    let endpoints = config.get("endpoints");
    for svc in ENDPOINT_SERVICES {
        if let Some(url) = endpoints.get(svc).as_str()
            && !is_http_url(url)
        {
            d.attr_error(
                AttrPath::root("endpoints").attr(svc),
                "Invalid endpoint URL",
                format!("endpoints.{svc} must be an http:// or https:// URL, got \"{url}\"."),
            );
        }
    }
    let ar = config.get("assume_role");
    let ar_path = AttrPath::root("assume_role");
    if let Some(arn) = ar.get("role_arn").as_str()
        && !is_role_arn(arn)
    {
        d.attr_error(
            ar_path.attr("role_arn"),
            "Invalid role ARN",
            format!(
                "assume_role.role_arn must look like arn:aws:iam::123456789012:role/NAME, \
                 got \"{arn}\"."
            ),
        );
    }
    if let Some(name) = ar.get("session_name").as_str()
        && !is_session_name(name)
    {
        d.attr_error(
            ar_path.attr("session_name"),
            "Invalid session name",
            format!(
                "assume_role.session_name must be 2-64 characters of letters, digits and \
                 _+=,.@-, got \"{name}\"."
            ),
        );
    }
    if let Some(id) = ar.get("external_id").as_str()
        && !(2..=1224).contains(&id.len())
    {
        d.attr_error(
            ar_path.attr("external_id"),
            "Invalid external ID",
            "assume_role.external_id must be 2-1224 characters long.",
        );
    }
    if let Some(tags) = config.get("default_tags").get("tags").as_object() {
        for k in tags.keys() {
            if k.is_empty() || k.len() > 128 || k.starts_with("aws:") {
                d.attr_error(
                    AttrPath::root("default_tags").attr("tags").key(k),
                    "Invalid tag key",
                    format!(
                        "Tag keys must be 1-128 characters and must not start with \"aws:\", \
                         got \"{k}\"."
                    ),
                );
            }
        }
    }
    d
}

/// Decodes a validated, wholly known provider configuration. `env` looks up
/// environment variables (injected so tests need not touch the process env).
pub fn settings(
    config: &Value,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<ProviderSettings, Diagnostics> {
    let mut d = validate(config);
    if !config.is_wholly_known() {
        d.error(
            "Provider configuration is not known yet",
            "The provider block refers to values that are only known after apply. Use values \
             known at plan time (literals, variables, or data sources).",
        );
    }
    let region = text(config.get("region"))
        .or_else(|| env("AWS_REGION").filter(|s| !s.is_empty()))
        .or_else(|| env("AWS_DEFAULT_REGION").filter(|s| !s.is_empty()));
    if region.is_none() {
        d.attr_error(
            AttrPath::root("region"),
            "No AWS region",
            "Set `region` in the provider block, or the AWS_REGION (or AWS_DEFAULT_REGION) \
             environment variable. SageMaker endpoints are regional and the provider never \
             guesses the region.",
        );
    }
    if d.has_errors() {
        return Err(d);
    }
    let ar = config.get("assume_role");
    Ok(ProviderSettings {
        region: region.unwrap_or_default(),
        profile: text(config.get("profile")),
        shared_config_files: string_list(config.get("shared_config_files")),
        shared_credentials_files: string_list(config.get("shared_credentials_files")),
        access_key: text(config.get("access_key")),
        secret_key: text(config.get("secret_key")),
        max_retries: config
            .get("max_retries")
            .as_i64()
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(25),
        assume_role: text(ar.get("role_arn")).map(|role_arn| AssumeRole {
            role_arn,
            session_name: text(ar.get("session_name")),
            external_id: text(ar.get("external_id")),
        }),
        endpoints: ENDPOINT_SERVICES
            .iter()
            .filter_map(|svc| text(config.get("endpoints").get(svc)).map(|u| (svc.to_string(), u)))
            .collect(),
        default_tags: string_map(config.get("default_tags").get("tags")),
    })
}

/// Builds the SDK configuration. No network call is made here.
pub async fn build(settings: ProviderSettings) -> AwsContext {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(settings.region.clone()))
        .retry_config(RetryConfig::standard().with_max_attempts(settings.max_retries + 1));
    if let Some(p) = &settings.profile {
        loader = loader.profile_name(p);
    }
    if !settings.shared_config_files.is_empty() || !settings.shared_credentials_files.is_empty() {
        let mut files = ProfileFiles::builder();
        if settings.shared_config_files.is_empty() {
            files = files.include_default_config_file(true);
        }
        if settings.shared_credentials_files.is_empty() {
            files = files.include_default_credentials_file(true);
        }
        for f in &settings.shared_config_files {
            files = files.with_file(ProfileFileKind::Config, f);
        }
        for f in &settings.shared_credentials_files {
            files = files.with_file(ProfileFileKind::Credentials, f);
        }
        loader = loader.profile_files(files.build());
    }
    if let (Some(ak), Some(sk)) = (&settings.access_key, &settings.secret_key) {
        loader = loader.credentials_provider(aws_credential_types::Credentials::new(
            ak.clone(),
            sk.clone(),
            None,
            None,
            "provider-config",
        ));
    }
    let mut sdk = loader.load().await;
    if let Some(ar) = &settings.assume_role {
        // The STS call for the role goes to the sts endpoint override, if any.
        let sts_conf = match settings.endpoints.get("sts") {
            Some(url) => sdk.to_builder().endpoint_url(url).build(),
            None => sdk.clone(),
        };
        let mut b = AssumeRoleProvider::builder(ar.role_arn.clone()).configure(&sts_conf);
        if let Some(n) = &ar.session_name {
            b = b.session_name(n);
        }
        if let Some(x) = &ar.external_id {
            b = b.external_id(x);
        }
        let provider = b.build().await;
        sdk = sdk
            .into_builder()
            .credentials_provider(
                aws_credential_types::provider::SharedCredentialsProvider::new(provider),
            )
            .build();
    }
    AwsContext { settings, sdk }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(attrs: &[(&str, Value)]) -> Value {
        let mut m: BTreeMap<String, Value> = schema()
            .block
            .attributes
            .iter()
            .map(|a| (a.name.clone(), Value::Null))
            .collect();
        for b in &schema().block.blocks {
            m.insert(b.type_name.clone(), Value::Null);
        }
        for (k, v) in attrs {
            m.insert(k.to_string(), v.clone());
        }
        Value::Object(m)
    }

    fn obj(attrs: &[(&str, Value)]) -> Value {
        Value::Object(
            attrs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn region_comes_from_attribute_then_env() {
        let c = config(&[("region", Value::string("eu-west-1"))]);
        assert_eq!(settings(&c, &no_env).unwrap().region, "eu-west-1");
        let env = |k: &str| (k == "AWS_DEFAULT_REGION").then(|| "us-east-2".to_string());
        assert_eq!(settings(&config(&[]), &env).unwrap().region, "us-east-2");
        let env2 = |k: &str| match k {
            "AWS_REGION" => Some("ap-south-1".to_string()),
            "AWS_DEFAULT_REGION" => Some("us-east-2".to_string()),
            _ => None,
        };
        assert_eq!(settings(&config(&[]), &env2).unwrap().region, "ap-south-1");
    }

    #[test]
    fn missing_region_is_an_error_on_region() {
        let err = settings(&config(&[]), &no_env).unwrap_err();
        assert!(err.has_errors());
        assert_eq!(err.0[0].path, Some(AttrPath::root("region")));
        assert!(err.0[0].detail.contains("AWS_REGION"));
    }

    #[test]
    fn bad_values_are_reported_with_paths() {
        let c = config(&[
            ("region", Value::string("Europe")),
            ("max_retries", Value::int(-1)),
            (
                "endpoints",
                obj(&[("sagemaker", Value::string("localhost:4566"))]),
            ),
            (
                "assume_role",
                obj(&[
                    ("role_arn", Value::string("arn:aws:iam::12:user/x")),
                    ("session_name", Value::string("a b")),
                    ("external_id", Value::Null),
                ]),
            ),
        ]);
        let d = validate(&c);
        let paths: Vec<String> =
            d.0.iter()
                .map(|x| x.path.as_ref().map(|p| p.to_string()).unwrap_or_default())
                .collect();
        assert_eq!(
            paths,
            vec![
                "region",
                "max_retries",
                "endpoints.sagemaker",
                "assume_role.role_arn",
                "assume_role.session_name"
            ]
        );
    }

    #[test]
    fn unknown_values_are_not_rejected_by_validate() {
        let c = config(&[("region", Value::Unknown), ("max_retries", Value::Unknown)]);
        assert!(validate(&c).is_empty());
        assert!(settings(&c, &no_env).is_err());
    }

    #[test]
    fn settings_decode_everything() {
        let c = config(&[
            ("region", Value::string("us-west-2")),
            ("max_retries", Value::int(3)),
            (
                "endpoints",
                obj(&[("sagemaker", Value::string("http://127.0.0.1:4566"))]),
            ),
            (
                "default_tags",
                obj(&[(
                    "tags",
                    Value::Map([("team".into(), Value::string("ml"))].into()),
                )]),
            ),
        ]);
        let s = settings(&c, &no_env).unwrap();
        assert_eq!(s.max_retries, 3);
        assert_eq!(s.endpoints["sagemaker"], "http://127.0.0.1:4566");
        assert_eq!(s.default_tags["team"], "ml");
    }

    #[tokio::test]
    async fn build_makes_no_network_call_and_keeps_region() {
        let c = config(&[
            ("region", Value::string("eu-central-1")),
            ("access_key", Value::string("AKIDTEST")),
            ("secret_key", Value::string("secret")),
            (
                "assume_role",
                obj(&[
                    (
                        "role_arn",
                        Value::string("arn:aws:iam::123456789012:role/deployer"),
                    ),
                    ("session_name", Value::Null),
                    ("external_id", Value::Null),
                ]),
            ),
            (
                "endpoints",
                obj(&[("sts", Value::string("http://127.0.0.1:9"))]),
            ),
        ]);
        let ctx = build(settings(&c, &no_env).unwrap()).await;
        assert_eq!(ctx.sdk.region().map(|r| r.as_ref()), Some("eu-central-1"));
        assert_eq!(ctx.endpoint("sts"), Some("http://127.0.0.1:9"));
        assert!(ctx.sdk.credentials_provider().is_some());
    }
}
