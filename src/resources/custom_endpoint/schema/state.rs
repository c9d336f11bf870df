//! The one typed state of `sagemaker_custom_endpoint`: every attribute of
//! the schema as a field, for configurations, plans and states alike. A
//! value is decoded into a [`State`] once, where it enters the resource,
//! and encoded back where it leaves; in between, code reads and writes
//! fields. A test keeps the fields and the schema in step.

use crate::framework::typed::{DecodeError, FromValue, Known};
use crate::tfplugin::{AttrPath, Number, Value};
use crate::typed_object;

typed_object! {
    /// `container`: an image URI, or a Deep Learning Container.
    pub struct ContainerAttr {
        image_uri: Known<String>,
        repository_name: Known<String>,
        tag: Known<String>,
        account_id: Known<String>,
    }
}

typed_object! {
    /// `vpc_config`.
    pub struct VpcConfigAttr {
        security_group_ids: Value,
        subnets: Value,
    }
}

typed_object! {
    /// `async_inference`.
    pub struct AsyncInferenceAttr {
        output_path: Known<String>,
        failure_path: Known<String>,
        max_concurrent_invocations_per_instance: Known<Number>,
        input_path: Known<String>,
    }
}

typed_object! {
    /// `data_capture`.
    pub struct DataCaptureAttr {
        destination_s3_uri: Known<String>,
        initial_sampling_percentage: Known<Number>,
        capture_modes: Value,
        json_content_types: Value,
        csv_content_types: Value,
    }
}

typed_object! {
    /// `serverless`.
    pub struct ServerlessAttr {
        memory_size_in_mb: Known<Number>,
        max_concurrency: Known<Number>,
        provisioned_concurrency: Known<Number>,
    }
}

typed_object! {
    /// `autoscaling`.
    pub struct AutoscalingAttr {
        min_capacity: Known<Number>,
        max_capacity: Known<Number>,
        target_invocations_per_instance: Known<Number>,
        target_backlog_per_instance: Known<Number>,
        target_provisioned_concurrency_utilization: Known<Number>,
        scale_in_cooldown: Known<Number>,
        scale_out_cooldown: Known<Number>,
    }
}

typed_object! {
    /// A capacity of a deployment step: `type` and `value`.
    pub struct CapacityAttr {
        r#type: Known<String>,
        value: Known<Number>,
    }
}

typed_object! {
    /// `deployment_config.blue_green`.
    pub struct BlueGreenAttr {
        traffic_routing_type: Known<String>,
        canary_size: Known<CapacityAttr>,
        linear_step_size: Known<CapacityAttr>,
        wait_interval_in_seconds: Known<Number>,
        termination_wait_in_seconds: Known<Number>,
        maximum_execution_timeout_in_seconds: Known<Number>,
    }
}

typed_object! {
    /// `deployment_config.rolling_update`.
    pub struct RollingUpdateAttr {
        maximum_batch_size: Known<CapacityAttr>,
        wait_interval_in_seconds: Known<Number>,
        maximum_execution_timeout_in_seconds: Known<Number>,
        rollback_maximum_batch_size: Known<CapacityAttr>,
    }
}

typed_object! {
    /// `deployment_config`.
    pub struct DeploymentConfigAttr {
        blue_green: Known<BlueGreenAttr>,
        rolling_update: Known<RollingUpdateAttr>,
        auto_rollback_alarms: Value,
    }
}

typed_object! {
    /// The `timeouts` block (Go durations).
    pub struct TimeoutsAttr {
        create: Known<String>,
        update: Known<String>,
        delete: Known<String>,
    }
}

typed_object! {
    /// Every attribute and block of the resource.
    pub struct State {
        id: Known<String>,
        endpoint_name: Known<String>,
        model_id: Known<String>,
        instance_type: Known<String>,
        model_data_url: Known<String>,
        container: Known<ContainerAttr>,
        instance_count: Known<Number>,
        serverless: Known<ServerlessAttr>,
        role_arn: Known<String>,
        role_managed_policy_arns: Value,
        environment: Value,
        environment_secrets: Value,
        environment_secrets_version: Known<Number>,
        environment_secret_keys: Value,
        vpc_config: Known<VpcConfigAttr>,
        enable_network_isolation: Known<bool>,
        kms_key_arn: Known<String>,
        model_data_kms_key_arn: Known<String>,
        data_capture: Known<DataCaptureAttr>,
        log_retention_in_days: Known<Number>,
        delete_logs_on_destroy: Known<bool>,
        log_group_arn: Known<String>,
        startup_health_check_timeout_in_seconds: Known<Number>,
        model_data_download_timeout_in_seconds: Known<Number>,
        volume_size_in_gb: Known<Number>,
        async_inference: Known<AsyncInferenceAttr>,
        autoscaling: Known<AutoscalingAttr>,
        deployment_config: Known<DeploymentConfigAttr>,
        tags: Value,
        tags_all: Value,
        ownership_id: Known<String>,
        out_of_band_changes: Value,
        endpoint_arn: Known<String>,
        endpoint_status: Known<String>,
        model_name: Known<String>,
        model_arn: Known<String>,
        endpoint_config_name: Known<String>,
        endpoint_config_arn: Known<String>,
        execution_role_arn: Known<String>,
        image_uri: Known<String>,
        success_topic_arn: Known<String>,
        error_topic_arn: Known<String>,
        scalable_target_resource_id: Known<String>,
        scaling_policy_names: Value,
        scaling_alarm_names: Value,
        invoke_policy_json: Known<String>,
        timeouts: Known<TimeoutsAttr>,
    }
}

