# Entry points; the README names `make quickstart` and `make test`.
.PHONY: quickstart test venv lint build release examples-check docs docs-check bench

build:
	cargo build --bin terraform-provider-sagemaker

# Python venv with the pinned moto for the sandbox (sandbox/.venv).
venv:
	scripts/sandbox-venv.sh

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
# (tests/cli_examples.rs), the quickstart script end to end
# (tests/cli_quickstart.rs) and installing the packaged provider from a
# filesystem mirror (tests/cli_release.rs).
test: venv
	@command -v terraform >/dev/null || { echo "make test: the Terraform CLI (1.11+) must be on PATH" >&2; exit 1; }
	cargo test --workspace

# Only the example checks (formatting, validation, offline plans).
examples-check:
	cargo test --test cli_examples

# Optimised, stripped binary packaged for Terraform in dist/: the zip, the
# SHA256SUMS file and the manifest.
release:
	scripts/release.sh

# Benchmarks against the peers (SageMaker Python SDK, boto3) on the sandbox; see bench/README.md.
bench:
	bench/run.sh
