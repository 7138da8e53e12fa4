#!/usr/bin/env bash
# `make leakscan`: proves that no tokenhub secret leaks into logs, error messages, plan output or
# docs. Runs the provider acceptance suite and the demo with Terraform at TF_LOG=TRACE and the
# server's request logs on, then scans everything they wrote, plus docs/, examples/, templates/,
# README.md and CHANGELOG.md, for the full secret shape: thk_ + 32 base62 + 6 base62 checksum
# (token_hint, the first 8 characters, is allowed and never matches). Terraform state is not
# scanned where it holds the secret by design (token, sensitive); the state, backups and plans
# of the token_wo end-to-end run (scripts/token-wo-e2e.sh, at TF_LOG=TRACE too) are, since
# there no secret may be in them.
#
# The logs are large: they live in a temporary directory, deleted on success and kept (path
# printed) on failure or with LEAKSCAN_KEEP=1. LEAKSCAN_SKIP_DEMO=1 skips the demo,
# LEAKSCAN_SKIP_TOKEN_WO=1 the token_wo run.
# Exit 0: "N files, M bytes scanned, 0 secrets". Exit 1: each finding as file:line, with the
# secret redacted and its source (our provider, the reference server, Terraform, the test
# framework, docs), or a run that did not produce the logs the scan needs.
# Echoes of a test's own HCL (terraform-plugin-testing logs each step's configuration at TRACE)
# are classified apart, and fail too: the tests pass real secrets through the provider's
# environment, never in HCL (provider_test.go: tokenEnv). LEAKSCAN_STRICT=0 only reports them.
# tokenhub-server's one-time admin-token banner in the demo server log is reported, not failed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

secret_re='thk_[0-9A-Za-z]{38}'
out=$(mktemp -d "${TMPDIR:-/tmp}/tokenhub-leakscan.XXXXXX")
acc="$out/acc"
demo="$out/demo"
wo="$out/tokenwo"
mkdir -p "$acc" "$demo" "$wo"
status=0

say() { printf '==> %s\n' "$*"; }
problem() {
  printf '!!> %s\n' "$*" >&2
  status=1
}
demodir=""
finish() {
  [ -z "$demodir" ] || rm -rf "$demodir"
  if [ "$status" = 0 ] && [ "${LEAKSCAN_KEEP:-0}" != 1 ]; then
    rm -rf "$out"
  else
    echo "    logs kept in $out" >&2
  fi
}
trap finish EXIT
redact() { sed -E 's/(thk_[0-9A-Za-z]{4})[0-9A-Za-z]{34}/\1…(redacted)/g'; }
bytes() { cat "$@" 2>/dev/null | wc -c | tr -d ' '; }

# The newest Terraform (built into bin/ once): every acceptance test runs there, identity and
# terraform query included, so every test's logs are scanned (older CLIs skip some).
tf=$(scripts/terraform-path.sh newest)

