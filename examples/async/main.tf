# An asynchronous endpoint: requests are queued, results land in S3, and two
# SNS topics (created and encrypted by the provider) announce success and
# failure. The instance count can later be scaled to zero.

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
  description = "Bucket holding the model archive and receiving the results."
  default     = "my-model-artifacts"
}

provider "sagemaker" {
  region = var.region
}

resource "sagemaker_custom_endpoint" "summarizer" {
  model_id       = "bart-large-cnn"
  endpoint_name  = "summarizer-async"
  instance_type  = "ml.g5.xlarge"
  model_data_url = "s3://${var.bucket}/bart-large-cnn/model.tar.gz"

  container = {
    repository_name = "huggingface-pytorch-inference"
    tag             = "2.1.0-transformers4.37.0-gpu-py310-cu118-ubuntu20.04"
  }

  environment = {
    HF_TASK = "summarization"
  }

  async_inference = {
    output_path  = "s3://${var.bucket}/async/output/"
    failure_path = "s3://${var.bucket}/async/failure/"
  }
}

output "success_topic_arn" {
  value = sagemaker_custom_endpoint.summarizer.success_topic_arn
}

output "error_topic_arn" {
  value = sagemaker_custom_endpoint.summarizer.error_topic_arn
}
