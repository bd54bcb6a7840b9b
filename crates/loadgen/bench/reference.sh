#!/bin/bash
# Measures kognit against a reference emulator on the same machine, side by
# side: each round runs the scenario on the emulator (one process, seeded
# once) and then on kognit (cpu-per-op.sh, on a fresh copy of a seeded data
# folder), with the same load generator, clients and duration. Each run
# prints the load generator's row and the server's CPU time per request.
# Runs alternate because these machines' speed drifts by 10–20% within
# minutes (BENCHMARKS.md).
#
# usage: reference.sh KOGNIT LOADGEN SEEDED_DIR ROUNDS SCENARIO [scenario options…]
#   SEEDED_DIR: a `kognit dev` data folder seeded with the pool the scenario
#   names (see BENCHMARKS.md, "Commands"); it is copied, never changed.
# env:
#   CONC (16) clients, DUR (12s) measured time of each run
#   USERS (10000) users seeded into the emulator's pool, POOL (kognit-bench-10k)
#   REF_CMD the command starting the emulator on 127.0.0.1:$REF_PORT (9709);
#     default: cognitox 0.2.1 as it starts by default, installed from
#     crates.io into /var/tmp/kognit-ref on first use (its code is never in
#     this repository). E.g. REF_CMD='moto_server -H 127.0.0.1 -p $REF_PORT'.
set -euo pipefail
K=$1; L=$2; SEEDED=$3; ROUNDS=$4; shift 4
CONC=${CONC:-16}; DUR=${DUR:-12s}; USERS=${USERS:-10000}
POOL=${POOL:-kognit-bench-10k}; REF_PORT=${REF_PORT:-9709}
KOGNIT_PORT=$((REF_PORT + 1))
HERE=$(cd "$(dirname "$0")" && pwd)

if [ -z "${REF_CMD:-}" ]; then
  if [ ! -x /var/tmp/kognit-ref/bin/cognitox ]; then
    # 0.2.1 declares rustc 1.99 but builds with older ones.
    CARGO_TARGET_DIR=/var/tmp/kognit-ref/target cargo install cognitox --version 0.2.1 \
      --ignore-rust-version --root /var/tmp/kognit-ref >&2
  fi
  REF_CMD='/var/tmp/kognit-ref/bin/cognitox -p $REF_PORT -l warn'
fi

# The emulator runs in a scratch folder: cognitox writes its snapshot into
# the working folder.
WORK=$(mktemp -d)
export REF_PORT
(cd "$WORK" && exec bash -c "exec $REF_CMD") > "$WORK/ref.log" 2>&1 &
RP=$!
trap 'kill $RP 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do
  curl -s -o /dev/null "http://127.0.0.1:$REF_PORT/" && break
  sleep 0.2
done
"$L" --endpoint "http://127.0.0.1:$REF_PORT" --concurrency 32 seed --pool-name "$POOL" \
  --users "$USERS" 2>&1 | tail -n 1 >&2

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)
for round in $(seq "$ROUNDS"); do
  t0=$(ticks $RP)
  row=$("$L" --endpoint "http://127.0.0.1:$REF_PORT" --label reference --concurrency "$CONC" \
    --duration "$DUR" "$@" 2>/dev/null | tail -n 1)
  t1=$(ticks $RP)
  n=$(echo "$row" | awk -F'|' '{ gsub(/ /, "", $6); print $6 }')
  echo "round $round: $row server CPU $(echo "scale=4; ($t1 - $t0) * 1000 / $HZ / $n" | bc) ms"
  rm -rf "$WORK/kognit"
  cp -r "$SEEDED" "$WORK/kognit"
  out=$(CONC=$CONC DUR=$DUR "$HERE/cpu-per-op.sh" "$K" "$L" "$KOGNIT_PORT" "$WORK/kognit" "$@" 2>/dev/null)
  echo "round $round: $(echo "$out" | grep '^| kognit' | tail -n 1) $(echo "$out" | tail -n 1 | awk '{print "server CPU", $(NF-3), "ms"}')"
done
