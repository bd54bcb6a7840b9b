#!/bin/bash
# kognit dev --ephemeral against cognitox in memory, side by side (issue
# #19's in-memory bars): both seeded with the same 10,000 users once, then for
# each scenario ROUNDS alternating runs (reference, then kognit) with the same
# load generator, clients and duration. Each run prints the load generator's
# row and the server's CPU time per request.
#
# With DURABLE=1 a third server runs beside them, `kognit dev` on a new
# data folder (the default SQLite file), seeded the same way, so the durable
# bars are measured in the same run.
#
# usage: ephemeral.sh KOGNIT LOADGEN ROUNDS [SCENARIO…]
#   SCENARIO: the load generator's scenario names (default: all seven)
# env: CONC (16), DUR (12s), USERS (10000), DURABLE (unset); cognitox 0.2.1
#   from /var/tmp/kognit-ref (installed as reference.sh does).
set -euo pipefail
K=$1; L=$2; ROUNDS=$3; shift 3
CONC=${CONC:-16}; DUR=${DUR:-12s}; USERS=${USERS:-10000}
POOL=kognit-bench-10k; RP_PORT=9709; KP_PORT=9710; DP_PORT=9711
REF=/var/tmp/kognit-ref/bin/cognitox
if [ ! -x "$REF" ]; then
  CARGO_TARGET_DIR=/var/tmp/kognit-ref/target cargo install cognitox --version 0.2.1 \
    --ignore-rust-version --root /var/tmp/kognit-ref >&2
fi
WORK=$(mktemp -d)
(cd "$WORK" && exec "$REF" -p $RP_PORT --storage-mode memory -l warn) > "$WORK/ref.log" 2>&1 &
RP=$!
(cd "$WORK" && exec "$K" dev --ephemeral --listen 127.0.0.1:$KP_PORT) > "$WORK/kognit.log" 2>&1 &
KP=$!
PORTS="$RP_PORT $KP_PORT"; DP=
if [ -n "${DURABLE:-}" ]; then
  "$K" dev --data-dir "$WORK/data" --listen 127.0.0.1:$DP_PORT > "$WORK/durable.log" 2>&1 &
  DP=$!; PORTS="$PORTS $DP_PORT"
fi
trap 'kill $RP $KP $DP 2>/dev/null || true; rm -rf "$WORK"' EXIT
for port in $PORTS; do
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
  "$L" --endpoint "http://127.0.0.1:$port" --concurrency 32 seed --pool-name "$POOL" \
    --users "$USERS" 2>&1 | tail -n 1 >&2
done

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)
run() { # label pid port scenario…
  local label=$1 pid=$2 port=$3; shift 3
  local t0 t1 row n
  t0=$(ticks "$pid")
  row=$("$L" --endpoint "http://127.0.0.1:$port" --label "$label" --concurrency "$CONC" \
    --duration "$DUR" --no-header "$@" 2>/dev/null | tail -n 1)
  t1=$(ticks "$pid")
  n=$(echo "$row" | awk -F'|' '{ gsub(/ /, "", $6); print $6 }')
  echo "$row server CPU $(echo "scale=4; ($t1 - $t0) * 1000 / $HZ / $n" | bc) ms"
}
args() { # the load generator's arguments for a scenario name
  case $1 in
    admin-get-user|admin-update-attributes) echo "$1 --pool-name $POOL" ;;
    list-users) echo "$1 --pool-name $POOL --exact-percent 0" ;;
    *) echo "$1" ;;
  esac
}
SCENARIOS=${*:-admin-get-user get-user admin-update-attributes list-users sign-up initiate-auth-password refresh}
for name in $SCENARIOS; do
  scenario=$(args "$name")
  echo "## $scenario"
  for round in $(seq "$ROUNDS"); do
    # shellcheck disable=SC2086
    run cognitox $RP $RP_PORT $scenario
    # shellcheck disable=SC2086
    run ephemeral $KP $KP_PORT $scenario
    if [ -n "$DP" ]; then
      # shellcheck disable=SC2086
      run durable $DP $DP_PORT $scenario
    fi
  done
done
