#!/usr/bin/env bash
# Prints the absolute path of an OpenTofu CLI for running the acceptance tests with tofu.
# Uses `tofu` on PATH when it is >= 1.8; otherwise builds v1.12.6 from the Go module proxy into
# bin/ once (no OpenTofu release downloads here; ~5+ min on 2 cores). `go install` refuses
# OpenTofu (its go.mod has a replace directive), so the source is downloaded with `go mod download`
# and built as the main module from a writable copy.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
want=${TOFU_VERSION:-v1.12.6}

# shellcheck source=cli-version.sh
. "$root/scripts/cli-version.sh"

version_ok() { # $1 = path to a tofu binary
  at_least_1_8 "$(tofu_version "$1")"
}

if t=$(command -v tofu 2>/dev/null) && version_ok "$t"; then
  readlink -f "$t"; exit 0
fi
if [ -x "$root/bin/tofu" ] && version_ok "$root/bin/tofu"; then
  echo "$root/bin/tofu"; exit 0
fi

mkdir -p "$root/bin"
# One build at a time (make test and make testacc-tofu may ask together).
if command -v flock >/dev/null; then
  exec 9>"$root/bin/.tofu-build.lock"
  flock 9
  if [ -x "$root/bin/tofu" ] && version_ok "$root/bin/tofu"; then
    echo "$root/bin/tofu"; exit 0
  fi
fi

echo "tofu not on PATH: building OpenTofu $want into bin/ (one-off, several minutes)..." >&2
start=$(date +%s)
src=$(go mod download -json "github.com/opentofu/opentofu@$want" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -d "$src" ] || { echo "tofu-path.sh: go mod download gave no source dir for opentofu@$want" >&2; exit 1; }
# The module cache is read-only; build from a throwaway writable copy.
work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
cp -R "$src/." "$work/"
chmod -R u+w "$work"
(cd "$work" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath \
  -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" -o "$root/bin/tofu.tmp" ./cmd/tofu) >&2
mv "$root/bin/tofu.tmp" "$root/bin/tofu"
echo "built $(env -u TF_CLI_CONFIG_FILE "$root/bin/tofu" version | sed -n '/^OpenTofu/p') in $(($(date +%s) - start))s" >&2
echo "$root/bin/tofu"
