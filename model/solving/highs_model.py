"""A Pyomo model handed to HiGHS in bulk, and kept in step with it between solves.

Pyomo's persistent HiGHS interface walks every constraint three times on the way in (collecting
variables, adding them one constraint at a time, building each row's standard representation),
which costs about twice the Pyomo build (docs/performance.md). Here each constraint is compiled once,
with the linear-expression compiler Pyomo's own LP and NL writers use, and the whole model goes to
HiGHS in one ``addVars`` / ``addRows`` call (numpy arrays).

Between solves, :meth:`HighsModel.update` sends only what changed, as the persistent interface
does, and for everything our stages change:

- mutable parameters (objective weights, the exposure limit): the objective is recompiled for a
  new set of parameter values (kept per set, so alternating stages do not recompile), and the few
  rows that contain a parameter are recompiled (found while compiling: the compiler reports it);
- variable bounds and fixing (risk limits, once-decisions held by bounds): compared per variable;
- constraint components added or removed (the lexicographic stage's cost limit), and new variable
  components: whole components, as the model's code adds and deletes them.

What it does not follow: a single ConstraintData deactivated inside a component, or a variable
component deleted after the load (the model's code does neither).
"""

from __future__ import annotations

from itertools import islice

import numpy as np
import pyomo.environ as pyo
from pyomo.common.tee import capture_output
from pyomo.core.staleflag import StaleFlagManager
from pyomo.repn.linear import LinearBeforeChildDispatcher, LinearRepnVisitor

import highspy

INF = highspy.kHighsInf
_PLAIN = (int, float, type(None))


class _Columns:
    """The variable recorder of the compiler: every variable of the model is known up front (so a
    fixed variable stays a column, held by its bounds), and a stranger is an error."""

    def __init__(self, var_map: dict):
        self.var_map = var_map

    def add(self, var):
        raise ValueError(f"variable {var.name} is used in the model but is not one of its components")


class _FlaggingDispatcher(LinearBeforeChildDispatcher):
    """The linear compiler's leaf handlers, noting every mutable parameter they meet."""

    @staticmethod
    def _before_param(visitor, child):
        visitor.saw_parameter = True
        return LinearBeforeChildDispatcher._before_param(visitor, child)

    @staticmethod
    def _before_npv(visitor, child):
        visitor.saw_parameter = True
        return LinearBeforeChildDispatcher._before_npv(visitor, child)


class _Compiler(LinearRepnVisitor):
    """Pyomo's linear compiler (the LP writer's), which also says whether an expression's value
    depends on a mutable parameter: every non-numeric coefficient it evaluates is one."""

    before_child_dispatcher = _FlaggingDispatcher()

    def __init__(self, var_map: dict):
        self.named = {}
        super().__init__(self.named, var_recorder=_Columns(var_map))
        self.saw_parameter = False
        evaluate = self.evaluate

        def evaluate_noting(expr):
            self.saw_parameter = True
            return evaluate(expr)
        self.evaluate = evaluate_noting

    def compile(self, expr):
        """(constant, {id(var): coefficient}, depends on a parameter)."""
        self.saw_parameter = False
        cached = len(self.named)
        repn = self.walk_expression(expr)
        if repn.nonlinear is not None:
            raise ValueError(f"HiGHS takes linear models only; not linear: {expr}")
        if self.saw_parameter and len(self.named) > cached:
            # a named expression first met here may hold the parameter: forget it, so every later
            # expression using it is compiled (and flagged) afresh
            for key in list(islice(reversed(self.named), len(self.named) - cached)):
                del self.named[key]
        return float(repn.constant), repn.linear, self.saw_parameter


def _bounds(v) -> tuple[float, float]:
    if v.fixed:
        return float(v.value), float(v.value)
    lb, ub = v.lb, v.ub
    return (-INF if lb is None else float(lb)), (INF if ub is None else float(ub))


def _bound_key(v):
    """What a variable's bounds in HiGHS depend on (compared before each solve; a bound that is an
    expression by identity, and re-read anyway)."""
    lb, ub = v._lb, v._ub
    return (lb if lb.__class__ in _PLAIN else id(lb), ub if ub.__class__ in _PLAIN else id(ub), id(v._domain),
            v.fixed, v._value if v.fixed else None)


