# Bringing an endpoint that already exists under Terraform's management with an
# `import` block (Terraform 1.5+). The import ID is the endpoint name. Write the
# resource as the endpoint is configured today, run `terraform plan` to see
# what the import reads, then `terraform apply`; the block can be deleted
# afterwards.
#
# Once imported, the endpoint's model and configuration belong to this
# resource: the next change deploys new ones and removes the old ones.

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

provider "sagemaker" {
  region = var.region
}

import {
  to = sagemaker_custom_endpoint.legacy
  id = "legacy-classifier"
}

resource "sagemaker_custom_endpoint" "legacy" {
  model_id       = "legacy-classifier"
  endpoint_name  = "legacy-classifier"
  instance_type  = "ml.m5.large"
  model_data_url = "s3://my-model-artifacts/legacy-classifier/model.tar.gz"

  # An image you build and push yourself works as well as a Deep Learning
  # Container.
  container = {
    image_uri = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/legacy-classifier:2024-06-01"
  }
}
