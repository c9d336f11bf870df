# An endpoint whose containers run inside your own VPC, so they can reach
# private resources and no traffic leaves through SageMaker's network. The
# generated execution role also gets the EC2 network-interface permissions
# that this needs (and only when vpc_config is set).

terraform {
  required_providers {
    sagemaker = {
      source = "tfsm/sagemaker"
    }
  }
}

variable "region" {
  type    = string
  default = "us-west-2"
}

variable "subnet_ids" {
  type        = set(string)
  description = "Private subnets for the model containers, ideally in several availability zones."
  default     = ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"]
}

variable "security_group_ids" {
  type        = set(string)
  description = "Security groups attached to the containers' network interfaces."
  default     = ["sg-0123456789abcdef0"]
}

provider "sagemaker" {
  region = var.region
}

resource "sagemaker_custom_endpoint" "private" {
  model_id       = "all-MiniLM-L6-v2"
  endpoint_name  = "private-embeddings"
  instance_type  = "ml.c6i.xlarge"
  model_data_url = "s3://my-model-artifacts/minilm/model.tar.gz"

  container = {
    repository_name = "huggingface-pytorch-inference"
    tag             = "2.1.0-transformers4.37.0-cpu-py310-ubuntu22.04"
  }

  # Changing the network settings creates a new model and moves the endpoint
  # to it in place; the endpoint keeps serving during the switch.
  vpc_config = {
    subnets            = var.subnet_ids
    security_group_ids = var.security_group_ids
  }
}
