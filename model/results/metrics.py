"""Risk measures computed from a plan's scenario outcomes (the true values, not solver bounds).
The measures themselves are defined once, in :mod:`model.formulation.risk`."""

from __future__ import annotations

from ..case.schema import RISK_MEASURES
from ..formulation.risk import Outcomes, cvar, evaluate_all

RISK_COLUMNS = RISK_MEASURES

__all__ = ["RISK_COLUMNS", "cvar", "risk_metrics"]


def risk_metrics(costs: dict[str, float], shares: dict[str, float], probs: dict[str, float],
                 alpha: float, spend_controlled: float, spend_total: float) -> dict[str, float]:
    return evaluate_all(Outcomes(dict(probs), costs, shares, spend_controlled, spend_total, alpha))
