#!/usr/bin/env bash
# `make demo`: builds the provider and the reference server, starts the server on a free local
# port, applies examples/demo with Terraform (provider from bin/ via dev_overrides, nothing
# downloaded), shows the tokens it created and checks that a second plan is empty.
# Everything lives in .demo/ (DEMO_DIR overrides it): server data, admin token, and the demo's
# own configuration and state in .demo/work, so a second run reuses them. Your own .tf files go in
# .demo/scratch: the demo creates that folder and never reads, changes or deletes anything in it.
# The demo never removes a file it did not put in .demo/work, and never applies a plan that
# destroys or replaces anything: it stops and says how to look at the plan instead.
# KEEP_SERVER=1 leaves the server running afterwards; DEMO_PORT picks the first port to try;
# DEMO_CLI=tofu runs the same demo with OpenTofu (built into bin/ once by scripts/tofu-path.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

demo=${DEMO_DIR:-$root/.demo}
mkdir -p "$demo"
demo=$(cd "$demo" && pwd)
rel() { local p=${1#"$root/"}; echo "${p:-.}"; } # a path as the user should type it
scratch="$demo/scratch"
bin="$root/bin"
cli=${DEMO_CLI:-terraform}
case $cli in
terraform) work="$demo/work" ;;
tofu) work="$demo/work-tofu" ;; # its own state: provider addresses differ between the two CLIs
*)
  echo "DEMO_CLI must be terraform or tofu, not $cli" >&2
  exit 2
  ;;
esac
log="$demo/server.log"
pidfile="$demo/server.pid"
tokenfile="$demo/admin-token"
server_pid=""
step="starting"

say() { printf '==> %s\n' "$*"; }
fail() {
  printf '\n!!> demo failed while %s\n' "$step" >&2
  if [ -s "$log" ]; then
    printf '!!> last lines of the server log (%s):\n' "$log" >&2
    tail -n 25 "$log" | sed 's/thk_[A-Za-z0-9_]*/thk_…(redacted)/g; s/^/    /' >&2
  fi
  exit 1
}
trap fail ERR
# refuse: the demo stops on purpose, to protect something; exit 3 and no failure report.
refuse() {
  trap - ERR
  printf '%s\n' "$@" >&2
  exit 3
}
cleanup() {
  if [ -n "$server_pid" ] && [ "${KEEP_SERVER:-0}" != 1 ]; then
    kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
    rm -f "$pidfile"
  fi
}
trap cleanup EXIT

# http_status PORT PATH: the HTTP status code of a GET (0 if none), with bash alone: no curl needed.
http_status() {
  local line=""
  if exec 3<>"/dev/tcp/127.0.0.1/$1"; then
    printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$2" >&3
    IFS= read -r -t 2 line <&3 || true
    exec 3<&- 3>&-
  fi
  set -- $line
  echo "${2:-0}"
}
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# The gist of an apply: what is planned and what happened (the full log stays in .demo/apply.log).
apply_gist() {
  grep -E '^  # |^Plan: |: (Creat|Modif|Destr|Read)|^Apply complete|^No changes' | sed 's/^ */    /'
}

mkdir -p "$demo" "$bin" "$work" "$scratch"

# The demo's configuration: examples/demo copied into the work folder. Only files the demo put
# there (listed in .demo-files) are ever replaced or removed; any other .tf file stops the demo,
# since applying it would make the demo manage (and one day destroy) what someone else wrote.
step="copying the demo configuration"
manifest="$work/.demo-files"
if [ -e "$manifest" ]; then
  ours=" $(tr '\n' ' ' <"$manifest") "
else # a work folder from an older demo, which overwrote examples/demo's file names on every run
  ours=" $(cd examples/demo && ls -- *.tf | tr '\n' ' ') "
fi
foreign=()
for f in "$work"/*.tf "$work"/*.tf.json; do
  [ -e "$f" ] || continue
  case $ours in *" ${f##*/} "*) ;; *) foreign+=("$(rel "$f")") ;; esac
