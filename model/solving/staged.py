"""The staged-solve engine: one built model with its persistent HiGHS solver, and the stages every
verb is made of (docs/model.md "Frontier"):

- :meth:`StagedModel.min_cost`: min expected cost (within an optional risk limit), then min risk at
  that cost (lexicographic);
- :meth:`StagedModel.min_risk`: min risk, then min expected cost at that risk;
- :meth:`StagedModel.epsilon_point`: min cost - reward x slack within a risk limit (AUGMECON2);
- :meth:`StagedModel.min_cost_within`: min cost within a risk limit, one solve, no tie-break.

Every stage changes only mutable parameters and variable bounds, then re-solves the same model.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import pyomo.environ as pyo

from ..case.case import Case
from ..formulation import CaseIndex, build_model, model_size
from ..formulation.risk import LEX_REL_TOL, Outcomes, measure as risk_measure_named
from ..results.tables import Plan, extract_plan
from .highs import NoSolution, PersistentHighs, SolveOutcome, paused_gc, weakest
from .risk_minimum import minimise_risk

EXACT_BELOW_COLUMNS = 5_000  # models this small are solved with a zero MIP gap
NETWORK_RETRY_REL_TOL = 1e-8  # the risk tie-break's LP, held again when HiGHS finds it infeasible at 1e-10
AUTO_END_GAP = 1e-4  # mip_gap auto: the frontier's ends (and a single solve) to this relative gap
MIN_TIE_BREAK_S = 5.0  # the exact risk tie-break gets at least this, else as long as stage one took
RISK_FLOOR = 1e-12  # a risk this small is the floor of every measure (all are >= 0)


# once-decision kind -> the model's binary variable (formulation/variables.py)
ONCE_DECISION_VARIABLES = {"contract": "contract", "qualify": "qualify", "build": "build",
                           "storage": "take_storage", "substitute": "qualify_substitute"}


# the risk tie-break on a large model: the network's min-cost LP first, so that the risk LP
# starts from its basis (measured: docs/performance.md, lever 6)
WARM_TIE_BREAK = True
WARM_TIE_BREAK_OPTIONS = {"simplex_strategy": 4}  # HiGHS's primal simplex


@dataclass
class SolveOptions:
    time_limit_s: float
    mip_gap: float | None  # None: auto (docs/model.md "Frontier"), the gap chosen per stage
    threads: int | None = None
    workers: int = 1
    solver_log: str | None = None
    scheduler: str | None = None  # a Dask scheduler's address: independent solves go there
    write_mps: str | None = None  # the model of the first solve goes to this file (HiGHS's own writer)


class StagedModel:
    """One built model with its solver, and the stages of a frontier on it."""

    def __init__(self, case: Case, measure: str, options: SolveOptions, log_suffix: str = "",
                 exact_below_columns: int = EXACT_BELOW_COLUMNS):
        self.case = case
        self.measure = measure
        self.risk = risk_measure_named(measure)
        self.options = options
        t0 = time.perf_counter()
        with paused_gc():
            self.index = CaseIndex(case)
            self.model = build_model(case, measure, index=self.index)
        self.build_seconds = time.perf_counter() - t0
        log = options.solver_log + log_suffix if options.solver_log else None
        self.size = model_size(self.model)
        self.label_weight_per_unit = pyo.value(self.model.label_weight)  # as built: the case's tie-break weight
        # small models solve to optimality at no cost: still within any gap asked for
        self.exact = self.size["columns"] <= exact_below_columns
        self.auto_gap = options.mip_gap is None
        self.end_gap = 0.0 if self.exact else (AUTO_END_GAP if self.auto_gap else options.mip_gap)
        self.solver = PersistentHighs(self.model, options.time_limit_s, self.end_gap, options.threads, log,
                                      write_mps=options.write_mps)
        self.extract_seconds = 0.0
        self._binaries: list | None = None

    def point_gap(self, gap: float | None) -> float:
        """The relative gap an epsilon point is solved to: 0 for a small model, the given gap
        (mip_gap auto picks one per point), else the stages' gap."""
        if self.exact:
            return 0.0
        return gap if gap is not None else self.end_gap

    def size_loaded(self) -> dict:
        """Columns, binaries and rows, and the nonzeros once HiGHS holds the model (as built)."""
        loaded = self.solver.loaded
        return {**self.size, **({"nonzeros": loaded.size_at_load["nonzeros"]} if loaded is not None else {})}

    def seconds_outside_build(self) -> dict:
        """Seconds of this model's solves so far: hand-over (Pyomo -> HiGHS), HiGHS's run, the
        solution back into Pyomo, and plan extraction (pandas tables)."""
        spent = self.solver.seconds
        return {"handover_s": spent["handover"], "highs_s": spent["highs"],
                "load_solution_s": spent["load"], "extract_s": self.extract_seconds}

    # ------------------------------------------------------------------ parameters and solves
    def configure(self, cost_weight=1.0, risk_weight=0.0, slack_reward=0.0, risk_limit=None,
                  cost_limit=None) -> None:
        """Objective weights and limits for the next solve; None = no limit."""
        m = self.model
        m.cost_weight.set_value(cost_weight)
        m.risk_weight.set_value(risk_weight)
        m.slack_reward.set_value(slack_reward)
        # the origin-label tie-break only among equally cheap plans, never against risk
        m.label_weight.set_value(self.label_weight_per_unit * cost_weight if risk_weight == 0 else 0.0)
        self.risk.set_limit(m, risk_limit)
        if hasattr(m, "cost_limit_con"):
            m.del_component(m.cost_limit_con)
        if cost_limit is not None:
            m.cost_limit_con = pyo.Constraint(expr=m.expected_cost <= cost_limit)

    def write_first_model(self, path: str, risk_limit: float | None = None) -> None:
        """The model the first stage of :meth:`min_cost` solves, written as MPS without solving it
        (``solve --scheduler --write-mps``: the solve runs on a cluster worker)."""
        self.configure(risk_limit=risk_limit)
        self.solver.write_model(path)
        self.configure()

    def solve(self, time_limit_s: float | None = None, warm_start: bool = False, mip_gap: float | None = None,
              abs_gap: float | None = None, options: dict | None = None) -> SolveOutcome:
        """Solve as configured; the outcome says whether there is a solution (never raises).
        ``options``: HiGHS options for this solve only."""
        return self.solver.solve(time_limit_s=time_limit_s, warm_start=warm_start, mip_gap=mip_gap,
                                 abs_gap=abs_gap, options=options)

    def solve_required(self, what: str, warm_start: bool = False, mip_gap: float | None = None) -> SolveOutcome:
        """Solve as configured; NoSolution when there is none."""
        outcome = self.solve(warm_start=warm_start, mip_gap=mip_gap)
        if not outcome.has_solution:
            raise NoSolution(f"{what}: no solution ({outcome.status})", outcome.status)
        return outcome

    def plan(self) -> Plan:
        """The loaded solution as tables, with ``extras["risk"]`` the true value of the measure."""
        t0 = time.perf_counter()
        with paused_gc():  # the tables' many new objects would make each collection walk the model
            plan = extract_plan(self.model, self.index)
        plan.extras["risk"] = plan.metrics[self.measure]
        self.extract_seconds += time.perf_counter() - t0
        return plan

    def outcomes_now(self) -> Outcomes:
        m, case = self.model, self.case
        return Outcomes(probability={s: sc.probability for s, sc in case.scenarios.items()},
                        cost={s: pyo.value(m.scenario_cost[s]) for s in case.scenarios},
                        unmet_share={s: pyo.value(m.unmet_share[s]) for s in case.scenarios},
                        spend_controlled=pyo.value(m.spend_controlled), spend_total=pyo.value(m.spend_total),
                        alpha=case.settings.cvar_alpha)

    def risk_now(self) -> float:
        """The true value of the risk measure for the loaded solution (not the solver's bound)."""
        return self.risk.evaluate(self.outcomes_now())

    def snapshot(self) -> list:
        return [(v, v.value) for v in self.model.component_data_objects(pyo.Var)]

    @staticmethod
    def restore(snapshot) -> None:
        for v, value in snapshot:
            v.set_value(value, skip_validation=True)

    # ------------------------------------------------------------------ stages
    def min_cost(self, risk_limit: float | None = None,
                 tie_break_abs_gap: float | None = None) -> tuple[SolveOutcome, Plan]:
        """Min expected cost (within an optional risk limit), then min risk at that cost."""
        first = self.min_cost_stage_one(risk_limit)
        return self.risk_tie_break(first, risk_limit, tie_break_abs_gap)

    def min_cost_stage_one(self, risk_limit: float | None = None) -> SolveOutcome:
        """Min expected cost within an optional risk limit (the plan stays loaded)."""
        self.configure(risk_limit=risk_limit)
        return self.solve_required("min cost")

    def _cost_bound(self, outcome: SolveOutcome) -> float | None:
        """A lower bound on the stage's min expected cost: the loaded plan's cost less the solver's
        absolute gap (the objective is cost, less the slack reward, plus the label tie-break)."""
        if outcome.objective is None or outcome.bound is None:
            return None
        return pyo.value(self.model.expected_cost) - max(0.0, outcome.objective - outcome.bound)

    def risk_tie_break(self, first: SolveOutcome, risk_limit: float | None = None,
                       abs_gap: float | None = None) -> tuple[SolveOutcome, Plan]:
        """Min risk with expected cost held at the loaded min-cost plan's (lexicographic stage two).

        On a model solved exactly (at most ``exact_below_columns`` columns) the stage is a MIP started
        from the min-cost plan (its risk auxiliaries fitted), to an absolute risk gap ``abs_gap``
        (default: the solver's relative gap), within as long as stage one took (at least
        MIN_TIE_BREAK_S): a budget that does not grow with the time limit. On a larger model (stage
        one stopped at a gap, and a MIP holding its cost rarely finishes: on the default case it ran
        to its budget every time) and whenever the MIP stops short, the same stage is solved with the
        min-cost plan's contracts, qualifications and builds held: an LP, which always finishes. The plan's ``extras["tie_break"]`` says which
        (exact, network, or none)."""
        m = self.model
        cost = pyo.value(m.expected_cost)
        self.first_stage = (first, cost)  # the min-cost solve itself, before the risk tie-break
        cost_bound = self._cost_bound(first)
        first_risk = self.risk_now()
        if first_risk <= RISK_FLOOR:  # every measure is >= 0: a risk tie-break has nothing to gain
            plan = self.plan()
            plan.extras.update(tie_break="exact", cost_bound=cost_bound)
            self.configure()
            return first, plan
        snapshot = self.snapshot()
        cost_limit = cost + LEX_REL_TOL * max(1.0, abs(cost))
        how = "exact"
        if self.risk.is_ratio:  # Dinkelbach steps on a ratio: each as hard as stage one
            second, _ = minimise_risk(self, cost_limit=cost_limit, limit=risk_limit)
            if not second.has_solution:
                self.restore(snapshot)
                second, how = SolveOutcome.none(f"{second.status} (risk tie-break)"), "none"
        else:
            once = self.once_decisions()
            if self.exact:
                self.risk.fit_auxiliaries(m, self.case)
                budget = min(self.options.time_limit_s, max(MIN_TIE_BREAK_S, first.seconds))
                second, _ = minimise_risk(self, cost_limit=cost_limit, limit=risk_limit, time_limit_s=budget,
                                               warm_start=True, abs_gap=abs_gap)
            else:  # stage one stopped at a gap: a MIP holding its cost is a proof it rarely finishes
                second = SolveOutcome.none("not tried")
            if second.status != "optimal":
                spent = second.seconds
                # The loaded plan satisfies this LP, so 'infeasible' is HiGHS's tolerances on a cost row of
                # line-down penalties (~1e7 per unit) held to 1e-10: held a little looser once, it solves.
                for hold in (cost_limit, cost + NETWORK_RETRY_REL_TOL * max(1.0, abs(cost))):
                    self.restore(snapshot)
                    self.fix_once_decisions(once)
                    with self.solver.held_integers_continuous() as an_lp:
                        warm = an_lp and WARM_TIE_BREAK
                        if warm:
                            # min cost with the network held first: an LP of seconds whose basis
                            # the risk LP starts from, by the primal simplex: it stays feasible
                            # (docs/performance.md, lever 6)
                            spent += self.solve().seconds
                        lp, _ = minimise_risk(self, cost_limit=hold, limit=risk_limit,
                                              options=WARM_TIE_BREAK_OPTIONS if warm else None)
                        if warm and lp.status not in ("optimal", "infeasible", "interrupted"):
                            spent += lp.seconds  # as before: the risk LP from nothing
                            self.solver.forget()
                            lp, _ = minimise_risk(self, cost_limit=hold, limit=risk_limit)
                    spent += lp.seconds
                    if lp.status != "infeasible":
                        break
                self.free_once_decisions()
                if lp.status == "optimal":
                    second, how = replace(lp, seconds=spent), "network"
                else:
                    self.restore(snapshot)
                    second, how = SolveOutcome.none(f"risk tie-break {lp.status}", spent), "none"
        if self.risk_now() >= first_risk - 1e-9 * max(1.0, abs(first_risk)):
            self.restore(snapshot)  # no risk gained: keep the exact min-cost solution
        plan = self.plan()
        plan.extras.update(tie_break=how, cost_bound=cost_bound)
        self.configure()
        return weakest([first, second]), plan

    def min_risk(self) -> tuple[SolveOutcome, Plan, float]:
        """Min risk, then min expected cost at that risk. Returns the minimal risk too."""
        first, best = minimise_risk(self)
        if not first.has_solution:
            raise NoSolution(f"min risk: no solution ({first.status})", first.status)
        self.configure(risk_limit=self.risk.holding_limit(best))
        second = self.solve_required("min cost at min risk", warm_start=True)
        plan = self.plan()
        plan.extras["cost_bound"] = self._cost_bound(second)
        self.configure()
        return weakest([first, second]), plan, best

    def min_risk_value(self) -> float | None:
        """The lowest reachable risk (one min-risk solve, no tie-break); None without a solution."""
        outcome, best = minimise_risk(self)
        self.configure()
        return best if outcome.has_solution else None

    def epsilon_point(self, limit: float, reward: float, gap: float | None = None,
                      starts: list[dict[str, int]] | None = None) -> tuple[SolveOutcome, Plan]:
        """Min cost - reward x slack subject to risk + slack = limit (AUGMECON2), to the relative gap
        ``gap`` (default: the stages' gap). ``starts``: sets of binary values (:meth:`binary_values`
        of solved points) to start from, best first (:meth:`start_from`); without them the solve
        starts from nothing, so a point's answer never depends on what its model solved before."""
        self.configure(risk_limit=limit, slack_reward=reward)
        start = self.start_from(starts or [])
        outcome = self.solve(warm_start=start is not None, mip_gap=self.point_gap(gap))
        if start is not None:
            outcome = replace(outcome, seconds=outcome.seconds + start.seconds)
        if not outcome.has_solution:
            raise NoSolution(f"risk limit {limit:.6g}: no solution ({outcome.status})", outcome.status)
        plan = self.plan()
        plan.extras["cost_bound"] = self._cost_bound(outcome)
        self.configure()
        return outcome, plan

    # ------------------------------------------------------------------ MIP starts
    def binaries(self) -> list:
        """Every binary variable of the model (the once-decisions, whatever the formulation calls
        them), in the model's order."""
        if self._binaries is None:
            self._binaries = [v for v in self.model.component_data_objects(pyo.Var, descend_into=True)
                              if v.is_binary()]
        return self._binaries

    def binary_values(self) -> dict[str, int]:
        """The loaded plan's binary values by variable name (the same in every build of the case,
        so a set can go to another process's model)."""
        return {v.name: int(round(v.value or 0.0)) for v in self.binaries()}

    def start_from(self, candidates: list[dict[str, int]]) -> SolveOutcome | None:
        """A complete plan for the MIP now configured to start from, loaded into the variables: for
        each candidate set of binary values in turn, the binaries are held at those values (within
        their own bounds, so a hold made by the caller stands) and the rest is solved as an LP;
        the first with a solution is kept (its outcome is returned, for its seconds). None when
        none has one. HiGHS's memory of earlier solves is cleared first, so that the MIP that
        follows depends only on this start, not on which points this model solved before."""
        self.solver.forget()
        if not candidates:
            return None
        spent = 0.0
        binaries = [v for v in self.binaries() if not v.fixed]
        saved = [(v, v.lower, v.upper) for v in binaries]
        tried = []
        try:
            for values in candidates:
                if values in tried:
                    continue
                tried.append(values)
                for v, lower, upper in saved:
                    if v.name in values:
                        lo, hi = pyo.value(lower), pyo.value(upper)
                        x = float(values[v.name])
                        x = min(max(x, 0.0 if lo is None else lo), 1.0 if hi is None else hi)
                        v.setlb(x)
                        v.setub(x)
                lp = self.solve()
                spent += lp.seconds
                if lp.has_solution:
                    return replace(lp, seconds=spent)
                if lp.status == "interrupted":
                    break
        finally:
            for v, lower, upper in saved:
                v.lower, v.upper = lower, upper
        return None

    # ------------------------------------------------------------------ once-decisions
    def _once_vars(self):
        for kind, name in ONCE_DECISION_VARIABLES.items():
            for key, v in getattr(self.model, name).items():
                yield (kind, key), v

    def once_variable(self, kind: str, name: str):
        """The binary of one once-decision, e.g. ("storage", option id)."""
        return getattr(self.model, ONCE_DECISION_VARIABLES[kind])[name]

    def once_decisions(self) -> dict[tuple[str, str], int]:
        """The loaded plan's once-decisions: (kind, id) -> 0/1, kind one of contract, qualify,
        build (a process), storage (a storage option), substitute (demand_material>substitute)."""
        return {k: int(round(v.value or 0.0)) for k, v in self._once_vars()}

    def fix_once_decisions(self, values: dict[tuple[str, str], float]) -> None:
        """Hold the named once-decisions at the given values (by their bounds: cheap on the
        persistent interface, unlike ``fix()``, docs/performance.md); the others stay free."""
        for key, v in self._once_vars():
            if key in values:
                v.setlb(values[key])
                v.setub(values[key])

    def free_once_decisions(self) -> None:
        for _, v in self._once_vars():
            v.setlb(0)
            v.setub(1)

    def min_cost_within(self, limit: float) -> tuple[SolveOutcome, float | None]:
        """Min expected cost within a risk limit, one solve: (outcome, cost or None)."""
        self.configure(risk_limit=limit)
        outcome = self.solve()
        cost = pyo.value(self.model.expected_cost) if outcome.has_solution else None
        self.configure()
        return outcome, cost
