# Large language models are often stored uncompressed: packing tens of
# gigabytes into one model.tar.gz is slow and SageMaker would have to unpack
# it on every instance. When model_data_url does not end in .tar.gz, the
# provider treats it as an S3 prefix and SageMaker copies the files under it
# as they are (end the prefix with a slash).

terraform {
  required_providers {
    sagemaker = {
      source = "tfsm/sagemaker"
    }
  }
}

variable "region" {
  type    = string
  default = "us-east-1"
}

provider "sagemaker" {
  region = var.region
}

resource "sagemaker_custom_endpoint" "llm" {
  model_id       = "mistralai/Mistral-7B-Instruct-v0.2"
  endpoint_name  = "mistral-7b-instruct"
  instance_type  = "ml.g5.2xlarge"
  model_data_url = "s3://my-model-artifacts/mistral-7b-instruct/"

  # Text Generation Inference reads the weights from /opt/ml/model, where
  # SageMaker places the files found under the prefix.
  container = {
    repository_name = "huggingface-pytorch-tgi-inference"
    tag             = "2.1.1-tgi1.4.0-gpu-py310-cu121-ubuntu22.04"
  }

  environment = {
    HF_MODEL_ID    = "/opt/ml/model"
    SM_NUM_GPUS    = "1"
    MAX_INPUT_LEN  = "3072"
    MAX_TOTAL_TOKS = "4096"
  }

  # Big weights take a while to copy and load: allow more than the defaults.
  volume_size_in_gb                       = 200
  model_data_download_timeout_in_seconds  = 1800
  startup_health_check_timeout_in_seconds = 1800

  timeouts {
    create = "60m"
    update = "60m"
  }
}
