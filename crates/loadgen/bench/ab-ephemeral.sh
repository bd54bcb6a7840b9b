#!/bin/bash
# Two kognit builds (or one build under two environments) side by side, each
# as `kognit dev --ephemeral` (or on a data folder: DURABLE) seeded with the
# same 10,000 users, the given scenarios run ROUNDS times on each,
# alternating (A then B), 16 clients.
# Each run prints the load generator's row and the server's CPU per request;
# at the end, each server's resident memory.
#
# usage: ab-ephemeral.sh LOADGEN KOGNIT_A KOGNIT_B SCENARIO…
#   SCENARIO: admin-get-user, admin-update-attributes, list-users (they run
#   on the seeded pool)
# env: ROUNDS (2), DUR (8s), CONC (16); A_ENV / B_ENV: VAR=value words put
#   in front of each server's command (e.g. B_ENV=MIMALLOC_ALLOW_THP=0);
#   DURABLE=1: each server as `kognit dev` on a new data folder of its own
#   (the default SQLite file) instead of --ephemeral
set -euo pipefail
L=$1; KA=$2; KB=$3; shift 3
ROUNDS=${ROUNDS:-2}; DUR=${DUR:-8s}; CONC=${CONC:-16}
POOL=kognit-bench-10k; PA=9740; PB=9741
WORK=$(mktemp -d)
STORE_A=--ephemeral; STORE_B=--ephemeral
if [ -n "${DURABLE:-}" ]; then STORE_A="--data-dir $WORK/a"; STORE_B="--data-dir $WORK/b"; fi
# shellcheck disable=SC2086
(cd "$WORK" && exec env ${A_ENV:-} "$KA" dev $STORE_A --listen 127.0.0.1:$PA) > "$WORK/a.log" 2>&1 &
AP=$!
# shellcheck disable=SC2086
(cd "$WORK" && exec env ${B_ENV:-} "$KB" dev $STORE_B --listen 127.0.0.1:$PB) > "$WORK/b.log" 2>&1 &
BP=$!
trap 'kill $AP $BP 2>/dev/null || true; rm -rf "$WORK"' EXIT
for port in $PA $PB; do
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/health" && break; sleep 0.1; done
  "$L" --endpoint "http://127.0.0.1:$port" --concurrency 32 seed --pool-name "$POOL" \
    --users 10000 2>&1 | tail -n 1 >&2
done
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)
run() { # label pid port scenario
  local label=$1 pid=$2 port=$3 t0 t1 row n
  t0=$(ticks "$pid")
  row=$("$L" --endpoint "http://127.0.0.1:$port" --label "$label" --concurrency "$CONC" \
    --duration "$DUR" --no-header "$4" --pool-name "$POOL" 2>/dev/null | tail -n 1)
  t1=$(ticks "$pid")
  n=$(echo "$row" | awk -F'|' '{ gsub(/ /, "", $6); print $6 }')
  echo "$row server CPU $(echo "scale=4; ($t1 - $t0) * 1000 / $HZ / $n" | bc) ms"
}
for scenario in "$@"; do
  for _ in $(seq "$ROUNDS"); do
    run A $AP $PA "$scenario"
    run B $BP $PB "$scenario"
  done
done
echo "RSS A $(awk '/VmRSS/ {print $2, $3}' /proc/$AP/status), B $(awk '/VmRSS/ {print $2, $3}' /proc/$BP/status)"
