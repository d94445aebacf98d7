"""The staged-solve engine: one built model with its persistent HiGHS solver, and the stages every
verb is made of (DESIGN.md §4 "Frontier"):

- :meth:`StagedModel.min_cost`: min expected cost (within an optional risk limit), then min risk at
  that cost (lexicographic);
- :meth:`StagedModel.min_risk`: min risk, then min expected cost at that risk;
- :meth:`StagedModel.epsilon_point`: min cost - reward x slack within a risk limit (AUGMECON2);
- :meth:`StagedModel.min_cost_within`: min cost within a risk limit, one solve, no tie-break.

Every stage changes only mutable parameters and variable bounds, then re-solves the same model.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import pyomo.environ as pyo

from ..case.case import Case
from ..formulation import CaseIndex, build_model, model_size
from ..formulation.risk import LEX_REL_TOL, Outcomes, measure as risk_measure_named
from ..results.tables import Plan, extract_plan
from .highs import NoSolution, PersistentHighs, SolveOutcome, weakest

EXACT_BELOW_COLUMNS = 5_000  # models this small are solved with a zero MIP gap
TIE_BREAK_SHARE = 0.1  # of the time limit, for the risk tie-break at the min-cost end


@dataclass
class SolveOptions:
    time_limit_s: float
    mip_gap: float
    threads: int | None = None
    workers: int = 1
    solver_log: str | None = None
    scheduler: str | None = None  # a Dask scheduler's address: independent solves go there


class StagedModel:
    """One built model with its solver, and the stages of a frontier on it."""

    def __init__(self, case: Case, measure: str, options: SolveOptions, log_suffix: str = ""):
        self.case = case
        self.measure = measure
        self.risk = risk_measure_named(measure)
        self.options = options
        t0 = time.perf_counter()
        self.index = CaseIndex(case)
        self.model = build_model(case, measure, index=self.index)
        self.build_seconds = time.perf_counter() - t0
        log = options.solver_log + log_suffix if options.solver_log else None
        gap = options.mip_gap
        self.size = model_size(self.model)
        self.label_weight_per_unit = pyo.value(self.model.label_weight)  # as built: the case's tie-break weight
        if self.size["columns"] <= EXACT_BELOW_COLUMNS:
            gap = 0.0  # small models solve to optimality at no cost: still within any gap asked for
        self.solver = PersistentHighs(self.model, options.time_limit_s, gap, options.threads, log)

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

    def solve(self, time_limit_s: float | None = None, warm_start: bool = False) -> SolveOutcome:
        """Solve as configured; the outcome says whether there is a solution (never raises)."""
        return self.solver.solve(time_limit_s=time_limit_s, warm_start=warm_start)

    def solve_required(self, what: str, warm_start: bool = False) -> SolveOutcome:
        """Solve as configured; NoSolution when there is none."""
        outcome = self.solve(warm_start=warm_start)
        if not outcome.has_solution:
            raise NoSolution(f"{what}: no solution ({outcome.status})", outcome.status)
        return outcome

    def plan(self) -> Plan:
        """The loaded solution as tables, with ``extras["risk"]`` the true value of the measure."""
        plan = extract_plan(self.model, self.index)
        plan.extras["risk"] = plan.metrics[self.measure]
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

    def tie_break_limit(self) -> float:
        """A lexicographic second stage only breaks ties among (near-)cheapest plans: it runs from the
        first stage's plan and gets a tenth of the time limit (at least 5 s)."""
        return max(5.0, TIE_BREAK_SHARE * self.options.time_limit_s)

    # ------------------------------------------------------------------ stages
    def min_cost(self, risk_limit: float | None = None) -> tuple[SolveOutcome, Plan]:
        """Min expected cost (within an optional risk limit), then min risk at that cost."""
        self.configure(risk_limit=risk_limit)
        first = self.solve_required("min cost")
        cost = pyo.value(self.model.expected_cost)
        self.first_stage = (first, cost)  # the min-cost solve itself, before the risk tie-break
        first_risk = self.risk_now()
        snapshot = self.snapshot()
        cost_limit = cost + LEX_REL_TOL * max(1.0, abs(cost))
        exposure = self.measure == "exposure"
        second, _ = self.risk.minimise(self, cost_limit=cost_limit, limit=risk_limit,
                                       time_limit_s=None if exposure else self.tie_break_limit(),
                                       warm_start=not exposure)
        if not second.has_solution:  # the tie-break found nothing in time: keep stage one
            self.restore(snapshot)
        if exposure:
            tie = second if second.has_solution else SolveOutcome.none(f"{second.status} (risk tie-break)")
        else:
            tie = second if second.status == "optimal" else SolveOutcome.none(
                f"risk tie-break {second.status}", second.seconds)
        if self.risk_now() >= first_risk - 1e-9 * max(1.0, abs(first_risk)):
            self.restore(snapshot)  # no risk gained: keep the exact min-cost solution
        plan = self.plan()
        self.configure()
        return weakest([first, tie]), plan

    def min_risk(self) -> tuple[SolveOutcome, Plan, float]:
        """Min risk, then min expected cost at that risk. Returns the minimal risk too."""
        first, best = self.risk.minimise(self)
        if not first.has_solution:
            raise NoSolution(f"min risk: no solution ({first.status})", first.status)
        self.configure(risk_limit=self.risk.holding_limit(best))
        second = self.solve_required("min cost at min risk", warm_start=True)
        plan = self.plan()
        self.configure()
        return weakest([first, second]), plan, best

    def epsilon_point(self, limit: float, reward: float) -> tuple[SolveOutcome, Plan]:
        """Min cost - reward x slack subject to risk + slack = limit (AUGMECON2)."""
        self.configure(risk_limit=limit, slack_reward=reward)
        outcome = self.solve_required(f"risk limit {limit:.6g}")
        plan = self.plan()
        self.configure()
        return outcome, plan

    # ------------------------------------------------------------------ once-decisions
    def _once_vars(self):
        m = self.model
        for kind, var in (("contract", m.contract), ("qualify", m.qualify), ("build", m.build)):
            for key, v in var.items():
                yield (kind, key), v

    def once_decisions(self) -> dict[tuple[str, str], int]:
        """The loaded plan's once-decisions: (kind, offer or process) -> 0/1, kind one of
        contract, qualify, build."""
        return {k: int(round(v.value or 0.0)) for k, v in self._once_vars()}

    def fix_once_decisions(self, values: dict[tuple[str, str], float]) -> None:
        """Hold the named once-decisions at the given values (by their bounds: cheap on the
        persistent interface, unlike ``fix()``, DESIGN.md §6); the others stay free."""
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
