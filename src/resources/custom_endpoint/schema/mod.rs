//! The Terraform schema of `sagemaker_custom_endpoint`. Every description is
//! Markdown and is what the registry documentation is generated from, so each
//! one says what the attribute does, its default and its constraints.

pub(super) mod identity;
pub(super) mod rollout;
pub(super) mod state;

use self::state::{
    AsyncInferenceAttr, ContainerAttr, DataCaptureAttr, ServerlessAttr, State, TimeoutsAttr,
    VpcConfigAttr,
};
use crate::tfplugin::schema::{Attribute, Block, NestedBlock, Nesting, Schema};
use crate::tfplugin::{Type, Value};

/// Default `instance_count`.
pub const DEFAULT_INSTANCE_COUNT: i64 = 1;
/// Default for both container timeouts, in seconds.
pub const DEFAULT_CONTAINER_TIMEOUT_SECONDS: i64 = 600;
/// Default `data_capture.initial_sampling_percentage`.
pub const DEFAULT_SAMPLING_PERCENTAGE: i64 = 100;
/// Default `data_capture.capture_modes`: requests and answers.
pub const DEFAULT_CAPTURE_MODES: [&str; 2] = ["Input", "Output"];
/// Default `async_inference.max_concurrent_invocations_per_instance`.
pub const DEFAULT_MAX_CONCURRENT_INVOCATIONS: i64 = 10;
/// Documented defaults of the `timeouts` block (Go duration syntax).
pub const DEFAULT_CREATE_TIMEOUT: &str = "60m";
pub const DEFAULT_UPDATE_TIMEOUT: &str = "60m";
pub const DEFAULT_DELETE_TIMEOUT: &str = "30m";

fn string(name: &str, desc: &str) -> Attribute {
    Attribute::typed(name, Type::String, desc)
}

fn number(name: &str, desc: &str) -> Attribute {
    Attribute::typed(name, Type::Number, desc)
}

fn string_set(name: &str, desc: &str) -> Attribute {
    Attribute::typed(name, Type::set(Type::String), desc)
}

fn string_map(name: &str, desc: &str) -> Attribute {
    Attribute::typed(name, Type::map(Type::String), desc)
}

fn container() -> Attribute {
    Attribute::nested(
        State::container,
        Nesting::Single,
        vec![
            string(
                ContainerAttr::image_uri,
                "A complete container image URI, for example \
                 `123456789012.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0`. \
                 Set either this or `repository_name` and `tag`.",
            )
            .optional(),
            string(
                ContainerAttr::repository_name,
                "Repository of an AWS Deep Learning Container, for example \
                 `huggingface-pytorch-tgi-inference`. Requires `tag`. The registry account \
                 is looked up from the provider region unless `account_id` is set.",
            )
            .optional(),
            string(
                ContainerAttr::tag,
                "Image tag of the Deep Learning Container, for example \
                 `2.1.1-tgi1.4.0-gpu-py310-cu121-ubuntu22.04`. Requires `repository_name`.",
            )
            .optional(),
            string(
                ContainerAttr::account_id,
                "The 12-digit account that hosts the Deep Learning Container registry. \
                 Only needed in regions the provider has no table entry for; only valid \
                 together with `repository_name` and `tag`.",
            )
            .optional(),
        ],
        "The inference container image. Give exactly one form: a direct `image_uri`, or an \
         AWS Deep Learning Container as `repository_name` plus `tag` (and optionally \
         `account_id`), which is resolved for the provider region. The resolved URI is \
         exported as the top-level `image_uri`.",
    )
    .required()
}

fn vpc_config() -> Attribute {
    Attribute::nested(
        State::vpc_config,
        Nesting::Single,
        vec![
            string_set(
                VpcConfigAttr::security_group_ids,
                "Security group IDs (`sg-...`) for the model containers; 1 to 5.",
            )
            .required(),
            string_set(
                VpcConfigAttr::subnets,
                "Subnet IDs (`subnet-...`) the model containers run in; 1 to 16.",
            )
            .required(),
        ],
        "Runs the model containers inside your VPC. When the execution role is generated, it \
         also receives the network-interface permissions this needs. Changing it creates a \
         new model and updates the endpoint in place.",
    )
    .optional()
}

