# A real-time endpoint serving a BGE embedding model on AWS Inferentia2, using a
# Hugging Face Neuron Deep Learning Container. The model archive must already be
# in S3, in the same region as the endpoint.

terraform {
  required_providers {
    sagemaker = {
      source = "tfsm/sagemaker"
    }
  }
}

variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "model_data_url" {
  type        = string
  description = "S3 URL of the model archive (model.tar.gz)."
  default     = "s3://my-model-artifacts/bge-base/model.tar.gz"
}

provider "sagemaker" {
  region = var.region
}

resource "sagemaker_custom_endpoint" "bge" {
  model_id          = "bgeinf2"
  endpoint_name     = "testbgebase"
  instance_type     = "ml.inf2.xlarge"
  instance_count    = 1
  volume_size_in_gb = 100
  model_data_url    = var.model_data_url

  container = {
    repository_name = "huggingface-pytorch-inference-neuronx"
    tag             = "1.13.1-transformers4.34.1-neuronx-py310-sdk2.15.0-ubuntu20.04"
  }
}

output "endpoint_arn" {
  value = sagemaker_custom_endpoint.bge.endpoint_arn
}

output "image_uri" {
  value = sagemaker_custom_endpoint.bge.image_uri
}