done
if [ ${#foreign[@]} -gt 0 ]; then
  refuse "!!> $(rel "$work") is the demo's own folder, but it holds files the demo did not put there:" \
    "${foreign[@]/#/    }" "    Move them to $(rel "$scratch") (the demo never touches it) and run make demo again."
fi

step="building the provider"
say "building the provider (bin/terraform-provider-tokenhub)"
go build -o "$bin/terraform-provider-tokenhub" .

step="building the server"
say "building the server (bin/tokenhub-server)"
go build -o "$bin/tokenhub-server" ./sdk/mockserver/cmd/tokenhub-server

step="finding $cli"
say "finding $cli"
tf=$(scripts/$cli-path.sh)
echo "    $(env -u TF_CLI_CONFIG_FILE "$tf" version 2>/dev/null | sed -nE '/^(Terraform|OpenTofu) v/p') at $tf"

# A server left running by `KEEP_SERVER=1 make demo` holds the state file: stop it first.
if [ -s "$pidfile" ]; then
  old=$(cat "$pidfile")
  if [ -r "/proc/$old/cmdline" ] && [[ "$(tr '\0' ' ' <"/proc/$old/cmdline")" == *tokenhub-server* ]]; then
    say "stopping the server left running by a previous demo (pid $old)"
    kill "$old" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$old" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$pidfile"
fi

step="starting the server"
port=${DEMO_PORT:-18080}
for _ in $(seq 50); do port_busy "$port" || break; port=$((port + 1)); done
if port_busy "$port"; then
  echo "no free port from ${DEMO_PORT:-18080} on" >&2
  false
fi
endpoint="http://127.0.0.1:$port"
say "starting the server on $endpoint (database $(rel "$demo")/tokens.db, log in $(rel "$log"))"
# A demo folder from before the database: import its state file once (later starts skip it).
import=(); [ -f "$demo/server-state.json" ] && import=(-state "$demo/server-state.json")
(umask 077 && : >"$log") # the first start prints the admin token here
if [ -s "$tokenfile" ]; then
  # The admin token from an earlier run: the server takes it as its bootstrap token.
  TOKENHUB_BOOTSTRAP_TOKEN=$(cat "$tokenfile") \
    "$bin/tokenhub-server" -listen "127.0.0.1:$port" -db "$demo/tokens.db" "${import[@]}" >>"$log" 2>&1 &
else
  env -u TOKENHUB_BOOTSTRAP_TOKEN \
    "$bin/tokenhub-server" -listen "127.0.0.1:$port" -db "$demo/tokens.db" "${import[@]}" >>"$log" 2>&1 &
fi
server_pid=$!
echo "$server_pid" >"$pidfile"

step="waiting for the server to answer"
ready=""
for _ in $(seq 100); do # up to ~10 s
  kill -0 "$server_pid" 2>/dev/null || { echo "the server exited" >&2; false; }
  if [ "$(http_status "$port" /api/v1/api-docs 2>/dev/null)" = 200 ]; then ready=1; break; fi
  sleep 0.1
done
[ -n "$ready" ] || { echo "the server did not answer on $endpoint within 10 s" >&2; false; }

if [ ! -s "$tokenfile" ]; then
  step="reading the bootstrap admin token from the server log"
  admin=$(sed -n '/^ *TOKENHUB_TOKEN=\(thk_[A-Za-z0-9_]*\).*/{s//\1/p;q;}' "$log")
  if [ -z "$admin" ]; then
    echo "the server printed no admin token (is .demo/admin-token missing? rm -rf .demo starts over)" >&2
    false
  fi
  (umask 077 && printf '%s\n' "$admin" >"$tokenfile")
fi
echo "    up (pid $server_pid); admin token saved in $(rel "$tokenfile")"

# Terraform uses the provider binary in bin/ directly: no registry, no `terraform init`.
# (OpenTofu resolves `tokenhub/tokenhub` under its own registry host.)
cat >"$demo/terraformrc" <<EOF
provider_installation {
  dev_overrides {
    "registry.terraform.io/tokenhub/tokenhub" = "$bin"
    "registry.opentofu.org/tokenhub/tokenhub" = "$bin"
  }
  direct {}
}
EOF
cat >"$demo/env.sh" <<EOF
# source $(rel "$demo")/env.sh — the settings \`make demo\` uses, for running terraform yourself.
export TF_CLI_CONFIG_FILE="$demo/terraformrc"
export CHECKPOINT_DISABLE=1
export TOKENHUB_ENDPOINT="$endpoint"
export TOKENHUB_TOKEN="\$(cat "$tokenfile")"
EOF
export TF_CLI_CONFIG_FILE="$demo/terraformrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
export TOKENHUB_ENDPOINT="$endpoint"
TOKENHUB_TOKEN=$(cat "$tokenfile")
export TOKENHUB_TOKEN

# The demo's configuration, refreshed from examples/demo.
step="copying the demo configuration"
for f in $ours; do # files the demo put there that examples/demo no longer has
  if [ ! -e "examples/demo/$f" ]; then rm -f "${work:?}/$f"; fi
done
cp examples/demo/*.tf "$work/"
(cd examples/demo && ls -- *.tf) >"$manifest"

# Plan first, and apply that saved plan only if it destroys nothing: a replacement or removal
# would revoke a token someone may be using. The plan and the apply both go to apply.log.
step="running $cli plan"
say "$cli plan (examples/demo, copied to $(rel "$work"))"
planfile="$demo/demo.tfplan"
rc=0 # 0: no changes, 2: changes (|| keeps the ERR trap out of it)
"$tf" -chdir="$work" plan -out="$planfile" -input=false -no-color -detailed-exitcode >"$demo/apply.log" 2>&1 || rc=$?
if [ "$rc" = 1 ]; then
  sed 's/^/    /' "$demo/apply.log" >&2
  false
fi
destroys=$(sed -n 's/^Plan: .* \([0-9][0-9]*\) to destroy.*/\1/p' "$demo/apply.log")
if [ "${destroys:-0}" != 0 ]; then
  apply_gist <"$demo/apply.log" >&2
  rm -f "$planfile"
  refuse "!!> not applying: this plan destroys or replaces $destroys token(s) managed in $(rel "$work")." \
    "    Look at it yourself:  source $(rel "$demo")/env.sh && $tf -chdir=$(rel "$work") plan" \
    "    and apply it only if that is what you want (the server is stopped: KEEP_SERVER=1 make demo keeps it)."
fi
if [ "$rc" = 2 ]; then
  step="running $cli apply"
  say "$cli apply (the saved plan: nothing to destroy)"
  if ! "$tf" -chdir="$work" apply -input=false -no-color "$planfile" >>"$demo/apply.log" 2>&1; then
    sed 's/^/    /' "$demo/apply.log" >&2
    rm -f "$planfile"
    false
  fi
fi
rm -f "$planfile"
apply_gist <"$demo/apply.log"

step="reading the outputs"
say "the tokens (secrets stay in the Terraform state, marked sensitive)"
echo
"$tf" -chdir="$work" output -raw summary | sed 's/^/    /'
echo
echo

step="checking that a second plan is empty"
say "$cli plan -detailed-exitcode (expecting no changes)"
rc=0
"$tf" -chdir="$work" plan -detailed-exitcode -input=false -no-color >"$demo/plan.log" 2>&1 || rc=$?
case $rc in
0) echo "    no changes: the server and the configuration agree" ;;
2)
  sed 's/^/    /' "$demo/plan.log" >&2
  echo "the second plan wants changes: the provider is not idempotent" >&2
  false
  ;;
