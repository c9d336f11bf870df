output "endpoint_arn" {
  description = "ARN of the endpoint; pass it to InvokeEndpoint."
  value       = sagemaker_custom_endpoint.quickstart.endpoint_arn
}

output "endpoint_status" {
  description = "Status SageMaker reported when the apply finished (InService once it serves)."
  value       = sagemaker_custom_endpoint.quickstart.endpoint_status
}

output "execution_role_arn" {
  description = "The role the provider generated for SageMaker."
  value       = sagemaker_custom_endpoint.quickstart.execution_role_arn
}

output "invoke_policy_json" {
  description = "An IAM policy allowing callers to invoke this endpoint; attach it to their role."
  value       = sagemaker_custom_endpoint.quickstart.invoke_policy_json
}
