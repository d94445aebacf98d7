"""The cost-versus-risk frontier by the epsilon-constraint method, AUGMECON2 style (docs/model.md).

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
from dataclasses import dataclass, field, replace

import pandas as pd

from .. import interrupt
from ..case.case import Case
from ..executor import Job, JobQueue, WorkerCache, executor_for
from ..results.tables import Plan
from .highs import NoSolution, SolveOutcome
from .staged import SolveOptions, StagedModel

SLACK_REWARD = 1e-5  # AUGMECON2's delta: reward per unit of (slack / risk range), in cost-range units
PARALLEL_MIN_COLUMNS = 20_000  # below this, a worker process costs more than it saves
# mip_gap auto (docs/model.md "Frontier"): an interior point's absolute gap is this share of the cost step
# between neighbouring limits, within [AUTO_MIN_GAP, AUTO_MAX_GAP] relative; the min-cost end's risk
# tie-break stops at this share of the risk step
AUTO_STEP_SHARE = 0.25
AUTO_TIE_BREAK_SHARE = 0.1
AUTO_MIN_GAP = 1e-6
AUTO_MAX_GAP = 0.005
# interior points start from the ends' once-decisions (docs/performance.md has the measurement;
# benchmarks/levers.py turns it off to measure it again)
MIP_STARTS = True
# ...only at loose gaps: measured to pay at 0.5 % (2.5x), not at 0.11 % (the proof dominates)
MIP_START_MIN_GAP = 0.004
# ...and from the tighter points solved before them: measured paired, it did not pay on the shipped
# case (docs/performance.md, lever 5), so it is off
CHAINED_STARTS = False
# AUGMECON2's bypass: a point whose limit a looser point's optimal plan meets takes that plan unsolved
# (it is this point's optimum too, within the same gap); the looser points go out first for it
BYPASS = True


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
    cost_bound: float | None = None  # the solver's lower bound on min expected cost at this limit

    def __post_init__(self):
        if self.cost_bound is None and self.plan is not None:
            self.cost_bound = self.plan.extras.get("cost_bound")

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
    return _min_risk_end(_worker_model(case, measure, options, token))


def _min_risk_end(fm: StagedModel):
    """(outcome, plan or None, min risk or None, seconds, binary values or None) of the min-risk
    end; never raises."""
    t0 = time.perf_counter()
    try:
        outcome, plan, best = fm.min_risk()
        binaries = fm.binary_values()
    except NoSolution as exc:
        outcome, plan, best, binaries = SolveOutcome.none(exc.status, time.perf_counter() - t0), None, None, None
    return outcome, plan, best, time.perf_counter() - t0, binaries


# one epsilon point to solve: (point number, risk limit, relative gap or None, binary values to start from)
LimitJob = tuple[int, float, float | None, list[dict[str, int]]]


def _interior_worker(case: Case, measure: str, options: SolveOptions, job: LimitJob, reward: float,
                     token: str) -> tuple:
    """One epsilon point on this worker's persistent model."""
    number, limit, gap, starts = job
    return (number, limit, *_solve_limit(_worker_model(case, measure, options, token), limit, reward, gap, starts))


