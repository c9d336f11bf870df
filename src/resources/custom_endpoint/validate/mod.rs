//! Static checks for `ValidateResourceConfig`. They run before any provider
//! configuration exists, so nothing here knows the region; the one
//! region-dependent check lives in `plan`. The configuration is decoded
//! into the typed [`State`] once and checked field by field. Unknown values
//! (not yet computed by Terraform) are always skipped: only definite
//! mistakes are reported. Every error points at its attribute and says what
//! was expected and what was given. The checks of `autoscaling` and
//! `deployment_config` live in `rollout`, those of `serverless` in
//! `serverless`.

#[cfg(test)]
mod cases;
mod rollout;
#[cfg(test)]
mod rollout_cases;
mod serverless;
#[cfg(test)]
mod tests;
mod validator;

use self::validator::{Validator, root, strings};
use super::features::secrets;
use super::formats::checks;
use super::schema::state::{
    AsyncInferenceAttr, ContainerAttr, DataCaptureAttr, State, TimeoutsAttr, VpcConfigAttr,
};
use crate::framework::typed::Known;
use crate::resources::formats::s3uri::{S3Uri, S3UriError};
use crate::tfplugin::{AttrPath, Diagnostics, Value};

use crate::aws::names;

/// The retention periods CloudWatch Logs accepts, in days.
const LOG_RETENTION_DAYS: [i64; 22] = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
];

/// Limits SageMaker puts on list and map sizes.
const MAX_SECURITY_GROUPS: usize = 5;
const MAX_SUBNETS: usize = 16;
const MAX_ENV_VARS: usize = 100;
const MAX_TAGS: usize = 50;
const MAX_ENV_VALUE_LEN: usize = 1024;

/// Static checks of a resource configuration (null or unknown as a whole:
/// nothing to check).
pub fn validate(config: &Value) -> Diagnostics {
    let mut v = Validator::default();
    if !matches!(config, Value::Object(_)) {
        return v.diags;
    }
    match State::decode(config) {
        Ok(state) => v.run(&state),
        // Terraform checks the configuration against the schema's type
        // before the provider sees it, so this is a provider bug.
        Err(e) => v.diags.error(
            "Unreadable configuration",
            format!(
                "The provider could not read the configuration ({e}). This is a provider \
                 bug: the resource's typed state does not match its schema."
            ),
        ),
    }
    v.diags
}

impl Validator {
    fn run(&mut self, c: &State) {
        if let Some(name) = c.endpoint_name.as_str()
            && let Err(e) = names::validate_endpoint_name(name)
        {
            // The validator's message already quotes the name.
            let detail = format!("endpoint_name: {e}.");
            self.diags
                .attr_error(root(State::endpoint_name), "Invalid endpoint name", detail);
        }
        if let Some(id) = c.model_id.as_str() {
            let e = if id.is_empty() {
                Err("model_id must not be empty".to_string())
            } else {
                checks::tag_value(id)
                    .map_err(|e| format!("model_id becomes the modelId tag value, so {e}"))
            };
            if let Err(e) = e {
                self.error(root(State::model_id), "Invalid model ID", e, id);
            }
        }
        if let Some(t) = c.instance_type.as_str()
            && let Err(e) = checks::instance_type(t)
        {
            self.error(root(State::instance_type), "Invalid instance type", e, t);
        }
        self.s3(root(State::model_data_url), &c.model_data_url, true);
        self.container(&c.container);
        self.role(c);
        self.int_range(root(State::instance_count), &c.instance_count, 1, None);
        for (name, secs) in [
            (
                "startup_health_check_timeout_in_seconds",
                &c.startup_health_check_timeout_in_seconds,
            ),
            (
                "model_data_download_timeout_in_seconds",
                &c.model_data_download_timeout_in_seconds,
            ),
        ] {
            self.int_range(root(name), secs, 60, Some(3600));
        }
        self.int_range(
            root(State::volume_size_in_gb),
            &c.volume_size_in_gb,
            1,
            Some(512),
        );
        self.vpc(&c.vpc_config);
        self.environment(c);
        self.tags(&c.tags);
        self.async_inference(&c.async_inference);
        self.kms_keys(c);
        self.data_capture(&c.data_capture);
        self.logs(c);
        self.timeouts(&c.timeouts);
        serverless::serverless(self, c);
        rollout::autoscaling(self, c);
        rollout::deployment_config(self, c);
    }