# 1. The acceptance suite. TF_LOG_PATH_MASK gives one file per test holding both the in-process
# provider's logs (terraform-plugin-log test sink) and the Terraform CLI's (terraform-exec);
# TF_ACC_LOG sets the CLI's level. go test's own output holds error messages and the plans of
# failing or ExpectError steps.
say "provider acceptance tests at TF_LOG=TRACE (logs in $out)"
# Tests written for older CLIs only (tfversion.SkipAbove, such as the proof that Terraform
# before 1.11 refuses token_wo) skip here by design; every other test must pass.
older_only=$(awk '/^func TestAcc/ { name = $2; sub(/\(.*/, "", name) } /tfversion\.SkipAbove/ && name { print name }' provider/*_test.go | sort -u)
expected=$(sed -n "s/^func \(TestAcc[A-Za-z0-9_]*\).*/\1/p" provider/*_test.go | sort -u | grep -vxF "${older_only:-^}" | wc -l)
set +e
env TF_ACC=1 TOKENHUB_REQUIRE_ACC=1 TF_ACC_TERRAFORM_PATH="$tf" CHECKPOINT_DISABLE=1 \
  TF_CLI_CONFIG_FILE="$root/scripts/empty.tfrc" \
  TF_LOG=TRACE TF_ACC_LOG=TRACE TF_LOG_PATH_MASK="$acc/tf-%s.log" \
  TOKENHUB_TEST_SERVER_LOG="$acc/server.log" \
  go test -count=1 -v -timeout 20m ./provider/... >"$acc/go-test.out" 2>&1
rc=$?
set -e
passed=$(grep -c '^--- PASS: TestAcc' "$acc/go-test.out" || true)
echo "    go test exit $rc; $passed of $expected acceptance tests passed"
[ "$rc" = 0 ] || problem "the acceptance tests failed (see $acc/go-test.out)"
[ "$passed" -ge "$expected" ] && [ "$expected" -gt 0 ] ||
  problem "only $passed of $expected acceptance tests passed: the scan would miss their logs"

# 2. The demo: a real provider binary under Terraform, and the tokenhub-server command.
if [ "${LEAKSCAN_SKIP_DEMO:-0}" != 1 ]; then
  say "make demo at TF_LOG=TRACE"
  # A demo folder of its own, outside the scanned logs (it holds the admin token and the state):
  # the scan must not depend on, or change, a user's .demo.
  demodir=$(mktemp -d /tmp/tokenhub-leakscan-demo.XXXXXX)
  if DEMO_DIR="$demodir" TF_LOG=TRACE TF_LOG_PATH="$demo/terraform.log" scripts/demo.sh >"$demo/demo.out" 2>&1; then
    echo "    demo ok"
  else
    problem "the demo failed (see $demo/demo.out)"
  fi
  for f in server.log apply.log plan.log; do
    [ -f "$demodir/$f" ] && cp "$demodir/$f" "$demo/$f"
  done
  # Positive control: the pattern matches a secret this server really issued.
  if ! grep -qxE "$secret_re" "$demodir/admin-token" 2>/dev/null; then
    problem "the pattern $secret_re does not match $demodir/admin-token: wrong secret format?"
  fi
fi

# 2b. A token whose secret never touches state (scripts/token-wo-e2e.sh): its Terraform TRACE log,
# its output, the server's log, and Terraform's files themselves (state, backup, the plans as
# `terraform show -json` renders them), copied under names the scan does not skip. (The saved
# plans are zip archives, compressed: the e2e script itself looks inside them for the secrets
# its store got.)
if [ "${LEAKSCAN_SKIP_TOKEN_WO:-0}" != 1 ]; then
  say "token_wo end to end at TF_LOG=TRACE"
  # With the same Terraform as the acceptance run (>= 1.11), so no other CLI is built for it.
  if TF_LOG=TRACE TF_LOG_PATH="$wo/terraform.log" scripts/token-wo-e2e.sh "$tf" >"$wo/e2e.out" 2>&1; then
    echo "    token-wo ok"
  else
    problem "the token_wo end-to-end run failed (see $wo/e2e.out)"
  fi
  cp .token-wo/server.log "$wo/server.log" 2>/dev/null || true
  for f in .token-wo/tf/*; do
    [ -f "$f" ] || continue
    base=$(basename "$f")
    cp "$f" "$wo/tf-$base.copy" # .copy: terraform.tfstate* would be skipped by name
  done
  # Positive control: the pattern matches a secret the consumer (the store) really got.
  if ! grep -qxE "$secret_re" .token-wo/store/v1 2>/dev/null; then
    problem "the pattern $secret_re does not match the token_wo run's stored secret: wrong secret format?"
  fi
  grep -qs '\[TRACE\]' "$wo/terraform.log" || problem "no Terraform TRACE lines in the token_wo run's log"
  ls "$wo"/tf-terraform.tfstate*.copy >/dev/null 2>&1 || problem "the token_wo run left no state to scan"
  echo "    token_wo: $(bytes "$wo/terraform.log") bytes of TRACE log, $(find "$wo" -type f | wc -l) files"
fi

# 3. The scan cannot pass vacuously: the logs must hold what could leak.
say "checking that the logs are meaningful"
acc_logs=("$acc"/tf-*.log)
n=$(ls "$acc"/tf-*.log 2>/dev/null | wc -l)
[ "$n" -ge "$expected" ] || problem "$n per-test Terraform logs for $expected acceptance tests"
acc_bytes=$(bytes "${acc_logs[@]}")
[ "$acc_bytes" -gt 1000000 ] || problem "the acceptance TRACE logs are only $acc_bytes bytes"
grep -qs '\[TRACE\]' "${acc_logs[@]}" || problem "no Terraform CLI TRACE lines in the acceptance logs"
grep -qs '\] sdk\.proto: ' "${acc_logs[@]}" || problem "no provider-side (sdk.proto) lines in the acceptance logs"
prov=$(cat "${acc_logs[@]}" 2>/dev/null | grep -c 'tokenhub: http request' || true)
[ "$prov" -gt 0 ] || problem "no provider request logs (tokenhub: http request) in the acceptance logs"
srv=$(grep -c '"msg":"request"' "$acc/server.log" 2>/dev/null || true)
[ "$srv" -gt 100 ] || problem "only ${srv:-0} request records in the acceptance server log"
echo "    acceptance: $n TRACE logs, $acc_bytes bytes, $prov provider request lines, $srv server request records"
if [ "${LEAKSCAN_SKIP_DEMO:-0}" != 1 ]; then
  dprov=$(grep -c 'tokenhub: http request' "$demo/terraform.log" 2>/dev/null || true)
  [ "$dprov" -gt 0 ] || problem "no provider request logs in the demo's Terraform TRACE log"
  dsrv=$(grep -c 'msg=request' "$demo/server.log" 2>/dev/null || true)
  [ "$dsrv" -gt 0 ] || problem "no request records in the demo server log"
  echo "    demo: $(bytes "$demo/terraform.log") bytes of TRACE log, $dprov provider request lines, $dsrv server request records"
fi

# classify.awk, run on each file with a hit: one tab-separated record per secret found,
# "kind<TAB>source<TAB>file:line<TAB>text". In TRACE logs a multi-line field value is written as
# "  key=" then "  | ..." lines, so the record's header line and key say who wrote it.
#   leak    — anything not below: fails the scan.
#   config  — terraform-plugin-testing's TRACE dump of the test's own HCL
#             (test_terraform_configuration), or Terraform's source snippet of that HCL in a
#             diagnostic, for a secret that same test wrote into its configuration. Fails unless
#             LEAKSCAN_STRICT=0.
#   banner  — tokenhub-server's one-time "generated admin token" banner in the demo's and the
#             token_wo run's server logs.
classify='
function source(file, hdr) {
  if (file ~ /\/tokenwo\/tf-/) return "token_wo end to end: Terraform state or plan"
  if (file ~ /\/server\.log$/) return "reference server"
  if (file ~ /\/go-test\.out$/) return "go test output (errors, plans)"
  if (file ~ /\/(demo\.out|apply\.log|plan\.log)$/) return "demo / plan output"
  if (file !~ /\/(tf-[^\/]*|terraform)\.log$/) return "docs / examples"
  if (hdr ~ /\] tokenhub: |provider\.terraform-provider-tokenhub|@module=tokenhub/) return "OUR PROVIDER (tflog)"
  if (hdr ~ /sdk\.helper_resource/) return "terraform-plugin-testing"
  if (hdr ~ /\] sdk\./) return "plugin framework/protocol"
  return "Terraform CLI"
}
{
  if ($0 !~ /^ /) { hdr = $0; key = "" }
  else if ($0 ~ /^  [A-Za-z0-9_.]+=$/) key = substr($0, 3, length($0) - 3)
  if ($0 ~ /generated admin \(bootstrap\) token; it is shown only this once/) bannerAt = FNR
  rest = $0
  while (match(rest, re)) {
    sec = substr(rest, RSTART, RLENGTH); rest = substr(rest, RSTART + RLENGTH)
    n++; L[n] = FNR; T[n] = $0; S[n] = sec; H[n] = hdr; K[n] = key
    B[n] = (FILENAME ~ /\/(demo|tokenwo)\/server\.log$/ && bannerAt && FNR - bannerAt <= 2 && $0 ~ /^ +TOKENHUB_TOKEN=thk_[0-9A-Za-z]+$/)
    if (key == "test_terraform_configuration" && hdr ~ /sdk\.helper_resource/) cfg[sec] = 1
  }
}
END {
  for (i = 1; i <= n; i++) {
    kind = "leak"
    if (B[i]) kind = "banner"
    else if (K[i] == "test_terraform_configuration" && H[i] ~ /sdk\.helper_resource/) kind = "config"
    else if (K[i] == "error" && T[i] ~ /^  \|  +[0-9]+: / && (S[i] in cfg)) kind = "config"
    printf "%s\t%s\t%s:%d\t%s\n", kind, source(FILENAME, H[i]), FILENAME, L[i], T[i]
  }
}'
# mawk has no {n} intervals: spell the 38 characters out.
awk_re="thk_$(printf '[0-9A-Za-z]%.0s' $(seq 38))"

say "scanning for $secret_re"
files=()
while IFS= read -r -d '' f; do files+=("$f"); done < <(
  find "$out" docs examples templates README.md CHANGELOG.md -type f \
    ! -name '*.tfstate' ! -name '*.tfstate.backup' -print0 2>/dev/null
)
total=$(bytes "${files[@]}")
findings="$out/findings.tsv"
: >"$findings"
while IFS= read -r f; do
  awk -v re="$awk_re" "$classify" "$f" >>"$findings"
done < <(grep -lE "$secret_re" "${files[@]}" 2>/dev/null || true)

count() { awk -F'\t' -v k="$1" '$1 == k' "$findings" | wc -l | tr -d ' '; }
leaks=$(count leak)
configs=$(count config)
banners=$(count banner)
show() { # kind: print its findings, secrets redacted, paths relative to the scan directory
  awk -F'\t' -v k="$1" '$1 == k { printf "%s [%s] %s: %s\n", toupper(k), $2, $3, substr($4, 1, 400) }' "$findings" |
    sed "s|$out/||" | redact
}
if [ "$banners" -gt 0 ]; then
  echo "    note: $banners bootstrap-token banner(s) in the demo server log (tokenhub-server prints a generated admin token once, by design)"
fi
if [ "$configs" -gt 0 ]; then
  echo "    note: $configs secret(s) in echoes of the tests' own HCL, not written by the provider:"
  echo "      terraform-plugin-testing logs each step's configuration at TRACE (test_terraform_configuration),"
  echo "      and Terraform quotes configuration lines in diagnostics."
  echo "      Files: $(awk -F'\t' '$1 == "config" { sub(/:[0-9]+$/, "", $3); print $3 }' "$findings" | sort -u | wc -l)." \
    "They fail the scan (LEAKSCAN_STRICT=0: report only); LEAKSCAN_VERBOSE=1 lists them."
  if [ "${LEAKSCAN_VERBOSE:-0}" = 1 ] || [ "${LEAKSCAN_STRICT:-1}" = 1 ]; then show config | sed 's/^/      /'; fi
  [ "${LEAKSCAN_STRICT:-1}" != 1 ] || problem "$configs secret(s) in configuration echoes: pass secrets to tests through tokenEnv, not HCL"
fi
if [ "$leaks" -gt 0 ]; then
  show leak >&2
  problem "$leaks secret(s) leaked (files: $(awk -F'\t' '$1 == "leak" { sub(/:[0-9]+$/, "", $3); print $3 }' "$findings" | sort -u | wc -l))"
fi
if [ "$status" = 0 ]; then
  echo "${#files[@]} files, $total bytes scanned, $leaks secrets"
fi
exit "$status"
