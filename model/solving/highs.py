"""Solving a built model with HiGHS, persistently (no files on disk).

One :class:`PersistentHighs` holds one model; every stage of a frontier changes mutable parameters
and variable bounds and calls :meth:`PersistentHighs.solve` again, which only re-sends what changed
(:mod:`.highs_model`).
"""

from __future__ import annotations

import gc
import math
import queue
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass

import highspy
import pyomo.environ as pyo
from pyomo.common.tee import capture_output
from pyomo.core.staleflag import StaleFlagManager

from .. import interrupt
from .highs_model import HighsModel


PER_SOLVE_DEFAULTS = {"simplex_strategy": 1}  # options some solve sets for itself, at HiGHS's default


@contextmanager
def paused_gc():
    """Python's cyclic garbage collector paused while a model is built or handed over: those make
    hundreds of thousands of long-lived objects and no garbage cycles, and each full collection
    walks them all (about 40 % of a 100k-column build). It runs again afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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


_S = highspy.HighsModelStatus
_STATUS = {
    _S.kOptimal: "optimal",
    _S.kTimeLimit: "time_limit",
    _S.kIterationLimit: "iteration_limit",
    _S.kSolutionLimit: "iteration_limit",
    _S.kInfeasible: "infeasible",
    _S.kUnboundedOrInfeasible: "infeasible_or_unbounded",
    _S.kUnbounded: "unbounded",
    _S.kInterrupt: "interrupted",
    _S.kHighsInterrupt: "interrupted",
    _S.kObjectiveBound: "objectiveLimit",
    _S.kObjectiveTarget: "objectiveLimit",
    _S.kMemoryLimit: "memory_limit",
    _S.kLoadError: "error",
    _S.kModelError: "error",
    _S.kPresolveError: "error",
    _S.kSolveError: "error",
    _S.kPostsolveError: "error",
    _S.kNotset: "unknown",
    _S.kModelEmpty: "unknown",
    _S.kUnknown: "unknown",
}


def relative_gap(objective: float | None, bound: float | None) -> float | None:
    if objective is None or bound is None or not math.isfinite(objective) or not math.isfinite(bound):
        return None
    return abs(objective - bound) / max(abs(objective), 1e-9) if abs(objective - bound) > 1e-9 else 0.0


# HiGHS's sub-MIP heuristics (RINS, RENS, the root reduced-cost sub-MIP) each solve a smaller MIP
# of the whole model; at the default case's size (42,773 x 54,215 after presolve) one of them ran
# from the end of the root node to the time limit, so no branching happened and its plan came only
# at the limit. Without them HiGHS branches at once and closes the min-cost MIP to 0.5 % in about
# half the time (docs/performance.md, "HiGHS's sub-MIP heuristics").
SUB_MIP_HEURISTICS_OFF = {"mip_heuristic_run_rins": False, "mip_heuristic_run_rens": False,
                          "mip_heuristic_run_root_reduced_cost": False}


class PersistentHighs:
    """HiGHS on one Pyomo model, re-solved after parameter changes (:mod:`.highs_model` hands the
    model over in bulk at the first solve and sends only what changed before each later one).

    ``write_mps``: a file to which the model of the first solve is written, by HiGHS itself
    (``Highs.writeModel`` on the loaded model, just before it runs), so any solver can check it.
    ``seconds`` accumulates where the time of the solves went: ``handover`` (Pyomo -> HiGHS: the
    first load, and each later update), ``highs`` (HiGHS's own run) and ``load`` (the solution
    back into Pyomo's variables)."""

    def __init__(self, model: pyo.ConcreteModel, time_limit_s: float = 300.0, mip_gap: float = 0.005,
                 threads: int | None = None, log_path: str | None = None, write_mps: str | None = None):
        self.model = model
        self.loaded: HighsModel | None = None
        self.time_limit_s = time_limit_s
        self.mip_gap = mip_gap
        self.threads = threads
        self.log_path = log_path
        self.write_mps = write_mps
        self.seconds = {"handover": 0.0, "highs": 0.0, "load": 0.0, "write_mps": 0.0}
        self._integers_relaxed = False  # held_integers_continuous: HiGHS has an LP now

    @property
    def highs(self):
        """The highspy model (None before the first solve)."""
        return None if self.loaded is None else self.loaded.highs

    def _options(self, time_limit_s, mip_gap, options, abs_gap=None) -> dict:
        values = {"time_limit": float(time_limit_s or self.time_limit_s),
                  "mip_rel_gap": float(self.mip_gap if mip_gap is None else mip_gap),
                  "mip_abs_gap": 1e-9 if abs_gap is None else float(abs_gap), "mip_feasibility_tolerance": 1e-7, "output_flag": False}
        values.update(SUB_MIP_HEURISTICS_OFF)
        values.update(PER_SOLVE_DEFAULTS)  # HiGHS keeps an option's value between runs: reset each time
        if self.log_path:
            values.update({"log_file": self.log_path, "output_flag": True, "log_to_console": False})
        if self.threads:
            values["threads"] = int(self.threads)
        values.update(options or {})
        return values

    def _hand_over(self) -> HighsModel:
        """Pyomo -> HiGHS: the whole model in bulk the first time, then only what changed."""
        t0 = time.perf_counter()
        if self.loaded is None:
            with paused_gc():
                self.loaded = HighsModel(self.model)
        else:
            self.loaded.update()
        self.seconds["handover"] += time.perf_counter() - t0
        return self.loaded

    def forget(self) -> None:
        """Drop HiGHS's solution from the last solve: HiGHS would otherwise start the next MIP from
        it when it is feasible, so an answer would depend on what this model solved before."""
        if self.loaded is not None:
            self.loaded.highs.clearSolver()

    @contextmanager
    def held_integers_continuous(self):
        """While the model's integers are all held at one value by their bounds, mark them
        continuous in HiGHS: the model is then an LP, which HiGHS re-solves from its last basis
        (a MIP whose integers are all held is presolved and solved from nothing every time).
        Marked integer again on leaving."""
        loaded = self._hand_over()
        held = loaded.integers_if_all_held()  # none when some integer is free: still a MIP
        loaded.set_integrality(held, integer=False)
        self._integers_relaxed = bool(held)
        try:
            yield bool(held)
        finally:
            loaded.set_integrality(held, integer=True)
            self._integers_relaxed = False

    def write_model(self, path: str) -> None:
        """The model as it now stands, written by HiGHS (MPS, with Pyomo's names)."""
        self._hand_over()
        self._write_loaded(path)

    def _write_loaded(self, path: str) -> None:
        t0 = time.perf_counter()
        self.loaded.name_columns_and_rows()
        if self.loaded.highs.writeModel(str(path)) == highspy.HighsStatus.kError:
            raise OSError(f"HiGHS could not write the model to {path}")
        self.seconds["write_mps"] += time.perf_counter() - t0

    def solve(self, time_limit_s: float | None = None, mip_gap: float | None = None,
              options: dict | None = None, warm_start: bool = False,
              abs_gap: float | None = None) -> SolveOutcome:
        """Solve as the model now stands; the solution (if any) is loaded into its variables. HiGHS
        stops at the relative gap ``mip_gap`` or the absolute gap ``abs_gap`` (objective units),
        whichever comes first; after Ctrl-C no solve starts, and a running one is cancelled."""
        if interrupt.requested():
            return SolveOutcome.none("interrupted")
        StaleFlagManager.mark_all_as_stale()
        h = self._hand_over().highs
        values = self._options(time_limit_s, mip_gap, options, abs_gap)
        if self._integers_relaxed or not self.loaded.integer:
            # HiGHS 1.16 holds an LP to its time limit on the clock of every run of this model
            # so far (a MIP to its own run's): the limit is given from where that clock stands
            values["time_limit"] += h.getRunTime()
        for key, value in values.items():
            h.setOptionValue(key, value)
        if warm_start:
            self.loaded.set_start_from_current_values()
        if self.write_mps:  # just handed over: written as it is, not updated again
            self._write_loaded(self.write_mps)
            self.write_mps = None
        h.HandleKeyboardInterrupt = True
        start = time.perf_counter()
        first_plan = None  # (values, their worth): a first run's plan whose reported objective was not its own
        try:
            with capture_output(capture_fd=True), interrupt.Solving(h):  # HiGHS's prints stay off our output
                self._run(h)
                if self._solution_is_not_its_objective(h):
                    # HiGHS 1.16 can hand back a full MIP start as it was given while reporting the
                    # objective of the plan its presolve made of it (seen where the start's
                    # continuous part was not optimal for its integers: a value option's solve):
                    # solved again from the integers alone, which HiGHS completes itself, and
                    # failing that from nothing; the first plan is kept, at its own worth, in case
                    # neither gives a better one
                    first_plan = self.loaded.solution_and_worth()
                    self.loaded.restart_from_solution_integers()
                    self._run(h)
                    if self._solution_is_not_its_objective(h):
                        h.clearSolver()
                        self._run(h)
        except SolveAbandoned:  # the model is still busy: nothing of it may be read any more
            self.seconds["highs"] += time.perf_counter() - start
            return SolveOutcome.none("interrupted")
        seconds = time.perf_counter() - start
        self.seconds["highs"] += seconds
        info = h.getInfo()
        has_solution = info.primal_solution_status == 2  # 2: feasible
        status = _STATUS.get(h.getModelStatus(), h.getModelStatus().name)
        objective = info.objective_function_value if has_solution else None
        if info.mip_node_count == -1:  # an LP: the optimum is its own bound
            bound = objective if has_solution and status == "optimal" else None
        else:
            bound = info.mip_dual_bound
        values = None
        if first_plan is not None and not (has_solution and self.loaded.solution_has_objective(objective)):
            plans = [first_plan] + ([self.loaded.solution_and_worth()] if has_solution else [])
            values, objective = min(plans, key=lambda plan: plan[1])  # every model here minimises
            has_solution = True
        if has_solution:
            t0 = time.perf_counter()
            self.loaded.load_solution(values)
            self.seconds["load"] += time.perf_counter() - t0
        return SolveOutcome(status, has_solution, objective, bound, relative_gap(objective, bound), seconds)

    def _run(self, h) -> None:
        run_cancellable(h, self.threads)
        if h.getModelStatus() == highspy.HighsModelStatus.kSolveError and not interrupt.requested():
            # HiGHS 1.16's presolve can end in a solve error on a model it solves without it
            # (seen: the risk tie-break's LP on the default case with --threads 1)
            h.setOptionValue("presolve", "off")
            run_cancellable(h, self.threads)
            h.setOptionValue("presolve", "choose")

    def _solution_is_not_its_objective(self, h) -> bool:
        """A MIP run with a solution whose values are not worth the objective HiGHS reports."""
        if not self.loaded.integer or self._integers_relaxed or interrupt.requested() \
                or h.getInfo().primal_solution_status != 2:
            return False
        return not self.loaded.solution_has_objective(h.getInfo().objective_function_value)


_SCHEDULER_THREADS: list[int] = []


CANCEL_GRACE_S = 2.0  # after Ctrl-C, how long a solve may take to notice before it is left behind


class SolveAbandoned(Exception):
    """A solve that did not stop within CANCEL_GRACE_S of Ctrl-C: its HiGHS model is still busy."""


class _SolverThread:
    """A long-lived daemon thread that runs a calling thread's HiGHS solves.

    Python runs a signal handler on the main thread only, between bytecodes: while the main thread
    is inside ``Highs.run()`` Ctrl-C would wait for the solve to end. And HiGHS does not look at
    its interrupt callbacks everywhere: the root LP of the default case's MIP (about 20 s on 2
    cores) runs to its end after ``cancelSolve``. So the caller hands the run to this thread
    (HiGHS releases the GIL while it solves) and waits in short steps, during which the handler
    runs and cancels the solve (:mod:`model.interrupt`); a solve that has not stopped
    CANCEL_GRACE_S after Ctrl-C is left running and :class:`SolveAbandoned` raised: the run is
    ending, and the CLI exits after Ctrl-C without waiting for it (``model.cli.main``).
    Threads are reused (at most as many as solves run at once in this process); daemons, so that
    exiting never waits for them."""

    def __init__(self):
        self._jobs: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._serve, name="highs-solve", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            h, threads, done, failure = self._jobs.get()
            try:
                if threads:  # the scheduler belongs to the thread that runs HiGHS: reset here
                    _use_thread_count(threads)
                h.run()
            except BaseException as exc:  # pragma: no cover - handed back to the waiting caller
                failure.append(exc)
            finally:
                done.set()

    def run(self, h, threads: int | None) -> None:
        done, failure = threading.Event(), []
        self._jobs.put((h, threads, done, failure))
        asked_at = None
        while not done.wait(0.1):  # a Ctrl-C's handler runs here (main thread)
            if interrupt.requested():
                asked_at = asked_at or time.perf_counter()
                if time.perf_counter() - asked_at > CANCEL_GRACE_S:
                    raise SolveAbandoned()
        if failure:
            raise failure[0]


_IDLE_SOLVER_THREADS: list[_SolverThread] = []
_SOLVER_THREADS_LOCK = threading.Lock()


def run_cancellable(h, threads: int | None = None) -> None:
    """``h.run()`` (HiGHS's scheduler at ``threads`` threads, if given) on an idle
    :class:`_SolverThread` (one is started when none is idle), so that Ctrl-C reaches it. A solver
    thread left behind by Ctrl-C is never handed out again."""
    with _SOLVER_THREADS_LOCK:
        solver = _IDLE_SOLVER_THREADS.pop() if _IDLE_SOLVER_THREADS else None
        if solver is None:
            solver = _SolverThread()
    solver.run(h, threads)  # raises SolveAbandoned, leaving the thread out of the idle list
    with _SOLVER_THREADS_LOCK:
        _IDLE_SOLVER_THREADS.append(solver)


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
        return f"{highspy.HIGHS_VERSION_MAJOR}.{highspy.HIGHS_VERSION_MINOR}.{highspy.HIGHS_VERSION_PATCH}"
    except Exception:  # pragma: no cover - reported, not fatal
        return "unknown"
