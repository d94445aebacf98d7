"""Pipeline benchmark: read, build, first solve, re-solve, write, and model size, on generated
cases of growing size (and the default case). Run: ``make benchmark`` or
``.venv/bin/python benchmarks/benchmark.py [--sizes 1 2 4 8] [--periods 24]``.

Each generated case has ``k`` parallel mine-to-magnet lines (ore -> oxide -> metal -> magnet),
3 suppliers per line in free/covered/CN countries, a processor per stage, our own magnet plant,
and 1 + k scenarios (bans and outages). The re-solve changes only the risk limit on the same
persistent model, as every frontier point after the first does.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from model.case.reader import read_case  # noqa: E402
from model.case.workbook import write_case_workbook  # noqa: E402
from model.formulation import model_size  # noqa: E402
from model.results.excel import write_results  # noqa: E402
from model.results.report import build_report  # noqa: E402
from model.solving.frontier import FrontierResult, Point  # noqa: E402
from model.solving.staged import SolveOptions, StagedModel  # noqa: E402


def synthetic_rows(k: int, periods: int) -> dict:
    countries = [("CN", "CN"), ("RU", "covered"), ("AU", "free"), ("US", "free"), ("JP", "free"), ("MY", "free")]
    rows = {
        "settings": {"case_name": f"synthetic k={k}", "periods": periods, "origin_groups": "free, covered, CN",
                     "risk_measure": "cvar_shortfall", "frontier_points": 5, "mip_gap": 0.005, "time_limit_s": 120},
        "countries": [{"country": c, "origin_group": g} for c, g in countries],
        "materials": [], "sites": [{"site": "PLANT", "country": "JP", "owner": "Us", "role": "own"}],
        "offers": [], "processes": [], "process_inputs": [], "lanes": [], "demand": [], "inventory": [],
        "controls": [], "scenarios": [], "scenario_events": [], "policies": [], "sources": [],
    }
    stages = ["ore", "oxide", "metal", "magnet"]
    for line in range(k):
        mats = [f"L{line}_{s}" for s in stages]
        for m, s in zip(mats, stages):
            rows["materials"].append({"material": m, "stage": s, "groups": "REE" if line % 2 else "REE, heavy_REE"})
        for j, (country, _) in enumerate([("CN", 0), ("AU", 0), ("RU", 0)]):
            site = f"S{line}_{country}"
            rows["sites"].append({"site": site, "country": country, "owner": f"Owner{line}_{j}", "role": "supplier"})
            rows["offers"].append({"offer": f"O{line}_{country}_ore", "site": site, "material": mats[0],
                                   "price": 10 + 3 * j + line, "capacity_per_period": 60, "fixed_cost": 500 * j,
                                   "lead_time": 1, "qualified": "yes" if j < 2 else "no",
                                   "qualification_periods": 3, "qualification_cost": 800})
            rows["offers"].append({"offer": f"O{line}_{country}_oxide", "site": site, "material": mats[1],
                                   "price": 30 + 5 * j + line, "capacity_per_period": 40, "lead_time": 2,
                                   "min_per_period": 5 if j == 0 else 0})
            rows["lanes"].append({"from_site": site, "to_site": f"P{line}_MY", "materials": f"{mats[0]}, {mats[1]}",
                                  "cost_per_unit": 1 + j, "lead_time": 1})
        rows["sites"].append({"site": f"P{line}_MY", "country": "MY", "owner": f"Proc{line}", "role": "processor"})
        rows["processes"] += [
            {"process": f"SEP{line}", "site": f"P{line}_MY", "output": mats[1], "capacity_per_period": 80, "cost_per_unit": 4},
            {"process": f"MET{line}", "site": f"P{line}_MY", "output": mats[2], "capacity_per_period": 60, "cost_per_unit": 6},
            {"process": f"MAG{line}", "site": "PLANT", "output": mats[3], "capacity_per_period": 50, "cost_per_unit": 8,
             "exists": "yes" if line % 2 == 0 else "no", "build_cost": 5000, "build_periods": 4,
             "technology": "sintering", "technology_origin": "CN" if line % 3 == 0 else "JP"},
        ]
        rows["process_inputs"] += [
            {"process": f"SEP{line}", "input": mats[0], "per_unit_output": 1.3},
            {"process": f"MET{line}", "input": mats[1], "per_unit_output": 1.2},
            {"process": f"MAG{line}", "input": mats[2], "per_unit_output": 1.25},
        ]
        rows["lanes"].append({"from_site": f"P{line}_MY", "to_site": "PLANT", "materials": mats[2],
                              "cost_per_unit": 2, "lead_time": 1, "capacity_per_period": 100})
        rows["demand"].append({"site": "PLANT", "material": mats[3], "period": "*", "quantity": 20,
                               "shortfall_penalty": 400})
        rows["inventory"].append({"site": "PLANT", "material": mats[2], "initial_stock": 20,
                                  "initial_origin_group": "CN", "max_stock": 200, "holding_cost_per_period": 0.5})
    rows["controls"] = [
        {"rule": "LIC", "issuer": "CN", "materials": "heavy_REE", "kind": "licence", "licence_lead_time": 2,
         "status": "scenario"},
        {"rule": "BAN", "issuer": "CN", "materials": "*", "kind": "ban", "extraterritorial": "yes", "status": "scenario"},
    ]
    rows["scenarios"].append({"scenario": "calm", "probability": 0.5})
    n_events = k
    for e in range(n_events):
        name = f"ev{e}"
        rows["scenarios"].append({"scenario": name, "probability": 0.5 / n_events})
        rule = "BAN" if e % 2 else "LIC"
        rows["scenario_events"].append({"scenario": name, "event": "rule", "target": rule,
                                        "start_period": 3 + (e * 3) % max(1, periods - 4), "notice": 1})
        rows["scenario_events"].append({"scenario": name, "event": "outage", "target": f"P{e % k}_MY",
                                        "start_period": 2 + e % 5, "duration": 3, "factor": 0.3})
    return rows


def measure_case(label: str, path: Path, out_dir: Path) -> dict:
    t0 = time.perf_counter()
    case = read_case(path)
    read_s = time.perf_counter() - t0
    opts = SolveOptions(case.settings.time_limit_s, case.settings.mip_gap)
    fm = StagedModel(case, case.settings.risk_measure, opts)
    size = model_size(fm.model)
    t0 = time.perf_counter()
    outcome, plan = fm.min_cost()
    first_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    _, _, best = fm.min_risk()
    min_risk_s = time.perf_counter() - t0
    limit = (plan.extras["risk"] + best) / 2  # an interior point, feasible by construction
    t0 = time.perf_counter()
    outcome2, plan2 = fm.epsilon_point(limit, 0.0)
    resolve_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    cold = StagedModel(case, case.settings.risk_measure, opts)
    _, cold_plan = cold.epsilon_point(limit, 0.0)
    cold_s = time.perf_counter() - t0
    assert abs(cold_plan.expected_cost - plan2.expected_cost) <= 0.01 * abs(plan2.expected_cost), \
        "a warm re-solve and a cold solve of the same limit disagree beyond the MIP gap"
    result = FrontierResult(case, case.settings.risk_measure,
                            [Point(1, "min_cost", None, outcome, plan, first_s),
                             Point(2, "interior", limit, outcome2, plan2, resolve_s)], opts)
    t0 = time.perf_counter()
    report = build_report(result)
    write_results(report, out_dir / f"{label}.xlsx")
    write_s = time.perf_counter() - t0
    return {"case": label, **size, "read_s": read_s, "build_s": fm.build_seconds,
            "min_cost_2stage_s": first_s, "min_risk_2stage_s": min_risk_s, "warm_resolve_s": resolve_s, "cold_build_and_solve_s": cold_s,
            "write_s": write_s, "status": f"{outcome.status}/{outcome2.status}"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[1, 2, 4, 8])
    ap.add_argument("--periods", type=int, default=24)
    ap.add_argument("--no-default", action="store_true", help="skip the default case")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="sourcing-bench-"))
    rows = []
    for k in args.sizes:
        path = write_case_workbook(tmp / f"synthetic_{k}.xlsx", synthetic_rows(k, args.periods))
        rows.append(measure_case(f"synthetic_k{k}", path, tmp))
        print(_fmt(rows[-1]), flush=True)
    default = ROOT / "inputs" / "rare_earth_magnets.xlsx"
    if not args.no_default and default.exists():
        rows.append(measure_case("default_case", default, tmp))
        print(_fmt(rows[-1]), flush=True)
    keys = list(rows[0])
    print("\n| " + " | ".join(keys) + " |\n|" + "---|" * len(keys))
    for r in rows:
        print("| " + " | ".join(f"{r[k]:.2f}" if isinstance(r[k], float) else str(r[k]) for k in keys) + " |")


def _fmt(r: dict) -> str:
    return ", ".join(f"{k}={v:.2f}" if isinstance(v, float) else f"{k}={v}" for k, v in r.items())


if __name__ == "__main__":
    main()
