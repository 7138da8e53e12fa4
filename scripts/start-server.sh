# Sourced by scripts/query-adopt.sh and scripts/token-wo-e2e.sh: start_server starts the
# tokenhub-server at $1 on a free loopback port with a fresh in-memory store, logging to $2,
# waits for its banner, and sets server_pid and exports TOKENHUB_ENDPOINT and TOKENHUB_TOKEN
# (the generated admin token). The banner is read from the file (`sed …q` on a file, never a
# pipe into an early reader: see cli-version.sh). The caller's EXIT trap stops server_pid.
start_server() { # $1 = tokenhub-server binary, $2 = its log file
  local admin="" addr=""
  env -u TOKENHUB_BOOTSTRAP_TOKEN "$1" -listen 127.0.0.1:0 >"$2" 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do
    admin=$(sed -n '/^ *TOKENHUB_TOKEN=\(thk_[A-Za-z0-9_]*\).*/{s//\1/p;q;}' "$2")
    addr=$(sed -n '/.*msg="tokenhub-server listening" addr=\([0-9.:]*\).*/{s//\1/p;q;}' "$2")
    [ -n "$admin" ] && [ -n "$addr" ] && break
    sleep 0.1
  done
  if [ -z "$addr" ] || [ -z "$admin" ]; then
    echo "the server did not start:" >&2
    cat "$2" >&2
    return 1
  fi
  export TOKENHUB_ENDPOINT="http://$addr" TOKENHUB_TOKEN="$admin"
}
