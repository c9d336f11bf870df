# An endpoint as security reviews ask for it: customer-managed KMS keys for the
# storage volume, the asynchronous results and the captured traffic, a model
# container without network access, and a sample of requests and answers
# captured to S3 for monitoring, and container logs that expire and go with the
# endpoint. The generated role may use the keys only
# through S3 and write only below the capture and output paths.

terraform {
  required_providers {
    sagemaker = {
      source = "tfsm/sagemaker"
    }
  }
}

provider "sagemaker" {
  region = "eu-west-1"
}

variable "endpoint_key_arn" {
  type    = string
  default = "arn:aws:kms:eu-west-1:123456789012:key/0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9"
}

variable "model_bucket_key_arn" {
  type    = string
  default = "arn:aws:kms:eu-west-1:123456789012:key/9f8e7d6c-5b4a-3928-1706-f5e4d3c2b1a0"
}

resource "sagemaker_custom_endpoint" "scoring" {
  model_id       = "fraud-scorer"
  endpoint_name  = "fraud-scoring"
  instance_type  = "ml.m5.xlarge"
  model_data_url = "s3://my-private-models/fraud/model.tar.gz"

  container = {
    image_uri = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/fraud-scorer:3.2"
  }

  enable_network_isolation = true
  kms_key_arn              = var.endpoint_key_arn
  model_data_kms_key_arn   = var.model_bucket_key_arn

  data_capture = {
    destination_s3_uri          = "s3://my-monitoring/fraud-scoring/"
    initial_sampling_percentage = 20
    capture_modes               = ["Input", "Output"]
    json_content_types          = ["application/json"]
  }

  # The log group is made before the endpoint, kept for 90 days, and deleted
  # with the endpoint.
  log_retention_in_days  = 90
  delete_logs_on_destroy = true

  async_inference = {
    output_path  = "s3://my-inference/fraud-scoring/results/"
    failure_path = "s3://my-inference/fraud-scoring/errors/"
    input_path   = "s3://my-inference/fraud-scoring/requests/"
  }
}