impl State {
    /// Decodes a value of the resource's schema type; a null value (no
    /// object yet) reads as the default state, every attribute null.
    pub fn decode(v: &Value) -> Result<State, DecodeError> {
        match v {
            Value::Object(_) => State::from_value(v, &AttrPath::default()),
            _ => Ok(State::default()),
        }
    }

    /// The value Terraform receives.
    pub fn encode(&self) -> Value {
        self.to_value()
    }

    /// Forgets the endpoint itself (deleted, gone, or no longer ours).
    pub fn forget_endpoint(&mut self) {
        self.endpoint_arn = Known::Null;
        self.endpoint_status = Known::Null;
        self.invoke_policy_json = Known::Null;
    }
}

/// The strings of a known set or list attribute, sorted; `None` while it
/// (or an element) is unknown, or when it is not a collection of strings.
pub fn sorted_strings(v: &Value) -> Option<Vec<String>> {
    let mut out = v
        .as_elements()?
        .iter()
        .map(|e| e.as_str().map(str::to_string))
        .collect::<Option<Vec<_>>>()?;
    out.sort();
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::custom_endpoint::schema;
    use crate::tfplugin::schema::{AttrKind, Block};

    fn names(b: &Block) -> Vec<String> {
        let mut n: Vec<String> = b
            .attributes
            .iter()
            .map(|a| a.name.clone())
            .chain(b.blocks.iter().map(|nb| nb.type_name.clone()))
            .collect();
        n.sort();
        n
    }

    fn nested(b: &Block, name: &str) -> Block {
        let a = b.attribute(name).expect(name);
        let AttrKind::Nested { attributes, .. } = &a.kind else {
            panic!("{name} is not nested")
        };
        Block::new("", attributes.clone(), vec![])
    }

    fn sorted(n: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = n.iter().map(|s| s.to_string()).collect();
        v.sort();
        v
    }

    #[test]
    fn fields_are_exactly_the_schema_attributes() {
        let b = &schema().block;
        assert_eq!(sorted(State::NAMES), names(b));
        assert_eq!(sorted(ContainerAttr::NAMES), names(&nested(b, "container")));
        assert_eq!(
            sorted(VpcConfigAttr::NAMES),
            names(&nested(b, "vpc_config"))
        );
        assert_eq!(
            sorted(AsyncInferenceAttr::NAMES),
            names(&nested(b, "async_inference"))
        );
        assert_eq!(
            sorted(DataCaptureAttr::NAMES),
            names(&nested(b, "data_capture"))
        );
        assert_eq!(
            sorted(ServerlessAttr::NAMES),
            names(&nested(b, "serverless"))
        );
        assert_eq!(
            sorted(AutoscalingAttr::NAMES),
            names(&nested(b, "autoscaling"))
        );
        let d = nested(b, "deployment_config");
        assert_eq!(sorted(DeploymentConfigAttr::NAMES), names(&d));
        let bg = nested(&d, "blue_green");
        assert_eq!(sorted(BlueGreenAttr::NAMES), names(&bg));
        assert_eq!(
            sorted(CapacityAttr::NAMES),
            names(&nested(&bg, "canary_size"))
        );
        assert_eq!(
            sorted(CapacityAttr::NAMES),
            names(&nested(&bg, "linear_step_size"))
        );
        let ru = nested(&d, "rolling_update");
        assert_eq!(sorted(RollingUpdateAttr::NAMES), names(&ru));
        assert_eq!(
            sorted(CapacityAttr::NAMES),
            names(&nested(&ru, "maximum_batch_size"))
        );
        let t = b
            .blocks
            .iter()
            .find(|nb| nb.type_name == "timeouts")
            .unwrap();
        assert_eq!(sorted(TimeoutsAttr::NAMES), names(&t.block));
    }

    #[test]
    fn a_full_state_round_trips() {
        let s = State {
            endpoint_name: Known::string("e"),
            instance_count: Known::int(2),
            model_arn: Known::Unknown,
            timeouts: Known::Value(TimeoutsAttr {
                create: Known::string("10m"),
                ..Default::default()
            }),
            ..Default::default()
        };
        let v = s.encode();
        assert!(v.as_object().unwrap().len() == State::NAMES.len());
        assert_eq!(State::decode(&v).unwrap(), s);
        assert_eq!(State::decode(&Value::Null).unwrap(), State::default());
    }
}
