"""Stress runs: each scenario rule (or pair) put in force alone; the min-cost and min-risk plans of
each rule set, solved as independent jobs on the one executor (local processes or a Dask cluster)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace

from ..case.case import Case
from ..case.issues import CaseError
from ..case.toggles import apply_toggles
from ..executor import executor_for
from .frontier import FrontierResult, Point
from .highs import NoSolution, SolveOutcome
from .staged import SolveOptions, StagedModel

STAGES = ("min_cost", "min_risk")


@dataclass
class StressResult:
    """Every solved plan as points (``world`` = the rule set, "" for the baseline) and, per rule
    set, its plans by stage."""
    result: FrontierResult
    rule_sets: list[tuple[str, ...]]
    plans: dict[tuple[str, ...], dict[str, tuple[SolveOutcome, object]]]


def _stress_job(case: Case, rules: tuple[str, ...], measure: str, options: SolveOptions):
    """Min-cost and min-risk plans of the case with the given rules in force (baseline if none)."""
    world = apply_toggles(case, list(rules), []) if rules else case
    staged = StagedModel(world, measure, options)
    out = {}
    for stage in STAGES:
        try:
            if stage == "min_cost":
                outcome, plan = staged.min_cost()
            else:
                outcome, plan, _ = staged.min_risk()
        except NoSolution as exc:
            outcome, plan = SolveOutcome.none(exc.status), None
        out[stage] = (outcome, plan)
    return rules, out


def stress_rule_sets(case: Case, pairs: bool) -> list[tuple[str, ...]]:
    rules = [r.rule for r in case.rules.values() if r.status == "scenario"]
    sets = [(r,) for r in rules]
    if pairs:
        sets += list(itertools.combinations(rules, 2))
    return sets


def run_stress(case: Case, measure: str, options: SolveOptions, pairs: bool = False,
               progress=None) -> StressResult:
    sets = stress_rule_sets(case, pairs)
    if not sets:
        raise CaseError("controls: no rule has status 'scenario', so there is nothing to stress; expected "
                        "at least one scenario rule")
    jobs = [()] + sets
    workers = max(1, min(options.workers, len(jobs)))
    job_options = replace(options, workers=1, scheduler=None)
    plans = {}
    with executor_for(workers, options.scheduler) as ex:
        futures = [ex.submit(_stress_job, case, rules, measure, job_options) for rules in jobs]
        for i, fut in enumerate(futures, start=1):
            rules, out = fut.result()
            plans[rules] = out
            if progress:
                outcome = out["min_cost"][0]
                progress(i, len(jobs), Point(i, "stress", None, outcome, None, outcome.seconds))
    base_outcome, base_plan = plans[()]["min_cost"]
    if base_plan is None:
        raise NoSolution(f"baseline: no solution ({base_outcome.status})", base_outcome.status)
    points = []
    for rules in jobs:
        for stage in STAGES:
            outcome, plan = plans[rules][stage]
            points.append(Point(len(points) + 1, stage, None, outcome, plan, outcome.seconds,
                                world="+".join(rules) if rules else "baseline"))
    return StressResult(FrontierResult(case, measure, points, options), sets, plans)
