# Starts moto's server (the sandbox runs this with `python -c`, arguments after it).
#
# moto's Application Auto Scaling checks ScalableDimension against a fixed list that
# lacks `sagemaker:variant:DesiredProvisionedConcurrency`, the dimension AWS uses to scale
# the provisioned concurrency of a serverless SageMaker variant. The list is widened here,
# before the server imports it; nothing else in moto changes.
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

from moto.server import main  # noqa: E402

main(sys.argv[1:])