    fn s3(&mut self, path: AttrPath, v: &Known<String>, is_model_data: bool) {
        let Some(uri) = v.as_str() else { return };
        if self.iam_literal(&path, "the S3 bucket and key", uri) {
            return;
        }
        match S3Uri::parse(uri) {
            Err(S3UriError::NotS3(_)) => self.error(
                path,
                "Invalid S3 URI",
                "expected an S3 URI of the form s3://bucket/key",
                uri,
            ),
            Err(e @ S3UriError::Bucket { .. }) => {
                self.error(path, "Invalid S3 URI", e.to_string(), uri)
            }
            Ok(u) if is_model_data && u.key.is_empty() => self.error(
                path,
                "Invalid S3 URI",
                "the model data needs an object key: a .tar.gz archive \
                 (s3://bucket/model.tar.gz) or a prefix (s3://bucket/model/)",
                uri,
            ),
            // A prefix without "/" would also match sibling keys
            // (`models/bge` opens `models/bge-secret/...`), both in what
            // SageMaker downloads and in the role's S3 read grant.
            Ok(u) if is_model_data && !u.is_tar_gz() && !u.key.ends_with('/') => self.error(
                path,
                "S3 prefix without trailing slash",
                format!(
                    "a model_data_url that is not a .tar.gz archive is an uncompressed S3 \
                     prefix and must end with \"/\", or it also covers every sibling key \
                     starting with {:?}; expected s3://{}/{}/ or a .tar.gz archive",
                    u.key, u.bucket, u.key
                ),
                uri,
            ),
            Ok(_) => {}
        }
    }

    fn container(&mut self, c: &Known<ContainerAttr>) {
        let Some(c) = c.get() else { return };
        let path = root(State::container);
        let (image, repo, tag, account) = (&c.image_uri, &c.repository_name, &c.tag, &c.account_id);
        let forms = "Set either image_uri = \"<full image URI>\", or repository_name and tag \
                     (with account_id only where the provider has no registry account for \
                     the region)";
        let set = |v: &Known<String>| v.as_str().is_some();
        if set(image) && (set(repo) || set(tag)) {
            let detail = format!("container: both forms are set. {forms}.");
            self.diags
                .attr_error(path.clone(), "Conflicting container forms", detail);
        } else if image.is_null() && repo.is_null() && tag.is_null() {
            let detail = format!("container: no image is given. {forms}.");
            self.diags
                .attr_error(path.clone(), "Missing container image", detail);
        } else if image.is_null() && (repo.is_null() != tag.is_null()) && (set(repo) || set(tag)) {
            let missing = if repo.is_null() {
                "repository_name"
            } else {
                "tag"
            };
            let detail = format!(
                "container.{missing}: a Deep Learning Container needs both repository_name \
                 and tag; {missing} is missing. {forms}."
            );
            self.diags.attr_error(
                path.attr(missing),
                "Incomplete Deep Learning Container",
                detail,
            );
        }
        if set(account) && repo.is_null() && tag.is_null() {
            let detail = "container.account_id only applies to a Deep Learning Container \
                          (repository_name and tag); a direct image_uri already names its \
                          registry. Remove account_id or switch to repository_name and tag.";
            self.diags.attr_error(
                path.attr(ContainerAttr::account_id),
                "account_id needs a Deep Learning Container",
                detail,
            );
        }
        if let Some(u) = image.as_str()
            && !self.iam_literal(
                &path.attr(ContainerAttr::image_uri),
                "the image URI (registry and repository)",
                u,
            )
            && let Err(e) = checks::image_uri(u)
        {
            self.error(
                path.attr(ContainerAttr::image_uri),
                "Invalid image URI",
                e,
                u,
            );
        }
        if let Some(r) = repo.as_str()
            && !self.iam_literal(
                &path.attr(ContainerAttr::repository_name),
                "the repository name",
                r,
            )
            && let Err(e) = checks::repository_name(r)
        {
            self.error(
                path.attr(ContainerAttr::repository_name),
                "Invalid repository name",
                e,
                r,
            );
        }
        if let Some(t) = tag.as_str()
            && let Err(e) = checks::image_tag(t)
        {
            self.error(path.attr(ContainerAttr::tag), "Invalid image tag", e, t);
        }
        if let Some(a) = account.as_str()
            && let Err(e) = checks::account_id(a)
        {
            self.error(
                path.attr(ContainerAttr::account_id),
                "Invalid AWS account ID",
                e,
                a,
            );
        }
    }

