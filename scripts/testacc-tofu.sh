#!/usr/bin/env bash
# Runs the provider acceptance suite with OpenTofu instead of Terraform (`make testacc-tofu`).
# tofu comes from scripts/tofu-path.sh (built into bin/ once). Extra arguments go to `go test`,
# e.g. scripts/testacc-tofu.sh -v -run TestAccAPIToken.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

tofu=$(scripts/tofu-path.sh)
echo "==> $(env -u TF_CLI_CONFIG_FILE "$tofu" version | sed -n '/^OpenTofu/p') at $tofu" >&2

# The provider is served in-process (reattach) under OpenTofu's default registry host, so test
# configurations resolve `tokenhub/tokenhub` without any registry; the CLI config must exist.
TF_ACC=1 TOKENHUB_REQUIRE_ACC=1 \
  TF_ACC_TERRAFORM_PATH="$tofu" \
  TF_ACC_PROVIDER_HOST=registry.opentofu.org \
  TF_CLI_CONFIG_FILE="$root/scripts/empty.tfrc" \
  CHECKPOINT_DISABLE=1 \
  go test -count=1 -timeout 40m "$@" ./provider/...
