#!/usr/bin/env bash
# Packages a provider binary the way Terraform registries and mirrors expect:
#
#   terraform-provider-sagemaker_<version>_<os>_<arch>.zip   the binary, named ..._v<version>
#   terraform-provider-sagemaker_<version>_manifest.json     protocol_versions ["6.0"]
#   terraform-provider-sagemaker_<version>_SHA256SUMS        checksums of the two files above
#
# The version comes from Cargo.toml; os and arch from this machine, in Go's
# naming (linux/darwin, amd64/arm64) as Terraform uses it. The zip is written
# with Python's zipfile module (no `zip` package needed) with fixed
# timestamps, so the same binary always gives the same checksum.
#
# Usage: scripts/package-release.sh BINARY [OUT_DIR]   (OUT_DIR defaults to dist/)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=${1:?usage: package-release.sh BINARY [OUT_DIR]}
out=${2:-$root/dist}
name=terraform-provider-sagemaker

[[ -x $bin ]] || {
  echo "package-release: $bin is not an executable file" >&2
  exit 1
}

version=$(python3 -c 'import sys, tomllib; print(tomllib.load(open(sys.argv[1], "rb"))["package"]["version"])' "$root/Cargo.toml")
[[ -n $version ]] || {
  echo "package-release: no version in $root/Cargo.toml" >&2
  exit 1
}

case "$(uname -s)" in
Linux) os=linux ;;
Darwin) os=darwin ;;
FreeBSD) os=freebsd ;;
*) echo "package-release: unsupported OS $(uname -s)" >&2 && exit 1 ;;
esac
case "$(uname -m)" in
x86_64 | amd64) arch=amd64 ;;
aarch64 | arm64) arch=arm64 ;;
*) echo "package-release: unsupported architecture $(uname -m)" >&2 && exit 1 ;;
esac

mkdir -p "$out"
prefix=${name}_${version}
zip=${prefix}_${os}_${arch}.zip
manifest=${prefix}_manifest.json
sums=${prefix}_SHA256SUMS

python3 - "$bin" "$out/$zip" "${name}_v${version}" <<'PY'
import sys, zipfile
src, dest, inner = sys.argv[1:]
info = zipfile.ZipInfo(inner, date_time=(1980, 1, 1, 0, 0, 0))
info.external_attr = 0o100755 << 16  # regular file, rwxr-xr-x
info.compress_type = zipfile.ZIP_DEFLATED
with open(src, "rb") as f, zipfile.ZipFile(dest, "w") as z:
    z.writestr(info, f.read(), compresslevel=9)
PY

cat >"$out/$manifest" <<JSON
{
  "version": 1,
  "metadata": {
    "protocol_versions": ["6.0"]
  }
}
JSON

(cd "$out" && sha256sum "$zip" "$manifest" >"$sums")

echo "packaged $name $version for ${os}_${arch} in $out:"
(cd "$out" && ls -l "$zip" "$manifest" "$sums" | awk '{print "  " $5 "\t" $NF}')