fn async_inference() -> Attribute {
    Attribute::nested(
        State::async_inference,
        Nesting::Single,
        vec![
            string(
                AsyncInferenceAttr::output_path,
                "`s3://` location where SageMaker writes the results of asynchronous \
                 requests.",
            )
            .required(),
            string(
                AsyncInferenceAttr::failure_path,
                "`s3://` location where SageMaker writes the errors of failed asynchronous \
                 requests.",
            )
            .optional(),
            number(
                AsyncInferenceAttr::max_concurrent_invocations_per_instance,
                "How many requests each instance processes at once, 1 to 1000. \
                 Defaults to `10`.",
            )
            .optional()
            .computed()
            .default(Value::int(DEFAULT_MAX_CONCURRENT_INVOCATIONS)),
            string(
                AsyncInferenceAttr::input_path,
                "`s3://bucket/prefix/` where callers put their requests (it must end with \
                 `/`). The generated role may read objects below it, as SageMaker needs to \
                 fetch each request. SageMaker itself does not record it; changing it only \
                 changes the role's policy.",
            )
            .optional(),
        ],
        "Makes the endpoint asynchronous. The provider also creates two SNS topics (success \
         and error), encrypted with the AWS-managed key `alias/aws/sns` and refusing \
         publishes without TLS. Adding or removing this block replaces the endpoint; changing \
         its contents updates it in place.",
    )
    .optional()
}

fn serverless() -> Attribute {
    Attribute::nested(
        State::serverless,
        Nesting::Single,
        vec![
            number(
                ServerlessAttr::memory_size_in_mb,
                "Memory of each serverless worker: 1024, 2048, 3072, 4096, 5120 or 6144 MB. \
                 SageMaker sizes the worker's compute with it.",
            )
            .required(),
            number(
                ServerlessAttr::max_concurrency,
                "Most requests served at once, 1 to 200; requests beyond it are throttled.",
            )
            .required(),
            number(
                ServerlessAttr::provisioned_concurrency,
                "Workers SageMaker keeps warm (no cold start), 1 to `max_concurrency`. Required \
                 with `autoscaling`, which then scales it; without `autoscaling` a change made \
                 outside Terraform is reported as drift and put back.",
            )
            .optional(),
        ],
        "Runs the model on a serverless variant (SageMaker's `ServerlessConfig`) instead of \
         instances: you pay per request and SageMaker scales the workers. `instance_type`, \
         `instance_count`, `volume_size_in_gb`, the two container timeouts, `kms_key_arn`, \
         `data_capture`, `vpc_config`, `enable_network_isolation`, `async_inference` and \
         `deployment_config` are then not allowed, as SageMaker does not offer them on \
         serverless endpoints. A change of its values deploys a new endpoint configuration in \
         place; adding or removing the block replaces the endpoint.",
    )
    .optional()
}

