"""Refresh with plain boto3: the reads the provider's refresh makes for each endpoint, on the
same objects, with 10 threads: DescribeEndpoint and the tags of the endpoint, its model and its
config (ownership and tag drift), and GetRole, GetRolePolicy and ListAttachedRolePolicies for the
role the provider generated (trust, inline and attached policies, tags). This is the floor: the
bare round trips, with no Terraform around them.
Usage: boto3_refresh.py TARGETS.json
  (a list of {"endpoint", "endpoint_arn", "model_arn", "config_arn", "role"})"""

import json
import sys
from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config

from common import REGION


def main():
    targets = json.load(open(sys.argv[1]))
    session = boto3.Session(region_name=REGION)
    cfg = Config(max_pool_connections=10)
    sm, iam = session.client("sagemaker", config=cfg), session.client("iam", config=cfg)

    def read(t):
        status = sm.describe_endpoint(EndpointName=t["endpoint"])["EndpointStatus"]
        for arn in (t["endpoint_arn"], t["model_arn"], t["config_arn"]):
            sm.list_tags(ResourceArn=arn)
        iam.get_role(RoleName=t["role"])
        iam.get_role_policy(RoleName=t["role"], PolicyName="tfsm-execution")
        iam.list_attached_role_policies(RoleName=t["role"])
        return status

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(read, targets))
    assert all(s == "InService" for s in statuses), statuses


if __name__ == "__main__":
    main()
