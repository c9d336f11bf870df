"""Deploy N endpoints with the SageMaker Python SDK (v2): for each one a role, then
`Model(...).deploy()`, which creates the model, the endpoint config and the endpoint and
waits until it is InService (the SDK's default behaviour).
Usage: sdk_deploy.py PREFIX COUNT"""

import sys

import boto3
import sagemaker
from sagemaker.model import Model

from common import IMAGE, INSTANCE_TYPE, MODEL_DATA, REGION, create_role, endpoint_names


def main():
    prefix, count = sys.argv[1], int(sys.argv[2])
    boto_session = boto3.Session(region_name=REGION)
    session = sagemaker.Session(boto_session=boto_session)
    iam = boto_session.client("iam")
    for name in endpoint_names(prefix, count):
        role_arn = create_role(iam, f"{name}-role")
        model = Model(image_uri=IMAGE, model_data=MODEL_DATA, role=role_arn,
                      name=f"{name}-model", sagemaker_session=session)
        model.deploy(initial_instance_count=1, instance_type=INSTANCE_TYPE, endpoint_name=name)


if __name__ == "__main__":
    main()
