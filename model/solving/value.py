"""Decision values (docs/model.md "Decision values"): what perfect information, the stochastic
solution and each option are worth, by the textbook definitions of stochastic programming (Birge
and Louveaux, ch. 4), on min expected cost.

- Wait-and-see: each scenario solved alone with perfect foresight, ``z_s``; ``WS = sum_s p_s z_s``
  and ``EVPI = z* - WS`` (``z*`` the stochastic min expected cost, the risk unconstrained).
- EV plan: the once-decisions (contracts, qualifications, builds) of the nominal scenario solved
  alone, held in the stochastic model, the rest re-optimised: ``EEV``; ``VSS = EEV - z*``.
- Options at a point (its risk limit kept; none at the min-cost end), against ``C``, the min
  expected cost within that limit: an option the point takes is forbidden, and its value is the
  rise ``C_forbidden - C`` (none where the limit cannot then be met); an option it does not take
  is forced, and its value is the fall were it free of its own cost f:
  ``max(0, C + f - C_forced)``, which is also at most f (the plan with the option free is never
  dearer than C) and is the cost below which the option pays (its break-even).

"Forbidden" for an offer that needs both a contract and a qualification and has both: without
either the offer cannot be bought, so forbidding the contract and forbidding the qualification are
one question (the offer gone), answered by one solve that holds both at 0; the two rows share it.

Every value is a difference of two MIP optima, each known within its solve's gap: the solver's
bound gives each value an interval (``low``..``high``), and a value outside what the theory allows
(a negative rise, a fall above f) is brought to the nearest allowed number. Values are about cost,
so every solve here is a single min-cost solve: the min-cost point's lexicographic risk tie-break
(run once, for the point's own plan) changes no cost and is not repeated per option.

All solves are independent jobs on the one executor's job queue (:class:`model.executor.JobQueue`);
with local workers this process solves the point while the workers start on the scenarios, each
worker keeps one persistent stochastic model (:class:`model.executor.WorkerCache`) and starts
each option's solve from the point's plan, the option held (HiGHS repairs a start that an option
makes infeasible).
"""

from __future__ import annotations

import math
import os
import time
from collections import deque
from dataclasses import dataclass, field, replace

import pyomo.environ as pyo

from ..case.case import Case
from ..case.toggles import only_scenario
from ..executor import Job as QueueJob, JobQueue, WorkerCache, executor_for
from ..results.decisions import ONCE_DECISIONS
from ..results.tables import Plan
from .frontier import Point
from .highs import NoSolution, SolveOutcome
from .staged import SolveOptions, StagedModel

OPTION_KINDS = tuple(d.kind for d in ONCE_DECISIONS)  # contract, qualify, build, storage, substitute
SHARE_POLICIES = ("max_share_origin", "max_share_supplier")  # on the nominal scenario's purchases
VALUE_TOL = 1e-7  # relative: differences below this share of the cost are solver noise


# --------------------------------------------------------------------------------------------------
# records
# --------------------------------------------------------------------------------------------------

@dataclass
class SolveRecord:
    """One min-cost solve: its status, the expected cost of the plan found, and how far that can be
    above the optimum (the objective's distance to the solver's bound; 0 for an exact solve)."""
    status: str
    cost: float | None
    slack: float | None
    gap: float | None
    seconds: float

    @property
    def ok(self) -> bool:
        """A cost that may be used as a value: solved to optimality (within the MIP gap)."""
        return self.cost is not None and self.status == "optimal"

    @property
    def low(self) -> float | None:
        """The least the optimum can be."""
        if self.cost is None:
            return None
        return self.cost - (self.slack if self.slack is not None else abs(self.cost) * (self.gap or 0.0))

    @classmethod
    def of(cls, outcome: SolveOutcome, cost: float | None) -> "SolveRecord":
        slack = None
        if outcome.has_solution and outcome.objective is not None and outcome.bound is not None \
                and math.isfinite(outcome.objective) and math.isfinite(outcome.bound):
            slack = max(0.0, outcome.objective - outcome.bound)
        return cls(outcome.status, cost if outcome.has_solution else None, slack, outcome.gap, outcome.seconds)

    def as_outcome(self) -> SolveOutcome:
        return SolveOutcome(self.status, self.cost is not None, self.cost, None, self.gap, self.seconds)


