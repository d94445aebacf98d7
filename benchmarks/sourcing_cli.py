"""The sourcing CLI run from a benchmark script: a timed fresh process and its ``--json`` answer."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_json(args: list[str]) -> tuple[float, dict]:
    """``sourcing ARGS --json --quiet --force`` from the project root: its wall clock (start-up to
    the written workbook) and its JSON document; a failed run ends the script with its stderr."""
    cmd = [sys.executable, "-m", "model", *args, "--json", "--quiet", "--force"]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"sourcing {' '.join(args)} failed: {proc.stderr[-2000:]}")
    return wall, json.loads(proc.stdout)
