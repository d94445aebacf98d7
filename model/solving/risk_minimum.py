"""How a risk measure is minimised on a staged model: one solve of ``m.risk``, or, for a ratio
(exposure), Dinkelbach steps. The measure (model/formulation/risk.py) says which it is
(``is_ratio``) and how it is written; the solves themselves happen here, in the solving layer."""

from __future__ import annotations

import pyomo.environ as pyo

from .highs import weakest

DINKELBACH_MAX_STEPS = 30


def minimise_risk(stage, cost_limit: float | None = None, limit: float | None = None,
                  time_limit_s: float | None = None, warm_start: bool = False, abs_gap: float | None = None,
                  options: dict | None = None):
    """Min risk (within an optional cost and risk limit) on a staged model. Returns (outcome,
    minimal risk); the outcome has no solution when the solver found none. With ``abs_gap`` the
    solve stops at that absolute gap in risk units (and not at a relative one); ``options``: HiGHS
    options for this solve only."""
    if stage.risk.is_ratio:
        return _dinkelbach(stage, cost_limit, limit, time_limit_s)
    stage.configure(cost_weight=0.0, risk_weight=1.0, risk_limit=limit, cost_limit=cost_limit)
    outcome = stage.solve(time_limit_s=time_limit_s, warm_start=warm_start,
                          mip_gap=None if abs_gap is None else 0.0, abs_gap=abs_gap, options=options)
    return outcome, (pyo.value(stage.model.risk) if outcome.has_solution else None)


def _dinkelbach(stage, cost_limit, limit, time_limit_s):
    """Dinkelbach steps on controlled / total: min controlled - ratio x total, ratio <- controlled
    / total, until the step's optimum is 0. Reported by its weakest step (status, gap), the time
    summed."""
    measure, m = stage.risk, stage.model
    ratio, total = 0.0, 0.0
    outcomes = []
    for _ in range(DINKELBACH_MAX_STEPS):
        stage.configure(cost_weight=0.0, risk_weight=1.0, risk_limit=limit, cost_limit=cost_limit)
        measure.set_ratio(m, ratio)
        outcome = stage.solve(time_limit_s=time_limit_s)
        outcomes.append(outcome)
        if not outcome.has_solution:
            return outcome, None
        controlled, total = measure.ratio_parts(m)
        if total <= 1e-9 or controlled - ratio * total >= -1e-9 * max(1.0, total):
            break
        ratio = controlled / total
    return weakest(outcomes), (ratio if total > 1e-9 else 0.0)