@dataclass
class ScenarioAlone:
    """One scenario solved alone with perfect foresight (the wait-and-see solves)."""
    scenario: str
    probability: float
    record: SolveRecord
    once: dict[tuple[str, str], int] | None = None  # its once-decisions (kept for the nominal)


@dataclass
class OptionValue:
    """What one option is worth at the point: the rise in expected cost when it is forbidden
    (taken) or the fall were it free (not taken), with the interval the MIP gaps allow."""
    option: str
    kind: str  # contract, qualify, build
    taken: bool
    option_cost: float  # its fixed, qualification or build cost
    status: str
    value: float | None
    low: float | None = None
    high: float | None = None
    changed_cost: float | None = None  # expected cost with it forbidden, or forced (its cost paid)
    gap: float | None = None
    seconds: float = 0.0
    note: str = ""

    @property
    def break_even_cost(self) -> float | None:
        """The option's cost at which the decision flips: a taken option stays worth taking below
        its cost + value, one not taken pays below value."""
        if self.value is None:
            return None
        return self.option_cost + self.value if self.taken else self.value


@dataclass
class ValueResult:
    case: Case
    risk_measure: str
    point: Point  # the point valued, with its plan
    risk_limit: float | None  # the limit the option solves keep (None: unconstrained)
    reference: SolveRecord  # min expected cost within that limit: the options' baseline
    stochastic: SolveRecord  # the stochastic min expected cost z* (risk unconstrained)
    scenarios: list[ScenarioAlone]
    ev_plan: SolveRecord | None
    options: list[OptionValue]
    options_solves: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)

    # --- the headline numbers (None: not known, e.g. a solve hit its time limit) ----------------
    @property
    def expected_cost(self) -> float | None:
        return self.point.plan.expected_cost if self.point.plan is not None else None

    @property
    def wait_and_see_cost(self) -> float | None:
        if not self.scenarios or not all(s.record.ok for s in self.scenarios):
            return None
        return sum(s.probability * s.record.cost for s in self.scenarios)

    def _wait_and_see_low(self) -> float:
        return sum(s.probability * s.record.low for s in self.scenarios)

    @property
    def evpi(self) -> float | None:
        ws = self.wait_and_see_cost
        if ws is None or not self.stochastic.ok:
            return None
        return _clamp(self.stochastic.cost - ws, 0.0, None)

    @property
    def evpi_range(self) -> tuple[float, float] | None:
        ws = self.wait_and_see_cost
        if ws is None or not self.stochastic.ok:
            return None
        return (max(0.0, self.stochastic.low - ws), max(0.0, self.stochastic.cost - self._wait_and_see_low()))

    @property
    def ev_plan_infeasible(self) -> bool:
        return self.ev_plan is not None and self.ev_plan.status == "infeasible"

    @property
    def ev_plan_cost(self) -> float | str | None:
        if self.ev_plan is None:
            return None
        if self.ev_plan_infeasible:
            return "infeasible"
        return self.ev_plan.cost if self.ev_plan.ok else None

    @property
    def vss(self) -> float | str | None:
        if self.ev_plan_infeasible:
            return "infeasible"
        if self.ev_plan is None or not self.ev_plan.ok or not self.stochastic.ok:
            return None
        return _clamp(self.ev_plan.cost - self.stochastic.cost, 0.0, None)

    @property
    def vss_range(self) -> tuple[float, float] | None:
        if self.vss is None or isinstance(self.vss, str):
            return None
        return (max(0.0, self.ev_plan.low - self.stochastic.cost), max(0.0, self.ev_plan.cost - self.stochastic.low))


def _clamp(x: float, lo: float | None, hi: float | None) -> float:
    """x within [lo, hi]; differences within solver noise of a bound snap to it."""
    if lo is not None and x < lo:
        x = lo
    if hi is not None and x > hi:
        x = hi
    return x


