"""What the peer scripts share: the workload (the same one the Terraform configuration
describes) and the IAM role a user would create by hand for each endpoint.

The scripts are written as a user would write them against real AWS. The only sandbox
plumbing is the environment: AWS_ENDPOINT_URL points every boto3 client at the sandbox,
with static test credentials and a region."""

import json
import os

REGION = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
IMAGE = ("763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-inference-neuronx:"
         "1.13.1-transformers4.34.1-neuronx-py310-sdk2.15.0-ubuntu20.04")
MODEL_DATA = os.environ.get("BENCH_MODEL_DATA", "s3://bench-models/bge/model.tar.gz")
INSTANCE_TYPE = "ml.inf2.xlarge"

TRUST = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{
        "Effect": "Allow",
        "Principal": {"Service": "sagemaker.amazonaws.com"},
        "Action": "sts:AssumeRole",
    }],
})


def endpoint_names(prefix, count):
    return [f"{prefix}-{i:03d}" for i in range(count)]


def create_role(iam, name):
    """The execution role: trusted by SageMaker, with the managed SageMaker policy."""
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    iam.attach_role_policy(RoleName=name,
                           PolicyArn="arn:aws:iam::aws:policy/AmazonSageMakerFullAccess")
    return arn
