variable "sandbox_url" {
  type        = string
  description = "Base URL of the local sandbox, for example http://127.0.0.1:40123 (printed as the sandbox's first output line)."
}

variable "region" {
  type        = string
  description = "Region the sandbox account pretends to be in."
  default     = "us-east-1"
}

variable "endpoint_name" {
  type        = string
  description = "Name of the SageMaker endpoint."
  default     = "quickstart-sentiment"
}

variable "model_data_url" {
  type        = string
  description = "S3 location of the model archive; the quickstart seeds this object in the sandbox."
  default     = "s3://quickstart-models/sentiment/model.tar.gz"
}
