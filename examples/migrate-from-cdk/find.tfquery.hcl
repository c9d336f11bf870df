# Every endpoint of the stack `inference-prod` (the CDK puts the stack's tags
# on the endpoint), with the whole resource object, so that
# -generate-config-out can write its configuration.
list "sagemaker_custom_endpoint" "from_cdk" {
  provider         = sagemaker
  include_resource = true

  config {
    tags = {
      stack = "inference-prod"
    }
  }
}

# Everything in the account and region that is serving, to see what is there.
list "sagemaker_custom_endpoint" "serving" {
  provider = sagemaker

  config {
    status = "InService"
  }
}