fn data_capture() -> Attribute {
    Attribute::nested(
        State::data_capture,
        Nesting::Single,
        vec![
            string(
                DataCaptureAttr::destination_s3_uri,
                "`s3://bucket/prefix/` where SageMaker writes the captured requests and \
                 answers. The generated role may write below it, and nowhere else.",
            )
            .required(),
            number(
                DataCaptureAttr::initial_sampling_percentage,
                "Percentage of requests captured, 0 to 100. Defaults to `100`.",
            )
            .optional()
            .computed()
            .default(Value::int(DEFAULT_SAMPLING_PERCENTAGE)),
            string_set(
                DataCaptureAttr::capture_modes,
                "What is captured: `Input` (requests), `Output` (answers), or both. Defaults \
                 to both.",
            )
            .optional()
            .computed()
            .default(Value::Set(
                DEFAULT_CAPTURE_MODES
                    .iter()
                    .map(|m| Value::string(*m))
                    .collect(),
            )),
            string_set(
                DataCaptureAttr::json_content_types,
                "Content types SageMaker records as JSON text (1 to 10), for example \
                 `application/json`.",
            )
            .optional(),
            string_set(
                DataCaptureAttr::csv_content_types,
                "Content types SageMaker records as CSV text (1 to 10), for example \
                 `text/csv`.",
            )
            .optional(),
        ],
        "Captures requests and answers of the endpoint to S3 (SageMaker's \
         `DataCaptureConfig`), encrypted with `kms_key_arn` when given. Adding, changing or \
         removing it deploys a new endpoint configuration in place.",
    )
    .optional()
}

fn timeouts() -> NestedBlock {
    NestedBlock::single(
        State::timeouts,
        Block::new(
            "How long each operation may take, as Go duration strings such as `60m`, `1h30m` \
             or `90s`.",
            vec![
                string(
                    TimeoutsAttr::create,
                    "Time allowed for creating the endpoint until it is `InService`. \
                     Defaults to `60m`.",
                )
                .optional(),
                string(
                    TimeoutsAttr::update,
                    "Time allowed for an in-place update until the endpoint is back \
                     `InService` on its new configuration. Defaults to `60m`.",
                )
                .optional(),
                string(
                    TimeoutsAttr::delete,
                    "Time allowed for deleting the endpoint and everything created for it. \
                     Defaults to `30m`.",
                )
                .optional(),
            ],
            vec![],
        ),
    )
}

