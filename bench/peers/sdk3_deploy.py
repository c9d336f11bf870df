"""Deploy N endpoints with the SageMaker Python SDK v3: for each one a role, then the path the
v3 migration guide gives for a v2 `Model(image_uri, model_data, role).deploy()`:
`ModelBuilder(image_uri=..., s3_model_data_url=..., role_arn=...)` from `sagemaker.serve`,
`build()` (creates the Model) and `deploy()` (creates the endpoint config and the endpoint and
waits until InService, its default). With an image and S3 model data and no model object,
ModelBuilder takes its pass-through path: no model server, no packaging, no upload.
Usage: sdk3_deploy.py PREFIX COUNT"""

import sys

import boto3
from sagemaker.core.helper.session_helper import Session
from sagemaker.serve import ModelBuilder

from common import IMAGE, INSTANCE_TYPE, MODEL_DATA, REGION, create_role, endpoint_names


def main():
    prefix, count = sys.argv[1], int(sys.argv[2])
    boto_session = boto3.Session(region_name=REGION)
    session = Session(boto_session=boto_session)
    iam = boto_session.client("iam")
    for name in endpoint_names(prefix, count):
        role_arn = create_role(iam, f"{name}-role")
        builder = ModelBuilder(image_uri=IMAGE, s3_model_data_url=MODEL_DATA, role_arn=role_arn,
                               instance_type=INSTANCE_TYPE, sagemaker_session=session)
        builder.build(model_name=f"{name}-model")
        endpoint = builder.deploy(endpoint_name=name, initial_instance_count=1,
                                  instance_type=INSTANCE_TYPE)
        status = endpoint.endpoint_status
        if status != "InService":
            raise SystemExit(f"{name}: deploy() returned with the endpoint {status}")


if __name__ == "__main__":
    main()
