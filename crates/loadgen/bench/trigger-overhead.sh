#!/bin/bash
# What a PreSignUp webhook adds to a SignUp, beyond the webhook's own round
# trip: SignUp at one client (so mean latency = 1 / throughput) on a pool
# without a trigger and on a pool whose PreSignUp is a webhook on loopback
# (examples/triggers/serve.js with a handler that accepts every sign-up),
# alternating; the webhook's round trip as kognit measured it around the
# HTTP call comes from /metrics (kognit_trigger_duration_seconds).
#
# usage: trigger-overhead.sh KOGNIT LOADGEN [ROUNDS]   (env DUR, default 10s)
set -euo pipefail
K=$1; L=$2; ROUNDS=${3:-3}; DUR=${DUR:-10s}
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
D=$(mktemp -d)
trap 'kill $KP $WP 2>/dev/null || true; rm -rf "$D"' EXIT
node "$ROOT/examples/triggers/serve.js" auto-confirm.js 9417 > "$D/webhook.log" 2>&1 &
WP=$!
"$K" dev --listen 127.0.0.1:9416 --data-dir "$D/data" > "$D/server.log" 2>&1 &
KP=$!
for _ in $(seq 50); do curl -s -o /dev/null http://127.0.0.1:9416/health && break; sleep 0.2; done
mean_ms() { awk -F'|' 'NR > 2 && $8 ~ /[0-9]/ { gsub(/ /, "", $8); print 1000 / $8 }' | head -1; }
metric() { curl -s http://127.0.0.1:9416/metrics | awk -v m="$1" '$1 ~ "^"m { s += $2 } END { print s + 0 }'; }
for r in $(seq "$ROUNDS"); do
  plain=$("$L" --endpoint http://127.0.0.1:9416 --concurrency 1 --duration "$DUR" sign-up --pool-name "plain-$r" 2>/dev/null | mean_ms)
  s0=$(metric kognit_trigger_duration_seconds_sum); c0=$(metric kognit_trigger_duration_seconds_count)
  hooked=$("$L" --endpoint http://127.0.0.1:9416 --concurrency 1 --duration "$DUR" sign-up --pool-name "hooked-$r" --pre-sign-up http://127.0.0.1:9417/ 2>/dev/null | mean_ms)
  s1=$(metric kognit_trigger_duration_seconds_sum); c1=$(metric kognit_trigger_duration_seconds_count)
  rtt=$(echo "scale=4; ($s1 - $s0) * 1000 / ($c1 - $c0)" | bc)
  extra=$(echo "scale=4; $hooked - $plain - $rtt" | bc)
  echo "round $r: SignUp ${plain} ms without, ${hooked} ms with PreSignUp; webhook round trip ${rtt} ms; beyond it: ${extra} ms"
done