fn build() -> Schema {
    let attributes = vec![
        string(State::id, "The endpoint name; identifies the resource.").computed(),
        string(
            State::endpoint_name,
            "Name of the SageMaker endpoint: up to 63 letters, digits and hyphens, starting \
             and ending with a letter or digit. Changing it replaces the endpoint.",
        )
        .required(),
        string(
            State::model_id,
            "Identifier of the model being served, for example a Hugging Face model ID. It is \
             recorded as the `modelId` tag on the model and the endpoint (at most 256 \
             characters).",
        )
        .required(),
        string(
            State::instance_type,
            "SageMaker instance type, for example `ml.g5.2xlarge` or `ml.inf2.xlarge`. Must \
             have the form `ml.<family>.<size>`. Required unless `serverless` is set, and then \
             not allowed.",
        )
        .optional(),
        number(
            State::instance_count,
            "Number of instances behind the endpoint, at least 1. Defaults to `1` (null on a \
             serverless endpoint, where it is not allowed). With `autoscaling`, this is only \
             the initial count and must lie between `min_capacity` and `max_capacity`; \
             changing it then does not resize the running endpoint.",
        )
        .optional()
        .computed()
        .default(Value::int(DEFAULT_INSTANCE_COUNT)),
        serverless(),
        string(
            State::model_data_url,
            "S3 location of the model artifacts. A key ending in `.tar.gz` is used as a \
             compressed archive; anything else is an uncompressed S3 prefix, which should end \
             with `/`.",
        )
        .required(),
        container(),
        string(
            State::role_arn,
            "ARN of an existing IAM role for SageMaker to assume. When unset, the provider \
             creates a least-privilege role (S3 read on the model data, S3 write on the async \
             paths, ECR pull, CloudWatch Logs and metrics, SNS publish on the async topics) and \
             deletes it with the endpoint. A role you supply is never modified.",
        )
        .optional(),
        string_set(
            State::role_managed_policy_arns,
            "Managed policy ARNs to attach to the generated role, for example \
             `arn:aws:iam::aws:policy/AmazonSageMakerFullAccess`. Only valid when `role_arn` \
             is unset.",
        )
        .optional(),
        string_map(
            State::environment,
            "Environment variables for the inference container. `SAGEMAKER_REGION` is set to \
             the provider region unless you set it here. Values are stored in the state; put \
             tokens and passwords in `environment_secrets` instead. Changing it creates a new \
             model and updates the endpoint in place.",
        )
        .optional(),
        string_map(
            State::environment_secrets,
            "Secret environment variables for the inference container, such as an API token. \
             Write-only (Terraform 1.11 or later): the values are passed to SageMaker when the \
             model is created and are never stored in the plan or the state, so they can come \
             from an `ephemeral` variable. Because Terraform cannot compare a value it does not \
             store, changing a value alone does nothing: bump `environment_secrets_version` to \
             deploy new values. Adding or removing a key is seen (through \
             `environment_secret_keys`) and deploys a new model. A key must not also appear \
             in `environment`.",
        )
        .optional()
        .sensitive()
        .write_only()
        .write_only_hint("move the variables to environment"),
        number(
            State::environment_secrets_version,
            "Any number you change to roll out the current `environment_secrets` values: a \
             new model is created with them and the endpoint is updated in place, without \
             downtime.",
        )
        .optional(),
        string_set(
            State::environment_secret_keys,
            "The names (never the values) of the variables in `environment_secrets`. The \
             provider uses them to tell the secret variables of the live model apart from \
             `environment`.",
        )
        .computed(),
        vpc_config(),
        Attribute::typed(
            State::enable_network_isolation,
            Type::Bool,
            "Runs the model's container without network access (SageMaker's \
             `EnableNetworkIsolation`): it can make no outbound call, while SageMaker still \
             fetches the image and the model data for it. Changing it deploys a new model in \
             place. Defaults to `false`.",
        )
        .optional()
        .computed()
        .default(Value::Bool(false)),
        string(
            State::kms_key_arn,
            "ARN of a customer-managed KMS key (`arn:aws:kms:<region>:<account>:key/<id>`) that \
             encrypts the ML storage volume of each instance, the asynchronous results and the \
             captured data. SageMaker refuses a volume key on instance types with local NVMe \
             storage (for example `ml.g5.*`, `ml.p4d.*`, `ml.m5d.*`), which encrypt their \
             storage themselves; the provider refuses that combination at plan time. The \
             generated role may use the key for S3 (`kms:Encrypt`, `kms:Decrypt`, \
             `kms:GenerateDataKey*`, only through S3 in this region). Changing it deploys a \
             new endpoint configuration in place.",
        )
        .optional(),
        string(
            State::model_data_kms_key_arn,
            "ARN of the customer-managed KMS key of the bucket holding `model_data_url`. The \
             generated role may decrypt with this key, only through S3 in this region.",
        )
        .optional(),
        data_capture(),
        number(
            State::log_retention_in_days,
            "Days CloudWatch Logs keeps the endpoint's container logs: one of 1, 3, 5, 7, 14, \
             30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 \
             or 3653. When set, the provider creates the log group \
             `/aws/sagemaker/Endpoints/<endpoint_name>` before the endpoint (encrypted with \
             `kms_key_arn` when given; the key's policy must then allow CloudWatch Logs) and \
             owns it; without it SageMaker creates the group itself, never expiring, and the \
             provider leaves it alone. A change is applied in place. Removing it releases the \
             group: the provider's ownership tags come off and the logs stay.",
        )
        .optional(),
        Attribute::typed(
            State::delete_logs_on_destroy,
            Type::Bool,
            "Deletes the log group on destroy (it needs `log_retention_in_days`, the group \
             being the provider's only then). When false, destroy releases the group and the \
             logs stay until their retention ends. Defaults to `false`.",
        )
        .optional()
        .computed()
        .default(Value::Bool(false)),
        string(
            State::log_group_arn,
            "ARN of the log group the provider created and owns; null without \
             `log_retention_in_days`.",
        )
        .computed(),
        number(
            State::startup_health_check_timeout_in_seconds,
            "Seconds the container may take to pass its first health check, 60 to 3600. \
             Defaults to `600` (null on a serverless endpoint, where it is not allowed).",
        )
        .optional()
        .computed()
        .default(Value::int(DEFAULT_CONTAINER_TIMEOUT_SECONDS)),
        number(
            State::model_data_download_timeout_in_seconds,
            "Seconds allowed for downloading the model data to each instance, 60 to 3600. \
             Defaults to `600` (null on a serverless endpoint, where it is not allowed).",
        )
        .optional()
        .computed()
        .default(Value::int(DEFAULT_CONTAINER_TIMEOUT_SECONDS)),
        number(
            State::volume_size_in_gb,
            "Size of the ML storage volume attached to each instance, 1 to 512 GB. When unset, \
             SageMaker uses the instance type's default.",
        )
        .optional(),
        async_inference(),
        self::rollout::autoscaling(),
        self::rollout::deployment_config(),
        string_map(
            State::tags,
            "Tags for every object the provider creates. Keys are 1 to 128 characters and must \
             not start with `aws:`; values are at most 256 characters.",
        )
        .optional(),
        string_map(
            State::tags_all,
            "All tags applied: the provider's `default_tags` merged with `tags`, where `tags` \
             wins on conflicts.",
        )
        .computed(),
        string(
            State::ownership_id,
            "Random identifier of this resource instance, chosen when it is created or \
             imported. Every object the resource owns carries it as the tag `tfsm:owner`; the \
             provider only adopts, changes or deletes objects with this tag, so two \
             configurations that declare the same `endpoint_name` cannot take over each \
             other's objects.",
        )
        .computed(),
        string_map(
            State::out_of_band_changes,
            "Changes that refresh found outside Terraform on owned objects and that no other \
             attribute shows, one entry per object (`model`, `endpoint_config`, \
             `execution_role`, `success_topic`, `error_topic`) saying what differs: tags, the \
             generated role's trust or inline policy, a topic's policy or encryption. Null \
             when everything matches; any entry makes the next apply put the object back.",
        )
        .computed(),
        string(State::endpoint_arn, "ARN of the SageMaker endpoint.").computed(),
        string(
            State::endpoint_status,
            "Status of the endpoint as SageMaker last reported it, for example `InService`. A \
             `Failed` endpoint is replaced on the next apply.",
        )
        .computed(),
        string(
            State::model_name,
            "Name of the SageMaker model: the endpoint name plus a short hash of the \
             model-relevant inputs (image, model data, environment, secret key names and \
             version, VPC, role, region).",
        )
        .computed(),
        string(State::model_arn, "ARN of the SageMaker model.").computed(),
        string(
            State::endpoint_config_name,
            "Name of the endpoint configuration in service: the endpoint name plus a short \
             hash of the configuration inputs (model, instance type and count, timeouts, \
             volume, async settings).",
        )
        .computed(),
        string(
            State::endpoint_config_arn,
            "ARN of the endpoint configuration.",
        )
        .computed(),
        string(
            State::execution_role_arn,
            "ARN of the role SageMaker assumes: `role_arn` when given, otherwise the generated \
             role.",
        )
        .computed(),
        string(
            State::image_uri,
            "The container image URI actually used: `container.image_uri`, or the Deep \
             Learning Container URI resolved for the provider region.",
        )
        .computed(),
        string(
            State::success_topic_arn,
            "ARN of the SNS topic notified of successful asynchronous requests; null for \
             real-time endpoints.",
        )
        .computed(),
        string(
            State::error_topic_arn,
            "ARN of the SNS topic notified of failed asynchronous requests; null for real-time \
             endpoints.",
        )
        .computed(),
        string(
            State::scalable_target_resource_id,
            "Application Auto Scaling resource ID of the registered variant \
             (`endpoint/<name>/variant/AllTraffic`); null without `autoscaling`.",
        )
        .computed(),
        Attribute::typed(
            State::scaling_policy_names,
            Type::list(Type::String),
            "Names of the scaling policies the provider created: \
             `sm-<endpoint>-target-tracking`, plus `sm-<endpoint>-scale-from-zero` for an \
             asynchronous endpoint that scales to zero.",
        )
        .computed(),
        Attribute::typed(
            State::scaling_alarm_names,
            Type::list(Type::String),
            "Names of the CloudWatch alarms the provider created for autoscaling \
             (`sm-<endpoint>-backlog-without-capacity` when an asynchronous endpoint scales to \
             zero).",
        )
        .computed(),
        string(
            State::invoke_policy_json,
            "An IAM policy document (JSON) allowing `sagemaker:InvokeEndpoint` and \
             `sagemaker:InvokeEndpointAsync` on this endpoint, ready to attach to a caller's \
             role.",
        )
        .computed(),
    ];
    Schema {
        version: 0,
        block: Block::new(
            "Deploys a custom model (a container image plus model artifacts in S3) to an \
             Amazon SageMaker endpoint, real-time or asynchronous. The provider creates and \
             tracks the execution role (unless given), the model, the endpoint configuration, \
             the endpoint and, for asynchronous endpoints, two SNS topics. Model and \
             configuration changes are applied in place without downtime.",
            attributes,
            vec![timeouts()],
        ),
    }
}

