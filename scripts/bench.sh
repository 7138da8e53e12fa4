#!/usr/bin/env bash
# `make bench`: every figure in BENCHMARKS.md, each measured against a baseline in the same run.
#   1. SDK overhead: go test -bench over ./sdk/... (SDK vs hand-written net/http; server vs bare
#      handler) and ./scripts/bench/noop (the provider's protocol calls per resource, tokenhub vs
#      noop_token), -count $BENCH_COUNT (default 5), medians and ratios by scripts/bench/ratio.
#   2. Server throughput: scripts/bench/loadgen (fixed-duration rounds, loopback TCP, server and
#      bare handler alternating), plus the tokenhub-server binary for GET.
#   3. Server memory: VmRSS with 100k tokens (scripts/bench/rss), store-only and through the API
#      (in memory and on the SQLite database).
#   3b. Durable store: creates/s per 10k band from 0 to 100k tokens on the SQLite database and
#      in memory in the same run, fsync cost (scripts/bench/dbcurve); GET and list on the
#      database vs the bare handler (loadgen -db).
#   4. Provider at scale: terraform apply / plan -refresh-only / destroy of 500 tokens at
#      parallelism 10 against two no-op floors from scripts/bench/noop (noop_token with
#      tokenhub_api_token's own schema, noop_thing with two attributes), 500 terraform_data and,
#      with PEER_BIN, Mastercard/terraform-provider-restapi on the same server: $BENCH_ROUNDS
#      (default 3) rounds alternating the order, medians of the per-round ratios; requests
#      counted per phase from the server's request log; the SDK floor (scripts/bench/floor);
#      a CPU profile of the provider; then the tokenhub_api_tokens data source and
#      `terraform query` over 10k tokens. BENCH_FLOOR_GROUPS=1 adds noop_token without one
#      group of attributes at a time (which attributes Terraform core charges most for).
# Everything is written to $BENCH_OUT (default .bench/), the summary to .bench/summary.txt.
# SKIP_GO=1, SKIP_LOAD=1, SKIP_RSS=1, SKIP_DB=1, SKIP_TF=1 skip a part. Takes 20–30 minutes on 2 cores.
# PEER_BIN=/path/to/terraform-provider-restapi: build it yourself from its source in a folder
# outside this repository (the Go module proxy does not serve it); nothing of it is committed here.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

out=${BENCH_OUT:-$root/.bench}
count=${BENCH_COUNT:-5}
n_tf=${BENCH_TF_TOKENS:-500}
n_ds=${BENCH_DS_TOKENS:-10000}
rounds=${BENCH_ROUNDS:-3} # rounds of the provider-at-scale comparison
rm -rf "$out"
mkdir -p "$out/bin" "$out/tf-scale" "$out/tf-ds" "$out/tf-ds-base" "$out/tf-noop" "$out/tf-floor" "$out/tf-peer" "$out/tf-query"
summary="$out/summary.txt"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true; fi
}
trap cleanup EXIT

