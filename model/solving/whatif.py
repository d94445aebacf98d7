"""What-if runs: the baseline frontier, the frontier with rules toggled, and the min expected cost
of keeping each baseline point's risk level under the toggle (docs/cli.md "What-if")."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..case.case import Case
from .frontier import FrontierResult, run_frontier
from .staged import SolveOptions, StagedModel


@dataclass
class KeptLevel:
    """The toggled case's min expected cost within one baseline point's risk."""
    point: int
    risk_level: float
    status: str
    cost: float | None
    gap: float | None


@dataclass
class WhatIfResult:
    baseline: FrontierResult
    toggled: FrontierResult
    kept: list[KeptLevel]


def cost_at_limits(case: Case, measure: str, options: SolveOptions,
                   limits: list[tuple[int, float]]) -> list[KeptLevel]:
    """Min expected cost of the case within each (point, risk limit), on one persistent model."""
    staged = StagedModel(case, measure, options)
    out = []
    for point, limit in limits:
        outcome, cost = staged.min_cost_within(limit)
        out.append(KeptLevel(point, limit, outcome.status, cost, outcome.gap))
    return out


def run_whatif(case: Case, toggled: Case, points: int, measure: str, options: SolveOptions,
               progress=None) -> WhatIfResult:
    base = run_frontier(case, points, measure, options, progress)  # its first solve is --write-mps's
    later = replace(options, write_mps=None)
    tog = run_frontier(toggled, points, measure, later, progress)
    limits = [(p.point, p.risk) for p in base.points if p.plan is not None]
    return WhatIfResult(base, tog, cost_at_limits(toggled, base.risk_measure, later, limits))
