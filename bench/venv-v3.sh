#!/usr/bin/env bash
# Create (or refresh) bench/.venv-v3 with the SageMaker Python SDK v3 peer from
# bench/requirements-v3.txt. Idempotent: does nothing when the requirements file has not changed
# since the last successful install (its sha256 is stamped into the venv).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${BENCH_VENV_V3:-$here/.venv-v3}"
req="$here/requirements-v3.txt"
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$req" | cut -d' ' -f1)"
if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  echo "bench v3 venv up to date: $venv"
  exit 0
fi
[[ -x "$venv/bin/python" ]] || "${PYTHON:-python3}" -m venv "$venv"
export PIP_DISABLE_PIP_VERSION_CHECK=1
"$venv/bin/python" -m pip install --no-input --quiet --upgrade pip
"$venv/bin/python" -m pip install --no-input --quiet -r "$req"
# The classes peers/sdk3_deploy.py uses must import (sagemaker.serve builds a boto3 client at
# import time, so it needs a region; no request is made).
AWS_DEFAULT_REGION=us-east-1 "$venv/bin/python" -c 'from sagemaker.serve import ModelBuilder; from sagemaker.core.helper.session_helper import Session'
echo "$want" >"$stamp"
echo "bench v3 venv ready: $venv (sagemaker $("$venv/bin/python" -c 'from importlib.metadata import version; print(version("sagemaker"))'))"
