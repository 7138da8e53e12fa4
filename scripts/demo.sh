#!/usr/bin/env bash
# `make demo`: builds the provider and the reference server, starts the server on a free local
# port, applies examples/demo with Terraform (provider from bin/ via dev_overrides, nothing
# downloaded), shows the tokens it created and checks that a second plan is empty.
# Everything lives in .demo/ (server state, admin token, Terraform state), so a second run reuses
# it. KEEP_SERVER=1 leaves the server running afterwards; DEMO_PORT picks the first port to try;
# DEMO_CLI=tofu runs the same demo with OpenTofu (built into bin/ once by scripts/tofu-path.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

demo="$root/.demo"
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

mkdir -p "$demo" "$bin" "$work"

step="building the provider"
say "building the provider (bin/terraform-provider-tokenhub)"
go build -o "$bin/terraform-provider-tokenhub" .

step="building the server"
say "building the server (bin/tokenhub-server)"
go build -o "$bin/tokenhub-server" ./sdk/mockserver/cmd/tokenhub-server

step="finding $cli"
say "finding $cli"
tf=$(scripts/$cli-path.sh)
echo "    $(env -u TF_CLI_CONFIG_FILE "$tf" version 2>/dev/null | grep -m1 -E '^(Terraform|OpenTofu) v') at $tf"

# A server left running by `KEEP_SERVER=1 make demo` holds the state file: stop it first.
if [ -s "$pidfile" ]; then
  old=$(cat "$pidfile")
  if [ -r "/proc/$old/cmdline" ] && tr '\0' ' ' <"/proc/$old/cmdline" | grep -q tokenhub-server; then
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
say "starting the server on $endpoint (database .demo/tokens.db, log in .demo/server.log)"
# A .demo/ from before the database: import its state file once (later starts skip it).
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
  admin=$(sed -n 's/^ *TOKENHUB_TOKEN=\(thk_[A-Za-z0-9_]*\).*/\1/p' "$log" | head -1)
  if [ -z "$admin" ]; then
    echo "the server printed no admin token (is .demo/admin-token missing? rm -rf .demo starts over)" >&2
    false
  fi
  (umask 077 && printf '%s\n' "$admin" >"$tokenfile")
fi
echo "    up (pid $server_pid); admin token saved in .demo/admin-token"

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
# source .demo/env.sh — the settings \`make demo\` uses, for running terraform yourself.
export TF_CLI_CONFIG_FILE="$demo/terraformrc"
export CHECKPOINT_DISABLE=1
export TOKENHUB_ENDPOINT="$endpoint"
export TOKENHUB_TOKEN="\$(cat "$tokenfile")"
EOF
export TF_CLI_CONFIG_FILE="$demo/terraformrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
export TOKENHUB_ENDPOINT="$endpoint"
TOKENHUB_TOKEN=$(cat "$tokenfile")
export TOKENHUB_TOKEN

# Fresh copy of the configuration; the state next to it survives between runs.
rm -f "$work"/*.tf
cp examples/demo/*.tf "$work/"

step="running terraform apply"
say "$cli apply (examples/demo, copied to ${work#"$root/"})"
if ! "$tf" -chdir="$work" apply -auto-approve -input=false -no-color >"$demo/apply.log" 2>&1; then
  sed 's/^/    /' "$demo/apply.log" >&2
  false
fi
apply_gist <"$demo/apply.log"

step="reading the outputs"
say "the tokens (secrets stay in the Terraform state, marked sensitive)"
echo
"$tf" -chdir="$work" output -raw summary | sed 's/^/    /'
echo
echo

step="checking that a second plan is empty"
say "$cli plan -detailed-exitcode (expecting no changes)"
set +e
"$tf" -chdir="$work" plan -detailed-exitcode -input=false -no-color >"$demo/plan.log" 2>&1
rc=$?
set -e
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
if [ "${KEEP_SERVER:-0}" = 1 ]; then
  cat <<EOF

The server keeps running (pid $server_pid) on $endpoint. Try it yourself:
    source .demo/env.sh
    $tf -chdir=${work#"$root/"} plan
    $tf -chdir=${work#"$root/"} destroy
Stop the server with:  kill $server_pid
EOF
else
  cat <<EOF

Done; the server is stopped again (its state stays in .demo/). To explore, keep it running:
    KEEP_SERVER=1$( [ "$cli" = tofu ] && echo " DEMO_CLI=tofu") make demo
then, with the same settings the demo used:
    source .demo/env.sh     # TF_CLI_CONFIG_FILE, CHECKPOINT_DISABLE, TOKENHUB_ENDPOINT, TOKENHUB_TOKEN
    $tf -chdir=${work#"$root/"} plan
    $tf -chdir=${work#"$root/"} destroy
    kill \$(cat .demo/server.pid)
Start from scratch with:  rm -rf .demo
EOF
fi
