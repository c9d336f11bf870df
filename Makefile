# Entry points; the README names `make quickstart` and `make test`.
.PHONY: quickstart test venv lint build

build:
	cargo build --bin terraform-provider-sagemaker

# Python venv with the pinned moto for the sandbox (sandbox/.venv).
venv:
	scripts/sandbox-venv.sh

quickstart:
	scripts/quickstart.sh

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings

# The whole suite: unit, property, sandbox and CLI acceptance tests.
test: venv
	@command -v terraform >/dev/null || { echo "make test: the Terraform CLI (1.11+) must be on PATH" >&2; exit 1; }
	cargo test --workspace
