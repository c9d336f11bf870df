# Starts moto's server (the sandbox runs this with `python -c`, arguments after it).
#
# moto's Application Auto Scaling checks ScalableDimension against a fixed list that
# lacks `sagemaker:variant:DesiredProvisionedConcurrency`, the dimension AWS uses to scale
# the provisioned concurrency of a serverless SageMaker variant. The list is widened here,
# before the server imports it.
#
# AWS deletes a scalable target's scaling policies when the target is deregistered; moto
# keeps them. DeregisterScalableTarget is wrapped to delete them as AWS does.
import enum
import sys

from moto.applicationautoscaling import models, responses

EXTRA_DIMENSIONS = {
    "SAGEMAKER_VARIANT_DESIRED_PROVISIONED_CONCURRENCY": "sagemaker:variant:DesiredProvisionedConcurrency",
}

members = {m.name: m.value for m in models.ScalableDimensionValueSet}
for name, value in EXTRA_DIMENSIONS.items():
    if value not in members.values():
        members[name] = value
widened = enum.Enum("ScalableDimensionValueSet", members)
models.ScalableDimensionValueSet = widened
responses.ScalableDimensionValueSet = widened

_deregister = models.ApplicationAutoscalingBackend.deregister_scalable_target


def _deregister_with_policies(self, namespace, r_id, dimension):
    _deregister(self, namespace, r_id, dimension)
    for key, policy in list(self.policies.items()):
        if (policy.service_namespace, policy.resource_id, policy.scalable_dimension) == (
            namespace,
            r_id,
            dimension,
        ):
            policy.delete_alarms(self.account_id, self.region_name)
            del self.policies[key]


models.ApplicationAutoscalingBackend.deregister_scalable_target = _deregister_with_policies

from moto.server import main  # noqa: E402

main(sys.argv[1:])