*)
  sed 's/^/    /' "$demo/plan.log" >&2
  false
  ;;
esac

trap - ERR
envsh="$(rel "$demo")/env.sh"
try_it() {
  cat <<EOF
Your own configurations go in $(rel "$scratch")/ (make demo never reads, changes or deletes it):
    source $envsh     # TF_CLI_CONFIG_FILE, CHECKPOINT_DISABLE, TOKENHUB_ENDPOINT, TOKENHUB_TOKEN
    cp examples/scratch/main.tf $(rel "$scratch")/    # or the README's provider snippet
    $tf -chdir=$(rel "$scratch") apply
The demo's own tokens: $tf -chdir=$(rel "$work") plan
EOF
}
if [ "${KEEP_SERVER:-0}" = 1 ]; then
  echo
  echo "The server keeps running (pid $server_pid) on $endpoint."
  try_it
  echo "Stop the server with:  kill $server_pid"
else
  echo
  echo "Done; the server is stopped again (its data stays in $(rel "$demo")/). To explore, keep it running:"
  echo "    KEEP_SERVER=1$( [ "$cli" = tofu ] && echo " DEMO_CLI=tofu") make demo"
  echo "and then follow what it prints. Start over with:  rm -rf $(rel "$demo")"
  echo "(this also deletes $(rel "$scratch") and every token on the demo server)."
fi
