#!/usr/bin/env bash
# Prints cargo's target directory for this workspace (honours CARGO_TARGET_DIR
# and cargo config files), so scripts find the binaries cargo built.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cargo metadata --manifest-path "$root/Cargo.toml" --format-version 1 --no-deps |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])'
