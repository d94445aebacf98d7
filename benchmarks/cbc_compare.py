"""``sourcing solve`` against CBC alone (and HiGHS alone) on the same model, side by side.

Run: ``.venv/bin/python benchmarks/cbc_compare.py [CASE.xlsx] [--repeats 2]`` (CBC from
``apt-get install -y coinor-cbc``). Each repeat runs, one after the other on this machine:

1. ``sourcing solve CASE --write-mps model.mps`` (wall clock from the command to the written
   workbook: start-up, read, build, hand-over, the min-cost solve, its risk tie-break, extraction,
   writing), with its own split of the time from the results workbook's run_info;
2. ``cbc model.mps ratioGap G seconds T solve`` on the MPS that run wrote (the exact model of its
   first solve), G the gap our solve used (``--mip-gap``, else the case's; ``auto`` solves one point
   to 1e-4) and T ``--other-time-limit`` (600 s: long, so that CBC's time is its own, not a limit's);
3. HiGHS alone (highspy) on the same MPS, same gap and time limit, with the options the tool sets
   (its sub-MIP heuristics off, ``model/solving/highs.py``).

``--time-limit`` is our solve's per-stage limit (default: the case's).

Rows go to ``benchmarks/cbc_results.csv``; the ratio is our wall over CBC's wall.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sourcing_cli import run_json

ROOT = Path(__file__).resolve().parents[1]
OUT = Path(__file__).resolve().parent / "cbc_results.csv"
HIGHS_ALONE = """
import sys, time, highspy
from model.solving.highs import SUB_MIP_HEURISTICS_OFF
h = highspy.Highs(); h.setOptionValue("output_flag", False)
for key, value in SUB_MIP_HEURISTICS_OFF.items():  # HiGHS as the tool runs it
    h.setOptionValue(key, value)
h.readModel(sys.argv[1]); h.setOptionValue("mip_rel_gap", float(sys.argv[2])); h.setOptionValue("time_limit", float(sys.argv[3]))
t0 = time.perf_counter(); h.run(); wall = time.perf_counter() - t0
print("RESULT", wall, h.getInfo().objective_function_value, h.modelStatusToString(h.getModelStatus()).replace(" ", "_"))
"""


def run_ours(case: Path, tmp: Path, our_options: list[str]) -> dict:
    from openpyxl import load_workbook
    mps, out = tmp / "model.mps", tmp / "plan.xlsx"
    wall, doc = run_json(["solve", str(case), "--out", str(out), "--write-mps", str(mps), *our_options])
    row = doc["frontier"][0]
    info = {r[0]: r[1] for r in load_workbook(out, read_only=True)["run_info"].iter_rows(values_only=True) if r and r[0]}
    return {"ours_wall_s": wall, "ours_cost": row["expected_cost"], "ours_status": row["status"],
            "ours_gap": row["mip_gap"], "ours_highs_s": info.get("highs_s"), "ours_build_s": info.get("build_s"),
            "ours_handover_s": info.get("handover_s"), "mps": mps}


def run_cbc(mps: Path, gap: float, limit: float) -> dict:
    cmd = ["cbc", str(mps), "ratioGap", str(gap), "seconds", str(limit), "solve", "quit"]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    text = proc.stdout
    objective = re.search(r"Objective value:\s+([-\d.e+]+)", text)
    result = re.search(r"Result - (.+)", text)
    return {"cbc_wall_s": wall, "cbc_objective": float(objective.group(1)) if objective else None,
            "cbc_result": result.group(1).strip() if result else "?"}


def run_highs(mps: Path, gap: float, limit: float) -> dict:
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", HIGHS_ALONE, str(mps), str(gap), str(limit)],
                          capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - t0
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    if not line:
        raise SystemExit(f"HiGHS alone failed: {proc.stdout[-1000:]}{proc.stderr[-2000:]}")
    run_s, objective, status = line[-1].split()[1:4]
    return {"highs_alone_wall_s": wall, "highs_alone_run_s": float(run_s), "highs_alone_objective": float(objective),
            "highs_alone_status": status}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("case", nargs="?", type=Path, default=ROOT / "inputs" / "rare_earth_magnets.xlsx")
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--mip-gap", type=float, default=None,
                    help="our solve's --mip-gap, and CBC's and HiGHS's (default: the case's; auto means a "
                         "single solve's gap, 1e-4)")
    ap.add_argument("--other-time-limit", type=float, default=600.0,
                    help="CBC's and HiGHS-alone's time limit (long, so that their time is their real time)")
    ap.add_argument("--time-limit", type=float, default=None, help="our solve's --time-limit (default: the case's)")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from model.case.reader import read_case
    from model.solving.staged import AUTO_END_GAP
    settings = read_case(args.case).settings
    gap = args.mip_gap if args.mip_gap is not None else (settings.mip_gap if settings.mip_gap is not None
                                                          else AUTO_END_GAP)
    our_options = ["--mip-gap", str(args.mip_gap)] if args.mip_gap is not None else []
    if args.time_limit is not None:
        our_options += ["--time-limit", str(args.time_limit)]
    limit = args.other_time_limit
    rows = []
    with tempfile.TemporaryDirectory(prefix="sourcing-cbc-") as d:
        for k in range(args.repeats):
            row = {"case": args.case.name, "repeat": k + 1, "mip_gap": gap, "time_limit_s": limit,
                   "load_average": round(os.getloadavg()[0], 2)}
            ours = run_ours(args.case, Path(d), our_options)
            mps = ours.pop("mps")
            row.update(ours)
            row.update(run_cbc(mps, gap, limit))
            row.update(run_highs(mps, gap, limit))
            row["ours_over_cbc"] = row["ours_wall_s"] / row["cbc_wall_s"]
            row["highs_alone_over_cbc"] = row["highs_alone_wall_s"] / row["cbc_wall_s"]
            rows.append(row)
            print(", ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in row.items()), flush=True)
    new = not args.out.exists()
    with open(args.out, "a", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        if new:
            w.writeheader()
        w.writerows(rows)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
