"""Time to survive (docs/model.md "Stress"; Simchi-Levi et al., Interfaces 2015): the largest number
of periods from a disruption's start through which every demand can still be met in full.

On a built one-scenario model of the disrupted world (a :class:`StagedModel`), "every demand of
periods 1..P is met in full" is a bound change: ``unmet <= 0`` on those periods' demand rows. The
set of P for which that is feasible is an interval 0..P* (a plan that serves through P serves
through any earlier period), so P* is found by a short search of feasibility solves:

1. P = horizon: feasible means the network survives the horizon (one solve, the common case);
2. P = a known floor (the period before the start, or a bound already proven): a feasible solve
   whose objective pushes shortfall late (every period's unmet share, weighted by how early it
   is) gives, by its first short period f, P* >= f - 1;
3. P = f, then bisection, until the servable and the unservable P meet.

Each step changes only variable bounds on the persistent model. With the once-decisions
(contracts, qualifications, builds) held by their bounds the steps are linear programmes
(policies' supplier-count binaries aside); with them free, mixed-integer ones. A solve is decisive
either way: a plan found proves P servable (whatever the gap), a proven infeasibility proves it is
not. A solve that stops at its time limit with neither leaves the answer a lower bound, and says so.

Demand before the start counts: "every demand" is every row of periods 1..start + k - 1, so a
plan cannot buy survival by shedding demand before the disruption to stock up for it. Where those
earlier periods cannot all be served even so (a lead time that leaves period 1 short in any world,
a capacity below demand), each earlier period may fall short by the least the world allows, found
earliest period first (each period's least with the earlier ones held at theirs), and no more; the
count starts at the disruption's start as ever, and the note says so. The redesigned search keeps
the held network's allowance: the redesign may only do better.
"""

from __future__ import annotations

from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

import pyomo.environ as pyo

from .staged import StagedModel

UNMET_TOL = 1e-6  # units: below this a demand row counts as met in full


@dataclass
class Survival:
    """The answer of one search. ``periods``: time to survive (None: the world has no plan at
    all); ``last_served_period``: P*, the last period through which every demand is met."""
    periods: int | None
    survives_horizon: bool
    last_served_period: int | None
    status: str  # optimal | time_limit | infeasible
    note: str = ""
    fails_first: str = ""  # demand rows short in the first period that cannot be served in full
    solves: int = 0
    seconds: float = 0.0
    allowance: dict = field(default_factory=dict)  # (demand, period) -> units short allowed before the start

    @property
    def short_before_start(self) -> bool:
        """Whether earlier rows were allowed the shortfall they cannot avoid."""
        return _allows_shortfall(self.allowance)


def _allows_shortfall(allowance: dict) -> bool:
    """Whether an allowance lets some row fall short by more than the tolerance."""
    return any(units > UNMET_TOL for units in allowance.values())


