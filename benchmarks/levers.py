"""Paired measurements of the speed levers (docs/performance.md): each lever on and off, run
alternately the same number of times in fresh processes, on one case.

Run: ``.venv/bin/python benchmarks/levers.py frontier [--case X.xlsx] [--repeats 2] [--workers 2]``
(the frontier with and without interior MIP starts), ``... chain`` (the frontier with its interior
points started from the tighter points solved before them, and from the ends only, as shipped),
``... bypass`` (the frontier with AUGMECON2's bypass, as shipped, and with every point solved),
``... point --gap 0.005`` (one interior
point, the second from the min-cost end, cold and started, on one model) or ``... options`` (value's
option solves at the min-cost point, two forbidden and two forced: started from the point's network
with the option held and an LP, against the point's plan as it is: not kept) or ``... first --gap 0.005``
(the first min-cost solve cold, and started from its LP relaxation's binaries rounded up: not kept) or
``... submip --gap 0.01`` (the min-cost solve and a point at 0.95 x its risk, with HiGHS's sub-MIP
heuristics off, as the tool runs them, and on, HiGHS's default; ``--time-limit`` per solve) or
``... highs --mps X.mps --variant mip_lp_solver=ipm --variant ...`` (HiGHS alone on an MPS that
``sourcing solve --write-mps`` wrote, one thread at ``--gap``, with its options as the tool sets them,
beside the same with one variant's options added: both processes at once, one core each, so that
the machine's load falls on both; ``--repeats`` pairs a variant). Rows go to
``benchmarks/levers.csv`` with the load average before each run.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = Path(__file__).resolve().parent / "levers.csv"
DEFAULT_CASE = ROOT / "inputs" / "rare_earth_magnets.xlsx"

FRONTIER_CHILD = """
import json, sys, time
t0 = time.perf_counter()
from model.case.reader import read_case
from model.solving import frontier
from model.solving.staged import SolveOptions
if sys.argv[4] == "chain":  # the starts as shipped, chained from the points solved before, or from the ends only
    frontier.CHAINED_STARTS = sys.argv[2] == "on"
elif sys.argv[4] == "bypass":  # AUGMECON2's bypass (and its order of the points), or every point solved
    frontier.BYPASS = sys.argv[2] == "on"
else:
    frontier.MIP_STARTS = sys.argv[2] == "on"
    frontier.MIP_START_MIN_GAP = 0.0  # "on": a start at every gap, to measure it
workers = int(sys.argv[3])
case = read_case(sys.argv[1])
opts = SolveOptions(case.settings.time_limit_s, case.settings.mip_gap, threads=1 if workers > 1 else None, workers=workers)
r = frontier.run_frontier(case, options=opts)
print("RESULT", json.dumps({"wall_s": time.perf_counter() - t0, "points": [
    [p.point, p.outcome.status, p.plan.expected_cost if p.plan else None, p.outcome.gap, round(p.seconds, 2),
     p.risk, p.note] for p in r.points]}))
"""

POINT_CHILD = """
import json, sys, time
import pyomo.environ as pyo
from model.case.reader import read_case
from model.solving.frontier import frontier_limits, SLACK_REWARD
from model.solving.staged import SolveOptions, StagedModel
case = read_case(sys.argv[1]); gap = float(sys.argv[2]); k = int(sys.argv[3]); repeats = int(sys.argv[4])
fm = StagedModel(case, case.settings.risk_measure, SolveOptions(case.settings.time_limit_s, None, threads=1))
_, cheap = fm.min_cost(); binaries_c = fm.binary_values()
_, safe, best = fm.min_risk(); binaries_r = fm.binary_values()
limits = frontier_limits(cheap.extras["risk"], best, case.settings.frontier_points)
reward = SLACK_REWARD * (safe.expected_cost - cheap.expected_cost) / fm.risk.slack_units(fm.model) / (limits[0] - limits[-1])
near = [binaries_c, binaries_r] if k < len(limits) / 2 else [binaries_r, binaries_c]
rows = []
for r in range(repeats):
    for mode in (("cold", "start") if r % 2 == 0 else ("start", "cold")):
        t0 = time.perf_counter()
        o, plan = fm.epsilon_point(limits[k], reward, gap, near if mode == "start" else None)
        rows.append({"mode": mode, "seconds": time.perf_counter() - t0, "status": o.status, "gap": o.gap,
                     "cost": plan.expected_cost})
