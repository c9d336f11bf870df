# An endpoint that runs under an IAM role you manage yourself, for example one
# shared by several models or created by a platform team. The provider then
# creates no role and never changes or deletes the one you name; make sure it
# trusts sagemaker.amazonaws.com and can read the model data.

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

variable "role_arn" {
  type        = string
  description = "ARN of an existing SageMaker execution role."
  default     = "arn:aws:iam::123456789012:role/sagemaker-inference"
}

provider "sagemaker" {
  region = var.region
}

resource "sagemaker_custom_endpoint" "reranker" {
  model_id       = "bge-reranker-base"
  endpoint_name  = "reranker"
  instance_type  = "ml.g5.xlarge"
  instance_count = 2
  model_data_url = "s3://my-model-artifacts/bge-reranker-base/model.tar.gz"
  role_arn       = var.role_arn

  container = {
    repository_name = "huggingface-pytorch-inference"
    tag             = "2.1.0-transformers4.37.0-gpu-py310-cu118-ubuntu20.04"
  }
}

# With role_arn set, execution_role_arn simply echoes it.
output "execution_role_arn" {
  value = sagemaker_custom_endpoint.reranker.execution_role_arn
}
