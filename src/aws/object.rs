//! S3 objects, for the action's asynchronous requests: put the request,
//! read an answer object once it exists, and delete the request again.

use super::clients::Clients;
use super::error::AwsError;
use aws_sdk_s3::primitives::ByteStream;

/// PutObject.
pub async fn put(
    c: &Clients,
    bucket: &str,
    key: &str,
    body: &[u8],
    content_type: &str,
) -> Result<(), AwsError> {
    tracing::debug!(bucket, key, "s3:PutObject");
    c.s3.put_object()
        .bucket(bucket)
        .key(key)
        .content_type(content_type)
        .body(ByteStream::from(body.to_vec()))
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("PutObject", e))?;
    Ok(())
}

/// GetObject; `Ok(None)` while there is no such object.
pub async fn get(c: &Clients, bucket: &str, key: &str) -> Result<Option<Vec<u8>>, AwsError> {
    tracing::debug!(bucket, key, "s3:GetObject");
    match c.s3.get_object().bucket(bucket).key(key).send().await {
        Ok(out) => {
            let bytes = out.body.collect().await.map_err(|e| {
                AwsError::invalid_request("GetObject", format!("reading the body failed: {e}"))
            })?;
            Ok(Some(bytes.into_bytes().to_vec()))
        }
        Err(e) => {
            let missing = e.as_service_error().is_some_and(|s| s.is_no_such_key());
            let e = AwsError::from_sdk("GetObject", e);
            if missing || e.is_not_found() {
                Ok(None)
            } else {
                Err(e)
            }
        }
    }
}

/// DeleteObject; a missing object counts as deleted.
pub async fn delete(c: &Clients, bucket: &str, key: &str) -> Result<(), AwsError> {
    tracing::debug!(bucket, key, "s3:DeleteObject");
    c.s3.delete_object()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("DeleteObject", e))?;
    Ok(())
}
