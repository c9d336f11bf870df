# The quickstart: one real-time endpoint on the local sandbox account.
#
# `make quickstart` starts the sandbox, puts a model archive into its S3 and
# applies this configuration with `-var sandbox_url=...`. The only thing that
# ties it to the sandbox is the provider block: drop `endpoints`, `access_key`
# and `secret_key` and the same resource deploys to a real AWS account.

terraform {
  required_version = ">= 1.6"

  required_providers {
    sagemaker = {
      source = "tfsm/sagemaker"
    }
  }
}

provider "sagemaker" {
  region = var.region

  # The sandbox accepts any static credentials; never put real keys here.
  access_key = "sandbox"
  secret_key = "sandbox"

  # Every AWS API the provider calls goes to the sandbox's single URL, which
  # serves SageMaker itself and hands the other services to moto.
  endpoints {
    sagemaker              = var.sandbox_url
    iam                    = var.sandbox_url
    sts                    = var.sandbox_url
    sns                    = var.sandbox_url
    s3                     = var.sandbox_url
    applicationautoscaling = var.sandbox_url
    cloudwatch             = var.sandbox_url
  }
}

# A sentiment classifier served by the Hugging Face inference container. The
# provider also creates a least-privilege execution role for it (no `role_arn`
# is given), a model and an endpoint configuration, all named after the
# endpoint.
resource "sagemaker_custom_endpoint" "quickstart" {
  model_id       = "distilbert-base-uncased-finetuned-sst-2-english"
  endpoint_name  = var.endpoint_name
  instance_type  = "ml.m5.xlarge"
  model_data_url = var.model_data_url

  container = {
    repository_name = "huggingface-pytorch-inference"
    tag             = "2.1.0-transformers4.37.0-cpu-py310-ubuntu22.04"
  }

  environment = {
    HF_TASK = "text-classification"
  }

  tags = {
    purpose = "quickstart"
  }
}
