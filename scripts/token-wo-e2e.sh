#!/usr/bin/env bash
# A token whose secret never touches Terraform state, end to end with real binaries
# (`make token-wo`; .ci/run runs it after query-adopt): the provider binary, tokenhub-server and
# the newest Terraform. An ephemeral tokenhub_token_secret goes to tokenhub_api_token.token_wo
# and, in the same apply, to a consumer standing in for a secret store (a local-exec that files
# it in a store directory and calls /api/v1/me with it). Then none of the store's secrets may be
# in Terraform's files (the state, its backup, the saved plan and what `terraform show -json`
# makes of it, every file of the working directory), in any encoding; a version bump rotates
# the token, and the old secret works until previous_secret_expires_at, then gets 401. Fails
# otherwise. Needs Terraform >= 1.11 (write-only arguments) and curl.
#
#   scripts/token-wo-e2e.sh [TERRAFORM]   default: scripts/terraform-path.sh newest
#
# Works in .token-wo/ (removed first): tf/ is Terraform's working directory, store/ the secret
# store. TF_LOG and TF_LOG_PATH pass through to Terraform (scripts/leakscan.sh scans the log).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
tf=${1:-$(scripts/terraform-path.sh newest)}
work="$root/.token-wo"
rm -rf "$work"
mkdir -p "$work/bin" "$work/tf" "$work/store"
chmod 700 "$work/store"
server_pid=""
trap '[ -z "$server_pid" ] || { kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; } || true' EXIT
fail() { echo "token-wo: $*" >&2; exit 1; }

cat >"$work/terraformrc" <<EOT
provider_installation {
  dev_overrides {
    "registry.terraform.io/tokenhub/tokenhub" = "$work/bin"
    "registry.opentofu.org/tokenhub/tokenhub" = "$work/bin"
  }
  direct {}
}
EOT
export TF_CLI_CONFIG_FILE="$work/terraformrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1

# shellcheck source=cli-version.sh
. "$root/scripts/cli-version.sh"
version=$(cli_version "$tf") # reads the whole output: `| head -1` would SIGPIPE the CLI
at_least 11 "${version#* }" || fail "${version:-$tf} has no write-only arguments (needs >= 1.11)"
command -v curl >/dev/null || fail "curl is needed (the consumer calls the API with it)"

go build -o "$work/bin/terraform-provider-tokenhub" .
go build -o "$work/bin/tokenhub-server" ./sdk/mockserver/cmd/tokenhub-server
go build -o "$work/bin/scan" ./scripts/token-wo/scan
# shellcheck source=start-server.sh
. "$root/scripts/start-server.sh"
start_server "$work/bin/tokenhub-server" "$work/server.log" || fail "the server did not start"


# The overlap is short, so that its end can be waited for: the script polls until then.
cat >"$work/tf/main.tf" <<EOT
terraform {
  required_providers {
    tokenhub = { source = "tokenhub/tokenhub" }
  }
}
provider "tokenhub" {}

variable "secret_version" {
  type = number
}

ephemeral "tokenhub_token_secret" "ci" {}

resource "tokenhub_api_token" "ci" {
  name             = "ci-wo-e2e"
  scopes           = ["token.read"]
  token_wo         = ephemeral.tokenhub_token_secret.ci.value
  token_wo_version = var.secret_version
  rotation_overlap = "20s"
}

# The secret store: it files each version's secret (mode 0600) and proves it works.
resource "terraform_data" "store" {
  triggers_replace = tokenhub_api_token.ci.token_wo_version
  provisioner "local-exec" {
    command = "umask 077 && printf '%s\\\\n' \"\$SECRET\" > \"\$STORE/v\$VERSION\" && printf 'Authorization: Bearer %s\\\\n' \"\$SECRET\" | curl -sf -H @- \"\$URL/api/v1/me\" > \"\$STORE/me-v\$VERSION.json\""
    environment = {
      SECRET  = ephemeral.tokenhub_token_secret.ci.value
      VERSION = tokenhub_api_token.ci.token_wo_version
      STORE   = "$work/store"
      URL     = "$TOKENHUB_ENDPOINT"
    }
  }
}

output "id" {
  value = tokenhub_api_token.ci.id
}
output "token_is_null" {
  value     = tokenhub_api_token.ci.token == null
  sensitive = true # derived from token, which is sensitive
}
output "previous_secret_expires_at" {
  value = tokenhub_api_token.ci.previous_secret_expires_at
}
EOT