class PrefixService:
    """Feasibility of "every demand of periods 1..P met in full" on one built model."""

    def __init__(self, staged: StagedModel):
        self.staged = staged
        m = staged.model
        self.horizon = staged.case.settings.periods
        self.unmet_by_period: dict[int, list] = defaultdict(list)
        for (d_id, t, n), var in m.unmet.items():
            self.unmet_by_period[t].append(((d_id, t), var))
        self.solves = 0
        self.seconds = 0.0
        # (demand, period) -> units a row of a period before the start may fall short (see the
        # module's docstring); empty: every row held must be met in full
        self.allowance: dict[tuple[str, int], float] = {}
        self.interrupted = False  # a solve of the current search came back interrupted (Ctrl-C)

    def allow_unavoidable_shortfall_before(self, start: int) -> bool | None:
        """Let each row of periods 1..start - 1 fall short by the least the world allows, earliest
        period first: for t = 1..start - 1 in turn, the least unmet demand of period t (in units)
        with every earlier row held at its own least. True when found, False when the world has no
        plan at all, None when a solve proved neither (a time limit, Ctrl-C)."""
        self.allowance = {}
        m = self.staged.model
        for t in range(1, start):
            rows = self.unmet_by_period.get(t, [])
            if not rows:
                continue
            self._hold_through(t - 1)
            m.serve_early_objective.deactivate()
            m.period_short_objective = pyo.Objective(expr=sum(var for _, var in rows), sense=pyo.minimize)
            try:
                outcome = self.staged.solve()
            finally:
                m.del_component(m.period_short_objective)
                m.serve_early_objective.activate()
            self.solves += 1
            self.seconds += outcome.seconds
            if not outcome.has_solution:
                self.interrupted = self.interrupted or outcome.status == "interrupted"
                self.allowance = {}
                return False if outcome.status in ("infeasible", "infeasible_or_unbounded") else None
            for key, var in rows:
                if (var.value or 0.0) > 0.0:  # a little slack: the same plan must stay feasible
                    self.allowance[key] = var.value * (1 + 1e-9) + 1e-9
        return True

    @property
    def short_before_start(self) -> bool:
        """Whether some row before the start is allowed a shortfall that counts (above the tolerance)."""
        return _allows_shortfall(self.allowance)

    def _hold_through(self, last: int) -> None:
        """Every row of periods 1..``last`` met in full (or within its allowance), the rest free."""
        for t, rows in self.unmet_by_period.items():
            for key, var in rows:
                var.setub(self.allowance.get(key, 0.0) if t <= last else None)

    def __enter__(self):
        """Swap in the serve-early objective: sum over demand rows of (horizon - t + 1) x unmet
        share of the row, so that a plan sheds the latest demand first."""
        m, T = self.staged.model, self.horizon
        quantity = {(d.demand, d.period): d.quantity for d in self.staged.case.demands}
        terms = [(T - t + 1) / quantity[key] * var for t, rows in self.unmet_by_period.items()
                 for key, var in rows if quantity[key] > 0]
        m.objective.deactivate()
        m.serve_early_objective = pyo.Objective(expr=sum(terms) if terms else 0.0, sense=pyo.minimize)
        return self

    def __exit__(self, *exc):
        m = self.staged.model
        m.del_component(m.serve_early_objective)
        m.objective.activate()
        for rows in self.unmet_by_period.values():
            for _, var in rows:
                var.setub(None)
        return False

    def serve_through(self, last: int) -> tuple[bool | None, int | None, list[str]]:
        """(servable, first short period after ``last`` or None, demand rows short there).
        servable is None when the solve proved neither (a time limit without a plan)."""
        self._hold_through(last)
        with _bounds_only_updates(self.staged, after_first=self.solves > 0):
            outcome = self.staged.solve()
        self.solves += 1
        self.seconds += outcome.seconds
        if not outcome.has_solution:  # the objective is >= 0, so "infeasible or unbounded" is infeasible
            self.interrupted = self.interrupted or outcome.status == "interrupted"
            proven = outcome.status in ("infeasible", "infeasible_or_unbounded")
            return (False if proven else None), None, []
        short = defaultdict(list)
        for t, rows in self.unmet_by_period.items():
            for key, var in rows:
                if (var.value or 0.0) > self.allowance.get(key, 0.0) + UNMET_TOL:
                    short[t].append(key[0])
        first = min(short) if short else None
        return True, first, sorted(short[first]) if first is not None else []


# what pyomo's persistent interface re-checks before a solve; between the steps of a search only
# variable bounds change, and skipping the rest halves the overhead of a small model's re-solve
_UPDATE_CHECKS = ("check_for_new_or_removed_constraints", "check_for_new_or_removed_vars",
                  "check_for_new_or_removed_params", "check_for_new_objective", "update_constraints",
                  "update_parameters", "update_named_expressions", "update_objective")


@contextmanager
def _bounds_only_updates(staged: StagedModel, after_first: bool):
    """Within a search, after its first solve: tell the persistent interface that only variable
    bounds changed (restored after the solve; nothing is skipped if the interface lacks the flags)."""
    flags = getattr(getattr(getattr(staged.solver, "solver", None), "config", None), "auto_updates", None)
    saved = {k: getattr(flags, k) for k in _UPDATE_CHECKS if hasattr(flags, k)} if after_first and flags else {}
    try:
        for k in saved:
            setattr(flags, k, False)
        yield
    finally:
        for k, v in saved.items():
            setattr(flags, k, v)


