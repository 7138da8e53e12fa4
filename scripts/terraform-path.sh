#!/usr/bin/env bash
# Prints the absolute path of a Terraform CLI >= 1.8 for the acceptance tests and the demo.
# Uses `terraform` on PATH when it is new enough; otherwise builds v1.8.5 from the Go module proxy
# into bin/ (releases.hashicorp.com is unreachable on these machines; ~5 min cold, once).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

version_ok() { # $1 = path to a terraform binary
  local v
  v=$("$1" version 2>/dev/null | head -1 | sed -n 's/^Terraform v\([0-9]*\)\.\([0-9]*\).*/\1 \2/p')
  [ -n "$v" ] || return 1
  set -- $v
  [ "$1" -gt 1 ] || { [ "$1" -eq 1 ] && [ "$2" -ge 8 ]; }
}

if tf=$(command -v terraform 2>/dev/null) && version_ok "$tf"; then
  readlink -f "$tf"; exit 0
fi
if [ -x "$root/bin/terraform" ] && version_ok "$root/bin/terraform"; then
  echo "$root/bin/terraform"; exit 0
fi
echo "terraform >= 1.8 not on PATH: building v1.8.5 into bin/ (one-off, a few minutes)..." >&2
mkdir -p "$root/bin"
GOBIN="$root/bin" CGO_ENABLED=0 go install github.com/hashicorp/terraform@v1.8.5 >&2
echo "$root/bin/terraform"
