# A smoke test after every deploy (Terraform 1.14+): once the endpoint is
# created or updated, the action sends one request and fails the apply when
# the answer is not a 200 containing "POSITIVE". Run it alone with
#
#   terraform apply -invoke=action.sagemaker_invoke_endpoint.smoke

terraform {
  required_version = ">= 1.14"

  required_providers {
    sagemaker = {
      source = "tfsm/sagemaker"
    }
  }
}

provider "sagemaker" {
  region = "eu-west-1"
}

resource "sagemaker_custom_endpoint" "sentiment" {
  model_id       = "distilbert-base-uncased-finetuned-sst-2-english"
  endpoint_name  = "sentiment"
  instance_type  = "ml.m5.xlarge"
  model_data_url = "s3://my-model-artifacts/sentiment/model.tar.gz"

  container = {
    repository_name = "huggingface-pytorch-inference"
    tag             = "2.1.0-transformers4.37.0-cpu-py310-ubuntu22.04"
  }

  environment = {
    HF_TASK = "text-classification"
  }

  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.sagemaker_invoke_endpoint.smoke]
    }
  }
}

action "sagemaker_invoke_endpoint" "smoke" {
  config {
    endpoint_name        = sagemaker_custom_endpoint.sentiment.endpoint_name
    body                 = jsonencode({ inputs = "I love this product" })
    expect_status        = 200
    expect_body_contains = "POSITIVE"
    timeout              = "30s"
  }
}