def time_to_survive(staged: StagedModel, start: int, floor: int | None = None,
                    service: PrefixService | None = None, allowance: dict | None = None) -> Survival:
    """The time to survive a disruption starting in period ``start`` on the model as it stands
    (the caller fixes or frees the once-decisions and puts sites out). ``floor``: a last period
    already known to be servable on this model (the fixed network's answer, when the network is
    then freed). ``service``: an open :class:`PrefixService` on ``staged`` (a batch of searches
    on one model keeps it open, so that only bounds change between their solves). ``allowance``:
    the shortfall before the start that another search on this world allowed (the held network's,
    for the redesigned search: the redesign may only do better)."""
    if service is None:
        with PrefixService(staged) as ps:
            return time_to_survive(staged, start, floor, ps, allowance)
    ps = service
    ps.allowance, ps.interrupted = dict(allowance or {}), False
    try:
        found = _search(ps, staged.case.settings.periods, start, floor)
    finally:
        ps.allowance = {}
    if ps.interrupted:  # what the search proved before Ctrl-C is not its answer
        return replace(found, periods=None, survives_horizon=False, last_served_period=None, status="interrupted",
                       note="the run was interrupted before this search finished", fails_first="")
    return found


def _search(ps: PrefixService, T: int, start: int, floor: int | None) -> Survival:
    solves0, seconds0 = ps.solves, ps.seconds
    short_note = ""

    def survival(periods, survives, last, status, note="", fails=()):
        note = "; ".join(n for n in (short_note, note) if n)
        return Survival(periods, survives, last, status, note, ", ".join(fails), ps.solves - solves0,
                        ps.seconds - seconds0, dict(ps.allowance))

    def short_words() -> str:
        return (f"demand before the start (periods 1..{start - 1}) cannot all be met: those rows fall short "
                f"only as far as they must, and the count starts at {start}") if ps.short_before_start else ""

    short_note = short_words()
    ok, _, _ = ps.serve_through(T)
    if ok:
        return survival(T - (start - 1), True, T, "optimal")
    unsure = ok is None
    base = start - 1 if floor is None else max(floor, start - 1)
    ok, first, rows = ps.serve_through(base)
    if ok is None:
        return survival(None if base == 0 else 0, False, None, "time_limit", _limit_note(0))
    if not ok:
        found = False if base == 0 else ps.allow_unavoidable_shortfall_before(start)
        if found is None:
            return survival(0, False, None, "time_limit", _limit_note(0))
        if not found:
            return survival(None, False, None, "infeasible", "no plan at all in this world")
        short_note = short_words()
        ok, _, _ = ps.serve_through(T)  # proven unservable only without the allowance
        if ok:
            return survival(T - (start - 1), True, T, "optimal")
        unsure = unsure or ok is None
        base = start - 1  # a floor proven without that allowance says nothing with it
        ok, first, rows = ps.serve_through(base)
        if not ok:  # the last solve of the allowance meets it: only a time limit can get here
            return survival(0, False, None, "time_limit", _limit_note(0))
    lo, fails = (first - 1, rows) if first is not None else (T, [])
    hi = T - 1
    probe_next = True  # the serve-early plan's first short period is usually the answer: try it first
    while lo < hi:
        mid = lo + 1 if probe_next else (lo + hi + 1) // 2
        probe_next = False
        ok, first, rows = ps.serve_through(mid)
        if ok:  # proven: a plan serves through mid, and through its first short period - 1
            lo, fails = (max(mid, first - 1), rows) if first is not None else (T, [])
        else:
            unsure = unsure or ok is None
            hi = mid - 1
    periods = max(0, lo - (start - 1))
    status = "time_limit" if unsure else "optimal"
    return survival(periods, lo >= T, lo, status, _limit_note(periods) if unsure else "", fails)


def _limit_note(at_least: int) -> str:
    return f"a solve stopped at its time limit: at least {at_least} periods"