run() { echo "\$ terraform $*"; "$tf" -chdir="$work/tf" "$@" -no-color 2>&1 | grep -Ev 'dev_overrides|development overrides|^ - tokenhub/tokenhub in|may therefore not match|applying changes may cause|^releases\.$|^ *$' || return "${PIPESTATUS[0]}"; }
out() { "$tf" -chdir="$work/tf" output -raw "$1" 2>/dev/null || true; } # a null output is absent: ""
me() { # $1 = secret: the status of GET /api/v1/me with it
  printf 'Authorization: Bearer %s\n' "$1" | curl -s -o /dev/null -w '%{http_code}' -H @- "$TOKENHUB_ENDPOINT/api/v1/me"
}
# Every secret the store got, and every file of Terraform's working directory, plus the plans
# as `terraform show -json` renders them: none may hold a secret.
scan_tf() {
  cat "$work"/store/v* >"$work/secrets"
  mapfile -t files < <(find "$work/tf" -type f)
  "$work/bin/scan" "$work/secrets" "${files[@]}" || fail "a secret is in Terraform's files (above)"
  echo "    scanned ${#files[@]} files for $(wc -l <"$work/secrets") secret(s): none found"
}
plan_apply() { # $1 = version
  run plan -var secret_version="$1" -out=tfplan | tail -n 3
  "$tf" -chdir="$work/tf" show -json tfplan >"$work/tf/plan-v$1.json"
  cp "$work/tf/tfplan" "$work/tf/tfplan-v$1" # kept for the scan
  run apply tfplan | tail -n 2
}
token_of() { sed -n 's/.*"token_id":"\([^"]*\)".*/\1/p' "$work/store/me-v$1.json"; }

echo "==> $version"
echo "==> version 1: the token and the store take one ephemeral secret"
plan_apply 1
id=$(out id)
[ "$(out token_is_null)" = true ] || fail "token is not null in state"
[ "$(token_of 1)" = "$id" ] || fail "the store's secret is not the token's (/me says $(token_of 1), want $id)"
v1=$(cat "$work/store/v1")
[ "$(me "$v1")" = 200 ] || fail "the store's secret does not authenticate"
[ -z "$(out previous_secret_expires_at)" ] || fail "previous_secret_expires_at is set before any rotation"
scan_tf

echo "==> an unchanged run: a new ephemeral value, nothing planned"
set +e
run plan -var secret_version=1 -detailed-exitcode -out=tfplan | tail -n 1
code=${PIPESTATUS[0]}
set -e
[ "$code" = 0 ] || fail "the plan of an unchanged configuration is not empty (exit $code)"

echo "==> version 2: rotated in place; the old secret works until previous_secret_expires_at"
plan_apply 2
[ "$(out id)" = "$id" ] || fail "the token was replaced"
[ "$(token_of 2)" = "$id" ] || fail "the store's new secret is not the token's"
v2=$(cat "$work/store/v2")
[ "$v2" != "$v1" ] || fail "the token kept its secret across a version bump"
until=$(out previous_secret_expires_at)
[ -n "$until" ] || fail "previous_secret_expires_at is null after a rotation with an overlap"
[ -f "$work/tf/terraform.tfstate.backup" ] || fail "no state backup to scan"
scan_tf
# The scan finds what is there (the store's file holds the secret), so its silence means something.
if "$work/bin/scan" "$work/secrets" "$work/store/v1" >/dev/null; then fail "the scan does not find a secret that is there"; fi

end=$(date -d "$until" +%s.%N)
before=0
while :; do
  now=$(date +%s.%N)
  status=$(me "$v1")
  if awk -v a="$now" -v b="$end" 'BEGIN { exit !(a < b - 0.5) }'; then
    # Well before the end (half a second of margin for the request itself): it must work.
    [ "$status" = 200 ] || fail "the old secret got $status before previous_secret_expires_at ($until)"
    before=$((before + 1))
  elif awk -v a="$now" -v b="$end" 'BEGIN { exit !(a >= b) }'; then
    [ "$status" = 401 ] || fail "the old secret got $status after previous_secret_expires_at ($until)"
    break
  fi
  sleep 0.5
done
[ "$before" -gt 0 ] || fail "the overlap ended before the old secret could be tried"
[ "$(me "$v2")" = 200 ] || fail "the new secret stopped working"
echo "    the old secret worked ($before checks) until $until, then got 401; the new one works"

echo "==> destroy"
run destroy -auto-approve -var secret_version=2 | tail -n 1
[ "$(me "$v2")" = 401 ] || fail "the token's secret still works after destroy"
scan_tf
echo "==> no secret in state, backups or plans; rotation and overlap as promised"
