#!/usr/bin/env bash
# Quickstart: deploys examples/quickstart to a local sandbox account and tears
# it down again.
#
#   1. builds the provider and the sandbox, and prepares the sandbox's Python venv;
#   2. starts the sandbox on a free loopback port and seeds a model archive in its S3;
#   3. applies examples/quickstart with the real Terraform CLI, using a dev_overrides
#      CLI config written to a temporary directory (your home is never touched);
#   4. prints the outputs, then destroys everything and stops the sandbox.
#
# Step 4 also runs when a step fails or you press Ctrl-C.
#
# Environment (all optional):
#   QUICKSTART_PROVIDER_BIN, QUICKSTART_SANDBOX_BIN  use these binaries and skip the build
#   SANDBOX_VENV                                     the sandbox's venv (default sandbox/.venv)
#   TFSM_TERRAFORM                                   the Terraform executable (default terraform on PATH)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
started=$SECONDS
step() { printf '\n==> [%3ss] %s\n' "$((SECONDS - started))" "$*"; }
die() {
  printf 'quickstart: %s\n' "$*" >&2
  exit 1
}

terraform=${TFSM_TERRAFORM:-terraform}
for tool in "$terraform" python3; do
  command -v "$tool" >/dev/null || die "$tool is required on PATH (see README: Terraform 1.11+, Python 3.11)"
done