# --------------------------------------------------------------------------------------------------
# options
# --------------------------------------------------------------------------------------------------

def option_cost(case: Case, kind: str, name: str) -> float:
    if kind == "contract":
        return case.offers[name].fixed_cost
    if kind == "qualify":
        return case.offers[name].qualification_cost
    if kind == "storage":
        return case.storage_options[name].cost
    if kind == "substitute":
        return next(s.qualification_cost for s in case.substitutes if s.key == name)
    return case.processes[name].build_cost


def options_of(case: Case) -> list[tuple[str, str]]:
    """Every once-decision of the case as (kind, offer or process), in the case's order."""
    out = [("contract", o.offer) for o in case.offers.values() if o.needs_contract]
    out += [("qualify", o.offer) for o in case.offers.values() if o.needs_qualification]
    out += [("build", p.process) for p in case.processes.values() if not p.exists]
    out += [("storage", o) for o in case.storage_options]
    out += [("substitute", s.key) for s in case.substitutes if s.needs_qualification]
    return out


def once_of_plan(case: Case, plan: Plan) -> dict[tuple[str, str], int]:
    """The once-decisions a plan takes, as its tables report them (a free contract no scenario
    uses is not taken: the plan does not contract it): each kind read where
    :data:`model.results.decisions.ONCE_DECISIONS` says its table shows it."""
    taken_ids = {}
    for d in ONCE_DECISIONS:
        table = getattr(plan, d.table)
        taken_ids[d.kind] = set(table.loc[table[d.column] == "yes", d.key]) if len(table) else set()
    return {(kind, name): int(name in taken_ids[kind]) for kind, name in options_of(case)}


@dataclass
class Job:
    """One independent solve: ``kind`` scenario (one scenario alone), stochastic (z*), ev (the
    nominal's once-decisions held) or option (``holds`` on once-decisions, within ``limit``)."""
    key: str
    kind: str
    scenario: str | None = None
    holds: dict[tuple[str, str], int] = field(default_factory=dict)
    limit: float | None = None
    label: str = ""


def counted_by_supplier_policies(case: Case, offer: str) -> bool:
    """A supplier-count policy on the offer's material counts its contract, bought from or not."""
    material = case.offers[offer].material
    return any(p.policy in ("min_suppliers", "max_suppliers") and material in p.materials for p in case.policies)


def _paired(case: Case, taken: dict, kind: str, name: str) -> bool:
    """A contract and a qualification of one offer that stand or fall together: both taken, or both
    not taken, and no supplier-count policy that sees the contract alone. Without either the offer
    cannot be bought, so one solve answers both rows: forbidden, both held at 0; not taken, both
    forced (the plan with one forced and not the other buys nothing from it and is the reference
    plus that option's cost, plus any take-or-pay: never cheaper)."""
    if kind not in ("contract", "qualify"):
        return False
    keys = [("contract", name), ("qualify", name)]
    return (all(k in taken for k in keys) and taken[keys[0]] == taken[keys[1]]
            and not counted_by_supplier_policies(case, name))


def option_jobs(case: Case, taken: dict[tuple[str, str], int], limit: float | None,
                forbidden_builds: set[str] = frozenset()) -> tuple[list[Job], list[OptionValue], dict]:
    """The option solves of a point, the values known without a solve, and per job key the
    option rows it answers."""
    jobs, known, rows_of = [], [], {}
    for kind, name in options_of(case):
        cost = option_cost(case, kind, name)
        is_taken = bool(taken[(kind, name)])
        if not is_taken and cost <= 0:
            known.append(OptionValue(name, kind, False, cost, "optimal", 0.0, 0.0, 0.0,
                                     note="costs nothing: there is nothing to gain from making it free"))
            continue
        if not is_taken and kind == "build" and name in forbidden_builds:
            known.append(OptionValue(name, kind, False, cost, "infeasible", None,
                                     note="a technology ban in force forbids building it"))
            continue
        hold = 0 if is_taken else 1
        if _paired(case, taken, kind, name):
            key = f"offer:{name}"
            if key in rows_of:
                rows_of[key].append((kind, name))
                continue
            holds = {("contract", name): hold, ("qualify", name): hold}
            label = f"{name} offer"
        else:
            key, holds, label = f"{kind}:{name}", {(kind, name): hold}, f"{name} {kind}"
        rows_of[key] = [(kind, name)]
        jobs.append(Job(key, "option", holds=holds, limit=limit, label=label))
    return jobs, known, rows_of


