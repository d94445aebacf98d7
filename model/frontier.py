"""The cost-versus-risk frontier by the epsilon-constraint method, AUGMECON2 style (DESIGN.md §4).

1. Both ends, each lexicographic: min cost then min risk at that cost; min risk then min cost at
   that risk.
2. ``points - 2`` risk limits evenly spaced strictly between the ends' risks; each minimises cost
   minus a small reward for slack in the risk limit, so no weakly dominated point is returned.
3. Interior points change only mutable parameters of one persistent model per worker process.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
import multiprocessing

import pyomo.environ as pyo

from .build import build_model
from .case.case import Case
from .results.metrics import risk_metrics
from .results.tables import Plan, extract_plan
from .solve import PersistentHighs, SolveOutcome

SLACK_REWARD = 1e-5  # AUGMECON2's delta: reward per unit of (slack / risk range), in cost-range units
LEX_REL_TOL = 1e-10  # how far a lexicographic second stage may move the first stage's optimum
EXACT_BELOW_COLUMNS = 5_000  # models this small are solved with a zero MIP gap
TIE_BREAK_SHARE = 0.1  # of the time limit, for the risk tie-break at the min-cost end
PARALLEL_MIN_COLUMNS = 20_000  # below this, a worker process costs more than it saves


class NoSolution(Exception):
    """The model is infeasible, or no solution was found in time."""

    def __init__(self, message: str, status: str):
        super().__init__(message)
        self.status = status


@dataclass
class Point:
    point: int
    kind: str  # min_cost, interior, min_risk, single
    risk_limit: float | None
    outcome: SolveOutcome
    plan: Plan | None
    seconds: float
    note: str = ""

    @property
    def risk(self) -> float | None:
        return None if self.plan is None else self.plan.extras["risk"]


@dataclass
class SolveOptions:
    time_limit_s: float
    mip_gap: float
    threads: int | None = None
    workers: int = 1
    solver_log: str | None = None


@dataclass
class FrontierResult:
    case: Case
    risk_measure: str
    points: list[Point]
    options: SolveOptions
    timings: dict = field(default_factory=dict)
    model_size: dict = field(default_factory=dict)


def model_size(m: pyo.ConcreteModel) -> dict:
    n_vars = sum(len(v) for v in m.component_objects(pyo.Var, active=True))
    n_bin = sum(1 for v in m.component_data_objects(pyo.Var) if v.is_binary())
    n_cons = sum(len(c) for c in m.component_objects(pyo.Constraint, active=True))
    return {"columns": n_vars, "binaries": n_bin, "rows": n_cons}


class FrontierModel:
    """One built model with its solver, and the stages of a frontier on it."""

    def __init__(self, case: Case, measure: str, options: SolveOptions, log_suffix: str = ""):
        self.case = case
        self.measure = measure
        self.options = options
        t0 = time.perf_counter()
        self.model = build_model(case, measure)
        self.build_seconds = time.perf_counter() - t0
        log = options.solver_log + log_suffix if options.solver_log else None
        gap = options.mip_gap
        self.size = model_size(self.model)
        self.label_weight_per_unit = pyo.value(self.model.label_weight)  # as built: the case's tie-break weight
        if self.size["columns"] <= EXACT_BELOW_COLUMNS:
            gap = 0.0  # small models solve to optimality at no cost: still within any gap asked for
        self.solver = PersistentHighs(self.model, options.time_limit_s, gap, options.threads, log)

    # ------------------------------------------------------------------ parameter settings
    def _set(self, cost_weight=1.0, risk_weight=0.0, slack_reward=0.0, risk_limit=None,
             cost_limit=None, exposure_ratio=0.0):
        """Objective weights and limits for the next solve; None = no limit."""
        m = self.model
        m.cost_weight.set_value(cost_weight)
        m.risk_weight.set_value(risk_weight)
        m.slack_reward.set_value(slack_reward)
        # the origin-label tie-break only among equally cheap plans, never against risk
        m.label_weight.set_value(self.label_weight_per_unit * cost_weight if risk_weight == 0 else 0.0)
        if self.measure == "exposure":
            m.exposure_ratio.set_value(exposure_ratio)
            m.exposure_limit.set_value(1.0 if risk_limit is None else min(1.0, max(0.0, risk_limit)))
        else:
            m.risk_level.setlb(risk_limit)
            m.risk_level.setub(risk_limit)
        if cost_limit is None:
            if hasattr(m, "cost_limit_con"):
                m.del_component(m.cost_limit_con)
        else:
            if hasattr(m, "cost_limit_con"):
                m.del_component(m.cost_limit_con)
            m.cost_limit_con = pyo.Constraint(expr=m.expected_cost <= cost_limit)

    def _solve(self, what: str, warm_start: bool = False) -> SolveOutcome:
        outcome = self.solver.solve(warm_start=warm_start)
        if not outcome.has_solution:
            raise NoSolution(f"{what}: no solution ({outcome.status})", outcome.status)
        return outcome

    def _plan(self) -> Plan:
        plan = extract_plan(self.model)
        plan.extras["risk"] = plan.metrics[self.measure]
        return plan

    @staticmethod
    def _worst(outcomes: list[SolveOutcome]) -> SolveOutcome:
        """Report a multi-stage point by its weakest stage (status, gap), summing the time."""
        gaps = [o.gap for o in outcomes if o.gap is not None]
        bad = [o.status for o in outcomes if o.status != "optimal"]
        status = "optimal" if not bad else ("optimal; " + bad[0] if bad[0].startswith("risk tie-break")
                                            and outcomes[0].status == "optimal" else bad[0])
        last = outcomes[-1]
        return SolveOutcome(status, True, last.objective, last.bound, max(gaps) if gaps else None,
                            sum(o.seconds for o in outcomes))

    # ------------------------------------------------------------------ stages
    def min_cost(self, risk_limit: float | None = None) -> tuple[SolveOutcome, Plan]:
        """Min expected cost (within an optional risk limit), then min risk at that cost."""
        limit = risk_limit
        self._set(risk_limit=limit)
        first = self._solve("min cost")
        cost = pyo.value(self.model.expected_cost)
        first_risk = self._risk_now()
        snapshot = self._snapshot()
        outcomes = [first]
        if self.measure == "exposure":
            # lexicographic on a ratio: tighten the linear limit to the plan's exposure
            try:
                outcomes.append(self._min_exposure(cost_limit=cost + LEX_REL_TOL * max(1.0, abs(cost)),
                                                   limit=limit))
            except NoSolution as exc:
                self._restore(snapshot)
                outcomes.append(SolveOutcome(f"{exc.status} (risk tie-break)", False, None, None, None, 0.0))
        else:
            self._set(cost_weight=0.0, risk_weight=1.0, risk_limit=limit,
                      cost_limit=cost + LEX_REL_TOL * max(1.0, abs(cost)))
            second = self.solver.solve(warm_start=True, time_limit_s=self._tie_break_limit())
            outcomes.append(second)
            if not second.has_solution:  # the tie-break found nothing in time: keep stage one
                self._restore(snapshot)
            if second.status != "optimal":
                outcomes[-1] = SolveOutcome(f"risk tie-break {second.status}", False, None, None, None,
                                            second.seconds)
        if self._risk_now() >= first_risk - 1e-9 * max(1.0, abs(first_risk)):
            self._restore(snapshot)  # no risk gained: keep the exact min-cost solution
        plan = self._plan()
        self._set()
        return self._worst(outcomes), plan

    def _tie_break_limit(self) -> float:
        """A lexicographic second stage only breaks ties among (near-)cheapest plans: it runs from the
        first stage's plan and gets a tenth of the time limit (at least 5 s)."""
        return max(5.0, TIE_BREAK_SHARE * self.options.time_limit_s)

    def _risk_now(self) -> float:
        """The true value of the risk measure for the loaded solution (not the solver's bound)."""
        m = self.model
        case = self.case
        costs = {s: pyo.value(m.scenario_cost[s]) for s in case.scenarios}
        shares = {s: pyo.value(m.unmet_share[s]) for s in case.scenarios}
        probs = {s: sc.probability for s, sc in case.scenarios.items()}
        return risk_metrics(costs, shares, probs, case.settings.cvar_alpha, pyo.value(m.spend_controlled),
                            pyo.value(m.spend_total))[self.measure]

    def _snapshot(self) -> list:
        return [(v, v.value) for v in self.model.component_data_objects(pyo.Var)]

    @staticmethod
    def _restore(snapshot) -> None:
        for v, value in snapshot:
            v.set_value(value, skip_validation=True)

    def _min_exposure(self, cost_limit: float | None, limit: float | None = None) -> SolveOutcome:
        """Dinkelbach steps: min controlled - ratio x total, ratio <- controlled / total, until 0."""
        m = self.model
        ratio = 0.0
        outcomes = []
        for _ in range(30):
            self._set(cost_weight=0.0, risk_weight=1.0, risk_limit=limit, cost_limit=cost_limit,
                      exposure_ratio=ratio)
            outcomes.append(self._solve("min exposure"))
            controlled, total = pyo.value(m.spend_controlled), pyo.value(m.spend_total)
            if total <= 1e-9 or controlled - ratio * total >= -1e-9 * max(1.0, total):
                break
            ratio = controlled / total
        self._last_exposure = ratio if total > 1e-9 else 0.0
        return self._worst(outcomes)

    def min_risk(self) -> tuple[SolveOutcome, Plan, float]:
        """Min risk, then min expected cost at that risk. Returns the minimal risk too."""
        outcomes = []
        if self.measure == "exposure":
            outcomes.append(self._min_exposure(cost_limit=None))
            best = self._last_exposure
            limit = best  # the Dinkelbach solution meets it exactly
        else:
            self._set(cost_weight=0.0, risk_weight=1.0)
            outcomes.append(self._solve("min risk"))
            best = pyo.value(self.model.risk)
            limit = best + LEX_REL_TOL * max(1.0, abs(best))
        self._set(risk_limit=limit)
        outcomes.append(self._solve("min cost at min risk", warm_start=True))
        plan = self._plan()
        self._set()
        return self._worst(outcomes), plan, best

    def epsilon_point(self, limit: float, reward: float) -> tuple[SolveOutcome, Plan]:
        """Min cost - reward x slack subject to risk + slack = limit (AUGMECON2)."""
        self._set(risk_limit=limit, slack_reward=reward)
        outcome = self._solve(f"risk limit {limit:.6g}")
        plan = self._plan()
        self._set()
        return outcome, plan


