# A serverless endpoint: no instances to choose or pay for while idle.
# SageMaker runs the model on workers with the memory size given, serving at
# most max_concurrency requests at once. Two workers are kept warm, and
# autoscaling moves that provisioned concurrency between 1 and 4, holding
# about 60% of it in use.

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

resource "sagemaker_custom_endpoint" "classifier" {
  model_id       = "distilbert-base-uncased-finetuned-sst-2-english"
  endpoint_name  = "sentiment-serverless"
  model_data_url = "s3://my-models/sentiment/model.tar.gz"

  container = {
    repository_name = "huggingface-pytorch-inference"
    tag             = "2.1.0-transformers4.37.0-cpu-py310-ubuntu22.04"
  }

  serverless = {
    memory_size_in_mb       = 4096
    max_concurrency         = 20
    provisioned_concurrency = 2
  }

  autoscaling = {
    min_capacity                               = 1
    max_capacity                               = 4
    target_provisioned_concurrency_utilization = 0.6
  }

  log_retention_in_days = 30

  tags = {
    team = "nlp"
  }
}

output "endpoint_name" {
  value = sagemaker_custom_endpoint.classifier.endpoint_name
}