say() { printf '\n==> %s\n' "$*"; }
note() { printf '%s\n' "$*" | tee -a "$summary"; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { printf "%.2f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

note "tokenhub benchmarks, $(date -u +%Y-%m-%dT%H:%MZ)"
note "machine: $(nproc) CPUs ($(sed -n '/^model name[[:space:]]*: /{s///p;q;}' /proc/cpuinfo)), $(free -h | awk '/^Mem:/ {print $2}') RAM, $(go version | cut -d' ' -f3)"
note "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

say "building the programs into ${out#"$root/"}/bin"
go build -o "$out/bin/terraform-provider-tokenhub" .
go build -o "$out/bin/tokenhub-server" ./sdk/mockserver/cmd/tokenhub-server
for p in ratio loadgen rss floor provprof dbcurve shares; do go build -o "$out/bin/$p" "./scripts/bench/$p"; done
go build -o "$out/bin/terraform-provider-noop" ./scripts/bench/noop # the framework floor (test-only)

# ---------------------------------------------------------------------------------------------
if [ "${SKIP_GO:-0}" != 1 ]; then
  say "Go benchmarks (count $count): SDK vs net/http baseline, server vs bare handler, provider RPCs vs noop_token"
  go test -run '^$' -bench . -benchmem -count "$count" -timeout 20m ./sdk/... ./scripts/bench/noop/ | tee "$out/gobench.txt"
  note ""
  note "Go benchmarks (medians of $count runs; ratio = sdk/baseline time, server/bare req/s, ResourceRPCs tokenhub/noop_token time and CPU):"
  "$out/bin/ratio" <"$out/gobench.txt" | tee -a "$summary"
fi

# ---------------------------------------------------------------------------------------------
start_server() { # $1 = log file; sets server_pid, endpoint, admin
  local addr
  env -u TOKENHUB_BOOTSTRAP_TOKEN "$out/bin/tokenhub-server" -listen 127.0.0.1:0 -rate-limit 0 >"$1" 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do
    admin=$(sed -n '/^ *TOKENHUB_TOKEN=\(thk_[A-Za-z0-9_]*\).*/{s//\1/p;q;}' "$1")
    addr=$(sed -n '/.*msg="tokenhub-server listening" addr=\([0-9.:]*\).*/{s//\1/p;q;}' "$1")
    if [ -n "$admin" ] && [ -n "$addr" ]; then
      endpoint="http://$addr"
      return 0
    fi
    sleep 0.1
  done
  echo "the server did not start; log:" >&2
  cat "$1" >&2
  return 1
}
stop_server() {
  kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

if [ "${SKIP_LOAD:-0}" != 1 ]; then
  say "server throughput (loadgen; in-process server and bare handler, plus the binary for GET)"
  start_server "$out/server-load.log"
  "$out/bin/loadgen" -duration 2s -rounds 5 -conns 16 -ops get,list,create -external "$endpoint" -token "$admin" | tee "$out/loadgen.txt"
  stop_server
  note ""
  note "Server throughput (loadgen, 16 keep-alive clients, 5 × 2 s rounds, medians):"
  grep RESULT "$out/loadgen.txt" | sed 's/^ *RESULT /  /' | tee -a "$summary" >/dev/null
  grep RESULT "$out/loadgen.txt" | sed 's/^ *RESULT /  /'
fi

# ---------------------------------------------------------------------------------------------
if [ "${SKIP_RSS:-0}" != 1 ]; then
  say "server memory with 100k tokens"
  "$out/bin/rss" -mode issue -tokens 100000 | tee "$out/rss.txt"
  "$out/bin/rss" -mode api -server "$out/bin/tokenhub-server" -tokens 100000 | tee -a "$out/rss.txt"
  rm -f "$out/rss.db"*
  "$out/bin/rss" -mode api -server "$out/bin/tokenhub-server" -db "$out/rss.db" -tokens 100000 | tee -a "$out/rss.txt"
  note ""
  note "Server memory (VmRSS):"
  sed 's/^RESULT /  /' "$out/rss.txt" >>"$summary"
fi

# ---------------------------------------------------------------------------------------------
if [ "${SKIP_DB:-0}" != 1 ]; then
  say "durable store: create curve to 100k tokens (SQLite vs memory), fsync cost, GET/list on the database"
  "$out/bin/dbcurve" -tokens 100000 -band 10000 -conns 16 -dir "$out" | tee "$out/dbcurve.txt"
  rm -f "$out/loadgen.db"*
  "$out/bin/loadgen" -duration 2s -rounds 5 -conns 16 -ops get,list -db "$out/loadgen.db" -seed 10000 | tee "$out/loadgen-db.txt"
  note ""
  note "Durable store (dbcurve: 16 clients, each create with an Idempotency-Key; loadgen on the database with 10k tokens):"
  grep RESULT "$out/dbcurve.txt" "$out/loadgen-db.txt" | sed 's/^[^:]*: *RESULT /  /' | tee -a "$summary" >/dev/null
fi

# ---------------------------------------------------------------------------------------------
if [ "${SKIP_TF:-0}" != 1 ]; then
  say "provider at scale: $n_tf tokens with Terraform vs the SDK floor"
  tf=$(scripts/terraform-path.sh)
  peer_override=""
  if [ -n "${PEER_BIN:-}" ]; then
    [ -x "$PEER_BIN" ] || { echo "PEER_BIN=$PEER_BIN is not an executable file" >&2; exit 1; }
    mkdir -p "$out/peer"
    cp "$PEER_BIN" "$out/peer/terraform-provider-restapi"
    peer_override="\"registry.terraform.io/mastercard/restapi\" = \"$out/peer\""
  fi
  cat >"$out/terraformrc" <<EOF
provider_installation {
  dev_overrides {
    "registry.terraform.io/tokenhub/tokenhub" = "$out/bin"
    "registry.terraform.io/tokenhub/noop"     = "$out/bin"
    $peer_override
  }
  direct {}
}
EOF
  export TF_CLI_CONFIG_FILE="$out/terraformrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
  provider_block='terraform {
  required_providers {
    tokenhub = { source = "tokenhub/tokenhub" }
  }
}
provider "tokenhub" {}'
  cat >"$out/tf-scale/main.tf" <<EOF
$provider_block
resource "tokenhub_api_token" "t" {
  count  = $n_tf
  name   = "bench-\${count.index}"
  scopes = ["members.read"]
}
EOF
  # Terraform's own cost for the same graph: the built-in terraform_data resource, no provider.
  mkdir -p "$out/tf-core"
  cat >"$out/tf-core/main.tf" <<EOF
resource "terraform_data" "t" {
  count = $n_tf
  input = "bench-\${count.index}"
}
EOF
  cat >"$out/tf-ds/main.tf" <<EOF
$provider_block
data "tokenhub_api_tokens" "all" {}
output "count" { value = length(data.tokenhub_api_tokens.all.tokens) }
EOF
  cat >"$out/tf-ds-base/main.tf" <<EOF
$provider_block
data "tokenhub_scopes" "all" {}
output "count" { value = length(data.tokenhub_scopes.all.scopes) }
EOF
  log="$out/server-tf.log"
  start_server "$log"
  export TOKENHUB_ENDPOINT="$endpoint" TOKENHUB_TOKEN="$admin"
  reqs() { grep -c 'msg=request' "$log" || true; }
  methods_since() { # $1 = line count before the phase: "POST=500 GET=0 ..." for the phase
    tail -n +"$(($1 + 1))" "$log" | sed -n 's/.*msg=request method=\([A-Z]*\) path=\([^ ]*\).*/\1 \2/p' |
      sed -E 's#/api/v1/token/[0-9a-f-]{36}#/api/v1/token/{id}#; s#\?.*##' | sort | uniq -c |
      awk '{printf "%s%s %s=%d", sep, $2, $3, $1; sep=", "}'
  }
  phase() { # $1 = name, $2 = dir, rest = terraform args; sets tf_$1 (seconds) and req_$1
    local before t0 t1
    before=$(wc -l <"$log")
    t0=$(now)
    local input=-input=false
    [ "$3" = query ] && input="" # terraform query has no -input
    "${TFBIN:-$tf}" -chdir="$out/$2" "${@:3}" $input -no-color >"$out/tf-$1.log" 2>&1 ||
      { cat "$out/tf-$1.log" >&2; return 1; }
    t1=$(now)
    eval "tf_$1=$(secs "$t0" "$t1")"
    eval "req_$1=\"$(methods_since "$before")\""
  }
  fl() { sed -n "s/.*phase=$1 .*seconds=\([0-9.]*\).*/\1/p" "$out/floor.txt"; }
  children_cpu() { # user + system seconds of this shell's finished children (times, in this shell)
    awk 'NR == 2 { s = 0; for (i = 1; i <= NF; i++) { split($i, p, "m"); s += p[1] * 60 + p[2] } printf "%.2f", s }' "$out/times"
  }
  proc_cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }
  profiled() { # $1 = name, $2 = label, $3 = dir, rest = terraform args (TFBIN overrides the CLI)
    local prof_pid reattach c0 c1 s0 s1
    "$out/bin/provprof" -cpuprofile "$out/prof-$1.pprof" >"$out/provprof-$1.out" 2>&1 &
    prof_pid=$!
    reattach=""
    for _ in $(seq 100); do
      reattach=$(sed -n "/^[[:space:]]*TF_REATTACH_PROVIDERS='\(.*\)'$/{s//\1/p;q;}" "$out/provprof-$1.out")
      [ -n "$reattach" ] && break
      sleep 0.1
    done
    [ -n "$reattach" ] || { cat "$out/provprof-$1.out" >&2; exit 1; }
    builtin times >"$out/times"
    c0=$(children_cpu) s0=$(proc_cpu "$server_pid")
    TF_REATTACH_PROVIDERS="$reattach" phase "prof_$1" "$3" "${@:4}"
    builtin times >"$out/times"
    c1=$(children_cpu) s1=$(proc_cpu "$server_pid")
    kill -INT "$prof_pid"
    wait "$prof_pid" || true
    local wall
    eval "wall=\$tf_prof_$1"
    note "  $(printf '%-27s' "$2") wall ${wall}s; Terraform core CPU $(secs "$c0" "$c1")s; server CPU $(secs "$s0" "$s1")s"
    "$out/bin/shares" "$out/prof-$1.pprof" | tee -a "$summary"
  }
  if [ "${SKIP_SCALE:-0}" != 1 ]; then
  # The floors: the same count of no-op resources from scripts/bench/noop, a provider built with
  # the same framework and protocol, without I/O. noop_token has tokenhub_api_token's own schema
  # (read from the provider at start, stripped of our plan modifiers, validators and custom
  # types), so tokenhub's ratio to it is what our code costs; noop_thing has two attributes, so
  # noop_token's ratio to it is what Terraform core and the framework charge for our schema.
  noop_block='terraform {
  required_providers {
    noop = { source = "tokenhub/noop" }
  }
}'
  cat >"$out/tf-floor/main.tf" <<EOF