print("RESULT", json.dumps(rows))
"""


OPTIONS_CHILD = """
import json, sys, time
from model.case.reader import read_case
from model.solving import value
from model.solving.staged import SolveOptions, StagedModel
case = read_case(sys.argv[1]); n = int(sys.argv[2]); repeats = int(sys.argv[3])
fm = StagedModel(case, case.settings.risk_measure, SolveOptions(case.settings.time_limit_s, None, threads=1))
_, plan = fm.min_cost()
start_values, binaries = value._values(fm), fm.binary_values()
snapshot = fm.snapshot()
taken = value.once_of_plan(case, plan)
jobs, _, _ = value.option_jobs(case, taken, None)
picked = [j for j in jobs if all(taken[k] for k in j.holds)][:n] + [j for j in jobs if not any(taken[k] for k in j.holds)][:n]
rows = []
for job in picked:
    for r in range(repeats):
        for mode in (("lp", "plan") if r % 2 == 0 else ("plan", "lp")):
            fm.restore(snapshot)
            t0 = time.perf_counter()
            if mode == "plan":  # what value does
                _, rec, _ = value._run_on(fm, case, case.settings.risk_measure, None, job, None, warm=True)
            else:  # the point's network, the option held, the rest an LP: the start
                fm.fix_once_decisions(job.holds)
                for (kind, name), v in job.holds.items():
                    getattr(fm.model, kind)[name].set_value(v)
                fm.configure()
                started = fm.start_from([binaries])
                outcome = fm.solve(warm_start=True)
                import pyomo.environ as pyo
                rec = value.SolveRecord.of(outcome, pyo.value(fm.model.expected_cost) if outcome.has_solution else None)
                fm.configure()
                fm.free_once_decisions()
            rows.append({"mode": mode, "option": job.label, "seconds": time.perf_counter() - t0, "status": rec.status,
                         "cost": rec.cost, "gap": rec.gap})
print("RESULT", json.dumps(rows))
"""


FIRST_CHILD = """
import json, sys, time
import numpy as np
import highspy
from model.case.reader import read_case
from model.solving.staged import SolveOptions, StagedModel
case = read_case(sys.argv[1]); gap = float(sys.argv[2]); repeats = int(sys.argv[3])
fm = StagedModel(case, case.settings.risk_measure, SolveOptions(600, None))
fm.configure()
fm.solver._hand_over()
h = fm.solver.highs
bins = fm.binaries()
cols = np.array([fm.solver.loaded.col_of[id(v)] for v in bins], dtype=np.int32)
kind = highspy.HighsVarType
rows = []
for r in range(repeats):
    for mode in (("cold", "rounded") if r % 2 == 0 else ("rounded", "cold")):
        fm.solver.forget()
        t0 = time.perf_counter()
        if mode == "rounded":  # the LP relaxation, its binaries rounded up, the rest an LP: the start
            h.changeColsIntegrality(len(cols), cols, np.array([kind.kContinuous] * len(cols)))
            fm.solve()
            h.changeColsIntegrality(len(cols), cols, np.array([kind.kInteger] * len(cols)))
            start = fm.start_from([{v.name: int((v.value or 0) > 1e-6) for v in bins}])
            o = fm.solve(warm_start=start is not None, mip_gap=gap)
        else:
            o = fm.solve(mip_gap=gap)
        rows.append({"mode": mode, "seconds": time.perf_counter() - t0, "status": o.status, "gap": o.gap,
                     "objective": o.objective})