/// The resource schema, built once.
pub fn schema() -> &'static Schema {
    static SCHEMA: std::sync::OnceLock<Schema> = std::sync::OnceLock::new();
    SCHEMA.get_or_init(build)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tfplugin::schema::AttrKind;

    #[test]
    fn every_attribute_is_described_and_has_one_mode() {
        fn check(attrs: &[Attribute]) {
            for a in attrs {
                assert!(a.description.len() > 10, "{} lacks a description", a.name);
                let mode = (a.required, a.optional, a.computed);
                assert!(
                    matches!(
                        mode,
                        (true, false, false) | (false, true, _) | (false, false, true)
                    ),
                    "{}: {mode:?}",
                    a.name
                );
                if let AttrKind::Nested { attributes, .. } = &a.kind {
                    check(attributes);
                }
            }
        }
        let s = schema();
        assert_eq!(s.version, 0);
        check(&s.block.attributes);
        for b in &s.block.blocks {
            check(&b.block.attributes);
        }
    }

    #[test]
    fn required_optional_and_computed_sets() {
        let b = &schema().block;
        let names = |f: fn(&Attribute) -> bool| -> Vec<&str> {
            b.attributes
                .iter()
                .filter(|a| f(a))
                .map(|a| a.name.as_str())
                .collect()
        };
        assert_eq!(
            names(|a| a.required),
            ["endpoint_name", "model_id", "model_data_url", "container"]
        );
        assert_eq!(
            names(|a| a.optional && a.computed),
            [
                "instance_count",
                "enable_network_isolation",
                "delete_logs_on_destroy",
                "startup_health_check_timeout_in_seconds",
                "model_data_download_timeout_in_seconds"
            ]
        );
        assert_eq!(names(|a| !a.optional && a.computed).len(), 20);
        assert_eq!(names(|a| a.write_only), ["environment_secrets"]);
        assert_eq!(b.blocks.len(), 1);
        assert_eq!(b.blocks[0].type_name, "timeouts");
    }

    #[test]
    fn nested_attributes_use_nested_type_only() {
        let proto = schema().to_proto();
        let block = proto.block.unwrap();
        let container = block
            .attributes
            .iter()
            .find(|a| a.name == "container")
            .unwrap();
        assert!(container.r#type.is_empty());
        assert!(container.nested_type.is_some());
        let count = block
            .attributes
            .iter()
            .find(|a| a.name == "instance_count")
            .unwrap();
        assert_eq!(count.r#type, b"\"number\"");
        assert!(count.nested_type.is_none());
    }
}
