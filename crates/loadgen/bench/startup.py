#!/usr/bin/env python3
"""Start-up time and idle memory of a server, measured from outside.

Each run starts the command (its `{port}` replaced by a free port), polls
`GET <path>` on 127.0.0.1:<port> with raw sockets every 0.2 ms until an HTTP
status line comes back, and takes the time from just before exec to that
answer. Then it waits `--idle` seconds, reads the process's resident memory
(VmRSS, and VmHWM, its peak) from /proc, and stops it with SIGTERM.

usage: startup.py [--runs N] [--path /health] [--idle 1.0] [--label L] -- CMD ARGS…
Prints one row: label, runs, start-up min / median / p90 (ms), idle RSS
median (MiB), peak RSS median (MiB).

Examples (BENCHMARKS.md, "Start-up and idle memory"):
  startup.py --label 'kognit --ephemeral' -- target/release/kognit dev --ephemeral --listen 127.0.0.1:{port}
  startup.py --label cognitox --path / -- /var/tmp/kognit-ref/bin/cognitox -p {port} -l warn
"""
import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answered(port, path):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
            return s.recv(16).startswith(b"HTTP/1.")
    except OSError:
        return False


def mem_kib(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def run_once(cmd, path, idle, cwd):
    port = free_port()
    argv = [a.replace("{port}", str(port)) for a in cmd]
    t0 = time.perf_counter_ns()
    p = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while not answered(port, path):
            if p.poll() is not None:
                sys.exit(f"{argv[0]} exited with {p.returncode} before answering")
            time.sleep(0.0002)
            if time.perf_counter_ns() - t0 > 30e9:
                sys.exit("no answer within 30 s")
        start_ms = (time.perf_counter_ns() - t0) / 1e6
        time.sleep(idle)
        rss = mem_kib(p.pid, "VmRSS") / 1024
        hwm = mem_kib(p.pid, "VmHWM") / 1024
    finally:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    return start_ms, rss, hwm


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--path", default="/health")
    ap.add_argument("--idle", type=float, default=1.0)
    ap.add_argument("--label", default="")
    ap.add_argument("--cwd", default=None, help="working folder (default: a fresh temporary one per run)")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    if not cmd:
        ap.error("no command")
    starts, rss, hwm = [], [], []
    for _ in range(a.runs):
        if a.cwd:
            s, r, h = run_once(cmd, a.path, a.idle, a.cwd)
        else:
            with tempfile.TemporaryDirectory() as d:
                s, r, h = run_once(cmd, a.path, a.idle, d)
        starts.append(s)
        rss.append(r)
        hwm.append(h)
    starts.sort()
    p90 = starts[min(len(starts) - 1, int(len(starts) * 0.9))]
    print(f"| {a.label or cmd[0]} | {a.runs} | {starts[0]:.1f} | {statistics.median(starts):.1f} | "
          f"{p90:.1f} | {statistics.median(rss):.1f} | {statistics.median(hwm):.1f} |")


if __name__ == "__main__":
    main()
