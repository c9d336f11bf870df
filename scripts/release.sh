#!/usr/bin/env bash
# `make release`: builds the optimised, stripped provider ([profile.release] in
# Cargo.toml) and packages it into dist/ with scripts/package-release.sh.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
start=$SECONDS
cargo build --manifest-path "$root/Cargo.toml" --release --locked --bin terraform-provider-sagemaker
echo "release build: $((SECONDS - start))s"
bin="$("$root/scripts/target-dir.sh")/release/terraform-provider-sagemaker"
"$root/scripts/package-release.sh" "$bin" "${1:-$root/dist}"
