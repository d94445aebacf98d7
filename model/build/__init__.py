"""Building the Pyomo model from a checked case: create variables, constraint families, objective."""

from __future__ import annotations

import pyomo.environ as pyo

from ..case.case import Case
from . import constraints, objective, variables
from .index import CaseIndex


def build_model(case: Case, risk_measure: str | None = None, skip: tuple[str, ...] = ()) -> pyo.ConcreteModel:
    """The whole MILP for a case. ``skip`` names constraint families to leave out (tests use it to
    show that each family matters); "non_anticipativity" there gives every scenario its own node."""
    ix = CaseIndex(case, non_anticipative="non_anticipativity" not in skip)
    m = pyo.ConcreteModel(name=case.settings.case_name)
    m._index = ix
    m._risk_measure = risk_measure or case.settings.risk_measure
    variables.add_first_stage_decisions(m, ix)
    variables.add_purchase_variables(m, ix)
    variables.add_flow_variables(m, ix)
    variables.add_stock_and_delivery_variables(m, ix)
    for family in constraints.CONSTRAINT_FAMILIES:
        if family.__name__ not in skip:
            family(m, ix)
    objective.add_costs(m, ix)
    objective.add_shortfall(m, ix)
    objective.add_exposure(m, ix)
    objective.add_risk(m, ix, m._risk_measure)
    objective.add_objective(m, ix)
    return m


__all__ = ["build_model", "CaseIndex"]
