//! Deployment checks against moto: does the execution role exist (and trust SageMaker), and is
//! the model data in S3? A failed check makes the endpoint end in Failed (or roll back).

use serde_json::Value;

use super::models::assume_role_error;
use crate::app::App;
use crate::moto::parse_s3_uri;
use crate::store::Model;

/// Where a container's model data lives.
enum Data {
    Object(String),
    Prefix(String),
}

fn model_data(container: &Value) -> Option<Data> {
    if let Some(url) = container.get("ModelDataUrl").and_then(Value::as_str) {
        return Some(Data::Object(url.to_string()));
    }
    let src = container.get("ModelDataSource")?.get("S3DataSource")?;
    let uri = src.get("S3Uri")?.as_str()?.to_string();
    match src.get("S3DataType").and_then(Value::as_str) {
        Some("S3Object") => Some(Data::Object(uri)),
        _ => Some(Data::Prefix(uri)),
    }
}

/// The FailureReason for the first problem found in `models`, or `None` when all is well.
pub async fn deployment_failure(app: &App, models: &[Model]) -> Option<String> {
    for m in models {
        if let Some(role) = m.role_arn() {
            let name = role.rsplit('/').next().unwrap_or_default();
            match app.moto.role_trust_policy(name).await {
                Ok(Some(trust)) if trust.contains("sagemaker.amazonaws.com") => {}
                Ok(_) => return Some(assume_role_error(role)),
                Err(e) => tracing::warn!("role check for {role} skipped: {e}"),
            }
        }
        for c in m.containers() {
            let (uri, found) = match model_data(c) {
                None => continue,
                Some(Data::Object(uri)) => {
                    let Some((bucket, key)) = parse_s3_uri(&uri) else {
                        continue;
                    };
                    (uri, app.moto.s3_object_exists(&bucket, &key).await)
                }
                Some(Data::Prefix(uri)) => {
                    let Some((bucket, prefix)) = parse_s3_uri(&uri) else {
                        continue;
                    };
                    (uri, app.moto.s3_prefix_exists(&bucket, &prefix).await)
                }
            };
            match found {
                Ok(true) => {}
                Ok(false) => {
                    return Some(format!(
                        "Failed to download model data from {uri} for model \"{}\". Please ensure that \
                         the object or prefix exists in S3 and that the role passed to CreateModel \
                         is allowed to read it.",
                        m.name
                    ));
                }
                Err(e) => tracing::warn!("model data check for {uri} skipped: {e}"),
            }
        }
    }
    None
}
