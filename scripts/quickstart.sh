#!/usr/bin/env bash
# Quickstart: builds the provider, then validates and plans the real-time
# example with the real Terraform CLI through a dev_overrides CLI config kept in
# a temporary directory (never in your home). Nothing is created in AWS.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
command -v terraform >/dev/null || {
  echo "quickstart: the Terraform CLI (1.11+) is required on PATH" >&2
  exit 1
}

echo "==> building the provider"
cargo build --quiet --manifest-path "$root/Cargo.toml" --bin terraform-provider-sagemaker
bin_dir="$root/target/debug"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
cat >"$work/terraform.rc" <<RC
provider_installation {
  dev_overrides {
    "tfsm/sagemaker" = "$bin_dir"
  }
  direct {}
}
RC
mkdir "$work/example"
cp "$root"/examples/realtime/*.tf "$work/example/"
export TF_CLI_CONFIG_FILE="$work/terraform.rc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1

cd "$work/example"
echo "==> terraform validate (examples/realtime)"
terraform validate -no-color
echo "==> terraform plan (examples/realtime)"
AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-quickstart} AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-quickstart} \
  terraform plan -no-color -input=false
echo "==> done: the plan above is what apply would create"