print("RESULT", json.dumps(rows))
"""


SUBMIP_CHILD = """
import json, sys, time
from model.case.reader import read_case
from model.solving import highs
from model.solving.staged import SolveOptions, StagedModel
case = read_case(sys.argv[1]); gap = float(sys.argv[2]); repeats = int(sys.argv[3]); limit_s = float(sys.argv[4])
off = dict(highs.SUB_MIP_HEURISTICS_OFF)
fm = StagedModel(case, case.settings.risk_measure, SolveOptions(limit_s, gap, threads=1))
rows = []
for r in range(repeats):
    for mode in (("off", "on") if r % 2 == 0 else ("on", "off")):
        # set both ways each time: HiGHS keeps an option's value from one solve to the next
        highs.SUB_MIP_HEURISTICS_OFF.update({k: (v if mode == "off" else True) for k, v in off.items()})
        fm.solver.forget()
        t0 = time.perf_counter()
        o = fm.min_cost_stage_one()
        rows.append({"mode": mode, "solve": "min_cost", "seconds": time.perf_counter() - t0, "status": o.status,
                     "gap": o.gap, "objective": o.objective})
        limit = 0.95 * fm.risk_now()  # an interior point just below the min-cost plan's risk
        fm.solver.forget()
        t0 = time.perf_counter()
        o, plan = fm.epsilon_point(limit, 0.0, gap)
        rows.append({"mode": mode, "solve": f"risk <= {limit:.4f}", "seconds": time.perf_counter() - t0,
                     "status": o.status, "gap": o.gap, "objective": o.objective})
print("RESULT", json.dumps(rows))
"""


def child_result(stdout: str, stderr: str) -> dict | list:
    """What a child printed on its last RESULT line."""
    line = [ln for ln in stdout.splitlines() if ln.startswith("RESULT ")]
    if not line:
        raise SystemExit(f"child failed: {stderr[-3000:]}")
    return json.loads(line[-1][7:])


def child(code: str, *args) -> dict | list:
    proc = subprocess.run([sys.executable, "-c", code, *map(str, args)], cwd=ROOT, capture_output=True, text=True)
    return child_result(proc.stdout, proc.stderr)


HIGHS_CHILD = """
import json, sys, time
import highspy
from model.solving.highs import SUB_MIP_HEURISTICS_OFF
mps, gap, limit, extra = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), json.loads(sys.argv[4])
h = highspy.Highs()
h.setOptionValue("output_flag", False)
h.readModel(mps)
for k, v in {"threads": 1, "mip_rel_gap": gap, "time_limit": limit, **SUB_MIP_HEURISTICS_OFF, **extra}.items():
    if h.setOptionValue(k, v) != highspy.HighsStatus.kOk:  # e.g. a solver this wheel was built without
        raise SystemExit(f"HiGHS rejects the option {k} = {v!r}")
t = time.perf_counter()
h.run()
seconds = time.perf_counter() - t
info = h.getInfo()
print("RESULT", json.dumps({"seconds": seconds, "status": h.modelStatusToString(h.getModelStatus()),
      "cost": info.objective_function_value, "gap": info.mip_gap, "nodes": info.mip_node_count}))
"""


def option_value(text: str):
    """A HiGHS option's value as typed after ``=``: true/false, an int, a float or a string."""
    if text in ("true", "false"):
        return text == "true"
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return text


