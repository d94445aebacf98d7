"""What-if and stress runs: the same case with rules toggled, solved as independent jobs.

- ``run_whatif``: the baseline frontier, the toggled frontier, the cost of keeping each baseline
  risk level under the toggle, and per point what changed in the plan.
- ``run_stress``: each scenario rule (or pair) put in force alone; min-cost and min-risk plans;
  rules ranked by the damage they do.
Independent solves go to a ``concurrent.futures`` executor: local processes by default, or a Dask
cluster (``distributed`` implements the same interface) with ``--scheduler``.
"""

from __future__ import annotations

import itertools
import multiprocessing
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field

import pandas as pd

from .case.case import Case
from .case.issues import CaseError
from .frontier import FrontierModel, FrontierResult, NoSolution, Point, SolveOptions, run_frontier
from .results.report import Report, build_report
from .solve import SolveOutcome
from .toggles import apply_toggles


class InlineExecutor(Executor):
    """Runs jobs in this process (one worker, or tiny cases where a process costs more)."""

    def submit(self, fn, *args, **kwargs):
        fut: Future = Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # handed to the caller through the future
            fut.set_exception(exc)
        return fut


@contextmanager
def executor_for(workers: int, scheduler: str | None = None):
    if scheduler:
        try:
            from distributed import Client
        except ImportError as exc:  # pragma: no cover - depends on the extra
            raise CaseError("--scheduler needs the 'distributed' package: pip install -e '.[cluster]'") from exc
        client = Client(scheduler)
        try:
            yield client.get_executor()
        finally:
            client.close()
    elif workers > 1:
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as ex:
            yield ex
    else:
        yield InlineExecutor()


# --------------------------------------------------------------------------------------------------
# what-if
# --------------------------------------------------------------------------------------------------

@dataclass
class WhatIf:
    baseline: Report
    toggled: Report
    cost_of_keeping: pd.DataFrame
    changes: pd.DataFrame
    toggles: tuple[str, ...]
    results: dict = field(default_factory=dict)


def _cost_at_limits(case: Case, measure: str, options: SolveOptions, limits: list[tuple[int, float]]):
    """Min expected cost of the toggled case within each baseline point's risk."""
    fm = FrontierModel(case, measure, options)
    out = []
    for point, limit in limits:
        fm._set(risk_limit=limit)
        outcome = fm.solver.solve()
        cost = fm.model.expected_cost() if outcome.has_solution else None
        out.append((point, limit, outcome.status, cost, outcome.gap))
    fm._set()
    return out


def plan_changes(base: Report, tog: Report) -> pd.DataFrame:
    """Per point: suppliers added or dropped, stockpile change, the lanes whose nominal volume moved most."""
    rows = []
    bs, ts = base.tables.get("suppliers", pd.DataFrame()), tog.tables.get("suppliers", pd.DataFrame())
    br, tr = base.tables.get("routes", pd.DataFrame()), tog.tables.get("routes", pd.DataFrame())
    bf, tf = base.frontier.set_index("point"), tog.frontier.set_index("point")
    for point in sorted(set(bf.index) & set(tf.index)):
        def used(df):
            if df.empty:
                return set()
            sel = df[(df["point"] == point) & ((df["contracted"] == "yes") | (df["volume"] > 1e-7))]
            return set(sel["offer"])
        b_used, t_used = used(bs), used(ts)

        def lane_volumes(df):
            if df.empty:
                return pd.Series(dtype=float)
            sel = df[(df["point"] == point) & (df["kind"] == "shipment") & (df["nominal"] == "yes")]
            return sel.groupby("route")["quantity"].sum()
        moved = lane_volumes(tr).sub(lane_volumes(br), fill_value=0.0)
        moved = moved[moved.abs() > 1e-6].sort_values(key=lambda s: -s.abs()).head(5)
        rows.append({
            "point": point,
            "baseline_cost": bf.loc[point, "expected_cost"], "toggled_cost": tf.loc[point, "expected_cost"],
            "baseline_risk": bf.loc[point, "risk"], "toggled_risk": tf.loc[point, "risk"],
            "suppliers_added": ", ".join(sorted(t_used - b_used)),
            "suppliers_dropped": ", ".join(sorted(b_used - t_used)),
            "stockpile_value_change": _num(tf.loc[point, "stockpile_value"]) - _num(bf.loc[point, "stockpile_value"]),
            "routes_moved": ", ".join(f"{k} {v:+,.1f}" for k, v in moved.items()),
        })
    return pd.DataFrame(rows)


def _num(x) -> float:
    return 0.0 if x is None or pd.isna(x) else float(x)


