"""Deploy N endpoints with plain boto3: role, model, config and endpoint each, then wait
for every endpoint with the standard `endpoint_in_service` waiter.
Usage: boto3_deploy.py PREFIX COUNT"""

import sys

import boto3

from common import IMAGE, INSTANCE_TYPE, MODEL_DATA, REGION, create_role, endpoint_names


def main():
    prefix, count = sys.argv[1], int(sys.argv[2])
    session = boto3.Session(region_name=REGION)
    iam, sm = session.client("iam"), session.client("sagemaker")
    names = endpoint_names(prefix, count)
    for name in names:
        role_arn = create_role(iam, f"{name}-role")
        sm.create_model(ModelName=f"{name}-model", ExecutionRoleArn=role_arn,
                        PrimaryContainer={"Image": IMAGE, "ModelDataUrl": MODEL_DATA,
                                          "Environment": {"SAGEMAKER_REGION": REGION}})
        sm.create_endpoint_config(
            EndpointConfigName=f"{name}-config",
            ProductionVariants=[{"VariantName": "AllTraffic", "ModelName": f"{name}-model",
                                 "InitialInstanceCount": 1, "InstanceType": INSTANCE_TYPE,
                                 "InitialVariantWeight": 1.0}])
        sm.create_endpoint(EndpointName=name, EndpointConfigName=f"{name}-config")
    waiter = sm.get_waiter("endpoint_in_service")
    for name in names:
        waiter.wait(EndpointName=name)


if __name__ == "__main__":
    main()
