"""The MILP of docs/model.md, built from a checked case: sparse index sets (``index.py``), variables
(``variables.py``), one function per constraint family (``constraints.py``), costs and the objective
(``objective.py``) and the risk measures (``risk.py``). The formulation never reads files."""

from __future__ import annotations

import pyomo.environ as pyo

from ..case.case import Case
from . import constraints, objective, variables
from .index import CaseIndex
from .risk import measure as risk_measure_named


def build_model(case: Case, risk_measure: str | None = None, skip: tuple[str, ...] = (),
                index: CaseIndex | None = None) -> pyo.ConcreteModel:
    """The whole MILP for a case. ``skip`` names constraint families to leave out (tests use it to
    show that each family matters); "non_anticipativity" there gives every scenario its own node.
    ``index``: the case's :class:`CaseIndex` when the caller keeps it (built here otherwise)."""
    ix = index or CaseIndex(case, non_anticipative="non_anticipativity" not in skip)
    m = pyo.ConcreteModel(name=case.settings.case_name)
    if ix.elastic:
        m.elastic_slack = pyo.Var(pyo.Any, dense=False, domain=pyo.NonNegativeReals)
    variables.add_first_stage_decisions(m, ix)
    variables.add_purchase_variables(m, ix)
    variables.add_flow_variables(m, ix)
    variables.add_stock_and_delivery_variables(m, ix)
    variables.add_lever_variables(m, ix)
    for family in constraints.CONSTRAINT_FAMILIES:
        if family.__name__ not in skip:
            family(m, ix)
    objective.add_costs(m, ix)
    objective.add_shortfall(m, ix)
    objective.add_exposure(m, ix)
    risk_measure_named(risk_measure or case.settings.risk_measure).add(m, ix)
    objective.add_objective(m, ix)
    return m


def model_size(m: pyo.ConcreteModel) -> dict:
    """Columns, binaries and rows of a built model."""
    n_vars = sum(len(v) for v in m.component_objects(pyo.Var, active=True))
    n_bin = sum(1 for v in m.component_data_objects(pyo.Var) if v.is_binary())
    n_cons = sum(len(c) for c in m.component_objects(pyo.Constraint, active=True))
    return {"columns": n_vars, "binaries": n_bin, "rows": n_cons}


__all__ = ["build_model", "model_size", "CaseIndex"]