def _solve_limit(fm: StagedModel, limit: float, reward: float, gap: float | None = None,
                 starts: list[dict[str, int]] | None = None) -> tuple[SolveOutcome, Plan | None, float, dict | None]:
    """One epsilon point, started from the first of ``starts`` that fits its limit; a limit with no
    solution is reported, not raised. Returns the point's binary values too (a start for others)."""
    t0 = time.perf_counter()
    try:
        outcome, plan = fm.epsilon_point(limit, reward, gap, starts)
        binaries = fm.binary_values()
    except NoSolution as exc:
        outcome, plan, binaries = SolveOutcome.none(exc.status, time.perf_counter() - t0), None, None
    return outcome, plan, time.perf_counter() - t0, binaries


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
    limits are shared out, each worker re-solving its own persistent model. With mip_gap auto, the
    risk tie-break at the min-cost end stops at a tenth of the risk step between limits, interior
    points are solved to a quarter of the cost step between the ends, and neighbouring points whose
    cost intervals still overlap are solved once more, to a third of the distance between them."""
    measure = measure or case.settings.risk_measure
    points = points or case.settings.frontier_points
    options = options or SolveOptions(case.settings.time_limit_s, case.settings.mip_gap)
    timings = {}
    fm = StagedModel(case, measure, options)
    timings["build_s"] = fm.build_seconds
    size = fm.size
    result_points: dict[int, Point] = {}

    def done(p: Point):
        result_points[p.point] = p
        if progress:
            progress(len(result_points), points, p)

    workers = max(1, min(options.workers, points - 1))
    # with --scheduler even two points use the cluster (the min-risk end goes there), so that a
    # scheduler that does not answer is found on every run that names one
    parallel = (points >= 2 and bool(options.scheduler)) or (
        points > 2 and workers > 1 and size["columns"] >= PARALLEL_MIN_COLUMNS)
    auto = fm.auto_gap and not fm.exact
    token = f"{id(case)}-{time.time()}"
    worker_options = replace(options, write_mps=None)  # only this process's first solve is written
    # this process solves too, so the pool holds workers - 1 other processes (one is a real process)
    with executor_for(max(1, workers - 1) if parallel else 1, options.scheduler if parallel else None,
                      in_this_process_when_one=not parallel) as pool:
        if parallel:
            risk_future = pool.submit(_min_risk_worker, case, measure, worker_options, token)
        t0 = time.perf_counter()
        try:
            first = fm.min_cost_stage_one()
        except NoSolution:
            if not interrupt.requested():
                raise
            for k in range(1, points + 1):  # stopped before any point finished
                done(Point(k, "min_cost" if k == 1 else ("min_risk" if k == points else "interior"), None,
                           SolveOutcome.none("interrupted"), None, 0.0))
            return FrontierResult(case, measure, sorted(result_points.values(), key=lambda p: p.point),
                                  options, timings, size)
        stage_one_s = time.perf_counter() - t0
        if points == 1:
            outcome, plan = fm.risk_tie_break(first)
            done(Point(1, "min_cost", None, outcome, plan, time.perf_counter() - t0))
            return FrontierResult(case, measure, list(result_points.values()), options, timings, size)
        risk_high_first = fm.risk_now()
        if parallel:
            outcome_r, plan_r, best_risk, secs, binaries_r = risk_future.result()
        else:  # the min-risk end on this model, then the min-cost plan back for its tie-break
            snapshot = fm.snapshot()
            outcome_r, plan_r, best_risk, secs, binaries_r = _min_risk_end(fm)
            fm.restore(snapshot)
        t2 = time.perf_counter()
        if plan_r is None:  # no risk range to share out: the min-cost end and the failed min-risk end
            outcome, plan = fm.risk_tie_break(first)
            done(Point(1, "min_cost", None, outcome, plan, stage_one_s + time.perf_counter() - t2))
            why = "interrupted" if interrupt.requested() else "not solved: the min-risk end has no solution"
            for k in range(2, points):
                done(Point(k, "interior", None, SolveOutcome.none(why), None, 0.0))
            done(Point(points, "min_risk", None, outcome_r, None, secs))
            return FrontierResult(case, measure, sorted(result_points.values(), key=lambda p: p.point),
                                  options, timings, size)
        risk_step = max(0.0, risk_high_first - plan_r.extras["risk"]) / (points - 1)
        tie_gap = max(AUTO_TIE_BREAK_SHARE * risk_step, 1e-9 * max(1.0, abs(risk_high_first))) if auto else None
        outcome, plan = fm.risk_tie_break(first, None, tie_gap)
        binaries_c = fm.binary_values()
        done(Point(1, "min_cost", None, outcome, plan, stage_one_s + time.perf_counter() - t2))
        end_risk = Point(points, "min_risk", None, outcome_r, _finished(outcome_r, plan_r), secs)
        risk_high = plan.extras["risk"]
        risk_low = min(plan_r.extras["risk"], risk_high)
        limits = frontier_limits(risk_high, risk_low, points)
        result_points[1].risk_limit = limits[0]
        end_risk.risk_limit = limits[-1]
        cost_range = max(plan_r.expected_cost - plan.expected_cost, 1e-9 * max(1.0, abs(plan.expected_cost)))
        risk_range = max(risk_high - risk_low, 1e-12)
        reward = SLACK_REWARD * cost_range / fm.risk.slack_units(fm.model) / risk_range
        gap = None
        if auto:
            step = max(0.0, plan_r.expected_cost - plan.expected_cost) / (points - 1)
            scale = max(1.0, abs(plan_r.expected_cost))
            gap = min(AUTO_MAX_GAP, max(AUTO_MIN_GAP, AUTO_STEP_SHARE * step / scale))
        # each interior point starts from the nearer end's once-decisions (the other end's where
        # those cannot meet its limit), and is expected to take as long as the nearer end did
        ends = [(limits[0], binaries_c, first.seconds), (limits[-1], binaries_r, outcome_r.seconds)]

        def by_nearness(limit: float) -> list:
            return sorted(ends, key=lambda e: abs(e[0] - limit))

        use_starts = MIP_STARTS and fm.point_gap(gap) >= MIP_START_MIN_GAP

        def starts_for(limit: float) -> list[dict[str, int]]:
            return [b for _, b, _ in by_nearness(limit) if b is not None] if use_starts else []

        # chained, the tightest limit goes first, so that each looser point can start from the
        # plans of the tighter points solved before it is handed out (they meet its limit)
        chained = use_starts and CHAINED_STARTS
        # for the bypass, the loosest first: each optimal plan may then settle the tighter points
        # handed out after it (loosest and tightest by turns on two workers measured slower,
        # docs/performance.md, lever 7)
        jobs = [((k + 1, limits[k], gap, starts_for(limits[k])),
                 float(k) if chained else (-float(k) if BYPASS else by_nearness(limits[k])[0][2]))
                for k in range(1, points - 1)]
        binaries_of: dict[int, dict] = {}
        _solve_jobs(fm, pool if parallel else None, case, measure, worker_options, jobs, reward, token,
                    done, binaries_of, chain_from=binaries_c if chained else None, bypass=BYPASS)
        done(end_risk)
        if auto and not interrupt.requested():
            again = [((number, limit, g, [b for b in [binaries_of.get(number)] if b and use_starts] + starts_for(limit)),
                      result_points[number].seconds)
                     for number, limit, g in _refinement_jobs(list(result_points.values()), limits)]
            if again:
                solved: dict[int, Point] = {}
                _solve_jobs(fm, pool if parallel else None, case, measure, worker_options, again, reward, token,
                            lambda p: solved.__setitem__(p.point, p), {})
                for number, p in solved.items():
                    old = result_points[number]
                    p.seconds += old.seconds
                    if p.plan is None:  # a tighter re-solve that found nothing keeps the first answer
                        old.seconds = p.seconds
                        continue
                    result_points[number] = p
    ordered = sorted(result_points.values(), key=lambda p: p.point)
    adopt_cheaper_plans(ordered)
    timings["solve_s"] = sum(p.seconds for p in ordered)
    timings.update({f"this_process_{k}": v for k, v in fm.seconds_outside_build().items()})
    return FrontierResult(case, measure, ordered, options, timings, fm.size_loaded())


def chained_starts(limit: float, ends: list[dict[str, int]], solved: list[tuple[float, float, dict]],
                   min_cost_network: dict[str, int] | None) -> list[dict[str, int]]:
    """The starts of a point with risk limit ``limit``, tried in this order: the min-cost end's
    network when it is the nearer end (the cheapest, though it may not meet the limit), then the
    binaries of every point solved so far whose plan meets the limit, its cheapest plan first
    (held, the rest re-solved at this limit, it can only be as cheap or cheaper), then the ends'
    in order of nearness. ``solved``: (risk, expected cost, binary values) of those points."""
    tol = 1e-9 * max(1.0, abs(limit))
    fitting = [b for risk, cost, b in sorted(solved, key=lambda s: s[1]) if risk <= limit + tol]
    first = [b for b in ends[:1] if b is min_cost_network]
    rest = [b for b in ends if not any(b is f for f in first)]
    return first + fitting + rest


def bypass_source(limit: float, solved: list[tuple]) -> tuple | None:
    """AUGMECON2's bypass: of the points solved so far (each a point's result as it came in:
    number, limit, outcome, plan, ...), the cheapest whose solve is optimal (within its gap), whose
    limit is looser than ``limit`` and whose plan meets ``limit``. Its plan is then optimal at ``limit`` too, within the same gap: the feasible
    set at ``limit`` lies inside the looser one's, the plan is in it, and the slack reward differs
    between the two limits by a constant only. The solver's bound of the looser point holds here
    as well (a tighter limit cannot cost less). None when no point qualifies."""
    tol = 1e-9 * max(1.0, abs(limit))
    fitting = [s for s in solved if s[3] is not None and s[2].status == "optimal" and s[1] > limit + tol
               and s[3].extras["risk"] <= limit + tol]
    return min(fitting, key=lambda s: s[3].expected_cost, default=None)


def _solve_jobs(fm: StagedModel, pool, case: Case, measure: str, options: SolveOptions,
                jobs: list[tuple[LimitJob, float]], reward: float, token: str, done, binaries_of: dict,
                chain_from: dict[str, int] | None = None, bypass: bool = False) -> None:
    """Epsilon points, each with its expected seconds, on the one job queue: handed out one at a time
    as this process or a worker of the pool frees up, the heaviest first; each worker re-solves its
    own persistent model. With ``chain_from`` (the min-cost end's binaries: starts are on), each
    point's starts are made as it is handed out (:func:`chained_starts`), from the points finished
    by then. With ``bypass``, a point that a looser point's optimal plan settles (:func:`bypass_source`)
    is not solved: it reports that plan. Progress is reported point by point; after Ctrl-C the
    points not started are reported interrupted."""
    settled_by: dict[int, int] = {}

    def finished(job: Job, result) -> None:
        number, limit, outcome, plan, seconds, binaries = result
        if binaries is not None:
            binaries_of[number] = binaries
        point = _point(number, limit, outcome, plan, seconds)
        if number in settled_by:
            point.note = (f"plan of point {settled_by[number]}: its optimal plan meets this limit, so it is "
                          "the optimum here too (AUGMECON2 bypass; not solved again)")
        done(point)

    def ready(job: Job, came_in: list) -> None:
        number, limit = job.tag[:2]
        if bypass:
            source = bypass_source(limit, [r for _, r in came_in])
            if source is not None:
                s_number, _, s_outcome, s_plan, _, s_binaries = source
                settled_by[number] = s_number
                job.settle((number, limit, replace(s_outcome, seconds=0.0), s_plan, 0.0, s_binaries))
                return
        if chain_from is not None:
            chain(job, came_in)

    def skipped(job: Job) -> None:
        number, limit = job.tag[:2]
        done(_point(number, limit, SolveOutcome.none("interrupted"), None, 0.0))

    def job_for(spec: LimitJob, weight: float) -> Job:
        number, limit, gap, starts = spec
        return Job(_interior_worker if pool is not None else None,
                   (case, measure, options, spec, reward, token), weight=weight, tag=spec,
                   here=lambda: (number, limit, *_solve_limit(fm, limit, reward, gap, starts)),
                   ready=ready if (bypass or chain_from is not None) else None)

    def chain(job: Job, came_in: list) -> None:
        number, limit, gap, ends = job.tag
        solved = [(r[3].extras["risk"], r[3].expected_cost, r[5]) for _, r in came_in
                  if r[3] is not None and r[5] is not None]
        made = job_for((number, limit, gap, chained_starts(limit, ends, solved, chain_from)), job.weight)
        job.args, job.here = made.args, made.here

    queue = JobQueue(pool, this_process_solves=True, on_skip=skipped)
    for spec, weight in jobs:
        queue.add(job_for(spec, weight))
    queue.run(finished)


def _refinement_jobs(points: list[Point], limits: list[float]) -> list[tuple[int, float, float]]:
    """Interior points whose cost interval overlaps a neighbour's, each with the relative gap that
    would tell the two apart (a third of the distance between their costs); none for points that
    stopped at their time limit (a tighter gap would not finish either) or cost the same."""
    from ..results.report import mark_efficiency
    from ..results.resolution import overlapping_pairs
    frame = pd.DataFrame([{"point": p.point, "expected_cost": p.plan.expected_cost if p.plan else None,
                           "risk": p.risk, "cost_bound": p.cost_bound}
                          for p in points])
    frame = mark_efficiency(frame.dropna(subset=["expected_cost"]))
    cost = frame.set_index("point")["expected_cost"]
    by_number = {p.point: p for p in points}
    wanted: dict[int, float] = {}
    for a, b in overlapping_pairs(frame):
        distance = abs(cost[b] - cost[a])
        scale = max(1.0, abs(cost[b]))
        if distance <= 10 * AUTO_MIN_GAP * scale:
            continue  # practically the same cost: no gap tells them apart
        gap = max(AUTO_MIN_GAP, distance / 3 / scale)
        for number in (a, b):
            p = by_number[number]
            if p.kind == "interior" and "time_limit" not in p.outcome.status and (p.outcome.gap or 0) > gap:
                wanted[number] = min(gap, wanted.get(number, gap))
    return [(number, limits[number - 1], gap) for number, gap in sorted(wanted.items())]


def adopt_cheaper_plans(points: list[Point]) -> None:
    """Each point reports the cheapest solved plan that meets its risk limit.

    Points are solved to a MIP gap, so a tighter limit can come back with a plan cheaper than a
    looser one's; that plan meets the looser limit too and is the better answer there. Adopting it
    makes expected cost non-increasing in the risk limit, as it is for exact optima. The point keeps
    its own cost bound: the adopted plan's bound belongs to a tighter limit."""
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
    return Point(number, "interior", limit, outcome, _finished(outcome, plan), seconds)


def _finished(outcome: SolveOutcome, plan: Plan | None) -> Plan | None:
    """A solve cut short by Ctrl-C reports no plan: only finished points are reported as plans."""
    return None if outcome.status == "interrupted" else plan


def solve_single(case: Case, max_risk: float | None = None, measure: str | None = None,
                 options: SolveOptions | None = None) -> FrontierResult:
    """One plan: min expected cost (within --max-risk if given), then min risk at that cost."""
    measure = measure or case.settings.risk_measure
    options = options or SolveOptions(case.settings.time_limit_s, case.settings.mip_gap)
    fm = StagedModel(case, measure, options)
    t0 = time.perf_counter()
    try:
        outcome, plan = fm.min_cost(max_risk)
    except NoSolution as exc:
        if max_risk is None or interrupt.requested() or exc.status not in ("infeasible", "infeasible_or_unbounded"):
            raise
        lowest = fm.min_risk_value()
        if lowest is None or lowest <= max_risk:
            raise
        text = (f"--max-risk {max_risk:.6g} is below the lowest reachable {measure}, {lowest:.6g}: no plan "
                "meets it")
        raise NoSolution(text, exc.status, [text]) from None
    point = Point(1, "single", max_risk, outcome, plan, time.perf_counter() - t0)
    return FrontierResult(case, measure, [point], options, {"build_s": fm.build_seconds,
                                                             "solve_s": point.seconds,
                                                             **fm.seconds_outside_build()}, fm.size_loaded())

