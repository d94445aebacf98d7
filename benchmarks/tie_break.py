"""What the min-cost end's risk tie-break costs and buys (measured, not changed here).

Run: ``.venv/bin/python benchmarks/tie_break.py [CASE.xlsx ...]``. For each case: HiGHS's seconds
in the min-cost stage and in the tie-break (min risk with cost held at its optimum, its budget a
tenth of the time limit, at least 5 s), the tie-break's status, and the risk before and after it.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def measure(path: Path) -> dict:
    import pyomo.environ as pyo
    from model.case.reader import read_case
    from model.formulation.risk import LEX_REL_TOL
    from model.solving.staged import SolveOptions, StagedModel
    case = read_case(path)
    fm = StagedModel(case, case.settings.risk_measure, SolveOptions(case.settings.time_limit_s, case.settings.mip_gap))
    fm.configure()
    first = fm.solve()
    first_highs = fm.solver.seconds["highs"]
    cost, risk_first = pyo.value(fm.model.expected_cost), fm.risk_now()
    t0 = time.perf_counter()
    second, _ = fm.risk.minimise(fm, cost_limit=cost + LEX_REL_TOL * max(1.0, abs(cost)),
                                 time_limit_s=fm.tie_break_limit(), warm_start=True)
    return {"case": path.name, "columns": fm.size["columns"], "min_cost_status": first.status,
            "min_cost_highs_s": round(first_highs, 2), "tie_break_budget_s": fm.tie_break_limit(),
            "tie_break_highs_s": round(fm.solver.seconds["highs"] - first_highs, 2),
            "tie_break_wall_s": round(time.perf_counter() - t0, 2), "tie_break_status": second.status,
            "tie_break_gap": second.gap, "risk_after_min_cost": risk_first,
            "risk_after_tie_break": fm.risk_now() if second.has_solution else None}


def main() -> None:
    paths = [Path(p) for p in sys.argv[1:]] or [ROOT / "inputs" / "rare_earth_magnets.xlsx"]
    for p in paths:
        print(", ".join(f"{k}={v}" for k, v in measure(p).items()), flush=True)


if __name__ == "__main__":
    main()