_WORKER_MODELS: dict[str, "FrontierModel"] = {}


def _worker_model(case: Case, measure: str, options: SolveOptions, token: str) -> "FrontierModel":
    """The persistent model of this worker process (built on its first job, reused after)."""
    fm = _WORKER_MODELS.get(token)
    if fm is None:
        _WORKER_MODELS.clear()
        fm = FrontierModel(case, measure, options, f".{os.getpid()}")
        _WORKER_MODELS[token] = fm
    return fm


def _min_risk_worker(case: Case, measure: str, options: SolveOptions, token: str):
    t0 = time.perf_counter()
    fm = _worker_model(case, measure, options, token)
    outcome, plan, best = fm.min_risk()
    return outcome, plan, best, time.perf_counter() - t0


def _interior_worker(case: Case, measure: str, options: SolveOptions, jobs: list[tuple[int, float]],
                     reward: float, token: str) -> list[tuple[int, float, SolveOutcome | None, Plan | None, float]]:
    fm = _worker_model(case, measure, options, token)
    return [(number, limit, *_solve_limit(fm, limit, reward)) for number, limit in jobs]


def _solve_limit(fm: "FrontierModel", limit: float, reward: float) -> tuple[SolveOutcome, Plan | None, float]:
    """One epsilon point; a limit with no solution is reported, not raised."""
    t0 = time.perf_counter()
    try:
        outcome, plan = fm.epsilon_point(limit, reward)
    except NoSolution as exc:
        outcome, plan = SolveOutcome(exc.status, False, None, None, None, time.perf_counter() - t0), None
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

    With several workers (and a model big enough to pay for a process), the min-risk end runs in a
    worker while this process runs the min-cost end; then the interior limits are shared out, each
    worker re-solving its own persistent model."""
    measure = measure or case.settings.risk_measure
    points = points or case.settings.frontier_points
    options = options or SolveOptions(case.settings.time_limit_s, case.settings.mip_gap)
    timings = {}
    fm = FrontierModel(case, measure, options)
    timings["build_s"] = fm.build_seconds
    size = fm.size
    result_points: list[Point] = []

    def done(p: Point):
        result_points.append(p)
        if progress:
            progress(len(result_points), points, p)

    workers = max(1, min(options.workers, points - 1))
    parallel = workers > 1 and points > 2 and size["columns"] >= PARALLEL_MIN_COLUMNS
    pool = None
    token = f"{id(case)}-{time.time()}"
    if parallel:
        pool = ProcessPoolExecutor(max_workers=workers - 1, mp_context=multiprocessing.get_context("spawn"))
    try:
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
        reward = SLACK_REWARD * cost_range / risk_range
        if measure == "exposure":  # the slack is in spend units there
            reward = SLACK_REWARD * cost_range / max(1.0, pyo.value(fm.model.spend_total) or 1.0) / risk_range
        jobs = [(k + 1, limits[k]) for k in range(1, points - 1)]
        if parallel and jobs:
            # every workers-th limit stays in this process; the rest go one by one to the pool, whose
            # processes each keep one persistent model, so progress is reported point by point
            local = jobs[::workers]
            remote = [j for j in jobs if j not in local]
            futures = [pool.submit(_interior_worker, case, measure, options, [job], reward, token)
                       for job in remote]
            pending = list(futures)
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
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
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
    if outcome is None:
        outcome = SolveOutcome("error", False, None, None, None, seconds)
    return Point(number, "interior", limit, outcome, plan, seconds)


def _run_local(fm: "FrontierModel", number: int, limit: float, reward: float, done) -> None:
    done(_point(number, limit, *_solve_limit(fm, limit, reward)))


def solve_single(case: Case, max_risk: float | None = None, measure: str | None = None,
                 options: SolveOptions | None = None) -> FrontierResult:
    """One plan: min expected cost (within --max-risk if given), then min risk at that cost."""
    measure = measure or case.settings.risk_measure
    options = options or SolveOptions(case.settings.time_limit_s, case.settings.mip_gap)
    fm = FrontierModel(case, measure, options)
    t0 = time.perf_counter()
    outcome, plan = fm.min_cost(max_risk)
    point = Point(1, "single", max_risk, outcome, plan, time.perf_counter() - t0)
    return FrontierResult(case, measure, [point], options, {"build_s": fm.build_seconds,
                                                             "solve_s": point.seconds}, fm.size)


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)
