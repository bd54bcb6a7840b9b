#!/bin/bash
# Runs one load-generator scenario against a fresh `kognit dev` and reports,
# besides the load generator's table, the server's CPU time per request over
# the measured part (from the "setup done" line to the end): user + system
# time of the kognit process from /proc, divided by the requests in the table.
#
# usage: cpu-per-op.sh KOGNIT LOADGEN PORT DATA_DIR SCENARIO [scenario options…]
# env:   CONC (16) clients, DUR (15s) measured time, SERVER_ARGS extra
#        arguments of `kognit dev` (e.g. --database-url postgres://…).
# DATA_DIR may hold a seeded database (copy it first: the run changes it).
set -euo pipefail
S=$1; L=$2; P=$3; D=$4; shift 4
CONC=${CONC:-16}; DUR=${DUR:-15s}
mkdir -p "$D"
# shellcheck disable=SC2086
"$S" dev --listen "127.0.0.1:$P" --data-dir "$D" ${SERVER_ARGS:-} > "$D/server.log" 2>&1 &
SP=$!
trap 'kill $SP 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$P/health" && break; sleep 0.2; done
ticks() { awk '{print $14 + $15}' "/proc/$SP/stat"; }
rm -f "$D/t0"
"$L" --endpoint "http://127.0.0.1:$P" --concurrency "$CONC" --duration "$DUR" "$@" \
  2> >(while IFS= read -r line; do
         echo "$line" >&2
         case "$line" in *"setup done"*) ticks > "$D/t0" ;; esac
       done) > "$D/report.txt"
T1=$(ticks)
cat "$D/report.txt"
T0=$(cat "$D/t0")
REQ=$(awk -F'|' 'NR > 2 && $6 ~ /[0-9]/ { gsub(/ /, "", $6); s += $6 } END { print s }' "$D/report.txt")
HZ=$(getconf CLK_TCK)
# SQLite reuses its WAL file without shrinking it while the server runs, so
# its size now is the longest the WAL grew in the run.
if [ -f "$D/kognit.db-wal" ]; then echo "WAL file: $(stat -c %s "$D/kognit.db-wal") bytes"; fi
echo "server CPU: $(( T1 - T0 )) ticks of 1/$HZ s for $REQ requests: $(echo "scale=4; ($T1 - $T0) * 1000 / $HZ / $REQ" | bc) ms per request"
