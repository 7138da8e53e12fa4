#!/usr/bin/env bash
# `make release-snapshot`, after goreleaser: checks that dist/ is what the Terraform Registry and
# Terraform expect. Every archive is listed in SHA256SUMS and every listed file matches it; the
# manifest is there under its release name; this platform's binary reports the version in its
# -version output; and Terraform installs the provider from its zip (through a filesystem mirror,
# so nothing is downloaded).
set -euo pipefail
cd "$(dirname "$0")/.."

project=terraform-provider-tokenhub
dist=dist
version=$(sed -n 's/.*"version":"\([^"]*\)".*/\1/p' "$dist/metadata.json")
if [ -z "$version" ]; then
  echo "release-check: no version in $dist/metadata.json" >&2
  exit 1
fi
fail() {
  echo "release-check: $*" >&2
  exit 1
}

# A release uploads the manifest from the repository root under this name (release.extra_files
# in .goreleaser.yml); a snapshot publishes nothing, so put it where the release would.
cp terraform-registry-manifest.json "$dist/${project}_${version}_manifest.json"

sums="${project}_${version}_SHA256SUMS"
(cd "$dist" && sha256sum --strict --quiet -c "$sums") || fail "$sums does not match dist/"
for f in "$dist"/*.zip "$dist"/*.tar.gz; do
  grep -q "  $(basename "$f")\$" "$dist/$sums" || fail "$(basename "$f") is missing from $sums"
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
zip="${project}_${version}_$(go env GOOS)_$(go env GOARCH).zip"
[ -f "$dist/$zip" ] || fail "no $zip for this platform"
unzip -q "$dist/$zip" -d "$tmp/unzipped"
got=$("$tmp/unzipped/${project}_v${version}" -version)
case $got in
"$project $version (commit "*) ;;
*) fail "-version printed \"$got\", want \"$project $version (commit ...)\"" ;;
esac

# Terraform takes the zip as it would from the Registry: same file name, version and layout.
mkdir -p "$tmp/mirror/registry.terraform.io/tokenhub/tokenhub" "$tmp/work"
cp "$dist/$zip" "$tmp/mirror/registry.terraform.io/tokenhub/tokenhub/"
cat >"$tmp/terraformrc" <<EOF
provider_installation {
  filesystem_mirror {
    path    = "$tmp/mirror"
    include = ["registry.terraform.io/tokenhub/tokenhub"]
  }
}
EOF
cat >"$tmp/work/main.tf" <<EOF
terraform {
  required_providers {
    tokenhub = {
      source  = "tokenhub/tokenhub"
      version = "$version"
    }
  }
}
EOF
terraform=$(scripts/terraform-path.sh)
(cd "$tmp/work" && TF_CLI_CONFIG_FILE="$tmp/terraformrc" CHECKPOINT_DISABLE=1 "$terraform" init -input=false -no-color >init.log 2>&1) ||
  { cat "$tmp/work/init.log" >&2; fail "terraform init could not install $zip"; }

echo "release-check: dist/ holds version $version; SHA256SUMS verified; -version says \"$got\"; terraform init installed $zip"