def option_values(case: Case, reference: SolveRecord, taken: dict[tuple[str, str], int], jobs: list[Job],
                  results: dict[str, SolveRecord], rows_of: dict) -> list[OptionValue]:
    """Each option row's value from its solve and the reference (see the module docstring)."""
    out = []
    for job in jobs:
        rec = results[job.key]
        for kind, name in rows_of[job.key]:
            is_taken = bool(taken[(kind, name)])
            cost = option_cost(case, kind, name)
            ov = OptionValue(name, kind, is_taken, cost, rec.status, None, changed_cost=rec.cost, gap=rec.gap,
                             seconds=rec.seconds)
            pair_note = ""
            if len(job.holds) > 1:
                pair_note = ("contract and qualification go together: without either the offer cannot be "
                             "bought" if is_taken else "valued with the offer's contract and qualification "
                             "both taken (one without the other buys nothing)")
            if rec.status == "infeasible":
                if is_taken:
                    ov.note = ("indispensable: the point's risk limit cannot be met without it" if job.limit
                               is not None else "indispensable: without it some scenario's hard limits "
                               "(stock floors, policies) cannot be met")
                else:
                    ov.note = "it cannot be taken within the point's limits"
            elif not rec.ok:
                ov.note = f"no value: the solve ended {rec.status}"
            elif not reference.ok:
                ov.status = f"reference {reference.status}"
                ov.note = f"no value: the point's own solve ended {reference.status}"
            else:
                if is_taken:
                    raw = rec.cost - reference.cost
                    ov.value = _clamp(raw, 0.0, None)
                    ov.low = max(0.0, rec.low - reference.cost)
                    ov.high = max(0.0, rec.cost - reference.low)
                else:
                    raw = reference.cost + cost - rec.cost
                    ov.value = _clamp(raw, 0.0, cost)
                    ov.low = _clamp(reference.low + cost - rec.cost, 0.0, cost)
                    ov.high = _clamp(reference.cost + cost - rec.low, 0.0, cost)
                tol = VALUE_TOL * max(1.0, abs(reference.cost))
                if abs(ov.value) <= tol:
                    ov.value = 0.0
                ov.note = _reading(ov, tol)
            ov.note = "; ".join(x for x in (ov.note, pair_note) if x)
            out.append(ov)
    return out


def _reading(ov: OptionValue, tol: float) -> str:
    if ov.taken:
        return ("nothing is lost without it (an equally cheap plan does without)" if ov.value <= tol else
                "expected cost rises by this much without it")
    if ov.value <= tol:
        return "does not pay even if free"
    if ov.value >= ov.option_cost - tol:
        return "pays as soon as its cost is below its value"
    return f"pays if its cost falls by {ov.option_cost - ov.value:,.0f}"


# --------------------------------------------------------------------------------------------------
# the solves
# --------------------------------------------------------------------------------------------------

def scenario_alone(case: Case, scenario: str) -> Case:
    """The case with one scenario left (probability 1, its own events): the scenario with perfect
    foresight. The share policies hold on the nominal scenario's purchases only, so a scenario
    other than the nominal one, alone, is without them, as it is in the stochastic model (else
    its wait-and-see cost would be dearer than its part of the stochastic plan)."""
    alone = only_scenario(case, scenario, f"scenario {scenario} alone (wait-and-see)")
    if scenario != case.nominal_scenario and any(p.policy in SHARE_POLICIES for p in case.policies):
        alone = replace(alone, policies=tuple(p for p in case.policies if p.policy not in SHARE_POLICIES))
    return alone


