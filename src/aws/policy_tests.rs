//! Unit tests of the execution-role policy documents.

use super::*;

const IMAGE: &str = "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.1.0-gpu";

fn inputs<'a>(data: &'a ModelData, image: &'a str, topics: &'a [String]) -> PolicyInputs<'a> {
    PolicyInputs {
        partition: "aws",
        region: "us-east-1",
        account_id: "123456789012",
        endpoint_name: "my-ep",
        model_data: data,
        image_uri: image,
        async_output: None,
        async_failure: None,
        async_input: None,
        capture_destination: None,
        kms_key: None,
        model_data_kms_key: None,
        topic_arns: topics,
        vpc: false,
    }
}

fn by_sid<'a>(doc: &'a Value, sid: &str) -> Option<&'a Value> {
    doc["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["Sid"] == sid)
}

fn actions_of(doc: &Value) -> Vec<String> {
    doc["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["Action"].as_array().unwrap().clone())
        .map(|a| a.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn trust_is_sagemaker_only() {
    let t = trust_policy("aws", "us-east-1", "123456789012");
    assert_eq!(
        t["Statement"][0]["Principal"]["Service"],
        "sagemaker.amazonaws.com"
    );
    assert_eq!(t["Statement"][0]["Action"], "sts:AssumeRole");
    assert_eq!(t["Statement"].as_array().unwrap().len(), 1);
}

#[test]
fn trust_is_limited_to_this_account_and_region() {
    let t = trust_policy("aws-cn", "cn-north-1", "123456789012");
    let cond = &t["Statement"][0]["Condition"];
    assert_eq!(
        cond["StringEquals"]["aws:SourceAccount"], "123456789012",
        "{t:#}"
    );
    assert_eq!(
        cond["ArnLike"]["aws:SourceArn"], "arn:aws-cn:sagemaker:cn-north-1:123456789012:*",
        "{t:#}"
    );
    assert_eq!(cond.as_object().unwrap().len(), 2, "{t:#}");
}

#[test]
fn archive_gets_object_read_only() {
    let data = ModelData::Archive("s3://bucket/models/v1/model.tar.gz".into());
    let doc = execution_role_policy(&inputs(&data, IMAGE, &[]));
    let read = by_sid(&doc, "ReadModelData").unwrap();
    assert_eq!(read["Action"], json!(["s3:GetObject"]));
    assert_eq!(
        read["Resource"],
        "arn:aws:s3:::bucket/models/v1/model.tar.gz"
    );
    assert!(by_sid(&doc, "ListModelData").is_none());
    assert!(by_sid(&doc, "WriteAsyncResults").is_none());
    assert!(by_sid(&doc, "Notify").is_none());
    assert!(by_sid(&doc, "VpcNetworkInterfaces").is_none());
    assert!(
        !actions_of(&doc)
            .iter()
            .any(|a| a == "s3:PutObject" || a.starts_with("ec2:"))
    );
}

#[test]
fn prefix_lists_with_condition_and_reads_below() {
    let data = ModelData::Prefix("s3://bucket/models/llama/".into());
    let doc = execution_role_policy(&inputs(&data, IMAGE, &[]));
    let list = by_sid(&doc, "ListModelData").unwrap();
    assert_eq!(list["Action"], json!(["s3:ListBucket"]));
    assert_eq!(list["Resource"], "arn:aws:s3:::bucket");
    assert_eq!(
        list["Condition"]["StringLike"]["s3:prefix"],
        json!(["models/llama/", "models/llama/*"])
    );
    let read = by_sid(&doc, "ReadModelData").unwrap();
    assert_eq!(read["Resource"], "arn:aws:s3:::bucket/models/llama/*");
}

#[test]
fn ecr_repository_and_login() {
    let data = ModelData::Archive("s3://b/m.tar.gz".into());
    let doc = execution_role_policy(&inputs(&data, IMAGE, &[]));
    let pull = by_sid(&doc, "PullImage").unwrap();
    assert_eq!(
        pull["Resource"],
        "arn:aws:ecr:us-east-1:763104351884:repository/pytorch-inference"
    );
    assert_eq!(
        pull["Action"],
        json!([
            "ecr:BatchCheckLayerAvailability",
            "ecr:GetDownloadUrlForLayer",
            "ecr:BatchGetImage"
        ])
    );
    assert_eq!(by_sid(&doc, "EcrLogin").unwrap()["Resource"], "*");
    // China partition, nested repository, digest reference.
    let cn = "727897471807.dkr.ecr.cn-north-1.amazonaws.com.cn/team/model@sha256:abcd";
    let doc = execution_role_policy(&inputs(&data, cn, &[]));
    assert_eq!(
        by_sid(&doc, "PullImage").unwrap()["Resource"],
        "arn:aws-cn:ecr:cn-north-1:727897471807:repository/team/model"
    );
    // Not ECR: no repository statement.
    let doc = execution_role_policy(&inputs(&data, "docker.io/library/nginx:latest", &[]));
    assert!(by_sid(&doc, "PullImage").is_none());
    assert!(by_sid(&doc, "EcrLogin").is_some());
}

#[test]
fn image_uri_parsing() {
    assert_eq!(
        ecr_repository("123456789012.dkr.ecr.eu-west-1.amazonaws.com/repo"),
        Some(("123456789012", "eu-west-1", "repo"))
    );
    assert_eq!(
        ecr_repository("123456789012.dkr.ecr-fips.us-east-1.amazonaws.com/a/b:1"),
        Some(("123456789012", "us-east-1", "a/b"))
    );
    assert_eq!(
        ecr_repository("12345.dkr.ecr.eu-west-1.amazonaws.com/repo:1"),
        None
    );
    assert_eq!(ecr_repository("public.ecr.aws/x/y:1"), None);
    assert_eq!(ecr_repository("nginx"), None);
    assert_eq!(parse_s3_uri("s3://b"), Some(("b", "")));
    assert_eq!(parse_s3_uri("https://b/k"), None);
}

#[test]
fn logs_metrics_topics_outputs_and_vpc() {
    let data = ModelData::Archive("s3://b/m.tar.gz".into());
    let topics = vec![
        "arn:aws:sns:us-east-1:123456789012:sm-my-ep-async-success".to_string(),
        "arn:aws:sns:us-east-1:123456789012:sm-my-ep-async-error".to_string(),
    ];
    let mut i = inputs(&data, IMAGE, &topics);
    i.async_output = Some("s3://out-bucket/results/");
    i.async_failure = Some("s3://out-bucket/failures");
    i.vpc = true;
    let doc = execution_role_policy(&i);
    let logs = by_sid(&doc, "EndpointLogs").unwrap();
    let group = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/my-ep";
    assert_eq!(logs["Resource"], json!([group, format!("{group}:*")]));
    assert_eq!(
        logs["Action"],
        json!([
            "logs:CreateLogGroup",
            "logs:CreateLogStream",
            "logs:PutLogEvents",
            "logs:DescribeLogStreams"
        ])
    );
    assert_eq!(by_sid(&doc, "Metrics").unwrap()["Resource"], "*");
    assert_eq!(by_sid(&doc, "Notify").unwrap()["Resource"], json!(topics));
    assert_eq!(
        by_sid(&doc, "WriteAsyncResults").unwrap()["Resource"],
        json!([
            "arn:aws:s3:::out-bucket/results/*",
            "arn:aws:s3:::out-bucket/failures/*"
        ])
    );
    let vpc = by_sid(&doc, "VpcNetworkInterfaces").unwrap();
    assert_eq!(vpc["Resource"], "*");
    assert_eq!(vpc["Action"].as_array().unwrap().len(), 9);
    // No blanket grants anywhere except the actions AWS only allows on "*".
    for s in doc["Statement"].as_array().unwrap() {
        if s["Resource"] == "*" {
            let sid = s["Sid"].as_str().unwrap();
            assert!(
                ["EcrLogin", "Metrics", "VpcNetworkInterfaces"].contains(&sid),
                "{sid}"
            );
        }
        assert!(
            !s["Action"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a.as_str().unwrap().ends_with(":*"))
        );
    }
}

#[test]
fn iam_special_finds_wildcards_and_variables() {
    assert_eq!(iam_special("models/*/x"), Some("*"));
    assert_eq!(iam_special("models/v?"), Some("?"));
    assert_eq!(iam_special("models/${aws:username}/"), Some("${"));
    assert_eq!(iam_special("models/$5/{x}"), None);
    assert_eq!(iam_special("s3://bucket/models/llama/"), None);
    assert_eq!(
        iam_special("123456789012.dkr.ecr.us-east-1.amazonaws.com/team/model:1"),
        None
    );
}

#[test]
fn customer_keys_and_extra_paths_are_granted_exactly() {
    let data = ModelData::Archive("s3://models/m.tar.gz".into());
    let key = "arn:aws:kms:us-east-1:123456789012:key/endpoint-key";
    let data_key = "arn:aws:kms:us-east-1:123456789012:key/data-key";
    let mut i = inputs(&data, IMAGE, &[]);
    i.kms_key = Some(key);
    let doc = execution_role_policy(&i);
    assert!(
        by_sid(&doc, "UseEndpointKey").is_none(),
        "nothing is written to S3 with the key: no grant"
    );
    i.model_data_kms_key = Some(data_key);
    i.capture_destination = Some("s3://capture/ep/");
    i.async_output = Some("s3://out/ep/");
    i.async_input = Some("s3://in/ep/");
    let doc = execution_role_policy(&i);
    let via = json!({ "StringEquals": { "kms:ViaService": "s3.us-east-1.amazonaws.com" } });
    let use_key = by_sid(&doc, "UseEndpointKey").expect("endpoint key");
    assert_eq!(use_key["Resource"], json!(key));
    assert_eq!(
        use_key["Action"],
        json!(["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*"])
    );
    assert_eq!(use_key["Condition"], via);
    let decrypt = by_sid(&doc, "DecryptModelData").expect("model data key");
    assert_eq!(decrypt["Resource"], json!(data_key));
    assert_eq!(decrypt["Action"], json!(["kms:Decrypt"]));
    assert_eq!(decrypt["Condition"], via);
    assert_eq!(
        by_sid(&doc, "WriteCapturedData").expect("capture")["Resource"],
        json!("arn:aws:s3:::capture/ep/*")
    );
    let read = by_sid(&doc, "ReadAsyncRequests").expect("input");
    assert_eq!(read["Resource"], json!("arn:aws:s3:::in/ep/*"));
    assert_eq!(read["Action"], json!(["s3:GetObject"]));
    let back = recall(&doc);
    assert_eq!(back.async_input.as_deref(), Some("s3://in/ep/"));
    assert_eq!(back.model_data_kms_key.as_deref(), Some(data_key));
    assert_eq!(recall(&json!({})), Recalled::default());
    let china = PolicyInputs {
        region: "cn-north-1",
        partition: "aws-cn",
        ..i
    };
    let doc = execution_role_policy(&china);
    assert_eq!(
        by_sid(&doc, "DecryptModelData").unwrap()["Condition"]["StringEquals"]["kms:ViaService"],
        "s3.cn-north-1.amazonaws.com.cn"
    );
}
