#!/usr/bin/env python3
"""Where an idle server's resident memory is: starts a command, waits for
its first `GET /health` answer (or --path), idles a second, then prints
`/proc/PID/smaps_rollup` and, for each mapping with resident pages, how
many (read from `/proc/PID/pagemap`, which needs root for other users'
processes). The executable's `r-xp` line is the code a start touched,
with the 64 KiB the kernel maps around each fault.

    resident.py [--path /health] [--idle 1] -- CMD ARGS... {port}
"""

import argparse
import struct
import subprocess
import time

from startup import answered, free_port  # the same directory


def resident_pages(pid: int, lo: int, hi: int) -> int:
    with open(f"/proc/{pid}/pagemap", "rb") as pagemap:
        pagemap.seek(lo // 4096 * 8)
        data = pagemap.read((hi - lo) // 4096 * 8)
    entries = struct.unpack(f"<{len(data) // 8}Q", data)
    return sum(1 for e in entries if e >> 63)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--path", default="/health")
    ap.add_argument("--idle", type=float, default=1.0)
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = [a for a in args.cmd if a != "--"]
    port = free_port()
    proc = subprocess.Popen(
        [a.replace("{port}", str(port)) for a in cmd],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while not answered(port, args.path):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the server did not answer")
            time.sleep(0.001)
        time.sleep(args.idle)
        with open(f"/proc/{proc.pid}/smaps_rollup") as f:
            print(f.read())
        with open(f"/proc/{proc.pid}/maps") as f:
            for line in f:
                fields = line.split()
                lo, hi = (int(x, 16) for x in fields[0].split("-"))
                name = fields[5] if len(fields) > 5 else ""
                kib = resident_pages(proc.pid, lo, hi) * 4
                if kib:
                    print(f"{fields[1]} {kib:8} KiB  {name}")
    finally:
        proc.kill()
        proc.wait()


if __name__ == "__main__":
    main()
