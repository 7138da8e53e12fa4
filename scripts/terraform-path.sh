#!/usr/bin/env bash
# Prints the absolute path of a Terraform CLI for the acceptance tests and the demo.
#
#   scripts/terraform-path.sh           a Terraform >= 1.8: the one on PATH when new enough, else
#                                       bin/terraform-1.8.5 (built once)
#   scripts/terraform-path.sh 1.16.3    exactly that version: the one on PATH when it matches, else
#                                       bin/terraform-1.16.3 (built once)
#   scripts/terraform-path.sh newest    a role instead of a version: oldest, query-oldest, newest
#                                       (the versions are in scripts/cli-version.sh)
#
# releases.hashicorp.com is unreachable on these machines, so a missing version is built from the
# Go module proxy. Up to 1.8.x `go install` works (~5 min cold). From 1.9 on, Terraform's go.mod
# replaces its remote-state backends with nested modules that the proxy does not serve, so the
# source is copied somewhere writable, those backends (azure, consul, cos, gcs, kubernetes, oci,
# oss, pg, s3) are dropped, and the rest is built (~2.5 min on 2 cores). local, http and inmem
# backends remain: all the tests need.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
want=${1:-}
want=${want#v}

# shellcheck source=cli-version.sh
. "$root/scripts/cli-version.sh"
case "$want" in
  oldest) want=$TF_OLDEST ;;
  query-oldest) want=$TF_QUERY_OLDEST ;;
  newest) want=$TF_NEWEST ;;
esac

if [ -z "$want" ]; then
  if tf=$(command -v terraform 2>/dev/null) && at_least_1_8 "$(terraform_version "$tf")"; then
    readlink -f "$tf"; exit 0
  fi
  want=$TF_OLDEST
elif tf=$(command -v terraform 2>/dev/null) && [ "$(terraform_version "$tf")" = "$want" ]; then
  readlink -f "$tf"; exit 0
fi

out="$root/bin/terraform-$want"
if [ -x "$out" ] && [ "$(terraform_version "$out")" = "$want" ]; then
  echo "$out"; exit 0
fi

mkdir -p "$root/bin"
# One build per version at a time (parallel make targets may ask together).
if command -v flock >/dev/null; then
  exec 9>"$out.lock"
  flock 9
  if [ -x "$out" ] && [ "$(terraform_version "$out")" = "$want" ]; then
    echo "$out"; exit 0
  fi
fi

echo "terraform $want not on PATH: building it into bin/ (one-off, a few minutes)..." >&2
start=$(date +%s)
IFS=. read -r major minor _ <<<"$want"
if [ "$major" -eq 1 ] && [ "$minor" -lt 9 ]; then
  gobin=$(mktemp -d)
  GOBIN="$gobin" CGO_ENABLED=0 go install "github.com/hashicorp/terraform@v$want" >&2
  mv "$gobin/terraform" "$out.tmp"
  rm -rf "$gobin"
else
  src=$(go mod download -json "github.com/hashicorp/terraform@v$want" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -d "$src" ] || { echo "terraform-path.sh: go mod download gave no source dir for terraform@v$want" >&2; exit 1; }
  work=$(mktemp -d)
  trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
  cp -R "$src/." "$work/"
  chmod -R u+w "$work"
  (
    cd "$work"
    # Drop the backends whose nested modules the proxy does not serve: imports and map entries.
    sed -i -E '/backend(Azure|Consul|Cos|GCS|Kubernetes|OCI|OSS|Pg|S3)[ .]/d' internal/backend/init/init.go
    for m in azure consul cos gcs kubernetes oci oss pg s3; do
      p=github.com/hashicorp/terraform/internal/backend/remote-state/$m
      go mod edit -dropreplace="$p" -droprequire="$p"
    done
    go mod edit -dropreplace=github.com/hashicorp/terraform/internal/legacy \
      -droprequire=github.com/hashicorp/terraform/internal/legacy
    CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath \
      -ldflags "-s -w -X 'github.com/hashicorp/terraform/version.dev=no'" -o "$out.tmp" .
  ) >&2
fi
mv "$out.tmp" "$out"
got=$(terraform_version "$out")
[ "$got" = "$want" ] || { echo "terraform-path.sh: built $out reports version '$got', want $want" >&2; exit 1; }
echo "built terraform $got in $(($(date +%s) - start))s" >&2
echo "$out"
