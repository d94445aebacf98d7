"""Solving a built model with HiGHS through pyomo's persistent interface (no files on disk).

One :class:`PersistentHighs` holds one model; every stage of a frontier changes mutable parameters
and calls :meth:`PersistentHighs.solve` again, which only re-sends what changed.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import pyomo.environ as pyo
from pyomo.contrib.solver.common.results import SolutionStatus, TerminationCondition
from pyomo.contrib.solver.solvers.highs import Highs

from .. import interrupt


class NoSolution(Exception):
    """The model is infeasible, or no solution was found in time. ``warnings``: what the user
    should know about why (e.g. the lowest risk a limit could have asked for)."""

    def __init__(self, message: str, status: str, warnings: list[str] | None = None):
        super().__init__(message)
        self.status = status
        self.warnings = list(warnings or [])


@dataclass
class SolveOutcome:
    status: str  # optimal, time_limit, infeasible, unbounded, error, ...
    has_solution: bool
    objective: float | None
    bound: float | None
    gap: float | None
    seconds: float

    @classmethod
    def none(cls, status: str, seconds: float = 0.0) -> "SolveOutcome":
        """An outcome without a solution (infeasible, a time limit with no incumbent, an error)."""
        return cls(status, False, None, None, None, seconds)


def weakest(outcomes: list[SolveOutcome]) -> SolveOutcome:
    """A multi-stage solve reported by its weakest stage (status, gap), the time summed. A second
    stage whose status starts with "risk tie-break" after an optimal first stage reads
    "optimal; risk tie-break ..."."""
    gaps = [o.gap for o in outcomes if o.gap is not None]
    bad = [o.status for o in outcomes if o.status != "optimal"]
    status = "optimal" if not bad else ("optimal; " + bad[0] if bad[0].startswith("risk tie-break")
                                        and outcomes[0].status == "optimal" else bad[0])
    last = outcomes[-1]
    return SolveOutcome(status, True, last.objective, last.bound, max(gaps) if gaps else None,
                        sum(o.seconds for o in outcomes))


_STATUS = {
    TerminationCondition.convergenceCriteriaSatisfied: "optimal",
    TerminationCondition.maxTimeLimit: "time_limit",
    TerminationCondition.iterationLimit: "iteration_limit",
    TerminationCondition.provenInfeasible: "infeasible",
    TerminationCondition.locallyInfeasible: "infeasible",
    TerminationCondition.infeasibleOrUnbounded: "infeasible_or_unbounded",
    TerminationCondition.unbounded: "unbounded",
    TerminationCondition.interrupted: "interrupted",
}


def relative_gap(objective: float | None, bound: float | None) -> float | None:
    if objective is None or bound is None or not math.isfinite(objective) or not math.isfinite(bound):
        return None
    return abs(objective - bound) / max(abs(objective), 1e-9) if abs(objective - bound) > 1e-9 else 0.0


class PersistentHighs:
    """HiGHS on one Pyomo model, re-solved after parameter changes."""

    def __init__(self, model: pyo.ConcreteModel, time_limit_s: float = 300.0, mip_gap: float = 0.005,
                 threads: int | None = None, log_path: str | None = None):
        self.model = model
        self.solver = Highs()
        self.time_limit_s = time_limit_s
        self.mip_gap = mip_gap
        self.threads = threads
        self.log_path = log_path

    def _start_from_current_values(self) -> bool:
        """Hand the variables' current values to HiGHS as a MIP start for the next run.

        The persistent interface has no public warm-start hook, so this wraps the next ``run`` of
        the underlying highspy model; on any mismatch it quietly does nothing (no start)."""
        try:
            import highspy
            solver = self.solver
            h = solver._solver_model
            var_map = solver._pyomo_var_to_solver_var_map
            values = [0.0] * h.getNumCol()
            for vid, col in var_map.items():
                value = solver._vars[vid][0].value
                values[col] = 0.0 if value is None else float(value)
            original_run = h.run

            def run_with_start():
                h.run = original_run
                sol = highspy.HighsSolution()
                sol.col_value = values
                sol.value_valid = True
                h.setSolution(sol)
                return original_run()
            h.run = run_with_start
            return True
        except Exception:  # pragma: no cover - internals moved: solve without a start
            return False

    def solve(self, time_limit_s: float | None = None, mip_gap: float | None = None,
              options: dict | None = None, warm_start: bool = False,
              abs_gap: float | None = None) -> SolveOutcome:
        """Solve within the time limit; HiGHS stops at the relative gap ``mip_gap`` or the absolute
        gap ``abs_gap`` (objective units), whichever comes first."""
        solver_options = {"mip_abs_gap": 1e-9 if abs_gap is None else abs_gap, "mip_feasibility_tolerance": 1e-7}
        if self.log_path:
            solver_options.update({"log_file": self.log_path, "output_flag": True, "log_to_console": False})
        solver_options.update(options or {})
        kwargs = dict(load_solutions=False, raise_exception_on_nonoptimal_result=False,
                      time_limit=time_limit_s or self.time_limit_s,
                      rel_gap=self.mip_gap if mip_gap is None else mip_gap,
                      solver_options=solver_options)
        if self.threads:
            kwargs["threads"] = self.threads
            _use_thread_count(self.threads)
        if interrupt.requested():  # Ctrl-C: no new solve starts
            return SolveOutcome.none("interrupted")
        start = time.perf_counter()
        loaded = self.solver._model is self.model
        if not loaded:  # load it first, so that Ctrl-C can cancel the first run too
            self.solver._active_config = self.solver.config(value=kwargs, preserve_implicit=True)
            self.solver.set_instance(self.model)
        if warm_start and loaded:
            self._start_from_current_values()
        with interrupt.Solving(self.solver._solver_model):
            res = self.solver.solve(self.model, **kwargs)
        seconds = time.perf_counter() - start
        has_solution = res.solution_status in (SolutionStatus.optimal, SolutionStatus.feasible)
        if has_solution:
            res.solution_loader.load_vars()
        status = _STATUS.get(res.termination_condition, res.termination_condition.name)
        objective = res.incumbent_objective if has_solution else None
        bound = res.objective_bound
        return SolveOutcome(status, has_solution, objective, bound, relative_gap(objective, bound), seconds)


_SCHEDULER_THREADS: list[int] = []


def _use_thread_count(threads: int) -> None:
    """HiGHS keeps one global thread scheduler per process; a different thread count needs a reset
    first, or the run fails (it matters when one process runs solves with different --threads)."""
    if _SCHEDULER_THREADS and _SCHEDULER_THREADS[-1] == threads:
        return
    try:
        import highspy
        highspy.Highs.resetGlobalScheduler(True)
    except Exception:  # pragma: no cover - older highspy: nothing to reset
        pass
    _SCHEDULER_THREADS[:] = [threads]


def highs_version() -> str:
    try:
        return ".".join(map(str, Highs().version()))
    except Exception:  # pragma: no cover - reported, not fatal
        return "unknown"
