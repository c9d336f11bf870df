# Autoscaling is opt-in: without an `autoscaling` attribute the endpoint keeps
# `instance_count` instances. With it, the provider registers the endpoint's
# variant with Application Auto Scaling and adds a target-tracking policy.
# While autoscaling is on, `instance_count` is only the starting point: the
# provider never resets the count autoscaling chose.

terraform {
  required_providers {
    sagemaker = {
      source = "tfsm/sagemaker"
    }
  }
}

variable "region" {
  type    = string
  default = "us-east-1"
}

variable "bucket" {
  type        = string
  description = "Bucket holding the model archives and the async results."
  default     = "my-model-artifacts"
}

provider "sagemaker" {
  region = var.region
}

# A real-time endpoint between 2 and 8 instances, scaled on the requests each
# instance receives per minute.
resource "sagemaker_custom_endpoint" "embeddings" {
  model_id       = "bge-base-en-v1.5"
  endpoint_name  = "embeddings"
  instance_type  = "ml.g5.xlarge"
  instance_count = 2
  model_data_url = "s3://${var.bucket}/bge-base/model.tar.gz"

  container = {
    repository_name = "huggingface-pytorch-inference"
    tag             = "2.1.0-transformers4.37.0-gpu-py310-cu118-ubuntu20.04"
  }

  autoscaling = {
    min_capacity                    = 2
    max_capacity                    = 8
    target_invocations_per_instance = 200
    scale_in_cooldown               = 600 # shrink slowly
    scale_out_cooldown              = 60  # grow quickly
  }
}

# An asynchronous endpoint that costs nothing while idle: with
# `min_capacity = 0` it scales down to no instances when its queue is empty,
# and the provider adds an alarm and a step policy that start the first
# instance again as soon as requests wait.
resource "sagemaker_custom_endpoint" "batch_summaries" {
  model_id       = "bart-large-cnn"
  endpoint_name  = "batch-summaries"
  instance_type  = "ml.g5.xlarge"
  model_data_url = "s3://${var.bucket}/bart-large-cnn/model.tar.gz"

  container = {
    repository_name = "huggingface-pytorch-inference"
    tag             = "2.1.0-transformers4.37.0-gpu-py310-cu118-ubuntu20.04"
  }

  async_inference = {
    output_path = "s3://${var.bucket}/summaries/output/"
  }

  autoscaling = {
    min_capacity                = 0
    max_capacity                = 4
    target_backlog_per_instance = 10
  }
}