def _min_cost_solve(fm: StagedModel, limit: float | None = None, holds: dict | None = None,
                    warm_start: bool = False) -> SolveRecord:
    """One min-cost solve within a risk limit with once-decisions held (by their bounds), then
    everything released: the model is ready for the next job."""
    holds = holds or {}
    try:
        if holds:
            fm.fix_once_decisions(holds)
            for (kind, name), v in holds.items():  # the start takes the held value (HiGHS repairs the rest)
                fm.once_variable(kind, name).set_value(v)
        fm.configure(risk_limit=limit)
        outcome = fm.solve(warm_start=warm_start)
        cost = pyo.value(fm.model.expected_cost) if outcome.has_solution else None
        return SolveRecord.of(outcome, cost)
    finally:
        fm.configure()
        if holds:
            fm.free_once_decisions()


def _scenario_solve(case: Case, scenario: str, measure: str, options: SolveOptions) -> tuple[SolveRecord, dict]:
    """One scenario alone, at the stochastic model's gap (``options.mip_gap``): a scenario's model
    is smaller, but solving it to a zero gap because it is small would cost more than it is worth
    next to the stochastic solve it is compared with. For the nominal scenario also its
    once-decisions as its plan reports them (the EV plan holds them): a contract that costs nothing
    idle and that it does not use is not taken, whichever value the solver left its binary at (a
    tie)."""
    alone = scenario_alone(case, scenario)
    fm = StagedModel(alone, measure, options, f".ws-{scenario}.{os.getpid()}")
    fm.solver.mip_gap = options.mip_gap
    rec = _min_cost_solve(fm)
    if rec.cost is None or scenario != case.nominal_scenario:
        return rec, None
    return rec, once_of_plan(alone, fm.plan())


def _run_on(fm: StagedModel | None, case: Case, measure: str, options: SolveOptions, job: Job,
            start: list | None, warm: bool) -> tuple[str, SolveRecord, dict | None]:
    """One job on a stochastic model (or, for a scenario job, on a model of its own). ``start``:
    the point's variable values to load first; ``warm``: hand the loaded values to HiGHS as a
    MIP start (an option's solve, from the point's plan)."""
    t0 = time.perf_counter()
    if job.kind == "scenario":
        rec, once = _scenario_solve(case, job.scenario, measure, options)
        return job.key, replace(rec, seconds=time.perf_counter() - t0), once
    if start is not None:
        _load_values(fm, start)
    warm = warm and job.kind == "option"
    if not warm:
        fm.solver.forget()  # a cold job's answer never depends on what this model solved before
    rec = _min_cost_solve(fm, job.limit, job.holds, warm_start=warm)
    return job.key, rec, None


def _values(fm: StagedModel) -> list:
    return [v.value for v in fm.model.component_data_objects(pyo.Var)]


def _load_values(fm: StagedModel, values: list) -> None:
    """The start values, in the order every build of the same case gives its variables."""
    variables = list(fm.model.component_data_objects(pyo.Var))
    if len(variables) != len(values):  # not the same model: solve without a start
        return
    for v, x in zip(variables, values):
        v.set_value(x, skip_validation=True)


_WORKER_MODELS = WorkerCache()


def _worker_job(case: Case, measure: str, options: SolveOptions, token: str, job: Job, start: list | None):
    """A job in a worker: the worker's persistent stochastic model, built on its first job."""
    fm = None
    if job.kind != "scenario":
        fm = _WORKER_MODELS.get(token, lambda: StagedModel(case, measure, options, f".{os.getpid()}"))
    return _run_on(fm, case, measure, options, job, start, warm=start is not None)


@dataclass
class _Progress:
    """What the progress bar shows of a finished job."""
    point: str
    outcome: SolveOutcome


def point_limit(fm: StagedModel, point: Point) -> float | None:
    """The risk limit a point keeps: none at the min-cost end, the held minimum at the min-risk end."""
    if point.kind == "min_cost" or point.risk_limit is None:
        return None
    return fm.risk.holding_limit(point.risk_limit) if point.kind == "min_risk" else point.risk_limit