class HighsModel:
    """One Pyomo model as one highspy model, kept in step between solves."""

    def __init__(self, model: pyo.ConcreteModel):
        self.model = model
        with capture_output(capture_fd=True):  # HiGHS prints its banner when it is made
            self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        self.vars: list = []
        self.col_of: dict[int, int] = {}
        self.var_components: set[int] = set()
        self.compiler = _Compiler({})
        self.blocks: list[dict] = []  # row blocks in HiGHS's row order, one per constraint component
        self.params: list = []
        self.param_state = None
        self.objectives: dict[tuple, tuple] = {}  # parameter values -> (sense, offset, costs)
        self.bound_keys: list = []
        self.param_bounded: list[int] = []  # columns whose bound is a parameter expression
        self.objective = None
        self.objective_now: tuple[float, np.ndarray] | None = None  # (offset, costs) HiGHS holds
        self.integer = False
        self.integer_columns: list[int] = []
        self.load()
        self.size_at_load = self.size()  # the model as built (a later stage may add a row)

    # ------------------------------------------------------------------ load
    def load(self) -> None:
        m = self.model
        self.params = [p for comp in m.component_objects(pyo.Param, active=True, descend_into=True) if comp.mutable
                       for p in comp.values()]
        self._add_variables([comp for comp in m.component_objects(pyo.Var, descend_into=True)])
        for comp in m.component_objects(pyo.Constraint, active=True, descend_into=True):
            self._add_block(comp)
        self._set_objective()

    def _add_variables(self, components) -> None:
        new = []
        for comp in components:
            if id(comp) in self.var_components:
                continue
            self.var_components.add(id(comp))
            new.extend(comp.values())
        if not new:
            return
        first = len(self.vars)
        for k, v in enumerate(new, start=first):
            self.col_of[id(v)] = k
            self.compiler.var_map[id(v)] = v
        self.vars.extend(new)
        bounds = [_bounds(v) for v in new]
        self.bound_keys.extend(_bound_key(v) for v in new)
        self.param_bounded.extend(k for k, v in enumerate(new, start=first)
                                  if v._lb.__class__ not in _PLAIN or v._ub.__class__ not in _PLAIN)
        lbs = np.array([b[0] for b in bounds], dtype=np.double)
        ubs = np.array([b[1] for b in bounds], dtype=np.double)
        self.highs.addVars(len(new), lbs, ubs)
        integer = [k for k, v in enumerate(new, start=first) if v.is_integer()]
        if integer:
            self.integer = True
            self.integer_columns.extend(integer)
            self.highs.changeColsIntegrality(len(integer), np.array(integer, dtype=np.int32),
                                             np.array([highspy.HighsVarType.kInteger] * len(integer)))

    def _compile_row(self, con):
        lb, body, ub = con.to_bounded_expression()
        const, linear, dynamic = self.compiler.compile(body)
        if not (lb.__class__ in _PLAIN and ub.__class__ in _PLAIN):  # a bound that is a parameter
            dynamic = True
            lb, ub = pyo.value(lb) if lb is not None else None, pyo.value(ub) if ub is not None else None
        lb = -INF if lb is None else float(lb) - const
        ub = INF if ub is None else float(ub) - const
        col_of = self.col_of
        return lb, ub, [col_of[i] for i in linear], [float(c) for c in linear.values()], dynamic

    def _add_block(self, comp) -> None:
        datas = [c for c in comp.values() if c.active]
        lbs, ubs, starts, index, value, dynamic = [], [], [], [], [], []
        for k, con in enumerate(datas):
            lb, ub, cols, coefs, dyn = self._compile_row(con)
            lbs.append(lb)
            ubs.append(ub)
            starts.append(len(index))
            index.extend(cols)
            value.extend(coefs)
            if dyn:
                dynamic.append((k, con, dict(zip(cols, coefs))))
        first_row = self.highs.getNumRow()
        self.highs.addRows(len(datas), np.array(lbs, dtype=np.double), np.array(ubs, dtype=np.double), len(index),
                           np.array(starts, dtype=np.int32), np.array(index, dtype=np.int32),
                           np.array(value, dtype=np.double))
        self.blocks.append({"component": comp, "first": first_row, "rows": datas, "count": len(datas),
                            "dynamic": dynamic})

    def _objective_now(self):
        objs = list(self.model.component_data_objects(pyo.Objective, active=True, descend_into=True))
        if len(objs) != 1:
            raise ValueError(f"expected one active objective, found {len(objs)}")
        obj = objs[0]
        if self.objective is None or obj is not self.objective[0] or obj.expr is not self.objective[1] \
                or len(self.vars) != self.objective[2]:  # a new objective or new columns
            self.objective = (obj, obj.expr, len(self.vars))
            self.objectives.clear()
        state = tuple(p.value for p in self.params)
        known = self.objectives.get(state)
        if known is None:
            const, linear, _ = self.compiler.compile(obj.expr)
            costs = np.zeros(len(self.vars), dtype=np.double)
            for vid, coef in linear.items():
                costs[self.col_of[vid]] = float(coef)
            sense = highspy.ObjSense.kMinimize if obj.sense == pyo.minimize else highspy.ObjSense.kMaximize
            known = self.objectives[state] = (sense, const, costs)
            if len(self.objectives) > 8:  # a few stages alternate; keep the recent ones
                del self.objectives[next(iter(self.objectives))]
        return state, known

    def _set_objective(self) -> None:
        state, (sense, offset, costs) = self._objective_now()
        n = len(self.vars)
        self.highs.changeObjectiveSense(sense)
        self.highs.changeObjectiveOffset(offset)
        self.highs.changeColsCost(n, np.arange(n, dtype=np.int32), costs)
        self.objective_now = (offset, costs)
        self.param_state = state

    # ------------------------------------------------------------------ update
    def update(self) -> None:
        """Send HiGHS what changed in the Pyomo model since the last solve."""
        m = self.model
        self._add_variables(list(m.component_objects(pyo.Var, descend_into=True)))
        present = {id(c): c for c in m.component_objects(pyo.Constraint, active=True, descend_into=True)}
        stale = [b for b in self.blocks if id(b["component"]) not in present
                 or present[id(b["component"])] is not b["component"] or len(b["component"]) != b["count"]]
        if stale:
            self._remove_blocks(stale)
        loaded = {id(b["component"]) for b in self.blocks}
        for cid, comp in present.items():
            if cid not in loaded:
                self._add_block(comp)
        state = tuple(p.value for p in self.params)
        if state != self.param_state or self.objective is None or self.objective[2] != len(self.vars):
            self._set_objective()
            for block in self.blocks:
                self._update_dynamic_rows(block)
        else:
            obj = next(iter(m.component_data_objects(pyo.Objective, active=True, descend_into=True)), None)
            if obj is None or obj is not self.objective[0] or obj.expr is not self.objective[1]:
                self._set_objective()
        self._update_bounds()

    def _remove_blocks(self, blocks) -> None:
        rows = [b["first"] + k for b in blocks for k in range(b["count"])]
        if rows:
            self.highs.deleteRows(len(rows), np.array(sorted(rows), dtype=np.int32))
        gone = {id(b) for b in blocks}
        self.blocks = [b for b in self.blocks if id(b) not in gone]
        first = 0
        for b in self.blocks:
            b["first"] = first
            first += b["count"]

    def _update_dynamic_rows(self, block) -> None:
        updated = []
        for k, con, old in block["dynamic"]:
            row = block["first"] + k
            lb, ub, cols, coefs, _ = self._compile_row(con)
            new = dict(zip(cols, coefs))
            for col in old.keys() | new.keys():
                if old.get(col, 0.0) != new.get(col, 0.0):
                    self.highs.changeCoeff(row, col, new.get(col, 0.0))
            self.highs.changeRowBounds(row, lb, ub)
            updated.append((k, con, new))
        block["dynamic"] = updated

    def _update_bounds(self) -> None:
        keys = self.bound_keys
        changed = []
        for k, v in enumerate(self.vars):
            key = _bound_key(v)
            if key != keys[k]:
                keys[k] = key
                changed.append(k)
        changed = sorted(set(changed) | set(self.param_bounded))
        if changed:
            bounds = [_bounds(self.vars[k]) for k in changed]
            self.highs.changeColsBounds(len(changed), np.array(changed, dtype=np.int32),
                                        np.array([b[0] for b in bounds], dtype=np.double),
                                        np.array([b[1] for b in bounds], dtype=np.double))

    # ------------------------------------------------------------------ solutions
    def integers_if_all_held(self) -> list[int]:
        """The integer columns, if HiGHS has every one held at one value by its bounds; else none."""
        lp = self.highs.getLp()
        lower, upper = lp.col_lower_, lp.col_upper_
        integers = [k for k, kind in enumerate(list(lp.integrality_)) if kind == highspy.HighsVarType.kInteger]
        return integers if all(lower[k] == upper[k] for k in integers) else []

    def set_integrality(self, columns: list[int], integer: bool) -> None:
        if columns:
            kind = highspy.HighsVarType.kInteger if integer else highspy.HighsVarType.kContinuous
            self.highs.changeColsIntegrality(len(columns), np.array(columns, dtype=np.int32),
                                             np.array([kind] * len(columns)))

    def set_start_from_current_values(self) -> None:
        """The variables' current values as a MIP start for the next run."""
        sol = highspy.HighsSolution()
        sol.col_value = [0.0 if v.value is None else float(v.value) for v in self.vars]
        sol.value_valid = True
        self.highs.setSolution(sol)

    def solution_and_worth(self) -> tuple[np.ndarray, float]:
        """HiGHS's solution vector and its objective value, computed from the vector itself."""
        values = np.asarray(self.highs.getSolution().col_value, dtype=np.double)
        offset, costs = self.objective_now
        return values, offset + float(costs @ values)

    def solution_has_objective(self, objective: float, rel_tol: float = 1e-7) -> bool:
        """Whether HiGHS's solution vector is worth the objective HiGHS reports for it."""
        worth = self.solution_and_worth()[1]
        return abs(worth - objective) <= rel_tol * max(1.0, abs(objective))

    def restart_from_solution_integers(self) -> None:
        """HiGHS's memory cleared, and its solution's integer values (only) as the next run's MIP
        start: HiGHS completes such a start itself."""
        values = np.asarray(self.highs.getSolution().col_value, dtype=np.double)
        columns = np.array(self.integer_columns, dtype=np.int32)
        self.highs.clearSolver()
        self.highs.setSolution(len(columns), columns, np.round(values[columns]))

    def load_solution(self, values=None) -> None:
        """HiGHS's solution (or ``values``, one per column) into the Pyomo variables."""
        values = self.highs.getSolution().col_value if values is None else values
        for v, x in zip(self.vars, values):
            v.set_value(x, skip_validation=True)
        StaleFlagManager.mark_all_as_stale(delayed=True)

    def name_columns_and_rows(self) -> None:
        """Give HiGHS's columns and rows the Pyomo names (``buy[O_CN,3,calm]``), so a written model
        can be read against our plan; whitespace and quotes, which MPS readers split on, become _
        and nothing, and a name made twice by that gets #k."""
        h = self.highs
        seen: set[str] = set()

        def clean(name: str) -> str:
            name = "".join("_" if ch.isspace() else ch for ch in name if ch not in "'\"")
            out, k = name, 1
            while out in seen:
                k += 1
                out = f"{name}#{k}"
            seen.add(out)
            return out
        for col, v in enumerate(self.vars):
            h.passColName(col, clean(v.name))
        seen.clear()
        for b in self.blocks:
            for k, con in enumerate(b["rows"]):
                h.passRowName(b["first"] + k, clean(con.name))

    def size(self) -> dict:
        lp = self.highs.getLp()
        return {"columns": lp.num_col_, "rows": lp.num_row_, "nonzeros": len(lp.a_matrix_.value_)}
