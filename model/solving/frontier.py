"""The cost-versus-risk frontier by the epsilon-constraint method, AUGMECON2 style (DESIGN.md §4).

1. Both ends, each lexicographic: min cost then min risk at that cost; min risk then min cost at
   that risk.
2. ``points - 2`` risk limits evenly spaced strictly between the ends' risks; each minimises cost
   minus a small reward for slack in the risk limit, so no weakly dominated point is returned.
3. Interior points change only mutable parameters of one persistent model per worker (a local
   process or a Dask worker, from :mod:`model.executor`).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

from ..case.case import Case
from ..executor import WorkerCache, executor_for
from ..results.tables import Plan
from .highs import NoSolution, SolveOutcome
from .staged import SolveOptions, StagedModel

SLACK_REWARD = 1e-5  # AUGMECON2's delta: reward per unit of (slack / risk range), in cost-range units
PARALLEL_MIN_COLUMNS = 20_000  # below this, a worker process costs more than it saves


@dataclass
class Point:
    point: int
    kind: str  # min_cost, interior, min_risk, single
    risk_limit: float | None
    outcome: SolveOutcome
    plan: Plan | None
    seconds: float
    note: str = ""
    world: str = ""  # the rule set a stress run solved this point under ("" = the case as given)

    @property
    def risk(self) -> float | None:
        return None if self.plan is None else self.plan.extras["risk"]


@dataclass
class FrontierResult:
    case: Case
    risk_measure: str
    points: list[Point]
    options: SolveOptions
    timings: dict = field(default_factory=dict)
    model_size: dict = field(default_factory=dict)


_WORKER_MODELS = WorkerCache()


def _worker_model(case: Case, measure: str, options: SolveOptions, token: str) -> StagedModel:
    """The persistent model of this worker (built on its first job, reused after)."""
    return _WORKER_MODELS.get(token, lambda: StagedModel(case, measure, options, f".{os.getpid()}"))


def _min_risk_worker(case: Case, measure: str, options: SolveOptions, token: str):
    t0 = time.perf_counter()
    fm = _worker_model(case, measure, options, token)
    outcome, plan, best = fm.min_risk()
    return outcome, plan, best, time.perf_counter() - t0


def _interior_worker(case: Case, measure: str, options: SolveOptions, jobs: list[tuple[int, float]],
                     reward: float, token: str) -> list[tuple[int, float, SolveOutcome, Plan | None, float]]:
    fm = _worker_model(case, measure, options, token)
    return [(number, limit, *_solve_limit(fm, limit, reward)) for number, limit in jobs]


def _solve_limit(fm: StagedModel, limit: float, reward: float) -> tuple[SolveOutcome, Plan | None, float]:
    """One epsilon point; a limit with no solution is reported, not raised."""
    t0 = time.perf_counter()
    try:
        outcome, plan = fm.epsilon_point(limit, reward)
    except NoSolution as exc:
        outcome, plan = SolveOutcome.none(exc.status, time.perf_counter() - t0), None
    return outcome, plan, time.perf_counter() - t0


def frontier_limits(risk_high: float, risk_low: float, points: int) -> list[float]:
    """points risk limits from the min-cost end's risk down to the min-risk end's, evenly spaced."""
    if points <= 1:
        return [risk_high]
    step = (risk_high - risk_low) / (points - 1)
    return [risk_high - k * step for k in range(points)]


def run_frontier(case: Case, points: int | None = None, measure: str | None = None,
                 options: SolveOptions | None = None, progress=None) -> FrontierResult:
    """The whole frontier; ``progress(done, total, point)`` is called after each point.

    With several workers (and a model big enough to pay for a process), or a Dask scheduler, the
    min-risk end runs on a worker while this process runs the min-cost end; then the interior
    limits are shared out, each worker re-solving its own persistent model."""
    measure = measure or case.settings.risk_measure
    points = points or case.settings.frontier_points
    options = options or SolveOptions(case.settings.time_limit_s, case.settings.mip_gap)
    timings = {}
    fm = StagedModel(case, measure, options)
    timings["build_s"] = fm.build_seconds
    size = fm.size
    result_points: list[Point] = []

    def done(p: Point):
        result_points.append(p)
        if progress:
            progress(len(result_points), points, p)

    workers = max(1, min(options.workers, points - 1))
    parallel = points > 2 and (bool(options.scheduler) or (
        workers > 1 and size["columns"] >= PARALLEL_MIN_COLUMNS))
    token = f"{id(case)}-{time.time()}"
    with executor_for(max(1, workers - 1) if parallel else 1, options.scheduler if parallel else None) as pool:
        if parallel:
            risk_future = pool.submit(_min_risk_worker, case, measure, options, token)
        t0 = time.perf_counter()
        outcome, plan = fm.min_cost()
        done(Point(1, "min_cost", None, outcome, plan, time.perf_counter() - t0))
        if points == 1:
            return FrontierResult(case, measure, result_points, options, timings, size)
        if parallel:
            outcome_r, plan_r, best_risk, secs = risk_future.result()
        else:
            t0 = time.perf_counter()
            outcome_r, plan_r, best_risk = fm.min_risk()
            secs = time.perf_counter() - t0
        end_risk = Point(points, "min_risk", None, outcome_r, plan_r, secs)
        risk_high = plan.extras["risk"]
        risk_low = min(plan_r.extras["risk"], risk_high)
        limits = frontier_limits(risk_high, risk_low, points)
        result_points[0].risk_limit = limits[0]
        end_risk.risk_limit = limits[-1]
        cost_range = max(plan_r.expected_cost - plan.expected_cost, 1e-9 * max(1.0, abs(plan.expected_cost)))
        risk_range = max(risk_high - risk_low, 1e-12)
        reward = SLACK_REWARD * cost_range / fm.risk.slack_units(fm.model) / risk_range
        jobs = [(k + 1, limits[k]) for k in range(1, points - 1)]
        if parallel and jobs:
            # every workers-th limit stays in this process; the rest go one by one to the pool, whose
            # workers each keep one persistent model, so progress is reported point by point
            local = jobs[::workers]
            remote = [j for j in jobs if j not in local]
            pending = [pool.submit(_interior_worker, case, measure, options, [job], reward, token)
                       for job in remote]
            for number, limit in local:
                _run_local(fm, number, limit, reward, done)
                while pending and pending[0].done():
                    for number_i, limit_i, outcome_i, plan_i, secs_i in pending.pop(0).result():
                        done(_point(number_i, limit_i, outcome_i, plan_i, secs_i))
            for fut in pending:
                for number_i, limit_i, outcome_i, plan_i, secs_i in fut.result():
                    done(_point(number_i, limit_i, outcome_i, plan_i, secs_i))
        else:
            for number, limit in jobs:
                _run_local(fm, number, limit, reward, done)
        done(end_risk)
    ordered = sorted(result_points, key=lambda p: p.point)
    adopt_cheaper_plans(ordered)
    timings["solve_s"] = sum(p.seconds for p in ordered)
    return FrontierResult(case, measure, ordered, options, timings, size)


def adopt_cheaper_plans(points: list[Point]) -> None:
    """Each point reports the cheapest solved plan that meets its risk limit.

    Points are solved to a MIP gap, so a tighter limit can come back with a plan cheaper than a
    looser one's; that plan meets the looser limit too and is the better answer there. Adopting it
    makes expected cost non-increasing in the risk limit, as it is for exact optima."""
    solved = [p for p in points if p.plan is not None]
    for p in solved:
        if p.kind == "min_cost" or p.risk_limit is None:
            continue
        tol = 1e-9 * max(1.0, abs(p.risk_limit))
        best = min((q for q in solved if q.risk <= p.risk_limit + tol),
                   key=lambda q: q.plan.expected_cost, default=None)
        if best is not None and best is not p and best.plan.expected_cost < p.plan.expected_cost - 1e-9 * max(
                1.0, abs(p.plan.expected_cost)):
            p.note = f"plan of point {best.point} (cheaper within this limit than this point's own solve)"
            p.plan = best.plan


def _point(number, limit, outcome, plan, seconds) -> Point:
    return Point(number, "interior", limit, outcome, plan, seconds)


def _run_local(fm: StagedModel, number: int, limit: float, reward: float, done) -> None:
    done(_point(number, limit, *_solve_limit(fm, limit, reward)))


def solve_single(case: Case, max_risk: float | None = None, measure: str | None = None,
                 options: SolveOptions | None = None) -> FrontierResult:
    """One plan: min expected cost (within --max-risk if given), then min risk at that cost."""
    measure = measure or case.settings.risk_measure
    options = options or SolveOptions(case.settings.time_limit_s, case.settings.mip_gap)
    fm = StagedModel(case, measure, options)
    t0 = time.perf_counter()
    outcome, plan = fm.min_cost(max_risk)
    point = Point(1, "single", max_risk, outcome, plan, time.perf_counter() - t0)
    return FrontierResult(case, measure, [point], options, {"build_s": fm.build_seconds,
                                                             "solve_s": point.seconds}, fm.size)

