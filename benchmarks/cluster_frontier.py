"""A frontier on a Dask cluster started here, against the same frontier on local processes.

Run: ``.venv/bin/python benchmarks/cluster_frontier.py [CASE.xlsx] [--workers 2] [--points 11]``.

Starts ``dask scheduler --host 127.0.0.1`` and ``--workers`` ``dask worker`` processes (one thread
each) from this virtual environment, runs ``sourcing frontier --scheduler ADDRESS`` and
``sourcing frontier --workers N`` (wall clock, command to workbook), compares the two frontiers
point by point, and stops the scheduler and the workers it started, by process id.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sourcing_cli import run_json

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def frontier(case: Path, out: Path, points: int, extra: list[str]) -> tuple[float, list[dict]]:
    wall, doc = run_json(["frontier", str(case), "--points", str(points), "--out", str(out), *extra])
    return wall, doc["frontier"]


def stop(procs: list[subprocess.Popen]) -> None:
    """Stop what this script started, by process id (each was started in its own session)."""
    for p in procs:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("case", nargs="?", type=Path, default=ROOT / "inputs" / "rare_earth_magnets.xlsx")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--points", type=int, default=11)
    ap.add_argument("--skip-local", action="store_true")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="sourcing-cluster-"))
    scheduler_file = tmp / "scheduler.json"
    procs: list[subprocess.Popen] = []
    log = open(tmp / "dask.log", "w")
    try:
        procs.append(subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0",
                                       "--no-dashboard", "--scheduler-file", str(scheduler_file)],
                                      stdout=log, stderr=log, start_new_session=True))
        for _ in range(200):
            if scheduler_file.exists() and scheduler_file.stat().st_size:
                break
            time.sleep(0.1)
        address = json.loads(scheduler_file.read_text())["address"]
        for _ in range(args.workers):
            procs.append(subprocess.Popen([str(BIN / "dask"), "worker", address, "--nthreads", "1",
                                           "--nworkers", "1", "--no-dashboard"],
                                          stdout=log, stderr=log, start_new_session=True, cwd=tmp))
        from distributed import Client
        with Client(address, timeout="30s") as client:
            client.wait_for_workers(args.workers, timeout=120)
        print(f"scheduler {address} (pid {procs[0].pid}), workers pid {', '.join(str(p.pid) for p in procs[1:])}; "
              f"load average {os.getloadavg()[0]:.2f}", flush=True)
        wall_d, rows_d = frontier(args.case, tmp / "dask.xlsx", args.points, ["--scheduler", address])
        print(f"--scheduler: {wall_d:.1f} s", flush=True)
    finally:
        stop(procs)
        log.close()
    if args.skip_local:
        return
    wall_l, rows_l = frontier(args.case, tmp / "local.xlsx", args.points, ["--workers", str(args.workers)])
    print(f"--workers {args.workers}: {wall_l:.1f} s (load average {os.getloadavg()[0]:.2f})")
    for a, b in zip(rows_d, rows_l):
        print(f"  point {a['point']}: cluster {a['expected_cost']:,.0f} / {a['risk']:.4f} / {a['status']}  "
              f"local {b['expected_cost']:,.0f} / {b['risk']:.4f} / {b['status']}")


if __name__ == "__main__":
    main()