def run_values(case: Case, measure: str | None = None, options: SolveOptions | None = None,
               point: Point | None = None, progress=None) -> ValueResult:
    """EVPI, VSS and the option values at ``point`` (a solved frontier point with its plan), or at
    the min-cost plan solved here when ``point`` is None. ``progress(done, total, job)`` is called
    after each solve."""
    measure = measure or case.settings.risk_measure
    options = options or SolveOptions(case.settings.time_limit_s, case.settings.mip_gap)
    t_start = time.perf_counter()
    warnings: list[str] = []
    fm = StagedModel(case, measure, options)
    # every job at the gap the stochastic model is solved to (zero for small models); its HiGHS
    # threads are the run's (one a solve when solves run side by side: app.common.solve_options)
    job_options = replace(options, workers=1, scheduler=None, mip_gap=fm.solver.mip_gap,
                          write_mps=None)  # only this process's first solve is written
    scenarios = list(case.scenarios)
    nominal = case.nominal_scenario
    # the nominal scenario first: the EV plan waits for its once-decisions
    ready: deque[Job] = deque(Job(f"scenario:{s}", "scenario", scenario=s, label=f"ws {s}")
                              for s in sorted(scenarios, key=lambda s: s != nominal))
    if point is not None and point.kind != "min_cost":
        ready.append(Job("stochastic", "stochastic", label="stochastic min cost"))
    n_options = len(options_of(case))
    total = [1 + len(ready) + 1 + n_options]
    done = [0]
    results: dict[str, SolveRecord] = {}
    once_alone: dict[str, dict] = {}

    def finished(label: str, rec: SolveRecord) -> None:
        done[0] += 1
        if progress:
            progress(done[0], total[0], _Progress(label, rec.as_outcome()))

    # one job queue: with one worker every job runs in this process, on its model; with more (or a
    # Dask cluster) every job goes to the executor, this process solving only the point while the
    # workers start on the scenarios. Longest expected first: the point, z*, the nominal scenario
    # (the EV plan waits for it), the other scenarios, then the options.
    workers = max(1, options.workers)
    token = f"value-{id(case)}-{time.time()}"
    start: list = [None]  # the point's variable values, once it is solved
    labels: dict[str, str] = {}
    here_only = workers <= 1 and not options.scheduler
    WEIGHT = {"stochastic": 3.0, "ev": 2.0, "option": 1.0}

    def weight(job: Job) -> float:
        if job.kind == "scenario":
            return 2.5 if job.scenario == nominal else 2.0
        return WEIGHT[job.kind]

    def enqueue(queue: JobQueue, job: Job) -> None:
        labels[job.key] = job.label
        if here_only:
            queue.add(QueueJob(None, weight=weight(job), tag=job, here=lambda j=job: _here(j)))
        else:
            queue.add(QueueJob(_worker_job, (case, measure, job_options, token, job,
                                             start[0] if job.kind == "option" else None),
                               weight=weight(job), tag=job))

    def _here(job: Job):
        if job.kind == "option":
            fm.restore(start_snapshot[0])
        return _run_on(fm, case, measure, job_options, job, None, warm=True)

    start_snapshot: list = [None]
    state: dict = {}

    def solve_point():
        """The point: this process solves it (the min-cost plan) or its reference (a given point)."""
        t0 = time.perf_counter()
        if point is None:
            outcome, plan = fm.min_cost()
            first, first_cost = fm.first_stage
            reference = SolveRecord.of(first, first_cost)
            state.update(point=Point(1, "min_cost", None, outcome, plan, time.perf_counter() - t0),
                         stochastic=reference, limit=None, reference=reference)
            finished("min-cost point", reference)
        else:
            limit = point_limit(fm, point)
            reference = _min_cost_solve(fm, limit)
            if reference.cost is None:
                raise NoSolution(f"point {point.point}: no solution within its risk limit "
                                 f"({reference.status})", reference.status)
            state.update(point=point, stochastic=reference if point.kind == "min_cost" else None, limit=limit,
                         reference=reference)
            finished(f"point {point.point} reference", reference)
        start[0] = _values(fm)
        start_snapshot[0] = fm.snapshot()

    with executor_for(workers, options.scheduler) as pool:
        queue = JobQueue(None if here_only else pool, this_process_solves=True)

        def on_result(qjob: QueueJob, result) -> None:
            if qjob.tag == "point":
                taken = once_of_plan(case, state["point"].plan)
                forbidden = {p.process for p in case.processes.values()
                             if not p.exists and fm.index.build_forbidden(p)}
                jobs, known, rows_of = option_jobs(case, taken, state["limit"], forbidden)
                state.update(taken=taken, jobs=jobs, known=known, rows_of=rows_of)
                total[0] += len(jobs) - n_options
                for job in jobs:
                    enqueue(queue, job)
                return
            key, rec, once = result
            results[key] = rec
            if key == f"scenario:{nominal}":
                if once is not None and rec.ok:
                    once_alone[nominal] = once
                    enqueue(queue, Job("ev", "ev", holds=dict(once), label="EV plan"))
                else:
                    total[0] -= 1  # no EV plan to solve
            finished(labels.get(key, key), rec)

        queue.add(QueueJob(None, weight=float("inf"), tag="point", here=solve_point))
        for job in ready:
            enqueue(queue, job)
        queue.run(on_result)
    point, stochastic, limit, reference = state["point"], state["stochastic"], state["limit"], state["reference"]
    taken, jobs, known, rows_of = state["taken"], state["jobs"], state["known"], state["rows_of"]
    if stochastic is None:
        stochastic = results["stochastic"]
    alone = [ScenarioAlone(s, case.scenarios[s].probability, results[f"scenario:{s}"], once_alone.get(s))
             for s in scenarios]
    ev = results.get("ev")
    values = known + option_values(case, reference, taken, jobs, results, rows_of)
    result = ValueResult(case, measure, point, limit, reference, stochastic, alone, ev, values,
                         options_solves=len(jobs), seconds=time.perf_counter() - t_start)
    result.warnings = warnings + value_warnings(result)
    return result