def highs_pair(mps: Path, gap: float, limit: float, variant: dict) -> list[dict]:
    """HiGHS as the tool sets it and with ``variant`` added, started together (one core each)."""
    procs = {mode: subprocess.Popen([sys.executable, "-c", HIGHS_CHILD, str(mps), str(gap), str(limit),
                                     json.dumps(extra)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True)
             for mode, extra in (("shipped", {}), ("variant", variant))}
    return [{"mode": mode, **child_result(*proc.communicate())} for mode, proc in procs.items()]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("what", choices=["frontier", "chain", "bypass", "point", "options", "first", "submip", "highs"])
    ap.add_argument("--case", type=Path, default=DEFAULT_CASE)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--gap", type=float, default=0.005)
    ap.add_argument("--point-index", type=int, default=1, help="which limit (0 = the min-cost end's)")
    ap.add_argument("--time-limit", type=float, default=300.0, help="submip and highs: seconds per solve")
    ap.add_argument("--mps", type=Path, help="highs: the MPS file (sourcing solve --write-mps)")
    ap.add_argument("--variant", action="append", default=[],
                    help="highs: HiGHS options, key=value[,key=value], measured beside the shipped ones")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    rows = []
    if args.what in ("frontier", "chain", "bypass"):
        lever = {"frontier": "mip_starts", "chain": "chained_starts", "bypass": "augmecon2_bypass"}[args.what]
        for r in range(args.repeats):
            for mode in (("on", "off") if r % 2 == 0 else ("off", "on")):
                load = os.getloadavg()[0]
                res = child(FRONTIER_CHILD, args.case, mode, args.workers, args.what)
                row = {"lever": lever, "what": f"frontier --workers {args.workers}", "case": args.case.name,
                       "mode": mode, "repeat": r, "seconds": round(res["wall_s"], 2), "load_before": load,
                       "detail": json.dumps(res["points"])}
                rows.append(row)
                print(row, flush=True)
    elif args.what == "highs":
        if not args.mps:
            raise SystemExit("highs needs --mps")
        for text in args.variant:
            variant = {k: option_value(v) for k, v in (kv.split("=", 1) for kv in text.split(","))}
            for r in range(args.repeats):
                load = os.getloadavg()[0]
                for res in highs_pair(args.mps, args.gap, args.time_limit, variant):
                    row = {"lever": "highs_options", "what": f"{args.mps.name} at gap {args.gap}: {text}",
                           "case": args.mps.name, "mode": res["mode"], "repeat": r,
                           "seconds": round(res["seconds"], 2), "load_before": load, "detail": json.dumps(res)}
                    rows.append(row)
                    print(row, flush=True)
    elif args.what == "first":
        load = os.getloadavg()[0]
        for res in child(FIRST_CHILD, args.case, args.gap, args.repeats):
            row = {"lever": "rounded_first_start", "what": f"min-cost solve at gap {args.gap}", "case": args.case.name,
                   "mode": res["mode"], "repeat": "", "seconds": round(res["seconds"], 2), "load_before": load,
                   "detail": json.dumps(res)}
            rows.append(row)
            print(row, flush=True)
    elif args.what == "submip":
        load = os.getloadavg()[0]
        for res in child(SUBMIP_CHILD, args.case, args.gap, args.repeats, args.time_limit):
            row = {"lever": "sub_mip_heuristics", "what": f"{res['solve']} at gap {args.gap}", "case": args.case.name,
                   "mode": res["mode"], "repeat": "", "seconds": round(res["seconds"], 2), "load_before": load,
                   "detail": json.dumps(res)}
            rows.append(row)
            print(row, flush=True)
    elif args.what == "options":
        load = os.getloadavg()[0]
        for res in child(OPTIONS_CHILD, args.case, 2, args.repeats):
            row = {"lever": "option_lp_starts", "what": f"value option {res['option']}", "case": args.case.name,
                   "mode": res["mode"], "repeat": "", "seconds": round(res["seconds"], 2), "load_before": load,
                   "detail": json.dumps(res)}
            rows.append(row)
            print(row, flush=True)
    else:
        load = os.getloadavg()[0]
        for res in child(POINT_CHILD, args.case, args.gap, args.point_index, args.repeats):
            row = {"lever": "mip_starts", "what": f"point {args.point_index + 1} at gap {args.gap}",
                   "case": args.case.name, "mode": res["mode"], "repeat": "", "seconds": round(res["seconds"], 2),
                   "load_before": load, "detail": json.dumps(res)}
            rows.append(row)
            print(row, flush=True)
    new = not args.out.exists()
    with open(args.out, "a", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        if new:
            w.writeheader()
        w.writerows(rows)
    for mode in ("on", "off", "cold", "start", "lp", "plan", "rounded", "shipped", "variant"):
        secs = [r["seconds"] for r in rows if r["mode"] == mode]
        if secs:
            print(f"{mode}: mean {sum(secs) / len(secs):.1f} s over {len(secs)} ({', '.join(f'{s:.1f}' for s in secs)})")


if __name__ == "__main__":
    main()
