#!/usr/bin/env bash
# Adoption end to end with a real CLI (`make query-adopt`; .ci/run runs it with the newest Terraform):
# tokens and members are created through the API, outside Terraform; `terraform query
# -generate-config-out` writes their configuration and import blocks; `terraform apply` imports
# them all; the next `terraform plan` must be empty. Fails otherwise. Needs Terraform >= 1.14 (terraform query).
#
#   scripts/query-adopt.sh [TERRAFORM]   default: scripts/terraform-path.sh newest
#
# Works in .adopt/ (removed first). The provider comes from a fresh build via dev_overrides, the
# server is the reference server on a free loopback port; nothing is downloaded.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
tf=${1:-$(scripts/terraform-path.sh newest)}
work="$root/.adopt"
rm -rf "$work"
mkdir -p "$work/bin" "$work/tf"
server_pid=""
trap '[ -z "$server_pid" ] || { kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; } || true' EXIT

go build -o "$work/bin/terraform-provider-tokenhub" .
go build -o "$work/bin/tokenhub-server" ./sdk/mockserver/cmd/tokenhub-server
# shellcheck source=start-server.sh
. "$root/scripts/start-server.sh"
start_server "$work/bin/tokenhub-server" "$work/server.log"

# Tokens made by hand (curl), as a platform team finds them. Secrets are discarded.
create() { # $1 = JSON body
  curl -sf -o /dev/null -X POST "$TOKENHUB_ENDPOINT/api/v1/token" \
    -H "Authorization: Bearer $TOKENHUB_TOKEN" -H 'Content-Type: application/json' -d "$1"
}
expiry=$(date -u -d '+90 days' +%Y-%m-%dT00:00:00Z)
create '{"name":"ci-deploy","scopes":["members.read-all","groups.read-all"],"expires_at":"'"$expiry"'"}'
create '{"name":"ci-directory-sync","scopes":["members.read","members.update"],"allowed_ips":["203.0.113.0/24","198.51.100.7"]}'
create '{"name":"ci-audit","scopes":["admin-logs.read"],"enabled":false}'
create '{"name":"laptop-alice","scopes":["token.read"]}'
echo "==> created 4 tokens through the API (3 named ci-*)"
member() { # $1 = JSON body
  curl -sf -o /dev/null -X POST "$TOKENHUB_ENDPOINT/api/v1/members" \
    -H "Authorization: Bearer $TOKENHUB_TOKEN" -H 'Content-Type: application/json' -d "$1"
}
member '{"username":"svc-reports","permissions":["members.read-all","groups.read-all"]}'
member '{"username":"ops-jane","role":"admin"}'
echo "==> created 2 members through the API (a service account and an admin)"

cat >"$work/terraformrc" <<EOT
provider_installation {
  dev_overrides {
    "registry.terraform.io/tokenhub/tokenhub" = "$work/bin"
  }
  direct {}
}
EOT
export TF_CLI_CONFIG_FILE="$work/terraformrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
cat >"$work/tf/main.tf" <<'EOT'
terraform {
  required_providers {
    tokenhub = { source = "tokenhub/tokenhub" }
  }
}
provider "tokenhub" {}
EOT
cat >"$work/tf/adopt.tfquery.hcl" <<'EOT'
list "tokenhub_api_token" "ci" {
  provider = tokenhub
  limit    = 1000
  config {
    name_prefix = "ci-"
  }
}
list "tokenhub_member" "svc" {
  provider = tokenhub
  config {
    username_prefix = "svc-"
  }
}
list "tokenhub_member" "ops" {
  provider = tokenhub
  config {
    username_prefix = "ops-"
  }
}
EOT
run() { echo "\$ terraform $*"; "$tf" -chdir="$work/tf" "$@" -no-color 2>&1 | grep -Ev 'dev_overrides|development overrides|^configuration:|^ - tokenhub/tokenhub in|may therefore not match|applying changes may cause|^releases\.$|^ *$' || return "${PIPESTATUS[0]}"; }

echo "==> $("$tf" version | sed -n 1p)"
run query -generate-config-out=adopt.tf
echo "\$ cat adopt.tf"
cat "$work/tf/adopt.tf"
grep -q 'name *= "ci-deploy"' "$work/tf/adopt.tf" && ! grep -q laptop-alice "$work/tf/adopt.tf" ||
  { echo "adopt.tf does not hold exactly the ci-* tokens" >&2; exit 1; }
grep -q 'username *= "svc-reports"' "$work/tf/adopt.tf" && grep -q 'username *= "ops-jane"' "$work/tf/adopt.tf" &&
  ! grep -q 'username *= "admin"' "$work/tf/adopt.tf" ||
  { echo "adopt.tf does not hold exactly the svc-* and ops-* members" >&2; exit 1; }
run apply -auto-approve | tail -n 4
set +e
run plan -detailed-exitcode
code=${PIPESTATUS[0]}
set -e
[ "$code" -eq 0 ] || { echo "the plan after adoption is not empty (exit $code)" >&2; exit 1; }
echo "==> adopted 3 tokens and 2 members; the next plan is empty"