def value_warnings(r: ValueResult) -> list[str]:
    """What the reader must know: solves that ended without a value, values the gaps leave open."""
    out = []
    if not r.stochastic.ok:
        out.append(f"value: the stochastic min-cost solve ended {r.stochastic.status}: no EVPI or VSS")
    bad = [s.scenario for s in r.scenarios if not s.record.ok]
    if bad:
        out.append("value: the wait-and-see solve of scenario " + ", ".join(
            f"{s.scenario} ended {s.record.status}" for s in r.scenarios if not s.record.ok) + ": no EVPI")
    if r.ev_plan is None:
        out.append("value: the nominal scenario alone has no solution, so there is no EV plan: no VSS")
    elif not r.ev_plan.ok and not r.ev_plan_infeasible:
        out.append(f"value: the EV-plan solve ended {r.ev_plan.status}: no VSS")
    if not r.reference.ok:
        out.append(f"value: the point's own min-cost solve ended {r.reference.status}: no option values")
    timed = [o for o in r.options if o.status not in ("optimal", "infeasible")]
    if timed:
        out.append(f"value: {len(timed)} option solves ended without a value ("
                   + ", ".join(f"{o.option} {o.kind}: {o.status}" for o in timed[:6])
                   + (", ..." if len(timed) > 6 else "") + ")")
    open_ = [o for o in r.options if o.value is not None and o.high is not None and o.low is not None
             and o.high - o.low > 0.1 * max(o.value, 1e-9) + VALUE_TOL * max(1.0, abs(r.reference.cost or 0))]
    if open_:
        out.append(f"value: {len(open_)} of {len(r.options)} option values are not resolved by the MIP gap: "
                   "each lies in its value_low..value_high range in the value sheet (a smaller --mip-gap "
                   "narrows them, at more solve time)")
    return out
