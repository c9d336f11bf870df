# Taking over endpoints a CDK stack made with the CustomSageMakerEndpoint
# construct (Terraform 1.14+; the steps are in docs/guides/migrate-from-cdk.md):
#
#   terraform query                                     # list what find.tfquery.hcl finds
#   terraform query -generate-config-out=generated.tf   # a resource and an import block each
#   terraform plan                                      # only imports, no changes
#   terraform apply
#
# Listing only reads; nothing is tagged or changed before the import runs.

terraform {
  required_version = ">= 1.14"

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
