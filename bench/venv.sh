#!/usr/bin/env bash
# Create (or refresh) bench/.venv with the pinned peers from bench/requirements.txt.
# Idempotent: does nothing when the requirements file has not changed since the last install.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${BENCH_VENV:-$here/.venv}"
req="$here/requirements.txt"
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$req" | cut -d' ' -f1)"
if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  echo "bench venv up to date: $venv"
  exit 0
fi
[[ -x "$venv/bin/python" ]] || "${PYTHON:-python3}" -m venv "$venv"
export PIP_DISABLE_PIP_VERSION_CHECK=1
"$venv/bin/python" -m pip install --no-input --quiet --upgrade pip
"$venv/bin/python" -m pip install --no-input --quiet -r "$req"
"$venv/bin/python" -c 'import boto3, sagemaker, matplotlib'
echo "$want" >"$stamp"
echo "bench venv ready: $venv (sagemaker $("$venv/bin/python" -c 'import sagemaker; print(sagemaker.__version__)'))"
