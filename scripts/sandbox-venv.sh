#!/usr/bin/env bash
# Create (or refresh) the project-local Python venv that holds moto for the sandbox.
# Idempotent: re-running only installs what is missing or changed in sandbox/requirements.txt.
# Usage: scripts/sandbox-venv.sh [VENV_DIR]   (default: sandbox/.venv)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${1:-${SANDBOX_VENV:-$root/sandbox/.venv}}"
req="$root/sandbox/requirements.txt"
python="${PYTHON:-python3}"
stamp="$venv/.requirements.sha256"

want="$(sha256sum "$req" | cut -d' ' -f1)"
if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  if "$venv/bin/python" -c 'import moto.server' 2>/dev/null; then
    echo "sandbox venv up to date: $venv"
    exit 0
  fi
fi

if [[ ! -x "$venv/bin/python" ]]; then
  echo "creating venv $venv"
  "$python" -m venv "$venv"
fi

export PIP_DISABLE_PIP_VERSION_CHECK=1
"$venv/bin/python" -m pip install --no-input --quiet --upgrade pip
"$venv/bin/python" -m pip install --no-input --quiet -r "$req"
"$venv/bin/python" -c 'import moto.server' 
echo "$want" >"$stamp"
echo "sandbox venv ready: $venv ($("$venv/bin/python" -c 'import moto; print("moto", moto.__version__)'))"