$noop_block
resource "noop_token" "t" {
  count  = $n_tf
  name   = "bench-\${count.index}"
  scopes = ["members.read"]
}
EOF
  cat >"$out/tf-noop/main.tf" <<EOF
$noop_block
resource "noop_thing" "t" {
  count = $n_tf
  name  = "bench-\${count.index}"
}
EOF
  contenders="scale floor noop core"
  if [ -n "${PEER_BIN:-}" ]; then
    # The generic REST provider a user would otherwise pick (Mastercard/terraform-provider-restapi,
    # built from its source by whoever runs this): one POST per create (write_returns_object),
    # one GET per read, one DELETE per destroy, the same body as tokenhub's create.
    cat >"$out/tf-peer/main.tf" <<EOF
terraform {
  required_providers {
    restapi = { source = "Mastercard/restapi" }
  }
}
provider "restapi" {
  write_returns_object = true
  update_method        = "PATCH"
}
resource "restapi_object" "t" {
  count = $n_tf
  path  = "/api/v1/token"
  data  = jsonencode({ name = "bench-\${count.index}", scopes = ["members.read"] })
}
EOF
    contenders="$contenders peer"
  fi
  # Every contender's apply, refresh-only and destroy, $rounds rounds, the order reversed every
  # other round so that load from elsewhere falls on each alike.
  export REST_API_URI="$endpoint" REST_API_BEARER="$admin"
  for round in $(seq "$rounds"); do
    order=$contenders
    [ $((round % 2)) = 0 ] && order=$(echo "$contenders" | tr ' ' '\n' | tac | tr '\n' ' ')
    load_before=$(cut -d' ' -f1 /proc/loadavg)
    for c in $order; do
      phase "${c}_apply_$round" "tf-$c" apply -auto-approve
      phase "${c}_refresh_$round" "tf-$c" plan -refresh-only
      phase "${c}_destroy_$round" "tf-$c" destroy -auto-approve
    done
    eval "load_$round=\"$load_before → $(cut -d' ' -f1 /proc/loadavg)\""
  done
  before=$(wc -l <"$log")
  "$out/bin/floor" -crud "$n_tf" -parallel 10 | tee "$out/floor.txt"
  req_floor=$(methods_since "$before")
  f_create=$(fl create) f_read=$(fl read) f_delete=$(fl delete)
  f_rd=$(awk -v a="$f_read" -v b="$f_delete" 'BEGIN { printf "%.3f", a + b }')
  round_secs() { # $1 contender, $2 phase: the seconds of each round
    local r
    for r in $(seq "$rounds"); do eval "printf '%s ' \"\$tf_$1_$2_$r\""; done
  }
  ratios() { # $1 / $2 contenders, $3 phase: the per-round ratios
    local r
    for r in $(seq "$rounds"); do eval "ratio \"\$tf_$1_$3_$r\" \"\$tf_$2_$3_$r\""; printf ' '; done
  }
  note ""
  note "Provider at scale ($n_tf resources, parallelism 10, $rounds rounds alternating the order; seconds are medians, ratios medians of the per-round ratios):"
  for r in $(seq "$rounds"); do eval "note \"  round $r: load average \$load_$r\""; done
  peer_h="" peer_r=""
  [ -n "${PEER_BIN:-}" ] && peer_h="      restapi" && peer_r="  ×restapi (target ≤ 0.25)"
  note "  phase                        tokenhub  noop_token  noop_thing  terraform_data$peer_h   SDK floor"
  note "                               ×noop_token (target ≤ 1.15)  ×noop_thing  noop_token÷noop_thing  ×terraform_data$peer_r"
  for p in apply refresh destroy; do
    case $p in apply) label="apply (create)" sdk=$f_create ;; refresh) label="plan -refresh-only (read)" sdk=$f_read ;; *) label="destroy (refresh + delete)" sdk=$f_rd ;; esac
    peer_t="" peer_x=""
    if [ -n "${PEER_BIN:-}" ]; then
      peer_t=$(printf '  %10ss' "$(median $(round_secs peer $p))")
      peer_x=$(printf '  %6s× (%s)' "$(median $(ratios scale peer $p))" "$(ratios scale peer $p)")
    fi
    note "  $(printf '%-27s %8ss  %9ss  %9ss  %13ss%s  %9ss' "$label" "$(median $(round_secs scale $p))" "$(median $(round_secs floor $p))" \
      "$(median $(round_secs noop $p))" "$(median $(round_secs core $p))" "$peer_t" "$sdk")"
    note "  $(printf '%-27s %6s× (%s)  %6s×  %6s×  %6s×%s' "" "$(median $(ratios scale floor $p))" "$(ratios scale floor $p)" \
      "$(median $(ratios scale noop $p))" "$(median $(ratios floor noop $p))" "$(median $(ratios scale core $p))" "$peer_x")"
  done
  note "  requests, round 1: tokenhub apply $req_scale_apply_1; refresh $req_scale_refresh_1; destroy $req_scale_destroy_1"
  if [ -n "${PEER_BIN:-}" ]; then
    note "                     restapi apply $req_peer_apply_1; refresh $req_peer_refresh_1; destroy $req_peer_destroy_1"
  fi
  note "  (SDK floor: the same creates / reads / deletes through the SDK, 10 workers; requests $req_floor)"

  if [ "${BENCH_FLOOR_GROUPS:-0}" = 1 ]; then
    # Which attributes Terraform core charges most for: noop_token without one group of
    # attributes at a time (NOOP_TOKEN_DROP, read by the plugin from Terraform's environment),
    # against the whole noop_token in the same round, alternating which goes first.
    note ""
    note "noop_token without one group of attributes ($rounds rounds; medians of the per-round ratios to the whole noop_token):"
    note "  group (attributes left out)                                         apply   refresh   destroy"
    for g in rotation=rotation_triggers,lifetime,rotate_before,rotation_overlap audit=created_at,updated_at,last_used_at \
      ownership=owner,shared,disabled_reason secret=token,token_hint status=status,enabled,expires_at allowed_ips=allowed_ips; do
      name=${g%%=*} drop=${g#*=}
      for round in $(seq "$rounds"); do
        pair="whole part"
        [ $((round % 2)) = 0 ] && pair="part whole"
        for c in $pair; do
          d=""
          [ "$c" = part ] && d=$drop
          NOOP_TOKEN_DROP=$d phase "g${c}_apply_$round" tf-floor apply -auto-approve
          NOOP_TOKEN_DROP=$d phase "g${c}_refresh_$round" tf-floor plan -refresh-only
          NOOP_TOKEN_DROP=$d phase "g${c}_destroy_$round" tf-floor destroy -auto-approve
        done
      done
      note "  $(printf '%-66s %6s×  %6s×  %6s×' "$name ($drop)" "$(median $(ratios gpart gwhole apply))" \
        "$(median $(ratios gpart gwhole refresh))" "$(median $(ratios gpart gwhole destroy))")"
    done
  fi

  if [ "${SKIP_PROF:-0}" != 1 ]; then
    # Where the time of each run goes: the same apply, refresh-only and destroy with the provider
    # served in-process by scripts/bench/provprof (reattached) under a CPU profile, split by
    # scripts/bench/shares; Terraform core's CPU is the terraform process's own (the provider is
    # not its child then), the server's from /proc.
    note ""
    note "Where the time goes (one run each, provider reattached under a CPU profile; CPU seconds):"
    profiled scale_apply "apply (create)" tf-scale apply -auto-approve
    profiled scale_refresh "plan -refresh-only (read)" tf-scale plan -refresh-only
    profiled scale_destroy "destroy (refresh + delete)" tf-scale destroy -auto-approve
  fi

  fi # SKIP_SCALE
  say "tokenhub_api_tokens data source over $n_ds tokens"
  "$out/bin/floor" -seed "$n_ds" -parallel 10 | tee -a "$out/floor.txt"
  "$out/bin/floor" -list | tee -a "$out/floor.txt"
  f_list=$(fl list)
  ds_plan() { # $1 = dir, $2 = log name; prints seconds
    local t0 t1
    t0=$(now)
    "$tf" -chdir="$1" plan -input=false -no-color >"$out/$2.log" 2>&1 || { cat "$out/$2.log" >&2; return 1; }
    t1=$(now)
    secs "$t0" "$t1"
  }
  ds_plan "$out/tf-ds-base" plan-ds-base >/dev/null # warm the page cache for the binaries
  base=$(ds_plan "$out/tf-ds-base" plan-ds-base)
  before=$(wc -l <"$log")
  ds=$(ds_plan "$out/tf-ds" plan-ds)
  req_ds=$(methods_since "$before")
  grep -q "count = $((n_ds + 1))" "$out/plan-ds.log" || echo "warning: the plan did not list $((n_ds + 1)) tokens (see $out/plan-ds.log)" >&2
  read_ui=$(sed -n 's/.*data.tokenhub_api_tokens.all: Read complete after \([0-9a-z]*\).*/\1/p' "$out/plan-ds.log")
  # The span of the list requests inside the provider, from its debug log (first → last page).
  TF_LOG_PROVIDER=DEBUG TF_LOG_PATH="$out/tf-ds-debug.log" "$tf" -chdir="$out/tf-ds" plan -input=false -no-color >/dev/null 2>&1 || true
  list_s=$({ grep 'tokenhub: http request' "$out/tf-ds-debug.log" || true; } | sed -n '1p;$p' | cut -c1-24 |
    while read -r ts; do date -d "$ts" +%s.%N; done | awk 'NR == 1 {a = $1} {b = $1} END { if (NR == 2) printf "%.2f", b - a; else print "n/a" }')
  note ""
  note "tokenhub_api_tokens over $((n_ds + 1)) tokens (page size 100):"
  note "  terraform plan with the data source: ${ds}s; with only tokenhub_scopes: ${base}s; difference $(secs "$base" "$ds")s"
  note "  Terraform's \"Read complete after\" for the data source: $read_ui"
  note "  first → last list request inside the provider (debug log): ${list_s}s"
  note "  SDK floor (Tokens iterator, same pages): ${f_list}s"
  note "  requests for the plan: $req_ds"
  [ "${SKIP_PROF:-0}" = 1 ] || profiled ds "plan with the data source" tf-ds plan
  stop_server
  if [ "${SKIP_QUERY:-0}" != 1 ] && qtf=$(scripts/terraform-path.sh newest); then
    # The same 10k tokens through `terraform query` (Terraform >= 1.14), against the data source
    # planned by the same CLI: identities only, and with -generate-config-out (whole objects).
    start_server "$log" # a fresh server: seed again
    export TOKENHUB_ENDPOINT="$endpoint" TOKENHUB_TOKEN="$admin"
    "$out/bin/floor" -seed "$n_ds" -parallel 10 >/dev/null
    echo "$provider_block" >"$out/tf-query/main.tf"
    cat >"$out/tf-query/all.tfquery.hcl" <<EOF
list "tokenhub_api_token" "all" {
  provider = tokenhub
  limit    = $((n_ds * 2))
}
EOF
    qtime() { # $1 = dir, $2 = log, rest = args; prints seconds
      local t0 t1
      t0=$(now)
      "$qtf" -chdir="$1" "${@:3}" -no-color >"$out/$2.log" 2>&1 || { cat "$out/$2.log" >&2; return 1; }
      t1=$(now)
      secs "$t0" "$t1"
    }
    qtime "$out/tf-ds-base" q-base plan -input=false >/dev/null # warm
    q_base=$(qtime "$out/tf-ds-base" q-base plan -input=false)
    q_ds=$(qtime "$out/tf-ds" q-ds plan -input=false)
    q_list=$(qtime "$out/tf-query" q-list query)
    q_n=$(grep -c '^list\.tokenhub_api_token\.all' "$out/q-list.log" || true)
    rm -f "$out/tf-query/gen.tf"
    q_gen=$(qtime "$out/tf-query" q-gen query -generate-config-out=gen.tf)
    q_gen_n=$(grep -c '^resource "tokenhub_api_token"' "$out/tf-query/gen.tf" || true)
    note ""
    note "terraform query vs the data source over the same $((n_ds + 1)) tokens ($("$qtf" version | sed -n 1p), same run):"
    note "  terraform plan, tokenhub_api_tokens data source:   ${q_ds}s (baseline plan with only tokenhub_scopes ${q_base}s; difference $(secs "$q_base" "$q_ds")s)"
    note "  terraform query (identities, $q_n results):        ${q_list}s  ($(ratio "$q_list" "$q_ds")× the data source plan)"
    note "  terraform query -generate-config-out ($q_gen_n resources): ${q_gen}s  ($(ratio "$q_gen" "$q_ds")×)"
    rm -f "$out/tf-query/gen.tf" # generated configuration would be read as configuration
    [ "${SKIP_PROF:-0}" = 1 ] || TFBIN=$qtf profiled query "terraform query (identities)" tf-query query
    stop_server
  fi
fi

note ""
note "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
say "summary (also in ${summary#"$root/"})"
cat "$summary"
