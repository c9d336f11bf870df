#!/usr/bin/env bash
# `make bench`: builds what it measures, installs the pinned peers into bench/.venv (SDK v2, boto3)
# and bench/.venv-v3 (SDK v3), then runs
# every scenario (bench/run.py) against one sandbox and writes bench/results/latest.{md,json,png}.
#
# Environment:
#   CARGO_TARGET_DIR        target dir for the debug builds (sandbox, tests/sim/wait_sim.rs)
#   BENCH_RELEASE_TARGET    target dir for the release build of the provider (default: CARGO_TARGET_DIR)
#   BENCH_PROVIDER          use this provider binary instead of building one (it is copied, then stripped)
#   BENCH_PROVIDER_COMMIT   the commit BENCH_PROVIDER was built from (default: this checkout's HEAD)
#   BENCH_SANDBOX           use this sandbox binary instead of building one
#   BENCH_ARGS              extra arguments for bench/run.py (e.g. "--reps 5", "--only deploy",
#                           "--skip wait_sim")
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$root/bench/.work"
mkdir -p "$work/bin" "$work/plugins"
command -v terraform >/dev/null || { echo "bench: the Terraform CLI (1.11+) must be on PATH" >&2; exit 1; }
command -v openssl >/dev/null || { echo "bench: openssl is needed for the client certificate" >&2; exit 1; }

"$root/scripts/sandbox-venv.sh"
"$root/bench/venv.sh"
"$root/bench/venv-v3.sh"

debug_target="${CARGO_TARGET_DIR:-$root/target}"
release_target="${BENCH_RELEASE_TARGET:-$debug_target}"

if [[ -z "${BENCH_SANDBOX:-}" ]]; then
  echo "==> building the sandbox"
  cargo build --quiet --manifest-path "$root/Cargo.toml" -p sagemaker-sandbox --bin sagemaker-sandbox
  BENCH_SANDBOX="$debug_target/debug/sagemaker-sandbox"
fi
cp "$BENCH_SANDBOX" "$work/bin/sagemaker-sandbox"

if [[ -z "${BENCH_PROVIDER:-}" ]]; then
  echo "==> building the provider (release)"
  CARGO_TARGET_DIR="$release_target" cargo build --quiet --release \
    --manifest-path "$root/Cargo.toml" --bin terraform-provider-sagemaker
  BENCH_PROVIDER="$release_target/release/terraform-provider-sagemaker"
fi
# Measure a copy, stripped (the release profile strips already; this makes sure).
cp "$BENCH_PROVIDER" "$work/plugins/terraform-provider-sagemaker"
strip "$work/plugins/terraform-provider-sagemaker"

echo "==> running the benchmark"
cd "$root/bench"
# shellcheck disable=SC2086
exec "$root/bench/.venv/bin/python" run.py \
  --provider "$work/plugins/terraform-provider-sagemaker" \
  --sandbox "$work/bin/sagemaker-sandbox" \
  --sandbox-venv "$root/sandbox/.venv" \
  --work "$work" \
  --cargo-target "$debug_target" \
  --sdk3-python "${BENCH_VENV_V3:-$root/bench/.venv-v3}/bin/python" \
  ${BENCH_ARGS:-}
