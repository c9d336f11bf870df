"""Refresh with plain boto3: the reads the provider's refresh makes, on the same objects, with
10 threads, written as directly as boto3 allows. Per endpoint, DescribeEndpoint; the tags of
every endpoint, model and config (ownership and tag drift) with the Resource Groups Tagging
API's GetResources, 100 ARNs a call; and the generated roles (trust policy, tags, inline and
attached policies) with one GetAccountAuthorizationDetails listing of the account's roles. This
is the floor: the bare round trips of the shared reads, with no Terraform around them.
Usage: boto3_refresh.py TARGETS.json
  (a list of {"endpoint", "endpoint_arn", "model_arn", "config_arn", "role"})"""

import json
import sys
from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config

from common import REGION

BATCH = 100


def main():
    targets = json.load(open(sys.argv[1]))
    session = boto3.Session(region_name=REGION)
    cfg = Config(max_pool_connections=10)
    sm = session.client("sagemaker", config=cfg)
    tagging = session.client("resourcegroupstaggingapi", config=cfg)
    iam = session.client("iam", config=cfg)

    def status(t):
        return sm.describe_endpoint(EndpointName=t["endpoint"])["EndpointStatus"]

    arns = [t[k] for t in targets for k in ("endpoint_arn", "model_arn", "config_arn")]

    def tags(chunk):
        out = tagging.get_resources(ResourceARNList=chunk)
        return {m["ResourceARN"]: m["Tags"] for m in out["ResourceTagMappingList"]}

    def roles():
        found, marker = {}, None
        while True:
            kw = {"Filter": ["Role"], "MaxItems": 1000}
            if marker:
                kw["Marker"] = marker
            page = iam.get_account_authorization_details(**kw)
            found.update({r["RoleName"]: r for r in page["RoleDetailList"]})
            if not page.get("IsTruncated"):
                return found
            marker = page["Marker"]

    with ThreadPoolExecutor(max_workers=10) as pool:
        listed_roles = pool.submit(roles)
        chunks = [arns[i:i + BATCH] for i in range(0, len(arns), BATCH)]
        tagged = {}
        for part in pool.map(tags, chunks):
            tagged.update(part)
        statuses = list(pool.map(status, targets))
        known_roles = listed_roles.result()
    assert all(s == "InService" for s in statuses), statuses
    assert all(a in tagged for a in arns), "every object has its tags"
    assert all(t["role"] in known_roles for t in targets), "every role is listed"


if __name__ == "__main__":
    main()