def run_whatif(case: Case, toggled: Case, points: int, measure: str, options: SolveOptions,
               progress=None, report_kw: dict | None = None) -> WhatIf:
    report_kw = report_kw or {}
    base_result = run_frontier(case, points, measure, options, progress)
    tog_result = run_frontier(toggled, points, measure, options, progress)
    base = build_report(base_result, **report_kw)
    tog = build_report(tog_result, **report_kw)
    limits = [(p.point, p.risk) for p in base_result.points if p.plan is not None]
    kept = _cost_at_limits(toggled, base_result.risk_measure, options, limits)
    base_cost = base.frontier.set_index("point")["expected_cost"]
    cost_rows = [{"point": point, "risk_level": limit, "baseline_cost": base_cost[point],
                  "toggled_cost": cost, "extra_cost": (cost - base_cost[point]) if cost is not None else None,
                  "status": status if cost is not None else f"{status}: this risk level cannot be kept",
                  "mip_gap": gap}
                 for point, limit, status, cost, gap in kept]
    return WhatIf(base, tog, pd.DataFrame(cost_rows), plan_changes(base, tog), toggled.toggles,
                  {"baseline": base_result, "toggled": tog_result})


# --------------------------------------------------------------------------------------------------
# stress
# --------------------------------------------------------------------------------------------------

def _stress_job(case: Case, rules: tuple[str, ...], measure: str, options: SolveOptions):
    """Min-cost and min-risk plans of the case with the given rules in force (baseline if none)."""
    world = apply_toggles(case, list(rules), []) if rules else case
    fm = FrontierModel(world, measure, options)
    out = {}
    for kind in ("min_cost", "min_risk"):
        try:
            if kind == "min_cost":
                outcome, plan = fm.min_cost()
            else:
                outcome, plan, _ = fm.min_risk()
        except NoSolution as exc:
            outcome, plan = SolveOutcome(exc.status, False, None, None, None, 0.0), None
        out[kind] = (outcome, plan)
    return rules, out


def stress_rule_sets(case: Case, pairs: bool) -> list[tuple[str, ...]]:
    rules = [r.rule for r in case.rules.values() if r.status == "scenario"]
    sets = [(r,) for r in rules]
    if pairs:
        sets += list(itertools.combinations(rules, 2))
    return sets


def run_stress(case: Case, measure: str, options: SolveOptions, pairs: bool = False,
               scheduler: str | None = None, progress=None):
    """Returns (FrontierResult of every solved plan as points, ranking DataFrame)."""
    sets = stress_rule_sets(case, pairs)
    if not sets:
        raise CaseError("controls: no rule has status 'scenario', so there is nothing to stress; expected "
                        "at least one scenario rule")
    jobs = [()] + sets
    workers = max(1, min(options.workers, len(jobs)))
    results = {}
    with executor_for(workers, scheduler) as ex:
        futures = [ex.submit(_stress_job, case, rules, measure, SolveOptions(
            options.time_limit_s, options.mip_gap, options.threads, 1, options.solver_log)) for rules in jobs]
        for i, fut in enumerate(futures, start=1):
            rules, out = fut.result()
            results[rules] = out
            if progress:
                outcome = out["min_cost"][0]
                progress(i, len(jobs), Point(i, "stress", None, outcome, None, outcome.seconds))
    points, ranking = [], []
    base_outcome, base_plan = results[()]["min_cost"]
    if base_plan is None:
        raise NoSolution(f"baseline: no solution ({base_outcome.status})", base_outcome.status)
    number = 0
    nominal = case.nominal_scenario
    for rules in jobs:
        for kind in ("min_cost", "min_risk"):
            outcome, plan = results[rules][kind]
            number += 1
            label = "+".join(rules) if rules else "baseline"
            points.append(Point(number, f"{label}:{kind}", None, outcome, plan, outcome.seconds))
        if not rules:
            continue
        outcome, plan = results[rules]["min_cost"]
        _, risk_plan = results[rules]["min_risk"]
        start = min(case.rules[r].start_period for r in rules)
        first_fail, failing = None, ""
        if plan is not None and len(plan.shortfall):
            sf = plan.shortfall[plan.shortfall["scenario"] == nominal]
            if len(sf):
                first_fail = int(sf["period"].min())
                failing = ", ".join(sorted(set(sf[sf["period"] == first_fail]["demand"])))
        ranking.append({
            "rules": "+".join(rules),
            "description": "; ".join(case.rules[r].description for r in rules),
            "start_period": start,
            "added_expected_cost": (plan.expected_cost - base_plan.expected_cost) if plan else None,
            "expected_cost": plan.expected_cost if plan else None,
            "expected_shortfall": plan.metrics["expected_shortfall"] if plan else None,
            "unmet_units_nominal": float(plan.shortfall[plan.shortfall["scenario"] == nominal]["unmet"].sum()) if plan else None,
            "min_risk": risk_plan.metrics[measure] if risk_plan else None,
            "min_risk_cost": risk_plan.expected_cost if risk_plan else None,
            "first_shortfall_period": first_fail,
            "periods_survived": (first_fail - start) if first_fail is not None else None,
            "fails_first": failing,
            "status": outcome.status,
        })
    rank = pd.DataFrame(ranking)
    rank["_n"] = rank["rules"].str.count(r"\+")  # on equal damage, the single rule first
    rank = rank.sort_values(["added_expected_cost", "expected_shortfall", "_n"], ascending=[False, False, True],
                            na_position="first", kind="stable").drop(columns="_n").reset_index(drop=True)
    rank.insert(0, "rank", range(1, len(rank) + 1))
    for col in ("first_shortfall_period", "periods_survived"):
        rank[col] = rank[col].astype("Int64")
    result = FrontierResult(case, measure, points, options)
    return result, rank