# --- 1. build ---------------------------------------------------------------
provider_bin=${QUICKSTART_PROVIDER_BIN:-}
sandbox_bin=${QUICKSTART_SANDBOX_BIN:-}
if [[ -z $provider_bin || -z $sandbox_bin ]]; then
  command -v cargo >/dev/null || die "cargo is required on PATH to build the provider"
  step "building the provider and the sandbox (cargo build; the first build takes a while)"
  cargo build --manifest-path "$root/Cargo.toml" \
    -p terraform-provider-sagemaker --bin terraform-provider-sagemaker \
    -p sagemaker-sandbox --bin sagemaker-sandbox
  target_dir=$(cargo metadata --manifest-path "$root/Cargo.toml" --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
  provider_bin=$target_dir/debug/terraform-provider-sagemaker
  sandbox_bin=$target_dir/debug/sagemaker-sandbox
fi
[[ -x $provider_bin ]] || die "provider binary not found: $provider_bin"
[[ -x $sandbox_bin ]] || die "sandbox binary not found: $sandbox_bin"

step "preparing the sandbox's Python venv (moto)"
"$root/scripts/sandbox-venv.sh"

started=$SECONDS # the 3-minute budget counts from here

# --- cleanup, whatever happens from now on -----------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/sagemaker-quickstart.XXXXXX")
example=$work/quickstart
sandbox_pid=
sandbox_url=

# -chdir, not a subshell: Terraform must be a direct child so that a Ctrl-C
# lets it finish gracefully before the cleanup runs.
tf() { "$terraform" -chdir="$example" "$@"; }

stop_sandbox() {
  [[ -n $sandbox_pid ]] || return 0
  kill -TERM "$sandbox_pid" 2>/dev/null || true
  for _ in $(seq 50); do
    kill -0 "$sandbox_pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$sandbox_pid" 2>/dev/null || true
  wait "$sandbox_pid" 2>/dev/null || true
  sandbox_pid=
}

# Talks to the sandbox's control API: control METHOD PATH [JSON_BODY].
control() {
  python3 - "$sandbox_url/_sandbox/$2" "$1" "${3:-}" <<'PY'
import sys, urllib.request
url, method, body = sys.argv[1], sys.argv[2], sys.argv[3]
req = urllib.request.Request(url, method=method, data=body.encode() if body else None,
                             headers={"content-type": "application/json"})
with urllib.request.urlopen(req, timeout=30) as resp:
    print(resp.read().decode())
PY
}

# Fails unless the sandbox account holds nothing but the seeded model archive.
assert_nothing_left() {
  control GET inventory | python3 -c '
import json, sys
inv = json.load(sys.stdin)
if not inv["empty"]:
    sys.exit("quickstart: objects left in the sandbox after destroy: " + json.dumps(inv))
print("sandbox inventory empty: nothing was left behind")
'
}

cleanup() {
  local rc=$?
  trap - EXIT
  trap '' INT TERM # a second Ctrl-C must not cut the cleanup short
  if [[ -f $example/terraform.tfstate && -n $sandbox_url ]]; then
    step "terraform destroy (cleanup)"
    if tf destroy -auto-approve -input=false -no-color -compact-warnings -var "sandbox_url=$sandbox_url"; then
      assert_nothing_left || true
    else
      echo "quickstart: destroy failed; the sandbox is stopped anyway, so nothing outlives it" >&2
    fi
  fi
  if [[ -n $sandbox_pid ]]; then
    step "stopping the sandbox (pid $sandbox_pid)"
    stop_sandbox
  fi
  rm -rf "$work"
  if ((rc == 0)); then
    step "done: applied, inspected and destroyed in $((SECONDS - started))s"
  else
    printf '\nquickstart: failed (exit %s); everything was cleaned up\n' "$rc" >&2
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'echo; echo "quickstart: interrupted" >&2; exit 130' INT TERM

# --- 2. sandbox ----------------------------------------------------------------
step "starting the sandbox (a SageMaker emulator in front of moto) on a free loopback port"
# Job control gives the sandbox its own process group, so a Ctrl-C in the
# terminal reaches Terraform and this script but not the sandbox, which must
# live on until the cleanup has destroyed what was created.
set -m
"$sandbox_bin" --port 0 >"$work/sandbox.url" 2>"$work/sandbox.log" &
sandbox_pid=$!
set +m
for _ in $(seq 300); do
  sandbox_url=$(head -n1 "$work/sandbox.url" 2>/dev/null || true)
  [[ -n $sandbox_url ]] && break
  kill -0 "$sandbox_pid" 2>/dev/null || {
    cat "$work/sandbox.log" >&2
    die "the sandbox exited during start-up (log above)"
  }
  sleep 0.1
done
[[ -n $sandbox_url ]] || die "the sandbox printed no URL within 30s; log: $(cat "$work/sandbox.log")"
echo "sandbox listening on $sandbox_url (pid $sandbox_pid)"

model_data_url=s3://quickstart-models/sentiment/model.tar.gz
step "seeding the model archive $model_data_url in the sandbox's S3"
control POST seed "{\"uri\":\"$model_data_url\",\"body\":\"not a real model\"}" >/dev/null

# --- 3. apply ------------------------------------------------------------------
mkdir "$example"
cp "$root"/examples/quickstart/*.tf "$example/"
cat >"$work/terraform.rc" <<RC
provider_installation {
  dev_overrides {
    "tfsm/sagemaker" = "$(dirname "$provider_bin")"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE=$work/terraform.rc TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1
export TF_VAR_model_data_url=$model_data_url

step "terraform apply examples/quickstart (provider from $(dirname "$provider_bin"))"
tf apply -auto-approve -input=false -no-color -compact-warnings -var "sandbox_url=$sandbox_url"

# --- 4. show -------------------------------------------------------------------
step "outputs"
tf output -no-color
echo
echo "invoke_policy_json:"
tf output -raw invoke_policy_json | python3 -m json.tool

step "what exists in the sandbox account now"
control GET inventory | python3 -c '
import json, sys
inv = json.load(sys.stdin)
for kind, items in [("SageMaker endpoints", inv["sagemaker"]["endpoints"]),
                    ("endpoint configs", inv["sagemaker"]["endpoint_configs"]),
                    ("models", inv["sagemaker"]["models"]),
                    ("IAM roles", inv["iam"]["roles"]),
                    ("inline role policies", inv["iam"]["role_policies"])]:
    print("  " + kind + ": " + (", ".join(items) or "-"))
'

step "terraform destroy"
tf destroy -auto-approve -input=false -no-color -compact-warnings -var "sandbox_url=$sandbox_url"
rm -f "$example/terraform.tfstate"
assert_nothing_left
