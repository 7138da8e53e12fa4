#!/usr/bin/env bash
# `make fuzz`: runs every fuzz target for FUZZTIME (default 30s) each, one after another
# (go test -fuzz takes one target at a time). New crashers land in the package's
# testdata/fuzz/<Name>/ and fail the run; commit them once fixed, as regression seeds.
# FUZZ=<regexp> picks targets by name; FUZZFLAGS adds go test flags (e.g. -parallel=2).
set -euo pipefail
cd "$(dirname "$0")/.."

fuzztime=${FUZZTIME:-30s}
filter=${FUZZ:-.}

# Package and target, one a line; `go test -list` finds them, so new targets need no edit here.
targets=$(go list ./sdk/... | while read -r pkg; do
  go test -list '^Fuzz' "$pkg" | grep '^Fuzz' | sed "s|^|$pkg |" || true
done)
if [ -z "$targets" ]; then
  echo "no fuzz targets found" >&2
  exit 1
fi

failed=()
while read -r pkg name; do
  [[ $name =~ $filter ]] || continue
  echo "=== fuzz $name ($pkg) for $fuzztime"
  # shellcheck disable=SC2086 # FUZZFLAGS is a list of flags
  if ! go test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" ${FUZZFLAGS:-} "$pkg"; then
    failed+=("$name")
  fi
done <<<"$targets"

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz targets that failed: ${failed[*]}" >&2
  exit 1
fi
echo "all fuzz targets passed"