    fn role(&mut self, c: &State) {
        let role = &c.role_arn;
        if let Some(arn) = role.as_str()
            && let Err(e) = checks::role_arn(arn)
        {
            self.error(root(State::role_arn), "Invalid IAM role ARN", e, arn);
        }
        let policies = &c.role_managed_policy_arns;
        for arn in strings(policies) {
            if let Err(e) = checks::policy_arn(arn) {
                self.error(
                    root(State::role_managed_policy_arns),
                    "Invalid IAM policy ARN",
                    e,
                    arn,
                );
            }
        }
        let has_policies = policies.as_elements().is_some_and(|e| !e.is_empty());
        if has_policies && role.as_str().is_some() {
            self.diags.attr_error(
                root(State::role_managed_policy_arns),
                "Managed policies need a generated role",
                "role_managed_policy_arns: these policies are attached to the role the \
                 provider generates, but role_arn is set, and a role you supply is never \
                 modified. Attach the policies to that role yourself, or remove role_arn.",
            );
        }
    }

    fn vpc(&mut self, vpc: &Known<VpcConfigAttr>) {
        let Some(vpc) = vpc.get() else { return };
        let path = root(State::vpc_config);
        let groups = [
            (
                "security_group_ids",
                &vpc.security_group_ids,
                "sg-",
                MAX_SECURITY_GROUPS,
                "security group",
            ),
            ("subnets", &vpc.subnets, "subnet-", MAX_SUBNETS, "subnet"),
        ];
        for (attr, ids, prefix, max, what) in groups {
            let p = path.attr(attr);
            let Some(elems) = ids.as_elements() else {
                continue;
            };
            if elems.is_empty() {
                self.diags.attr_error(
                    p.clone(),
                    format!("Missing {what}s"),
                    format!("{p}: at least one {what} ID ({prefix}...) is required."),
                );
            } else if elems.len() > max {
                self.diags.attr_error(
                    p.clone(),
                    format!("Too many {what}s"),
                    format!("{p}: SageMaker accepts at most {max}; got {}.", elems.len()),
                );
            }
            for id in strings(ids) {
                let ok = id
                    .strip_prefix(prefix)
                    .is_some_and(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_alphanumeric()));
                if !ok {
                    let summary = format!("Invalid {what} ID");
                    self.error(
                        p.clone(),
                        &summary,
                        format!("expected an ID like {prefix}0abc1234"),
                        id,
                    );
                }
            }
        }
    }

    /// `environment` and the write-only `environment_secrets`: valid names,
    /// bounded values, no key in both, and at most SageMaker's count in all.
    /// Messages name keys and lengths, never a value.
    fn environment(&mut self, c: &State) {
        let plain = c.environment.as_object();
        let secret = c.environment_secrets.as_object();
        let total = plain.map_or(0, |m| m.len()) + secret.map_or(0, |m| m.len());
        if total > MAX_ENV_VARS {
            let path = root(if secret.is_some() {
                secrets::SECRETS
            } else {
                "environment"
            });
            self.diags.attr_error(
                path,
                "Too many environment variables",
                format!(
                    "environment and environment_secrets: SageMaker accepts at most \
                     {MAX_ENV_VARS} variables in all; got {total}."
                ),
            );
        }
        for (name, m) in [("environment", plain), (secrets::SECRETS, secret)] {
            let path = root(name);
            for (k, v) in m.into_iter().flatten() {
                if let Err(e) = checks::env_name(k) {
                    self.error(path.key(k), "Invalid environment variable name", e, k);
                }
                if let Some(s) = v.as_str()
                    && s.chars().count() > MAX_ENV_VALUE_LEN
                {
                    let p = path.key(k);
                    let detail = format!(
                        "{p}: values are at most {MAX_ENV_VALUE_LEN} characters; this one has \
                         {}.",
                        s.chars().count()
                    );
                    self.diags
                        .attr_error(p, "Environment value too long", detail);
                }
            }
        }
        for k in secret.into_iter().flatten().map(|(k, _)| k) {
            if plain.is_some_and(|m| m.contains_key(k)) {
                let p = root(secrets::SECRETS).key(k);
                let detail = format!(
                    "{p}: {k:?} is also set in environment. A variable is either plain or \
                     secret; remove it from one of the two maps."
                );
                self.diags
                    .attr_error(p, "Variable in both environment maps", detail);
            }
        }
        self.int_range(
            root(secrets::VERSION),
            &c.environment_secrets_version,
            0,
            None,
        );
    }

    fn tags(&mut self, tags: &Value) {
        let Some(m) = tags.as_object() else { return };
        let path = root(State::tags);
        if m.len() > MAX_TAGS {
            self.diags.attr_error(
                path.clone(),
                "Too many tags",
                format!(
                    "tags: SageMaker accepts at most {MAX_TAGS} per object; got {}.",
                    m.len()
                ),
            );
        }
        for (k, v) in m {
            if let Err(e) = checks::tag_key(k) {
                self.error(path.key(k), "Invalid tag key", e, k);
            } else if k.to_ascii_lowercase().starts_with("aws:") {
                self.error(
                    path.key(k),
                    "Reserved tag key",
                    "keys starting with \"aws:\" are reserved for AWS",
                    k,
                );
            }
            if let Some(s) = v.as_str()
                && let Err(e) = checks::tag_value(s)
            {
                self.error(path.key(k), "Invalid tag value", e, s);
            }
        }
    }

    fn async_inference(&mut self, a: &Known<AsyncInferenceAttr>) {
        let Some(a) = a.get() else { return };
        let path = root(State::async_inference);
        self.s3(
            path.attr(AsyncInferenceAttr::output_path),
            &a.output_path,
            false,
        );
        self.s3(
            path.attr(AsyncInferenceAttr::failure_path),
            &a.failure_path,
            false,
        );
        self.int_range(
            path.attr(AsyncInferenceAttr::max_concurrent_invocations_per_instance),
            &a.max_concurrent_invocations_per_instance,
            1,
            Some(1000),
        );
        self.s3(
            path.attr(AsyncInferenceAttr::input_path),
            &a.input_path,
            false,
        );
    }

    fn logs(&mut self, c: &State) {
        if let Known::Value(n) = &c.log_retention_in_days {
            let ok = n.as_i64().is_some_and(|d| LOG_RETENTION_DAYS.contains(&d));
            if !ok {
                let allowed: Vec<String> = LOG_RETENTION_DAYS.iter().map(i64::to_string).collect();
                self.error(
                    root(State::log_retention_in_days),
                    "Invalid log retention",
                    format!(
                        "CloudWatch Logs keeps logs for one of {} days",
                        allowed.join(", ")
                    ),
                    &n.to_string(),
                );
            }
        }
        if c.delete_logs_on_destroy.get() == Some(&true) && c.log_retention_in_days.is_null() {
            let detail = "delete_logs_on_destroy: the provider deletes only a log group it \
                          created, and it creates one only with log_retention_in_days. Set \
                          log_retention_in_days as well."
                .to_string();
            self.diags.attr_error(
                root(State::delete_logs_on_destroy),
                "Log group not managed",
                detail,
            );
        }
    }

    fn kms_keys(&mut self, c: &State) {
        for (name, v) in [
            (State::kms_key_arn, &c.kms_key_arn),
            (State::model_data_kms_key_arn, &c.model_data_kms_key_arn),
        ] {
            let Some(arn) = v.as_str() else { continue };
            if self.iam_literal(&root(name), "the key ARN", arn) {
                continue;
            }
            if let Err(e) = checks::kms_key_arn(arn) {
                self.error(root(name), "Invalid KMS key ARN", e, arn);
            }
        }
        if let (Some(_), Some(t)) = (c.kms_key_arn.as_str(), c.instance_type.as_str())
            && checks::has_instance_storage(t)
        {
            let detail = format!(
                "kms_key_arn: {t} has local NVMe instance storage, which SageMaker encrypts \
                 with a hardware key; it refuses a volume key (KmsKeyId) for such instance \
                 types. Remove kms_key_arn or choose an instance type without instance \
                 storage (for example ml.g4 or ml.m5 instead of ml.g5 or ml.m5d)."
            );
            self.diags.attr_error(
                root(State::kms_key_arn),
                "KMS key not supported by the instance type",
                detail,
            );
        }
    }

    fn data_capture(&mut self, d: &Known<DataCaptureAttr>) {
        let Some(d) = d.get() else { return };
        let path = root(State::data_capture);
        self.s3(
            path.attr(DataCaptureAttr::destination_s3_uri),
            &d.destination_s3_uri,
            false,
        );
        self.int_range(
            path.attr(DataCaptureAttr::initial_sampling_percentage),
            &d.initial_sampling_percentage,
            0,
            Some(100),
        );
        if d.capture_modes.is_wholly_known() && !d.capture_modes.is_null() {
            let modes: Vec<&str> = strings(&d.capture_modes).collect();
            let p = path.attr(DataCaptureAttr::capture_modes);
            if modes.is_empty() {
                let detail = "data_capture.capture_modes: capture Input, Output or both; \
                              leave it out for both."
                    .to_string();
                self.diags
                    .attr_error(p.clone(), "Nothing to capture", detail);
            }
            for m in modes.iter().filter(|m| !["Input", "Output"].contains(m)) {
                self.error(
                    p.clone(),
                    "Invalid capture mode",
                    "the capture modes are \"Input\" and \"Output\"",
                    m,
                );
            }
        }
        for (name, v) in [
            (DataCaptureAttr::json_content_types, &d.json_content_types),
            (DataCaptureAttr::csv_content_types, &d.csv_content_types),
        ] {
            if v.is_null() || !v.is_wholly_known() {
                continue;
            }
            let p = path.attr(name);
            let types: Vec<&str> = strings(v).collect();
            if types.is_empty() || types.len() > 10 {
                let detail = format!(
                    "data_capture.{name}: give 1 to 10 content types (got {}), or leave it out.",
                    types.len()
                );
                self.diags
                    .attr_error(p.clone(), "Invalid content types", detail);
            }
            for t in types {
                if let Err(e) = checks::content_type(t) {
                    self.error(p.clone(), "Invalid content type", e, t);
                }
            }
        }
    }

    fn timeouts(&mut self, t: &Known<TimeoutsAttr>) {
        use crate::resources::formats::duration::{DurationError, parse_go_duration};
        let Some(t) = t.get() else { return };
        for (op, given) in [
            ("create", &t.create),
            ("update", &t.update),
            ("delete", &t.delete),
        ] {
            let Some(s) = given.as_str() else {
                continue;
            };
            let path = root(State::timeouts).attr(op);
            match parse_go_duration(s) {
                Ok(d) if d.is_zero() => self.error(
                    path,
                    "Duration must be positive",
                    "a zero timeout leaves no time",
                    s,
                ),
                Ok(_) => {}
                Err(e @ DurationError::Negative(_)) => {
                    self.error(path, "Duration must be positive", e.to_string(), s)
                }
                Err(e) => self.error(
                    path,
                    "Invalid duration",
                    format!("{e}; use Go duration syntax such as \"60m\", \"1h30m\" or \"90s\""),
                    s,
                ),
            }
        }
    }
}

#[cfg(test)]
mod decode_tests {
    use super::validate;
    use crate::tfplugin::{Severity, Value};
    use std::collections::BTreeMap;

    #[test]
    fn a_configuration_of_the_wrong_type_is_a_provider_bug_not_a_panic() {
        let config = Value::Object(BTreeMap::from([(
            "instance_count".to_string(),
            Value::string("two"),
        )]));
        let diags = validate(&config);
        assert_eq!(diags.0.len(), 1, "{diags:#?}");
        let d = &diags.0[0];
        assert_eq!(d.severity, Severity::Error);
        assert!(d.detail.contains("provider bug"), "{}", d.detail);
        assert!(d.detail.contains("instance_count"), "{}", d.detail);
    }

    #[test]
    fn a_null_or_unknown_configuration_has_nothing_to_check() {
        assert!(validate(&Value::Null).is_empty());
        assert!(validate(&Value::Unknown).is_empty());
    }
}
