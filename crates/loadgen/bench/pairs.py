#!/usr/bin/env python3
"""Start-up of two servers compared in interleaved pairs.

On a noisy host, rounds of 20 starts of one server then 20 of the other
compare the host's moods as much as the servers. Here the starts alternate
within each pair (A then B, then B then A, and so on), each measured as
`startup.py` measures it (exec to the first HTTP answer on `{port}`, polled
every 0.2 ms; each run in a fresh temporary folder), with no idle wait, and
the result is the median of the paired differences B - A.

usage: pairs.py [--pairs N] [--path-a /health] [--path-b /health] \
    --a 'CMD ARGS…' --b 'CMD ARGS…'
Prints each side's median and the differences' median and mean, in ms
(negative: B answered sooner).

Example (BENCHMARKS.md, "An eleventh machine"):
  pairs.py --pairs 100 --path-a / --a '/var/tmp/kognit-ref/bin/cognitox -p {port} --storage-mode memory -l warn' \
      --b 'kognit dev --ephemeral --listen 127.0.0.1:{port}'
"""
import argparse
import os
import shlex
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from startup import run_once  # noqa: E402


def start_ms(cmd, path):
    with tempfile.TemporaryDirectory() as d:
        return run_once(cmd, path, 0.0, d)[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pairs", type=int, default=60)
    ap.add_argument("--path-a", default="/health")
    ap.add_argument("--path-b", default="/health")
    ap.add_argument("--a", required=True, help="server A's command line, with {port}")
    ap.add_argument("--b", required=True, help="server B's command line, with {port}")
    a = ap.parse_args()
    cmd_a, cmd_b = shlex.split(a.a), shlex.split(a.b)
    side_a, side_b, diffs = [], [], []
    for i in range(a.pairs):
        if i % 2 == 0:
            ta = start_ms(cmd_a, a.path_a)
            tb = start_ms(cmd_b, a.path_b)
        else:
            tb = start_ms(cmd_b, a.path_b)
            ta = start_ms(cmd_a, a.path_a)
        side_a.append(ta)
        side_b.append(tb)
        diffs.append(tb - ta)
    print(f"| pairs {a.pairs} | A median {statistics.median(side_a):.2f} | "
          f"B median {statistics.median(side_b):.2f} | B-A median {statistics.median(diffs):+.3f} | "
          f"mean {statistics.mean(diffs):+.3f} |")


if __name__ == "__main__":
    main()
